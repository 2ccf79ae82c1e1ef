import * as core from '@actions/core'
import type { CatalogEntry } from '../storage/catalog.js'
import { setOutputs } from './outputs.js'
import { h } from './format.js'
import { writeSummary } from './safely.js'

export const hours = (seconds: number): string => `${(seconds / 3600).toFixed(1)} h`

/** check: the age output and the freshness table. */
export async function reportCheck(
  name: string,
  newest: Pick<CatalogEntry, 'location' | 'state' | 'createdAt'>,
  ageSeconds: number,
  maxAgeSeconds: number,
  secrets: readonly string[]
): Promise<void> {
  setOutputs({ 'newest-age-seconds': String(ageSeconds) }, secrets)
  await writeSummary(
    core.summary.addHeading(`Backup freshness: ${name}`, 2).addTable([
      [h('Newest good backup'), h('State'), h('Created'), h('Age'), h('max-age')],
      [newest.location, newest.state, newest.createdAt.toISOString(), hours(ageSeconds), hours(maxAgeSeconds)]
    ])
  )
}
