import * as core from '@actions/core'
import type { ManifestV1 } from '../storage/manifest.js'
import type { TableComparison, TableCount } from '../postgres/counts.js'
import type { CatalogEntry } from '../storage/catalog.js'
import type { NeonBranch, NeonSnapshot } from '../providers/neon/api.js'
import type { NeonPoint } from '../config/settings.js'
import { TOOL } from '../runtime/version.js'
import { writeSummary } from './safely.js'
import { setOutputs } from './outputs.js'
import type { BackupState } from '../storage/states.js'

export interface BackupReport {
  manifest: ManifestV1
  backupKey: string
  locations: string[]
  artifactId: number | undefined
  durationSeconds: number
  verified: boolean
  /** Per-table comparison of a restore verification. */
  comparison?: TableComparison[]
}

export function humanBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let i = 0
  let v = n
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`
}

/**
 * Outputs, job summary and the notice annotation. A masked secret inside an
 * output makes the runner withhold that output, so say so and how to fix it
 * instead of silently losing it (DESIGN.md §7).
 */
export async function reportBackup(r: BackupReport, secrets: readonly string[]): Promise<void> {
  const m = r.manifest
  setOutputs({
    'backup-key': r.backupKey,
    location: r.locations.join('\n'),
    'artifact-id': r.artifactId === undefined ? '' : String(r.artifactId),
    'size-bytes': String(m.sizeBytes),
    sha256: m.sha256,
    'duration-seconds': r.durationSeconds.toFixed(1),
    'server-version': m.source.serverVersion,
    verified: String(r.verified),
    manifest: JSON.stringify(m)
  }, secrets)

  const tableRows = r.comparison
    ? [[h('Table'), h('Rows in manifest'), h('Rows restored'), h('')], ...r.comparison.map(comparisonRow)]
    : [[h('Table'), h('Rows')], ...m.tables.map(t => [`${t.schema}.${t.name}`, t.rows === null ? 'not dumped' : String(t.rows)])]
  await writeSummary(
    core.summary
      .addHeading(`PostgreSQL backup: ${m.name}`, 2)
      .addTable([
        [h('Field'), h('Value')],
        ['Database', `${m.source.database} on ${m.source.host}:${m.source.port}`],
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
      .addHeading(`Tables (${m.tables.length})`, 3)
      .addTable(tableRows)
  )
  core.notice(`Backup stored at ${r.locations.join(', ')} (${humanBytes(m.sizeBytes)}, sha256 ${m.sha256.slice(0, 12)}…)`, {
    title: 'Backup stored'
  })
}

const h = (data: string) => ({ data, header: true })

function comparisonRow(t: TableComparison): string[] {
  return [t.table, String(t.expected), t.restored === null ? 'missing' : String(t.restored), t.ok ? '✅' : '❌']
}

function verificationText(v: ManifestV1['verification']): string {
  if (v.level === 'none') return 'none: not run'
  return `${v.level}: ${v.passed ? 'passed' : 'FAILED'}<br>${v.details.map(escapeHtml).join('<br>')}`
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

export interface RestoreReport {
  title: string
  entry: CatalogEntry & { manifest: ManifestV1 }
  target: string
  restoreSeconds: number
  backupAgeSeconds: number
  verified: boolean
  details: string[]
  comparison: TableComparison[]
  dryRun?: boolean
}

/** Outputs and summary of restore and restore-test. */
export async function reportRestore(r: RestoreReport, secrets: readonly string[]): Promise<void> {
  setOutputs(
    {
      'backup-key': r.entry.key,
      location: r.entry.location,
      'restore-seconds': r.restoreSeconds.toFixed(1),
      'backup-age-seconds': String(Math.round(r.backupAgeSeconds)),
      verified: String(r.verified),
      manifest: JSON.stringify(r.entry.manifest)
    },
    secrets
  )
  const m = r.entry.manifest
  await writeSummary(
    core.summary
      .addHeading(r.title, 2)
      .addTable([
        [h('Field'), h('Value')],
        ['Backup', r.entry.location],
        ['Taken', `${m.createdAt} (${(r.backupAgeSeconds / 3600).toFixed(1)} h ago) from ${m.source.database} on ${m.source.host}, PostgreSQL ${m.source.serverVersion}`],
        ['Size', `${humanBytes(m.sizeBytes)}, sha256 <code>${m.sha256}</code>`],
        ['Restored into', r.target],
        ['Restore time (RTO)', r.dryRun ? 'dry run: nothing restored' : `${r.restoreSeconds.toFixed(1)} s`],
        ['Result', `${r.verified ? 'passed' : r.dryRun ? 'not run' : 'FAILED'}<br>${r.details.map(escapeHtml).join('<br>')}`]
      ])
      .addHeading(`Tables (${r.comparison.length || m.tables.length})`, 3)
      .addTable(
        r.comparison.length
          ? [[h('Table'), h('Rows in manifest'), h('Rows restored'), h('')], ...r.comparison.map(comparisonRow)]
          : [[h('Table'), h('Rows in manifest')], ...m.tables.map(t => [`${t.schema}.${t.name}`, t.rows === null ? 'not dumped' : String(t.rows)])]
      )
  )
}

const STATE_TEXT: Record<BackupState, string> = {
  verified: 'verified',
  unverified: 'unverified (verify: none)',
  failed: '❌ failed verification',
  incomplete: 'incomplete (no manifest)',
  missing: 'missing (manifest without its backup)'
}

/** `list`: newest first, as a summary table and the `backups` output. */
export async function reportList(entries: CatalogEntry[], secrets: readonly string[]): Promise<void> {
  const backups = entries.map(e => ({
    key: e.key,
    destination: e.kind,
    name: e.name,
    createdAt: e.manifest?.createdAt ?? null,
    sizeBytes: e.manifest?.sizeBytes ?? e.sizeBytes,
    sha256: e.manifest?.sha256 ?? null,
    state: e.state,
    verified: e.state === 'verified',
    location: e.location
  }))
  setOutputs({ backups: JSON.stringify(backups) }, secrets)
  await writeSummary(
    core.summary
      .addHeading(`Backups (${backups.length})`, 2)
      .addTable([
        [h('Created'), h('Name'), h('Size'), h('State'), h('Location')],
        ...backups.map(b => [b.createdAt ?? '?', b.name, humanBytes(b.sizeBytes), STATE_TEXT[b.state], b.location])
      ])
  )
}

export interface NeonBackupReport {
  name: string
  /** The branch's or snapshot's name: `{name}-{stamp}` (or set aside as `…-unverified`). */
  key: string
  kind: 'branch' | 'snapshot'
  projectId: string
  parent: NeonBranch
  branch: NeonBranch | undefined
  snapshot: NeonSnapshot | undefined
  point: NeonPoint | undefined
  createdAt: Date
  finishedAt: Date
  serverVersion: string | undefined
  verification: ManifestV1['verification']
  comparison: TableComparison[] | undefined
  tables: TableCount[] | undefined
}

/** `neon://{project}/branches/{id}` or `…/snapshots/{id}`. */
export function neonLocation(projectId: string, kind: 'branch' | 'snapshot', id: string): string {
  return `neon://${projectId}/${kind === 'branch' ? 'branches' : 'snapshots'}/${id}`
}

/** Outputs and job summary of a Neon branch or snapshot backup; `manifest` describes it as the file manifests do (nothing is stored beside it). */
export async function reportNeonBackup(r: NeonBackupReport, secrets: readonly string[]): Promise<void> {
  const id = r.branch?.id ?? r.snapshot!.id
  const location = neonLocation(r.projectId, r.kind, id)
  const verified = r.verification.level !== 'none' && r.verification.passed
  const record = {
    schemaVersion: 1,
    tool: { ...TOOL },
    name: r.name,
    key: r.key,
    createdAt: r.createdAt.toISOString(),
    finishedAt: r.finishedAt.toISOString(),
    durationMs: r.finishedAt.getTime() - r.createdAt.getTime(),
    neon: {
      kind: r.kind,
      projectId: r.projectId,
      id,
      sourceBranch: { id: r.parent.id, name: r.parent.name },
      point: r.point ?? null,
      lsn: r.branch?.parent_lsn ?? r.snapshot?.lsn ?? null
    },
    tables: r.tables ?? [],
    verification: r.verification
  }
  setOutputs(
    {
      'backup-key': r.key,
      location,
      'duration-seconds': (record.durationMs / 1000).toFixed(1),
      'server-version': r.serverVersion ?? '',
      verified: String(verified),
      manifest: JSON.stringify(record),
      ...(r.branch ? { 'neon-branch-id': r.branch.id, 'neon-branch-name': r.key } : { 'neon-snapshot-id': id })
    },
    secrets
  )
  await writeSummary(
    core.summary
      .addHeading(`Neon ${r.kind} backup: ${r.name}`, 2)
      .addTable([
        [h('Field'), h('Value')],
        ['Project', r.projectId],
        ['Source branch', `${r.parent.name} (${r.parent.id})`],
        ['Point', r.point ? `${r.point.kind === 'lsn' ? 'LSN' : 'time'} ${r.point.value}` : 'now'],
        [r.kind === 'branch' ? 'Backup branch' : 'Snapshot', `${r.key} (${id})`],
        ['Location', location],
        ['Duration', `${(record.durationMs / 1000).toFixed(1)} s`],
        ['Verification', verificationText(r.verification)]
      ])
      .addTable(r.comparison ? [[h('Table'), h('Rows in the source'), h('Rows in the backup'), h('')], ...r.comparison.map(comparisonRow)] : [[h('Tables'), h('')], ['not counted (verify: restore counts them)', '']])
  )
  core.notice(`Neon ${r.kind} ${r.key} (${id}) made in project ${r.projectId}${verified ? ', verified' : ''}.`, { title: 'Backup stored' })
}

export interface NeonRestoreReport {
  projectId: string
  target: NeonBranch
  /** The branch's id afterwards. */
  branchId: string
  source: import('../storage/neon.js').NeonSource
  from: string
  preserve: string
  restoreSeconds: number
  dryRun: boolean
}

export async function reportNeonRestore(r: NeonRestoreReport, secrets: readonly string[]): Promise<void> {
  const backupAge = r.source.kind === 'backup' ? (Date.now() - r.source.backup.createdAt.getTime()) / 1000 : (Date.now() - (r.source.point.kind === 'timestamp' ? Date.parse(r.source.point.value) : Date.now())) / 1000
  setOutputs(
    {
      'backup-key': r.source.kind === 'backup' ? r.source.backup.key : r.source.point.value,
      location: r.source.kind === 'backup' ? neonLocation(r.projectId, r.source.backup.kind, r.source.backup.id) : neonLocation(r.projectId, 'branch', r.target.id),
      'restore-seconds': r.restoreSeconds.toFixed(1),
      'backup-age-seconds': String(Math.round(backupAge)),
      'neon-branch-id': r.branchId,
      'neon-branch-name': r.target.name,
      verified: 'false'
    },
    secrets
  )
  await writeSummary(
    core.summary
      .addHeading(`Neon restore of ${r.target.name}${r.dryRun ? ' (dry run: nothing changed)' : ''}`, 2)
      .addTable([
        [h('Field'), h('Value')],
        ['Project', r.projectId],
        ['Branch restored', `${r.target.name} (${r.branchId})`],
        ['From', r.from],
        ['Previous state kept as', r.dryRun ? `${r.preserve} (would be)` : r.preserve],
        ['Restore time (RTO)', r.dryRun ? 'dry run: nothing restored' : `${r.restoreSeconds.toFixed(1)} s`]
      ])
  )
}
