import * as core from '@actions/core'
import { getSettings } from './config/inputs.js'
import type { Settings } from './config/settings.js'
import { ActionError, Titles, errorMessage, scrub } from './runtime/errors.js'
import { fallbackTitle, runCommand } from './commands/index.js'
import { save, State } from './runtime/state.js'
import { setOutputs } from './report/outputs.js'
import { dropInheritedPgEnv } from './runtime/process.js'

export async function run(): Promise<void> {
  let secrets: readonly string[] = []
  let settings: Settings | undefined
  const abort = new AbortController()
  const onSignal = (): void => abort.abort(new Error('the step was cancelled'))
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal)
  try {
    const ignored = dropInheritedPgEnv()
    if (ignored.length)
      core.info(
        `Ignoring the inherited ${ignored.join(', ')}: the URLs and inputs alone decide how every tool connects (put the password in the URL).`
      )
    settings = getSettings()
    secrets = settings.secrets
    if (process.platform !== 'linux') {
      throw new ActionError(
        fallbackTitle(settings),
        `pg-backup-action runs on Linux runners (ubuntu-latest, ubuntu-24.04, or a self-hosted Linux runner); this runner is ${process.platform}. Set runs-on to a Linux runner for this job.`
      )
    }
    await runCommand(settings, abort.signal)
  } catch (e) {
    const title = e instanceof ActionError ? e.title : fallbackTitle(settings)
    if (title === Titles.verification) setOutputs({ verified: 'false' }, secrets)
    const message = scrub(errorMessage(e), secrets)
    // setFailed's own annotation has no title; one titled annotation plus the failure exit code says it once.
    core.error(message, { title })
    // Not core.ExitCode: hosts that stand in for the runner's toolkit (@github/local-action) do not have it.
    process.exitCode = 1
  } finally {
    save(State.finished, 'true')
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal)
  }
}
