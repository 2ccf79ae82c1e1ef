/**
 * What a backup looks like next to the previous good backup of its name
 * (DESIGN.md §7, §8): the stored size, and each table's rows, shrinking by
 * more than `max-shrink` percent, or a table that is gone. Pure: the caller
 * has the manifests.
 */
import { rowCountsOf, type Anomaly, type ManifestV1 } from './manifest.js'

/** Tables smaller than this in the previous backup are not compared by rows: a few deleted rows are no signal. */
export const MIN_COMPARED_ROWS = 1000

const shrink = (previous: number, current: number): number => Math.round(((previous - current) / previous) * 1000) / 10

/**
 * Every finding of `current` against `previous`. Row counts are compared
 * only when both backups counted them (a Render export counts none), and
 * only for tables whose rows both stored (`rows: null` is data left out).
 */
export function findAnomalies(
  previous: Pick<ManifestV1, 'sizeBytes' | 'tables' | 'rowCounts'>,
  current: Pick<ManifestV1, 'sizeBytes' | 'tables' | 'rowCounts'>,
  maxShrink: number
): Anomaly[] {
  const out: Anomaly[] = []
  if (previous.sizeBytes > 0 && shrink(previous.sizeBytes, current.sizeBytes) > maxShrink)
    out.push({
      kind: 'size',
      previous: previous.sizeBytes,
      current: current.sizeBytes,
      shrinkPercent: shrink(previous.sizeBytes, current.sizeBytes)
    })
  if (rowCountsOf(previous) === 'none' || rowCountsOf(current) === 'none') return out
  const now = new Map(current.tables.map(t => [`${t.schema}.${t.name}`, t.rows]))
  for (const t of previous.tables) {
    const table = `${t.schema}.${t.name}`
    if (!now.has(table)) {
      out.push({ kind: 'missing-table', table, previous: t.rows, current: null, shrinkPercent: 100 })
      continue
    }
    const rows = now.get(table)
    if (t.rows === null || rows === null || rows === undefined || t.rows < MIN_COMPARED_ROWS) continue
    if (shrink(t.rows, rows) > maxShrink)
      out.push({ kind: 'rows', table, previous: t.rows, current: rows, shrinkPercent: shrink(t.rows, rows) })
  }
  return out
}

/** One finding in words, for its warning and the summary. */
export function describeAnomaly(a: Anomaly): string {
  if (a.kind === 'size') return `the stored size shrank by ${a.shrinkPercent}% (${a.previous} → ${a.current} bytes)`
  if (a.kind === 'missing-table') return `table ${a.table} is gone (it had ${a.previous ?? 'uncounted'} rows)`
  return `table ${a.table} shrank by ${a.shrinkPercent}% (${a.previous} → ${a.current} rows)`
}
