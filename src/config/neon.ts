import { InputError } from '../runtime/errors.js'
import type { NeonBackupSettings, NeonPoint, NeonReadSettings, NeonRestoreSettings, NeonSettings } from './settings.js'
import { boolean, isLabel, lines, parseMaxAge, parseName, type InputReader } from './fields.js'
import type { ParseContext } from './context.js'
import { dumpPlan, parseVerifyLevel } from './dump.js'
import { parseRetention } from './retention.js'

export const NEON_MODES = ['dump', 'branch', 'snapshot'] as const

/** ISO 8601 with a zone (normalised to UTC seconds) or an LSN such as 0/1DE2850; never in the future. */
export function parseNeonPoint(value: string, now = new Date()): NeonPoint | undefined {
  if (!value) return undefined
  if (/^[0-9A-F]{1,8}\/[0-9A-F]{1,8}$/i.test(value)) return { kind: 'lsn', value: value.toUpperCase() }
  const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/
  const at = new Date(value)
  if (!iso.test(value) || Number.isNaN(at.getTime())) {
    throw new InputError(
      `Input 'neon-point-in-time' must be an ISO 8601 time with a zone (2026-11-30T03:00:00Z) or an LSN (0/1DE2850); got '${value}'.`
    )
  }
  if (at.getTime() > now.getTime()) throw new InputError(`Input 'neon-point-in-time' is in the future (${value}).`)
  return { kind: 'timestamp', value: at.toISOString().replace(/\.\d{3}Z$/, 'Z') }
}

export function parseNeon(read: InputReader, purpose: string): NeonSettings {
  for (const input of ['neon-api-key', 'neon-project-id'])
    if (!read(input)) throw new InputError(`Input '${input}' is required for ${purpose}.`)
  const projectId = read('neon-project-id')
  if (!/^[a-z0-9-]{1,60}$/.test(projectId))
    throw new InputError(
      `Input 'neon-project-id' must be a Neon project id (1–60 of a–z 0–9 -, e.g. floral-king-961888); got '${projectId}'.`
    )
  const apiUrl = read('neon-api-url') || 'https://console.neon.tech/api/v2'
  if (!URL.canParse(apiUrl) || !['http:', 'https:'].includes(new URL(apiUrl).protocol))
    throw new InputError(`Input 'neon-api-url' must be an http(s) URL; got '${apiUrl}'.`)
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

/** list, check, restore-test of Neon's backup branches and snapshots through the API. */
export function parseNeonReading(ctx: ParseContext, command: NeonReadSettings['command']): NeonReadSettings {
  const { read } = ctx
  const neon = parseNeon(read, `command: ${command} with provider: neon`)
  const name = read('name') ? parseName(read('name')) : undefined
  if (command !== 'list' && !name)
    throw new InputError(`Input 'name' is required for command: ${command} with provider: neon (the name its backups were made under).`)
  if (command === 'check') ctx.required('max-age', command)
  return {
    command,
    mode: 'neon',
    neon,
    name,
    backup: read('backup') || 'latest',
    maxAgeSeconds: parseMaxAge(read('max-age')),
    verifySql: lines(read('verify-sql')),
    secrets: ctx.secrets.values
  }
}

/** provider: neon through the API: a backup branch, a snapshot, or a dump of a fresh temporary branch. */
export function parseNeonBackup(ctx: ParseContext, mode: NeonBackupSettings['neonMode']): NeonBackupSettings {
  const { read } = ctx
  const neon = parseNeon(read, `provider: neon with neon-mode: ${mode}`)
  const source = read('database-url') ? ctx.server('database-url', 'neon') : undefined
  const verify = parseVerifyLevel(read)
  if (mode !== 'dump') {
    if (read('verify-sql') && verify !== 'restore')
      throw new InputError(`Input 'verify-sql' runs on the backup's data: it needs 'verify: restore'.`)
    if (verify === 'restore' && neon.pointInTime) {
      throw new InputError(
        `'verify: restore' compares the backup with the source's row counts at the same point, which cannot be read at a past 'neon-point-in-time'; use verify: archive, or neon-mode: dump (whose counts come from the dump's own snapshot).`
      )
    }
    for (const input of ['age-recipients', 'age-passphrase', 'gpg-public-key', 'gpg-passphrase']) {
      if (read(input))
        throw new InputError(
          `Input '${input}' has no meaning for neon-mode: ${mode}: Neon keeps the branch or snapshot itself; use neon-mode: dump to store an encrypted file.`
        )
    }
  }
  return {
    command: 'backup',
    mode: 'neon',
    neonMode: mode,
    neon,
    name: read('name') ? parseName(read('name')) : (neon.database ?? source?.database),
    source,
    verify,
    verifySql: lines(read('verify-sql')),
    retention: parseRetention(read),
    dump: mode === 'dump' ? dumpPlan(ctx, 'neon') : undefined,
    secrets: ctx.secrets.values
  }
}

/** restore with provider: neon: the branch restored in place from a backup branch, a snapshot or its own history. */
export function parseNeonRestore(ctx: ParseContext, name: string | undefined): NeonRestoreSettings {
  const { read } = ctx
  const neon = parseNeon(read, 'command: restore with provider: neon')
  const backup = read('backup') || 'latest'
  if (!isLabel(backup)) throw new InputError(`Input 'backup' must be latest, or a backup branch or snapshot by name or id.`)
  if (neon.pointInTime && backup !== 'latest') {
    throw new InputError(
      `Inputs 'neon-point-in-time' and 'backup' name two different sources: give 'backup' (a backup branch or snapshot) or 'neon-point-in-time' (the branch's own history), not both.`
    )
  }
  return {
    command: 'restore',
    mode: 'neon',
    neon,
    name,
    backup,
    confirm: read('confirm') || undefined,
    dryRun: boolean('dry-run', read('dry-run')) ?? false,
    secrets: ctx.secrets.values
  }
}
