import * as core from '@actions/core'
import { ActionError, Titles, errorMessage } from '../runtime/errors.js'
import type { CatalogEntry, Listing } from '../storage/catalog.js'
import { S3Destination } from '../storage/s3.js'
import { manifestKey } from '../config/naming.js'
import { RepoArtifacts } from '../storage/github-rest.js'
import { hasPolicy, selectRetention, type RetentionDecision } from './policy.js'
import type { BackupSettings } from '../config/settings.js'
import type { RecordedState } from '../storage/states.js'

export interface RetentionResult {
  plan: RetentionDecision[]
  deleted: string[]
}

/** This run's backup, which the listing taken before it was written does not hold. */
export interface ThisRun {
  s3Key?: string
  fileName: string
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
export async function applyRetention(s: BackupSettings, thisRun: ThisRun, listing: Promise<Listing>, now = new Date()): Promise<RetentionResult | undefined> {
  if (!hasPolicy(s.retention.policy)) return undefined
  const result: RetentionResult = { plan: [], deleted: [] }
  try {
    const listed = await listing
    for (const kind of s.destinations.order) {
      if (kind === 'artifact' && !s.githubToken) {
        core.notice("Artifacts are not pruned without 'github-token' (actions: write); they expire after artifact-retention-days.", { title: 'Retention' })
        continue
      }
      const id = kind === 's3' ? (thisRun.s3Key ?? '') : thisRun.fileName
      const entries = (listed.get(kind) ?? []).filter(e => e.manifest && e.key !== id)
      const plan = selectRetention(
        [...entries.map(e => ({ id: e.key, createdAt: e.createdAt, state: e.state })), { id, createdAt: thisRun.createdAt, state: thisRun.state }],
        s.retention.policy,
        now,
        [id]
      )
      result.plan.push(...plan)
      const doomed = plan.filter(d => !d.keep).map(d => entries.find(e => e.key === d.id)).filter((e): e is CatalogEntry => e !== undefined)
      if (s.retention.dryRun || doomed.length === 0) continue
      if (kind === 's3') {
        const s3 = new S3Destination(s.destinations.s3!)
        await s3.remove(doomed.filter(e => e.objectPresent).map(e => e.key))
        await s3.remove(doomed.map(e => manifestKey(e.key)))
      } else {
        const gh = new RepoArtifacts(s.githubToken!)
        for (const e of doomed) await gh.remove(e.artifactId!)
        for (const e of doomed) if (e.manifestArtifactId) await gh.remove(e.manifestArtifactId)
      }
      result.deleted.push(...doomed.map(e => e.key))
    }
    return result
  } catch (e) {
    if (e instanceof ActionError) throw e
    throw new ActionError(Titles.retention, `Retention stopped: ${errorMessage(e)}. The backup itself was stored and verified.`)
  }
}
