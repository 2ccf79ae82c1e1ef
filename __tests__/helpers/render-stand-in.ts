// A local stand-in for the parts of Render's public API (v1) that an export
// uses, in the shapes of Render's OpenAPI as the render-oss CLI's generated
// client has them (v2.24.0: pkg/client/client_gen.go, pkg/client/types_gen.go
// postgresDetail, pkg/client/postgres/postgres_gen.go postgresExport):
//   GET  /postgres/{postgresId}         → 200 postgresDetail
//   GET  /postgres/{postgresId}/export  → 200 [postgresExport {id, createdAt, url?}]
//   POST /postgres/{postgresId}/export  → 202, no body
// errors as {id, message} with 401, 404 and 429 (Retry-After, RateLimit-*),
// and the download link an export's `url` names, which is itself the
// credential (no Authorization header). The archives it serves are real
// pg_dump -Fd directories as gzip'd tars, made by the tests.
import { randomBytes, randomUUID } from 'node:crypto'
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface RenderStandInOptions {
  apiKey?: string
  postgresId?: string
  databaseName: string
  version: string
  /** Instance type; `free` with `refuseExports` is a plan without exports. */
  plan?: string
  /** What a new export delivers: a gzip'd tar of a pg_dump directory archive. */
  archive: Buffer
  /** An export made before the run (listed, downloadable): the backup must never take it. */
  older?: { archive: Buffer; createdAt: string }
  /** Listings after the request in which the new export is not listed yet, then listed without a url. */
  unlistedPolls?: number
  pendingPolls?: number
  /** The first listing after the request answers 429 with these headers. */
  rateLimitOnce?: Record<string, string>
  /** The request for an export is refused (a plan without exports). */
  refuseExports?: { status: number; message: string }
  /** Served instead of the archive's last bytes: the download stops short. */
  truncateDownload?: boolean
}

interface StandInExport {
  id: string
  createdAt: string
  token: string
  archive: Buffer
  older: boolean
  /** Listings still to answer before it appears / before it has a url. */
  unlisted: number
  pending: number
}

export interface RecordedRequest {
  method: string
  path: string
  authorization: string | undefined
  accept: string | undefined
}

const exportId = () => `exp-${randomUUID().replace(/-/g, '').slice(0, 20)}`

export async function startRenderStandIn(o: RenderStandInOptions) {
  const apiKey = o.apiKey ?? 'rnd_standin0123456789abcdefABCDEF'
  const postgresId = o.postgresId ?? 'dpg-standin0123456789abc-a'
  const exports: StandInExport[] = []
  const requests: RecordedRequest[] = []
  const downloads: string[] = []
  const violations: string[] = []
  let rateLimited = false
  if (o.older)
    exports.push({
      id: exportId(),
      createdAt: o.older.createdAt,
      token: randomBytes(24).toString('hex'),
      archive: o.older.archive,
      older: true,
      unlisted: 0,
      pending: 0
    })

  const detail = () => ({
    id: postgresId,
    name: `${o.databaseName}-db`,
    databaseName: o.databaseName,
    databaseUser: `${o.databaseName}_user`,
    plan: o.plan ?? 'basic_256mb',
    version: o.version,
    status: 'available',
    region: 'oregon',
    role: 'primary',
    suspended: 'not_suspended',
    suspenders: [],
    connectionPool: 'none',
    createdAt: '2026-01-05T10:00:00.000000Z',
    updatedAt: '2026-11-30T10:00:00.000000Z',
    dashboardUrl: `https://dashboard.render.com/d/${postgresId}`,
    diskAutoscalingEnabled: false,
    diskSizeGB: 1,
    highAvailabilityEnabled: false,
    ipAllowList: [],
    readReplicas: [],
    owner: { id: 'tea-standin', name: 'Stand-in team', email: 'ops@example.com', type: 'team' }
  })

  const json = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = JSON.stringify(body)
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers })
    res.end(text)
  }
  const error = (res: http.ServerResponse, status: number, message: string, headers?: Record<string, string>) =>
    json(res, status, { id: randomUUID(), message }, headers)

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stand-in')
    const download = /^\/downloads\/([^/]+)$/.exec(url.pathname)
    if (download) {
      // The link is the credential: a wrong or missing token is refused, and no API key is wanted.
      const e = exports.find(x => x.id === download[1])
      if (!e || url.searchParams.get('token') !== e.token) return error(res, 403, 'Request has expired or signature does not match')
      downloads.push(e.id)
      if (req.headers.authorization) violations.push('the download was sent the API key')
      const body = o.truncateDownload && !e.older ? e.archive.subarray(0, Math.floor(e.archive.length / 2)) : e.archive
      res.writeHead(200, { 'Content-Type': 'application/gzip', 'Content-Length': e.archive.length })
      if (body.length < e.archive.length) {
        res.write(body)
        res.destroy()
        return
      }
      res.end(body)
      return
    }
    requests.push({ method: req.method ?? '', path: url.pathname, authorization: req.headers.authorization, accept: req.headers.accept })
    if (!url.pathname.startsWith('/v1/')) return error(res, 404, 'not found')
    if (req.headers.accept !== 'application/json') violations.push(`${req.method} ${url.pathname} without Accept: application/json`)
    if (req.headers.authorization !== `Bearer ${apiKey}`) return error(res, 401, 'unauthorized')
    const m = /^\/v1\/postgres\/([^/]+)(\/export)?$/.exec(url.pathname)
    if (!m) return error(res, 404, 'not found')
    if (m[1] !== postgresId) return error(res, 404, 'postgres instance not found')
    if (!m[2]) {
      if (req.method !== 'GET') return error(res, 405, 'method not allowed')
      return json(res, 200, detail())
    }
    if (req.method === 'POST') {
      if (o.refuseExports) return error(res, o.refuseExports.status, o.refuseExports.message)
      const created = new Date()
      exports.push({
        id: exportId(),
        createdAt: created.toISOString(),
        token: randomBytes(24).toString('hex'),
        archive: o.archive,
        older: false,
        unlisted: o.unlistedPolls ?? 0,
        pending: o.pendingPolls ?? 0
      })
      res.writeHead(202)
      res.end()
      return
    }
    if (req.method !== 'GET') return error(res, 405, 'method not allowed')
    const requested = exports.some(e => !e.older)
    if (requested && o.rateLimitOnce && !rateLimited) {
      rateLimited = true
      return error(res, 429, 'rate limit exceeded', o.rateLimitOnce)
    }
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const listed = exports
      .filter(e => e.unlisted-- <= 0)
      .map(e => ({ id: e.id, createdAt: e.createdAt, ...(e.pending-- <= 0 ? { url: `${base}/downloads/${e.id}?token=${e.token}` } : {}) }))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    return json(res, 200, listed)
  })
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    apiUrl: `${base}/v1`,
    apiKey,
    postgresId,
    requests,
    downloads,
    violations,
    /** Every export: the first is the older one when there is one. */
    exports,
    stop: () => new Promise<void>(r => server.close(() => r()))
  }
}
