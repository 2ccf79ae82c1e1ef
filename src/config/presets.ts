/**
 * Provider presets: what the action knows about each hosted PostgreSQL,
 * as data the input parser applies before anything connects (DESIGN.md §2,
 * §7). A new provider is one entry here (and `provider` in action.yml);
 * what talks to a provider's API at run time lives in src/providers/.
 * This sits in config/ because input parsing needs it and config/ is below
 * every layer that uses settings.
 */
import type { Format, Provider } from './settings.js'

export interface ProviderPreset {
  /** Hosts `provider: auto` recognises as this provider's; they get sslmode=require when the URL sets none. */
  hosts?: RegExp
  /** The host pg_dump must use when the URL names one that cannot serve it (a transaction pooler). */
  directHost?: (host: string) => string
  /** What names one source across a series of backups when host:port/db does not (DESIGN.md §3). */
  projectRef?: (host: string, user: string) => string | undefined
  /** Why a URL cannot serve pg_dump, with the one to use instead (an Invalid input); undefined when it can. */
  refuse?: (u: { host: string; port: number; user: string; input: string }) => string | undefined
  /** What to add when a connection to this host failed at the network (a host the runner cannot reach). */
  unreachable?: (host: string) => string | undefined
  /** The format this provider's backups take unless `format` says otherwise. */
  format?: Format
  /** Roles the platform owns: a roles dump comments out their CREATE/ALTER and the grants to them (pg_dump name patterns). */
  reservedRoles?: readonly string[]
  /** Schemas the platform manages: left out of a schema dump (pg_dump patterns). */
  managedSchemas?: readonly string[]
  /** Schemas whose rows a data dump leaves out (and the row counts with them: a project's own role cannot read them). */
  dataExcludedSchemas?: readonly string[]
  /** Tables whose rows a data dump leaves out (recorded with rows: null). */
  dataExcludedTables?: readonly string[]
}

/**
 * Supabase's lists, as its CLI v2.104.0 uses them for `supabase db dump`
 * (apps/cli-go/pkg/migration/dump.go: InternalSchemas, excludedSchemas,
 * reservedRoles; scripts/dump_data.sh: the migration tables).
 */
const SUPABASE_MANAGED_SCHEMAS = [
  'information_schema',
  'pg_*',
  '_analytics',
  '_realtime',
  '_supavisor',
  'auth',
  'etl',
  'extensions',
  'pgbouncer',
  'realtime',
  'storage',
  'supabase_functions',
  'supabase_migrations',
  'cron',
  'dbdev',
  'graphql',
  'graphql_public',
  'net',
  'pgmq',
  'pgsodium',
  'pgsodium_masks',
  'pgtle',
  'repack',
  'tiger',
  'tiger_data',
  'timescaledb_*',
  '_timescaledb_*',
  'topology',
  'vault'
]
// The data dump keeps auth, storage, supabase_functions (and cron, net, pgmq) rows: they are the project's users and files.
const SUPABASE_DATA_EXCLUDED_SCHEMAS = [
  'information_schema',
  'pg_*',
  'graphql',
  'graphql_public',
  'pgsodium',
  'pgsodium_masks',
  'pgtle',
  'repack',
  'tiger',
  'tiger_data',
  'timescaledb_*',
  '_timescaledb_*',
  'topology',
  'vault',
  'etl',
  'extensions',
  'pgbouncer',
  'realtime',
  'supabase_migrations',
  '_analytics',
  '_realtime',
  '_supavisor'
]
const SUPABASE_RESERVED_ROLES = [
  'anon',
  'authenticated',
  'authenticator',
  'cli_login_*',
  'dashboard_user',
  'pgbouncer',
  'postgres',
  'service_role',
  'supabase_*',
  'pgsodium_keyholder',
  'pgsodium_keyiduser',
  'pgsodium_keymaker',
  'pgtle_admin'
]

const supabaseRef = (host: string, user: string): string | undefined =>
  /^db\.([a-z0-9]+)\.supabase\.(co|com)$/i.exec(host)?.[1] ??
  (/\.supabase\.(co|com)$/i.test(host) ? /^[^.]+\.([a-z0-9]+)$/i.exec(user)?.[1] : undefined)

export const PRESETS: Record<Provider, ProviderPreset> = {
  postgres: {},
  neon: {
    hosts: /\.neon\.tech$/i,
    // pg_dump through Neon's PgBouncer (the -pooler host) breaks its snapshot and session settings: use the direct host.
    directHost: host => host.replace(/^(ep-[a-z0-9-]+?)-pooler\./i, '$1.')
  },
  supabase: {
    hosts: /\.supabase\.(co|com)$/i,
    // The project ref names a project whichever way it is reached: the direct host `db.<ref>.supabase.co`, or a
    // pooler host shared by a whole region with the user `postgres.<ref>` (Supabase's connection docs).
    projectRef: supabaseRef,
    // Supabase's connection docs: port 6543 is the transaction pooler, which gives each transaction another backend,
    // so pg_dump's snapshot and session settings are lost; the session pooler is the same host on 5432.
    refuse: u =>
      u.port === 6543
        ? `Input '${u.input}' uses port 6543, Supabase's transaction pooler, which cannot serve pg_dump (each transaction gets another backend, so its snapshot and session settings are lost). Use the session pooler: the same host on port 5432, user postgres.${supabaseRef(u.host, u.user) ?? '<project-ref>'}.`
        : undefined,
    unreachable: host => {
      const ref = /^db\.([a-z0-9]+)\.supabase\.(co|com)$/i.exec(host)?.[1]
      return ref
        ? `${host} is Supabase's direct host, which has only an IPv6 address unless the project has the IPv4 add-on, and GitHub-hosted runners have no IPv6. Use the session pooler instead: Connect → Session pooler in the Supabase dashboard, host aws-0-<region>.pooler.supabase.com, port 5432, user postgres.${ref}.`
        : undefined
    },
    format: 'supabase',
    reservedRoles: SUPABASE_RESERVED_ROLES,
    managedSchemas: SUPABASE_MANAGED_SCHEMAS,
    dataExcludedSchemas: SUPABASE_DATA_EXCLUDED_SCHEMAS,
    dataExcludedTables: ['auth.schema_migrations', 'storage.migrations', 'supabase_functions.migrations']
  },
  render: {
    // Render's internal hostname (dpg-…-a, no domain) resolves only inside Render's network.
    hosts: /\.render\.com$|^dpg-[a-z0-9-]+$/i,
    refuse: u =>
      !/^dpg-[a-z0-9-]+$/i.test(u.host)
        ? undefined
        : `Input '${u.input}' names ${u.host}, Render's internal hostname, which resolves only inside Render. From a GitHub runner use the External Database URL (Render dashboard → the database → Connect → External; host dpg-….<region>-postgres.render.com), and let Render's IP allow list admit the runner.`
  }
}

export const PROVIDER_NAMES = Object.keys(PRESETS) as Provider[]

/** The hosted provider whose hosts these are, if any. */
export function hostedProvider(host: string): Provider | undefined {
  return PROVIDER_NAMES.find(p => PRESETS[p].hosts?.test(host))
}
