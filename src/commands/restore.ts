import * as core from '@actions/core'
import type pg from 'pg'
import { PRESETS } from '../config/presets.js'
import { matchesAny } from '../postgres/pg-dump-args.js'
import * as fs from 'node:fs'
import { Writable, type Duplex, type Readable } from 'node:stream'
import { Seal } from '../stages/pipeline.js'
import { pipeline } from 'node:stream/promises'
import { ActionError, Titles } from '../runtime/errors.js'
import { Catalog, type CatalogEntry } from '../storage/catalog.js'
import { resolveClient, runnerResolveDeps } from '../postgres/client.js'
import type { ManifestV1 } from '../storage/manifest.js'
import { dumpMajor } from '../storage/manifest.js'
import { restoreArchive } from '../stages/restore-archive.js'
import { compareCounts, countMismatches } from '../postgres/counts.js'
import type { BackupSettings, CompressionAlgorithm, EncryptionSettings, Format, RestoreSettings } from '../config/settings.js'
import { createDecompressor } from '../stages/compress.js'
import { createMissingRoles } from '../providers/roles.js'
import type { EncryptionInfo } from '../stages/encrypt.js'
import { serverInfo, withConnection } from '../postgres/session.js'
import { reportRestore } from '../report/restore.js'
import { setOutputs } from '../report/outputs.js'
import { backup } from './backup.js'
import { Workspace } from '../runtime/workspace.js'
import { canDecrypt } from '../config/encryption.js'
import { explainWriteError } from '../runtime/process.js'

type Entry = CatalogEntry & { manifest: ManifestV1 }

/**
 * What a found backup may be restored as (DESIGN.md §8): `latest` only ever
 * finds a good one; a backup named explicitly restores even when its
 * verification failed (with a warning), never when it is incomplete (nothing
 * proves it finished, and there is no checksum to check) or missing.
 */
export function restorable(e: CatalogEntry): Entry {
  if (e.state === 'incomplete' || !e.manifest) {
    throw new ActionError(
      Titles.restoreRefused,
      `${e.location} has no manifest of ours beside it: it is an incomplete backup (nothing proves it finished), and its checksum cannot be checked. Nothing was restored.`
    )
  }
  if (e.state === 'missing')
    throw new ActionError(
      Titles.restore,
      `${e.location} has a manifest but its backup object is gone (removed outside the action, or by an interrupted retention).`
    )
  if (e.state === 'failed') {
    core.warning(
      `${e.location} is a failed backup (its verification failed: ${e.manifest.verification.details.join('; ')}); restoring it because 'backup' names it.`,
      { title: 'Restoring a failed backup' }
    )
  }
  return e as Entry
}

export function ageSeconds(m: ManifestV1, now = new Date()): number {
  return (now.getTime() - new Date(m.createdAt).getTime()) / 1000
}

/** Reads the whole backup into a 0600 file, checking its sha256 against the manifest before anything uses it. */
async function spoolVerified(open: () => Promise<Readable>, e: Entry, work: Workspace): Promise<string> {
  const file = work.createFile(`restore-${e.key.split('/').pop()}`)
  const seal = new Seal(async () => undefined)
  await pipeline(await open(), seal, fs.createWriteStream(file, { flags: 'r+' })).catch((err: unknown) => {
    throw explainWriteError(
      err,
      work.dir,
      'a restore reads the whole backup there to check its sha256 before it changes anything. Free disk on the runner'
    )
  })
  const digest = seal.digest
  if (digest !== e.manifest.sha256) {
    setOutputs({ verified: 'false' }, [])
    throw new ActionError(
      Titles.verification,
      `${e.location}: sha256 ${digest} differs from its manifest's ${e.manifest.sha256}; nothing was restored.`
    )
  }
  return file
}

/**
 * `restore`: pick the backup, check its sha256, then restore into the
 * target — refusing a non-empty target unless `confirm` names it, taking a
 * safety backup of it first, and changing nothing on `dry-run`.
 */
export async function restore(s: RestoreSettings, signal: AbortSignal): Promise<void> {
  const work = new Workspace()
  try {
    const catalog = new Catalog(s, work)
    const entry = restorable(await core.group('Find the backup', () => catalog.find(s.backup, s.name)))
    const file = await core.group(`Download and check ${entry.key}`, () => spoolVerified(() => catalog.open(entry), entry, work))
    if (entry.manifest.dump.format === 'roles') return await restoreRoles(s, entry, file)
    const supabase = entry.manifest.dump.format === 'supabase'
    const info = await withConnection(s.target, async c => {
      const i = await serverInfo(c)
      if (!supabase) return i
      // A Supabase backup restores into a Supabase project, whose own tables are what an overwrite would replace.
      if (!(await c.query('SELECT to_regnamespace($1) AS auth', ['auth'])).rows[0].auth) {
        throw new ActionError(
          Titles.restoreRefused,
          `The target database '${s.target.database}' has no schema auth: it is not a Supabase project, and a supabase-format backup restores only into one (its schema and data refer to auth.users). Restore into a Supabase project, or back up with format: custom.`
        )
      }
      return { ...i, userTables: await projectTables(c) }
    })
    const target = `${s.target.database} on ${s.target.host}:${s.target.port}`
    const safety = info.userTables > 0 && s.safetyBackup
    // Decided before anything changes, dry runs included: an encrypted backup's safety backup is never stored in the clear.
    const safetyEncryption = safety
      ? await (
          await import('../stages/encrypt.js')
        ).safetyEncryption(entry.manifest.encryption as EncryptionInfo | null, s.encryption, s.decryption)
      : undefined
    const base = {
      title: `Restore of ${entry.manifest.name}`,
      entry,
      target,
      backupAgeSeconds: ageSeconds(entry.manifest),
      comparison: [],
      restoreSeconds: 0
    }
    if (s.dryRun) {
      const details = [
        `dry run: would restore ${entry.manifest.tables.length} tables into ${target} (${info.userTables} tables there now${info.userTables ? ', which would be replaced' : ''}); nothing was changed`
      ]
      core.notice(details[0], { title: 'Restore dry run' })
      await reportRestore({ ...base, verified: false, details, dryRun: true }, s.secrets)
      return
    }
    if (info.userTables > 0 && s.confirm !== s.target.database) {
      throw new ActionError(
        Titles.restoreRefused,
        `The target database '${s.target.database}' holds ${info.userTables} table(s). Restoring would overwrite them: set 'confirm: ${s.target.database}' to proceed${s.safetyBackup ? ' (a safety backup is taken first)' : ''}.`
      )
    }
    if (safety) {
      await core.group('Safety backup of the target', () =>
        backup(safetyBackupSettings(s, safetyEncryption, entry.manifest.dump.format as Format), signal)
      )
    }
    const client = await resolveClient(s.pgVersion, info, runnerResolveDeps(), dumpMajor(entry.manifest))
    const started = Date.now()
    const roles: string[] = []
    await core.group(`Restore into ${target}`, () =>
      restoreArchive(fs.createReadStream(file), entry.manifest, client, s.target, work, {
        clean: info.userTables > 0,
        secrets: s.secrets,
        decryption: s.decryption,
        onRoles: r =>
          roles.push(
            `roles created: ${r.created.length ? r.created.join(', ') : 'none'}; left as they were: ${r.existing.length ? r.existing.join(', ') : 'none'} (restored login roles need their passwords set again)`
          )
      })
    )
    const restoreSeconds = (Date.now() - started) / 1000
    const comparison = await withConnection(s.target, c => compareCounts(c, entry.manifest))
    const bad = countMismatches(comparison)
    const details = [...(bad.length ? bad : [`${comparison.length} tables restored with the manifest's exact row counts`]), ...roles]
    await reportRestore({ ...base, comparison, restoreSeconds, verified: bad.length === 0, details }, s.secrets)
    if (bad.length) throw new ActionError(Titles.verification, details.join('\n'))
  } finally {
    work.cleanup()
  }
}

/** The target's own backup before it is overwritten, under `{database}-pre-restore` so it never becomes the source's latest. */
function safetyBackupSettings(s: RestoreSettings, encryption: EncryptionSettings | undefined, format: Format): BackupSettings {
  return {
    command: 'backup',
    mode: 'dump',
    source: s.target,
    name: `${s.target.database}-pre-restore`.slice(0, 100),
    // In the format of what replaces it: a Supabase project's own backup is its three parts.
    format: format === 'supabase' ? 'supabase' : 'custom',
    compression: { algorithm: 'zstd', level: undefined },
    jobs: 1,
    rowCounts: 'source',
    pgDumpArgs: [],
    pgVersion: s.pgVersion,
    lockWaitTimeout: '5min',
    destinations: s.destinations,
    // Read back only when this run can decrypt it.
    verify: !encryption || canDecrypt(encryption, s.decryption) ? 'archive' : 'none',
    scratch: undefined,
    retention: { policy: {}, dryRun: false },
    anomaly: { onAnomaly: 'off', maxShrink: 100 },
    githubToken: s.githubToken,
    encryption,
    decryption: s.decryption,
    secrets: s.secrets
  }
}

/** A Supabase project's own tables: those outside the schemas the platform manages. */
async function projectTables(c: pg.Client): Promise<number> {
  const managed = matchesAny(PRESETS.supabase.managedSchemas ?? [])
  const { rows } = await c.query<{ schema: string }>(
    `SELECT n.nspname AS schema FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p')`
  )
  return rows.filter(r => !managed(r.schema)).length
}

/**
 * A roles backup (`roles: true`): the roles the target's cluster lacks are
 * created, the others left as they are; nothing else changes, so no `confirm`
 * is asked, and `dry-run` only names them.
 */
async function restoreRoles(s: RestoreSettings, entry: Entry, file: string): Promise<void> {
  const stages: (Readable | Duplex | Writable)[] = [fs.createReadStream(file)]
  const info = entry.manifest.encryption as EncryptionInfo | null
  if (info) stages.push(await (await import('../stages/encrypt.js')).createDecryptor(info, s.decryption))
  const decompress = createDecompressor(entry.manifest.compression.algorithm as CompressionAlgorithm)
  if (decompress) stages.push(decompress)
  const chunks: Buffer[] = []
  stages.push(new Writable({ write: (c: Buffer, _e, cb) => void (chunks.push(c), cb()) }))
  await pipeline(stages as [Readable, ...Writable[]])
  const started = Date.now()
  const r = await core.group(`Roles into ${s.target.host}:${s.target.port}`, () =>
    createMissingRoles(Buffer.concat(chunks).toString('utf8'), s.target, s.secrets, s.dryRun)
  )
  const list = (names: string[]): string => (names.length ? names.join(', ') : 'none')
  const details = [
    `${s.dryRun ? 'dry run: would create' : 'roles created'}: ${list(r.created)}; left as they were: ${list(r.existing)}${s.dryRun ? '; nothing was changed' : ' (restored login roles have no password: set them again)'}`
  ]
  if (s.dryRun) core.notice(details[0], { title: 'Restore dry run' })
  await reportRestore(
    {
      title: `Roles of ${entry.manifest.name}`,
      entry,
      target: `${s.target.host}:${s.target.port}`,
      backupAgeSeconds: ageSeconds(entry.manifest),
      comparison: [],
      restoreSeconds: (Date.now() - started) / 1000,
      verified: false,
      details,
      dryRun: s.dryRun
    },
    s.secrets
  )
}
