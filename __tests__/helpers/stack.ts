import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import pg from 'pg'
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3'
import { startArtifactService, startPostgres, startS3 } from '../../scripts/lib/servers.mjs'
export { pathWithout } from '../../scripts/lib/servers.mjs'

export { runAction } from '../../scripts/lib/action.mjs'
export type Postgres = Awaited<ReturnType<typeof startPostgres>>
export type S3 = Awaited<ReturnType<typeof startS3>>
export type Artifacts = Awaited<ReturnType<typeof startArtifactService>>

/** Chinook and Pagila, carried in the repository with their licenses: a clone has nothing beside it. */
export const FIXTURES = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../fixtures')

/** A password that needs percent-encoding and quoting everywhere it could leak. */
export const NASTY_PASSWORD = `p@ss:w/rd %é&?#'"$x`

export async function startStack(password = NASTY_PASSWORD) {
  const [postgres, s3, artifacts] = await Promise.all([
    startPostgres({ password }),
    startS3({ buckets: ['backups'] }),
    startArtifactService()
  ])
  return {
    pg: postgres,
    s3,
    artifacts,
    env: { ...s3.env, ...artifacts.env },
    async stop() {
      postgres.stop()
      await Promise.all([s3.stop(), artifacts.stop()])
    }
  }
}

export function loadChinook(p: Postgres): void {
  // The script drops and creates database chinook and connects to it itself.
  p.psql('postgres', ['-f', path.join(FIXTURES, 'chinook-postgresql.sql')])
}

export function s3Client(s3: S3): S3Client {
  return new S3Client({
    endpoint: s3.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }
  })
}

export async function getObject(s3: S3, key: string, bucket = 'backups'): Promise<Buffer> {
  const r = await s3Client(s3).send(new GetObjectCommand({ Bucket: bucket, Key: key }))
  return Buffer.from(await r.Body!.transformToByteArray())
}

export async function headObject(s3: S3, key: string, bucket = 'backups') {
  try {
    return await s3Client(s3).send(new HeadObjectCommand({ Bucket: bucket, Key: key }))
  } catch {
    return undefined
  }
}

export async function listKeys(s3: S3, prefix = '', bucket = 'backups'): Promise<string[]> {
  const r = await s3Client(s3).send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }))
  return (r.Contents ?? []).map(o => o.Key!).sort()
}

export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex')

/** A superuser connection over the cluster's socket. */
export async function connect(p: Postgres, database: string): Promise<pg.Client> {
  const c = new pg.Client({ host: p.socketDir, port: p.port, user: 'postgres', database })
  await c.connect()
  return c
}

export interface TableDigest {
  rows: number
  md5: string
}

/** Every user table's row count and a digest of its rows in a stable order: equal digests mean equal contents. */
export async function tableDigests(p: Postgres, database: string): Promise<Record<string, TableDigest>> {
  const c = await connect(p, database)
  try {
    const tables = await c.query<{ s: string; t: string }>(
      `SELECT n.nspname s, c.relname t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog','information_schema') AND n.nspname NOT LIKE 'pg_toast%' ORDER BY 1, 2`
    )
    const out: Record<string, TableDigest> = {}
    for (const { s, t } of tables.rows) {
      const ident = `${c.escapeIdentifier(s)}.${c.escapeIdentifier(t)}`
      const r = await c.query<{ n: string; md5: string }>(
        `SELECT count(*)::text n, md5(coalesce(string_agg(x::text, E'\\n' ORDER BY x::text), '')) md5 FROM ONLY ${ident} x`
      )
      out[`${s}.${t}`] = { rows: Number(r.rows[0].n), md5: r.rows[0].md5 }
    }
    return out
  } finally {
    await c.end()
  }
}

export function createDatabase(p: Postgres, name: string): void {
  p.psql('postgres', ['-c', `DROP DATABASE IF EXISTS "${name}"`, '-c', `CREATE DATABASE "${name}"`])
}

function sh(script: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; out: string }> {
  return new Promise(resolve => {
    const child = spawn('bash', ['-c', `set -euo pipefail\n${script}`], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let out = ''
    child.stdout.on('data', d => (out += d))
    child.stderr.on('data', d => (out += d))
    child.on('close', code => resolve({ code, out }))
  })
}

/**
 * Restores stored bytes with the standard tools only — zstd/gzip CLIs, tar,
 * pg_restore, psql — into a fresh database, as a user would.
 */
export async function restoreWithTools(p: Postgres, bytes: Buffer, fileName: string, database: string): Promise<void> {
  createDatabase(p, database)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgba-restore-'))
  const file = path.join(dir, fileName)
  fs.writeFileSync(file, bytes)
  const decompress = fileName.endsWith('.zst') ? 'zstd -dc' : fileName.endsWith('.gz') ? 'gzip -dc' : 'cat'
  const conn = `-h '${p.socketDir}' -p ${p.port} -U postgres -d '${database}'`
  const bin = p.bin
  let script: string
  if (/\.dump(\.|$)/.test(fileName)) script = `${decompress} < '${file}' | '${bin}/pg_restore' --no-owner --exit-on-error ${conn}`
  else if (/\.sql(\.|$)/.test(fileName)) script = `${decompress} < '${file}' | '${bin}/psql' -X -q -v ON_ERROR_STOP=1 ${conn} > /dev/null`
  else
    script = `mkdir '${dir}/d' && ${decompress} < '${file}' | tar -x -C '${dir}/d' && '${bin}/pg_restore' --no-owner --exit-on-error -j 2 ${conn} '${dir}/d'`
  const r = await sh(script)
  fs.rmSync(dir, { recursive: true, force: true })
  if (r.code !== 0) throw new Error(`restore of ${fileName} failed: ${r.out}`)
}

/** pids of pg_dump processes whose parent is `parent`, with their argv (dumping ones: not `pg_dump --version`). */
export function childPgDumps(parent: number): { pid: number; argv: string[] }[] {
  const out: { pid: number; argv: string[] }[] = []
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      const argv = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').filter(Boolean)
      if (ppid === parent && argv[0]?.endsWith('pg_dump') && argv.some(a => a.startsWith('--dbname='))) out.push({ pid: Number(d), argv })
    } catch {
      // the process ended while we looked
    }
  }
  return out
}

export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 30000): Promise<T> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const v = await probe()
    if (v !== undefined && v !== false) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise(r => setTimeout(r, 20))
  }
}

/**
 * The Pagila schema, adapted to the server here: the fixture was dumped from
 * PostgreSQL 18 with pgvector (uuidv7(), VIRTUAL generated columns, a vector
 * table), and this machine has PostgreSQL 15 without pgvector. So the vector
 * extension and its one table are left out, uuidv7() becomes
 * gen_random_uuid() and VIRTUAL becomes STORED; domains (one with a
 * non-ASCII name), enums, triggers, partitions and full-text stay as they are.
 * Then rows from __tests__/fixtures/pagila-rows.sql.
 */
export function loadPagila(p: Postgres, database = 'pagila'): void {
  const sql = fs.readFileSync(path.join(FIXTURES, 'pagila-schema.sql'), 'utf8')
  const blocks = sql.split(/(?=^--\n-- Name: )/m)
  const kept = blocks.filter(b => !b.includes('film_embedding') && !/EXTENSION vector|Name: vector;/.test(b))
  const adapted = kept.join('').replaceAll('uuidv7()', 'gen_random_uuid()').replaceAll(') VIRTUAL', ') STORED')
  createDatabase(p, database)
  p.psql(database, ['-f', '-'], adapted)
  p.psql(database, ['-f', path.join(FIXTURES, 'pagila-rows.sql')])
}
