import * as core from '@actions/core'
import type { BackupSettings } from './settings.js'
import { ActionError, Titles } from './errors.js'
import { SourceSession, serverInfo, withConnection } from './source.js'
import { dumpToStorage, resolveClient, runnerResolveDeps, type PgClient } from './dump.js'
import { Storage, type Target } from './destinations/index.js'
import { DEFAULT_LEVEL, fileExtension } from './transforms/compress.js'
import { backupFileName, buildManifest, type ManifestV1, type Verification } from './manifest.js'
import { verifyArchive, type StoredCopy } from './verify.js'
import { dumpMajor, scratchRestore, type TableComparison } from './restore.js'
import { reportBackup, type BackupReport } from './summary.js'
import { Workspace } from './workspace.js'
import type { EncryptionInfo } from './transforms/encrypt.js'
import { applyRetention, reportRetention } from './prune.js'

export type BackupOutcome = BackupReport

/** The story of a backup: settings → source → pipeline → destinations → verify → manifest → report → retention. */
export async function backup(s: BackupSettings, signal: AbortSignal): Promise<BackupOutcome> {
  // Keys are read before anything else happens: an unreadable key is an Invalid input, not a half-made backup.
  const encryption = s.encryption ? await (await import('./transforms/encrypt.js')).prepareEncryption(s.encryption) : undefined
  const createdAt = new Date()
  const work = new Workspace()
  try {
    const storage = new Storage(s, work)
    const target = storage.target(backupFileName(s.name, createdAt, fileExtension(s.format, s.compression.algorithm, s.encryption?.kind)))
    const { session, client, dumped } = await dump(s, storage, target, work, signal)
    const copies = await core.group('Publish', () => storage.publish(target))
    const manifestOf = (finishedAt: Date, verification: Verification): ManifestV1 =>
      buildManifest({
        settings: s, key: target.backupKey, createdAt, finishedAt, server: session.info, dumpVersion: client.version, snapshot: session.snapshot,
        compressionLevel: s.compression.algorithm === 'none' ? null : (s.compression.level ?? DEFAULT_LEVEL[s.compression.algorithm]), encryption,
        sizeBytes: dumped.sizeBytes, sha256: dumped.sha256, tables: dumped.tables, verification,
        destinations: copies.map(c => ({ kind: c.kind, location: c.location })), env: process.env
      })
    // Restore verification compares with the manifest as it will be written.
    const { verification, comparison } = await core.group(`Verify (${s.verify})`, () => verify(s, copies, client, manifestOf(new Date(), { level: s.verify, passed: false, details: [] }), work))
    const finishedAt = new Date()
    const manifest = manifestOf(finishedAt, verification)
    await core.group('Write manifest', () => storage.writeManifest(target, manifest))
    const verified = verification.level !== 'none' && verification.passed
    const durationSeconds = (finishedAt.getTime() - createdAt.getTime()) / 1000
    const outcome = { manifest, backupKey: target.backupKey, locations: copies.map(c => c.location), artifactId: storage.artifactId, durationSeconds, verified, comparison }
    await reportBackup(outcome, s.secrets)
    if (s.verify !== 'none' && !verification.passed) throw new ActionError(Titles.verification, verification.details.join('\n'))
    // Only after a good run: a failed backup or verification never deletes anything.
    const retention = await core.group('Retention', () => applyRetention(s, target, work))
    if (retention) await reportRetention(retention, s.retention.dryRun)
    return outcome
  } finally {
    work.cleanup()
  }
}

/** Source session (snapshot, counts) → matched pg_dump → pipeline into every destination; the snapshot is released before the slower steps. */
async function dump(s: BackupSettings, storage: Storage, target: Target, work: Workspace, signal: AbortSignal) {
  // The key check talks to S3 while we connect to the source: both must pass before pg_dump starts.
  const free = storage.assertFree(target)
  free.catch(() => undefined) // awaited below; this only keeps an earlier failure from going unhandled
  const session = await core.group('Connect to the source', () => SourceSession.open(s.source))
  try {
    const client = await core.group('Choose pg_dump', () => resolveClient(s.pgVersion, session.info, runnerResolveDeps()))
    core.info(`Server ${session.info.serverVersion}; using ${client.version} (${client.pgDump})`)
    await free
    const dumped = await core.group(`Dump ${s.source.database} to ${target.backupKey}`, () => dumpToStorage(s, session, client, storage, target, work, signal))
    return { session, client, dumped }
  } finally {
    await session.close()
  }
}

/** verify: archive reads every stored copy back; verify: restore restores the first into scratch and compares with the manifest. */
async function verify(s: BackupSettings, copies: StoredCopy[], client: PgClient, draft: ManifestV1, work: Workspace): Promise<{ verification: Verification; comparison?: TableComparison[] }> {
  if (s.verify === 'none') return { verification: { level: 'none', passed: false, details: ['verification was not requested'] } }
  if (s.verify === 'archive' || !s.scratch) {
    const info = draft.encryption
    const decrypt = info ? async () => (await import('./transforms/encrypt.js')).createDecryptor(info as EncryptionInfo, s.decryption) : undefined
    return { verification: await verifyArchive(copies, { format: s.format, compression: s.compression.algorithm, sha256: draft.sha256, sizeBytes: draft.sizeBytes, pgRestore: client.pgRestore, decrypt }, work) }
  }
  const scratch = s.scratch
  const scratchClient = await resolveClient(s.pgVersion, await withConnection(scratch.server, c => serverInfo(c)), runnerResolveDeps(), dumpMajor(draft))
  const r = await scratchRestore(copies[0].open, draft, scratch, scratchClient, work, s.secrets, s.decryption)
  return { verification: r.verification, comparison: r.tables }
}
