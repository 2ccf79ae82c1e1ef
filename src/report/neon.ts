import * as core from '@actions/core'
import type { ManifestV1 } from '../storage/manifest.js'
import type { TableComparison, TableCount } from '../postgres/counts.js'
import type { NeonBranch, NeonSnapshot } from '../providers/neon/api.js'
import type { NeonPoint } from '../config/settings.js'
import { isVerified, stateOfVerification } from '../storage/states.js'
import { TOOL } from '../runtime/version.js'
import { writeSummary } from './safely.js'
import { setOutputs } from './outputs.js'
import { h, comparisonRow, escapeHtml, verificationText } from './format.js'

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
  const verified = isVerified(stateOfVerification(r.verification))
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
      .addTable(
        r.comparison
          ? [[h('Table'), h('Rows in the source'), h('Rows in the backup'), h('')], ...r.comparison.map(comparisonRow)]
          : [
              [h('Tables'), h('')],
              ['not counted (verify: restore counts them)', '']
            ]
      )
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
  const backupAge =
    r.source.kind === 'backup'
      ? (Date.now() - r.source.backup.createdAt.getTime()) / 1000
      : (Date.now() - (r.source.point.kind === 'timestamp' ? Date.parse(r.source.point.value) : Date.now())) / 1000
  setOutputs(
    {
      'backup-key': r.source.kind === 'backup' ? r.source.backup.key : r.source.point.value,
      location:
        r.source.kind === 'backup'
          ? neonLocation(r.projectId, r.source.backup.kind, r.source.backup.id)
          : neonLocation(r.projectId, 'branch', r.target.id),
      'restore-seconds': r.restoreSeconds.toFixed(1),
      'backup-age-seconds': String(Math.round(backupAge)),
      'neon-branch-id': r.branchId,
      'neon-branch-name': r.target.name,
      verified: 'false'
    },
    secrets
  )
  await writeSummary(
    core.summary.addHeading(`Neon restore of ${r.target.name}${r.dryRun ? ' (dry run: nothing changed)' : ''}`, 2).addTable([
      [h('Field'), h('Value')],
      ['Project', r.projectId],
      ['Branch restored', `${r.target.name} (${r.branchId})`],
      ['From', r.from],
      ['Previous state kept as', r.dryRun ? `${r.preserve} (would be)` : r.preserve],
      ['Restore time (RTO)', r.dryRun ? 'dry run: nothing restored' : `${r.restoreSeconds.toFixed(1)} s`]
    ])
  )
}

export interface NeonRestoreTestReport {
  key: string
  location: string
  kind: 'branch' | 'snapshot'
  state: string
  createdAt: Date
  restoreSeconds: number
  backupAgeSeconds: number
  verified: boolean
  details: string[]
  comparison: TableComparison[]
}

/** Outputs and summary of a restore-test of a Neon backup branch or snapshot. */
export async function reportNeonRestoreTest(r: NeonRestoreTestReport, secrets: readonly string[]): Promise<void> {
  setOutputs(
    {
      'backup-key': r.key,
      location: r.location,
      'restore-seconds': r.restoreSeconds.toFixed(1),
      'backup-age-seconds': String(r.backupAgeSeconds),
      verified: String(r.verified)
    },
    secrets
  )
  await writeSummary(
    core.summary
      .addHeading(`Restore test of ${r.key}`, 2)
      .addTable([
        [h('Field'), h('Value')],
        ['Backup', `${r.location} (${r.kind}, ${r.state})`],
        ['Taken', `${r.createdAt.toISOString()} (${(r.backupAgeSeconds / 3600).toFixed(1)} h ago)`],
        ['Restored into', 'a temporary branch with its own compute, deleted afterwards'],
        ['Restore time (RTO)', `${r.restoreSeconds.toFixed(1)} s`],
        ['Result', `${r.verified ? 'passed' : 'FAILED'}<br>${r.details.map(escapeHtml).join('<br>')}`]
      ])
      .addHeading(`Tables (${r.comparison.length})`, 3)
      .addTable([[h('Table'), h('Rows recorded'), h('Rows restored'), h('')], ...r.comparison.map(comparisonRow)])
  )
}
