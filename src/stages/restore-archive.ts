import * as fs from 'node:fs'
import * as path from 'node:path'
import type { Duplex, Readable, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { ActionError, Titles, scrub } from '../runtime/errors.js'
import { Seal } from './pipeline.js'
import { tocDirectory } from './toc.js'
import { spawnTool } from '../runtime/process.js'
import { spawnReader } from './read-back.js'
import { libpqEnv } from '../postgres/connect.js'
import type { ManifestV1 } from '../storage/manifest.js'
import type { CompressionAlgorithm, DecryptionSettings, SourceSettings } from '../config/settings.js'
import type { EncryptionInfo } from './encrypt.js'
import type { PgClient } from '../postgres/client.js'
import type { Workspace } from '../runtime/workspace.js'
import { withConnection } from '../postgres/session.js'
import { createMissingRoles, type RolesRestored } from '../providers/roles.js'
import { PRESETS } from '../config/presets.js'
import { matchesAny } from '../postgres/pg-dump-args.js'

export interface RestoreOptions {
  /** Overwrite: `--clean --if-exists`, in one transaction so a failure leaves the target as it was. */
  clean: boolean
  secrets: readonly string[]
  decryption: DecryptionSettings
  /** supabase format: told which roles the restore created and which it left as they were. */
  onRoles?: (r: RolesRestored) => void
}

/**
 * Restores an archive stream into `target` with the standard clients:
 * custom → pg_restore from stdin, plain → psql, directory → tar, then
 * pg_restore of the directory that holds toc.dat (a Render export wraps it
 * in one or two). `--no-owner --no-acl` so missing roles never fail a
 * restore on managed servers. Returns the sha256 and size of the bytes read.
 */
export async function restoreArchive(
  stream: Readable,
  m: ManifestV1,
  client: PgClient,
  target: SourceSettings,
  work: Workspace,
  o: RestoreOptions
): Promise<{ sha256: string; bytes: number }> {
  const env = libpqEnv(target, 'pg-backup-action restore')
  const seal = new Seal(async () => undefined)
  const stages: (Readable | Duplex | Writable)[] = [stream, seal]
  if (m.encryption) stages.push(await (await import('./encrypt.js')).createDecryptor(m.encryption as EncryptionInfo, o.decryption))
  const common = [
    '--no-owner',
    '--no-acl',
    '--exit-on-error',
    '--single-transaction',
    ...(o.clean ? ['--clean', '--if-exists'] : []),
    `--dbname=${target.uri}`
  ]
  let tool: string
  let args: string[]
  let dir: string | undefined
  if (m.dump.format === 'custom') [tool, args] = [client.pgRestore, common]
  else if (m.dump.format === 'plain') {
    if (o.clean)
      throw new ActionError(
        Titles.restoreRefused,
        'A plain-format (SQL) backup restores only into an empty database; drop and recreate the target first, or restore a custom-format backup.'
      )
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
    if (dir && m.dump.format === 'supabase') {
      const roles = await restoreSupabase(dir, client, target, env, o.secrets, o.clean)
      o.onRoles?.(roles)
    } else if (dir) {
      let toc: string
      try {
        toc = tocDirectory(dir)
      } catch (e) {
        throw new ActionError(Titles.restore, `The backup is not a pg_dump directory archive: ${(e as Error).message}`)
      }
      const restore = spawnTool(client.pgRestore, [...common.filter(a => a !== '--single-transaction'), '--jobs=2', toc], env)
      restore.stdout.resume()
      const rr = await restore.exit
      if (rr.code !== 0)
        throw new ActionError(Titles.restore, scrub(`pg_restore failed (exit ${rr.code}): ${restore.stderr.toString()}`, o.secrets))
    }
  } finally {
    if (dir) fs.rmSync(dir, { recursive: true, force: true })
  }
  return { sha256: seal.digest, bytes: seal.bytes }
}

/**
 * Supabase's documented restore of the three parts: the roles the target
 * lacks are created (their CREATE, ALTER and grants; roles it has are left as
 * they are), then schema and data in one transaction, the data with
 * `session_replication_role = replica` (data.sql sets it).
 */
async function restoreSupabase(
  dir: string,
  client: PgClient,
  target: SourceSettings,
  env: Record<string, string>,
  secrets: readonly string[],
  clean: boolean
): Promise<RolesRestored> {
  const roles = await createMissingRoles(fs.readFileSync(path.join(dir, 'roles.sql'), 'utf8'), target, secrets)
  const files = [...(clean ? [await writeClean(dir, target)] : []), path.join(dir, 'schema.sql'), path.join(dir, 'data.sql')]
  const psql = spawnTool(
    client.psql,
    ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '--single-transaction', `--dbname=${target.uri}`, ...files.flatMap(f => ['-f', f])],
    env
  )
  psql.stdout.resume()
  const r = await psql.exit
  if (r.code !== 0)
    throw new ActionError(
      Titles.restore,
      scrub(`psql failed (exit ${r.code}) restoring schema.sql and data.sql: ${psql.stderr.toString()}`, secrets)
    )
  return roles
}

/**
 * An overwrite (confirmed, after the safety backup): in the restore's own
 * transaction, the project's schemas are dropped (public recreated) and the
 * platform tables whose rows data.sql brings back are emptied, so a failure
 * leaves the project as it was.
 */
async function writeClean(dir: string, target: SourceSettings): Promise<string> {
  const managed = matchesAny(PRESETS.supabase.managedSchemas ?? [])
  const own = await withConnection(target, async c =>
    (
      await c.query<{ nspname: string }>(
        `SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'`
      )
    ).rows
      .map(r => r.nspname)
      .filter(n => !managed(n))
  )
  const data = fs.readFileSync(path.join(dir, 'data.sql'), 'utf8')
  const filled = [
    ...new Set(
      [...data.matchAll(/^COPY ("(?:[^"]|"")+")\.("(?:[^"]|"")+") /gm)]
        .filter(m => managed(m[1].slice(1, -1).replace(/""/g, '"')))
        .map(m => `${m[1]}.${m[2]}`)
    )
  ]
  const q = (n: string): string => `"${n.replace(/"/g, '""')}"`
  const sql = [
    ...own.map(n => `DROP SCHEMA IF EXISTS ${q(n)} CASCADE;`),
    ...(own.includes('public') ? ['CREATE SCHEMA "public";'] : []),
    ...(filled.length ? [`TRUNCATE TABLE ${filled.join(', ')} CASCADE;`] : [])
  ]
  const file = path.join(dir, 'clean.sql')
  fs.writeFileSync(file, sql.join('\n') + '\n', { mode: 0o600 })
  return file
}
