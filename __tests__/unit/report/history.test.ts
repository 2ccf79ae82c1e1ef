import { describe, expect, it } from '@jest/globals'
import { historyMarkdown } from '../../../src/report/history.js'
import type { ManifestV1 } from '../../../src/storage/manifest.js'

// The summary's history: two mermaid xychart-beta charts and the same points as a table.
const m = (day: number, mib: number, ms: number) =>
  ({
    createdAt: new Date(Date.UTC(2026, 11, day, 3, 17)).toISOString(),
    sizeBytes: mib * 1024 * 1024,
    durationMs: ms,
    state: 'verified'
  }) as ManifestV1

describe('historyMarkdown', () => {
  it('draws size in MiB and duration in seconds over the stamps, and tabulates them', () => {
    const md = historyMarkdown([m(1, 2, 1500), m(2, 2.5, 1700), m(3, 1, 900)])
    expect(md).toContain('### History (last 3 backups)')
    expect(md.match(/```mermaid\nxychart-beta/g)).toHaveLength(2)
    expect(md).toContain('x-axis ["20261201T031700Z", "20261202T031700Z", "20261203T031700Z"]')
    expect(md).toContain('line [2, 2.5, 1]')
    expect(md).toContain('line [1.5, 1.7, 0.9]')
    expect(md).toContain('| 20261203T031700Z | 1 | 0.9 | verified |')
  })

  it('draws nothing from a single backup', () => {
    expect(historyMarkdown([m(1, 2, 1500)])).toBe('')
  })
})
