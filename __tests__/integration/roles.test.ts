import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { startPostgres } from '../../scripts/lib/servers.mjs'
import { runAction, startStack, type Postgres } from '../helpers/stack.js'

// roles: true against a real PostgreSQL 15: the cluster's roles stored as their own backup beside the
// database's, read with the real zstd, and restored into another cluster that has some of them.
type Stack = Awaited<ReturnType<typeof startStack>>
type Run = Awaited<ReturnType<typeof runAction>>
let stack: Stack
let other: Postgres
let root: string
let run: Run
let rolesFile: string

const errors = (r: Run) => r.annotations.filter(a => a.level === 'error')
const roleNames = (p: Postgres) =>
  p.psql('postgres', ['-Atc', "SELECT string_agg(rolname, ',' ORDER BY rolname) FROM pg_roles WHERE rolname LIKE 'shop\\_%'"]).trim()

beforeAll(async () => {
  stack = await startStack()
  other = await startPostgres({ password: 'other' })
  stack.pg.psql('postgres', [
    '-c',
    "CREATE ROLE shop_app LOGIN PASSWORD 'app-secret-pw'",
    '-c',
    'CREATE ROLE shop_readers NOLOGIN',
    '-c',
    'GRANT shop_readers TO shop_app',
    '-c',
    'CREATE DATABASE shop'
  ])
  stack.pg.psql('shop', [
    '-c',
    'CREATE TABLE orders (id int PRIMARY KEY); INSERT INTO orders SELECT generate_series(1, 10); GRANT SELECT ON orders TO shop_readers'
  ])
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgba-roles-'))
  run = await runAction(
    { 'database-url': stack.pg.url('shop'), name: 'shop', roles: 'true', destination: 'file', 'file-path': root },
    { env: stack.env }
  )
  if (run.code !== 0) throw new Error(run.stdout)
  rolesFile = fs.readdirSync(path.join(root, 'shop-roles')).find(f => f.endsWith('.roles.sql.zst'))!
}, 120000)

afterAll(async () => {
  other?.stop()
  await stack?.stop()
  if (root) fs.rmSync(root, { recursive: true, force: true })
})

describe('roles: true', () => {
  it('stores the roles as their own verified backup {name}-roles beside the database’s, whose outputs the step keeps', () => {
    expect(errors(run)).toEqual([])
    expect(path.basename(run.outputs['backup-key'])).toMatch(/^shop-\d{8}T\d{6}Z\.dump\.zst$/)
    expect(rolesFile).toMatch(/^shop-roles-\d{8}T\d{6}Z\.roles\.sql\.zst$/)
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'shop-roles', `${rolesFile}.manifest.json`), 'utf8'))
    expect(manifest).toMatchObject({ name: 'shop-roles', state: 'verified', dump: { format: 'roles' }, tables: [] })
  })

  it('holds the roles and their memberships, never a password hash, readable with the standard zstd', () => {
    const sql = spawnSync('zstd', ['-dc', path.join(root, 'shop-roles', rolesFile)], { encoding: 'utf8' }).stdout
    expect(sql).toMatch(/^CREATE ROLE "shop_app";$/m)
    expect(sql).toMatch(/^GRANT "shop_readers" TO "shop_app"/m)
    expect(sql).not.toMatch(/SCRAM-SHA-256\$|PASSWORD '|md5[0-9a-f]{32}|app-secret-pw/)
    expect(sql).toMatch(/-- PostgreSQL database cluster dump complete/)
  })

  it('restores with dry-run by naming the roles it would create, changing nothing', async () => {
    const r = await runAction(
      {
        command: 'restore',
        name: 'shop-roles',
        destination: 'file',
        'file-path': root,
        'target-database-url': other.url('postgres'),
        'dry-run': 'true'
      },
      { env: stack.env }
    )
    expect(errors(r)).toEqual([])
    expect(r.annotations).toContainEqual(
      expect.objectContaining({ title: 'Restore dry run', message: expect.stringMatching(/would create: shop_app, shop_readers/) })
    )
    expect(roleNames(other)).toBe('')
  })

  it('creates only the roles the target lacks, with their memberships, without confirm', async () => {
    other.psql('postgres', ['-c', 'CREATE ROLE shop_readers NOLOGIN CONNECTION LIMIT 3'])
    const r = await runAction(
      { command: 'restore', name: 'shop-roles', destination: 'file', 'file-path': root, 'target-database-url': other.url('postgres') },
      { env: stack.env }
    )
    expect(errors(r)).toEqual([])
    expect(r.summary).toMatch(/done<br>roles created: shop_app; left as they were: postgres, shop_readers/)
    expect(roleNames(other)).toBe('shop_app,shop_readers')
    // The one that was there is as it was; the new one is a member, as on the source.
    expect(other.psql('postgres', ['-Atc', "SELECT rolconnlimit FROM pg_roles WHERE rolname = 'shop_readers'"]).trim()).toBe('3')
    expect(other.psql('postgres', ['-Atc', "SELECT pg_has_role('shop_app', 'shop_readers', 'MEMBER')"]).trim()).toBe('t')
  })
})
