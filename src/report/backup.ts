import * as core from '@actions/core'
import { rowCountsOf, type ManifestV1 } from '../storage/manifest.js'
import { describeAnomaly } from '../storage/anomalies.js'
import { historyMarkdown } from './history.js'
import type { TableComparison } from '../postgres/counts.js'
import { writeSummary } from './safely.js'
import { setOutputs } from './outputs.js'
import { humanBytes, h, comparisonRow, escapeHtml, verificationText } from './format.js'

export interface BackupReport {
  manifest: ManifestV1
  backupKey: string
  locations: string[]
  artifactId: number | undefined
  durationSeconds: number
  verified: boolean
  /** Per-table comparison of a restore verification. */
  comparison?: TableComparison[]
  /** The previous good backup of the name, when one was visible. */
  previous?: ManifestV1
  /** The name's last backups, oldest first, ending with this one: the history chart. */
  history?: ManifestV1[]
}

/**
 * Outputs, job summary and the notice annotation. A masked secret inside an
 * output makes the runner withhold that output, so say so and how to fix it
 * instead of silently losing it (DESIGN.md §7).
 */
export async function reportBackup(r: BackupReport, secrets: readonly string[]): Promise<void> {
  const m = r.manifest
  setOutputs(
    {
      'backup-key': r.backupKey,
      location: r.locations.join('\n'),
      'artifact-id': r.artifactId === undefined ? '' : String(r.artifactId),
      'size-bytes': String(m.sizeBytes),
      sha256: m.sha256,
      'duration-seconds': r.durationSeconds.toFixed(1),
      'server-version': m.source.serverVersion,
      verified: String(r.verified),
      manifest: JSON.stringify(m)
    },
    secrets
  )

  const tableRows = r.comparison
    ? [[h('Table'), h('Rows in manifest'), h('Rows restored'), h('')], ...r.comparison.map(comparisonRow)]
    : [[h('Table'), h('Rows')], ...m.tables.map(t => [`${t.schema}.${t.name}`, t.rows === null ? 'not dumped' : String(t.rows)])]
  const uncounted = !r.comparison && rowCountsOf(m) === 'none'
  await writeSummary(
    core.summary
      .addHeading(`PostgreSQL backup: ${m.name}`, 2)
      .addTable([
        [h('Field'), h('Value')],
        [
          'Database',
          m.render
            ? `${m.source.database}: Render's export ${m.render.exportId} of ${m.render.postgresId} (made ${m.render.createdAt})`
            : `${m.source.database} on ${m.source.host}:${m.source.port}`
        ],
        ['Server version', m.source.serverVersion],
        ['pg_dump', m.dump.version],
        ['Format', m.dump.format],
        ['Compression', m.compression.algorithm + (m.compression.level === null ? '' : ` (level ${m.compression.level})`)],
        ['Size', `${humanBytes(m.sizeBytes)} (${m.sizeBytes} bytes)`],
        ['sha256', `<code>${m.sha256}</code>`],
        ['Duration', `${r.durationSeconds.toFixed(1)} s`],
        ['Location', r.locations.join('<br>')],
        ['Verification', verificationText(m.verification)]
      ])
      .addHeading(`Tables (${r.comparison?.length ?? m.tables.length})`, 3)
      .addRaw(
        uncounted
          ? '<p>No row counts: the backup was stored as its provider delivered it; <code>verify: restore</code> counts the restored copy.</p>'
          : '',
        true
      )
      .addTable(uncounted ? [] : tableRows)
      // Markdown after HTML needs a blank line first, or GitHub renders it as part of the HTML block.
      .addRaw(r.previous ? `\n${comparedMarkdown(m, r.previous)}` : '', true)
      .addRaw(r.history && r.history.length > 1 ? `\n${historyMarkdown(r.history)}` : '', true)
  )
  core.notice(`Backup stored at ${r.locations.join(', ')} (${humanBytes(m.sizeBytes)}, sha256 ${m.sha256.slice(0, 12)}…)`, {
    title: 'Backup stored'
  })
}

/** One backup of a `databases` run: what the `backups` output lists (DESIGN.md §8). */
export interface DatabaseResult {
  name: string
  /** Null for the roles backup. */
  database: string | null
  key: string | null
  location: string | null
  sizeBytes: number | null
  sha256: string | null
  state: string | null
  error: string | null
}

/** `databases`: one row per backup; backup-key, sha256 and size-bytes are empty, `backups` lists them all. */
export async function reportDatabases(results: DatabaseResult[], secrets: readonly string[]): Promise<void> {
  setOutputs({ 'backup-key': '', sha256: '', 'size-bytes': '', location: '', backups: JSON.stringify(results) }, secrets)
  await writeSummary(
    core.summary
      .addHeading(`Databases (${results.filter(r => !r.error).length} of ${results.length} stored)`, 2)
      .addTable([
        [h('Backup'), h('Database'), h('State'), h('Size'), h('Location or error')],
        ...results.map(r => [
          r.name,
          r.database ?? '(roles)',
          r.state ?? 'FAILED',
          r.sizeBytes === null ? '' : humanBytes(r.sizeBytes),
          escapeHtml(r.error ?? r.location ?? '')
        ])
      ])
  )
}

/** Against the previous good backup: size and table deltas, and what was found (DESIGN.md §8). */
function comparedMarkdown(m: ManifestV1, previous: ManifestV1): string {
  const pct = (from: number, to: number): string => (from ? `${to >= from ? '+' : ''}${(((to - from) / from) * 100).toFixed(1)}%` : '')
  const before = new Map(previous.tables.map(t => [`${t.schema}.${t.name}`, t.rows]))
  const changed = m.tables
    .map(t => ({ table: `${t.schema}.${t.name}`, from: before.get(`${t.schema}.${t.name}`), to: t.rows }))
    .filter(t => typeof t.from === 'number' && typeof t.to === 'number' && t.from !== t.to)
  const findings = m.anomalies ?? []
  return [
    `### Compared with the previous backup (${previous.key}, ${previous.createdAt})`,
    '',
    '| | Previous | This one | Change |',
    '|---|---|---|---|',
    `| Size | ${humanBytes(previous.sizeBytes)} | ${humanBytes(m.sizeBytes)} | ${pct(previous.sizeBytes, m.sizeBytes)} |`,
    `| Tables | ${previous.tables.length} | ${m.tables.length} | |`,
    ...changed.map(t => `| ${escapeHtml(t.table)} rows | ${t.from} | ${t.to} | ${pct(t.from as number, t.to as number)} |`),
    '',
    findings.length
      ? `**Anomalies:** ${findings.map(a => escapeHtml(describeAnomaly(a))).join('; ')}.`
      : m.anomalies
        ? 'No anomaly: nothing shrank by more than max-shrink, no table is gone.'
        : '',
    ''
  ].join('\n')
}
