import * as core from '@actions/core'
import { getSettings } from './inputs.js'
import type { BackupSettings } from './settings.js'
import { ActionError, Titles, errorMessage, scrub } from './errors.js'
import { SourceSession } from './source.js'
import { dumpToStorage, resolveClient, runnerResolveDeps } from './dump.js'
import { Storage } from './destinations/index.js'
import { DEFAULT_LEVEL, fileExtension } from './transforms/compress.js'
import { backupFileName, buildManifest, type Verification } from './manifest.js'
import { verifyArchive } from './verify.js'
import { reportBackup } from './summary.js'
import { Workspace } from './workspace.js'
import { save, State } from './state.js'

/** The story of a backup: settings → source → pipeline → destinations → verify → manifest → report. */
async function backup(s: BackupSettings, signal: AbortSignal): Promise<void> {
  const createdAt = new Date()
  const work = new Workspace()
  try {
    const storage = new Storage(s, work)
    const target = storage.target(backupFileName(s.name, createdAt, fileExtension(s.format, s.compression.algorithm)))
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
    const verification: Verification =
      s.verify === 'none'
        ? { level: 'none', passed: false, details: ['verification was not requested'] }
        : await core.group('Verify (archive)', () =>
            verifyArchive(copies, { format: s.format, compression: s.compression.algorithm, sha256: dumped.sha256, sizeBytes: dumped.sizeBytes, pgRestore: client.pgRestore }, work)
          )
    const finishedAt = new Date()
    const manifest = buildManifest({
      settings: s, key: target.backupKey, createdAt, finishedAt, server: session.info, dumpVersion: client.version, snapshot: session.snapshot,
      compressionLevel: s.compression.algorithm === 'none' ? null : (s.compression.level ?? DEFAULT_LEVEL[s.compression.algorithm]),
      sizeBytes: dumped.sizeBytes, sha256: dumped.sha256, tables: dumped.tables, verification,
      destinations: copies.map(c => ({ kind: c.kind, location: c.location })), env: process.env
    })
    await core.group('Write manifest', () => storage.writeManifest(target, manifest))
    const verified = verification.level !== 'none' && verification.passed
    const durationSeconds = (finishedAt.getTime() - createdAt.getTime()) / 1000
    await reportBackup({ manifest, backupKey: target.backupKey, locations: copies.map(c => c.location), artifactId: storage.artifactId, durationSeconds, verified }, s.secrets)
    if (s.verify !== 'none' && !verification.passed) throw new ActionError(Titles.verification, verification.details.join('\n'))
  } finally {
    work.cleanup()
  }
}

export async function run(): Promise<void> {
  let secrets: readonly string[] = []
  const abort = new AbortController()
  const onSignal = (): void => abort.abort(new Error('the step was cancelled'))
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal)
  try {
    const settings = getSettings()
    secrets = settings.secrets
    await backup(settings, abort.signal)
  } catch (e) {
    const title = e instanceof ActionError ? e.title : Titles.backup
    if (title === Titles.verification) core.setOutput('verified', 'false')
    const message = scrub(errorMessage(e), secrets)
    // setFailed's own annotation has no title; one titled annotation plus the failure exit code says it once.
    core.error(message, { title })
    process.exitCode = core.ExitCode.Failure
  } finally {
    save(State.finished, 'true')
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal)
  }
}
