import * as core from '@actions/core'
import type { BackupJob, BackupSettings } from '../config/settings.js'
import { ActionError, Titles, errorMessage, scrub } from '../runtime/errors.js'
import { SourceSession, withConnection, withDatabase } from '../postgres/session.js'
import { dumpToStorage } from '../stages/dump.js'
import type { PipelineResult } from '../stages/pipeline.js'
import { probeClients, resolveClient, runnerResolveDeps, type PgClient } from '../postgres/client.js'
import { Storage, type Target } from '../storage/storage.js'
import { DEFAULT_LEVEL } from '../stages/compress.js'
import { backupFileName, fileExtension } from '../config/naming.js'
import { buildManifest, dumpOrigin, type Anomaly, type ManifestV1, type Origin, type Verification } from '../storage/manifest.js'
import { type StoredCopy } from '../storage/destination.js'
import type { TableComparison, TableCount } from '../postgres/counts.js'
import { reportBackup, reportDatabases, type BackupReport, type DatabaseResult } from '../report/backup.js'
import { Workspace } from '../runtime/workspace.js'
import type { EncryptionInfo } from '../stages/encrypt.js'
import { applyRetention } from '../retention/apply.js'
import { reportRetention } from '../report/retention.js'
import { Catalog, type Listing } from '../storage/catalog.js'
import { history, otherSources, previousGood, sourceOf } from '../storage/series.js'
import { describeAnomaly, findAnomalies } from '../storage/anomalies.js'
import { verify } from '../verify/index.js'
import { isVerified } from '../storage/states.js'
import { stdbufCommand } from '../runtime/stdout-buffer.js'

export type BackupOutcome = BackupReport

/**
 * `backup`, with `roles: true` the cluster's roles first (their own backup,
 * `{name or host}-roles`), then the database; a failed roles backup fails the
 * run once the database backup was attempted too. The database's outputs are
 * the step's.
 */
export async function backup(s: BackupSettings, signal: AbortSignal): Promise<BackupOutcome | undefined> {
  if (s.databases) return backupDatabases(s, s.databases, signal)
  if (!s.roles) return backupOne(s, signal)
  const roles = s.roles
  let failed: unknown
  try {
    await core.group(`Roles (${roles.name})`, () => backupOne(rolesBackup(s, roles.name), signal))
  } catch (e) {
    failed = e
  }
  const outcome = await backupOne({ ...s, roles: undefined }, signal)
  if (failed) {
    const title = failed instanceof ActionError ? failed.title : Titles.backup
    throw new ActionError(
      title,
      `The roles backup ${roles.name} failed (the database backup ${outcome.backupKey} was stored): ${errorMessage(failed)}`
    )
  }
  return outcome
}

/** Providers' maintenance databases, which `databases: all` never takes (DESIGN.md §2). */
const MAINTENANCE = ['rdsadmin', 'cloudsqladmin', 'azure_maintenance']

/**
 * `databases`: each database of the server its own backup, in turn (one
 * pipeline at a time: memory stays that of one), with the roles once first
 * when asked. A database that fails does not stop the others; the run fails
 * after all were attempted, and only those that succeeded ran their retention.
 */
async function backupDatabases(s: BackupSettings, d: NonNullable<BackupSettings['databases']>, signal: AbortSignal): Promise<undefined> {
  const names =
    d.list === 'all'
      ? await withConnection(s.source, async c =>
          (
            await c.query<{ datname: string }>(
              'SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate AND NOT (datname = ANY($1)) ORDER BY datname',
              [MAINTENANCE]
            )
          ).rows.map(r => r.datname)
        )
      : d.list
  const attempt = async (name: string, database: string | null, fn: () => Promise<BackupOutcome>): Promise<DatabaseResult> => {
    const stored = (o: BackupOutcome | undefined, error: string | null): DatabaseResult => ({
      name,
      database,
      key: o?.backupKey ?? null,
      location: o ? o.locations.join('\n') : null,
      sizeBytes: o?.manifest.sizeBytes ?? null,
      sha256: o?.manifest.sha256 ?? null,
      state: o?.manifest.state ?? null,
      error
    })
    try {
      return stored(await fn(), null)
    } catch (e) {
      if (signal.aborted) throw e
      const error = scrub(errorMessage(e), s.secrets)
      core.error(error, { title: e instanceof ActionError ? e.title : Titles.backup })
      // A backup whose verification failed was stored (and stays, in the failed state): the list says where.
      return stored((e as { outcome?: BackupOutcome }).outcome, error)
    }
  }
  const results: DatabaseResult[] = []
  if (s.roles) results.push(await attempt(s.roles.name, null, () => backupOne(rolesBackup(s, s.roles!.name), signal)))
  for (const db of names) {
    signal.throwIfAborted()
    const name = `${d.prefix ? `${d.prefix}-` : ''}${db}`.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 100)
    const one: BackupSettings = { ...s, roles: undefined, databases: undefined, name, source: withDatabase(s.source, db) }
    results.push(await attempt(name, db, () => core.group(`Database ${db}`, () => backupOne(one, signal))))
  }
  await reportDatabases(results, s.secrets)
  const failed = results.filter(r => r.error)
  if (failed.length) {
    throw new ActionError(
      Titles.backup,
      `${failed.length} of ${results.length} backups failed (the others were stored): ${failed.map(r => `${r.database ?? r.name}: ${r.error}`).join('; ')}`
    )
  }
  return undefined
}

/** The roles backup: pg_dumpall's roles as a SQL file, read back by `verify` (a scratch database cannot hold cluster roles). */
function rolesBackup(s: BackupSettings, name: string): BackupSettings {
  return {
    ...s,
    roles: undefined,
    name,
    format: 'roles',
    jobs: 1,
    rowCounts: 'source',
    pgDumpArgs: [],
    verify: s.verify === 'none' ? 'none' : 'archive',
    scratch: undefined
  }
}

/** What made a backup's bytes, once they are in every destination: what the manifest records of where they came from. */
export interface Produced {
  dumped: PipelineResult & { tables: TableCount[] }
  origin: Origin
  compression: ManifestV1['compression']
  /** The client that made the archive, whose pg_restore reads it back; undefined when someone else made it. */
  client: PgClient | undefined
}

/** Streams one backup into the storage's sinks for `target` (pg_dump of a server, or a provider's export). */
export type Producer = (storage: Storage, target: Target, work: Workspace, signal: AbortSignal) => Promise<Produced>

/** A pg_dump backup of `s.source`. */
function backupOne(s: BackupSettings, signal: AbortSignal): Promise<BackupOutcome> {
  return storeBackup(s, (storage, target, work, sig) => dump(s, storage, target, work, sig), signal)
}

/**
 * The story of a backup: producer → destinations → verify → manifest →
 * report → retention. Until the manifest is written, a failure (or a cancel)
 * removes what the run stored; from then on the backup stays, whatever fails
 * later.
 */
export async function storeBackup(s: BackupJob, produce: Producer, signal: AbortSignal): Promise<BackupOutcome> {
  // Keys are read before anything else happens: an unreadable key is an Invalid input, not a half-made backup.
  const encryption = s.encryption ? await (await import('../stages/encrypt.js')).prepareEncryption(s.encryption) : undefined
  const createdAt = new Date()
  const work = new Workspace()
  try {
    const storage = new Storage(s, work)
    const target = storage.target(backupFileName(s.name, createdAt, fileExtension(s.format, s.compression.algorithm, s.encryption?.kind)))
    // The run's one listing of this name (series check, anomalies, history, retention): of the backups before this one,
    // so it is read while this one is made, from when the key check passed (before, it would hold up pg_dump's start),
    // and nothing waits for it before the manifest.
    const catalog = new Catalog({ ...s, artifactRunId: undefined }, work)
    let listing: Promise<Listing> | undefined
    const earlier = (): Promise<Listing> => {
      if (!listing) {
        listing = catalog.listEach(s.name)
        listing.catch(() => undefined) // awaited later; this only keeps an early failure from going unhandled
      }
      return listing
    }
    void storage.free.then(() => void earlier())
    let stored: Described
    try {
      stored = await produceVerifyDescribe(s, produce, storage, target, createdAt, encryption, work, signal, earlier)
    } catch (e) {
      await storage.discardUnvouched(s.secrets)
      throw e
    }
    // Stored and described: nothing below removes it.
    const { manifest, copies, comparison, previous } = stored
    const durationSeconds = manifest.durationMs / 1000
    const listed = await earlier().catch(() => undefined)
    const outcome = {
      manifest,
      backupKey: target.backupKey,
      locations: copies.map(c => c.location),
      artifactId: storage.artifactId,
      durationSeconds,
      verified: isVerified(manifest.state),
      comparison,
      previous,
      history: history(listed?.get(s.destinations.order[0]) ?? [], manifest, [...target.keys.values()])
    }
    await reportBackup(outcome, s.secrets)
    await warnMixedSources(s.name, manifest, earlier(), s.secrets)
    const anomalies = (manifest.anomalies ?? []).map(describeAnomaly)
    const against = `the previous good backup ${previous?.key} (${previous?.createdAt})`
    if (s.anomaly.onAnomaly === 'warn')
      for (const a of anomalies) core.warning(`${s.name}: ${a}, against ${against}.`, { title: Titles.anomaly })
    if (manifest.state === 'failed')
      throw Object.assign(new ActionError(Titles.verification, manifest.verification.details.join('\n')), { outcome })
    if (anomalies.length && s.anomaly.onAnomaly === 'fail')
      throw Object.assign(
        new ActionError(
          Titles.anomaly,
          `The backup ${target.backupKey} was stored and kept (its manifest records the anomalies), but against ${against}: ${anomalies.join('; ')}. Retention did not run. If the shrink is expected, run again with a higher max-shrink or on-anomaly: warn.`
        ),
        { outcome }
      )
    signal.throwIfAborted()
    // Only after a good run: a failed backup or verification never deletes anything.
    const retention = await core.group('Retention', () =>
      applyRetention(s.retention, catalog.destinations, { keys: target.keys, createdAt, state: manifest.state }, earlier())
    )
    if (retention) await reportRetention(retention, s.retention.dryRun, s.secrets)
    return outcome
  } finally {
    work.cleanup()
  }
}

/** Everything before the backup is vouched for: produce into every destination, publish, verify, write the manifest. */
async function produceVerifyDescribe(
  s: BackupJob,
  produce: Producer,
  storage: Storage,
  target: Target,
  createdAt: Date,
  encryption: EncryptionInfo | undefined,
  work: Workspace,
  signal: AbortSignal,
  listEarlier: () => Promise<Listing>
): Promise<Described> {
  const { dumped, origin, compression, client } = await produce(storage, target, work, signal)
  signal.throwIfAborted()
  const copies = await core.group('Publish', () => storage.publish(target))
  signal.throwIfAborted()
  const manifestOf = (finishedAt: Date, verification: Verification, anomalies?: Anomaly[]): ManifestV1 =>
    buildManifest({
      name: s.name,
      key: target.backupKey,
      createdAt,
      finishedAt,
      origin,
      compression,
      encryption,
      sizeBytes: dumped.sizeBytes,
      sha256: dumped.sha256,
      tables: dumped.tables,
      verification,
      destinations: copies.map(c => ({ kind: c.kind, location: c.location })),
      anomalies,
      env: process.env
    })
  // Restore verification compares with the manifest as it will be written.
  const { verification, comparison } = await core.group(`Verify (${s.verify})`, () =>
    verify(s, copies, client, manifestOf(new Date(), { level: s.verify, passed: false, details: [] }), work)
  )
  signal.throwIfAborted()
  // DESIGN.md §8: dump → verify → anomaly check → manifest, so the manifest records what was found.
  const { previous, anomalies } = await compareWithPrevious(s, listEarlier(), [...target.keys.values()], {
    sizeBytes: dumped.sizeBytes,
    tables: dumped.tables,
    rowCounts: origin.rowCounts
  })
  const manifest = manifestOf(new Date(), verification, anomalies)
  await core.group('Write manifest', () => storage.writeManifest(target, manifest))
  return { manifest, copies, comparison, previous }
}

interface Described {
  manifest: ManifestV1
  copies: StoredCopy[]
  comparison?: TableComparison[]
  /** The previous good backup of the name, when one is visible: what anomalies and the summary compare with. */
  previous?: ManifestV1
}

/** Against the previous good backup of the name in the first destination; nothing to compare when there is none or the listing failed. */
async function compareWithPrevious(
  s: BackupJob,
  listing: Promise<Listing>,
  ownKeys: string[],
  current: Pick<ManifestV1, 'sizeBytes' | 'tables' | 'rowCounts'>
): Promise<{ previous?: ManifestV1; anomalies?: Anomaly[] }> {
  // A failed listing is reported once, by the series check.
  const listed = await listing.catch(() => undefined)
  if (!listed) return {}
  const first = s.destinations.order[0]
  const previous = previousGood(listed.get(first) ?? [], ownKeys)?.manifest
  if (!previous) {
    if (first === 'artifact' && !s.githubToken)
      core.notice(
        `No earlier backup of '${s.name}' is visible to compare with: this run sees only its own artifacts. Give github-token (actions: read) so anomalies and the history chart see the earlier runs' backups.`,
        { title: 'No earlier backup visible' }
      )
    return {}
  }
  return { previous, anomalies: s.anomaly.onAnomaly === 'off' ? undefined : findAnomalies(previous, current, s.anomaly.maxShrink) }
}

/** DESIGN.md §3: one series per source; a name whose earlier backups came from elsewhere gets a warning naming both. */
async function warnMixedSources(name: string, manifest: ManifestV1, earlier: Promise<Listing>, secrets: readonly string[]): Promise<void> {
  let listed: Listing
  try {
    listed = await earlier
  } catch (e) {
    core.warning(
      `Could not list the earlier backups of '${name}' to check they come from the same source: ${scrub(errorMessage(e), secrets)}`,
      { title: 'Backup series not checked' }
    )
    return
  }
  for (const other of otherSources([...listed.values()].flat(), manifest)) {
    core.warning(
      `The name '${name}' already holds backups of ${other.source} (newest ${other.newest.key}, ${other.newest.createdAt}); this one is of ${sourceOf(manifest)}. latest, check and retention treat them as one series: give each source its own 'name'.`,
      { title: 'Backup series mixes sources' }
    )
  }
}

/** Source session (snapshot, counts) → matched pg_dump → pipeline into every destination; the snapshot is released before the slower steps. */
async function dump(s: BackupSettings, storage: Storage, target: Target, work: Workspace, signal: AbortSignal): Promise<Produced> {
  // A format that dumps to the runner first has its key checked while the source connects, so a refusal never comes
  // after the whole dump; a stream's, once pg_dump runs (dumpToStorage): S3 and its SDK load while pg_dump reads its
  // catalogs, and nothing is stored before the check passed.
  const early = s.format === 'custom' || s.format === 'plain' ? undefined : storage.assertFree(target)
  early?.catch(() => undefined) // awaited below; this only keeps an earlier failure from going unhandled
  const deps = runnerResolveDeps()
  probeClients(deps.root)
  void stdbufCommand() // asked while the source connects, like the versions; it never rejects
  const session = await core.group('Connect to the source', () => SourceSession.open(s.source))
  try {
    const client = await core.group('Choose pg_dump', () => resolveClient(s.pgVersion, session.info, deps))
    core.info(`Server ${session.info.serverVersion}; using ${client.version} (${client.pgDump})`)
    await early
    const keyCheck = (): Promise<void> => early ?? storage.assertFree(target)
    const dumped = await core.group(`Dump ${s.source.database} to ${target.backupKey}`, () =>
      dumpToStorage(s, session, client, storage, target, work, signal, keyCheck)
    )
    return {
      dumped,
      origin: dumpOrigin(s, session.info, client.version, session.snapshot),
      compression: {
        algorithm: s.compression.algorithm,
        level: s.compression.algorithm === 'none' ? null : (s.compression.level ?? DEFAULT_LEVEL[s.compression.algorithm])
      },
      client
    }
  } finally {
    await session.close()
  }
}
