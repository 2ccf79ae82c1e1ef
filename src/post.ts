import * as fs from 'node:fs'
import * as core from '@actions/core'
import { getSettings } from './inputs.js'
import { S3Destination } from './destinations/s3.js'
import { errorMessage, scrub } from './errors.js'
import { read, State } from './state.js'

/**
 * Cleanup after a cancelled or killed main step: stop pg_dump, abort the
 * multipart upload it was feeding, remove the temp directory and the
 * temporary Neon computes and branches. Warnings only:
 * a post step never fails the job.
 */
export async function post(): Promise<void> {
  if (read(State.finished) === 'true') return
  let secrets: readonly string[] = []
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
    const dir = read(State.tempDir)
    if (dir) fs.rmSync(dir, { recursive: true, force: true })
    const key = read(State.s3Key)
    const neonLeft = (JSON.parse(read(State.neonTemporaries) || '[]') as unknown[]).length > 0
    if (!key && !neonLeft) return
    const settings = getSettings()
    secrets = settings.secrets
    const s3 = 'destinations' in settings ? settings.destinations.s3 : settings.command === 'backup' ? settings.dump?.destinations.s3 : undefined
    if (key && s3) {
      const n = await new S3Destination(s3).abortPending(key)
      if (n) core.info(`Aborted ${n} unfinished multipart upload(s) of ${key}.`)
    }
    if (neonLeft && 'neon' in settings) {
      const { NeonTemporaries, neonApi } = await import('./neon.js')
      for (const what of await NeonTemporaries.removeLeftovers(neonApi(settings.neon))) core.info(`Removed the temporary Neon ${what} left by the cancelled step.`)
    }
  } catch (e) {
    core.warning(`Cleanup after the cancelled backup was incomplete: ${scrub(errorMessage(e), secrets)}`)
  }
}
