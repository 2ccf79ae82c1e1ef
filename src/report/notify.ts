/**
 * `webhook-url` (DESIGN.md §8): one JSON POST after every run, good or not,
 * also after an Invalid input. Three tries with backoff, ten seconds each; a
 * notification that cannot be delivered is a warning, never the run's failure.
 */
import * as core from '@actions/core'
import { TransientError, isTransientStatus, withRetry, type RetryOptions } from '../runtime/retry.js'
import { errorWithCause, scrub } from '../runtime/errors.js'

export interface Notification {
  status: 'success' | 'failure'
  command: string
  name: string | null
  key: string | null
  sizeBytes: number | null
  state: string | null
  /** Scrubbed of every secret; null on success. */
  error: string | null
  runUrl: string
}

const TIMEOUT_MS = 10_000

/** The run's page, from the variables every runner sets. */
export function runUrl(env: NodeJS.ProcessEnv = process.env): string {
  const { GITHUB_SERVER_URL: server = 'https://github.com', GITHUB_REPOSITORY: repo = '', GITHUB_RUN_ID: run = '' } = env
  const attempt = env.GITHUB_RUN_ATTEMPT && env.GITHUB_RUN_ATTEMPT !== '1' ? `/attempts/${env.GITHUB_RUN_ATTEMPT}` : ''
  return repo && run ? `${server}/${repo}/actions/runs/${run}${attempt}` : ''
}

/** What a run's result says about its backup, when it made or used one. */
export function describedBackup(result: unknown): Pick<Notification, 'key' | 'sizeBytes' | 'state'> {
  const r = result as { backupKey?: string; manifest?: { sizeBytes?: number; state?: string } } | undefined
  return { key: r?.backupKey ?? null, sizeBytes: r?.manifest?.sizeBytes ?? null, state: r?.manifest?.state ?? null }
}

export async function notify(url: string, n: Notification, secrets: readonly string[], retry: RetryOptions = {}): Promise<void> {
  try {
    await withRetry(
      async () => {
        let res: Response
        try {
          res = await fetch(url, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', 'User-Agent': 'pg-backup-action' },
            body: JSON.stringify(n),
            signal: AbortSignal.timeout(TIMEOUT_MS)
          })
        } catch (e) {
          throw new TransientError(errorWithCause(e))
        }
        await res.body?.cancel()
        if (res.ok) return
        const said = `the webhook answered ${res.status} ${res.statusText}`
        throw isTransientStatus(res.status) ? new TransientError(said) : new Error(said)
      },
      { attempts: 3, baseMs: 1000, maxMs: 5000, ...retry }
    )
    core.info(`Webhook notified (${n.status}).`)
  } catch (e) {
    core.warning(`The webhook-url notification (${n.status}) was not delivered: ${scrub(errorWithCause(e), secrets)}.`, {
      title: 'Webhook not delivered'
    })
  }
}
