import * as core from '@actions/core'
import type { DestinationKind, StoragePlan } from '../config/settings.js'
import type { Workspace } from '../runtime/workspace.js'
import { errorMessage, scrub } from '../runtime/errors.js'
import { manifestKey } from '../config/naming.js'
import { save, State } from '../runtime/state.js'
import type { Destination, Sink, StoredCopy, Write } from './destination.js'
import type { ManifestV1 } from './manifest.js'
import { makeDestinations } from './index.js'
import { ArtifactDestination } from './artifact.js'

const CONTENT_TYPE: Record<string, string> = {
  zst: 'application/zstd',
  gz: 'application/gzip',
  sql: 'application/sql',
  tar: 'application/x-tar'
}

/** Which destination's key `backup-key` reports, when there are several (DESIGN.md §7, §8); a kind not listed comes after these. */
const KEY_PREFERENCE: DestinationKind[] = ['s3', 'file', 'artifact']
const preference = (k: DestinationKind): number => (KEY_PREFERENCE.includes(k) ? KEY_PREFERENCE.indexOf(k) : KEY_PREFERENCE.length)

/** The storage plan of one backup: its file name and the key it has in each destination. */
export interface Target {
  /** `{name}-{YYYYMMDDTHHMMSSZ}.{ext}`: the artifact's name and every key's last segment. */
  fileName: string
  /** The S3 key; else the file's path; else the artifact's name. */
  backupKey: string
  keys: Map<DestinationKind, string>
}

/** A copy being written, recorded for the post step: what to clean up after a killed step. */
export interface Pending {
  kind: DestinationKind
  key: string
  pid: number
}

/** A copy this run wrote under its final name that no manifest vouches for yet. */
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
  readonly destinations: Destination[]
  private readonly writes = new Map<DestinationKind, Write>()
  private readonly published = new Set<DestinationKind>()
  private readonly unvouched = new Map<DestinationKind, Unvouched>()

  constructor(
    private readonly s: StoragePlan,
    work: Workspace
  ) {
    this.destinations = makeDestinations(s.destinations, work)
  }

  target(fileName: string): Target {
    const keys = new Map(this.destinations.map(d => [d.kind, d.keyOf(this.s.name, fileName)]))
    const first = [...keys.keys()].sort((a, b) => preference(a) - preference(b))[0]
    return { fileName, keys, backupKey: keys.get(first)! }
  }

  private passed: () => void = () => undefined
  /** Resolves once assertFree passed: the destinations answer, and the run may read them without holding up its dump. */
  readonly free = new Promise<void>(resolve => (this.passed = resolve))

  /** Refuses to overwrite a backup made in the same second (DESIGN.md §7). */
  async assertFree(t: Target): Promise<void> {
    await Promise.all(this.destinations.map(d => d.refuseExisting(t.keys.get(d.kind)!)))
    this.passed()
  }

  openSinks(t: Target, databaseSize: number): Sink[] {
    const ext = t.fileName.split('.').pop() ?? ''
    const contentType = CONTENT_TYPE[ext] ?? 'application/octet-stream'
    const pending: Pending[] = this.destinations.map(d => ({ kind: d.kind, key: t.keys.get(d.kind)!, pid: process.pid }))
    save(State.pendingCopies, JSON.stringify(pending))
    return this.destinations.map(d => {
      const key = t.keys.get(d.kind)!
      const w = d.write(key, contentType, databaseSize)
      this.writes.set(d.kind, w)
      // Attached before the pipeline's own handlers: once the copy is complete, a later failure removes it.
      if (w.final === 'written')
        w.sink.done.then(
          () => this.mark(d, key),
          () => undefined
        )
      return w.sink
    })
  }

  private mark(d: Destination, key: string): void {
    this.unvouched.set(d.kind, { label: d.url(key), remove: () => d.removeIfPresent([key, manifestKey(key)]) })
  }

  /** After a good dump: puts each copy under its final name; returns every stored copy in destination order. */
  async publish(t: Target): Promise<StoredCopy[]> {
    const copies: StoredCopy[] = []
    for (const d of this.destinations) {
      const w = this.writes.get(d.kind)!
      // An answer lost after the service finalized an upload still leaves a copy to remove.
      if (w.final === 'publishing') this.mark(d, t.keys.get(d.kind)!)
      copies.push(await w.publish())
      if (w.final === 'published') this.mark(d, t.keys.get(d.kind)!)
      this.published.add(d.kind)
    }
    return copies
  }

  /** The artifact-id output: the id of the backup artifact this run uploaded. */
  get artifactId(): number | undefined {
    const a = this.destinations.find(d => d instanceof ArtifactDestination)
    return a?.lastUpload?.id
  }

  /** Written once, after the backup completed and was verified; from then on each copy is a backup that stays. */
  async writeManifest(t: Target, manifest: ManifestV1): Promise<void> {
    // backup-key's destination first: a run that fails between two manifests leaves the copy backup-key names either vouched for or gone.
    for (const d of [...this.destinations].sort((a, b) => preference(a.kind) - preference(b.kind))) {
      if (!this.published.has(d.kind)) continue
      await d.writeManifest(t.keys.get(d.kind)!, manifest)
      this.unvouched.delete(d.kind)
    }
  }

  /** After a failure: removes every copy no manifest vouches for, saying so; a copy that cannot be removed is named with what to do. */
  async discardUnvouched(secrets: readonly string[]): Promise<void> {
    for (const [kind, w] of this.writes) if (!this.published.has(kind)) w.discard?.()
    for (const [kind, u] of this.unvouched) {
      try {
        if (await u.remove()) {
          core.warning(`Removed ${u.label}: the run failed before its manifest was written, so it would have been an incomplete backup.`, {
            title: 'Unfinished backup removed'
          })
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
