import pg from 'pg'

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
      if (rows.length !== 1 || rows[0].length !== 1)
        problems.push(`verify-sql \`${q}\` returned ${rows.length} row(s) × ${rows[0]?.length ?? 0} column(s); expected one value`)
      else if (!truthy(rows[0][0])) problems.push(`verify-sql \`${q}\` returned ${JSON.stringify(rows[0][0])}, not true`)
    } catch (e) {
      problems.push(`verify-sql \`${q}\` failed: ${(e as Error).message}`)
    }
  }
  return problems
}
