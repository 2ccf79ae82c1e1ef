/**
 * Provider presets: what the action knows about each hosted PostgreSQL,
 * as data the input parser applies before anything connects (DESIGN.md §2,
 * §7). A new provider is one entry here (and `provider` in action.yml);
 * what talks to a provider's API at run time lives in src/providers/.
 * This sits in config/ because input parsing needs it and config/ is below
 * every layer that uses settings.
 */
import type { Provider } from './settings.js'

export interface ProviderPreset {
  /** Hosts `provider: auto` recognises as this provider's; they get sslmode=require when the URL sets none. */
  hosts?: RegExp
  /** The host pg_dump must use when the URL names one that cannot serve it (a transaction pooler). */
  directHost?: (host: string) => string
  /** What names one source across a series of backups when host:port/db does not (DESIGN.md §3). */
  projectRef?: (host: string, user: string) => string | undefined
}

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
    projectRef: (host, user) =>
      /^db\.([a-z0-9]+)\.supabase\.(co|com)$/i.exec(host)?.[1] ??
      (/\.supabase\.(co|com)$/i.test(host) ? /^[^.]+\.([a-z0-9]+)$/i.exec(user)?.[1] : undefined)
  },
  render: { hosts: /\.render\.com$/i }
}

export const PROVIDER_NAMES = Object.keys(PRESETS) as Provider[]

/** The hosted provider whose hosts these are, if any. */
export function hostedProvider(host: string): Provider | undefined {
  return PROVIDER_NAMES.find(p => PRESETS[p].hosts?.test(host))
}
