import { InputError } from '../runtime/errors.js'
import type { BackupJob, BackupSettings, CompressionAlgorithm, Format, Provider, VerifyLevel } from './settings.js'
import { PRESETS } from './presets.js'
import { integer, lines, oneOf, parseLockWaitTimeout, type InputReader } from './fields.js'
import type { ParseContext } from './context.js'
import { canDecrypt, parseEncryption } from './encryption.js'
import { parseRetention } from './retention.js'

export const FORMATS = ['custom', 'plain', 'directory', 'supabase'] as const

export const COMPRESSIONS = ['zstd', 'gzip', 'none'] as const

export const LEVEL_RANGE: Record<CompressionAlgorithm, [number, number] | undefined> = {
  zstd: [1, 19],
  gzip: [1, 9],
  none: undefined
}

/**
 * pg_dump options the action sets itself: accepting them in `pg-dump-args`
 * would silently change the format, the compression, the target or the
 * snapshot that the manifest describes.
 */
export const RESERVED_DUMP_ARGS = [
  '-f',
  '--file',
  '-F',
  '--format',
  '-Z',
  '--compress',
  '-d',
  '--dbname',
  '-h',
  '--host',
  '-p',
  '--port',
  '-U',
  '--username',
  '-W',
  '--password',
  '-w',
  '--no-password',
  '-j',
  '--jobs',
  '--snapshot',
  '--lock-wait-timeout'
]

export function parseDumpOptions(
  read: InputReader,
  provider: Provider
): Pick<BackupSettings, 'format' | 'compression' | 'jobs' | 'pgDumpArgs' | 'lockWaitTimeout' | 'rowCounts'> {
  const format: Format = oneOf('format', read('format'), FORMATS, PRESETS[provider].format ?? 'custom')
  if (format === 'supabase' && provider !== 'supabase') {
    throw new InputError(
      `Input 'format: supabase' stores a Supabase project's roles, schema and data: it needs 'provider: supabase' (or a *.supabase.co / *.supabase.com host); got provider ${provider}.`
    )
  }
  const algorithm = oneOf('compression', read('compression'), COMPRESSIONS, 'zstd')
  const range = LEVEL_RANGE[algorithm]
  const levelRaw = read('compression-level')
  if (levelRaw && !range) throw new InputError(`Input 'compression-level' has no meaning with 'compression: none'.`)
  const level = range ? integer('compression-level', levelRaw, range[0], range[1]) : undefined
  const jobs = integer('jobs', read('jobs'), 1, 64) ?? 1
  if (jobs > 1 && format !== 'directory') {
    throw new InputError(
      `Input 'jobs' above 1 needs 'format: directory' (pg_dump dumps in parallel only into a directory); got jobs ${jobs} with format ${format}.`
    )
  }
  const pgDumpArgs = lines(read('pg-dump-args'))
  for (const arg of pgDumpArgs) {
    const flag = arg.split('=')[0]
    const short = /^-[a-zA-Z]/.test(flag) ? flag.slice(0, 2) : flag
    if (RESERVED_DUMP_ARGS.includes(flag) || RESERVED_DUMP_ARGS.includes(short)) {
      throw new InputError(
        `Input 'pg-dump-args' must not set '${short}': the action sets it (use the inputs format, compression, jobs or database-url instead).`
      )
    }
    if (!arg.startsWith('-')) {
      throw new InputError(`Input 'pg-dump-args' takes options only, one per line (e.g. --exclude-table-data=audit_log); got '${arg}'.`)
    }
  }
  // archive: counted in the stream pg_dump writes, so the source is read once (DESIGN.md §2); source adds a count(*) of every table.
  const rowCounts = oneOf('row-counts', read('row-counts'), ['archive', 'source', 'none'] as const, 'archive')
  return {
    format,
    compression: { algorithm, level },
    jobs,
    pgDumpArgs,
    lockWaitTimeout: parseLockWaitTimeout(read('lock-wait-timeout')),
    rowCounts
  }
}

const VERIFY_LEVELS = ['archive', 'restore', 'none'] as const

export function parseVerifyLevel(read: InputReader): VerifyLevel {
  return oneOf('verify', read('verify'), VERIFY_LEVELS, 'archive')
}

/** Everything a pg_dump backup needs apart from its source and name. */
export function dumpPlan(ctx: ParseContext, provider: Provider): Omit<BackupSettings, 'source' | 'name'> {
  return { command: 'backup', mode: 'dump', ...parseDumpOptions(ctx.read, provider), ...jobPlan(ctx) }
}

/** What storing, verifying and keeping any backup needs, whatever makes its bytes. */
export function jobPlan(ctx: ParseContext): Omit<BackupJob, 'name' | 'format' | 'compression'> {
  const { read, decryption } = ctx
  const verify = parseVerifyLevel(read)
  if (verify === 'restore') ctx.required('scratch-database-url', 'backup with verify: restore')
  if (read('verify-sql') && verify !== 'restore')
    throw new InputError(`Input 'verify-sql' runs on a restored copy: it needs 'verify: restore'.`)
  const encryption = parseEncryption(read)
  if (encryption && verify !== 'none') {
    // verify reads the backup back: with public keys only, it needs the matching private key.
    if (encryption.kind === 'age' && !canDecrypt(encryption, decryption)) {
      throw new InputError(
        `Input 'age-identity' is required to verify an age-encrypted backup (verify: ${verify}); give the identity (kept in a secret) or set verify: none.`
      )
    }
    if (encryption.kind === 'gpg' && !canDecrypt(encryption, decryption)) {
      throw new InputError(
        `Input 'gpg-private-key' is required to verify an OpenPGP-encrypted backup (verify: ${verify}); give the private key (kept in a secret) or set verify: none.`
      )
    }
  }
  return {
    pgVersion: ctx.pgVersion,
    destinations: ctx.destinations,
    verify,
    scratch: verify === 'restore' ? ctx.scratch() : undefined,
    retention: parseRetention(read),
    anomaly: {
      onAnomaly: oneOf('on-anomaly', read('on-anomaly'), ['warn', 'fail'] as const, 'warn'),
      maxShrink: integer('max-shrink', read('max-shrink'), 1, 100) ?? 50
    },
    githubToken: read('github-token') || undefined,
    encryption,
    decryption: {
      ...decryption,
      agePassphrase: decryption.agePassphrase ?? (encryption?.kind === 'age' ? encryption.passphrase : undefined),
      gpgPassphrase: decryption.gpgPassphrase ?? (encryption?.kind === 'gpg' ? encryption.passphrase : undefined)
    },
    secrets: ctx.secrets.values
  }
}
