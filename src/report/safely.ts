import * as core from '@actions/core'
import { errorMessage } from '../runtime/errors.js'

/**
 * Reports are written after the work they describe: a backup already stored,
 * a restore already done. Their own failures — no GITHUB_STEP_SUMMARY under
 * an older GHES or a local runner, an output file gone — become warnings,
 * never the run's failure (DESIGN.md §3).
 */

/** Writes the summary built so far; on failure warns, and drops it so a later summary does not repeat it. */
export async function writeSummary(summary: typeof core.summary): Promise<void> {
  try {
    await summary.write()
  } catch (e) {
    summary.emptyBuffer()
    core.warning(`The job summary could not be written (${errorMessage(e)}); the outputs and this log have the same facts.`, { title: 'Summary not written' })
  }
}

/** Sets outputs, warning when one holds a secret (the runner would withhold it) or cannot be written. */
export function setOutputs(outputs: Record<string, string>, secrets: readonly string[]): void {
  for (const [name, value] of Object.entries(outputs)) {
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
