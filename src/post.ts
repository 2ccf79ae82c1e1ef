import * as fs from 'node:fs'
import * as core from '@actions/core'
import { getSettings } from './config/inputs.js'
import { makeDestination } from './storage/index.js'
import type { Pending } from './storage/storage.js'
import { errorMessage, scrub } from './runtime/errors.js'
import { read, State } from './runtime/state.js'
import type { Destinations } from './config/settings.js'
import { dropInheritedPgEnv } from './runtime/process.js'

/**
 * Cleanup after a cancelled or killed main step: stop pg_dump, then each
 * destination removes what the step was writing or stored but never
 * described with a manifest (an S3 upload or object, a file, an artifact: it
 * would be an incomplete backup); remove the temp directory and the
 * temporary Neon computes and branches. A copy whose manifest made it stays. Warnings only:
 * a post step never fails the job. Named `run` as @github/local-action calls
 * a post entry point.
 */
export async function run(): Promise<void> {
  if (read(State.finished) === 'true') return
  let secrets: readonly string[] = []
  dropInheritedPgEnv()
  try {
    const pid = Number(read(State.pgDumpPid))
    if (pid > 0) {
      try {
        process.kill(pid, 'SIGTERM')
        core.info(`Stopped pg_dump (pid ${pid}) left by the cancelled step.`)
      } catch {
        // already gone
      }
    }
    for (const dir of [read(State.tempDir), read(State.connectDir)]) if (dir) fs.rmSync(dir, { recursive: true, force: true })
    const pending = JSON.parse(read(State.pendingCopies) || '[]') as Pending[]
    const neonLeft = (JSON.parse(read(State.neonTemporaries) || '[]') as unknown[]).length > 0
    if (!pending.length && !neonLeft) return
    const settings = getSettings()
    secrets = settings.secrets
    const destinations: Destinations | undefined =
      'destinations' in settings ? settings.destinations : settings.command === 'backup' ? settings.dump?.destinations : undefined
    // Each cleanup on its own: one that fails must not leave the others undone.
    const attempt = async (fn: () => Promise<void>): Promise<void> =>
      fn().catch((e: unknown) => core.warning(`Cleanup after the cancelled step was incomplete: ${scrub(errorMessage(e), secrets)}`))
    for (const p of pending) {
      if (destinations?.order.includes(p.kind)) await attempt(() => makeDestination(p.kind, destinations).cleanUpAfterKill(p.key, p.pid))
    }
    if (neonLeft && 'neon' in settings) {
      const neon = settings.neon
      await attempt(async () => {
        const { NeonTemporaries, neonApi } = await import('./providers/neon/branches.js')
        for (const what of await NeonTemporaries.removeLeftovers(neonApi(neon)))
          core.info(`Removed the temporary Neon ${what} left by the cancelled step.`)
      })
    }
  } catch (e) {
    core.warning(`Cleanup after the cancelled backup was incomplete: ${scrub(errorMessage(e), secrets)}`)
  }
}
