/**
 * A cluster's roles as `pg_dumpall --roles-only` writes them, made safe to
 * replay on a managed server: the provider's reserved roles (which it creates
 * and guards itself) commented out, with the grants to them, and the
 * attributes only a superuser may set dropped — the edits of Supabase's CLI
 * v2.104.0 (apps/cli-go/pkg/migration/scripts/dump_role.sh), plus NOBYPASSRLS. The one roles
 * implementation: `format: supabase` and `roles: true` both use it.
 */
import type { SourceSettings } from '../config/settings.js'
import { ActionError, Titles, scrub } from '../runtime/errors.js'
import { LineEdit } from '../runtime/line-edit.js'
import { withConnection } from '../postgres/session.js'
import { matchesAny } from '../postgres/pg-dump-args.js'

/** pg_dumpall's options: roles only, never a password hash (a non-superuser may read pg_roles, not pg_authid). */
export function rolesDumpArgs(source: SourceSettings): string[] {
  return ['--roles-only', '--no-role-passwords', '--no-comments', '--quote-all-identifiers', '--no-password', `--dbname=${source.uri}`]
}

const QUOTED = '"((?:[^"]|"")+)"'
const ROLE_LINE = new RegExp(`^(?:CREATE|ALTER) ROLE ${QUOTED}`)
const GRANT_TO = new RegExp(`^GRANT .* TO ${QUOTED}`)
const unquote = (q: string): string => q.replace(/""/g, '"')

/** `reserved`: pg_dump patterns (`supabase_*`; a quoted one matches exactly). */
export function rolesEdits(reserved: readonly string[]): LineEdit {
  const isReserved = matchesAny(reserved)
  return new LineEdit(['\\', 'CREATE ROLE ', 'ALTER ROLE ', 'GRANT '], l => {
    if (/^\\(?:un)?restrict /.test(l)) return `-- ${l}`
    const role = ROLE_LINE.exec(l)?.[1] ?? (/^GRANT "/.test(l) ? GRANT_TO.exec(l)?.[1] : undefined)
    if (role !== undefined && isReserved(unquote(role))) return `-- ${l}`
    // The defaults, which only a superuser may state (PostgreSQL 15 refuses even NOBYPASSRLS from a CREATEROLE role).
    return l.replace(/ (NOSUPERUSER|NOREPLICATION|NOBYPASSRLS)/g, '')
  })
}

/** The roles a roles file creates, in order (`CREATE ROLE "name";` lines that are not commented out). */
export function rolesCreatedBy(sql: string): string[] {
  return [...sql.matchAll(/^CREATE ROLE "((?:[^"]|"")+)";?$/gm)].map(m => m[1].replace(/""/g, '"'))
}

export interface RolesRestored {
  created: string[]
  existing: string[]
}

/**
 * Replays a roles file on `target`'s cluster for the roles it lacks only
 * (their CREATE, ALTER and grants, in one transaction); roles it has are left
 * as they are. `dryRun` says what it would create and changes nothing.
 */
export async function createMissingRoles(
  sql: string,
  target: SourceSettings,
  secrets: readonly string[],
  dryRun = false
): Promise<RolesRestored> {
  const named = rolesCreatedBy(sql)
  const have = await withConnection(
    target,
    async c =>
      new Set(
        (await c.query<{ rolname: string }>('SELECT rolname FROM pg_roles WHERE rolname = ANY($1)', [named])).rows.map(r => r.rolname)
      )
  )
  const created = named.filter(r => !have.has(r))
  const quoted = created.map(r => `"${r.replace(/"/g, '""')}"`)
  const mine = (line: string): boolean => quoted.some(q => line.includes(`ROLE ${q}`) || line.includes(`TO ${q}`))
  // One statement per line in pg_dumpall's output; GRANTED BY names the source's grantor, which need not exist here.
  const statements = sql
    .split('\n')
    .filter(l => /^(CREATE ROLE|ALTER ROLE|GRANT) /.test(l) && mine(l))
    .map(l => l.replace(/ GRANTED BY "(?:[^"]|"")+"/, ''))
  if (statements.length && !dryRun) {
    try {
      await withConnection(target, async c => {
        await c.query('BEGIN')
        for (const statement of statements) await c.query(statement)
        await c.query('COMMIT')
      })
    } catch (e) {
      throw new ActionError(Titles.restore, scrub(`Creating the roles of the roles file failed: ${(e as Error).message}`, secrets))
    }
  }
  return { created, existing: named.filter(r => have.has(r)) }
}
