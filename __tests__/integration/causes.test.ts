import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { startS3Proxy, type ProxiedRequest } from '../helpers/s3-proxy.js'
import { listKeys, runAction, startStack } from '../helpers/stack.js'

// The real cause, always (DESIGN.md §7, §8): each failure a user meets, made to happen against the
// real servers, and the message it ends in.
type Stack = Awaited<ReturnType<typeof startStack>>
type Run = Awaited<ReturnType<typeof runAction>>
let stack: Stack

beforeAll(async () => {
  stack = await startStack()
  // A role as Supabase's and RDS's: it owns the database and public, but not a schema the platform manages.
  stack.pg.psql('postgres', [
    '-c',
    `CREATE ROLE app LOGIN PASSWORD 'app-Secret#1'`,
    '-c',
    'CREATE DATABASE perm OWNER app',
    '-c',
    'CREATE DATABASE shop'
  ])
  stack.pg.psql('perm', ['-c', 'CREATE SCHEMA vault; CREATE TABLE vault.secrets (id int); INSERT INTO vault.secrets VALUES (1)'])
  stack.pg.psql('perm', [
    '-c',
    'SET ROLE app; CREATE TABLE public.orders (id int); INSERT INTO public.orders SELECT generate_series(1, 100)'
  ])
  stack.pg.psql('shop', ['-c', 'CREATE TABLE orders (id int PRIMARY KEY); INSERT INTO orders SELECT generate_series(1, 100)'])
}, 120000)

afterAll(async () => {
  await stack?.stop()
})

const error = (r: Run) => {
  const errors = r.annotations.filter(a => a.level === 'error')
  expect(errors).toHaveLength(1)
  return errors[0]
}
const s3 = (extra: Record<string, string> = {}) => ({
  destination: 's3',
  's3-bucket': 'backups',
  's3-endpoint': stack.s3.endpoint,
  ...extra
})
const asApp = (db = 'perm') => stack.pg.url(db, 'app', 'app-Secret#1')

describe('a role that cannot read one schema', () => {
  it('fails naming the schema and the way out, not the snapshot the permission error killed', async () => {
    const r = await runAction({ 'database-url': asApp(), name: 'perm', ...s3() }, { env: stack.env })
    expect(r.code).toBe(1)
    const e = error(r)
    expect(e.title).toBe('Backup failed')
    expect(e.message).toMatch(
      /^(Counting the rows of the source failed: )?permission denied for schema vault: the role cannot read it\. Grant it USAGE on the schema and SELECT on its tables, or leave the schema out with pg-dump-args: --exclude-schema=vault/
    )
    expect(e.message).not.toMatch(/could not import the requested snapshot/)
    expect(await listKeys(stack.s3, 'pg-backups/perm/')).toEqual([])
  })

  it.each([
    // Counted in the archive (the default): the schema left out is not in the backup at all.
    ['archive', [{ schema: 'public', name: 'orders', rows: 100 }]],
    // Counted in the source: the table is there, and the backup holds none of its rows.
    [
      'source',
      [
        { schema: 'public', name: 'orders', rows: 100 },
        { schema: 'vault', name: 'secrets', rows: null }
      ]
    ]
  ])('with the schema left out as the message says, the backup succeeds (row-counts: %s)', async (rowCounts, tables) => {
    const r = await runAction(
      { 'database-url': asApp(), name: `perm-${rowCounts}`, ...s3(), 'pg-dump-args': '--exclude-schema=vault', 'row-counts': rowCounts },
      { env: stack.env }
    )
    expect(r.annotations.filter(a => a.level === 'error')).toEqual([])
    expect(JSON.parse(r.outputs.manifest).tables).toEqual(tables)
  })

  it('when pg_dump itself meets it (a sequence the role cannot read), its error is explained the same way', async () => {
    stack.pg.psql('perm', ['-c', 'CREATE SEQUENCE public.invoice_no; REVOKE ALL ON SEQUENCE public.invoice_no FROM PUBLIC'])
    try {
      const r = await runAction(
        { 'database-url': asApp(), name: 'perm-seq', ...s3(), 'pg-dump-args': '--exclude-schema=vault' },
        { env: stack.env }
      )
      const e = error(r)
      expect(e.message).toMatch(
        /^permission denied for sequence invoice_no: the role cannot read it\. Grant it SELECT, or leave it out with pg-dump-args: --exclude-table=invoice_no\. \(pg_dump exited with code 1: /
      )
    } finally {
      stack.pg.psql('perm', ['-c', 'DROP SEQUENCE public.invoice_no'])
    }
  })
})

describe('a bucket that does not exist', () => {
  it.each([
    ['backup', 'Backup failed', () => ({ 'database-url': stack.pg.url('shop') })],
    ['list', 'List failed', () => ({ command: 'list' })],
    ['check', 'Check failed', () => ({ command: 'check', name: 'shop', 'max-age': '1d' })],
    ['restore-test', 'Restore failed', () => ({ command: 'restore-test', name: 'shop', 'scratch-database-url': stack.pg.url('postgres') })]
  ])('%s: %s, naming the bucket', async (_command, title, inputs) => {
    const r = await runAction({ ...inputs(), ...s3({ 's3-bucket': 'no-such-bucket' }) }, { env: stack.env })
    expect(error(r)).toMatchObject({
      title,
      message: expect.stringMatching(
        new RegExp(
          `the bucket 'no-such-bucket' does not exist at ${stack.s3.endpoint.replace(/\./g, '\\.')} \\(\\w+ on s3://no-such-bucket.*\\): create it, or check s3-bucket, s3-region and s3-endpoint\\.`
        )
      )
    })
  })
})

describe('S3 denying one operation names it, the permission it needs and the bucket', () => {
  const isObject = (q: ProxiedRequest) => /\/pg-backups\/denied\/denied-\d{8}T\d{6}Z\.dump\.zst$/.test(q.path)
  const cases: [string, (q: ProxiedRequest) => boolean, () => Record<string, string>, string, RegExp][] = [
    [
      'the key check (HEAD)',
      q => q.method === 'HEAD',
      () => ({ 'database-url': stack.pg.url('shop') }),
      'Backup failed',
      /S3 denied HeadObject on s3:\/\/backups\/pg-backups\/denied\/denied-\d{8}T\d{6}Z\.dump\.zst(\.manifest\.json)? \(403 AccessDenied\): the credentials need s3:GetObject \(and s3:ListBucket: without it a key that does not exist answers 403 too\) on arn:aws:s3:::backups\/\*/
    ],
    [
      'the upload',
      q => q.method === 'PUT' && isObject(q),
      () => ({ 'database-url': stack.pg.url('shop') }),
      'Backup failed',
      /S3 denied PutObject on s3:\/\/backups\/pg-backups\/denied\/denied-\d{8}T\d{6}Z\.dump\.zst \(403 AccessDenied\): the credentials need s3:PutObject on arn:aws:s3:::backups\/\*, and s3:AbortMultipartUpload/
    ],
    [
      'the manifest',
      q => q.method === 'PUT' && q.path.endsWith('.manifest.json'),
      () => ({ 'database-url': stack.pg.url('shop') }),
      'Backup failed',
      /S3 denied PutObject on s3:\/\/backups\/pg-backups\/denied\/denied-\d{8}T\d{6}Z\.dump\.zst\.manifest\.json \(403 AccessDenied\): the credentials need s3:PutObject/
    ],
    [
      'the listing',
      q => q.method === 'GET' && q.query.get('list-type') === '2',
      () => ({ command: 'list' }),
      'List failed',
      /S3 denied ListObjectsV2 on s3:\/\/backups\/pg-backups\/denied\/ \(403 AccessDenied\): the credentials need s3:ListBucket on arn:aws:s3:::backups\./
    ],
    [
      'the download',
      q => q.method === 'GET' && isObject(q),
      () => ({ command: 'restore-test', 'scratch-database-url': stack.pg.url('postgres') }),
      'Restore failed',
      /S3 denied GetObject on s3:\/\/backups\/pg-backups\/denied\/denied-\d{8}T\d{6}Z\.dump\.zst \(403 AccessDenied\): the credentials need s3:GetObject on arn:aws:s3:::backups\/\*/
    ],
    [
      'the deletion',
      q => q.method === 'POST' && q.query.has('delete'),
      () => ({ 'database-url': stack.pg.url('shop'), 'keep-last': '1' }),
      'Retention failed',
      /S3 denied DeleteObjects on s3:\/\/backups\/pg-backups\/denied\/denied-\d{8}T\d{6}Z\.dump\.zst \(403 AccessDenied\): the credentials need s3:DeleteObject on arn:aws:s3:::backups\/\*/
    ]
  ]

  beforeAll(async () => {
    // One good backup to list, download and prune.
    const r = await runAction({ 'database-url': stack.pg.url('shop'), name: 'denied', ...s3() }, { env: stack.env })
    expect(r.code).toBe(0)
    await new Promise(res => setTimeout(res, 1100))
  }, 60000)

  it.each(cases)('%s', async (_what, denied, inputs, title, message) => {
    const proxy = await startS3Proxy(stack.s3, { before: q => (denied(q) ? { status: 403, code: 'AccessDenied' } : undefined) })
    try {
      const r = await runAction({ name: 'denied', ...inputs(), ...s3({ 's3-endpoint': proxy.endpoint }) }, { env: stack.env })
      expect(error(r)).toMatchObject({ title, message: expect.stringMatching(message) })
    } finally {
      await proxy.stop()
    }
  })
})

describe('the runner', () => {
  it('a non-Linux runner gets one error naming the supported OS', async () => {
    const preload = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pgba-win-')), 'platform.cjs')
    // os first: it fixes its line ending from the platform it loads on, and the runner's file commands must stay Linux's.
    fs.writeFileSync(preload, "require('node:os')\nObject.defineProperty(process, 'platform', { value: 'win32' })\n")
    const r = await runAction(
      { 'database-url': stack.pg.url('shop'), ...s3() },
      { env: { ...stack.env, NODE_OPTIONS: `--require ${preload}` } }
    )
    expect(r.code).toBe(1)
    expect(error(r)).toMatchObject({
      title: 'Backup failed',
      message:
        'pg-backup-action runs on Linux runners (ubuntu-latest, ubuntu-24.04, or a self-hosted Linux runner); this runner is win32. Set runs-on to a Linux runner for this job.'
    })
  })

  it('a host that does not resolve is named, with what to do', async () => {
    const r = await runAction(
      { 'database-url': 'postgres://u:pass-word-1@db.does-not-exist.invalid:5432/shop', ...s3() },
      { env: stack.env }
    )
    expect(error(r).message).toMatch(
      /^Could not connect to db\.does-not-exist\.invalid:5432 \('database-url'\): the name db\.does-not-exist\.invalid (does not resolve \(DNS\)|could not be resolved right now)/
    )
  })

  it('a port where nothing listens says so', async () => {
    const r = await runAction({ 'database-url': 'postgres://u:pass-word-1@127.0.0.1:1/shop', ...s3() }, { env: stack.env })
    expect(error(r).message).toBe(
      "Could not connect to 127.0.0.1:1 ('database-url'): nothing accepts connections there (connection refused). Is the server running, and is the port right?"
    )
  })
})
