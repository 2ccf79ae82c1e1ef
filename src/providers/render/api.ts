/**
 * The parts of Render's public API (v1) an export needs, in the shapes of
 * its OpenAPI as the render-oss CLI's generated client has them (v2.24.0,
 * pkg/client/client_gen.go and pkg/client/postgres/postgres_gen.go):
 * `GET /postgres/{postgresId}` (postgresDetail), `GET /postgres/{postgresId}/export`
 * (an array of postgresExport `{id, createdAt, url?}`) and
 * `POST /postgres/{postgresId}/export` (202, no body). Errors are
 * `{id?, code?, message?}`; 429 answers carry `Retry-After` and
 * `RateLimit-Reset` (seconds), which the retries honour.
 */
import { TransientError, isTransient, retryAfterMs, withRetry, type RetryOptions } from '../../runtime/retry.js'
import { errorWithCause } from '../../runtime/errors.js'

export interface RenderPostgres {
  id: string
  name: string
  databaseName: string
  databaseUser: string
  /** The instance type (free, basic_256mb, pro_4gb, …). */
  plan: string
  /** The PostgreSQL major version, e.g. "16". */
  version: string
  status: string
  diskSizeGB?: number
}

export interface RenderExport {
  id: string
  createdAt: string
  /** Present once the export can be downloaded: a link that is itself the credential. */
  url?: string
}

export interface RenderApiOptions {
  apiUrl: string
  apiKey: string
  retry?: RetryOptions
}

/** An answer of the API other than success, with Render's own message. */
export class RenderApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly renderMessage: string
  ) {
    super(`Render API ${method} ${path} answered ${status}: ${renderMessage || '(no message)'}`)
    this.name = 'RenderApiError'
  }
}

const REQUEST_TIMEOUT_MS = 60_000

export class RenderApi {
  constructor(private readonly o: RenderApiOptions) {}

  getPostgres(postgresId: string): Promise<RenderPostgres> {
    return this.request('GET', `/postgres/${encodeURIComponent(postgresId)}`)
  }

  listExports(postgresId: string): Promise<RenderExport[]> {
    return this.request('GET', `/postgres/${encodeURIComponent(postgresId)}/export`)
  }

  /**
   * Asks for a new export. Render answers 202 and no body: the export is
   * found afterwards in the list. A POST whose answer was lost is not
   * repeated: the caller's next listing shows whether it happened.
   */
  async createExport(postgresId: string): Promise<void> {
    await this.request('POST', `/postgres/${encodeURIComponent(postgresId)}/export`)
  }

  private async request<T>(method: 'GET' | 'POST', path: string): Promise<T> {
    return withRetry(
      async () => {
        let res: Response
        try {
          res = await fetch(this.o.apiUrl.replace(/\/+$/, '') + path, {
            method,
            headers: { Authorization: `Bearer ${this.o.apiKey}`, Accept: 'application/json', 'User-Agent': 'pg-backup-action' },
            signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS)
          })
        } catch (e) {
          const message = `Render API ${method} ${path}: ${errorWithCause(e)}`
          if (method === 'GET' && (isTransient(e) || (e as Error).name === 'TimeoutError')) throw new TransientError(message)
          throw new Error(message, { cause: e })
        }
        if (res.ok) {
          const text = await res.text()
          return (text ? JSON.parse(text) : undefined) as T
        }
        const body = (await res.json().catch(() => ({}))) as { message?: string }
        const err = new RenderApiError(method, path, res.status, body.message ?? res.statusText)
        // 429 was not processed, so even a POST may be repeated; other 5xx only for reads.
        if (res.status === 429 || (method === 'GET' && res.status >= 500))
          throw Object.assign(new TransientError(err.message, retryAfterMs(res.headers)), { render: err })
        throw err
      },
      { attempts: 6, baseMs: 1000, maxMs: 30000, ...this.o.retry }
    ).catch((e: unknown) => {
      throw (e as { render?: RenderApiError }).render ?? e
    })
  }
}
