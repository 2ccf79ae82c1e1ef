import * as core from '@actions/core'
import { ActionError, Titles, errorMessage } from '../runtime/errors.js'
import type { CatalogEntry, Listing } from '../storage/catalog.js'
import type { Destination } from '../storage/destination.js'
import { hasPolicy, selectRetention, type RetentionDecision } from './policy.js'
import type { DestinationKind, RetentionSettings } from '../config/settings.js'
import type { RecordedState } from '../storage/states.js'

export interface RetentionResult {
  plan: RetentionDecision[]
  deleted: string[]
}

/** This run's backup, which the listing taken before it was written does not hold. */
export interface ThisRun {
  /** Its key in each destination. */
  keys: Map<DestinationKind, string>
  createdAt: Date
  state: RecordedState
}

/**
 * Retention after a good run, per destination: the pure selection over this
 * name's manifests (ours only: a backup without our manifest beside it is
 * never touched) from the run's one listing, then the backups deleted first
 * and their manifests second, so a crash in between leaves a manifest whose
 * backup is missing — which `list` shows and the next run cleans up — never
 * an undescribed backup.
 */
export async function applyRetention(plan: RetentionSettings, destinations: readonly Destination[], thisRun: ThisRun, listing: Promise<Listing>, now = new Date()): Promise<RetentionResult | undefined> {
  if (!hasPolicy(plan.policy)) return undefined
  const result: RetentionResult = { plan: [], deleted: [] }
  try {
    const listed = await listing
    for (const d of destinations) {
      const why = d.cannotPrune()
      if (why) {
        core.notice(why, { title: 'Retention' })
        continue
      }
      const id = thisRun.keys.get(d.kind) ?? ''
      const entries = (listed.get(d.kind) ?? []).filter(e => e.manifest && e.key !== id)
      const decided = selectRetention(
        [...entries.map(e => ({ id: e.key, createdAt: e.createdAt, state: e.state })), { id, createdAt: thisRun.createdAt, state: thisRun.state }],
        plan.policy,
        now,
        [id]
      )
      result.plan.push(...decided)
      const doomed = decided.filter(x => !x.keep).map(x => entries.find(e => e.key === x.id)).filter((e): e is CatalogEntry => e !== undefined)
      if (plan.dryRun || doomed.length === 0) continue
      await d.prune(doomed)
      result.deleted.push(...doomed.map(e => e.key))
    }
    return result
  } catch (e) {
    if (e instanceof ActionError) throw e
    throw new ActionError(Titles.retention, `Retention stopped: ${errorMessage(e)}. The backup itself was stored and verified.`)
  }
}
