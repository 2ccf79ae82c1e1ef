import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import nock from 'nock'
import { NeonApi, NeonApiError, NeonOperationError } from '../../../src/providers/neon/api.js'
import { backupNamePattern } from '../../../src/config/naming.js'
import { listBackups } from '../../../src/storage/neon.js'
import { planLimit, snapshotExpiry } from '../../../src/commands/neon-backup.js'
import { ActionError } from '../../../src/runtime/errors.js'
import { checkRequest, checkResponse, queryParameters } from '../../helpers/neon-spec.js'
import { annotationPayload, branchPayload, endpointPayload, operationPayload, snapshotPayload } from '../../helpers/neon-payloads.js'

const BASE = 'http://neon.test'
const PREFIX = '/api/v2'
const P = 'proud-dawn-123456'
const PP = `/projects/${P}`

let waits: number[]
let polls: number[]

function api(): NeonApi {
  return new NeonApi({
    apiUrl: BASE + PREFIX,
    apiKey: 'napi_unit_test_key',
    projectId: P,
    pollMs: 100,
    retry: { sleep: async ms => void waits.push(ms), random: () => 0.5 },
    sleep: async ms => void polls.push(ms)
  })
}

/**
 * Registers one answer and checks, when it is used, that the request follows
 * Neon's spec and that the answer itself does (so the fixtures cannot drift
 * from the real API's shapes).
 */
function answer(
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  status: number,
  body: unknown,
  opts: {
    query?: Record<string, string> | boolean | ((q: Record<string, string>) => boolean)
    headers?: Record<string, string>
    seen?: unknown[]
  } = {}
) {
  checkResponse(method, path, status, body)
  const scope = nock(BASE, { reqheaders: { authorization: 'Bearer napi_unit_test_key' } })
  const interceptor = scope.intercept(PREFIX + path, method)
  ;(opts.query === undefined ? interceptor.query(true) : interceptor.query(opts.query as never)).reply(
    (_uri: string, requestBody: unknown) => {
      try {
        checkRequest(method, path, requestBody === '' ? undefined : requestBody)
      } catch (e) {
        // Answered (not thrown: nock would leave the request hanging) and failed in afterEach.
        violations.push((e as Error).message)
        return [400, error((e as Error).message)]
      }
      opts.seen?.push(requestBody)
      return [status, body as nock.Body, opts.headers ?? {}]
    }
  )
  return scope
}
let violations: string[] = []

const error = (message: string, code = '') => ({ code, message, request_id: 'req-0001' })
const branch = (id: string, name: string, extra: Parameters<typeof branchPayload>[1] extends infer B ? Partial<B> : never = {}) =>
  branchPayload(P, { id, name, ...extra })
const op = (action: string, status = 'running', extra: Record<string, string> = {}) => operationPayload(P, { action, status, ...extra })

beforeEach(() => {
  waits = []
  polls = []
  nock.disableNetConnect()
})
afterEach(() => {
  expect(violations).toEqual([])
  violations = []
  nock.cleanAll()
  nock.enableNetConnect()
})

describe('operations', () => {
  it('polls each operation until finished or skipped, with growing waits', async () => {
    const create = op('create_timeline', 'running', { branch_id: 'br-new-1' })
    const start = op('start_compute', 'scheduling', { branch_id: 'br-new-1' })
    answer('POST', `${PP}/branches`, 201, {
      branch: branch('br-new-1', 'shop-20261201T030000Z'),
      endpoints: [],
      operations: [create, start],
      roles: [],
      databases: []
    })
    answer('GET', `${PP}/operations/${create.id}`, 200, { operation: { ...create, status: 'running' } })
    answer('GET', `${PP}/operations/${create.id}`, 200, { operation: { ...create, status: 'finished' } })
    answer('GET', `${PP}/operations/${start.id}`, 200, { operation: { ...start, status: 'skipped' } })
    const r = await api().createBranch({
      name: 'shop-20261201T030000Z',
      parentId: 'br-main-1',
      withCompute: false,
      annotations: { 'pg-backup-action': 'shop' }
    })
    expect(r.branch.id).toBe('br-new-1')
    expect(polls).toEqual([100, 150, 100])
    expect(nock.isDone()).toBe(true)
  })

  it.each(['failed', 'error', 'cancelled'])('an operation that ends %s fails with its error', async status => {
    const o = op('create_timeline', 'running')
    answer('POST', `${PP}/branches`, 201, { branch: branch('br-new-2', 'x'), endpoints: [], operations: [o], roles: [], databases: [] })
    answer('GET', `${PP}/operations/${o.id}`, 200, { operation: { ...o, status, error: 'pageserver unavailable' } })
    const p = api().createBranch({ name: 'x', parentId: 'br-main-1', withCompute: false, annotations: {} })
    await expect(p).rejects.toThrow(NeonOperationError)
    await expect(p).rejects.toThrow(`create_timeline (${o.id}) ended ${status}: pageserver unavailable`)
  })
})

describe('retries', () => {
  it.each([
    [429, 'rate limited'],
    [423, 'project is locked by another operation'],
    [503, 'service unavailable']
  ])('%s (%s) is retried with backoff, also for a POST', async (status, message) => {
    answer('POST', `${PP}/endpoints`, status, error(message))
    answer('POST', `${PP}/endpoints`, status, error(message))
    answer('POST', `${PP}/endpoints`, 201, {
      endpoint: endpointPayload(P, { id: 'ep-1', branch_id: 'br-b', host: 'ep-1.neon.test' }),
      operations: []
    })
    const ep = await api().createEndpoint('br-b')
    expect(ep.id).toBe('ep-1')
    expect(waits).toEqual([500, 1000])
  })

  it('waits what Retry-After says', async () => {
    answer('GET', `${PP}/snapshots`, 429, error('slow down'), { headers: { 'retry-after': '7' } })
    answer('GET', `${PP}/snapshots`, 200, { snapshots: [] })
    expect(await api().listSnapshots()).toEqual([])
    expect(waits).toEqual([7000])
  })

  it('gives up after the last attempt with the API error, message and request id', async () => {
    for (let i = 0; i < 6; i++) answer('GET', `${PP}/snapshots`, 503, error('maintenance'))
    const p = api().listSnapshots()
    await expect(p).rejects.toThrow(NeonApiError)
    await expect(p).rejects.toThrow('answered 503: maintenance (request req-0001)')
    expect(waits).toHaveLength(5)
  })

  it.each([400, 401, 403, 404, 409, 422])("never retries %s; the error quotes Neon's code and message", async status => {
    answer('POST', `${PP}/branches`, status, error('branch name already exists', 'BRANCH_ALREADY_EXISTS'))
    const p = api().createBranch({ name: 'x', parentId: 'br-main-1', withCompute: false, annotations: {} })
    await expect(p).rejects.toMatchObject({
      status,
      code: 'BRANCH_ALREADY_EXISTS',
      neonMessage: 'branch name already exists',
      requestId: 'req-0001'
    })
    expect(waits).toEqual([])
  })

  it('a GET that loses its connection is retried', async () => {
    nock(BASE)
      .get(`${PREFIX}${PP}/snapshots`)
      .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
    answer('GET', `${PP}/snapshots`, 200, { snapshots: [snapshotPayload({ id: 'snap-1', name: 's', source_branch_id: 'br-main-1' })] })
    expect((await api().listSnapshots()).map(s => s.id)).toEqual(['snap-1'])
    expect(waits).toHaveLength(1)
  })
})

describe('a POST whose answer was lost', () => {
  const name = 'shop-20261201T030000Z'
  const created = branch('br-made-1', name, { parent_id: 'br-main-1' })

  it('is not repeated when a GET shows it already happened', async () => {
    const posts: unknown[] = []
    nock(BASE)
      .post(`${PREFIX}${PP}/branches`, b => (posts.push(b), true))
      .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
    answer(
      'GET',
      `${PP}/branches`,
      200,
      { branches: [created], annotations: { 'br-made-1': annotationPayload('br-made-1', { 'pg-backup-action': 'shop' }) } },
      { query: q => q.search === name }
    )
    answer('GET', `${PP}/operations`, 200, {
      operations: [op('create_timeline', 'finished', { branch_id: 'br-made-1' })],
      pagination: { cursor: 'x' }
    })
    const r = await api().createBranch({ name, parentId: 'br-main-1', withCompute: false, annotations: { 'pg-backup-action': 'shop' } })
    expect(r.branch.id).toBe('br-made-1')
    expect(posts).toHaveLength(1)
    expect(nock.isDone()).toBe(true)
  })

  it('is repeated once the GET shows it did not happen', async () => {
    const posts: unknown[] = []
    nock(BASE)
      .post(`${PREFIX}${PP}/branches`)
      .replyWithError(Object.assign(new Error('connect reset'), { code: 'ECONNRESET' }))
    answer(
      'GET',
      `${PP}/branches`,
      200,
      { branches: [branch('br-other', `${name}-dump`)], annotations: {} },
      { query: q => q.search === name }
    )
    answer('POST', `${PP}/branches`, 201, { branch: created, endpoints: [], operations: [], roles: [], databases: [] }, { seen: posts })
    const r = await api().createBranch({ name, parentId: 'br-main-1', withCompute: false, annotations: {} })
    expect(r.branch.id).toBe('br-made-1')
    expect(posts).toEqual([{ branch: { parent_id: 'br-main-1', name }, endpoints: [], annotation_value: {} }])
  })

  it('a 500 to a POST is checked the same way before it is repeated', async () => {
    answer('POST', `${PP}/branches/br-main-1/snapshot`, 500, error('internal error'), { query: true })
    answer('GET', `${PP}/snapshots`, 200, { snapshots: [snapshotPayload({ id: 'snap-9', name, source_branch_id: 'br-main-1' })] })
    const s = await api().createSnapshot('br-main-1', { name })
    expect(s.id).toBe('snap-9')
    expect(nock.isDone()).toBe(true)
  })

  it('a POST with no way to check it is never repeated', async () => {
    let posts = 0
    nock(BASE)
      .post(`${PREFIX}${PP}/branches`)
      .reply(() => {
        posts++
        return [502, error('bad gateway')]
      })
    await expect(api().request('POST', `${PP}/branches`, { body: {} })).rejects.toThrow('answered 502')
    expect(posts).toBe(1)
  })

  it('a PATCH or DELETE is simply repeated (it means the same the second time)', async () => {
    nock(BASE)
      .delete(`${PREFIX}${PP}/branches/br-old`)
      .replyWithError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))
    answer('DELETE', `${PP}/branches/br-old`, 200, { branch: branch('br-old', 'shop-20261101T030000Z'), operations: [] })
    await api().deleteBranch('br-old')
    expect(nock.isDone()).toBe(true)
  })
})

describe('listing', () => {
  it('follows the cursor past the first pages of branches, with their annotations', async () => {
    const page = (from: number, n: number) => Array.from({ length: n }, (_, i) => branch(`br-b-${from + i}`, `b-${from + i}`))
    const cursors: (string | undefined)[] = []
    const track = (q: Record<string, string>) => (cursors.push(q.cursor), q.limit === '100')
    answer(
      'GET',
      `${PP}/branches`,
      200,
      {
        branches: page(0, 100),
        annotations: { 'br-b-3': annotationPayload('br-b-3', { k: 'v' }) },
        pagination: { next: 'c1', sort_by: 'created_at', sort_order: 'asc' }
      },
      { query: track }
    )
    answer('GET', `${PP}/branches`, 200, { branches: page(100, 100), annotations: {}, pagination: { next: 'c2' } }, { query: track })
    answer('GET', `${PP}/branches`, 200, { branches: page(200, 7), annotations: {}, pagination: { next: 'c3' } }, { query: track })
    const { branches, annotations } = await api().listBranches()
    expect(branches).toHaveLength(207)
    expect(cursors).toEqual([undefined, 'c1', 'c2'])
    expect(annotations['br-b-3']).toEqual({ k: 'v' })
  })

  it('stops when the API gives no next cursor', async () => {
    answer('GET', `${PP}/branches`, 200, { branches: Array.from({ length: 100 }, (_, i) => branch(`br-${i}`, `n${i}`)), annotations: {} })
    expect((await api().listBranches()).branches).toHaveLength(100)
  })

  it('the backups of a name are our annotated branches of that exact name pattern (set-aside ones failed), never the default, a protected or another one', async () => {
    const ours = { 'pg-backup-action': 'shop', 'pg-backup-action-verify': 'archive' }
    answer(
      'GET',
      `${PP}/branches`,
      200,
      {
        branches: [
          branch('br-main', 'main', { default: true }),
          branch('br-1', 'shop-20261120T030000Z'),
          branch('br-2', 'shop-20261121T030000Z'),
          branch('br-3', 'shop-20261122T030000Z', { protected: true }),
          branch('br-4', 'shop-20261123T030000Z'), // no annotation: not ours
          branch('br-5', 'shop-staging-20261123T030000Z'),
          branch('br-6', 'shop-20261124T030000Z-unverified'),
          branch('br-7', 'shop-20261125T030000Z'),
          branch('br-8', 'debug', { parent_id: 'br-2' }),
          branch('br-9', 'shop-20261126T030000Z', { default: true })
        ],
        annotations: Object.fromEntries(
          ['br-1', 'br-2', 'br-3', 'br-5', 'br-6', 'br-9']
            .map(id => [id, annotationPayload(id, id === 'br-5' ? { 'pg-backup-action': 'shop-staging' } : ours)])
            .concat([['br-7', annotationPayload('br-7', { 'pg-backup-action': 'shop', 'pg-backup-action-verify': 'none' })]])
        )
      },
      { query: q => q.search === undefined }
    )
    const backups = await listBackups(api(), 'branch', 'shop')
    expect(backups.map(b => [b.key, b.state, b.hasChildren])).toEqual([
      ['shop-20261125T030000Z', 'unverified', false],
      ['shop-20261124T030000Z-unverified', 'failed', false],
      ['shop-20261121T030000Z', 'verified', true],
      ['shop-20261120T030000Z', 'verified', false]
    ])
  })

  it('the snapshots of a name are those named exactly {name}-{stamp}, verified, or set aside as failed', async () => {
    answer('GET', `${PP}/snapshots`, 200, {
      snapshots: ['shop-20261120T030000Z', 'shop-20261121T030000Z-unverified', 'nightly', 'shop-2026', 'shop-20261122T030000Z'].map(
        (n, i) => snapshotPayload({ id: `snap-${i}`, name: n, source_branch_id: 'br-main' })
      )
    })
    expect((await listBackups(api(), 'snapshot', 'shop')).map(b => [b.key, b.state])).toEqual([
      ['shop-20261122T030000Z', 'verified'],
      ['shop-20261121T030000Z-unverified', 'failed'],
      ['shop-20261120T030000Z', 'verified']
    ])
  })
})

describe('requests as the spec has them', () => {
  it('a snapshot takes name, lsn and expires_at in the query string', async () => {
    const queries: Record<string, string>[] = []
    answer(
      'POST',
      `${PP}/branches/br-main/snapshot`,
      200,
      {
        snapshot: snapshotPayload({ id: 'snap-1', name: 'shop-20261201T030000Z', source_branch_id: 'br-main', lsn: '0/1DE2850' }),
        operations: []
      },
      {
        query: q => (queries.push(q as Record<string, string>), true)
      }
    )
    await api().createSnapshot('br-main', { name: 'shop-20261201T030000Z', lsn: '0/1DE2850', expiresAt: '2026-12-08T03:00:00Z' })
    expect(queries).toEqual([{ name: 'shop-20261201T030000Z', lsn: '0/1DE2850', expires_at: '2026-12-08T03:00:00Z' }])
    for (const k of Object.keys(queries[0])) expect(queryParameters('POST', `${PP}/branches/br-main/snapshot`)).toContain(k)
  })

  it('a branch restore keeps the old state under preserve_under_name; a snapshot restore is finalized with its name', async () => {
    const seen: unknown[] = []
    answer(
      'POST',
      `${PP}/branches/br-main/restore`,
      200,
      { branch: branch('br-main', 'main', { default: true }), operations: [] },
      { seen }
    )
    await api().restoreBranch('br-main', {
      sourceBranchId: 'br-main',
      sourceTimestamp: '2026-11-30T03:00:00Z',
      preserveUnderName: 'main-pre-restore-20261201T100000Z'
    })
    answer('POST', `${PP}/snapshots/snap-1/restore`, 200, { branch: branch('br-restored', 'main-restored'), operations: [] }, { seen })
    await api().restoreSnapshot('snap-1', { name: 'main-restored', targetBranchId: 'br-main' })
    answer('POST', `${PP}/branches/br-restored/finalize_restore`, 200, { operations: [] }, { seen })
    await api().finalizeRestore('br-restored', 'main-pre-restore-20261201T100000Z')
    expect(seen).toEqual([
      { source_branch_id: 'br-main', source_timestamp: '2026-11-30T03:00:00Z', preserve_under_name: 'main-pre-restore-20261201T100000Z' },
      { name: 'main-restored', target_branch_id: 'br-main', finalize_restore: false },
      { name: 'main-pre-restore-20261201T100000Z' }
    ])
  })

  it('deleting what is already gone counts as deleted', async () => {
    answer('DELETE', `${PP}/branches/br-gone`, 404, error('branch not found'))
    answer('DELETE', `${PP}/snapshots/snap-gone`, 404, error('snapshot not found'))
    await api().deleteBranch('br-gone')
    await api().deleteSnapshot('snap-gone')
    expect(nock.isDone()).toBe(true)
  })

  it('asks for the direct (unpooled) connection URI', async () => {
    answer(
      'GET',
      `${PP}/connection_uri`,
      200,
      { uri: 'postgresql://alex:pw@ep-x.us-east-2.aws.neon.tech/neondb?sslmode=require' },
      {
        query: { branch_id: 'br-main', endpoint_id: 'ep-x', database_name: 'neondb', role_name: 'alex', pooled: 'false' }
      }
    )
    expect(await api().connectionUri({ branchId: 'br-main', endpointId: 'ep-x', database: 'neondb', role: 'alex' })).toContain(
      'ep-x.us-east-2'
    )
  })
})

describe('pure rules', () => {
  it.each([
    [{ keepDays: 7 }, '2026-12-08T03:00:00Z'],
    [{ keepDays: 7, keepLast: 3 }, undefined],
    [{ keepDaily: 7 }, undefined],
    [{}, undefined]
  ])('snapshot expiry for %j is %s', (policy, expected) => {
    expect(snapshotExpiry(policy, new Date('2026-12-01T03:00:00.456Z'))).toBe(expected)
  })

  it.each([
    ['shop', 'shop-20261201T030000Z', true],
    ['shop', 'shop-20261201T030000Z-unverified', true], // set aside after a failed verification: ours, and failed
    ['shop', 'shop-20261201T030000Z-unverified-x', false],
    ['shop', 'shop-staging-20261201T030000Z', false],
    ['a.b', 'axb-20261201T030000Z', false],
    ['a.b', 'a.b-20261201T030000Z', true]
  ])('%s owns %s: %s', (name, candidate, expected) => {
    expect(backupNamePattern(name).test(candidate)).toBe(expected)
  })

  it.each([
    [422, '', 'snapshots limit exceeded for the plan', 'snapshot', /plan's limit.*1 manual snapshot on the Free plan/],
    [403, 'BRANCHES_LIMIT_EXCEEDED', 'too many branches', 'branch', /plan's limit.*lower keep-last/],
    [400, '', 'invalid lsn', 'snapshot', null],
    [429, '', 'rate limit exceeded', 'snapshot', null]
  ] as [number, string, string, 'branch' | 'snapshot', RegExp | null][])(
    'a %s %s "%s" on a new %s: %s',
    (status, code, message, kind, expected) => {
      const e = new NeonApiError('POST', '/x', status, code, message, undefined)
      const r = planLimit(e, kind)
      if (expected === null) expect(r).toBe(e)
      else {
        expect(r).toBeInstanceOf(ActionError)
        expect((r as ActionError).message).toMatch(expected)
      }
    }
  )
})
