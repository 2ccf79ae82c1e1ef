import * as core from '@actions/core'
import type { RenderBackupSettings } from '../config/settings.js'
import { ActionError, Titles, errorMessage } from '../runtime/errors.js'
import { addRunSecret } from '../config/secrets.js'
import { RenderApi, RenderApiError, type RenderPostgres } from '../providers/render/api.js'
import { ExportTimeout, takeExport } from '../providers/render/export.js'
import { resolveClient, runnerResolveDeps } from '../postgres/client.js'
import { downloadToStorage } from '../stages/download.js'
import type { ArchiveHeader } from '../stages/toc.js'
import type { Origin, RenderOrigin } from '../storage/manifest.js'
import { storeBackup, type BackupOutcome } from './backup.js'

const GiB = 1024 ** 3

/**
 * Render's own export as the backup (DESIGN.md §7): ask for an export, wait
 * for its link, stream it into the destinations as delivered. From the
 * download on it is a backup like any other: verified, described, kept.
 */
export async function renderBackup(s: RenderBackupSettings, signal: AbortSignal): Promise<BackupOutcome> {
  const api = new RenderApi({ apiUrl: s.render.apiUrl, apiKey: s.render.apiKey })
  const id = s.render.postgresId
  const asDelivered = "Render's export is stored as delivered (a gzip'd tar of a pg_dump directory archive)"
  if (s.compressionGiven)
    core.notice(`${asDelivered}: compression and compression-level do not apply to it.`, { title: 'Compression not applied' })
  else core.info(`${asDelivered}; compression does not apply.`)
  return storeBackup(
    s,
    async (storage, target, _work, sig) => {
      // Nothing is asked of Render before the key is known to be free.
      await storage.assertFree(target)
      const db = await core.group(`Render database ${id}`, () => api.getPostgres(id).catch(e => Promise.reject(explain(e, s))))
      core.info(`${db.name}: database ${db.databaseName}, PostgreSQL ${db.version}, instance type ${db.plan}, ${db.status}`)
      // Chosen before the export, so a missing client fails before anything is asked of Render.
      const client =
        s.verify === 'archive'
          ? await core.group('Choose pg_restore', () => resolveClient(s.pgVersion, majorOnly(db.version), runnerResolveDeps()))
          : undefined
      const made = await core.group(`Export ${id}`, () =>
        takeExport(api, id, { signal: sig, onPending: (exportId, waited) => core.info(pending(exportId, waited)) }).catch(e =>
          Promise.reject(explain(e, s, db))
        )
      )
      // The link is the credential to the whole database: masked before anything could print it.
      for (const part of linkSecrets(made.url)) addRunSecret(s.secrets, part, core.setSecret)
      core.info(`Export ${made.id}, created by Render at ${made.createdAt}`)
      const got = await core.group(`Download export ${made.id} to ${target.backupKey}`, () =>
        downloadToStorage(
          made.url,
          `Render's export ${made.id} of ${id}`,
          s,
          storage,
          target,
          diskBytes(db),
          sig,
          s.rowCounts === 'archive'
        )
      )
      core.info(`Archive of database ${got.header.database}: server ${got.header.serverVersion}, pg_dump ${got.header.dumpVersion}`)
      // The export is stored whether or not its files could be counted: it is Render's archive, not ours to refuse.
      if (got.counted instanceof Error)
        core.notice(`The rows of export ${made.id} could not be counted (${got.counted.message}); the manifest records no row counts.`, {
          title: 'Row counts not taken'
        })
      const tables = Array.isArray(got.counted) ? got.counted : undefined
      return {
        dumped: { ...got, tables: tables ?? [] },
        origin: renderOrigin({ postgresId: id, exportId: made.id, createdAt: made.createdAt }, got.header, tables ? 'archive' : 'none'),
        compression: { algorithm: 'gzip', level: null },
        client
      }
    },
    signal
  )
}

/** What the manifest records: the archive's own header (database, versions), Render's ids, and how the rows were counted (DESIGN.md §7). */
export function renderOrigin(render: RenderOrigin, header: ArchiveHeader, rowCounts: 'archive' | 'none'): Origin {
  return {
    // The postgres id is also the database's internal hostname.
    source: {
      provider: 'render',
      host: render.postgresId,
      port: 5432,
      database: header.database,
      // As server_version reads in the dump path: without the packager's suffix.
      serverVersion: header.serverVersion.split(' ')[0],
      serverVersionNum: versionNum(header.serverVersion)
    },
    dump: { tool: 'render-export', version: `pg_dump (PostgreSQL) ${header.dumpVersion}`, format: 'directory', snapshot: '', args: [] },
    extensions: [],
    rowCounts,
    render
  }
}

/** `16.4 (Debian …)` → 160004; `9.6.24` → 90624, as server_version_num spells them. */
export function versionNum(version: string): number {
  const [major, minor, patch] = (/^(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(version) ?? []).slice(1, 4).map(x => Number(x ?? 0))
  if (!major) return 0
  return major >= 10 ? major * 10000 + minor : major * 10000 + minor * 100 + patch
}

/** A download link, its query, and each long value in it (a signature, a token): any of them may be printed alone. */
function linkSecrets(link: string): string[] {
  if (!URL.canParse(link)) return [link]
  const u = new URL(link)
  return [link, ...(u.search.length > 8 ? [u.search.slice(1)] : []), ...[...u.searchParams.values()].filter(v => v.length >= 16)]
}

function majorOnly(version: string): { serverVersion: string; serverVersionNum: number } {
  return { serverVersion: version, serverVersionNum: versionNum(version) }
}

/** A bound for the S3 part size when the download does not say its length: the disk, else 256 GiB. */
function diskBytes(db: RenderPostgres): number {
  return (db.diskSizeGB ?? 256) * GiB
}

function pending(exportId: string | undefined, waitedMs: number): string {
  const waited = `${Math.round(waitedMs / 1000)} s`
  return exportId ? `Export ${exportId} is not ready yet (${waited})` : `The new export is not listed yet (${waited})`
}

/** Render's answers in words that say which input to fix. */
function explain(e: unknown, s: RenderBackupSettings, db?: RenderPostgres): unknown {
  const id = s.render.postgresId
  if (e instanceof ExportTimeout)
    return new ActionError(
      Titles.backup,
      `${e.message}; nothing was stored. Look at the export in Render's dashboard (Recovery page of ${id}), then run again.`
    )
  if (!(e instanceof RenderApiError)) return e
  if (e.status === 401 || e.status === 403)
    return new ActionError(
      Titles.backup,
      `Render refused render-api-key (${e.status}: ${e.renderMessage}). Give an API key (Account settings → API keys) of a user who can see ${id}, kept in a secret.`
    )
  if (e.status === 404)
    return new ActionError(
      Titles.backup,
      `Render knows no Postgres database ${id} for this API key (render-postgres-id; ${e.renderMessage}). Copy the id (dpg-…) from the database's page in the dashboard, and use a key of its workspace.`
    )
  if (e.method === 'POST' && e.status >= 400 && e.status < 500)
    return new ActionError(
      Titles.backup,
      `Render did not create an export of ${id} (${e.status}: ${e.renderMessage}).${db?.plan === 'free' ? ' Its instance type is free, which has no exports or backups on Render.' : ''} If the plan has no exports, upgrade the instance type, or back it up with pg_dump instead: database-url with its External Database URL.`
    )
  return new ActionError(Titles.backup, `Render's API failed: ${errorMessage(e)}`, { cause: e })
}
