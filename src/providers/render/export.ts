import { setTimeout } from 'node:timers/promises'
import { RenderApiError, type RenderApi, type RenderExport } from './api.js'

export interface ExportWait {
  /** Give up after this long (DESIGN.md §7: an hour). */
  timeoutMs?: number
  /** First wait between polls; grows to `maxPollMs`. */
  pollMs?: number
  maxPollMs?: number
  sleep?: (ms: number) => Promise<void>
  now?: () => number
  /** A cancelled step stops waiting at once. */
  signal?: AbortSignal
  /** Told each time the new export was seen without its link yet. */
  onPending?: (exportId: string | undefined, waitedMs: number) => void
}

/** The wait for an export ran out: the export id (when one was listed) names what to look at. */
export class ExportTimeout extends Error {
  constructor(
    readonly exportId: string | undefined,
    readonly waitedMs: number
  ) {
    super(
      exportId
        ? `Render's export ${exportId} had no download link after ${Math.round(waitedMs / 60000)} minutes`
        : `no new export appeared in Render's list within ${Math.round(waitedMs / 60000)} minutes of the request`
    )
    this.name = 'ExportTimeout'
  }
}

/**
 * Asks Render for a new export and waits until it can be downloaded. The
 * new export is the first id that was not in the list read just before the
 * request (DESIGN.md §7: never a comparison of clocks, so an older export is
 * never taken for it). A request whose answer was lost is not repeated when
 * the next listing already shows a new export.
 */
export async function takeExport(
  api: Pick<RenderApi, 'listExports' | 'createExport'>,
  postgresId: string,
  o: ExportWait = {}
): Promise<RenderExport & { url: string }> {
  const now = o.now ?? Date.now
  const sleep = o.sleep ?? ((ms: number) => setTimeout(ms, undefined, { signal: o.signal }))
  const timeoutMs = o.timeoutMs ?? 60 * 60_000
  const before = new Set((await api.listExports(postgresId)).map(e => e.id))
  const fresh = (list: RenderExport[]): RenderExport | undefined => list.find(e => !before.has(e.id))
  const started = now()
  try {
    await api.createExport(postgresId)
  } catch (e) {
    // An answer that never came (a network error) or a server error: the request may have been taken.
    if (e instanceof RenderApiError && e.status < 500) throw e
    if (!fresh(await api.listExports(postgresId))) throw e
  }
  let wait = o.pollMs ?? 2000
  for (;;) {
    o.signal?.throwIfAborted()
    const seen = fresh(await api.listExports(postgresId))
    if (seen?.url) return { ...seen, url: seen.url }
    const waited = now() - started
    if (waited >= timeoutMs) throw new ExportTimeout(seen?.id, waited)
    o.onPending?.(seen?.id, waited)
    // A cancel is said as itself, not as the timer's AbortError.
    await sleep(Math.min(wait, Math.max(0, timeoutMs - waited))).catch((e: unknown) => {
      throw o.signal?.aborted ? o.signal.reason : e
    })
    wait = Math.min(wait * 2, o.maxPollMs ?? 30_000)
  }
}
