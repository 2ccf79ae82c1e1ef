// What must hold before vX.Y.Z is tagged: the checks are pure so that a test holds them; scripts/release.mjs runs them
// against the repository and the release workflow runs that script.

/** Problems that stop `version` (vX.Y.Z) from being released; empty when it may be. */
export function releaseProblems({ version, packageVersion, changelog, existingTags }) {
  const problems = []
  const m = /^v(\d+)\.(\d+)\.(\d+)$/.exec(version)
  if (!m) return [`the version must look like v1.2.3; got '${version}'`]
  const plain = version.slice(1)
  if (packageVersion !== plain)
    problems.push(`package.json says version ${packageVersion}; set it to ${plain} (npm version ${plain} --no-git-tag-version)`)
  const heading = new RegExp(`^## \\[${plain.replace(/\./g, '\\.')}\\] - \\d{4}-\\d{2}-\\d{2}$`, 'm')
  if (!heading.test(changelog))
    problems.push(`CHANGELOG.md has no section '## [${plain}] - YYYY-MM-DD': move the Unreleased entries under it`)
  if (existingTags.includes(version)) problems.push(`${version} is already tagged: releases are immutable, make a new version`)
  return problems
}

/** The moving major tag a release updates: v1 for v1.4.2. */
export function majorTag(version) {
  return version.replace(/^(v\d+)\..*$/, '$1')
}

/** The CHANGELOG section of a version, as the release's notes. */
export function releaseNotes(changelog, version) {
  const plain = version.slice(1).replace(/\./g, '\\.')
  const m = new RegExp(`^## \\[${plain}\\][^\\n]*\\n([\\s\\S]*?)(?=^## \\[|^\\[[^\\]]+\\]: |(?![\\s\\S]))`, 'm').exec(changelog)
  return m ? m[1].trim() + '\n' : ''
}
