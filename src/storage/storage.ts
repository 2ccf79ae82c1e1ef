import * as fs from 'node:fs'
import * as core from '@actions/core'
import type { BackupSettings, DestinationKind } from '../config/settings.js'
import type { Sink, StoredCopy } from './destination.js'
import type { Workspace } from '../runtime/workspace.js'
import { ActionError, Titles, errorMessage, scrub } from '../runtime/errors.js'
import { ArtifactDestination, type StoredArtifact } from './artifact.js'
import { S3Destination, choosePartSize, maxParts } from './s3.js'
import { manifestKey } from '../config/naming.js'
import { save, State } from '../runtime/state.js'

const CONTENT_TYPE: Record<string, string> = { zst: 'application/zstd', gz: 'application/gzip', sql: 'application/sql', tar: 'application/x-tar' }

export interface Target {
  /** `{name}-{YYYYMMDDTHHMMSSZ}.{ext}`: the artifact's name and the key's last segment. */
  fileName: string
  /** The S3 key, or the file name when only an artifact is stored (DESIGN.md §7). */
  backupKey: string
  s3Key: string | undefined
}

/** A copy this run wrote under its final name that no manifest vouches for yet, and how to take it back. */
interface Unvouched {
  label: string
  /** Removes the copy (and a manifest that may have half-arrived); false when there was nothing to remove. */
  remove: () => Promise<boolean>
}

/**
 * Every destination of one run, fed from one dump. Until a destination's
 * manifest is written, what the run put there is unvouched: a failing run
 * removes it (discardUnvouched), so a failure never leaves an incomplete
 * backup behind (DESIGN.md §3). Once the manifest is written, it stays.
 */
export class Storage {
  readonly s3: S3Destination | undefined
  readonly artifact: ArtifactDestination | undefined
  private spool: string | undefined
  private stored: StoredArtifact | undefined
  private readonly unvouched = new Map<DestinationKind, Unvouched>()

  constructor(
    private readonly s: BackupSettings,
    work: Workspace
  ) {
    this.s3 = s.destinations.s3 ? new S3Destination(s.destinations.s3) : undefined
    this.artifact = s.destinations.artifact ? new ArtifactDestination(s.destinations.artifact, work) : undefined
  }

  target(fileName: string): Target {
    const s3Key = this.s3 ? `${this.s3.settings.prefix}${this.s.name}/${fileName}` : undefined
    return { fileName, s3Key, backupKey: s3Key ?? fileName }
  }

  /** Refuses to overwrite a backup made in the same second (DESIGN.md §7). */
  async assertFree(t: Target): Promise<void> {
    if (this.s3 && t.s3Key && ((await this.s3.exists(t.s3Key)) || (await this.s3.exists(manifestKey(t.s3Key))))) {
      throw new ActionError(Titles.backup, `${this.s3.url(t.s3Key)} already exists; refusing to overwrite it. Run again in a second, or set a different 'name'.`)
    }
  }

  openSinks(t: Target, databaseSize: number): Sink[] {
    const ext = t.fileName.split('.').pop() ?? ''
    const contentType = CONTENT_TYPE[ext] ?? 'application/octet-stream'
    const sinks: Sink[] = []
    for (const kind of this.s.destinations.order) {
      if (kind === 's3' && this.s3 && t.s3Key) {
        save(State.s3Key, t.s3Key)
        const partSize = choosePartSize(databaseSize, maxParts(this.s3.settings.endpoint), this.s3.settings.partSizeMiB)
        const sink = this.s3.openUpload(t.s3Key, contentType, partSize)
        const s3 = this.s3
        const key = t.s3Key
        // Attached before the pipeline's own handlers: once the object is complete, a later failure removes it.
        sink.done.then(
          () => this.unvouched.set('s3', { label: s3.url(key), remove: () => s3.removeIfPresent([key, manifestKey(key)]) }),
          () => undefined
        )
        sinks.push(sink)
      }
      if (kind === 'artifact' && this.artifact) {
        const spool = this.artifact.openSpool(t.fileName)
        this.spool = spool.file
        sinks.push(spool)
      }
    }
    return sinks
  }

  /** After a good dump: uploads what had to be spooled; returns every stored copy in destination order. */
  async publish(t: Target): Promise<StoredCopy[]> {
    const copies: StoredCopy[] = []
    for (const kind of this.s.destinations.order) {
      if (kind === 's3' && this.s3 && t.s3Key) {
        const s3 = this.s3
        const key = t.s3Key
        copies.push({ kind, location: s3.url(key), open: () => s3.get(key) })
      }
      if (kind === 'artifact' && this.artifact && this.spool) {
        const spool = this.spool
        const artifact = this.artifact
        // Before the upload: an answer lost after the service finalized it still leaves an artifact to remove.
        save(State.artifactName, t.fileName)
        this.unvouched.set('artifact', { label: `artifact ${t.fileName}`, remove: () => artifact.removeIfPresent([t.fileName, manifestKey(t.fileName)]) })
        this.stored = await artifact.upload(spool)
        copies.push({ kind, location: this.stored.url, reportedSha256: this.stored.digest, open: async () => fs.createReadStream(spool) })
      }
    }
    return copies
  }

  get artifactId(): number | undefined {
    return this.stored?.id
  }

  /** Written once, after the backup object completed and was verified; from then on each copy is a backup that stays. */
  async writeManifest(t: Target, manifest: unknown): Promise<void> {
    if (this.s3 && t.s3Key) {
      await this.s3.putJson(manifestKey(t.s3Key), manifest)
      this.unvouched.delete('s3')
    }
    if (this.artifact && this.stored) {
      await this.artifact.uploadJson(manifestKey(t.fileName), manifest)
      this.unvouched.delete('artifact')
    }
  }

  /** After a failure: removes every copy no manifest vouches for, saying so; a copy that cannot be removed is named with what to do. */
  async discardUnvouched(secrets: readonly string[]): Promise<void> {
    for (const [kind, u] of this.unvouched) {
      try {
        if (await u.remove()) {
          core.warning(`Removed ${u.label}: the run failed before its manifest was written, so it would have been an incomplete backup.`, { title: 'Unfinished backup removed' })
        }
        this.unvouched.delete(kind)
      } catch (e) {
        core.warning(
          `Could not remove ${u.label} after the failure (${scrub(errorMessage(e), secrets)}). It has no manifest: list shows it as incomplete and retention never deletes it; delete it by hand.`,
          { title: 'Unfinished backup left' }
        )
      }
    }
  }
}
