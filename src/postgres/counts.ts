import type pg from 'pg'

/** Exact rows of one table, without its partitions or children (ONLY): what pg_dump stores for it. */
export async function countRows(c: pg.Client, schema: string, name: string): Promise<number> {
  const r = await c.query<{ n: string }>(`SELECT count(*)::text AS n FROM ONLY ${c.escapeIdentifier(schema)}.${c.escapeIdentifier(name)}`)
  return Number(r.rows[0].n)
}

/**
 * Every ordinary table and leaf partition (relkind 'r'; partitioned parents
 * are 'p'), skipping system schemas and extension-owned tables (pg_dump does
 * not dump their rows).
 */
export async function listTables(c: pg.Client): Promise<{ schema: string; name: string }[]> {
  const { rows } = await c.query<{ schema: string; name: string }>(
    `SELECT n.nspname AS schema, c.relname AS name
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r'
        AND n.nspname NOT IN ('pg_catalog', 'information_schema')
        AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
      ORDER BY 1, 2`
  )
  return rows
}

/** Exact rows of every table of the connected database: the counts of a restored copy when nothing else counted them. */
export async function countTables(c: pg.Client): Promise<TableComparison[]> {
  const out: TableComparison[] = []
  for (const t of await listTables(c))
    out.push({ table: `${t.schema}.${t.name}`, expected: null, restored: await countRows(c, t.schema, t.name), ok: true })
  return out
}

export interface TableComparison {
  table: string
  /** Null when the backup records no count to compare with (a Render export). */
  expected: number | null
  restored: number | null
  ok: boolean
}

/** Exact counts of the manifest's tables in the restored database (tables the dump left out are skipped). */
export async function compareCounts(c: pg.Client, m: { tables: readonly TableCount[] }): Promise<TableComparison[]> {
  const out: TableComparison[] = []
  for (const t of m.tables) {
    const table = `${t.schema}.${t.name}`
    if (t.rows === null) continue
    const exists = await c.query('SELECT to_regclass($1) IS NOT NULL AS ok', [
      `${c.escapeIdentifier(t.schema)}.${c.escapeIdentifier(t.name)}`
    ])
    let restored: number | null = null
    if (exists.rows[0].ok) restored = await countRows(c, t.schema, t.name)
    out.push({ table, expected: t.rows, restored, ok: restored === t.rows })
  }
  return out
}

/** One line per table whose count differs from the expected one. */
export function countMismatches(tables: readonly TableComparison[]): string[] {
  return tables
    .filter(t => !t.ok)
    .map(t => `${t.table}: expected ${t.expected} rows, restored ${t.restored === null ? 'no table' : t.restored}`)
}

export interface TableCount {
  schema: string
  name: string
  /** Exact count in the dump's snapshot; null when the dump holds no rows of this table. */
  rows: number | null
}
