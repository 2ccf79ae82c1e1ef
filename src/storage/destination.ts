/**
 * One interface for every place a backup is kept (S3, a directory on the
 * runner, GitHub artifacts). The backup run, the catalog (list, latest,
 * restore, check), retention and the post step see only this; adding a
 * destination is one class here plus a line in the factory (./index.ts).
 */
import type { Readable, Writable } from 'node:stream'
import type { DestinationKind } from '../config/settings.js'
import type { ManifestV1 } from './manifest.js'
import type { BackupState } from './states.js'

/** Where the stored bytes go. `done` settles when the destination has them all (or failed). */
export interface Sink {
  name: string
  stream: Writable
  done: Promise<void>
}

/** What was stored, and how to read each copy back. */
export interface StoredCopy {
  kind: DestinationKind
  location: string
  open: () => Promise<Readable>
  /** sha256 the destination itself reported for what it received, when it reports one. */
  reportedSha256?: string
}

/**
 * One backup being written to one destination. The bytes go into `sink`;
 * `publish` (called only once every sink finished and pg_dump succeeded) puts
 * them under their final name where that is a separate step.
 */
export interface Write {
  sink: Sink
  /**
   * From when something of ours may stand under the final name, so that a
   * failure must remove it: `written` (S3: a completed upload is the object),
   * `publishing` (artifacts: a lost answer may follow a finalized upload), or
   * `published` (files: link(2) either made the name ours or refused it, and
   * a refused name is someone else's, never to be removed).
   */
  final: 'written' | 'publishing' | 'published'
  publish(): Promise<StoredCopy>
  /** After a failure before `publish`: removes what the write left outside the run's workspace (a temporary file). */
  discard?(): void
}

/** One stored backup as the commands other than `backup` see it. */
export interface CatalogEntry {
  kind: DestinationKind
  /** The S3 key, the file's absolute path, or the artifact's name: what `backup-key` and `deleted` report. */
  key: string
  name: string
  /** From the file name; the manifest's createdAt is what orders backups. */
  stamp: string
  /** The manifest's createdAt; for an incomplete backup, the time in its name. */
  createdAt: Date
  /** Undefined for an incomplete backup (no manifest beside it: nothing proves it finished). */
  manifest: ManifestV1 | undefined
  /** False when a manifest's backup object is gone (a crash during retention). */
  objectPresent: boolean
  /** DESIGN.md §3: what `latest`, check and retention may use it for. */
  state: BackupState
  location: string
  sizeBytes: number
  /** Artifacts only: the ids retention deletes by. */
  artifactId?: number
  manifestArtifactId?: number
}

export interface Destination {
  readonly kind: DestinationKind
  /** Where a backup of `name` called `fileName` is kept here: `{prefix}{name}/{file}`, `{file-path}/{name}/{file}`, or the file name. */
  keyOf(name: string, fileName: string): string
  /** How users see a key: `s3://bucket/key`, `file:///path`, `artifact NAME`. */
  url(key: string): string
  /** Refuses (throws) when a backup or manifest already stands under `key`: nothing is ever overwritten (DESIGN.md §7). */
  refuseExisting(key: string): Promise<void>
  /** Starts writing a backup; `estimatedBytes` is an upper bound of its size (for S3's part size). */
  write(key: string, contentType: string, estimatedBytes: number): Write
  /** The manifest beside a published backup: once it is written, the backup stays. */
  writeManifest(key: string, manifest: ManifestV1): Promise<void>
  /** Removes those of `keys` that exist (a backup and its manifest); false when none did. */
  removeIfPresent(keys: string[]): Promise<boolean>
  /** This destination's backups of `name` (all names when undefined), read through their manifests, newest first. */
  list(name: string | undefined): Promise<CatalogEntry[]>
  /** The backup an explicit `backup` input names (a key, a path, an artifact name), in whatever state it is. */
  find(key: string, name: string): Promise<CatalogEntry>
  open(entry: CatalogEntry): Promise<Readable>
  /** Why retention may not delete here (undefined: it may). */
  cannotPrune(): string | undefined
  /** Retention: the backups first, their manifests second, so a crash in between leaves a `missing` entry, never an undescribed backup. */
  prune(entries: CatalogEntry[]): Promise<void>
  /** The post step after a killed main step (pid `pid`): whatever it left under `key` without a manifest goes, saying so. */
  cleanUpAfterKill(key: string, pid: number): Promise<void>
}
