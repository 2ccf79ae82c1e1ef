import { describe, expect, it } from '@jest/globals'
import { describeAnomaly, findAnomalies } from '../../../src/storage/anomalies.js'
import { history, previousGood } from '../../../src/storage/series.js'
import type { ManifestV1 } from '../../../src/storage/manifest.js'
import type { BackupState } from '../../../src/storage/states.js'

// The comparison with the previous good backup (DESIGN.md §7, §8), and which backup that is.
const t = (name: string, rows: number | null) => ({ schema: 'public', name, rows })
const before = {
  sizeBytes: 10_000,
  rowCounts: 'source' as const,
  tables: [t('orders', 5000), t('audit', null), t('tiny', 10), t('gone', 2)]
}

describe('findAnomalies', () => {
  it('finds nothing when nothing shrank by more than max-shrink', () => {
    expect(
      findAnomalies(before, { ...before, sizeBytes: 6000, tables: [t('orders', 2600), t('audit', null), t('tiny', 1), t('gone', 2)] }, 50)
    ).toEqual([])
  })

  it('finds the size, a large table’s rows and a vanished table, each with its shrink', () => {
    const now = { sizeBytes: 4000, rowCounts: 'source' as const, tables: [t('orders', 1500), t('audit', null), t('tiny', 0)] }
    expect(findAnomalies(before, now, 50)).toEqual([
      { kind: 'size', previous: 10_000, current: 4000, shrinkPercent: 60 },
      { kind: 'rows', table: 'public.orders', previous: 5000, current: 1500, shrinkPercent: 70 },
      { kind: 'missing-table', table: 'public.gone', previous: 2, current: null, shrinkPercent: 100 }
    ])
  })

  it('does not compare rows of tables under 1,000 rows, of data left out, or when either backup counted none', () => {
    expect(findAnomalies(before, { ...before, tables: [t('orders', 5000), t('audit', null), t('tiny', 0), t('gone', 0)] }, 50)).toEqual([])
    expect(findAnomalies({ ...before, rowCounts: 'none', tables: [] }, { ...before, tables: [] }, 50)).toEqual([])
    expect(findAnomalies(before, { sizeBytes: 10_000, rowCounts: 'none', tables: [] }, 50)).toEqual([])
  })

  it('says each finding in words naming the table or the size', () => {
    expect(describeAnomaly({ kind: 'rows', table: 'public.orders', previous: 5000, current: 1500, shrinkPercent: 70 })).toBe(
      'table public.orders shrank by 70% (5000 → 1500 rows)'
    )
    expect(describeAnomaly({ kind: 'size', previous: 10, current: 4, shrinkPercent: 60 })).toBe(
      'the stored size shrank by 60% (10 → 4 bytes)'
    )
  })
})

describe('previousGood and history', () => {
  const entry = (key: string, day: number, state: BackupState, manifest = true) => ({
    key,
    createdAt: new Date(Date.UTC(2026, 11, day)),
    state,
    manifest: manifest ? ({ key, createdAt: new Date(Date.UTC(2026, 11, day)).toISOString() } as ManifestV1) : undefined
  })
  const entries = [
    entry('a', 1, 'verified'),
    entry('b', 2, 'failed'),
    entry('c', 3, 'unverified'),
    entry('d', 4, 'incomplete', false),
    entry('mine', 5, 'incomplete', false)
  ]

  it('takes the newest good backup, never a failed or incomplete one, nor this run’s own', () => {
    expect(previousGood(entries, ['mine'])?.key).toBe('c')
    expect(previousGood(entries.slice(0, 2), [])?.key).toBe('a')
  })

  it('lists the described backups oldest first, ending with this one, at most n', () => {
    const current = { key: 'mine' } as ManifestV1
    expect(history(entries, current, ['mine']).map(m => m.key)).toEqual(['a', 'b', 'c', 'mine'])
    expect(history(entries, current, ['mine'], 2).map(m => m.key)).toEqual(['c', 'mine'])
  })
})
