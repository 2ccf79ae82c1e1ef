import * as core from '@actions/core'
import { ActionError, Titles, errorMessage } from '../runtime/errors.js'
import type { Listing } from '../storage/catalog.js'
import type { Destination } from '../storage/destination.js'
import { hasPolicy, selectRetention, type RetentionDecision } from './policy.js'
import type { DestinationKind, RetentionSettings } from '../config/settings.js'
import type { BackupState, RecordedState } from '../storage/states.js'

export interface RetentionResult {
  plan: RetentionDecision[]
  deleted: string[]
}

/** One backup retention decides on, and what deleting it takes (undefined for this run's own, which is never deleted). */
export interface Candidate<T> {
  id: string
  createdAt: Date
  state: BackupState
  item: T | undefined
  /** Why it must stay whatever the rules say (a Neon branch with children). */
  pinned?: string
}

/**
 * The one retention loop, for files and Neon alike: the pure selection over
 * the candidates, pinned ones kept, then `remove` with what no rule keeps
 * (nothing on a dry run). `protect` is this run's backup.
 */
export async function prune<T>(
  candidates: Candidate<T>[],
  r: RetentionSettings,
  protect: string,
  remove: (doomed: T[]) => Promise<void>,
  now: Date
): Promise<RetentionResult> {
  const plan = selectRetention(candidates, r.policy, now, [protect])
  const byId = new Map(candidates.map(c => [c.id, c]))
  for (const d of plan) {
    const pinned = byId.get(d.id)?.pinned
    if (!d.keep && pinned) Object.assign(d, { keep: true, reasons: [pinned] })
  }
  const doomed = plan.filter(d => !d.keep).map(d => byId.get(d.id)!)
  if (!r.dryRun && doomed.length) await remove(doomed.map(c => c.item).filter((x): x is T => x !== undefined))
  return { plan, deleted: r.dryRun ? [] : doomed.map(c => c.id) }
}

/** Retention errors are their own title, saying the backup itself is safe. */
export async function retentionStep<T>(made: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (e) {
    if (e instanceof ActionError) throw e
    throw new ActionError(Titles.retention, `Retention stopped: ${errorMessage(e)}. The backup itself was ${made} and verified.`)
  }
}

/** This run's backup, which the listing taken before it was written does not hold. */
export interface ThisRun {
  /** Its key in each destination. */
  keys: Map<DestinationKind, string>
  createdAt: Date
  state: RecordedState
}

/**
 * Retention after a good run, per destination, over this name's manifests
 * (ours only: a backup without our manifest beside it is never touched) from
 * the run's one listing. Each destination deletes the backups first and their
 * manifests second, so a crash in between leaves a manifest whose backup is
 * missing — which `list` shows and the next run cleans up — never an
 * undescribed backup.
 */
export async function applyRetention(
  r: RetentionSettings,
  destinations: readonly Destination[],
  thisRun: ThisRun,
  listing: Promise<Listing>,
  now = new Date()
): Promise<RetentionResult | undefined> {
  if (!hasPolicy(r.policy)) return undefined
  return retentionStep('stored', async () => {
    const result: RetentionResult = { plan: [], deleted: [] }
    const listed = await listing
    for (const d of destinations) {
      const why = d.cannotPrune()
      if (why) {
        core.notice(why, { title: 'Retention' })
        continue
      }
      const id = thisRun.keys.get(d.kind) ?? ''
      const entries = (listed.get(d.kind) ?? []).filter(e => e.manifest && e.key !== id)
      const candidates = [
        ...entries.map(e => ({ id: e.key, createdAt: e.createdAt, state: e.state, item: e })),
        { id, createdAt: thisRun.createdAt, state: thisRun.state, item: undefined }
      ]
      const done = await prune(candidates, r, id, doomed => d.prune(doomed), now)
      result.plan.push(...done.plan)
      result.deleted.push(...done.deleted)
    }
    return result
  })
}
