import type { Format, SourceSettings } from '../config/settings.js'
import { libpqEnv } from './connect.js'

export interface DumpArgsOptions {
  format: Format
  /** Connection URI without password (the password goes through PGPASSWORD). */
  uri: string
  snapshot: string | undefined
  lockWaitTimeout: string
  jobs: number
  /** Target directory for the directory format; custom and plain write to stdout. */
  directory: string | undefined
  extraArgs: readonly string[]
}

// The supabase format's parts are plain SQL (stages/supabase.ts asks for them as `plain`).
const FORMAT_FLAG: Record<Format, string> = { custom: 'c', plain: 'p', directory: 'd', supabase: 'p', roles: 'p' }

/**
 * pg_dump's argv. Pure, so it is tested with a table. Never contains a
 * password: the URI has none and the password travels in the environment.
 */
export function buildPgDumpArgs(o: DumpArgsOptions): string[] {
  const args = [`--format=${FORMAT_FLAG[o.format]}`, '--no-password', `--lock-wait-timeout=${o.lockWaitTimeout}`]
  // We compress the whole stream ourselves so stored files open with the standard tools (DESIGN.md §3).
  if (o.format !== 'plain') args.push('--compress=0')
  if (o.snapshot) args.push(`--snapshot=${o.snapshot}`)
  if (o.format === 'directory') {
    if (!o.directory) throw new Error('directory format needs a target directory')
    args.push(`--file=${o.directory}`)
    if (o.jobs > 1) args.push(`--jobs=${o.jobs}`)
  }
  args.push(...o.extraArgs, `--dbname=${o.uri}`)
  return args
}

/**
 * What pg_dump gets on top of the allowlisted environment: the connection
 * policy's variables (password by PGPASSWORD, never argv; sslmode and
 * certificates) and no statement timeout for its own session, whatever the
 * role's default.
 */
export function pgDumpEnv(source: SourceSettings): Record<string, string> {
  return { ...libpqEnv(source, 'pg-backup-action pg_dump'), PGOPTIONS: '-c statement_timeout=0' }
}

/**
 * psql/pg_dump name pattern → RegExp over "schema.name" (or "name" when the
 * pattern has no schema part): unquoted letters fold to lower case, `*` and `?`
 * are wildcards, double quotes keep case and make wildcards literal.
 */
export function patternToRegExp(pattern: string): { schema: RegExp | undefined; name: RegExp } {
  const parts: string[] = ['']
  let quoted = false
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]
    if (c === '"') {
      if (quoted && pattern[i + 1] === '"') {
        parts[parts.length - 1] += '"'
        i++
      } else quoted = !quoted
    } else if (!quoted && c === '.') parts.push('')
    else if (!quoted && c === '*') parts[parts.length - 1] += '.*'
    else if (!quoted && c === '?') parts[parts.length - 1] += '.'
    else parts[parts.length - 1] += (quoted ? c : c.toLowerCase()).replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')
  }
  const anchored = (p: string): RegExp => new RegExp(`^(?:${p})$`)
  const name = anchored(parts[parts.length - 1])
  return { schema: parts.length > 1 ? anchored(parts[parts.length - 2]) : undefined, name }
}

/** Whether a single name (a schema, a role) matches any of these pg_dump patterns. */
export function matchesAny(patterns: readonly string[]): (name: string) => boolean {
  const res = patterns.map(p => patternToRegExp(p).name)
  return name => res.some(r => r.test(name))
}

/**
 * Which tables' rows the dump contains, from the user's pg-dump-args: the
 * manifest records `rows: null` for the others and comparisons skip them.
 * Unqualified patterns are taken to match every schema (pg_dump matches the
 * search path only), which can only mark more tables as not compared.
 */
export function dataFilter(extraArgs: readonly string[]): (schema: string, name: string) => boolean {
  const include: RegExp[][] = []
  const exclude: RegExp[][] = []
  const includeSchemas: RegExp[] = []
  const excludeSchemas: RegExp[] = []
  let schemaOnly = false
  const tableMatcher = (p: string): RegExp[] => {
    const { schema, name } = patternToRegExp(p)
    return schema ? [schema, name] : [name]
  }
  for (let i = 0; i < extraArgs.length; i++) {
    const arg = extraArgs[i]
    const eq = arg.indexOf('=')
    const flag = arg.startsWith('--') ? (eq > 0 ? arg.slice(0, eq) : arg) : arg.slice(0, 2)
    const inline = arg.startsWith('--') ? (eq > 0 ? arg.slice(eq + 1) : undefined) : arg.length > 2 ? arg.slice(2) : undefined
    const value = (): string => (inline ?? extraArgs[++i] ?? '').trim()
    switch (flag) {
      case '-s':
      case '--schema-only':
        schemaOnly = true
        break
      case '-t':
      case '--table':
      case '--table-and-children':
        include.push(tableMatcher(value()))
        break
      case '-T':
      case '--exclude-table':
      case '--exclude-table-data':
      case '--exclude-table-and-children':
      case '--exclude-table-data-and-children':
        exclude.push(tableMatcher(value()))
        break
      case '-n':
      case '--schema':
        includeSchemas.push(patternToRegExp(value()).name)
        break
      case '-N':
      case '--exclude-schema':
        excludeSchemas.push(patternToRegExp(value()).name)
        break
    }
  }
  const matches = (m: RegExp[], schema: string, name: string): boolean =>
    m.length === 2 ? m[0].test(schema) && m[1].test(name) : m[0].test(name)
  return (schema, name) => {
    if (schemaOnly) return false
    if (include.length && !include.some(m => matches(m, schema, name))) return false
    if (exclude.some(m => matches(m, schema, name))) return false
    if (includeSchemas.length && !include.length && !includeSchemas.some(r => r.test(schema))) return false
    return !excludeSchemas.some(r => r.test(schema))
  }
}
