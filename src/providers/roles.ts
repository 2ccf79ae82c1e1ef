/**
 * A cluster's roles as `pg_dumpall --roles-only` writes them, made safe to
 * replay on a managed server: the provider's reserved roles (which it creates
 * and guards itself) commented out, with the grants to them, and the
 * attributes only a superuser may set dropped — the edits of Supabase's CLI
 * v2.104.0 (apps/cli-go/pkg/migration/scripts/dump_role.sh), plus NOBYPASSRLS. The one roles
 * implementation: `format: supabase` and `roles: true` both use it.
 */
import type { SourceSettings } from '../config/settings.js'
import { LineEdit } from '../runtime/line-edit.js'

/** pg_dumpall's options: roles only, never a password hash (a non-superuser may read pg_roles, not pg_authid). */
export function rolesDumpArgs(source: SourceSettings): string[] {
  return ['--roles-only', '--no-role-passwords', '--no-comments', '--quote-all-identifiers', '--no-password', `--dbname=${source.uri}`]
}

const rolePattern = (patterns: readonly string[]): string =>
  patterns.map(p => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')).join('|')

export function rolesEdits(reserved: readonly string[]): LineEdit {
  const r = rolePattern(reserved)
  const reservedRole = r ? new RegExp(`^(?:CREATE|ALTER) ROLE "(?:${r})"`) : undefined
  const grantToReserved = r ? new RegExp(`^GRANT ".*" TO "(?:${r})"`) : undefined
  return new LineEdit(['\\', 'CREATE ROLE ', 'ALTER ROLE ', 'GRANT '], l => {
    if (/^\\(?:un)?restrict /.test(l)) return `-- ${l}`
    if (reservedRole?.test(l) || grantToReserved?.test(l)) return `-- ${l}`
    // The defaults, which only a superuser may state (PostgreSQL 15 refuses even NOBYPASSRLS from a CREATEROLE role).
    return l.replace(/ (NOSUPERUSER|NOREPLICATION|NOBYPASSRLS)/g, '')
  })
}

/** The roles a roles file creates, in order (`CREATE ROLE "name";` lines that are not commented out). */
export function rolesCreatedBy(sql: string): string[] {
  return [...sql.matchAll(/^CREATE ROLE "((?:[^"]|"")+)";?$/gm)].map(m => m[1].replace(/""/g, '"'))
}
