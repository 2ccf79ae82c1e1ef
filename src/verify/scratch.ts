import * as fs from 'node:fs'
import type { Duplex, Readable, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import pg from 'pg'
import { ActionError, Titles, errorMessage, scrub } from '../runtime/errors.js'
import { Seal } from '../stages/pipeline.js'
import { spawnReader, spawnTool } from '../runtime/process.js'
import { libpqEnv } from '../postgres/connect.js'
import type { ManifestV1, Verification } from '../storage/manifest.js'
import type { CompressionAlgorithm, DecryptionSettings, ScratchSettings, SourceSettings } from '../config/settings.js'
import type { EncryptionInfo } from '../stages/encrypt.js'
import { withConnection, withDatabase, type DatabaseLocale } from '../postgres/session.js'
import type { PgClient } from '../stages/dump.js'
import type { Workspace } from '../runtime/workspace.js'

export interface TableComparison {
  table: string
  expected: number | null
  restored: number | null
  ok: boolean
}

export interface RestoreOptions {
  /** Overwrite: `--clean --if-exists`, in one transaction so a failure leaves the target as it was. */
  clean: boolean
  secrets: readonly string[]
  decryption: DecryptionSettings
}

/** Where `\restrict`-era psql and pg_restore need a client at least as new as the dump's. */
export function dumpMajor(m: ManifestV1): number {
  return Number(/\) (\d+)/.exec(m.dump.version)?.[1] ?? 0)
}

/**
 * Restores an archive stream into `target` with the standard clients:
 * custom → pg_restore from stdin, plain → psql, directory → tar, then
 * pg_restore. `--no-owner --no-acl` so missing roles never fail a restore on
 * managed servers. Returns the sha256 and size of the bytes read.
 */
export async function restoreArchive(stream: Readable, m: ManifestV1, client: PgClient, target: SourceSettings, work: Workspace, o: RestoreOptions): Promise<{ sha256: string; bytes: number }> {
  const env = libpqEnv(target, 'pg-backup-action restore')
  const seal = new Seal(async () => undefined)
  const stages: (Readable | Duplex | Writable)[] = [stream, seal]
  if (m.encryption) stages.push(await (await import('../stages/encrypt.js')).createDecryptor(m.encryption as EncryptionInfo, o.decryption))
  const common = ['--no-owner', '--no-acl', '--exit-on-error', '--single-transaction', ...(o.clean ? ['--clean', '--if-exists'] : []), `--dbname=${target.uri}`]
  let tool: string
  let args: string[]
  let dir: string | undefined
  if (m.dump.format === 'custom') [tool, args] = [client.pgRestore, common]
  else if (m.dump.format === 'plain') {
    if (o.clean) throw new ActionError(Titles.restoreRefused, 'A plain-format (SQL) backup restores only into an empty database; drop and recreate the target first, or restore a custom-format backup.')
    ;[tool, args] = [client.psql, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '--single-transaction', `--dbname=${target.uri}`, '-f', '-']]
  } else {
    dir = work.path(`restore-${Date.now()}`)
    fs.mkdirSync(dir, { mode: 0o700 })
    ;[tool, args] = ['tar', ['-x', '-C', dir]]
  }
  const reader = spawnReader(tool, args, env, m.compression.algorithm as CompressionAlgorithm)
  reader.tool.stdout.resume()
  stages.push(...reader.input)
  let readError: Error | undefined
  await pipeline(stages as [Readable, ...Writable[]]).catch((e: Error) => (readError = e))
  const failed = await reader.failure()
  try {
    if (readError) throw new ActionError(Titles.restore, `Reading the backup failed: ${readError.message}`)
    if (failed) throw new ActionError(Titles.restore, scrub(`${failed.name} failed (exit ${failed.code}): ${failed.stderr}`, o.secrets))
    if (dir) {
      const restore = spawnTool(client.pgRestore, [...common.filter(a => a !== '--single-transaction'), '--jobs=2', dir], env)
      restore.stdout.resume()
      const rr = await restore.exit
      if (rr.code !== 0) throw new ActionError(Titles.restore, scrub(`pg_restore failed (exit ${rr.code}): ${restore.stderr.toString()}`, o.secrets))
    }
  } finally {
    if (dir) fs.rmSync(dir, { recursive: true, force: true })
  }
  return { sha256: seal.digest, bytes: seal.bytes }
}

/** Exact counts of the manifest's tables in the restored database (tables the dump left out are skipped). */
export async function compareCounts(c: pg.Client, m: Pick<ManifestV1, 'tables'>): Promise<TableComparison[]> {
  const out: TableComparison[] = []
  for (const t of m.tables) {
    const table = `${t.schema}.${t.name}`
    if (t.rows === null) continue
    const exists = await c.query('SELECT to_regclass($1) IS NOT NULL AS ok', [`${c.escapeIdentifier(t.schema)}.${c.escapeIdentifier(t.name)}`])
    let restored: number | null = null
    if (exists.rows[0].ok) {
      const r = await c.query<{ n: string }>(`SELECT count(*)::text AS n FROM ONLY ${c.escapeIdentifier(t.schema)}.${c.escapeIdentifier(t.name)}`)
      restored = Number(r.rows[0].n)
    }
    out.push({ table, expected: t.rows, restored, ok: restored === t.rows })
  }
  return out
}

/** One line per table whose count differs from the expected one. */
export function countMismatches(tables: readonly TableComparison[]): string[] {
  return tables.filter(t => !t.ok).map(t => `${t.table}: expected ${t.expected} rows, restored ${t.restored === null ? 'no table' : t.restored}`)
}

/** `t`, `true` or a non-zero number (DESIGN.md §7). */
export function truthy(v: unknown): boolean {
  if (v === true) return true
  if (typeof v === 'number' || typeof v === 'bigint') return Number(v) !== 0
  if (typeof v === 'string') return v === 't' || v === 'true' || (/^-?\d+(\.\d+)?$/.test(v) && Number(v) !== 0)
  return false
}

/** Each query must return exactly one value, and a truthy one. Returns the problems, naming each failing query. */
export async function runVerifySql(c: pg.Client, queries: readonly string[]): Promise<string[]> {
  const problems: string[] = []
  for (const q of queries) {
    try {
      const r = await c.query({ text: q, rowMode: 'array' })
      const rows = r.rows as unknown[][]
      if (rows.length !== 1 || rows[0].length !== 1) problems.push(`verify-sql \`${q}\` returned ${rows.length} row(s) × ${rows[0]?.length ?? 0} column(s); expected one value`)
      else if (!truthy(rows[0][0])) problems.push(`verify-sql \`${q}\` returned ${JSON.stringify(rows[0][0])}, not true`)
    } catch (e) {
      problems.push(`verify-sql \`${q}\` failed: ${(e as Error).message}`)
    }
  }
  return problems
}

/**
 * CREATE DATABASE for a scratch copy that compares like with like (DESIGN.md
 * §8): the source's encoding, collation, ctype and locale provider, from
 * template0 (template1 may hold another encoding); manifests written before
 * the locale was recorded get the server's default. Throws when this server
 * version cannot make such a database.
 */
export function createLikeSql(db: string, l: Partial<DatabaseLocale>, serverVersionNum: number): string {
  const ident = pg.escapeIdentifier
  const lit = pg.escapeLiteral
  if (!l.encoding || !l.collation || !l.ctype) return `CREATE DATABASE ${ident(db)}`
  const sql = [`CREATE DATABASE ${ident(db)} TEMPLATE template0 ENCODING ${lit(l.encoding)} LC_COLLATE ${lit(l.collation)} LC_CTYPE ${lit(l.ctype)}`]
  const major = Math.floor(serverVersionNum / 10000)
  if (l.localeProvider === 'icu') {
    if (major < 15) throw new Error(`the source uses the ICU locale ${l.locale}, and PostgreSQL ${major} creates no ICU databases; use a scratch server of PostgreSQL 15 or newer`)
    sql.push(`LOCALE_PROVIDER icu ICU_LOCALE ${lit(l.locale ?? '')}`)
  } else if (l.localeProvider === 'builtin') {
    if (major < 17) throw new Error(`the source uses the builtin locale ${l.locale}, which needs a scratch server of PostgreSQL 17 or newer (this one is ${major})`)
    sql.push(`LOCALE_PROVIDER builtin BUILTIN_LOCALE ${lit(l.locale ?? '')}`)
  } else if (major >= 15) sql.push('LOCALE_PROVIDER libc')
  return sql.join(' ')
}

const EXTENSION_IMAGES: Record<string, string> = { postgis: 'postgis/postgis', vector: 'pgvector/pgvector', timescaledb: 'timescale/timescaledb' }

export interface ScratchResult {
  verification: Verification
  tables: TableComparison[]
  restoreSeconds: number
}

/**
 * Restores into a fresh database on the scratch server (never the source),
 * compares every table's exact row count with the manifest, runs
 * verify-sql, then drops the database whatever happened.
 */
export async function scratchRestore(
  open: () => Promise<Readable>,
  m: ManifestV1,
  scratch: ScratchSettings,
  client: PgClient,
  work: Workspace,
  secrets: readonly string[],
  decryption: DecryptionSettings
): Promise<ScratchResult> {
  const db = `pgba_verify_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`
  const target = withDatabase(scratch.server, db)
  const fail = (details: string[], tables: TableComparison[] = [], restoreSeconds = 0): ScratchResult => ({ verification: { level: 'restore', passed: false, details }, tables, restoreSeconds })
  const like = `encoding ${m.source.encoding}, collation ${m.source.collation}, ctype ${m.source.ctype}, ${m.source.localeProvider}${m.source.locale ? ` locale ${m.source.locale}` : ''}`
  const made = await withConnection(scratch.server, async c => {
    try {
      await c.query(createLikeSql(db, m.source, Number((await c.query('SHOW server_version_num')).rows[0].server_version_num)))
      return undefined
    } catch (e) {
      return `the scratch server cannot create a database like the source (${like}): ${errorMessage(e)}. Run the scratch server with that locale available (initdb --locale, or an image that has it), so the restore is compared like with like`
    }
  })
  if (made) return fail([made])
  try {
    const available = await withConnection(target, async c => new Set((await c.query<{ name: string }>('SELECT name FROM pg_available_extensions')).rows.map(r => r.name)))
    const missing = m.extensions.filter(e => !available.has(e.name)).map(e => e.name)
    if (missing.length) {
      const images = missing.map(n => EXTENSION_IMAGES[n]).filter(Boolean)
      return fail([`the scratch server lacks the extension${missing.length > 1 ? 's' : ''} ${missing.join(', ')} that the backup uses; run the scratch server from an image that has ${missing.length > 1 ? 'them' : 'it'}${images.length ? ` (e.g. services: image: ${images.join(', ')})` : ''}`])
    }
    const started = Date.now()
    const read = await restoreArchive(await open(), m, client, target, work, { clean: false, secrets, decryption })
    const restoreSeconds = (Date.now() - started) / 1000
    const details: string[] = []
    if (read.sha256 !== m.sha256) details.push(`sha256 of the stored backup is ${read.sha256}, the manifest says ${m.sha256}`)
    const { tables, sql } = await withConnection(target, async c => ({ tables: await compareCounts(c, m), sql: await runVerifySql(c, scratch.verifySql) }))
    details.push(...countMismatches(tables), ...sql)
    const passed = details.length === 0
    if (passed) details.push(`${tables.length} tables restored with exact row counts${scratch.verifySql.length ? `; ${scratch.verifySql.length} verify-sql quer${scratch.verifySql.length > 1 ? 'ies' : 'y'} passed` : ''}`)
    return { verification: { level: 'restore', passed, details }, tables, restoreSeconds }
  } catch (e) {
    if (e instanceof ActionError && e.title === Titles.restore) return fail([e.message])
    throw e
  } finally {
    await withConnection(scratch.server, async c => {
      const force = Number((await c.query('SHOW server_version_num')).rows[0].server_version_num) >= 130000 ? ' WITH (FORCE)' : ''
      await c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(db)}${force}`)
    }).catch(() => undefined)
  }
}
