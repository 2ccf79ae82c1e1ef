import { describe, expect, it } from '@jest/globals'
import { majorTag, releaseNotes, releaseProblems } from '../../scripts/lib/release.mjs'

// What the release script refuses, and the notes and tags it makes.
const changelog = `# Changelog

## [Unreleased]

## [1.2.0] - 2026-12-01

### Added

- Render exports.

## [1.1.0] - 2026-11-01

- Older.

[Unreleased]: https://example/compare/v1.2.0...HEAD
`

describe('releaseProblems', () => {
  const ok = { version: 'v1.2.0', packageVersion: '1.2.0', changelog, existingTags: ['v1.1.0', 'v1'] }

  it('lets a version through when package.json, the changelog and the tags agree', () => {
    expect(releaseProblems(ok)).toEqual([])
  })

  it('names each thing to fix', () => {
    expect(releaseProblems({ ...ok, version: '1.2' })).toEqual(["the version must look like v1.2.3; got '1.2'"])
    expect(releaseProblems({ ...ok, packageVersion: '1.1.0' })).toEqual([expect.stringContaining('package.json says version 1.1.0')])
    expect(releaseProblems({ ...ok, version: 'v1.3.0', packageVersion: '1.3.0' })).toEqual([
      expect.stringContaining("CHANGELOG.md has no section '## [1.3.0] - YYYY-MM-DD'")
    ])
    expect(releaseProblems({ ...ok, existingTags: ['v1.2.0'] })).toEqual([expect.stringContaining('already tagged')])
  })
})

describe('release notes and tags', () => {
  it('takes the version’s own changelog section, and moves the major tag', () => {
    expect(releaseNotes(changelog, 'v1.2.0')).toBe('### Added\n\n- Render exports.\n')
    expect(releaseNotes(changelog, 'v1.1.0')).toBe('- Older.\n')
    expect(majorTag('v1.2.0')).toBe('v1')
  })
})
