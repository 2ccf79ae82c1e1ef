import * as core from '@actions/core'
import type { BackupSettings } from './settings.js'
import { ActionError, Titles } from './errors.js'
import { SourceSession, serverInfo, withConnection } from './source.js'
import { dumpToStorage, resolveClient, runnerResolveDeps } from './dump.js'
import { Storage } from './destinations/index.js'
import { DEFAULT_LEVEL, fileExtension } from './transforms/compress.js'
import { backupFileName, buildManifest, type ManifestV1, type Verification } from './manifest.js'
import { verifyArchive } from './verify.js'
import { dumpMajor, scratchRestore, type TableComparison } from './restore.js'
import { reportBackup, type BackupReport } from './summary.js'
import { Workspace } from './workspace.js'
import { applyRetention, reportRetention } from './prune.js'

export type BackupOutcome = BackupReport

/** The story of a backup: settings → source → pipeline → destinations → verify → manifest → report. */
export async function backup(s: BackupSettings, signal: AbortSignal): Promise<BackupOutcome> {
  // Keys are read before anything else happens: an unreadable key is an Invalid input, not a half-made backup.
  // The crypto libraries are large: loaded only when a backup is encrypted.
  const crypt = s.encryption ? await import('./transforms/encrypt.js') : undefined
  const encryption = s.encryption ? await crypt!.prepareEncryption(s.encryption) : undefined
  const createdAt = new Date()
  const work = new Workspace()
  try {
    const storage = new Storage(s, work)
    const target = storage.target(backupFileName(s.name, createdAt, fileExtension(s.format, s.compression.algorithm, s.encryption?.kind)))
    const session = await core.group('Connect to the source', () => SourceSession.open(s.source))
    const { client, dumped } = await (async () => {
      try {
        const client = await core.group('Choose pg_dump', () => resolveClient(s.pgVersion, session.info, runnerResolveDeps()))
        core.info(`Server ${session.info.serverVersion}; using ${client.version} (${client.pgDump})`)
        await storage.assertFree(target)
        const dumped = await core.group(`Dump ${s.source.database} to ${target.backupKey}`, () => dumpToStorage(s, session, client, storage, target, work, signal))
        return { client, dumped }
      } finally {
        await session.close() // releases the snapshot before the slower steps
      }
    })()
    const copies = await core.group('Publish', () => storage.publish(target))
    const manifestOf = (finishedAt: Date, verification: Verification): ManifestV1 =>
      buildManifest({
        settings: s, key: target.backupKey, createdAt, finishedAt, server: session.info, dumpVersion: client.version, snapshot: session.snapshot,
        compressionLevel: s.compression.algorithm === 'none' ? null : (s.compression.level ?? DEFAULT_LEVEL[s.compression.algorithm]), encryption,
        sizeBytes: dumped.sizeBytes, sha256: dumped.sha256, tables: dumped.tables, verification,
        destinations: copies.map(c => ({ kind: c.kind, location: c.location })), env: process.env
      })
    let comparison: TableComparison[] | undefined
    const verification = await core.group(`Verify (${s.verify})`, async (): Promise<Verification> => {
      if (s.verify === 'none') return { level: 'none', passed: false, details: ['verification was not requested'] }
      const decrypt = encryption ? () => crypt!.createDecryptor(encryption, s.decryption) : undefined
      const archive = { format: s.format, compression: s.compression.algorithm, sha256: dumped.sha256, sizeBytes: dumped.sizeBytes, pgRestore: client.pgRestore, decrypt }
      if (s.verify === 'archive' || !s.scratch) return verifyArchive(copies, archive, work)
      // The manifest as it will be written, so the restore is compared with exactly what it records.
      const draft = manifestOf(new Date(), { level: 'restore', passed: false, details: [] })
      const scratchClient = await withConnection(s.scratch.server, c => serverInfo(c)).then(info => resolveClient(s.pgVersion, info, runnerResolveDeps(), dumpMajor(draft)))
      const r = await scratchRestore(copies[0].open, draft, s.scratch, scratchClient, work, s.secrets, s.decryption)
      comparison = r.tables
      return r.verification
    })
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

