/**
 * The names this action gives what it stores (DESIGN.md §3): `{name}-{stamp}`
 * with a UTC stamp, then an extension that tells the truth about every layer.
 * Input parsing (a name taken from a `backup` key), the catalog, retention and
 * the Neon branches all read names through these functions, so the rule lives
 * once, in the lowest layer that needs it.
 */
import type { CompressionAlgorithm, Format } from './settings.js'

/** A `name`: 1–100 of A–Z a–z 0–9 . _ - */
export const NAME = /^[A-Za-z0-9._-]{1,100}$/
const STAMP = String.raw`\d{8}T\d{6}Z`
const FILE = new RegExp(
  String.raw`^(?<name>[A-Za-z0-9._-]+)-(?<stamp>${STAMP})\.(?:dump|sql|tar|supabase\.tar|roles\.sql)(?:\.zst|\.gz)?(?:\.age|\.gpg)?$`
)
const MANIFEST = '.manifest.json'

/** `2026-11-22T09:05:03.123Z` → `20261122T090503Z` (UTC). */
export function timestamp(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')
}

/** `20261122T090503Z` → that instant: the inverse of timestamp(). */
export function stampDate(stamp: string): Date {
  return new Date(
    `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(9, 11)}:${stamp.slice(11, 13)}:${stamp.slice(13, 15)}Z`
  )
}

/** `{name}-{stamp}`: a Neon backup branch's or snapshot's name, and every stored file's stem. */
export function backupName(name: string, at: Date): string {
  return `${name}-${timestamp(at)}`
}

const BASE_EXT: Record<Format, string> = { custom: 'dump', plain: 'sql', directory: 'tar', supabase: 'supabase.tar', roles: 'roles.sql' }
const COMPRESSED_EXT: Record<CompressionAlgorithm, string> = { zstd: '.zst', gzip: '.gz', none: '' }

/** The stored file's extension: it tells the truth about every layer (DESIGN.md §3). */
export function fileExtension(format: Format, compression: CompressionAlgorithm, encryption?: 'age' | 'gpg'): string {
  return BASE_EXT[format] + COMPRESSED_EXT[compression] + (encryption ? `.${encryption}` : '')
}

export function backupFileName(name: string, at: Date, ext: string): string {
  return `${backupName(name, at)}.${ext}`
}

/** The manifest beside a stored file (an S3 key, a path, an artifact name). */
export function manifestKey(backupKey: string): string {
  return `${backupKey}${MANIFEST}`
}

/** The stored file a manifest describes; undefined when `key` is not a manifest's. */
export function describedBy(key: string): string | undefined {
  return key.endsWith(MANIFEST) ? key.slice(0, -MANIFEST.length) : undefined
}

/** Parses `{name}-{stamp}.{ext}`; undefined for anything this action did not name. */
export function parseFileName(file: string): { name: string; stamp: string } | undefined {
  const m = FILE.exec(file)
  return m?.groups ? { name: m.groups.name, stamp: m.groups.stamp } : undefined
}

/** The `name` part of a stored file's name that has a stamp, whatever its extension (a `backup` input's key or artifact). */
export function nameOfStored(file: string): string | undefined {
  return new RegExp(`^(.+)-${STAMP}\\.`).exec(file)?.[1]
}

/** The suffix a Neon backup that failed verification is renamed with (DESIGN.md §8: ours, and `failed`). */
export const UNVERIFIED = '-unverified'

/** `{name}-{stamp}`, or that with `-unverified`: the only Neon names retention and `latest` consider. */
export function backupNamePattern(name: string): RegExp {
  return new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(${STAMP})(${UNVERIFIED})?$`)
}

/** The stamp at the end of a Neon backup's name (any `name`), and whether it was set aside. */
export function parseBackupName(n: string): { stamp: string; setAside: boolean } | undefined {
  const m = new RegExp(`-(${STAMP})(${UNVERIFIED})?$`).exec(n)
  return m ? { stamp: m[1], setAside: !!m[2] } : undefined
}
