/**
 * Turning what a destination holds into catalog entries: manifests are read
 * and checked to be ours; an object without one is an incomplete backup; a
 * manifest without its object is a missing one. S3 and files list keys the
 * same way (entriesOf); artifacts have their own listing but the same rules.
 */
import { describedBy, manifestKey, parseFileName, stampDate } from '../config/naming.js'
import { mapLimit } from '../runtime/concurrency.js'
import type { CatalogEntry } from './destination.js'
import type { ManifestV1 } from './manifest.js'
import { entryState } from './states.js'

/** A manifest this action wrote for `name` about the file `key` ends in; anything else is someone else's and never touched. */
export function ours(m: unknown, name: string, key: string): m is ManifestV1 {
  const x = m as Partial<ManifestV1>
  return (
    x?.schemaVersion === 1 &&
    x.tool?.name === 'pg-backup-action' &&
    x.name === name &&
    typeof x.key === 'string' &&
    x.key.endsWith(baseName(key))
  )
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** The last segment of an S3 key or a path. */
export const baseName = (key: string): string => key.split('/').pop()!

/** Newest first by manifest time; incomplete backups (no manifest) by the time in their name. */
export function newestFirst(a: CatalogEntry, b: CatalogEntry): number {
  return b.createdAt.getTime() - a.createdAt.getTime()
}

/** The fields every entry derives from its manifest (or the lack of one) and whether its object is there. */
export function described(parsed: { name: string; stamp: string }, manifest: ManifestV1 | undefined, objectPresent: boolean) {
  const created = manifest ? new Date(manifest.createdAt) : stampDate(parsed.stamp)
  return {
    ...parsed,
    manifest,
    objectPresent,
    createdAt: Number.isNaN(created.getTime()) ? stampDate(parsed.stamp) : created,
    state: entryState(manifest, objectPresent)
  }
}

/** What a key-addressed destination (S3, files) needs to turn its listing into entries. */
export interface KeyStore {
  kind: CatalogEntry['kind']
  url(key: string): string
  readText(key: string): Promise<string>
}

/**
 * One entry per backup among `objects` (every key under a name's folder):
 * its manifest when there is one, else the bare object (an incomplete
 * backup); only files this action named, of `name` when given.
 */
export async function entriesOf(
  objects: readonly { key: string; size: number }[],
  name: string | undefined,
  store: KeyStore
): Promise<CatalogEntry[]> {
  const present = new Map(objects.map(k => [k.key, k.size]))
  const wanted = objects.flatMap(({ key }) => {
    const described = describedBy(key)
    const objectKey = described ?? key
    const parsed = parseFileName(baseName(objectKey))
    if (!parsed || (name && parsed.name !== name) || (described === undefined && present.has(manifestKey(objectKey)))) return []
    return [{ key, objectKey, parsed, isManifest: described !== undefined }]
  })
  const entries = await mapLimit(wanted, 8, async ({ key, objectKey, parsed, isManifest }): Promise<CatalogEntry | undefined> => {
    let manifest: ManifestV1 | undefined
    if (isManifest) {
      const m = parseJson(await store.readText(key))
      if (!ours(m, parsed.name, objectKey)) return undefined // someone else's file: never listed, never touched
      manifest = m
    }
    return {
      kind: store.kind,
      key: objectKey,
      ...described(parsed, manifest, present.has(objectKey)),
      location: store.url(objectKey),
      sizeBytes: present.get(objectKey) ?? 0
    }
  })
  return entries.filter(e => e !== undefined).sort(newestFirst)
}

/** An explicitly named key, read directly with its manifest beside it; undefined when neither is there (or it is not ours). */
export async function entryAt(
  key: string,
  name: string,
  store: KeyStore & { exists(key: string): Promise<boolean> }
): Promise<CatalogEntry | undefined> {
  const parsed = parseFileName(baseName(key))
  const [exists, text] = await Promise.all([store.exists(key), store.readText(manifestKey(key)).catch(() => undefined)])
  const manifest = text === undefined ? undefined : parseJson(text)
  const mine = ours(manifest, name, key) ? manifest : undefined
  if (!parsed || (!exists && !mine)) return undefined
  return { kind: store.kind, key, ...described(parsed, mine, exists), location: store.url(key), sizeBytes: mine?.sizeBytes ?? 0 }
}
