import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { createDatabase, restoreWithTools, runAction, startStack, tableDigests } from '../helpers/stack.js'

// databases: several databases of one real PostgreSQL 15 server in one run, with roles: true; each
// stored backup restored with the standard tools and compared row for row with its source.
type Stack = Awaited<ReturnType<typeof startStack>>
type Run = Awaited<ReturnType<typeof runAction>>
interface Listed {
  name: string
  database: string | null
  key: string | null
  sizeBytes: number | null
  sha256: string | null
  state: string | null
  error: string | null
}
let stack: Stack
let root: string
const errors = (r: Run) => r.annotations.filter(a => a.level === 'error')
const listed = (r: Run) => JSON.parse(r.outputs.backups) as Listed[]

beforeAll(async () => {
  stack = await startStack()
  const sql: Record<string, string> = {
    shop: 'CREATE TABLE orders (id int PRIMARY KEY, note text); INSERT INTO orders SELECT g, md5(g::text) FROM generate_series(1, 500) g',
    crm: 'CREATE TABLE contacts (id int PRIMARY KEY); INSERT INTO contacts SELECT generate_series(1, 40)',
    wiki: 'CREATE TABLE pages (id int PRIMARY KEY, body text); INSERT INTO pages VALUES (1, $$é$$)'
  }
  for (const [db, q] of Object.entries(sql)) {
    createDatabase(stack.pg, db)
    stack.pg.psql(db, ['-c', q])
  }
  stack.pg.psql('postgres', ['-c', 'CREATE ROLE crm_app LOGIN'])
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgba-databases-'))
}, 120000)

afterAll(async () => {
  await stack?.stop()
  if (root) fs.rmSync(root, { recursive: true, force: true })
})

const run = (inputs: Record<string, string>) =>
  runAction({ 'database-url': stack.pg.url('postgres'), destination: 'file', 'file-path': root, ...inputs }, { env: stack.env })

describe('databases: shop, crm, wiki with roles: true', () => {
  let r: Run
  beforeAll(async () => void (r = await run({ databases: 'shop, crm\nwiki', name: 'acme', roles: 'true' })), 120000)

  it('stores one backup per database under {name}-{db}, and the roles once, listed in backups', () => {
    expect(errors(r)).toEqual([])
    expect(listed(r).map(b => [b.name, b.database, b.state, b.error])).toEqual([
      ['acme-roles', null, 'verified', null],
      ['acme-shop', 'shop', 'verified', null],
      ['acme-crm', 'crm', 'verified', null],
      ['acme-wiki', 'wiki', 'verified', null]
    ])
    expect([r.outputs['backup-key'], r.outputs.sha256, r.outputs['size-bytes']]).toEqual(['', '', ''])
    expect(r.summary).toMatch(/Databases \(4 of 4 stored\)/)
  })

  it('each restores with pg_restore to its source, row for row, and has its own manifest', async () => {
    for (const b of listed(r).filter(x => x.database)) {
      const bytes = fs.readFileSync(b.key!)
      await restoreWithTools(stack.pg, bytes, path.basename(b.key!), `${b.database}_copy`)
      expect(await tableDigests(stack.pg, `${b.database}_copy`)).toEqual(await tableDigests(stack.pg, b.database!))
      expect(JSON.parse(fs.readFileSync(`${b.key}.manifest.json`, 'utf8'))).toMatchObject({
        name: b.name,
        source: { database: b.database }
      })
    }
  })

  it('one failing database fails the run after the others were stored', async () => {
    const f = await run({ databases: 'shop,missing_db,wiki', name: 'partial' })
    expect(f.code).toBe(1)
    expect(listed(f).map(b => [b.name, b.state !== null, b.error !== null])).toEqual([
      ['partial-shop', true, false],
      ['partial-missing_db', false, true],
      ['partial-wiki', true, false]
    ])
    expect(errors(f).at(-1)).toMatchObject({
      title: 'Backup failed',
      message: expect.stringMatching(/^1 of 3 backups failed \(the others were stored\): missing_db: /)
    })
    expect(fs.existsSync(path.join(root, 'partial-missing_db'))).toBe(false)
  })
})

describe('databases whose verification fails', () => {
  it('are listed where they are kept, in the failed state, and fail the run', async () => {
    const r = await run({
      databases: 'shop,crm',
      name: 'checked',
      verify: 'restore',
      'scratch-database-url': stack.pg.url('postgres'),
      'verify-sql': 'SELECT count(*) > 100 FROM orders'
    })
    expect(r.code).toBe(1)
    const [shop, crm] = listed(r)
    expect(shop).toMatchObject({ name: 'checked-shop', state: 'verified', error: null })
    expect(crm).toMatchObject({ name: 'checked-crm', state: 'failed', error: expect.stringMatching(/verify-sql/) })
    expect(fs.existsSync(crm.key!)).toBe(true)
    expect(JSON.parse(fs.readFileSync(`${crm.key}.manifest.json`, 'utf8')).state).toBe('failed')
  })
})

describe('databases: all', () => {
  it('takes every database that allows connections, never a template or a provider’s maintenance database', async () => {
    stack.pg.psql('postgres', [
      '-c',
      'CREATE DATABASE rdsadmin',
      '-c',
      'CREATE DATABASE tpl IS_TEMPLATE true',
      '-c',
      'CREATE DATABASE closed ALLOW_CONNECTIONS false'
    ])
    const r = await run({ databases: 'all' })
    expect(errors(r)).toEqual([])
    const dbs = listed(r).map(b => b.database)
    expect(dbs).toEqual(expect.arrayContaining(['crm', 'postgres', 'shop', 'wiki']))
    for (const never of ['rdsadmin', 'tpl', 'closed', 'template0', 'template1']) expect(dbs).not.toContain(never)
    expect(listed(r).every(b => b.name === b.database && b.state === 'verified')).toBe(true)
  })
})
