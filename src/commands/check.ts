import * as core from '@actions/core'
import { ActionError, Titles } from '../runtime/errors.js'
import { Catalog } from '../storage/catalog.js'
import type { CheckSettings } from '../config/settings.js'
import { describeOthers, freshness, type BackupState } from '../storage/states.js'
import { hours, reportCheck } from '../report/check.js'
import { Workspace } from '../runtime/workspace.js'

/**
 * `check`: fail when the newest good backup (verified or unverified, by
 * manifest time) is older than max-age, or when there is none; a newer
 * backup that failed verification is no proof of freshness, only a warning.
 */
export async function check(s: CheckSettings, now = new Date()): Promise<void> {
  const work = new Workspace()
  try {
    const first = new Catalog(s, work).first
    const entries = (await first.list(s.name)).map(e => ({ ...e, failure: e.manifest?.verification.details[0] }))
    await judgeFreshness(s.name, first.kind, entries, s.maxAgeSeconds, s.secrets, now)
  } finally {
    work.cleanup()
  }
}

/** What `check` judges of a backup, wherever it is kept (a destination, Neon). */
export interface Checked {
  location: string
  state: BackupState
  createdAt: Date
  /** Why a failed one failed, when known. */
  failure?: string
}

/** The freshness rule of DESIGN.md §8 over one place's backups of a name: report, warn of newer failed ones, fail when too old. */
export async function judgeFreshness(
  name: string,
  where: string,
  entries: Checked[],
  maxAgeSeconds: number,
  secrets: readonly string[],
  now: Date
): Promise<void> {
  const f = freshness(entries, now)
  for (const e of f.newerFailed) {
    core.warning(
      `${e.location} is newer but failed its verification (${e.failure ?? 'see its manifest'}); it does not count as a backup.`,
      {
        title: 'Failed backup'
      }
    )
  }
  if (!f.newest || f.ageSeconds === undefined) {
    throw new ActionError(
      Titles.tooOld,
      `No good backup named '${name}' in ${where}${describeOthers(entries)}: nothing restorable has been backed up there.`
    )
  }
  const newest = f.newest
  const age = f.ageSeconds
  await reportCheck(name, newest, age, maxAgeSeconds, secrets)
  if (age > maxAgeSeconds) {
    throw new ActionError(
      Titles.tooOld,
      `The newest good backup of '${name}' (${newest.location}) is ${hours(age)} old, more than max-age (${hours(maxAgeSeconds)}).`
    )
  }
  core.info(`Newest good backup ${newest.location} (${newest.state}) is ${hours(age)} old.`)
}
