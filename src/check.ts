import * as core from '@actions/core'
import { ActionError, Titles } from './errors.js'
import { Catalog } from './catalog.js'
import type { CheckSettings } from './settings.js'
import { Workspace } from './workspace.js'

/** `check`: fail when the newest backup (by manifest time) is older than max-age, or when there is none. */
export async function check(s: CheckSettings, now = new Date()): Promise<void> {
  const work = new Workspace()
  try {
    const kind = s.destinations.order[0]
    const entries = await new Catalog(s, work).list(kind, s.name)
    const newest = entries.find(e => e.manifest && e.objectPresent)
    if (!newest) throw new ActionError(Titles.tooOld, `No backup named '${s.name}' in ${kind}: nothing has been backed up there.`)
    const age = Math.max(0, Math.round((now.getTime() - new Date(newest.manifest!.createdAt).getTime()) / 1000))
    core.setOutput('newest-age-seconds', String(age))
    await core.summary
      .addHeading(`Backup freshness: ${s.name}`, 2)
      .addTable([
        [{ data: 'Newest backup', header: true }, { data: 'Created', header: true }, { data: 'Age', header: true }, { data: 'max-age', header: true }],
        [newest.location, newest.manifest!.createdAt, `${(age / 3600).toFixed(1)} h`, `${(s.maxAgeSeconds / 3600).toFixed(1)} h`]
      ])
      .write()
    if (age > s.maxAgeSeconds) {
      throw new ActionError(Titles.tooOld, `The newest backup of '${s.name}' (${newest.location}) is ${(age / 3600).toFixed(1)} h old, more than max-age (${(s.maxAgeSeconds / 3600).toFixed(1)} h).`)
    }
    core.info(`Newest backup ${newest.location} is ${(age / 3600).toFixed(1)} h old.`)
  } finally {
    work.cleanup()
  }
}
