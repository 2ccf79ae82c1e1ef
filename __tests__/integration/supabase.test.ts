import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { startPostgres } from '../../scripts/lib/servers.mjs'
import { connect, runAction, startStack, tableDigests, type Postgres } from '../helpers/stack.js'
import {
  MANAGED_SCHEMAS_NOT_DUMPED,
  PLATFORM_MIGRATION_TABLES,
  PROJECT_ROLES,
  RESERVED_ROLES,
  SUPA_OWNER,
  loadSupabaseProject
} from '../helpers/supabase.js'

// format: supabase against Supabase-shaped databases in a real PostgreSQL 15, backed up and restored as a
// non-superuser owner like Supabase's postgres role; the parts read with the real zstd, tar and psql.
type Stack = Awaited<ReturnType<typeof startStack>>
type Run = Awaited<ReturnType<typeof runAction>>
let stack: Stack
let other: Postgres
let source: { url: string }
let root: string
let backup: Run
let parts: Record<string, string>

const errors = (r: Run) => r.annotations.filter(a => a.level === 'error')
const fileDestination = () => ({ destination: 'file', 'file-path': root })

/** Every row of the project's own schema and of the auth and storage tables the data part keeps. */
async function projectDigests(p: Postgres, db: string) {
  const all = await tableDigests(p, db)
  return Object.fromEntries(
    Object.entries(all).filter(([t]) => /^(public|auth|storage)\./.test(t) && !PLATFORM_MIGRATION_TABLES.includes(t as never))
  )
}

function sh(cmd: string, args: string[], input?: string) {
  const r = spawnSync(cmd, args, { input, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`)
  return r.stdout
}

beforeAll(async () => {
  stack = await startStack()
  // Another cluster for the restore: the project's own roles are not there yet (roles are cluster-wide).
  other = await startPostgres({ password: 'target' })
  source = await loadSupabaseProject(stack.pg, 'project')
  await loadSupabaseProject(stack.pg, 'scratch_project', { withProjectData: false })
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgba-supabase-'))
  backup = await runAction(
    {
      'database-url': source.url,
      provider: 'supabase',
      ...fileDestination(),
      verify: 'restore',
      'scratch-database-url': stack.pg.url('scratch_project')
    },
    { env: stack.env }
  )
  if (backup.code !== 0) throw new Error(backup.stdout)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgba-supabase-parts-'))
  sh('bash', ['-c', `zstd -dc '${backup.outputs['backup-key']}' | tar -x -C '${dir}'`])
  parts = Object.fromEntries(['roles.sql', 'schema.sql', 'data.sql'].map(f => [f, fs.readFileSync(path.join(dir, f), 'utf8')]))
  fs.rmSync(dir, { recursive: true, force: true })
}, 240000)

afterAll(async () => {
  other?.stop()
  await stack?.stop()
  if (root) fs.rmSync(root, { recursive: true, force: true })
})

describe('a Supabase project backed up as its non-superuser owner', () => {
  it('is one verified tar of roles.sql, schema.sql and data.sql, in that order', () => {
    expect(errors(backup)).toEqual([])
    expect(path.basename(backup.outputs['backup-key'])).toMatch(/^project-\d{8}T\d{6}Z\.supabase\.tar\.zst$/)
    const members = sh('bash', ['-c', `zstd -dc '${backup.outputs['backup-key']}' | tar -t`])
      .trim()
      .split('\n')
    expect(members).toEqual(['roles.sql', 'schema.sql', 'data.sql'])
    expect(JSON.parse(backup.outputs.manifest)).toMatchObject({
      state: 'verified',
      dump: { format: 'supabase' },
      source: { provider: 'supabase' }
    })
  })

  it('leaves the managed schemas out of schema.sql', () => {
    for (const schema of MANAGED_SCHEMAS_NOT_DUMPED) {
      expect(parts['schema.sql']).not.toMatch(new RegExp(`^CREATE (SCHEMA|TABLE|FUNCTION|VIEW)[^\\n]*"${schema}"\\.?`, 'm'))
    }
    expect(parts['schema.sql']).toMatch(/^CREATE TABLE (IF NOT EXISTS )?"public"\."todos"/m)
    expect(parts['schema.sql']).toMatch(/^CREATE POLICY /m)
  })

  it('comments out the reserved roles and keeps the project’s own, without a password hash', () => {
    for (const role of RESERVED_ROLES) expect(parts['roles.sql']).not.toMatch(new RegExp(`^(CREATE|ALTER) ROLE "${role}"`, 'm'))
    expect(parts['roles.sql']).toMatch(/^-- CREATE ROLE "anon";$/m)
    for (const role of PROJECT_ROLES) expect(parts['roles.sql']).toMatch(new RegExp(`^CREATE ROLE "${role}";$`, 'm'))
    // The role that dumps plays Supabase's postgres, which the platform keeps: reserved too.
    expect(parts['roles.sql']).toMatch(new RegExp(`^-- CREATE ROLE "${SUPA_OWNER}";$`, 'm'))
    expect(parts['roles.sql']).not.toMatch(/SCRAM-SHA-256\$|PASSWORD '|md5[0-9a-f]{32}/)
    expect(parts['roles.sql']).not.toMatch(/^(CREATE|ALTER) ROLE .*( NOSUPERUSER| NOREPLICATION| NOBYPASSRLS)/m)
  })

  it('keeps the auth and storage rows in data.sql and leaves the platform’s migration tables out', () => {
    expect(parts['data.sql'].startsWith('SET session_replication_role = replica;')).toBe(true)
    expect(parts['data.sql']).toMatch(/^COPY "auth"\."users" /m)
    expect(parts['data.sql']).toMatch(/^COPY "storage"\."objects" /m)
    for (const t of PLATFORM_MIGRATION_TABLES) {
      const [schema, name] = t.split('.')
      expect(parts['data.sql']).not.toMatch(new RegExp(`^COPY "${schema}"\\."${name}" `, 'm'))
    }
    expect(parts['data.sql']).not.toMatch(/^COPY "vault"\./m)
  })

  it('comments out pg_dump’s \\restrict lines in every part, so any psql reads them', () => {
    for (const text of Object.values(parts)) {
      expect(text).not.toMatch(/^\\(un)?restrict /m)
      expect(text).toMatch(/^-- \\restrict /m)
    }
  })

  it('counts what it stores: user and auth/storage tables, never the managed schemas it leaves out', async () => {
    const tables = JSON.parse(backup.outputs.manifest).tables as { schema: string; name: string; rows: number | null }[]
    const rows = Object.fromEntries(tables.map(t => [`${t.schema}.${t.name}`, t.rows]))
    const source = await tableDigests(stack.pg, 'project')
    expect(rows['public.todos']).toBe(source['public.todos'].rows)
    expect(rows['auth.users']).toBe(source['auth.users'].rows)
    // Counted in the stored parts (row-counts: archive, the default): the migration tables are in neither, so not listed.
    expect(JSON.parse(backup.outputs.manifest).rowCounts).toBe('archive')
    for (const t of PLATFORM_MIGRATION_TABLES) expect(Object.keys(rows)).not.toContain(t)
    expect(tables.filter(t => ['vault', 'realtime', 'extensions', 'graphql'].includes(t.schema))).toEqual([])
  })

  it('counts the same rows as count(*) in the snapshot (row-counts: source), which lists the left-out migration tables as null', async () => {
    const counted = await runAction(
      { 'database-url': source.url, provider: 'supabase', ...fileDestination(), name: 'project-source-counts', 'row-counts': 'source' },
      { env: stack.env }
    )
    expect(errors(counted)).toEqual([])
    type Row = { schema: string; name: string; rows: number | null }
    const bySource = JSON.parse(counted.outputs.manifest).tables as Row[]
    const byArchive = JSON.parse(backup.outputs.manifest).tables as Row[]
    const key = (t: Row) => `${t.schema}.${t.name}`
    for (const t of PLATFORM_MIGRATION_TABLES) expect(bySource.find(x => key(x) === t)?.rows).toBeNull()
    // Every table the backup holds rows of, counted both ways.
    expect(byArchive.length).toBeGreaterThan(3)
    expect(Object.fromEntries(byArchive.map(t => [key(t), t.rows]))).toEqual(
      Object.fromEntries(bySource.filter(t => t.rows !== null || byArchive.some(a => key(a) === key(t))).map(t => [key(t), t.rows]))
    )
  })

  it('restores by hand with psql: roles, then schema and data in one transaction', async () => {
    // A cluster of its own, as a new project is: roles.sql creates the project's roles there.
    const fresh = await startPostgres({ password: 'by-hand' })
    const db = 'by_hand'
    await loadSupabaseProject(fresh, db, { withProjectData: false })
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgba-supabase-hand-'))
    sh('bash', ['-c', `zstd -dc '${backup.outputs['backup-key']}' | tar -x -C '${dir}'`])
    const psql = path.join(fresh.bin, 'psql')
    const conn = ['-h', fresh.socketDir, '-p', String(fresh.port), '-U', 'postgres', '-X', '-q', '-v', 'ON_ERROR_STOP=1']
    sh(psql, [...conn, '-d', db, '-f', path.join(dir, 'roles.sql')])
    sh(psql, [...conn, '-d', db, '--single-transaction', '-f', path.join(dir, 'schema.sql'), '-f', path.join(dir, 'data.sql')])
    fs.rmSync(dir, { recursive: true, force: true })
    try {
      expect(await projectDigests(fresh, db)).toEqual(await projectDigests(stack.pg, 'project'))
    } finally {
      fresh.stop()
    }
  })
})

describe('command: restore into a Supabase project', () => {
  let restored: Run
  beforeAll(async () => {
    const target = await loadSupabaseProject(other, 'new_project', { withProjectData: false })
    // One of the project's roles is already on the target's cluster: it must be left as it is.
    other.psql('postgres', ['-c', `CREATE ROLE ${PROJECT_ROLES[0]} NOLOGIN`])
    restored = await runAction(
      { command: 'restore', name: 'project', ...fileDestination(), 'target-database-url': target.url },
      { env: stack.env }
    )
  }, 120000)

  it('restores row for row as the project’s owner, with the manifest’s counts', async () => {
    expect(errors(restored)).toEqual([])
    expect(restored.outputs.verified).toBe('true')
    expect(await projectDigests(other, 'new_project')).toEqual(await projectDigests(stack.pg, 'project'))
  })

  it('creates the roles the target lacks and names those it left as they were', () => {
    expect(restored.summary).toMatch(new RegExp(`roles created: ${PROJECT_ROLES[1]}; left as they were: ${PROJECT_ROLES[0]}`))
    const have = other.psql('postgres', [
      '-Atc',
      `SELECT string_agg(rolname, ',' ORDER BY rolname) FROM pg_roles WHERE rolname LIKE 'app\\_%'`
    ])
    expect(have.trim()).toBe([...PROJECT_ROLES].sort().join(','))
  })

  it('refuses a target without schema auth: it is not a Supabase project', async () => {
    other.psql('postgres', ['-c', 'CREATE DATABASE plain_db'])
    const r = await runAction(
      { command: 'restore', name: 'project', ...fileDestination(), 'target-database-url': other.url('plain_db') },
      { env: stack.env }
    )
    expect(errors(r)).toEqual([
      expect.objectContaining({
        title: 'Restore refused',
        message: expect.stringMatching(/has no schema auth: it is not a Supabase project/)
      })
    ])
    expect(other.psql('plain_db', ['-Atc', "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"]).trim()).toBe('0')
  })
})

describe('Supabase connections', () => {
  it('refuses the transaction pooler before anything is stored, naming the session pooler', async () => {
    const pooler = 'postgres://postgres.abcdefghijkl:pw@aws-0-eu-central-1.pooler.supabase.com:6543/postgres'
    const r = await runAction({ 'database-url': pooler, ...fileDestination(), name: 'pooled' }, { env: stack.env })
    expect(errors(r)).toEqual([
      expect.objectContaining({
        title: 'Invalid input',
        message: expect.stringMatching(/port 6543, Supabase's transaction pooler.*same host on port 5432, user postgres\.abcdefghijkl\./)
      })
    ])
    expect(fs.existsSync(path.join(root, 'pooled'))).toBe(false)
  })
})

describe('command: restore over a Supabase project that has its own tables', () => {
  let over: Run
  beforeAll(async () => {
    // The project has moved on since the backup: a row more, a table the backup does not know.
    stack.pg.psql('project', ['-c', "INSERT INTO auth.users (id, email) VALUES (gen_random_uuid(), 'late@example.com')"])
    stack.pg.psql('project', [
      '-c',
      `SET ROLE ${SUPA_OWNER}; CREATE TABLE public.after_backup (id int); INSERT INTO public.after_backup VALUES (1)`
    ])
    over = await runAction(
      { command: 'restore', name: 'project', ...fileDestination(), 'target-database-url': source.url, confirm: 'project' },
      { env: stack.env }
    )
  }, 120000)

  it('puts the project back as the backup has it, in one transaction after a safety backup in the same format', async () => {
    expect(errors(over)).toEqual([])
    expect(over.outputs.verified).toBe('true')
    const after = await tableDigests(stack.pg, 'project')
    expect(after['public.after_backup']).toBeUndefined()
    const tables = JSON.parse(over.outputs.manifest).tables as { schema: string; name: string; rows: number | null }[]
    for (const t of tables)
      if (t.rows !== null)
        expect({ t: `${t.schema}.${t.name}`, rows: after[`${t.schema}.${t.name}`]?.rows }).toEqual({
          t: `${t.schema}.${t.name}`,
          rows: t.rows
        })
    const safety = fs.readdirSync(path.join(root, 'project-pre-restore'))
    expect(safety.filter(f => /\.supabase\.tar\.zst$/.test(f))).toHaveLength(1)
  })

  it('without confirm changes nothing', async () => {
    stack.pg.psql('project', ['-c', `SET ROLE ${SUPA_OWNER}; CREATE TABLE public.kept (id int)`])
    const r = await runAction(
      { command: 'restore', name: 'project', ...fileDestination(), 'target-database-url': source.url },
      { env: stack.env }
    )
    expect(errors(r)).toEqual([
      expect.objectContaining({ title: 'Restore refused', message: expect.stringMatching(/set 'confirm: project'/) })
    ])
    expect((await tableDigests(stack.pg, 'project'))['public.kept']).toBeDefined()
  })
})

describe('verify: restore when the Supabase-shaped template is busy', () => {
  it('restores into the scratch database itself, which is throwaway, and still verifies', async () => {
    await loadSupabaseProject(stack.pg, 'busy_scratch', { withProjectData: false })
    // Another session on the template (the supabase/postgres image's background workers do this): CREATE DATABASE … TEMPLATE fails.
    const holder = await connect(stack.pg, 'busy_scratch')
    try {
      const r = await runAction(
        {
          'database-url': source.url,
          provider: 'supabase',
          ...fileDestination(),
          name: 'busy',
          verify: 'restore',
          'scratch-database-url': stack.pg.url('busy_scratch')
        },
        { env: stack.env }
      )
      expect(errors(r)).toEqual([])
      expect(JSON.parse(r.outputs.manifest).state).toBe('verified')
    } finally {
      await holder.end()
    }
    expect((await tableDigests(stack.pg, 'busy_scratch'))['public.todos']?.rows).toBeGreaterThan(0)
  })
})
