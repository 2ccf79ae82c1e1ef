import pg from 'pg'

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
  const sql = [
    `CREATE DATABASE ${ident(db)} TEMPLATE template0 ENCODING ${lit(l.encoding)} LC_COLLATE ${lit(l.collation)} LC_CTYPE ${lit(l.ctype)}`
  ]
  const major = Math.floor(serverVersionNum / 10000)
  if (l.localeProvider === 'icu') {
    if (major < 15)
      throw new Error(
        `the source uses the ICU locale ${l.locale}, and PostgreSQL ${major} creates no ICU databases; use a scratch server of PostgreSQL 15 or newer`
      )
    sql.push(`LOCALE_PROVIDER icu ICU_LOCALE ${lit(l.locale ?? '')}`)
  } else if (l.localeProvider === 'builtin') {
    if (major < 17)
      throw new Error(
        `the source uses the builtin locale ${l.locale}, which needs a scratch server of PostgreSQL 17 or newer (this one is ${major})`
      )
    sql.push(`LOCALE_PROVIDER builtin BUILTIN_LOCALE ${lit(l.locale ?? '')}`)
  } else if (major >= 15) sql.push('LOCALE_PROVIDER libc')
  return sql.join(' ')
}

/** What CREATE DATABASE needs to make a database that sorts and classifies text like the source. */
export interface DatabaseLocale {
  encoding: string
  collation: string
  ctype: string
  /** libc before PostgreSQL 15; icu or builtin (17) since. */
  localeProvider: 'libc' | 'icu' | 'builtin'
  /** The ICU or builtin locale; null for libc. */
  locale: string | null
}

/** The current database's encoding and locale, in the columns each server version has. */
export async function databaseLocale(c: pg.Client, versionNum: number): Promise<DatabaseLocale> {
  const provider = versionNum >= 150000 ? 'datlocprovider::text' : `'c'`
  const locale = versionNum >= 170000 ? 'datlocale' : versionNum >= 150000 ? 'daticulocale' : 'NULL::text'
  const { rows } = await c.query<{ encoding: string; collation: string; ctype: string; provider: string; locale: string | null }>(
    `SELECT pg_encoding_to_char(encoding) AS encoding, datcollate AS collation, datctype AS ctype, ${provider} AS provider, ${locale} AS locale
       FROM pg_database WHERE datname = current_database()`
  )
  const r = rows[0]
  const localeProvider = r.provider === 'i' ? 'icu' : r.provider === 'b' ? 'builtin' : 'libc'
  return {
    encoding: r.encoding,
    collation: r.collation,
    ctype: r.ctype,
    localeProvider,
    locale: localeProvider === 'libc' ? null : r.locale
  }
}
