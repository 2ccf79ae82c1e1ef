import * as core from '@actions/core'
import { writeSummary } from './safely.js'
import { setOutputs } from './outputs.js'
import { h } from './format.js'
import type { BackupState } from '../storage/states.js'

/** What a retention pass decided, as the summary shows it (retention/ produces it; report/ sits beside, not above, it). */
export interface RetentionReport {
  plan: readonly { id: string; createdAt: Date; state: BackupState; keep: boolean; reasons: readonly string[] }[]
  deleted: readonly string[]
}

/** The `deleted` output and the plan's table. */
export async function reportRetention(r: RetentionReport, dryRun: boolean, secrets: readonly string[]): Promise<void> {
  setOutputs({ deleted: JSON.stringify(r.deleted) }, secrets)
  await writeSummary(
    core.summary
      .addHeading(dryRun ? 'Retention plan (dry run: nothing deleted)' : 'Retention', 3)
      .addTable([
        [h('Backup'), h('Created'), h('State'), h('Decision')],
        ...r.plan.map(d => [
          d.id,
          d.createdAt.toISOString(),
          d.state,
          d.keep ? `kept: ${d.reasons.join(', ')}` : dryRun ? 'would be deleted' : 'deleted'
        ])
      ])
  )
}
