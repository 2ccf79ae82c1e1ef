/**
 * A name's last backups in the job summary (DESIGN.md §8): two mermaid
 * xychart-beta charts, size in MiB and duration in seconds, with the stamps on
 * the x-axis, and the same points as a table for readers without charts.
 */
import type { ManifestV1 } from '../storage/manifest.js'
import { timestamp } from '../config/naming.js'

const MiB = 1024 * 1024
const round = (n: number, digits: number): number => Math.round(n * 10 ** digits) / 10 ** digits

function chart(title: string, unit: string, stamps: string[], values: number[]): string {
  // Mermaid reads the axis labels as quoted strings and the values as plain numbers.
  const top = Math.max(...values, 0) * 1.1 || 1
  return [
    '```mermaid',
    'xychart-beta',
    `  title "${title}"`,
    `  x-axis [${stamps.map(s => `"${s}"`).join(', ')}]`,
    `  y-axis "${unit}" 0 --> ${round(top, 3)}`,
    `  line [${values.join(', ')}]`,
    '```'
  ].join('\n')
}

/** Markdown for the summary: the charts and the table; empty with fewer than two backups (nothing to draw a trend from). */
export function historyMarkdown(manifests: readonly ManifestV1[]): string {
  if (manifests.length < 2) return ''
  const stamps = manifests.map(m => timestamp(new Date(m.createdAt)))
  const sizes = manifests.map(m => round(m.sizeBytes / MiB, 3))
  const seconds = manifests.map(m => round(m.durationMs / 1000, 1))
  const rows = manifests.map((m, i) => `| ${stamps[i]} | ${sizes[i]} | ${seconds[i]} | ${m.state} |`)
  return [
    `### History (last ${manifests.length} backups)`,
    '',
    chart('Size (MiB)', 'MiB', stamps, sizes),
    '',
    chart('Duration (seconds)', 's', stamps, seconds),
    '',
    '| Backup | Size (MiB) | Duration (s) | State |',
    '|---|---|---|---|',
    ...rows,
    ''
  ].join('\n')
}
