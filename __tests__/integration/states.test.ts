import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { PutObjectCommand } from '@aws-sdk/client-s3'
import { createDatabase, listKeys, runAction, s3Client, startStack } from '../helpers/stack.js'

// Backup states (DESIGN.md §3, §8) as every command reads them: the bundled action against
// PostgreSQL and s3rver; which backup was restored is told by the rows that came back.
type Stack = Awaited<ReturnType<typeof startStack>>
let stack: Stack

beforeAll(async () => {
  stack = await startStack()
  stack.pg.psql('postgres', ['-c', 'CREATE DATABASE shop'])
  stack.pg.psql('shop', ['-c', 'CREATE TABLE orders (id int PRIMARY KEY); INSERT INTO orders SELECT generate_series(1, 100)'])
}, 120000)

afterAll(async () => {
  await stack?.stop()
})

type Run = Awaited<ReturnType<typeof runAction>>
const errors = (r: Run) => r.annotations.filter(a => a.level === 'error')
const warnings = (r: Run) => r.annotations.filter(a => a.level === 'warning')
const s3 = (prefix: string) => ({ destination: 's3', 's3-bucket': 'backups', 's3-endpoint': stack.s3.endpoint, 's3-prefix': prefix })
const backup = (prefix: string, extra: Record<string, string> = {}) =>
  runAction({ 'database-url': stack.pg.url('shop'), name: 'shop', ...s3(prefix), ...extra }, { env: stack.env })

async function putManifest(key: string, manifest: unknown) {
  await s3Client(stack.s3).send(new PutObjectCommand({ Bucket: 'backups', Key: `${key}.manifest.json`, Body: JSON.stringify(manifest) }))
}

describe('check measures the newest good backup', () => {
  it('a fresh failed backup does not make an old series fresh', async () => {
    const prefix = 'stale/'
    const good = await backup(prefix, { verify: 'none' })
    expect(good.code).toBe(0)
    // Two days ago, as the manifest says (retention, check and latest read manifests, never modification times).
    const m = JSON.parse(good.outputs.manifest)
    await putManifest(good.outputs['backup-key'], { ...m, createdAt: new Date(Date.now() - 2 * 86400_000).toISOString() })
    await new Promise(r => setTimeout(r, 1100))
    const failed = await backup(prefix, {
      verify: 'restore',
      'scratch-database-url': stack.pg.url('postgres'),
      'verify-sql': 'SELECT false'
    })
    expect(failed.code).toBe(1)

    const r = await runAction({ command: 'check', name: 'shop', ...s3(prefix), 'max-age': '26h' }, { env: stack.env })
    expect(r.code).toBe(1)
    expect(errors(r)).toEqual([
      expect.objectContaining({ title: 'Backup too old', message: expect.stringContaining(good.outputs['backup-key']) })
    ])
    expect(Number(r.outputs['newest-age-seconds'])).toBeGreaterThan(47 * 3600)
    expect(warnings(r)).toContainEqual(
      expect.objectContaining({ title: 'Failed backup', message: expect.stringContaining(failed.outputs['backup-key']) })
    )
  })

  it('only failed backups: Backup too old, no age, each failed one named', async () => {
    const prefix = 'only-failed/'
    const failed = await backup(prefix, {
      verify: 'restore',
      'scratch-database-url': stack.pg.url('postgres'),
      'verify-sql': 'SELECT false'
    })
    expect(failed.code).toBe(1)
    const r = await runAction({ command: 'check', name: 'shop', ...s3(prefix), 'max-age': '26h' }, { env: stack.env })
    expect(r.code).toBe(1)
    expect(errors(r)).toEqual([
      expect.objectContaining({ title: 'Backup too old', message: expect.stringMatching(/No good backup named 'shop'.*1 failed/) })
    ])
    expect(r.outputs['newest-age-seconds']).toBeUndefined()
    expect(warnings(r)).toContainEqual(expect.objectContaining({ message: expect.stringContaining(failed.outputs['backup-key']) }))
  })

  it('an error reading storage is Check failed, not a stale backup', async () => {
    const r = await runAction(
      {
        command: 'check',
        name: 'shop',
        destination: 's3',
        's3-bucket': 'no-such-bucket',
        's3-endpoint': stack.s3.endpoint,
        'max-age': '26h'
      },
      { env: stack.env }
    )
    expect(r.code).toBe(1)
    expect(errors(r)).toEqual([expect.objectContaining({ title: 'Check failed' })])
  })

  it('and list of a missing bucket is List failed', async () => {
    const r = await runAction(
      { command: 'list', destination: 's3', 's3-bucket': 'no-such-bucket', 's3-endpoint': stack.s3.endpoint },
      { env: stack.env }
    )
    expect(r.code).toBe(1)
    expect(errors(r)).toEqual([expect.objectContaining({ title: 'List failed' })])
  })
})

describe('references to a backup in another state', () => {
  it('latest-verified skips a newer unverified backup that latest takes', async () => {
    const prefix = 'mixed/'
    const verified = await backup(prefix)
    await new Promise(r => setTimeout(r, 1100))
    const unverified = await backup(prefix, { verify: 'none' })
    expect([verified.code, unverified.code]).toEqual([0, 0])
    for (const [ref, expected] of [
      ['latest', unverified],
      ['latest-verified', verified]
    ] as const) {
      const r = await runAction(
        { command: 'restore-test', name: 'shop', backup: ref, ...s3(prefix), 'scratch-database-url': stack.pg.url('postgres') },
        { env: stack.env }
      )
      expect(errors(r)).toEqual([])
      expect(r.outputs['backup-key']).toBe(expected.outputs['backup-key'])
    }
  })

  it('a manifest whose backup object is gone is missing: listed as such, never restored', async () => {
    const prefix = 'gone/'
    const r = await backup(prefix)
    await s3Client(stack.s3).send(
      new (await import('@aws-sdk/client-s3')).DeleteObjectCommand({ Bucket: 'backups', Key: r.outputs['backup-key'] })
    )
    const listed = await runAction({ command: 'list', name: 'shop', ...s3(prefix) }, { env: stack.env })
    expect(JSON.parse(listed.outputs.backups)).toEqual([expect.objectContaining({ key: r.outputs['backup-key'], state: 'missing' })])
    createDatabase(stack.pg, 'from_gone')
    const latest = await runAction(
      { command: 'restore', name: 'shop', ...s3(prefix), 'target-database-url': stack.pg.url('from_gone') },
      { env: stack.env }
    )
    expect(errors(latest)).toEqual([
      expect.objectContaining({ title: 'Restore failed', message: expect.stringMatching(/No good .*backup named 'shop'.*1 missing/) })
    ])
    const named = await runAction(
      { command: 'restore', backup: r.outputs['backup-key'], ...s3(prefix), 'target-database-url': stack.pg.url('from_gone') },
      { env: stack.env }
    )
    expect(errors(named)).toEqual([
      expect.objectContaining({ title: 'Restore failed', message: expect.stringMatching(/backup object is gone/) })
    ])
    // Retention removes the manifest left behind.
    const next = await backup(prefix, { 'keep-last': '5' })
    expect(JSON.parse(next.outputs.deleted)).toEqual([r.outputs['backup-key']])
    expect(await listKeys(stack.s3, prefix)).toEqual([next.outputs['backup-key'], `${next.outputs['backup-key']}.manifest.json`].sort())
  })
})

describe('one series per source', () => {
  it('a backup under a name that holds another database’s backups warns, naming the name and both sources', async () => {
    const prefix = 'series/'
    stack.pg.psql('postgres', ['-c', 'CREATE DATABASE billing'])
    const first = await backup(prefix, { name: 'prod' })
    expect(first.annotations.filter(a => a.title === 'Backup series mixes sources')).toEqual([])
    await new Promise(r => setTimeout(r, 1100))
    const same = await backup(prefix, { name: 'prod' })
    expect(same.annotations.filter(a => a.title === 'Backup series mixes sources')).toEqual([])

    await new Promise(r => setTimeout(r, 1100))
    const other = await runAction({ 'database-url': stack.pg.url('billing'), name: 'prod', ...s3(prefix) }, { env: stack.env })
    expect(other.code).toBe(0)
    const warned = other.annotations.filter(a => a.title === 'Backup series mixes sources')
    expect(warned).toHaveLength(1)
    expect(warned[0]).toMatchObject({ level: 'warning' })
    expect(warned[0].message).toContain("The name 'prod' already holds backups of 127.0.0.1:")
    expect(warned[0].message).toMatch(
      new RegExp(
        `backups of 127\\.0\\.0\\.1:${stack.pg.port}/shop \\(newest ${same.outputs['backup-key']}.*this one is of 127\\.0\\.0\\.1:${stack.pg.port}/billing`
      )
    )
  })
})
