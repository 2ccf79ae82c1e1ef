import type pg from 'pg'
import type { SourceSettings } from '../config/settings.js'
import { connectClient } from './connect.js'
import { countRows, listTables, type TableCount } from './counts.js'
import { DatabaseLocale, LOCALE_ROW, localeOf, type LocaleRow } from './locale.js'

export interface ServerInfo {
  serverVersion: string
  serverVersionNum: number
  databaseSize: number
  extensions: { name: string; version: string }[]
  /** The database's encoding and locale, read for the source: scratch copies are made like it. */
  locale?: DatabaseLocale
}

/**
 * A read-only, repeatable-read session on the source that exports its
 * snapshot, so pg_dump (`--snapshot`) and our row counts see the same data.
 * It must stay open until pg_dump has imported the snapshot; we keep it for
 * the whole dump and count rows concurrently with it.
 */
export class SourceSession {
  private constructor(
    private readonly client: pg.Client,
    readonly info: ServerInfo,
    readonly snapshot: string,
    /** The WAL position read with the snapshot (null on a standby): where a Neon branch of the same point starts. */
    readonly lsn: string | null
  ) {}

  static async open(source: SourceSettings): Promise<SourceSession> {
    const client = await connectClient(source)
    try {
      // One round trip, as each costs its network latency before pg_dump can start. The settings are LOCAL to the
      // session's one transaction. No parallel workers for the counts: a backup should not take cores from the database
      // it reads (at scale 100 on 2 cores, the dump finished 0.2 s sooner without them).
      const results = (await client.query(
        `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;
         SET LOCAL statement_timeout = 0;
         SET LOCAL max_parallel_workers_per_gather = 0;
         SELECT current_setting('server_version') AS v, current_setting('server_version_num') AS n,
                pg_database_size(current_database())::text AS size, pg_export_snapshot() AS snap,
                CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_lsn()::text END AS lsn,
                (SELECT coalesce(json_agg(json_build_object('name', extname, 'version', extversion) ORDER BY extname), '[]')
                   FROM pg_extension) AS ext,
                ${LOCALE_ROW} AS db`
      )) as unknown as pg.QueryResult[] // a query of several statements answers with a result for each
      const rows = results[results.length - 1].rows as {
        v: string
        n: string
        size: string
        snap: string
        lsn: string | null
        ext: ServerInfo['extensions']
        db: LocaleRow
      }[]
      const info: ServerInfo = {
        serverVersion: rows[0].v.split(' ')[0],
        serverVersionNum: Number(rows[0].n),
        databaseSize: Number(rows[0].size),
        extensions: rows[0].ext,
        locale: localeOf(rows[0].db)
      }
      return new SourceSession(client, info, rows[0].snap, rows[0].lsn)
    } catch (e) {
      await client.end().catch(() => undefined)
      throw e
    }
  }

  /**
   * Exact rows of every ordinary table and leaf partition (relkind 'r';
   * partitioned parents are 'p'), each counted with ONLY, skipping system
   * schemas and extension-owned tables (pg_dump does not dump their rows),
   * and schemas `listed` leaves out (a format that stores none of their rows).
   */
  async countRows(
    dumped: (schema: string, name: string) => boolean,
    listed: (schema: string) => boolean = () => true
  ): Promise<TableCount[]> {
    const rows = await listTables(this.client)
    const out: TableCount[] = []
    for (const t of rows) {
      if (!listed(t.schema)) continue
      if (!dumped(t.schema, t.name)) {
        out.push({ ...t, rows: null })
        continue
      }
      out.push({ ...t, rows: await countRows(this.client, t.schema, t.name) })
    }
    return out
  }

  async close(): Promise<void> {
    await this.client.query('COMMIT').catch(() => undefined)
    await this.client.end().catch(() => undefined)
  }
}

/** The same server, another database (scratch databases, safety checks). */
export function withDatabase(server: SourceSettings, database: string): SourceSettings {
  const url = new URL(server.uri)
  url.pathname = '/' + encodeURIComponent(database)
  return { ...server, database, uri: url.toString() }
}

/** A short-lived connection for set-up and checks, under the connection policy. */
export async function withConnection<T>(server: SourceSettings, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = await connectClient(server)
  try {
    return await fn(client)
  } finally {
    await client.end().catch(() => undefined)
  }
}

export async function serverInfo(c: pg.Client): Promise<ServerInfo & { userTables: number }> {
  const { rows } = await c.query<{ v: string; n: string; size: string; tables: string }>(
    `SELECT current_setting('server_version') AS v, current_setting('server_version_num') AS n, pg_database_size(current_database())::text AS size,
            (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%')::text AS tables`
  )
  const ext = await c.query<{ name: string; version: string }>(
    'SELECT extname AS name, extversion AS version FROM pg_extension ORDER BY extname'
  )
  return {
    serverVersion: rows[0].v.split(' ')[0],
    serverVersionNum: Number(rows[0].n),
    databaseSize: Number(rows[0].size),
    extensions: ext.rows,
    userTables: Number(rows[0].tables)
  }
}
