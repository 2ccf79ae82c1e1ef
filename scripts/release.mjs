#!/usr/bin/env node
// node scripts/release.mjs v1.2.3 [--push]
// Checks that v1.2.3 may be released (package.json, CHANGELOG.md, a clean tree whose dist/ is a fresh build, an unused
// tag), writes its notes to release-notes.md, tags it and moves the major tag (v1) to it. With --push it pushes both
// tags; the Release workflow then publishes the GitHub release from the tag (immutable once published when the
// repository's "immutable releases" setting is on).
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import { majorTag, releaseNotes, releaseProblems } from './lib/release.mjs'

const [version, flag] = process.argv.slice(2)
const git = (...args) => execFileSync('git', args, { encoding: 'utf8' }).trim()
const changelog = fs.readFileSync('CHANGELOG.md', 'utf8')
const problems = releaseProblems({
  version: version ?? '',
  packageVersion: JSON.parse(fs.readFileSync('package.json', 'utf8')).version,
  changelog,
  existingTags: git('tag', '--list').split('\n')
})
if (git('status', '--porcelain')) problems.push('the working tree has changes: commit them first')
if (!problems.length) {
  execFileSync('npm', ['run', 'build'], { stdio: 'inherit' })
  if (git('status', '--porcelain', 'dist')) problems.push('dist/ is not a fresh build of src/: commit the build')
}
if (problems.length) {
  for (const p of problems) console.error(`release ${version}: ${p}`)
  process.exitCode = 1
} else {
  fs.writeFileSync('release-notes.md', releaseNotes(changelog, version))
  git('tag', '-a', version, '-m', `pg-backup-action ${version}`)
  git('tag', '-f', '-a', majorTag(version), '-m', `pg-backup-action ${majorTag(version)} → ${version}`, `${version}^{}`)
  console.log(`tagged ${version} and moved ${majorTag(version)} to it; notes in release-notes.md`)
  if (flag === '--push') {
    git('push', 'origin', version)
    git('push', '--force', 'origin', majorTag(version))
  }
}
