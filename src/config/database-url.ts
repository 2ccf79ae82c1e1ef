import { InputError } from '../runtime/errors.js'
import { PRESETS, PROVIDER_NAMES, hostedProvider } from './presets.js'
import type { Provider, SourceSettings, SslMode, SslSettings } from './settings.js'
import { oneOf, InputReader } from './fields.js'

export const PROVIDERS = ['auto', ...PROVIDER_NAMES] as const

export const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const

/**
 * Parses a PostgreSQL URL into source settings. Errors never quote the URL:
 * it holds the password.
 */
export function parseDatabaseUrl(raw: string, providerInput: string, inputName = 'database-url', rootCertPem?: string): SourceSettings {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new InputError(
      `Input '${inputName}' is not a valid URL; expected postgres://user:password@host:5432/database (percent-encode special characters in the password).`
    )
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new InputError(`Input '${inputName}' must start with postgres:// or postgresql://; got '${url.protocol}//'.`)
  }
  const host = url.hostname.replace(/^\[|\]$/g, '') || url.searchParams.get('host') || ''
  if (!host) throw new InputError(`Input '${inputName}' has no host.`)
  let password: string | undefined
  let user: string
  let database: string
  try {
    // A password may also come as ?password=: it goes the same way as the userinfo one (PGPASSWORD, never argv).
    password = url.password ? decodeURIComponent(url.password) : (url.searchParams.get('password') ?? undefined)
    user = decodeURIComponent(url.username) || 'postgres'
    database = decodeURIComponent(url.pathname.replace(/^\//, '')) || user
  } catch {
    throw new InputError(`Input '${inputName}' has an invalid percent-encoding in its user, password or database.`)
  }
  const port = url.port ? Number(url.port) : Number(url.searchParams.get('port') || 5432)

  const requested = oneOf('provider', providerInput, PROVIDERS, 'auto')
  const hosted = hostedProvider(host)
  const provider: Provider = requested === 'auto' ? (hosted ?? 'postgres') : requested
  const refused = PRESETS[provider].refuse?.({ host, port, user, input: inputName })
  if (refused) throw new InputError(refused)

  const safe = new URL(raw)
  safe.password = ''
  const unpooled = PRESETS[provider].directHost?.(host) ?? host
  if (unpooled !== host) safe.hostname = unpooled
  const q = url.searchParams
  const rootCert = q.get('sslrootcert') || undefined
  // TLS required only where the host is a hosted provider's and the URL left it open (DESIGN.md §2); libpq 16's rule for sslrootcert=system: verify-full.
  const mode = q.get('sslmode') ?? (rootCert === 'system' ? 'verify-full' : hosted ? 'require' : 'prefer')
  if (!(SSL_MODES as readonly string[]).includes(mode))
    throw new InputError(`Input '${inputName}' has sslmode=${mode}; it must be one of ${SSL_MODES.join(', ')}.`)
  if (rootCert === 'system' && mode !== 'verify-full') {
    throw new InputError(
      `Input '${inputName}' has sslrootcert=system with sslmode=${mode}: the system's CAs vouch for any name they signed, so libpq allows them only with sslmode=verify-full.`
    )
  }
  if (rootCert && rootCertPem)
    throw new InputError(`Input '${inputName}' sets sslrootcert and input 'ssl-root-cert' is given too: give the CA once.`)
  const ssl: SslSettings = {
    mode: mode as SslMode,
    rootCert,
    rootCertPem,
    cert: q.get('sslcert') || undefined,
    key: q.get('sslkey') || undefined,
    keyPassword: q.get('sslpassword') ?? undefined
  }
  // libpq reads these from the environment the action builds for it (libpqEnv), so pg_dump and node-postgres see the same; secrets never reach argv.
  for (const p of ['password', 'sslpassword', 'sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'requiressl']) safe.searchParams.delete(p)
  return { provider, host: unpooled, port, database, user, password, uri: safe.toString(), ssl, input: inputName }
}

/** `auto`: Neon when a Neon project is named, else from the URL's host (DESIGN.md §2). */
export function resolveProvider(read: InputReader, urlInput: string): Provider {
  const requested = oneOf('provider', read('provider'), PROVIDERS, 'auto')
  if (requested !== 'auto') return requested
  if (read('neon-project-id') || read('neon-api-key') || read('neon-mode')) return 'neon'
  return (URL.canParse(read(urlInput)) && hostedProvider(new URL(read(urlInput)).hostname)) || 'postgres'
}

/** `ssl-root-cert`: one or more PEM certificates (a provider's bundle, such as RDS's, holds many). */
export function parseRootCert(value: string): string | undefined {
  if (!value) return undefined
  const certs = value.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)
  if (!certs)
    throw new InputError(
      `Input 'ssl-root-cert' must be PEM text (-----BEGIN CERTIFICATE----- …), such as the CA bundle your provider publishes; got no certificate.`
    )
  return certs.join('\n') + '\n'
}
