import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import type { ChildProcess } from 'node:child_process'
import { freePort } from '../../scripts/lib/servers.mjs'
import { startS3Proxy, type ProxiedRequest, type ProxyHooks } from '../helpers/s3-proxy.js'
import { getObject, listKeys, runAction, startStack } from '../helpers/stack.js'

// DESIGN.md §3, §8: until its manifest is written, a failing or cancelled run removes what it
// stored; once a manifest is written, that copy stays. Each late-failure point with
// `destination: artifact,s3`, as a failure, as a cancel (SIGINT: main cleans up) and as a kill
// (SIGKILL: the post step cleans up), against s3rver behind a fault-injecting proxy and the
// real artifact client against its stand-in.
type Stack = Awaited<ReturnType<typeof startStack>>
type Run = Awaited<ReturnType<typeof runAction>>
let stack: Stack

beforeAll(async () => {
  stack = await startStack()
  stack.pg.psql('postgres', ['-c', 'CREATE DATABASE shop'])
  stack.pg.psql('shop', [
    '-c',
    'CREATE TABLE orders (id int PRIMARY KEY, note text); INSERT INTO orders SELECT g, md5(g::text) FROM generate_series(1, 2000) g'
  ])
}, 120000)

afterEach(() => {
  delete stack.artifacts.hooks.before
  delete stack.artifacts.hooks.after
})

afterAll(async () => {
  await stack?.stop()
})

const STAMP = '\\d{8}T\\d{6}Z'
const backupFile = (name: string) => new RegExp(`^${name}-${STAMP}\\.dump\\.zst$`)
const manifestFile = (name: string) => new RegExp(`^${name}-${STAMP}\\.dump\\.zst\\.manifest\\.json$`)
const isObjectPut = (name: string) => (q: ProxiedRequest) =>
  (q.method === 'PUT' && !q.query.has('partNumber') && new RegExp(`/${name}-${STAMP}\\.dump\\.zst$`).test(q.path)) ||
  (q.method === 'POST' && q.query.has('uploadId'))
const isManifestPut = (q: ProxiedRequest) => q.method === 'PUT' && q.path.endsWith('.manifest.json')
const twirp = (method: string, file: (name: string) => RegExp, name: string) => (m: string, body: { name?: string }) =>
  m === method && file(name).test(body.name ?? '')
const denied = [403, { code: 'permission_denied', msg: 'artifact storage quota has been hit (injected by the test)' }] as [number, unknown]
const pause = (ms: number) => new Promise(r => setTimeout(r, ms))

type Mode = 'failure' | 'cancel' | 'kill'
/** What is left once main and post have ended: nothing, the S3 copy only (its manifest was written), or both copies. */
type Left = 'nothing' | 's3 only' | 'both'

interface Point {
  point: string
  /** How the failure happens there, or where the cancel or kill lands. */
  s3?: (act: () => Promise<void>) => ProxyHooks
  artifact?: (act: () => Promise<void>) => typeof stack.artifacts.hooks
  fail?: { s3?: ProxyHooks; artifact?: typeof stack.artifacts.hooks; inputs?: () => Promise<Record<string, string>> }
  left: Record<Mode, Left>
}

const POINTS = (name: string): Point[] => [
  {
    point: 'after the S3 upload completed',
    fail: { artifact: { before: (m, b) => (twirp('CreateArtifact', backupFile, name)(m, b) ? denied : undefined) } },
    s3: act => ({ after: async q => (isObjectPut(name)(q) ? act() : undefined) }),
    left: { failure: 'nothing', cancel: 'nothing', kill: 'nothing' }
  },
  {
    point: 'during the artifact upload',
    fail: { artifact: { before: (m, b) => (twirp('FinalizeArtifact', backupFile, name)(m, b) ? denied : undefined) } },
    artifact: act => ({ before: async (m, b) => void (twirp('CreateArtifact', backupFile, name)(m, b) && (await act())) }),
    left: { failure: 'nothing', cancel: 'nothing', kill: 'nothing' }
  },
  {
    point: 'after the artifact upload',
    // verify: restore against a scratch server that is not there: nothing verified, nothing described.
    fail: {
      inputs: async () => ({ verify: 'restore', 'scratch-database-url': `postgres://postgres:x@127.0.0.1:${await freePort()}/postgres` })
    },
    artifact: act => ({ after: async (m, b) => void (twirp('FinalizeArtifact', backupFile, name)(m, b) && (await act())) }),
    left: { failure: 'nothing', cancel: 'nothing', kill: 'nothing' }
  },
  {
    point: 'on the S3 manifest PUT',
    fail: { s3: { before: q => (isManifestPut(q) ? { status: 403, code: 'AccessDenied' } : undefined) } },
    // A cancelled run finishes the manifests it started (both then stay); a killed one never sends this PUT on.
    s3: act => ({
      before: async q => (isManifestPut(q) ? (await act(), killed ? { status: 500, code: 'InternalError' } : undefined) : undefined)
    }),
    left: { failure: 'nothing', cancel: 'both', kill: 'nothing' }
  },
  {
    point: 'on the artifact manifest upload',
    fail: { artifact: { before: (m, b) => (twirp('CreateArtifact', manifestFile, name)(m, b) ? denied : undefined) } },
    artifact: act => ({ before: async (m, b) => void (twirp('CreateArtifact', manifestFile, name)(m, b) && (await act())) }),
    left: { failure: 's3 only', cancel: 'both', kill: 's3 only' }
  }
]

let killed = false

async function leftOf(name: string) {
  const keys = await listKeys(stack.s3, `pg-backups/${name}/`)
  const artifacts = [...stack.artifacts.artifacts.values()]
    .filter(a => a.finalized && a.name.startsWith(`${name}-`))
    .map(a => a.name as string)
  return { keys, artifacts }
}

async function run(name: string, p: Point, mode: Mode): Promise<Run> {
  let child: ChildProcess | undefined
  killed = false
  const act = async () => {
    if (mode === 'failure' || !child || child.exitCode !== null) return
    killed = mode === 'kill'
    child.kill(mode === 'kill' ? 'SIGKILL' : 'SIGINT')
    // Let the signal land before the answer it interrupts arrives.
    await pause(200)
  }
  const s3Hooks = mode === 'failure' ? p.fail?.s3 : p.s3?.(act)
  const artifactHooks = mode === 'failure' ? p.fail?.artifact : p.artifact?.(act)
  Object.assign(stack.artifacts.hooks, artifactHooks ?? {})
  const proxy = await startS3Proxy(stack.s3, s3Hooks ?? {})
  try {
    const extra = mode === 'failure' && p.fail?.inputs ? await p.fail.inputs() : {}
    return await runAction(
      {
        'database-url': stack.pg.url('shop'),
        name,
        destination: 'artifact,s3',
        's3-bucket': 'backups',
        's3-endpoint': proxy.endpoint,
        ...extra
      },
      { env: stack.env, onSpawn: c => (child = c) }
    )
  } finally {
    await proxy.stop()
  }
}

describe.each(['failure', 'cancel', 'kill'] as const)('a %s at a late point', mode => {
  it.each(POINTS('x').map((p, i) => [p.point, i] as const))('%s leaves a complete backup or nothing', async (_point, i) => {
    const name = `late-${mode}-${i}`
    const p = POINTS(name)[i]
    const r = await run(name, p, mode)
    expect(r.code).not.toBe(0)
    const left = await leftOf(name)
    const expected = p.left[mode]
    if (expected === 'nothing') expect(left).toEqual({ keys: [], artifacts: [] })
    else {
      expect(left.keys).toHaveLength(2)
      expect(left.keys[1]).toBe(`${left.keys[0]}.manifest.json`)
      // What stays is a good backup: its manifest says so.
      expect(JSON.parse((await getObject(stack.s3, left.keys[1])).toString())).toMatchObject({ state: 'verified' })
      expect(left.artifacts.sort()).toEqual(
        expected === 'both' ? [left.keys[0].split('/').pop(), left.keys[1].split('/').pop()].sort() : []
      )
    }
    if (mode === 'cancel') expect(r.annotations.find(a => a.level === 'error')?.message).toMatch(/the step was cancelled/)
    if (mode === 'failure') expect(r.annotations.find(a => a.level === 'error')).toMatchObject({ title: 'Backup failed' })
    // Every point comes after the S3 object was complete, so unless both copies stay something was removed, and whoever removed it said so.
    const removals = r.annotations.filter(a => a.level === 'warning' && a.title === 'Unfinished backup removed')
    if (mode === 'kill') {
      expect(r.code).toBeNull()
      expect(r.post?.code).toBe(0)
      expect(r.post?.stdout ?? '').toMatch(
        expected === 'both' ? /^(?![\s\S]*Removed)/ : /Removed .*: the step ended before its manifest was written/
      )
    } else expect(removals.length > 0).toBe(expected !== 'both')
  })
})

describe('saying so', () => {
  it('a failure after the S3 upload names the object it removed', async () => {
    const name = 'late-said'
    const r = await run(name, POINTS(name)[0], 'failure')
    expect(r.annotations).toContainEqual(
      expect.objectContaining({
        level: 'warning',
        title: 'Unfinished backup removed',
        message: expect.stringMatching(
          new RegExp(
            `^Removed s3://backups/pg-backups/${name}/${name}-${STAMP}\\.dump\\.zst: the run failed before its manifest was written`
          )
        )
      })
    )
    expect(r.annotations.find(a => a.level === 'error')?.message).toMatch(/quota/)
  })

  it('a kill after the artifact upload: the post step removes both copies and says so', async () => {
    const name = 'late-post-said'
    const r = await run(name, POINTS(name)[2], 'kill')
    expect(r.post?.stdout).toMatch(
      new RegExp(`Removed s3://backups/pg-backups/${name}/${name}-${STAMP}\\.dump\\.zst: the step ended before its manifest was written`)
    )
    expect(r.post?.stdout).toMatch(
      new RegExp(`Removed artifact ${name}-${STAMP}\\.dump\\.zst: the step ended before its manifest was written`)
    )
  })
})

describe('reports written after the manifest', () => {
  it('without GITHUB_STEP_SUMMARY (older GHES, a local runner) the backup succeeds with a warning', async () => {
    const r = await runAction(
      {
        'database-url': stack.pg.url('shop'),
        name: 'no-summary',
        destination: 's3',
        's3-bucket': 'backups',
        's3-endpoint': stack.s3.endpoint
      },
      { env: { ...stack.env, GITHUB_STEP_SUMMARY: undefined } }
    )
    expect(r.code).toBe(0)
    expect(r.annotations).toContainEqual(expect.objectContaining({ level: 'warning', title: 'Summary not written' }))
    expect(r.outputs['backup-key']).toMatch(/^pg-backups\/no-summary\//)
    expect(await listKeys(stack.s3, 'pg-backups/no-summary/')).toEqual([
      r.outputs['backup-key'],
      `${r.outputs['backup-key']}.manifest.json`
    ])
  })

  it('with an output file that is gone, the backup still succeeds and stays, with a warning', async () => {
    const r = await runAction(
      {
        'database-url': stack.pg.url('shop'),
        name: 'no-output',
        destination: 's3',
        's3-bucket': 'backups',
        's3-endpoint': stack.s3.endpoint
      },
      { env: { ...stack.env, GITHUB_OUTPUT: '/nonexistent/github-output' } }
    )
    expect(r.code).toBe(0)
    expect(r.annotations).toContainEqual(expect.objectContaining({ level: 'warning', title: 'Output not set' }))
    expect(await listKeys(stack.s3, 'pg-backups/no-output/')).toHaveLength(2)
  })
})
