/** Retries of transient failures only, with exponential backoff, full jitter and an injectable sleep (DESIGN.md §5). */

export interface RetryOptions {
  attempts?: number
  baseMs?: number
  maxMs?: number
  sleep?: (ms: number) => Promise<void>
  random?: () => number
}

/** An HTTP status or a network error code that is worth another try. */
export class TransientError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number
  ) {
    super(message)
    this.name = 'TransientError'
  }
}

const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT'
])

export function isTransientStatus(status: number): boolean {
  return status === 429 || status === 408 || (status >= 500 && status <= 599)
}

export function isTransient(e: unknown): boolean {
  if (e instanceof TransientError) return true
  const code = (e as { code?: string; cause?: { code?: string } })?.code ?? (e as { cause?: { code?: string } })?.cause?.code
  return code !== undefined && TRANSIENT_CODES.has(code)
}

export async function withRetry<T>(fn: (attempt: number) => Promise<T>, o: RetryOptions = {}): Promise<T> {
  const attempts = o.attempts ?? 5
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>(r => setTimeout(r, ms)))
  const random = o.random ?? Math.random
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt)
    } catch (e) {
      if (attempt >= attempts || !isTransient(e)) throw e
      const backoff = Math.min(o.maxMs ?? 30000, (o.baseMs ?? 500) * 2 ** (attempt - 1))
      const wait = e instanceof TransientError && e.retryAfterMs !== undefined ? e.retryAfterMs : Math.round(random() * backoff)
      await sleep(wait)
    }
  }
}

/**
 * How long an HTTP answer asks us to wait, capped at a minute: `Retry-After`
 * (seconds), else `RateLimit-Reset` (seconds until the window resets; a value
 * that is a Unix time is read as one). Undefined when it says neither (then
 * the backoff decides).
 */
export function retryAfterMs(headers: { get(name: string): string | null }, now = Date.now()): number | undefined {
  const after = Number(headers.get('retry-after'))
  if (Number.isFinite(after) && after > 0) return Math.min(after, 60) * 1000
  const reset = Number(headers.get('ratelimit-reset'))
  if (!Number.isFinite(reset) || reset <= 0) return undefined
  const seconds = reset > 1e9 ? reset - now / 1000 : reset
  return seconds > 0 ? Math.round(Math.min(seconds, 60) * 1000) : undefined
}
