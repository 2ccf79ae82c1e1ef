/**
 * The parts of Neon's API v2 a backup needs (public-v2-for-users.gen.yaml in
 * @neondatabase/api-client): branches, endpoints, snapshots, operations.
 * Mutating calls return `operations[]`, polled until `finished` or `skipped`.
 * 429, 423 (project locked by another operation) and 503 are retried with
 * backoff; a POST whose outcome is unknown (network error, other 5xx) is
 * retried only after a GET showed it did not happen.
 */
import { TransientError, isTransient, retryAfterMs, withRetry, type RetryOptions } from '../../runtime/retry.js'

export interface NeonOperation {
  id: string
  action: string
  status: string
  error?: string
  branch_id?: string
  endpoint_id?: string
}

export interface NeonBranch {
  id: string
  name: string
  parent_id?: string
  parent_lsn?: string
  parent_timestamp?: string
  current_state: string
  default: boolean
  protected: boolean
  created_at: string
  logical_size?: number
}

export interface NeonEndpoint {
  id: string
  host: string
  branch_id: string
  type: string
  current_state: string
}

export interface NeonSnapshot {
  id: string
  name: string
  lsn?: string
  timestamp?: string
  source_branch_id?: string
  created_at: string
  expires_at?: string
  manual?: boolean
}

export type Annotations = Record<string, string>

export interface NeonApiOptions {
  apiUrl: string
  apiKey: string
  projectId: string
  retry?: RetryOptions
  /** First wait between operation polls; grows to 5 s. */
  pollMs?: number
  /** Give up waiting for operations after this long. */
  operationTimeoutMs?: number
  sleep?: (ms: number) => Promise<void>
}

/** An answer of the API other than success: its GeneralError body (`code`, `message`, `request_id`). */
export class NeonApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly code: string,
    readonly neonMessage: string,
    readonly requestId: string | undefined
  ) {
    super(
      `Neon API ${method} ${path} answered ${status}${code ? ` ${code}` : ''}: ${neonMessage || '(no message)'}${requestId ? ` (request ${requestId})` : ''}`
    )
    this.name = 'NeonApiError'
  }
}

/** An operation that ended in failed, error or cancelled. */
export class NeonOperationError extends Error {
  constructor(readonly operation: NeonOperation) {
    super(`Neon operation ${operation.action} (${operation.id}) ended ${operation.status}${operation.error ? `: ${operation.error}` : ''}`)
    this.name = 'NeonOperationError'
  }
}

const DONE = new Set(['finished', 'skipped'])
const FAILED = new Set(['failed', 'error', 'cancelled'])
/** Safe to repeat whatever the method (the spec's GeneralError: 423 and 503 always; 429 was not processed). */
const RETRY_ALWAYS = new Set([423, 429, 503])
const REQUEST_TIMEOUT_MS = 60_000

type Query = Record<string, string | number | boolean | undefined>

interface RequestOptions<T> {
  query?: Query
  body?: unknown
  /** For POST: looks for the result of an earlier attempt whose answer was lost; undefined when it did not happen. */
  applied?: () => Promise<T | undefined>
}

export class NeonApi {
  private readonly sleep: (ms: number) => Promise<void>
  constructor(private readonly o: NeonApiOptions) {
    this.sleep = o.sleep ?? o.retry?.sleep ?? ((ms: number) => new Promise<void>(r => setTimeout(r, ms)))
  }

  get projectId(): string {
    return this.o.projectId
  }

  private url(path: string, query: Query = {}): string {
    const u = new URL(this.o.apiUrl.replace(/\/+$/, '') + path)
    for (const [k, v] of Object.entries(query)) if (v !== undefined) u.searchParams.set(k, String(v))
    return u.toString()
  }

  async request<T>(method: string, path: string, r: RequestOptions<T> = {}): Promise<T> {
    let lostAnswer = false
    return withRetry(
      async () => {
        if (lostAnswer && r.applied) {
          const earlier = await r.applied()
          if (earlier !== undefined) return earlier
        }
        let res: Response
        try {
          res = await fetch(this.url(path, r.query), {
            method,
            headers: {
              Authorization: `Bearer ${this.o.apiKey}`,
              Accept: 'application/json',
              'User-Agent': 'pg-backup-action',
              ...(r.body === undefined ? {} : { 'Content-Type': 'application/json' })
            },
            body: r.body === undefined ? undefined : JSON.stringify(r.body),
            signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS)
          })
        } catch (e) {
          const timedOut = (e as Error).name === 'TimeoutError'
          if (!isTransient(e) && !timedOut) throw e
          const message = `Neon API ${method} ${path}: ${(e as Error).message}${(e as { cause?: { code?: string } }).cause?.code ? ` (${(e as { cause: { code: string } }).cause.code})` : ''}`
          if (method === 'POST') return this.unknown(message, r, () => (lostAnswer = true))
          throw new TransientError(message)
        }
        if (res.ok) {
          const text = await res.text()
          return (text ? JSON.parse(text) : {}) as T
        }
        const body = (await res.json().catch(() => ({}))) as { code?: string; message?: string; request_id?: string }
        const err = new NeonApiError(
          method,
          path,
          res.status,
          body.code ?? '',
          body.message ?? res.statusText,
          body.request_id ?? res.headers.get('x-request-id') ?? undefined
        )
        const after = retryAfterMs(res.headers)
        if (RETRY_ALWAYS.has(res.status)) throw Object.assign(new TransientError(err.message, after), { neon: err })
        if (res.status >= 500) {
          // GET, PATCH and DELETE mean the same the second time; a POST might have been applied.
          if (method === 'POST') return this.unknown(err.message, r, () => (lostAnswer = true), err)
          throw Object.assign(new TransientError(err.message, after), { neon: err })
        }
        throw err
      },
      { attempts: 6, baseMs: 1000, maxMs: 20000, ...this.o.retry }
    ).catch((e: unknown) => {
      // After the last attempt, the API's own error explains more than our wrapper.
      const neon = (e as { neon?: NeonApiError }).neon
      throw neon ?? e
    })
  }

  /** A POST with an unknown outcome: retried only when there is a way to check it first. */
  private unknown<T>(message: string, r: RequestOptions<T>, mark: () => void, cause?: NeonApiError): never {
    if (!r.applied) throw cause ?? new Error(`${message} (not repeated: it may have been applied)`)
    mark()
    throw Object.assign(new TransientError(message), { neon: cause })
  }

  /**
   * Polls each operation until it is finished or skipped; failed, error or
   * cancelled throws. Operations of one project run one after another, so
   * they are awaited in order.
   */
  async waitForOperations(ops: readonly NeonOperation[] | undefined): Promise<void> {
    const timeout = this.o.operationTimeoutMs ?? 15 * 60_000
    const started = Date.now()
    for (const first of ops ?? []) {
      let op = first
      let wait = this.o.pollMs ?? 500
      while (!DONE.has(op.status)) {
        if (FAILED.has(op.status)) throw new NeonOperationError(op)
        if (Date.now() - started > timeout)
          throw new Error(`Neon operation ${op.action} (${op.id}) is still ${op.status} after ${Math.round(timeout / 1000)} s`)
        await this.sleep(wait)
        wait = Math.min(5000, Math.round(wait * 1.5))
        op = (await this.request<{ operation: NeonOperation }>('GET', `${this.p}/operations/${op.id}`)).operation
      }
    }
  }

  private get p(): string {
    return `/projects/${encodeURIComponent(this.o.projectId)}`
  }

  /** Every branch (optionally those whose name or id contains `search`), following the cursor; with their annotations. */
  async listBranches(search?: string): Promise<{ branches: NeonBranch[]; annotations: Record<string, Annotations> }> {
    const branches: NeonBranch[] = []
    const annotations: Record<string, Annotations> = {}
    const limit = 100
    let cursor: string | undefined
    for (let page = 0; page < 1000; page++) {
      const r = await this.request<{
        branches: NeonBranch[]
        annotations?: Record<string, { value: Annotations }>
        pagination?: { next?: string }
      }>('GET', `${this.p}/branches`, {
        query: { search, limit, cursor, sort_by: 'created_at', sort_order: 'asc' }
      })
      branches.push(...r.branches)
      for (const [id, a] of Object.entries(r.annotations ?? {})) annotations[id] = a.value ?? {}
      const next = r.pagination?.next
      if (!next || next === cursor || r.branches.length < limit) break
      cursor = next
    }
    return { branches, annotations }
  }

  async getBranch(id: string): Promise<{ branch: NeonBranch; annotations: Annotations }> {
    const r = await this.request<{ branch: NeonBranch; annotation?: { value: Annotations } }>(
      'GET',
      `${this.p}/branches/${encodeURIComponent(id)}`
    )
    return { branch: r.branch, annotations: r.annotation?.value ?? {} }
  }

  /** The branch named exactly `name`, if any. */
  async findBranchByName(name: string): Promise<{ branch: NeonBranch; annotations: Annotations } | undefined> {
    const { branches, annotations } = await this.listBranches(name)
    const b = branches.find(x => x.name === name)
    return b ? { branch: b, annotations: annotations[b.id] ?? {} } : undefined
  }

  /** Creates a branch and waits for its operations; a lost answer is checked by name before the POST is repeated. */
  async createBranch(req: {
    name: string
    parentId: string
    parentLsn?: string
    parentTimestamp?: string
    withCompute: boolean
    annotations: Annotations
  }): Promise<{ branch: NeonBranch; endpoints: NeonEndpoint[] }> {
    const body = {
      branch: {
        parent_id: req.parentId,
        name: req.name,
        ...(req.parentLsn ? { parent_lsn: req.parentLsn } : {}),
        ...(req.parentTimestamp ? { parent_timestamp: req.parentTimestamp } : {})
      },
      endpoints: req.withCompute ? [{ type: 'read_write' }] : [],
      annotation_value: req.annotations
    }
    const r = await this.request<{ branch: NeonBranch; endpoints?: NeonEndpoint[]; operations?: NeonOperation[] }>(
      'POST',
      `${this.p}/branches`,
      {
        body,
        applied: async () => {
          const found = await this.findBranchByName(req.name)
          if (!found) return undefined
          const endpoints = req.withCompute ? await this.listBranchEndpoints(found.branch.id) : []
          return { branch: found.branch, endpoints, operations: await this.pendingOperations(found.branch.id) }
        }
      }
    )
    await this.waitForOperations(r.operations)
    return { branch: r.branch, endpoints: r.endpoints ?? [] }
  }

  /** Operations of a branch that have not finished (the first page is the newest). */
  private async pendingOperations(branchId: string): Promise<NeonOperation[]> {
    const r = await this.request<{ operations: NeonOperation[] }>('GET', `${this.p}/operations`, { query: { limit: 100 } })
    return r.operations.filter(o => o.branch_id === branchId && !DONE.has(o.status))
  }

  async renameBranch(id: string, name: string): Promise<void> {
    const r = await this.request<{ operations?: NeonOperation[] }>('PATCH', `${this.p}/branches/${encodeURIComponent(id)}`, {
      body: { branch: { name } }
    })
    await this.waitForOperations(r.operations)
  }

  /** DELETE and wait for its operations; what is already gone (204, 404) counts as deleted. */
  private async remove(path: string): Promise<void> {
    try {
      const r = await this.request<{ operations?: NeonOperation[] }>('DELETE', path)
      await this.waitForOperations(r.operations)
    } catch (e) {
      if (e instanceof NeonApiError && e.status === 404) return
      throw e
    }
  }

  async deleteBranch(id: string): Promise<void> {
    await this.remove(`${this.p}/branches/${encodeURIComponent(id)}`)
  }

  async listBranchEndpoints(branchId: string): Promise<NeonEndpoint[]> {
    return (await this.request<{ endpoints: NeonEndpoint[] }>('GET', `${this.p}/branches/${encodeURIComponent(branchId)}/endpoints`))
      .endpoints
  }

  /** A read-write compute on the branch (a branch has at most one: an existing one is reused by the lost-answer check). */
  async createEndpoint(branchId: string): Promise<NeonEndpoint> {
    const r = await this.request<{ endpoint: NeonEndpoint; operations?: NeonOperation[] }>('POST', `${this.p}/endpoints`, {
      body: { endpoint: { branch_id: branchId, type: 'read_write' } },
      applied: async () => {
        const ep = (await this.listBranchEndpoints(branchId)).find(e => e.type === 'read_write')
        return ep ? { endpoint: ep, operations: [] } : undefined
      }
    })
    await this.waitForOperations(r.operations)
    return r.endpoint
  }

  async deleteEndpoint(id: string): Promise<void> {
    await this.remove(`${this.p}/endpoints/${encodeURIComponent(id)}`)
  }

  async listDatabases(branchId: string): Promise<{ name: string; owner_name: string }[]> {
    return (
      await this.request<{ databases: { name: string; owner_name: string }[] }>(
        'GET',
        `${this.p}/branches/${encodeURIComponent(branchId)}/databases`
      )
    ).databases
  }

  /** The direct (unpooled) connection URI, password included: the caller masks it before anything prints it. */
  async connectionUri(q: { branchId: string; endpointId?: string; database: string; role: string }): Promise<string> {
    const r = await this.request<{ uri: string }>('GET', `${this.p}/connection_uri`, {
      query: { branch_id: q.branchId, endpoint_id: q.endpointId, database_name: q.database, role_name: q.role, pooled: false }
    })
    return r.uri
  }

  /** Restores `branchId` from another branch or its own history; its old state stays under `preserveUnderName`. */
  async restoreBranch(
    branchId: string,
    req: { sourceBranchId: string; sourceLsn?: string; sourceTimestamp?: string; preserveUnderName: string }
  ): Promise<NeonBranch> {
    const body = {
      source_branch_id: req.sourceBranchId,
      ...(req.sourceLsn ? { source_lsn: req.sourceLsn } : {}),
      ...(req.sourceTimestamp ? { source_timestamp: req.sourceTimestamp } : {}),
      preserve_under_name: req.preserveUnderName
    }
    const r = await this.request<{ branch: NeonBranch; operations?: NeonOperation[] }>(
      'POST',
      `${this.p}/branches/${encodeURIComponent(branchId)}/restore`,
      {
        body,
        // The preserved branch exists only once the restore happened.
        applied: async () =>
          (await this.findBranchByName(req.preserveUnderName))
            ? { branch: (await this.getBranch(branchId)).branch, operations: await this.pendingOperations(branchId) }
            : undefined
      }
    )
    await this.waitForOperations(r.operations)
    return r.branch
  }

  async listSnapshots(): Promise<NeonSnapshot[]> {
    return (await this.request<{ snapshots: NeonSnapshot[] }>('GET', `${this.p}/snapshots`)).snapshots
  }

  /** A snapshot of the branch (at an LSN or time when given); parameters go in the query string, as the spec has them. */
  async createSnapshot(branchId: string, q: { name: string; lsn?: string; timestamp?: string; expiresAt?: string }): Promise<NeonSnapshot> {
    const r = await this.request<{ snapshot: NeonSnapshot; operations?: NeonOperation[] }>(
      'POST',
      `${this.p}/branches/${encodeURIComponent(branchId)}/snapshot`,
      {
        query: { name: q.name, lsn: q.lsn, timestamp: q.timestamp, expires_at: q.expiresAt },
        applied: async () => {
          const s = (await this.listSnapshots()).find(x => x.name === q.name)
          return s ? { snapshot: s, operations: [] } : undefined
        }
      }
    )
    await this.waitForOperations(r.operations)
    return r.snapshot
  }

  async deleteSnapshot(id: string): Promise<void> {
    await this.remove(`${this.p}/snapshots/${encodeURIComponent(id)}`)
  }

  async renameSnapshot(id: string, name: string): Promise<void> {
    await this.request('PATCH', `${this.p}/snapshots/${encodeURIComponent(id)}`, { body: { snapshot: { name } } })
  }

  /**
   * Restores a snapshot into a new branch named `name` (not finalized: the
   * target keeps its computes until finalizeRestore).
   */
  async restoreSnapshot(
    snapshotId: string,
    req: { name: string; targetBranchId?: string }
  ): Promise<{ branch: NeonBranch; endpoints: NeonEndpoint[] }> {
    const r = await this.request<{ branch: NeonBranch; endpoints?: NeonEndpoint[]; operations?: NeonOperation[] }>(
      'POST',
      `${this.p}/snapshots/${encodeURIComponent(snapshotId)}/restore`,
      {
        body: { name: req.name, ...(req.targetBranchId ? { target_branch_id: req.targetBranchId } : {}), finalize_restore: false },
        applied: async () => {
          const found = await this.findBranchByName(req.name)
          return found ? { branch: found.branch, endpoints: [], operations: await this.pendingOperations(found.branch.id) } : undefined
        }
      }
    )
    await this.waitForOperations(r.operations)
    return { branch: r.branch, endpoints: r.endpoints ?? [] }
  }

  /** Moves the computes of the branch the snapshot was restored for onto `branchId`, which takes its name; the old one is renamed `preserveUnderName`. */
  async finalizeRestore(branchId: string, preserveUnderName: string): Promise<void> {
    const r = await this.request<{ operations?: NeonOperation[] }>(
      'POST',
      `${this.p}/branches/${encodeURIComponent(branchId)}/finalize_restore`,
      {
        body: { name: preserveUnderName },
        applied: async () =>
          (await this.findBranchByName(preserveUnderName)) ? { operations: await this.pendingOperations(branchId) } : undefined
      }
    )
    await this.waitForOperations(r.operations)
  }
}
