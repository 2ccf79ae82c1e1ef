import * as core from '@actions/core'
import { ActionError, Titles } from '../runtime/errors.js'
import { Catalog } from '../storage/catalog.js'
import type { CheckSettings } from '../config/settings.js'
import { describeOthers, freshness } from '../storage/states.js'
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
    const kind = first.kind
    const entries = await first.list(s.name)
    const f = freshness(entries, now)
    for (const e of f.newerFailed) {
      core.warning(
        `${e.location} is newer but failed its verification (${e.manifest?.verification.details[0] ?? 'see its manifest'}); it does not count as a backup.`,
        { title: 'Failed backup' }
      )
    }
    if (!f.newest || f.ageSeconds === undefined) {
      throw new ActionError(
        Titles.tooOld,
        `No good backup named '${s.name}' in ${kind}${describeOthers(entries)}: nothing restorable has been backed up there.`
      )
    }
    const newest = f.newest
    const age = f.ageSeconds
    await reportCheck(s.name, newest, age, s.maxAgeSeconds, s.secrets)
    if (age > s.maxAgeSeconds) {
      throw new ActionError(
        Titles.tooOld,
        `The newest good backup of '${s.name}' (${newest.location}) is ${hours(age)} old, more than max-age (${hours(s.maxAgeSeconds)}).`
      )
    }
    core.info(`Newest good backup ${newest.location} (${newest.state}) is ${hours(age)} old.`)
  } finally {
    work.cleanup()
  }
}
