import type { Readable } from 'node:stream'
import { ActionError, Titles } from '../runtime/errors.js'
import type { BackupRef, DestinationKind, ReadSettings } from '../config/settings.js'
import type { Workspace } from '../runtime/workspace.js'
import type { CatalogEntry, Destination } from './destination.js'
import { newestFirst } from './entries.js'
import { makeDestinations } from './index.js'
import { describeOthers, pickLatest } from './states.js'

export type { CatalogEntry } from './destination.js'

/** What each destination holds of a name, newest first. */
export type Listing = Map<DestinationKind, CatalogEntry[]>

/** What an explicit `backup` reference names, and where such a thing is kept. */
const REFERENCED: Record<'path' | 'key' | 'artifact', { kind: DestinationKind; what: string }> = {
  path: { kind: 'file', what: 'a path' },
  key: { kind: 's3', what: 'an S3 key' },
  artifact: { kind: 'artifact', what: 'an artifact' }
}

/** The backups in the destinations, read through their manifests (never the storage's modification times). */
export class Catalog {
  readonly destinations: Destination[]
  constructor(s: Pick<ReadSettings, 'destinations' | 'githubToken' | 'artifactRunId'>, work: Workspace) {
    this.destinations = makeDestinations(s.destinations, work, { githubToken: s.githubToken, artifactRunId: s.artifactRunId })
  }

  private destination(kind: DestinationKind): Destination | undefined {
    return this.destinations.find(d => d.kind === kind)
  }

  /** The first destination in `destination` order: where `latest` and check look. */
  get first(): Destination {
    return this.destinations[0]
  }

  /** Every destination, in `destination` order. */
  async listAll(name: string | undefined): Promise<CatalogEntry[]> {
    return [...(await this.listEach(name)).values()].flat().sort(newestFirst)
  }

  /** Each destination's entries: a backup run's one listing, for the series check and retention. */
  async listEach(name: string | undefined): Promise<Listing> {
    const out: Listing = new Map()
    for (const d of this.destinations) out.set(d.kind, await d.list(name))
    return out
  }

  /**
   * `latest` (the newest good backup) or `latest-verified`, from the first
   * destination; or the backup a path, S3 key or artifact name names, in
   * whatever state it is (the caller decides what an explicit reference may restore).
   */
  async find(ref: BackupRef, name: string): Promise<CatalogEntry> {
    if (ref.kind === 'latest' || ref.kind === 'latest-verified') {
      const d = this.first
      const entries = await d.list(name)
      const found = pickLatest(entries, ref.kind)
      if (!found) {
        throw new ActionError(
          Titles.restore,
          `No ${ref.kind === 'latest' ? 'good (verified or unverified)' : 'verified'} backup named '${name}' in ${d.kind}${describeOthers(entries)}.`
        )
      }
      return found
    }
    const { kind, what } = REFERENCED[ref.kind]
    const d = this.destination(kind)
    if (!d) throw new ActionError(Titles.restore, `Input 'backup' names ${what}, but 'destination' does not include ${kind}.`)
    return d.find(ref.kind === 'path' ? ref.path : ref.kind === 'key' ? ref.key : ref.name, name)
  }

  open(e: CatalogEntry): Promise<Readable> {
    return this.destination(e.kind)!.open(e)
  }
}
