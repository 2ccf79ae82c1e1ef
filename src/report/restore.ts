import * as core from '@actions/core'
import type { ManifestV1 } from '../storage/manifest.js'
import type { TableComparison } from '../postgres/counts.js'
import type { CatalogEntry } from '../storage/catalog.js'
import { writeSummary } from './safely.js'
import { setOutputs } from './outputs.js'
import { humanBytes, h, comparisonRow, escapeHtml } from './format.js'

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
        [
          'Taken',
          `${m.createdAt} (${(r.backupAgeSeconds / 3600).toFixed(1)} h ago) from ${m.source.database} on ${m.source.host}, PostgreSQL ${m.source.serverVersion}`
        ],
        ['Size', `${humanBytes(m.sizeBytes)}, sha256 <code>${m.sha256}</code>`],
        ['Restored into', r.target],
        ['Restore time (RTO)', r.dryRun ? 'dry run: nothing restored' : `${r.restoreSeconds.toFixed(1)} s`],
        // A roles restore has no tables to count: done is all it can be.
        [
          'Result',
          `${r.verified ? 'passed' : r.dryRun ? 'not run' : m.dump.format === 'roles' ? 'done' : 'FAILED'}<br>${r.details.map(escapeHtml).join('<br>')}`
        ]
      ])
      .addHeading(`Tables (${r.comparison.length || m.tables.length})`, 3)
      .addTable(
        r.comparison.length
          ? [[h('Table'), h('Rows in manifest'), h('Rows restored'), h('')], ...r.comparison.map(comparisonRow)]
          : [
              [h('Table'), h('Rows in manifest')],
              ...m.tables.map(t => [`${t.schema}.${t.name}`, t.rows === null ? 'not dumped' : String(t.rows)])
            ]
      )
  )
}
