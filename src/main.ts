import * as core from '@actions/core'
import { getSettings } from './config/inputs.js'
import type { Settings } from './config/settings.js'
import { ActionError, Titles, errorMessage, scrub, type Title } from './runtime/errors.js'
import { backup } from './commands/backup.js'
import { restore, restoreTest } from './commands/restore.js'
import { list } from './commands/list.js'
import { check } from './commands/check.js'
import { save, State } from './runtime/state.js'
import { setOutputs } from './report/outputs.js'
import { dropInheritedPgEnv } from './runtime/process.js'

/** One command per run; each tells its own story (backup.ts: settings → source → pipeline → destinations → verify → manifest → report). */
async function dispatch(s: Settings, signal: AbortSignal): Promise<void> {
  switch (s.command) {
    case 'backup':
      if (s.mode === 'neon') return (await import('./commands/neon-backup.js')).neonBackup(s, signal)
      await backup(s, signal)
      return
    case 'restore':
      if (s.mode === 'neon') return (await import('./commands/neon-restore.js')).neonRestore(s)
      return restore(s, signal)
    case 'restore-test':
      return restoreTest(s)
    case 'list':
      return list(s)
    case 'check':
      return check(s)
  }
}

/** The title of an error no step classified: it happened while the command did its work (DESIGN.md §7, §8). */
const FALLBACK_TITLE: Record<Settings['command'], Title> = {
  backup: Titles.backup,
  restore: Titles.restore,
  'restore-test': Titles.restore,
  list: Titles.list,
  check: Titles.check
}

export async function run(): Promise<void> {
  let secrets: readonly string[] = []
  let settings: Settings | undefined
  const abort = new AbortController()
  const onSignal = (): void => abort.abort(new Error('the step was cancelled'))
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal)
  try {
    const ignored = dropInheritedPgEnv()
    if (ignored.length) core.info(`Ignoring the inherited ${ignored.join(', ')}: the URLs and inputs alone decide how every tool connects (put the password in the URL).`)
    settings = getSettings()
    secrets = settings.secrets
    if (process.platform !== 'linux') {
      throw new ActionError(
        FALLBACK_TITLE[settings.command],
        `pg-backup-action runs on Linux runners (ubuntu-latest, ubuntu-24.04, or a self-hosted Linux runner); this runner is ${process.platform}. Set runs-on to a Linux runner for this job.`
      )
    }
    await dispatch(settings, abort.signal)
  } catch (e) {
    const title = e instanceof ActionError ? e.title : FALLBACK_TITLE[settings?.command ?? 'backup']
    if (title === Titles.verification) setOutputs({ verified: 'false' }, secrets)
    const message = scrub(errorMessage(e), secrets)
    // setFailed's own annotation has no title; one titled annotation plus the failure exit code says it once.
    core.error(message, { title })
    process.exitCode = core.ExitCode.Failure
  } finally {
    save(State.finished, 'true')
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal)
  }
}
