import * as fs from 'node:fs'
import * as core from '@actions/core'
import { getSettings } from './inputs.js'
import { S3Destination } from './destinations/s3.js'
import { errorMessage, scrub } from './errors.js'
import { read, State } from './state.js'

/**
 * Cleanup after a cancelled or killed main step: stop pg_dump, abort the
 * multipart upload it was feeding, remove the temp directory. Warnings only:
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
    if (key) {
      const settings = getSettings()
      secrets = settings.secrets
      if (settings.destinations.s3) {
        const n = await new S3Destination(settings.destinations.s3).abortPending(key)
        if (n) core.info(`Aborted ${n} unfinished multipart upload(s) of ${key}.`)
      }
    }
  } catch (e) {
    core.warning(`Cleanup after the cancelled backup was incomplete: ${scrub(errorMessage(e), secrets)}`)
  }
}
