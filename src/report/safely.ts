import * as core from '@actions/core'
import { errorMessage } from '../runtime/errors.js'

/**
 * Reports are written after the work they describe: a backup already stored,
 * a restore already done. Their own failures — no GITHUB_STEP_SUMMARY under
 * an older GHES or a local runner — become warnings, never the run's failure
 * (DESIGN.md §3). Outputs follow the same rule (./outputs.ts).
 */

/** Writes the summary built so far; on failure warns, and drops it so a later summary does not repeat it. */
export async function writeSummary(summary: typeof core.summary): Promise<void> {
  try {
    await summary.write()
  } catch (e) {
    summary.emptyBuffer()
    core.warning(`The job summary could not be written (${errorMessage(e)}); the outputs and this log have the same facts.`, {
      title: 'Summary not written'
    })
  }
}
