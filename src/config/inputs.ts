import * as core from '@actions/core'
import * as path from 'node:path'
import { InputError } from '../runtime/errors.js'
import { NAME, nameOfStored } from './naming.js'
import { PRESETS, PROVIDER_NAMES, hostedProvider } from './presets.js'
import type {
  ArtifactSettings,
  FileSettings,
  BackupRef,
  BackupSettings,
  DecryptionSettings,
  EncryptionSettings,
  ReadSettings,
  ScratchSettings,
  CompressionAlgorithm,
  DestinationKind,
  Destinations,
  Format,
  NeonBackupSettings,
  NeonPoint,
  NeonRestoreSettings,
  NeonSettings,
  Provider,
  RetentionSettings,
  S3Settings,
  Settings,
  SourceSettings,
  SslMode,
  SslSettings,
  VerifyLevel
} from './settings.js'

/** Reads one input by name; '' means "not set". */
export type InputReader = (name: string) => string

const COMMANDS = ['backup', 'restore', 'restore-test', 'list', 'check'] as const
const AVAILABLE_COMMANDS = COMMANDS
const PROVIDERS = ['auto', ...PROVIDER_NAMES] as const
const FORMATS = ['custom', 'plain', 'directory'] as const
const COMPRESSIONS = ['zstd', 'gzip', 'none'] as const
const VERIFY_LEVELS = ['archive', 'restore', 'none'] as const
const DESTINATIONS = ['artifact', 's3', 'file'] as const
const NEON_MODES = ['dump', 'branch', 'snapshot'] as const
const SSE_VALUES = ['AES256', 'aws:kms', 'aws:kms:dsse'] as const
const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const
const LEVEL_RANGE: Record<CompressionAlgorithm, [number, number] | undefined> = {
  zstd: [1, 19],
  gzip: [1, 9],
  none: undefined
}

/**
 * pg_dump options the action sets itself: accepting them in `pg-dump-args`
 * would silently change the format, the compression, the target or the
 * snapshot that the manifest describes.
 */
const RESERVED_DUMP_ARGS = [
  '-f', '--file', '-F', '--format', '-Z', '--compress', '-d', '--dbname', '-h', '--host',
  '-p', '--port', '-U', '--username', '-W', '--password', '-w', '--no-password', '-j', '--jobs',
  '--snapshot', '--lock-wait-timeout'
]

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[], fallback: T): T {
  if (value === '') return fallback
  if ((allowed as readonly string[]).includes(value)) return value as T
  throw new InputError(`Input '${name}' must be one of ${allowed.join(', ')}; got '${value}'.`)
}

function integer(name: string, value: string, min: number, max: number): number | undefined {
  if (value === '') return undefined
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new InputError(`Input '${name}' must be a whole number from ${min} to ${max}; got '${value}'.`)
  }
  return Number(value)
}

function boolean(name: string, value: string): boolean | undefined {
  if (value === '') return undefined
  if (/^(true|yes|1)$/i.test(value)) return true
  if (/^(false|no|0)$/i.test(value)) return false
  throw new InputError(`Input '${name}' must be true or false; got '${value}'.`)
}

function lines(value: string): string[] {
  return value
    .split(/\r?\n/)
    .map(l => l.trim())
    .filter(l => l !== '')
}

/** Every form of a secret the runner, a library or a URL could print. */
export function secretForms(secret: string): string[] {
  if (!secret) return []
  const forms = new Set([secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')])
  return [...forms]
}

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

  const safe = new URL(raw)
  safe.password = ''
  const unpooled = PRESETS[provider].directHost?.(host) ?? host
  if (unpooled !== host) safe.hostname = unpooled
  const q = url.searchParams
  const rootCert = q.get('sslrootcert') || undefined
  // TLS required only where the host is a hosted provider's and the URL left it open (DESIGN.md §2); libpq 16's rule for sslrootcert=system: verify-full.
  const mode = q.get('sslmode') ?? (rootCert === 'system' ? 'verify-full' : hosted ? 'require' : 'prefer')
  if (!(SSL_MODES as readonly string[]).includes(mode)) throw new InputError(`Input '${inputName}' has sslmode=${mode}; it must be one of ${SSL_MODES.join(', ')}.`)
  if (rootCert === 'system' && mode !== 'verify-full') {
    throw new InputError(`Input '${inputName}' has sslrootcert=system with sslmode=${mode}: the system's CAs vouch for any name they signed, so libpq allows them only with sslmode=verify-full.`)
  }
  if (rootCert && rootCertPem) throw new InputError(`Input '${inputName}' sets sslrootcert and input 'ssl-root-cert' is given too: give the CA once.`)
  const ssl: SslSettings = { mode: mode as SslMode, rootCert, rootCertPem, cert: q.get('sslcert') || undefined, key: q.get('sslkey') || undefined, keyPassword: q.get('sslpassword') ?? undefined }
  // libpq reads these from the environment the action builds for it (libpqEnv), so pg_dump and node-postgres see the same; secrets never reach argv.
  for (const p of ['password', 'sslpassword', 'sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'requiressl']) safe.searchParams.delete(p)
  return { provider, host: unpooled, port, database, user, password, uri: safe.toString(), ssl, input: inputName }
}

/** `auto`: Neon when a Neon project is named, else from the URL's host (DESIGN.md §2). */
function resolveProvider(read: InputReader, urlInput: string): Provider {
  const requested = oneOf('provider', read('provider'), PROVIDERS, 'auto')
  if (requested !== 'auto') return requested
  if (read('neon-project-id') || read('neon-api-key') || read('neon-mode')) return 'neon'
  return (URL.canParse(read(urlInput)) && hostedProvider(new URL(read(urlInput)).hostname)) || 'postgres'
}

/** ISO 8601 with a zone (normalised to UTC seconds) or an LSN such as 0/1DE2850; never in the future. */
export function parseNeonPoint(value: string, now = new Date()): NeonPoint | undefined {
  if (!value) return undefined
  if (/^[0-9A-F]{1,8}\/[0-9A-F]{1,8}$/i.test(value)) return { kind: 'lsn', value: value.toUpperCase() }
  const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/
  const at = new Date(value)
  if (!iso.test(value) || Number.isNaN(at.getTime())) {
    throw new InputError(`Input 'neon-point-in-time' must be an ISO 8601 time with a zone (2026-11-30T03:00:00Z) or an LSN (0/1DE2850); got '${value}'.`)
  }
  if (at.getTime() > now.getTime()) throw new InputError(`Input 'neon-point-in-time' is in the future (${value}).`)
  return { kind: 'timestamp', value: at.toISOString().replace(/\.\d{3}Z$/, 'Z') }
}

/** A Neon branch or snapshot name or id: 1–256 characters, no control characters. */
function isLabel(v: string): boolean {
  return v.length >= 1 && v.length <= 256 && ![...v].some(c => c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127)
}

function parseNeon(read: InputReader, purpose: string): NeonSettings {
  for (const input of ['neon-api-key', 'neon-project-id']) if (!read(input)) throw new InputError(`Input '${input}' is required for ${purpose}.`)
  const projectId = read('neon-project-id')
  if (!/^[a-z0-9-]{1,60}$/.test(projectId)) throw new InputError(`Input 'neon-project-id' must be a Neon project id (1–60 of a–z 0–9 -, e.g. floral-king-961888); got '${projectId}'.`)
  const apiUrl = read('neon-api-url') || 'https://console.neon.tech/api/v2'
  if (!URL.canParse(apiUrl) || !['http:', 'https:'].includes(new URL(apiUrl).protocol)) throw new InputError(`Input 'neon-api-url' must be an http(s) URL; got '${apiUrl}'.`)
  const branch = read('neon-branch') || undefined
  if (branch && !isLabel(branch)) throw new InputError(`Input 'neon-branch' must be a branch name or id (1–256 characters).`)
  return {
    apiUrl,
    apiKey: read('neon-api-key'),
    projectId,
    branch,
    pointInTime: parseNeonPoint(read('neon-point-in-time')),
    database: read('neon-database') || undefined,
    role: read('neon-role') || undefined
  }
}

function parseRetention(read: InputReader): RetentionSettings {
  return {
    policy: {
      keepLast: integer('keep-last', read('keep-last'), 1, 100000),
      keepDays: integer('keep-days', read('keep-days'), 1, 100000),
      keepDaily: integer('keep-daily', read('keep-daily'), 1, 100000),
      keepWeekly: integer('keep-weekly', read('keep-weekly'), 1, 100000),
      keepMonthly: integer('keep-monthly', read('keep-monthly'), 1, 100000),
      keepYearly: integer('keep-yearly', read('keep-yearly'), 1, 1000)
    },
    dryRun: boolean('retention-dry-run', read('retention-dry-run')) ?? false
  }
}

/** `5m` → `5min`: pg_dump's --lock-wait-timeout speaks PostgreSQL's units. */
export function parseLockWaitTimeout(value: string): string {
  const m = /^(\d+)(ms|s|m|min|h)?$/.exec(value || '5m')
  if (!m) throw new InputError(`Input 'lock-wait-timeout' must be a number with ms, s, m or h (e.g. 30s, 5m); got '${value}'.`)
  const unit = { ms: 'ms', s: 's', m: 'min', min: 'min', h: 'h' }[m[2] ?? 'ms']
  return `${m[1]}${unit}`
}

function parseDestinations(read: InputReader): Destinations {
  const raw = read('destination') || 'artifact'
  const order = raw.split(',').map(s => s.trim()).filter(Boolean) as DestinationKind[]
  for (const d of order) oneOf('destination', d, DESTINATIONS, 'artifact')
  if (order.length === 0 || new Set(order).size !== order.length) {
    throw new InputError(`Input 'destination' must be artifact, s3, file or a comma list of them without repeats; got '${raw}'.`)
  }
  const artifact: ArtifactSettings | undefined = order.includes('artifact')
    ? { retentionDays: integer('artifact-retention-days', read('artifact-retention-days'), 1, 400) }
    : undefined
  return { order, artifact, s3: order.includes('s3') ? parseS3(read) : undefined, file: order.includes('file') ? parseFile(read) : undefined }
}

/** DESIGN.md §8: a relative file-path is the workspace's, like every other path a workflow names. */
function parseFile(read: InputReader): FileSettings {
  const raw = read('file-path')
  if (!raw) throw new InputError(`Input 'file-path' is required when 'destination' includes file: a directory on the runner (a mounted volume, a NAS).`)
  if (raw.includes('\0')) throw new InputError(`Input 'file-path' must be a directory path; got a NUL character.`)
  return { root: path.resolve(process.env.GITHUB_WORKSPACE || process.cwd(), raw) }
}

function parseS3(read: InputReader): S3Settings {
  const bucket = read('s3-bucket')
  if (!bucket) throw new InputError(`Input 's3-bucket' is required when 'destination' includes s3.`)
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new InputError(`Input 's3-bucket' must be a bucket name (3–63 of a–z 0–9 . -); got '${bucket}'.`)
  }
  let prefix = read('s3-prefix')
  if (prefix === '') prefix = 'pg-backups/'
  prefix = prefix.replace(/^\/+/, '')
  if (prefix && !prefix.endsWith('/')) prefix += '/'

  const endpoint = read('s3-endpoint') || undefined
  if (endpoint) {
    if (!URL.canParse(endpoint) || !['http:', 'https:'].includes(new URL(endpoint).protocol)) throw new InputError(`Input 's3-endpoint' must be an http(s) URL; got '${endpoint}'.`)
  }
  const accessKeyId = read('aws-access-key-id')
  const secretAccessKey = read('aws-secret-access-key')
  if (!!accessKeyId !== !!secretAccessKey) {
    throw new InputError(`Inputs 'aws-access-key-id' and 'aws-secret-access-key' must be given together (or neither, to use the AWS credential chain).`)
  }
  const sse = read('s3-sse') ? oneOf('s3-sse', read('s3-sse'), SSE_VALUES, 'AES256') : undefined
  const kmsKeyId = read('s3-kms-key-id') || undefined
  if (kmsKeyId && !sse?.startsWith('aws:kms')) {
    throw new InputError(`Input 's3-kms-key-id' needs 's3-sse: aws:kms' (or aws:kms:dsse).`)
  }
  const storageClass = read('s3-storage-class') || undefined
  if (storageClass && !/^[A-Z_]+$/.test(storageClass)) {
    throw new InputError(`Input 's3-storage-class' must be a storage class such as STANDARD, STANDARD_IA, GLACIER_IR; got '${storageClass}'.`)
  }
  return {
    bucket,
    prefix,
    endpoint,
    region: read('s3-region') || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || 'us-east-1',
    // Custom endpoints (MinIO above all) mostly need path-style addressing.
    forcePathStyle: boolean('s3-force-path-style', read('s3-force-path-style')) ?? !!endpoint,
    storageClass,
    sse,
    kmsKeyId,
    objectLockDays: integer('s3-object-lock-days', read('s3-object-lock-days'), 1, 36500),
    partSizeMiB: integer('s3-part-size', read('s3-part-size'), 5, 5120),
    credentials: accessKeyId ? { accessKeyId, secretAccessKey } : undefined
  }
}

/**
 * Reads and validates every input, masking secrets before anything else uses
 * them. Pure apart from `mask`: a bad value throws InputError before any side
 * effect.
 */
export function parseInputs(read: InputReader, mask: (secret: string) => void): Settings {
  const secrets: string[] = []
  const addSecret = (value: string): void => {
    for (const form of secretForms(value)) {
      if (!secrets.includes(form)) {
        secrets.push(form)
        mask(form)
      }
    }
  }
  // Mask first: a later validation error must not be the first place a secret shows up.
  for (const name of ['database-url', 'target-database-url', 'scratch-database-url', 'aws-secret-access-key', 'aws-access-key-id', 'github-token', 'age-passphrase', 'gpg-passphrase', 'gpg-private-key-passphrase', 'neon-api-key']) {
    addSecret(read(name))
  }
  // Multi-line secrets: the runner masks line by line, so each line is a secret of its own too.
  for (const name of ['age-identity', 'gpg-private-key']) {
    addSecret(read(name))
    for (const line of lines(read(name))) if (line.length >= 8 && !line.startsWith('-----')) addSecret(line)
  }
  const decryption = parseDecryption(read)
  /** Parses a URL input and masks its password in every form. */
  const rootCertPem = parseRootCert(read('ssl-root-cert'))
  const server = (input: string, provider = read('provider')): SourceSettings => {
    const raw = read(input)
    const parsed = parseDatabaseUrl(raw, provider, input, rootCertPem)
    if (parsed.password) {
      addSecret(parsed.password)
      addSecret(new URL(raw).password)
    }
    if (parsed.ssl.keyPassword) addSecret(parsed.ssl.keyPassword)
    return parsed
  }
  const required = (input: string, command: string): void => {
    if (!read(input)) throw new InputError(`Input '${input}' is required for command: ${command}.`)
  }

  const command = oneOf('command', read('command'), COMMANDS, 'backup')
  if (!(AVAILABLE_COMMANDS as readonly string[]).includes(command)) {
    throw new InputError(`Input 'command: ${command}' is not available in this version; available: ${AVAILABLE_COMMANDS.join(', ')}.`)
  }
  const pgVersionRaw = read('pg-version') || 'auto'
  const pgVersion = pgVersionRaw === 'auto' ? 'auto' : integer('pg-version', pgVersionRaw, 9, 99)
  if (pgVersion === undefined) throw new InputError(`Input 'pg-version' must be auto or a major version such as 16.`)
  const destinations = parseDestinations(read)
  if (destinations.s3?.credentials) addSecret(destinations.s3.credentials.secretAccessKey)
  const scratch = (): ScratchSettings => ({ server: server('scratch-database-url', 'auto'), verifySql: lines(read('verify-sql')) })

  if (command === 'backup') {
    const provider = resolveProvider(read, 'database-url')
    if (read('neon-mode') && provider !== 'neon') throw new InputError(`Input 'neon-mode' needs 'provider: neon'; got provider ${provider}.`)
    const mode = oneOf('neon-mode', read('neon-mode'), NEON_MODES, 'dump')
    // Through the API: branch and snapshot always; a dump when an API key is given (it reads a fresh temporary branch).
    if (provider === 'neon' && (mode !== 'dump' || read('neon-api-key'))) return parseNeonBackup(mode)
    if (read('neon-point-in-time')) throw new InputError(`Input 'neon-point-in-time' needs 'provider: neon' with 'neon-api-key' and 'neon-project-id' (the dump then reads a branch made at that point).`)
    required('database-url', command)
    const source = server('database-url', provider)
    const plan = dumpPlan()
    return { ...plan, source, name: parseName(read('name') || source.database) }
  }

  /** Everything a pg_dump backup needs apart from its source and name. */
  function dumpPlan(): Omit<BackupSettings, 'source' | 'name'> {
    const verify: VerifyLevel = oneOf('verify', read('verify'), VERIFY_LEVELS, 'archive')
    if (verify === 'restore') required('scratch-database-url', 'backup with verify: restore')
    if (read('verify-sql') && verify !== 'restore') throw new InputError(`Input 'verify-sql' runs on a restored copy: it needs 'verify: restore'.`)
    const encryption = parseEncryption(read)
    if (encryption && verify !== 'none') {
      // verify reads the backup back: with public keys only, it needs the matching private key.
      if (encryption.kind === 'age' && !canDecrypt(encryption, decryption)) {
        throw new InputError(`Input 'age-identity' is required to verify an age-encrypted backup (verify: ${verify}); give the identity (kept in a secret) or set verify: none.`)
      }
      if (encryption.kind === 'gpg' && !canDecrypt(encryption, decryption)) {
        throw new InputError(`Input 'gpg-private-key' is required to verify an OpenPGP-encrypted backup (verify: ${verify}); give the private key (kept in a secret) or set verify: none.`)
      }
    }
    return {
      command: 'backup',
      mode: 'dump',
      ...parseDumpOptions(read),
      pgVersion: pgVersion as 'auto' | number,
      destinations,
      verify,
      scratch: verify === 'restore' ? scratch() : undefined,
      retention: parseRetention(read),
      githubToken: read('github-token') || undefined,
      encryption,
      decryption: {
        ...decryption,
        agePassphrase: decryption.agePassphrase ?? (encryption?.kind === 'age' ? encryption.passphrase : undefined),
        gpgPassphrase: decryption.gpgPassphrase ?? (encryption?.kind === 'gpg' ? encryption.passphrase : undefined)
      },
      secrets
    }
  }

  /** provider: neon through the API: a backup branch, a snapshot, or a dump of a fresh temporary branch. */
  function parseNeonBackup(mode: NeonBackupSettings['neonMode']): NeonBackupSettings {
    const neon = parseNeon(read, `provider: neon with neon-mode: ${mode}`)
    const source = read('database-url') ? server('database-url', 'neon') : undefined
    const verify: VerifyLevel = oneOf('verify', read('verify'), VERIFY_LEVELS, 'archive')
    if (mode !== 'dump') {
      if (read('verify-sql') && verify !== 'restore') throw new InputError(`Input 'verify-sql' runs on the backup's data: it needs 'verify: restore'.`)
      if (verify === 'restore' && neon.pointInTime) {
        throw new InputError(
          `'verify: restore' compares the backup with the source's row counts at the same point, which cannot be read at a past 'neon-point-in-time'; use verify: archive, or neon-mode: dump (whose counts come from the dump's own snapshot).`
        )
      }
      for (const input of ['age-recipients', 'age-passphrase', 'gpg-public-key', 'gpg-passphrase']) {
        if (read(input)) throw new InputError(`Input '${input}' has no meaning for neon-mode: ${mode}: Neon keeps the branch or snapshot itself; use neon-mode: dump to store an encrypted file.`)
      }
    }
    return {
      command: 'backup',
      mode: 'neon',
      neonMode: mode,
      neon,
      name: read('name') ? parseName(read('name')) : neon.database ?? source?.database,
      source,
      verify,
      verifySql: lines(read('verify-sql')),
      retention: parseRetention(read),
      dump: mode === 'dump' ? dumpPlan() : undefined,
      secrets
    }
  }

  const read_: ReadSettings = {
    name: read('name') ? parseName(read('name')) : undefined,
    destinations,
    artifactRunId: integer('artifact-run-id', read('artifact-run-id'), 1, Number.MAX_SAFE_INTEGER),
    githubToken: read('github-token') || undefined,
    pgVersion,
    decryption,
    secrets
  }
  if (read_.artifactRunId && !read_.githubToken) throw new InputError(`Input 'artifact-run-id' needs 'github-token' (with actions: read) to read another run's artifacts.`)
  if (command === 'list') return { ...read_, command }
  if (command === 'check') {
    required('max-age', command)
    if (!read_.name) throw new InputError(`Input 'name' is required for command: check.`)
    return { ...read_, command, name: read_.name, maxAgeSeconds: parseMaxAge(read('max-age'))! }
  }

  if (command === 'restore' && resolveProvider(read, 'target-database-url') === 'neon' && !read('target-database-url')) return parseNeonRestore()
  const backup = parseBackupRef(read('backup'))
  const name = read_.name ?? nameFromBackupRef(backup)
  if (command === 'restore') {
    required('target-database-url', command)
    return {
      ...read_,
      command,
      mode: 'file',
      name,
      backup,
      target: server('target-database-url'),
      confirm: read('confirm') || undefined,
      safetyBackup: boolean('safety-backup', read('safety-backup')) ?? true,
      dryRun: boolean('dry-run', read('dry-run')) ?? false,
      encryption: parseEncryption(read)
    }
  }
  required('scratch-database-url', command)
  return { ...read_, command: 'restore-test', name, backup, scratch: scratch(), maxAgeSeconds: parseMaxAge(read('max-age')) }

  /** restore with provider: neon: the branch restored in place from a backup branch, a snapshot or its own history. */
  function parseNeonRestore(): NeonRestoreSettings {
    const neon = parseNeon(read, 'command: restore with provider: neon')
    const backup = read('backup') || 'latest'
    if (!isLabel(backup)) throw new InputError(`Input 'backup' must be latest, or a backup branch or snapshot by name or id.`)
    if (neon.pointInTime && backup !== 'latest') {
      throw new InputError(`Inputs 'neon-point-in-time' and 'backup' name two different sources: give 'backup' (a backup branch or snapshot) or 'neon-point-in-time' (the branch's own history), not both.`)
    }
    return {
      command: 'restore',
      mode: 'neon',
      neon,
      name: read_.name,
      backup,
      confirm: read('confirm') || undefined,
      dryRun: boolean('dry-run', read('dry-run')) ?? false,
      secrets
    }
  }
}

/** Whether these decryption inputs can read back what this encryption writes (so it can be verified). */
export function canDecrypt(e: EncryptionSettings, d: DecryptionSettings): boolean {
  if (e.passphrase !== undefined) return true
  return e.kind === 'age' ? d.ageIdentities.length > 0 : d.gpgPrivateKeys.length > 0
}

/** `ssl-root-cert`: one or more PEM certificates (a provider's bundle, such as RDS's, holds many). */
function parseRootCert(value: string): string | undefined {
  if (!value) return undefined
  const certs = value.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)
  if (!certs) throw new InputError(`Input 'ssl-root-cert' must be PEM text (-----BEGIN CERTIFICATE----- …), such as the CA bundle your provider publishes; got no certificate.`)
  return certs.join('\n') + '\n'
}

const AGE_RECIPIENT = /^age1[0-9a-z]{20,}$/
const AGE_IDENTITY = /^AGE-SECRET-KEY-1[0-9A-Z]{20,}$/

function parseEncryption(read: InputReader): EncryptionSettings | undefined {
  const recipients = lines(read('age-recipients')).filter(l => !l.startsWith('#'))
  const agePassphrase = read('age-passphrase') || undefined
  const gpgKeys = splitArmored(read('gpg-public-key'), 'PUBLIC')
  const gpgPassphrase = read('gpg-passphrase') || undefined
  const age = recipients.length > 0 || agePassphrase !== undefined
  const gpg = gpgKeys.length > 0 || gpgPassphrase !== undefined
  if (age && gpg) {
    const given = ['age-recipients', 'age-passphrase', 'gpg-public-key', 'gpg-passphrase'].filter(i => read(i)).map(i => `'${i}'`)
    throw new InputError(`Inputs ${given.slice(0, -1).join(', ')} and ${given[given.length - 1]} cannot be combined: choose age or OpenPGP encryption.`)
  }
  if (recipients.length && agePassphrase !== undefined) {
    throw new InputError(`Inputs 'age-recipients' and 'age-passphrase' cannot be combined (the age format allows recipients or one passphrase).`)
  }
  for (const r of recipients) if (!AGE_RECIPIENT.test(r)) throw new InputError(`Input 'age-recipients' takes one age public key (age1…) per line; got '${r.slice(0, 12)}…'.`)
  if (read('gpg-public-key') && gpgKeys.length === 0) throw new InputError(`Input 'gpg-public-key' holds no armored public key block (-----BEGIN PGP PUBLIC KEY BLOCK-----).`)
  if (age) return { kind: 'age', recipients, passphrase: agePassphrase }
  if (gpg) return { kind: 'gpg', publicKeys: gpgKeys, passphrase: gpgPassphrase }
  return undefined
}

function parseDecryption(read: InputReader): DecryptionSettings {
  const ageIdentities = lines(read('age-identity')).filter(l => !l.startsWith('#'))
  for (const id of ageIdentities) if (!AGE_IDENTITY.test(id)) throw new InputError(`Input 'age-identity' takes age identities (AGE-SECRET-KEY-1…), one per line; a line is not one.`)
  const gpgPrivateKeys = splitArmored(read('gpg-private-key'), 'PRIVATE')
  if (read('gpg-private-key') && gpgPrivateKeys.length === 0) throw new InputError(`Input 'gpg-private-key' holds no armored private key block (-----BEGIN PGP PRIVATE KEY BLOCK-----).`)
  return {
    ageIdentities,
    agePassphrase: read('age-passphrase') || undefined,
    gpgPrivateKeys,
    gpgPrivateKeyPassphrase: read('gpg-private-key-passphrase') || undefined,
    gpgPassphrase: read('gpg-passphrase') || undefined
  }
}

/** Armored blocks of one kind in an input (several keys may be pasted one after another). */
function splitArmored(value: string, kind: 'PUBLIC' | 'PRIVATE'): string[] {
  const re = new RegExp(`-----BEGIN PGP ${kind} KEY BLOCK-----[\\s\\S]*?-----END PGP ${kind} KEY BLOCK-----`, 'g')
  return value.match(re) ?? []
}

function parseName(name: string): string {
  if (!NAME.test(name)) throw new InputError(`Input 'name' must be 1–100 of A–Z a–z 0–9 . _ - ; got '${name}'.`)
  return name
}

/** `backup:` — latest, latest-verified, an S3 key (contains `/`) or an artifact name (DESIGN.md §2, §7). */
export function parseBackupRef(value: string): BackupRef {
  if (!value || value === 'latest') return { kind: 'latest' }
  if (value === 'latest-verified') return { kind: 'latest-verified' }
  if (!/^[A-Za-z0-9._\-/]+$/.test(value) || value.includes('..')) {
    throw new InputError(`Input 'backup' must be latest, latest-verified, a path under file-path, an S3 key or an artifact name; got '${value}'.`)
  }
  if (value.startsWith('/')) return { kind: 'path', path: value }
  return value.includes('/') ? { kind: 'key', key: value } : { kind: 'artifact', name: value }
}

function nameFromBackupRef(ref: BackupRef): string {
  const file = ref.kind === 'key' ? ref.key.split('/').pop()! : ref.kind === 'path' ? ref.path.split('/').pop()! : ref.kind === 'artifact' ? ref.name : ''
  const name = nameOfStored(file)
  if (!name) throw new InputError(`Input 'name' is required to find the ${ref.kind === 'latest' || ref.kind === 'latest-verified' ? `${ref.kind} backup` : 'backup'} (or give 'backup' as a key or artifact name made by this action).`)
  return name
}

/** `30m`, `26h`, `2d`, `1w` → seconds. */
export function parseMaxAge(value: string): number | undefined {
  if (!value) return undefined
  const m = /^(\d+)(m|h|d|w)$/.exec(value)
  if (!m || Number(m[1]) === 0) throw new InputError(`Input 'max-age' must be a number with m, h, d or w (30m, 26h, 2d, 1w); got '${value}'.`)
  return Number(m[1]) * { m: 60, h: 3600, d: 86400, w: 604800 }[m[2] as 'm' | 'h' | 'd' | 'w']
}

function parseDumpOptions(read: InputReader): Pick<BackupSettings, 'format' | 'compression' | 'jobs' | 'pgDumpArgs' | 'lockWaitTimeout'> {
  const format: Format = oneOf('format', read('format'), FORMATS, 'custom')
  const algorithm = oneOf('compression', read('compression'), COMPRESSIONS, 'zstd')
  const range = LEVEL_RANGE[algorithm]
  const levelRaw = read('compression-level')
  if (levelRaw && !range) throw new InputError(`Input 'compression-level' has no meaning with 'compression: none'.`)
  const level = range ? integer('compression-level', levelRaw, range[0], range[1]) : undefined
  const jobs = integer('jobs', read('jobs'), 1, 64) ?? 1
  if (jobs > 1 && format !== 'directory') {
    throw new InputError(`Input 'jobs' above 1 needs 'format: directory' (pg_dump dumps in parallel only into a directory); got jobs ${jobs} with format ${format}.`)
  }
  const pgDumpArgs = lines(read('pg-dump-args'))
  for (const arg of pgDumpArgs) {
    const flag = arg.split('=')[0]
    const short = /^-[a-zA-Z]/.test(flag) ? flag.slice(0, 2) : flag
    if (RESERVED_DUMP_ARGS.includes(flag) || RESERVED_DUMP_ARGS.includes(short)) {
      throw new InputError(`Input 'pg-dump-args' must not set '${short}': the action sets it (use the inputs format, compression, jobs or database-url instead).`)
    }
    if (!arg.startsWith('-')) {
      throw new InputError(`Input 'pg-dump-args' takes options only, one per line (e.g. --exclude-table-data=audit_log); got '${arg}'.`)
    }
  }
  return { format, compression: { algorithm, level }, jobs, pgDumpArgs, lockWaitTimeout: parseLockWaitTimeout(read('lock-wait-timeout')) }
}

/** The one place that calls core.getInput. */
export function getSettings(): Settings {
  return parseInputs(name => core.getInput(name).trim(), core.setSecret)
}
