// A local stand-in for the Neon API whose branches and snapshots are real
// databases of a local PostgreSQL cluster (copies made with CREATE DATABASE
// … TEMPLATE), so branch backups, their verification, retention and restores
// run against real data. Every request it takes and every answer it gives is
// checked against Neon's OpenAPI spec; violations are collected for the tests.
import { randomUUID } from 'node:crypto'
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import pg from 'pg'
import type { Postgres } from './stack.js'
import { checkRequest, checkResponse, queryParameters } from './neon-spec.js'
import { annotationPayload, branchPayload, endpointPayload, operationPayload, snapshotPayload } from './neon-payloads.js'

export interface StandInBranch {
  id: string
  name: string
  parent_id?: string
  parent_lsn?: string
  parent_timestamp?: string
  default: boolean
  protected: boolean
  created_at: string
  /** The local database holding this branch's `neondb`. */
  db: string
  annotation?: Record<string, string>
  /** Set on a branch made by restoreSnapshot until it is finalized. */
  restoredFor?: string
}

export interface StandInOptions {
  projectId?: string
  apiKey?: string
  /** The database the default branch `main` holds (an existing local database). */
  mainDb: string
  /** Manual snapshots the plan allows. */
  snapshotLimit?: number
  /** Polls an operation stays `running` before it finishes. */
  pollsToFinish?: number
  /** Operations with these actions end `failed` (the work itself is done, as when Neon fails half-way). */
  failOperations?: string[]
  /** Runs on each new branch or snapshot copy (e.g. to corrupt it). */
  afterCopy?: (db: string, kind: 'branch' | 'snapshot') => Promise<void>
}

const id = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}-${Math.floor(Math.random() * 900000 + 100000)}`
const dbName = (branchOrSnapshotId: string) => `neon_${branchOrSnapshotId.replace(/-/g, '_')}`

export async function startNeonStandIn(p: Postgres, o: StandInOptions) {
  const projectId = o.projectId ?? 'pgba-test-424242'
  const apiKey = o.apiKey ?? 'napi_standin_0123456789abcdef'
  const branches = new Map<string, StandInBranch>()
  const endpoints = new Map<string, { id: string; branch_id: string; type: string }>()
  const snapshots = new Map<
    string,
    { id: string; name: string; source_branch_id: string; lsn?: string; expires_at?: string; created_at: string; db: string }
  >()
  const operations = new Map<string, { payload: ReturnType<typeof operationPayload>; polls: number }>()
  const requests: { method: string; path: string; query: Record<string, string>; body: unknown }[] = []
  const violations: string[] = []

  const main: StandInBranch = {
    id: id('br-main'),
    name: 'main',
    default: true,
    protected: false,
    created_at: new Date(Date.now() - 86400_000 * 30).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    db: o.mainDb
  }
  branches.set(main.id, main)

  async function sql(text: string): Promise<void> {
    const c = new pg.Client({ host: p.socketDir, port: p.port, user: 'postgres', database: 'postgres' })
    await c.connect()
    try {
      await c.query(text)
    } finally {
      await c.end()
    }
  }
  const ident = (s: string) => `"${s.replace(/"/g, '""')}"`
  const copy = async (from: string, to: string) => sql(`CREATE DATABASE ${ident(to)} TEMPLATE ${ident(from)}`)
  const drop = async (db: string) => sql(`DROP DATABASE IF EXISTS ${ident(db)} WITH (FORCE)`)
  const kick = async (db: string) =>
    sql(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${db.replace(/'/g, "''")}' AND pid <> pg_backend_pid()`)

  function op(action: string, branchId?: string, endpointId?: string) {
    const payload = operationPayload(projectId, { action, status: 'running', branch_id: branchId, endpoint_id: endpointId })
    operations.set(payload.id, { payload, polls: o.pollsToFinish ?? 1 })
    return payload
  }
  const branchJson = (b: StandInBranch) => branchPayload(projectId, b)
  const endpointJson = (e: { id: string; branch_id: string; type: string }) => endpointPayload(projectId, { ...e, host: '127.0.0.1' })
  const snapshotJson = (s: { id: string; name: string; source_branch_id: string; lsn?: string; expires_at?: string; created_at: string }) =>
    snapshotPayload(s)
  const notFound = (what: string): [number, unknown] => [404, { code: '', message: `${what} not found`, request_id: randomUUID() }]
  const bad = (message: string, status = 400): [number, unknown] => [status, { code: '', message, request_id: randomUUID() }]
  const uri = (b: StandInBranch, role: string) =>
    `postgresql://${encodeURIComponent(role)}:${encodeURIComponent(p.password)}@127.0.0.1:${p.port}/${encodeURIComponent(b.db)}`

  async function newBranch(name: string, parentId: string, fromDb: string, extra: Partial<StandInBranch> = {}): Promise<StandInBranch> {
    const b: StandInBranch = {
      id: id('br'),
      name,
      parent_id: parentId,
      default: false,
      protected: false,
      created_at: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      db: '',
      ...extra
    }
    b.db = dbName(b.id)
    await copy(fromDb, b.db)
    await o.afterCopy?.(b.db, 'branch')
    branches.set(b.id, b)
    return b
  }

  type Handler = (m: RegExpExecArray, q: URLSearchParams, body: Record<string, unknown>) => Promise<[number, unknown]> | [number, unknown]
  const routes: [string, RegExp, Handler][] = [
    [
      'GET',
      /^\/projects\/([^/]+)\/branches$/,
      (_m, q) => {
        const search = q.get('search') ?? ''
        const all = [...branches.values()]
          .filter(b => !search || b.name.includes(search) || b.id.includes(search))
          .sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id))
        if (q.get('sort_order') === 'desc') all.reverse()
        const limit = Number(q.get('limit') ?? 10000)
        const start = Number(q.get('cursor') ?? 0)
        const page = all.slice(start, start + limit)
        const annotations = Object.fromEntries(page.filter(b => b.annotation).map(b => [b.id, annotationPayload(b.id, b.annotation!)]))
        return [
          200,
          {
            branches: page.map(branchJson),
            annotations,
            ...(start + limit < all.length
              ? { pagination: { next: String(start + limit), sort_by: 'created_at', sort_order: q.get('sort_order') ?? 'desc' } }
              : {})
          }
        ]
      }
    ],
    [
      'POST',
      /^\/projects\/([^/]+)\/branches$/,
      async (_m, _q, body) => {
        const req = (body.branch ?? {}) as { parent_id?: string; name?: string; parent_lsn?: string; parent_timestamp?: string }
        const parent = branches.get(req.parent_id ?? main.id)
        if (!parent) return notFound('parent branch')
        if ([...branches.values()].some(b => b.name === req.name)) return bad(`branch with name ${req.name} already exists`, 409)
        // The stand-in has no history: a branch "at" an LSN or time is a copy of the parent as it is now.
        const b = await newBranch(req.name ?? id('br-auto'), parent.id, parent.db, {
          parent_lsn: req.parent_lsn ?? '0/1DE2850',
          parent_timestamp: req.parent_timestamp,
          annotation: body.annotation_value as Record<string, string> | undefined
        })
        const eps = ((body.endpoints ?? []) as { type: string }[]).map(e => {
          const ep = { id: id('ep'), branch_id: b.id, type: e.type }
          endpoints.set(ep.id, ep)
          return ep
        })
        const ops = [op('create_branch', b.id), ...eps.map(e => op('start_compute', b.id, e.id))]
        return [201, { branch: branchJson(b), endpoints: eps.map(endpointJson), operations: ops, roles: [], databases: [] }]
      }
    ],
    [
      'GET',
      /^\/projects\/([^/]+)\/branches\/([^/]+)$/,
      m => {
        const b = branches.get(m[2])
        if (!b) return notFound('branch')
        return [200, { branch: branchJson(b), ...(b.annotation ? { annotation: annotationPayload(b.id, b.annotation) } : {}) }]
      }
    ],
    [
      'PATCH',
      /^\/projects\/([^/]+)\/branches\/([^/]+)$/,
      (m, _q, body) => {
        const b = branches.get(m[2])
        if (!b) return notFound('branch')
        b.name = (body.branch as { name?: string }).name ?? b.name
        return [200, { branch: branchJson(b), operations: [] }]
      }
    ],
    [
      'DELETE',
      /^\/projects\/([^/]+)\/branches\/([^/]+)$/,
      async m => {
        const b = branches.get(m[2])
        if (!b) return notFound('branch')
        if (b.default) return bad('cannot delete the default branch')
        if (b.protected) return bad('cannot delete a protected branch')
        if ([...branches.values()].some(x => x.parent_id === b.id)) return bad('cannot delete a branch that has child branches')
        for (const e of [...endpoints.values()].filter(e => e.branch_id === b.id)) endpoints.delete(e.id)
        await drop(b.db)
        branches.delete(b.id)
        return [200, { branch: branchJson(b), operations: [op('delete_timeline', b.id)] }]
      }
    ],
    [
      'POST',
      /^\/projects\/([^/]+)\/branches\/([^/]+)\/restore$/,
      async (m, _q, body) => {
        const target = branches.get(m[2])
        const source = branches.get(body.source_branch_id as string)
        if (!target || !source) return notFound('branch')
        if (source.id === target.id) return bad('the stand-in keeps no history: restore from another branch')
        if (!body.preserve_under_name) return bad('preserve_under_name is required')
        // The old data stays, under the preserved name; the target gets a fresh copy of the source (its computes restart).
        const preserved: StandInBranch = {
          ...target,
          id: id('br'),
          name: body.preserve_under_name as string,
          default: false,
          annotation: undefined
        }
        branches.set(preserved.id, preserved)
        await kick(target.db)
        const fresh = dbName(id('restored'))
        await copy(source.db, fresh)
        target.db = fresh
        return [200, { branch: branchJson(target), operations: [op('create_branch', preserved.id), op('start_compute', target.id)] }]
      }
    ],
    [
      'GET',
      /^\/projects\/([^/]+)\/branches\/([^/]+)\/endpoints$/,
      m => [200, { endpoints: [...endpoints.values()].filter(e => e.branch_id === m[2]).map(endpointJson) }]
    ],
    [
      'GET',
      /^\/projects\/([^/]+)\/branches\/([^/]+)\/databases$/,
      m => {
        const b = branches.get(m[2])
        if (!b) return notFound('branch')
        return [
          200,
          {
            databases: [
              { id: 1, branch_id: b.id, name: 'neondb', owner_name: 'postgres', created_at: b.created_at, updated_at: b.created_at }
            ]
          }
        ]
      }
    ],
    [
      'GET',
      /^\/projects\/([^/]+)\/branches\/([^/]+)\/roles$/,
      m => [
        200,
        { roles: [{ branch_id: m[2], name: 'postgres', protected: false, created_at: main.created_at, updated_at: main.created_at }] }
      ]
    ],
    [
      'POST',
      /^\/projects\/([^/]+)\/endpoints$/,
      (_m, _q, body) => {
        const req = body.endpoint as { branch_id: string; type: string }
        if (!branches.has(req.branch_id)) return notFound('branch')
        if (req.type === 'read_write' && [...endpoints.values()].some(e => e.branch_id === req.branch_id && e.type === 'read_write'))
          return bad('the branch already has a read_write endpoint', 409)
        const ep = { id: id('ep'), branch_id: req.branch_id, type: req.type }
        endpoints.set(ep.id, ep)
        return [201, { endpoint: endpointJson(ep), operations: [op('start_compute', ep.branch_id, ep.id)] }]
      }
    ],
    [
      'DELETE',
      /^\/projects\/([^/]+)\/endpoints\/([^/]+)$/,
      async m => {
        const ep = endpoints.get(m[2])
        if (!ep) return notFound('endpoint')
        endpoints.delete(ep.id)
        await kick(branches.get(ep.branch_id)!.db)
        return [200, { endpoint: endpointJson(ep), operations: [op('suspend_compute', ep.branch_id, ep.id)] }]
      }
    ],
    // Like Neon's, it needs the branch's compute.
    [
      'GET',
      /^\/projects\/([^/]+)\/connection_uri$/,
      (_m, q) => {
        const b = branches.get(q.get('branch_id') ?? main.id)
        if (!b) return notFound('branch')
        const eps = [...endpoints.values()].filter(e => e.branch_id === b.id)
        if (!b.default && eps.length === 0) return bad('the branch has no compute endpoint')
        if (q.get('endpoint_id') && !eps.some(e => e.id === q.get('endpoint_id'))) return notFound('endpoint')
        if (q.get('database_name') !== 'neondb') return notFound(`database ${q.get('database_name')}`)
        return [200, { uri: uri(b, q.get('role_name') ?? 'postgres') }]
      }
    ],
    [
      'GET',
      /^\/projects\/([^/]+)\/operations\/([^/]+)$/,
      m => {
        const x = operations.get(m[2])
        if (!x) return notFound('operation')
        if (x.polls-- <= 0)
          x.payload = o.failOperations?.includes(x.payload.action)
            ? { ...x.payload, status: 'failed', error: 'compute failed to start' }
            : { ...x.payload, status: 'finished' }
        return [200, { operation: x.payload }]
      }
    ],
    [
      'GET',
      /^\/projects\/([^/]+)\/operations$/,
      () => [200, { operations: [...operations.values()].map(x => x.payload).reverse(), pagination: { cursor: '' } }]
    ],
    [
      'POST',
      /^\/projects\/([^/]+)\/branches\/([^/]+)\/snapshot$/,
      async (m, q) => {
        const b = branches.get(m[2])
        if (!b) return notFound('branch')
        if (snapshots.size >= (o.snapshotLimit ?? 10))
          return bad(`snapshots limit exceeded: your plan allows ${o.snapshotLimit ?? 10} manual snapshots`, 422)
        const s = {
          id: id('snap'),
          name: q.get('name') ?? 'snapshot',
          source_branch_id: b.id,
          lsn: q.get('lsn') ?? '0/2000028',
          expires_at: q.get('expires_at') ?? undefined,
          created_at: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
          db: ''
        }
        s.db = dbName(s.id)
        await copy(b.db, s.db)
        await o.afterCopy?.(s.db, 'snapshot')
        snapshots.set(s.id, s)
        return [200, { snapshot: snapshotJson(s), operations: [op('create_branch', b.id)] }]
      }
    ],
    ['GET', /^\/projects\/([^/]+)\/snapshots$/, () => [200, { snapshots: [...snapshots.values()].map(snapshotJson) }]],
    [
      'PATCH',
      /^\/projects\/([^/]+)\/snapshots\/([^/]+)$/,
      (m, _q, body) => {
        const s = snapshots.get(m[2])
        if (!s) return notFound('snapshot')
        s.name = (body.snapshot as { name?: string }).name ?? s.name
        return [200, { snapshot: snapshotJson(s) }]
      }
    ],
    [
      'DELETE',
      /^\/projects\/([^/]+)\/snapshots\/([^/]+)$/,
      async m => {
        const s = snapshots.get(m[2])
        if (!s) return notFound('snapshot')
        await drop(s.db)
        snapshots.delete(s.id)
        return [202, { operations: [op('delete_timeline')] }]
      }
    ],
    [
      'POST',
      /^\/projects\/([^/]+)\/snapshots\/([^/]+)\/restore$/,
      async (m, _q, body) => {
        const s = snapshots.get(m[2])
        if (!s) return notFound('snapshot')
        const target = (body.target_branch_id as string | undefined) ?? s.source_branch_id
        const b = await newBranch((body.name as string | undefined) ?? id('restored'), target, s.db, { restoredFor: target })
        return [200, { branch: branchJson(b), operations: [op('create_branch', b.id)] }]
      }
    ],
    [
      'POST',
      /^\/projects\/([^/]+)\/branches\/([^/]+)\/finalize_restore$/,
      async (m, _q, body) => {
        const b = branches.get(m[2])
        const old = b?.restoredFor ? branches.get(b.restoredFor) : undefined
        if (!b || !old) return bad('the branch was not restored from a snapshot')
        await kick(old.db)
        // The restored branch takes the old one's name, default flag and computes; the old one is renamed.
        const oldName = old.name
        old.name = (body.name as string | undefined) ?? `${oldName}_old`
        Object.assign(b, { name: oldName, default: old.default, restoredFor: undefined, parent_id: undefined })
        old.default = false
        for (const e of endpoints.values()) if (e.branch_id === old.id) e.branch_id = b.id
        return [200, { operations: [op('start_compute', b.id)] }]
      }
    ]
  ]
  const server = http.createServer((req, res) => {
    let raw = ''
    req.on('data', d => (raw += d))
    req.on('end', async () => {
      const url = new URL(req.url ?? '/', 'http://x')
      const path = url.pathname.replace(/^\/api\/v2/, '')
      const method = req.method ?? 'GET'
      let status: number
      let payload: unknown
      try {
        const body = raw ? JSON.parse(raw) : undefined
        requests.push({ method, path, query: Object.fromEntries(url.searchParams), body })
        if (req.headers.authorization !== `Bearer ${apiKey}`)
          [status, payload] = [401, { code: '', message: 'authorization failed', request_id: randomUUID() }]
        else {
          const route = routes.find(([m, re]) => m === method && re.test(path))
          if (!route) [status, payload] = [404, { code: '', message: `no route ${method} ${path}`, request_id: randomUUID() }]
          else {
            try {
              checkRequest(method, path, body)
              const allowed = queryParameters(method, path)
              for (const k of url.searchParams.keys())
                if (!allowed.includes(k)) throw new Error(`query parameter ${k} is not in Neon's spec for ${method} ${path}`)
            } catch (e) {
              violations.push((e as Error).message)
            }
            if (route[1].exec(path)![1] !== projectId) [status, payload] = notFound('project')
            else [status, payload] = await route[2](route[1].exec(path)!, url.searchParams, (body ?? {}) as Record<string, unknown>)
          }
        }
        try {
          if (status !== 401 && !(status === 404 && String((payload as { message?: string }).message).startsWith('no route')))
            checkResponse(method, path, status, payload)
        } catch (e) {
          violations.push((e as Error).message)
        }
      } catch (e) {
        ;[status, payload] = [500, { code: '', message: (e as Error).message, request_id: randomUUID() }]
      }
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(payload))
    })
  })
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v2`
  return {
    apiUrl,
    apiKey,
    projectId,
    main,
    branches,
    endpoints,
    snapshots,
    requests,
    violations,
    /** The inputs every Neon run of the action gives. */
    inputs: { provider: 'neon', 'neon-api-url': apiUrl, 'neon-api-key': apiKey, 'neon-project-id': projectId },
    /** A branch made directly (e.g. older backups to prune). */
    addBranch: (name: string, extra: Partial<StandInBranch> = {}) => newBranch(name, extra.parent_id ?? main.id, main.db, extra),
    byName: (name: string) => [...branches.values()].find(b => b.name === name),
    stop: () => new Promise<void>(r => server.close(() => r()))
  }
}
