import * as core from '@actions/core'
import { errorMessage } from '../runtime/errors.js'

/** Every output the action sets: the one list (action.yml declares the same names; a test holds them equal). */
export const OUTPUT_NAMES = [
  'backup-key',
  'location',
  'artifact-id',
  'size-bytes',
  'sha256',
  'duration-seconds',
  'server-version',
  'verified',
  'manifest',
  'restore-seconds',
  'backup-age-seconds',
  'backups',
  'deleted',
  'newest-age-seconds',
  'neon-branch-id',
  'neon-branch-name',
  'neon-snapshot-id'
] as const

export type OutputName = (typeof OUTPUT_NAMES)[number]
export type Outputs = Partial<Record<OutputName, string>>

/**
 * Sets outputs, warning when one holds a secret (the runner would withhold it)
 * or cannot be written: outputs are reports, written after the work they
 * describe, so their failures never fail the run (DESIGN.md §3).
 */
export function setOutputs(outputs: Outputs, secrets: readonly string[]): void {
  for (const [name, value] of Object.entries(outputs) as [OutputName, string][]) {
    try {
      core.setOutput(name, value)
    } catch (e) {
      core.warning(`The output '${name}' could not be set (${errorMessage(e)}).`, { title: 'Output not set' })
      continue
    }
    const hit = secrets.find(s => s && value.includes(s))
    if (hit && name !== 'manifest') {
      core.warning(
        `The output '${name}' contains text that is also a secret (the database password or a key), so the runner will withhold it. Use a real password, or set 'name' so the backup key does not contain it.`,
        { title: 'Output withheld' }
      )
    }
  }
}

/**
 * An output set the moment a thing exists, before anything else can throw:
 * the Neon branch or snapshot a run created is recorded even when a later
 * step fails. Not a report, so its failure is the run's.
 */
export function setEarlyOutput(name: OutputName, value: string): void {
  core.setOutput(name, value)
}
