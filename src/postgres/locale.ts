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

/**
 * The current database's row of pg_database as JSON, with its encoding's name:
 * one expression for every server version, whose columns differ (the locale
 * provider since 15, the ICU locale as daticulocale in 15–16, datlocale since 17).
 */
export const LOCALE_ROW = `(SELECT to_jsonb(d) || jsonb_build_object('encoding_name', pg_encoding_to_char(d.encoding))
                              FROM pg_database d WHERE datname = current_database())`

export interface LocaleRow {
  encoding_name: string
  datcollate: string
  datctype: string
  datlocprovider?: string
  daticulocale?: string | null
  datlocale?: string | null
}

/** The encoding and locale a LOCALE_ROW holds. */
export function localeOf(r: LocaleRow): DatabaseLocale {
  const localeProvider = r.datlocprovider === 'i' ? 'icu' : r.datlocprovider === 'b' ? 'builtin' : 'libc'
  return {
    encoding: r.encoding_name,
    collation: r.datcollate,
    ctype: r.datctype,
    localeProvider,
    locale: localeProvider === 'libc' ? null : (r.datlocale ?? r.daticulocale ?? null)
  }
}
