import { Readable } from 'node:stream'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import { ActionError, Titles, errorMessage, errorWithCause, scrub } from '../runtime/errors.js'
import type { BackupJob } from '../config/settings.js'
import type { Storage, Target } from '../storage/storage.js'
import { runPipeline, type PipelineResult } from './pipeline.js'
import { TocWatch, type ArchiveHeader } from './toc.js'
import { TarArchiveCounter } from './tar-counts.js'
import type { TableCount } from '../postgres/counts.js'

/**
 * A directory archive someone else made (Render's export): downloaded and
 * streamed into every destination as delivered — encrypted when asked, never
 * recompressed — with its toc.dat header read on the way. `what` names it
 * in messages; the link itself is a secret and never appears in one.
 * With `count`, the rows of each table are counted in the export's data
 * files on the way; `counted` is then the counts, or why there are none.
 * `sizeIfUnknown` bounds the size when the answer has no Content-Length (it
 * picks the S3 part size).
 */
export async function downloadToStorage(
  link: string,
  what: string,
  s: Pick<BackupJob, 'encryption' | 'secrets'>,
  storage: Storage,
  target: Target,
  sizeIfUnknown: number,
  signal: AbortSignal,
  count: boolean
): Promise<PipelineResult & { header: ArchiveHeader; counted?: TableCount[] | Error }> {
  let res: Response
  try {
    res = await fetch(link, { signal })
  } catch (e) {
    if (signal.aborted) throw signal.reason
    throw new ActionError(Titles.backup, scrub(`Downloading ${what} failed: ${errorWithCause(e)}; no backup was stored.`, s.secrets))
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel()
    throw new ActionError(Titles.backup, `Downloading ${what} failed: HTTP ${res.status} ${res.statusText}; no backup was stored.`)
  }
  const length = Number(res.headers.get('content-length') ?? NaN)
  const watch = count ? new TarArchiveCounter('directory', { gzip: true }) : new TocWatch()
  const encryptor = s.encryption ? await (await import('./encrypt.js')).createEncryptor(s.encryption) : undefined
  const checkWhole = async (bytes: number): Promise<void> => {
    if (Number.isFinite(length) && bytes !== length)
      throw new ActionError(Titles.backup, `Downloading ${what} ended after ${bytes} of its ${length} bytes; no backup was stored.`)
    if (bytes === 0) throw new ActionError(Titles.backup, `${what} is empty; no backup was stored.`)
    try {
      watch.header()
    } catch (e) {
      throw new ActionError(Titles.backup, `${what} is not a pg_dump directory archive: ${errorMessage(e)}; no backup was stored.`)
    }
  }
  const body = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>)
  try {
    const result = await runPipeline(
      body,
      [watch, ...(encryptor ? [encryptor] : [])],
      storage.openSinks(target, Number.isFinite(length) ? length : sizeIfUnknown),
      checkWhole,
      signal
    )
    if (!(watch instanceof TarArchiveCounter)) return { ...result, header: watch.header() }
    let counted: TableCount[] | Error
    try {
      counted = watch.counts()
    } catch (e) {
      counted = e as Error
    }
    return { ...result, header: watch.header(), counted }
  } catch (e) {
    if (e instanceof ActionError || signal.aborted) throw e
    throw new ActionError(Titles.backup, scrub(`Downloading ${what} failed: ${errorWithCause(e)}; no backup was stored.`, s.secrets), {
      cause: e
    })
  }
}
