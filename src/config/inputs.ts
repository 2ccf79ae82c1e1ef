import * as core from '@actions/core'
import { InputError } from '../runtime/errors.js'
import type { BackupSettings, ReadSettings, Settings } from './settings.js'
import { boolean, integer, oneOf, parseMaxAge, parseName, type InputReader } from './fields.js'
import { Secrets } from './secrets.js'
import { parseRootCert, resolveProvider } from './database-url.js'
import { parseDecryption, parseEncryption } from './encryption.js'
import { nameFromBackupRef, parseBackupRef, parseDestinations } from './destinations.js'
import { NEON_MODES, parseNeonBackup, parseNeonReading, parseNeonRestore } from './neon.js'
import { dumpPlan } from './dump.js'
import { ParseContext } from './context.js'
import { parseRenderBackup, wantsRenderExport } from './render.js'

const COMMANDS = ['backup', 'restore', 'restore-test', 'list', 'check'] as const

/**
 * Reads and validates every input, masking secrets before anything else uses
 * them. Pure apart from `mask`: a bad value throws InputError before any side
 * effect. The inputs every command reads are read here once; each command's
 * own inputs in the parser of its story.
 */
export function parseInputs(read: InputReader, mask: (secret: string) => void): Settings {
  const secrets = new Secrets(mask)
  secrets.addInputs(read)
  const decryption = parseDecryption(read)
  const rootCertPem = parseRootCert(read('ssl-root-cert'))
  const command = oneOf('command', read('command'), COMMANDS, 'backup')
  const webhook = read('webhook-url')
  if (webhook && !(URL.canParse(webhook) && ['http:', 'https:'].includes(new URL(webhook).protocol)))
    throw new InputError(`Input 'webhook-url' must be an http(s) URL (a Slack or Teams incoming webhook, or your own endpoint).`)
  const pgVersionRaw = read('pg-version') || 'auto'
  const pgVersion = pgVersionRaw === 'auto' ? 'auto' : integer('pg-version', pgVersionRaw, 9, 99)
  if (pgVersion === undefined) throw new InputError(`Input 'pg-version' must be auto or a major version such as 16.`)
  const destinations = parseDestinations(read)
  if (destinations.s3?.credentials) secrets.add(destinations.s3.credentials.secretAccessKey)
  const ctx = new ParseContext(read, secrets, decryption, pgVersion, destinations, rootCertPem)
  return command === 'backup' ? parseBackup(ctx) : parseReading(ctx, command)
}

/** backup: pg_dump of database-url, Neon through its API, or Render's own export. */
function parseBackup(ctx: ParseContext): Settings {
  const { read } = ctx
  if (wantsRenderExport(ctx)) return parseRenderBackup(ctx)
  const provider = resolveProvider(read, 'database-url')
  if (read('neon-mode') && provider !== 'neon') throw new InputError(`Input 'neon-mode' needs 'provider: neon'; got provider ${provider}.`)
  const mode = oneOf('neon-mode', read('neon-mode'), NEON_MODES, 'dump')
  // Through the API: branch and snapshot always; a dump when an API key is given (it reads a fresh temporary branch).
  if (provider === 'neon' && (mode !== 'dump' || read('neon-api-key'))) {
    if (read('databases'))
      throw new InputError(
        `Input 'databases' backs up several databases of one server with pg_dump: it does not combine with Neon's API (neon-api-key, neon-mode); give a database-url instead.`
      )
    return parseNeonBackup(ctx, mode)
  }
  if (read('neon-point-in-time'))
    throw new InputError(
      `Input 'neon-point-in-time' needs 'provider: neon' with 'neon-api-key' and 'neon-project-id' (the dump then reads a branch made at that point).`
    )
  ctx.required('database-url', 'backup')
  const source = ctx.server('database-url', provider)
  const plan = dumpPlan(ctx, provider)
  const name = parseName(read('name') || source.database)
  // DESIGN.md §3: the roles backup is `{name or the host}-roles`.
  const roles = boolean('roles', read('roles'))
    ? { name: parseName(`${read('name') ? name : source.host.replace(/[^A-Za-z0-9._-]/g, '-')}-roles`.slice(-100)) }
    : undefined
  const databases = parseDatabases(read('databases'), read('name') ? name : undefined)
  return { ...plan, source, name, ...(roles ? { roles } : {}), ...(databases ? { databases } : {}) }
}

/** The commands that read stored backups: list, check, restore, restore-test. */
function parseReading(ctx: ParseContext, command: Exclude<Settings['command'], 'backup'>): Settings {
  const { read } = ctx
  // Neon's own backups are branches and snapshots, read through its API (restore has its own Neon story below).
  if (command !== 'restore' && read('neon-api-key') && resolveProvider(read, 'database-url') === 'neon')
    return parseNeonReading(ctx, command)
  const reading: ReadSettings = {
    name: read('name') ? parseName(read('name')) : undefined,
    destinations: ctx.destinations,
    artifactRunId: integer('artifact-run-id', read('artifact-run-id'), 1, Number.MAX_SAFE_INTEGER),
    githubToken: read('github-token') || undefined,
    pgVersion: ctx.pgVersion,
    decryption: ctx.decryption,
    secrets: ctx.secrets.values
  }
  if (reading.artifactRunId && !reading.githubToken)
    throw new InputError(`Input 'artifact-run-id' needs 'github-token' (with actions: read) to read another run's artifacts.`)
  if (command === 'list') return { ...reading, command }
  if (command === 'check') {
    ctx.required('max-age', command)
    if (!reading.name) throw new InputError(`Input 'name' is required for command: check.`)
    return { ...reading, command, name: reading.name, maxAgeSeconds: parseMaxAge(read('max-age'))! }
  }
  if (command === 'restore' && resolveProvider(read, 'target-database-url') === 'neon' && !read('target-database-url'))
    return parseNeonRestore(ctx, reading.name)
  const backup = parseBackupRef(read('backup'))
  const name = reading.name ?? nameFromBackupRef(backup)
  if (command === 'restore') {
    ctx.required('target-database-url', command)
    return {
      ...reading,
      command,
      mode: 'file',
      name,
      backup,
      target: ctx.server('target-database-url'),
      confirm: read('confirm') || undefined,
      safetyBackup: boolean('safety-backup', read('safety-backup')) ?? true,
      dryRun: boolean('dry-run', read('dry-run')) ?? false,
      encryption: parseEncryption(read)
    }
  }
  ctx.required('scratch-database-url', command)
  return { ...reading, command: 'restore-test', name, backup, scratch: ctx.scratch(), maxAgeSeconds: parseMaxAge(read('max-age')) }
}

/** The one place that calls core.getInput. */
export function getSettings(mask: (secret: string) => void = core.setSecret): Settings {
  return parseInputs(name => core.getInput(name).trim(), mask)
}

/**
 * `webhook-url`, read on its own before the other inputs: a run whose
 * inputs are invalid still notifies (DESIGN.md §8). Masked first; an
 * unusable URL is ignored here and refused by parseInputs.
 */
export function getWebhook(
  read: InputReader = name => core.getInput(name).trim(),
  mask: (secret: string) => void = core.setSecret
): { url: string; command: string } | undefined {
  const url = read('webhook-url')
  if (!url) return undefined
  new Secrets(mask).add(url)
  if (!URL.canParse(url) || !['http:', 'https:'].includes(new URL(url).protocol)) return undefined
  return { url, command: read('command') || 'backup' }
}

/** `databases`: `all`, or names separated by commas or new lines (DESIGN.md §2, §8). */
function parseDatabases(value: string, prefix: string | undefined): BackupSettings['databases'] {
  if (!value) return undefined
  if (value === 'all') return { list: 'all', prefix }
  const list = value
    .split(/[,\n]/)
    .map(x => x.trim())
    .filter(Boolean)
  if (!list.length) throw new InputError(`Input 'databases' must be all, or database names separated by commas or new lines.`)
  const repeated = list.find((d, i) => list.indexOf(d) !== i)
  if (repeated) throw new InputError(`Input 'databases' names ${repeated} twice.`)
  return { list, prefix }
}
