import type { Readable } from 'node:stream'
import { ActionError, Titles, errorMessage } from '../runtime/errors.js'
import { rowCountsOf, type ManifestV1, type Verification } from '../storage/manifest.js'
import type { DecryptionSettings, ScratchSettings } from '../config/settings.js'
import { withConnection, withDatabase } from '../postgres/session.js'
import type { PgClient } from '../postgres/client.js'
import type { Workspace } from '../runtime/workspace.js'
import { compareCounts, countMismatches, countTables, type TableComparison } from '../postgres/counts.js'
import { runVerifySql } from './sql.js'
import { restoreArchive } from '../stages/restore-archive.js'
import { createLikeSql } from '../postgres/locale.js'

const EXTENSION_IMAGES: Record<string, string> = {
  postgis: 'postgis/postgis',
  vector: 'pgvector/pgvector',
  timescaledb: 'timescale/timescaledb'
}

export interface ScratchResult {
  verification: Verification
  tables: TableComparison[]
  restoreSeconds: number
}

/**
 * Restores into a fresh database on the scratch server (never the source),
 * compares every table's exact row count with the manifest (or, when the
 * manifest has none, counts the restored copy), runs verify-sql, then drops
 * the database whatever happened.
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
  let db = `pgba_verify_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`
  let throwaway = true
  const fail = (details: string[], tables: TableComparison[] = [], restoreSeconds = 0): ScratchResult => ({
    verification: { level: 'restore', passed: false, details },
    tables,
    restoreSeconds
  })
  const like = `encoding ${m.source.encoding}, collation ${m.source.collation}, ctype ${m.source.ctype}, ${m.source.localeProvider}${m.source.locale ? ` locale ${m.source.locale}` : ''}`
  const made =
    m.dump.format === 'supabase'
      ? await supabaseCopy(scratch, db).then(
          copied => {
            if (!copied) [db, throwaway] = [scratch.server.database, false]
            return undefined
          },
          (e: unknown) => `the scratch server cannot copy the Supabase-shaped database ${scratch.server.database}: ${errorMessage(e)}`
        )
      : await withConnection(scratch.server, async c => {
          try {
            await c.query(createLikeSql(db, m.source, Number((await c.query('SHOW server_version_num')).rows[0].server_version_num)))
            return undefined
          } catch (e) {
            return `the scratch server cannot create a database like the source (${like}): ${errorMessage(e)}. Run the scratch server with that locale available (initdb --locale, or an image that has it), so the restore is compared like with like`
          }
        })
  if (made) return fail([made])
  const target = withDatabase(scratch.server, db)
  try {
    const available = await withConnection(
      target,
      async c => new Set((await c.query<{ name: string }>('SELECT name FROM pg_available_extensions')).rows.map(r => r.name))
    )
    const missing = m.extensions.filter(e => !available.has(e.name)).map(e => e.name)
    if (missing.length) {
      const images = missing.map(n => EXTENSION_IMAGES[n]).filter(Boolean)
      return fail([
        `the scratch server lacks the extension${missing.length > 1 ? 's' : ''} ${missing.join(', ')} that the backup uses; run the scratch server from an image that has ${missing.length > 1 ? 'them' : 'it'}${images.length ? ` (e.g. services: image: ${images.join(', ')})` : ''}`
      ])
    }
    const started = Date.now()
    const read = await restoreArchive(await open(), m, client, target, work, { clean: false, secrets, decryption })
    const restoreSeconds = (Date.now() - started) / 1000
    const details: string[] = []
    if (read.sha256 !== m.sha256) details.push(`sha256 of the stored backup is ${read.sha256}, the manifest says ${m.sha256}`)
    // Without counts in the manifest (a Render export), the restored copy's own counts are what the summary shows.
    const counted = rowCountsOf(m) !== 'none'
    const { tables, sql } = await withConnection(target, async c => ({
      tables: counted ? await compareCounts(c, m) : await countTables(c),
      sql: await runVerifySql(c, scratch.verifySql)
    }))
    details.push(...countMismatches(tables), ...sql)
    const passed = details.length === 0
    const queries = scratch.verifySql.length
      ? `; ${scratch.verifySql.length} verify-sql quer${scratch.verifySql.length > 1 ? 'ies' : 'y'} passed`
      : ''
    if (passed)
      details.push(
        counted
          ? `${tables.length} tables restored with exact row counts${queries}`
          : `restored cleanly: ${tables.length} tables, ${tables.reduce((n, t) => n + (t.restored ?? 0), 0)} rows counted in the restored copy (the backup records no row counts to compare with)${queries}`
      )
    return { verification: { level: 'restore', passed, details }, tables, restoreSeconds }
  } catch (e) {
    if (e instanceof ActionError && e.title === Titles.restore) return fail([e.message])
    throw e
  } finally {
    if (throwaway)
      await withConnection(scratch.server, async c => {
        const force = Number((await c.query('SHOW server_version_num')).rows[0].server_version_num) >= 130000 ? ' WITH (FORCE)' : ''
        await c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(db)}${force}`)
      }).catch(() => undefined)
  }
}

/**
 * A Supabase backup restores into a copy of the Supabase-shaped scratch
 * database (its roles, managed schemas and extensions), made from template1's
 * connection so that ours does not hold the template. When the template is busy
 * (the supabase/postgres image's background workers may hold it), false: the
 * restore goes into the scratch database itself, which is throwaway.
 */
async function supabaseCopy(scratch: ScratchSettings, db: string): Promise<boolean> {
  try {
    await withConnection(withDatabase(scratch.server, 'template1'), c =>
      c.query(`CREATE DATABASE ${c.escapeIdentifier(db)} TEMPLATE ${c.escapeIdentifier(scratch.server.database)}`)
    )
    return true
  } catch (e) {
    if ((e as { code?: string }).code === '55006') return false
    throw e
  }
}
