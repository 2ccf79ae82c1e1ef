import * as core from '@actions/core'
import { getSettings, getWebhook } from './config/inputs.js'
import { describedBackup, notify, runUrl } from './report/notify.js'
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
  // Every secret masked, also when an input is then refused: the webhook's error text is scrubbed with them.
  const masked: string[] = []
  const mask = (secret: string): void => {
    masked.push(secret)
    core.setSecret(secret)
  }
  const webhook = getWebhook(undefined, mask)
  let result: unknown
  let failure: { message: string; outcome: unknown } | undefined
  try {
    const ignored = dropInheritedPgEnv()
    if (ignored.length)
      core.info(
        `Ignoring the inherited ${ignored.join(', ')}: the URLs and inputs alone decide how every tool connects (put the password in the URL).`
      )
    settings = getSettings(mask)
    secrets = settings.secrets
    if (process.platform !== 'linux') {
      throw new ActionError(
        fallbackTitle(settings),
        `pg-backup-action runs on Linux runners (ubuntu-latest, ubuntu-24.04, or a self-hosted Linux runner); this runner is ${process.platform}. Set runs-on to a Linux runner for this job.`
      )
    }
    result = await runCommand(settings, abort.signal)
  } catch (e) {
    const title = e instanceof ActionError ? e.title : fallbackTitle(settings)
    if (title === Titles.verification) setOutputs({ verified: 'false' }, secrets)
    // Every secret masked so far, also before the settings existed: an Invalid input may quote a value that holds one.
    const message = scrub(errorMessage(e), [...secrets, ...masked])
    failure = { message: `${title}: ${message}`, outcome: (e as { outcome?: unknown }).outcome }
    // setFailed's own annotation has no title; one titled annotation plus the failure exit code says it once.
    core.error(message, { title })
    // Not core.ExitCode: hosts that stand in for the runner's toolkit (@github/local-action) do not have it.
    process.exitCode = 1
  } finally {
    if (webhook) {
      await notify(
        webhook.url,
        {
          status: failure ? 'failure' : 'success',
          command: settings?.command ?? webhook.command,
          name: (settings as { name?: string } | undefined)?.name ?? null,
          ...describedBackup(failure ? failure.outcome : result),
          error: failure?.message ?? null,
          runUrl: runUrl()
        },
        [...secrets, ...masked]
      )
    }
    save(State.finished, 'true')
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal)
  }
}
