import * as fs from 'node:fs'
import * as core from '@actions/core'
import type { Readable } from 'node:stream'
import { ActionError, Titles } from '../runtime/errors.js'
import { ArtifactDestination } from './artifact.js'
import { S3Destination } from './s3.js'
import { RepoArtifacts, untrustedBecause } from './github-rest.js'
import type { ManifestV1 } from './manifest.js'
import { describedBy, manifestKey, parseFileName, stampDate } from '../config/naming.js'
import type { BackupRef, ReadSettings } from '../config/settings.js'
import type { Workspace } from '../runtime/workspace.js'
import { mapLimit } from '../runtime/concurrency.js'
import { describeOthers, entryState, pickLatest, type BackupState } from './states.js'

/** What each destination holds of a name, newest first. */
export type Listing = Map<'s3' | 'artifact', CatalogEntry[]>

/** One stored backup as the commands other than `backup` see it. */
export interface CatalogEntry {
  kind: 's3' | 'artifact'
  /** The S3 key or the artifact's file name. */
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
  artifactId?: number
  manifestArtifactId?: number
}

function ours(m: unknown, name: string, key: string): m is ManifestV1 {
  const x = m as Partial<ManifestV1>
  return x?.schemaVersion === 1 && x.tool?.name === 'pg-backup-action' && x.name === name && typeof x.key === 'string' && x.key.endsWith(key.split('/').pop()!)
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** Newest first by manifest time; incomplete backups (no manifest) by the time in their name. */
export function newestFirst(a: CatalogEntry, b: CatalogEntry): number {
  return b.createdAt.getTime() - a.createdAt.getTime()
}

/** The fields every entry derives from its manifest (or the lack of one) and whether its object is there. */
function described(parsed: { name: string; stamp: string }, manifest: ManifestV1 | undefined, objectPresent: boolean) {
  const created = manifest ? new Date(manifest.createdAt) : stampDate(parsed.stamp)
  return { ...parsed, manifest, objectPresent, createdAt: Number.isNaN(created.getTime()) ? stampDate(parsed.stamp) : created, state: entryState(manifest, objectPresent) }
}

/** The backups in the destinations, read through their manifests (never the storage's modification times). */
export class Catalog {
  private readonly s3: S3Destination | undefined
  private readonly artifact: ArtifactDestination | undefined
  constructor(
    private readonly s: ReadSettings,
    work: Workspace
  ) {
    this.s3 = s.destinations.s3 ? new S3Destination(s.destinations.s3) : undefined
    this.artifact = s.destinations.artifact ? new ArtifactDestination(s.destinations.artifact, work) : undefined
  }

  async list(kind: 's3' | 'artifact', name: string | undefined): Promise<CatalogEntry[]> {
    return kind === 's3' ? this.listS3(name) : this.listArtifacts(name)
  }

  /** Every destination, in `destination` order. */
  async listAll(name: string | undefined): Promise<CatalogEntry[]> {
    return [...(await this.listEach(name)).values()].flat().sort(newestFirst)
  }

  /** Each destination's entries: a backup run's one listing, for the series check and retention. */
  async listEach(name: string | undefined): Promise<Listing> {
    const out: Listing = new Map()
    for (const kind of this.s.destinations.order) out.set(kind, await this.list(kind, name))
    return out
  }

  private async listS3(name: string | undefined): Promise<CatalogEntry[]> {
    const s3 = this.s3!
    const keys = await s3.listKeys(s3.settings.prefix + (name ? `${name}/` : ''))
    const present = new Map(keys.map(k => [k.key, k.size]))
    // One entry per backup: its manifest when there is one, else the bare object (an incomplete backup).
    const wanted = keys.flatMap(({ key }) => {
      const described = describedBy(key)
      const isManifest = described !== undefined
      const objectKey = described ?? key
      const parsed = parseFileName(objectKey.split('/').pop()!)
      if (!parsed || (name && parsed.name !== name) || (!isManifest && present.has(manifestKey(objectKey)))) return []
      return [{ key, objectKey, parsed, isManifest }]
    })
    const entries = await mapLimit(wanted, 8, async ({ key, objectKey, parsed, isManifest }): Promise<CatalogEntry | undefined> => {
      let manifest: ManifestV1 | undefined
      if (isManifest) {
        const m = parseJson(await s3.getText(key))
        if (!ours(m, parsed.name, objectKey)) return undefined // someone else's file: never listed, never touched
        manifest = m
      }
      return { kind: 's3', key: objectKey, ...described(parsed, manifest, present.has(objectKey)), location: s3.url(objectKey), sizeBytes: present.get(objectKey) ?? 0 }
    })
    return entries.filter(e => e !== undefined).sort(newestFirst)
  }

  /** Per run id: why its artifacts are not ours to use (undefined: trusted), asked of the REST API once. */
  private readonly trust = new Map<number, Promise<string | undefined>>()

  private untrusted(repo: RepoArtifacts, runId: number): Promise<string | undefined> {
    // The current run's own artifacts always count.
    if (String(runId) === process.env.GITHUB_RUN_ID) return Promise.resolve(undefined)
    let verdict = this.trust.get(runId)
    if (!verdict) {
      verdict = repo.run(runId).then(run => untrustedBecause(run, repo.repositoryName))
      this.trust.set(runId, verdict)
    }
    return verdict
  }

  /**
   * Artifacts of this run; of `artifact-run-id`; or, with a github-token and no
   * run id, of every run of the repository (what list and retention need) —
   * only ever of this repository's own non-pull-request runs (DESIGN.md §8).
   */
  private async listArtifacts(name: string | undefined): Promise<CatalogEntry[]> {
    const a = this.artifact!
    const token = this.s.githubToken
    let all: { id: number; name: string; size: number }[]
    if (token && this.s.artifactRunId) {
      const why = await this.untrusted(new RepoArtifacts(token), this.s.artifactRunId)
      if (why) {
        throw new ActionError(
          Titles.restoreRefused,
          `Input 'artifact-run-id' names run ${this.s.artifactRunId}, ${why}: artifacts of pull-request runs and of other repositories are never listed or restored, since a fork could plant one that claims to be a backup.`
        )
      }
      all = await a.list(this.s.artifactRunId, token)
    } else if (token) {
      const repo = new RepoArtifacts(token)
      const listed = await repo.list()
      const runs = [...new Set(listed.filter(x => parseFileName(x.name.replace(/\.manifest\.json$/, ''))).map(x => x.runId ?? 0))]
      const verdicts = new Map(await mapLimit(runs, 8, async id => [id, await this.untrusted(repo, id)] as const))
      const left = listed.filter(x => verdicts.get(x.runId ?? 0))
      if (left.length) core.info(`Left out ${left.length} artifact(s) of runs that are not this repository's own non-pull-request runs (${[...new Set(left.map(x => `run ${x.runId}: ${verdicts.get(x.runId ?? 0)}`))].join('; ')}).`)
      all = listed.filter(x => !verdicts.get(x.runId ?? 0))
    } else all = await a.list()
    const byName = new Map(all.map(x => [x.name, x]))
    const wanted = all.flatMap(art => {
      const parsed = describedBy(art.name) !== undefined ? undefined : parseFileName(art.name)
      return parsed && (!name || parsed.name === name) ? [{ art, parsed, m: byName.get(manifestKey(art.name)) }] : []
    })
    const entries = await mapLimit(wanted, 4, async ({ art, parsed, m }): Promise<CatalogEntry> => {
      let manifest: ManifestV1 | undefined
      if (m) {
        const parsedManifest = parseJson(fs.readFileSync(await a.download(m.id, m.name, this.s.artifactRunId, this.s.githubToken), 'utf8'))
        if (ours(parsedManifest, parsed.name, art.name)) manifest = parsedManifest
      }
      return { kind: 'artifact', key: art.name, ...described(parsed, manifest, true), location: `artifact ${art.name} (id ${art.id})`, sizeBytes: art.size, artifactId: art.id, manifestArtifactId: m?.id }
    })
    return entries.sort(newestFirst)
  }

  /**
   * `latest` (the newest good backup) or `latest-verified`, from the first
   * destination; or the backup an S3 key or artifact name names, in whatever
   * state it is (the caller decides what an explicit reference may restore).
   */
  async find(ref: BackupRef, name: string): Promise<CatalogEntry> {
    const kind = ref.kind === 'key' ? 's3' : ref.kind === 'artifact' ? 'artifact' : this.s.destinations.order[0]
    if ((kind === 's3' && !this.s3) || (kind === 'artifact' && !this.artifact)) {
      throw new ActionError(Titles.restore, `Input 'backup' names ${kind === 's3' ? 'an S3 key' : 'an artifact'}, but 'destination' does not include ${kind}.`)
    }
    if (ref.kind === 'key') return this.byKey(ref.key, name)
    const entries = await this.list(kind, name)
    if (ref.kind === 'artifact') {
      const found = entries.find(e => e.key === ref.name)
      if (!found) throw new ActionError(Titles.restore, `Backup '${ref.name}' was not found in ${kind}.`)
      return found
    }
    const found = pickLatest(entries, ref.kind)
    if (!found) {
      throw new ActionError(Titles.restore, `No ${ref.kind === 'latest' ? 'good (verified or unverified)' : 'verified'} backup named '${name}' in ${kind}${describeOthers(entries)}.`)
    }
    return found
  }

  /** An S3 key is read directly, wherever it lives (another prefix included), with its manifest beside it. */
  private async byKey(key: string, name: string): Promise<CatalogEntry> {
    const s3 = this.s3!
    const parsed = parseFileName(key.split('/').pop()!)
    const [exists, text] = await Promise.all([s3.exists(key), s3.getText(manifestKey(key)).catch(() => undefined)])
    const manifest = text === undefined ? undefined : parseJson(text)
    const mine = ours(manifest, name, key) ? manifest : undefined
    if (!parsed || (!exists && !mine)) throw new ActionError(Titles.restore, `Backup '${key}' was not found in s3://${s3.settings.bucket}.`)
    return { kind: 's3', key, ...described(parsed, mine, exists), location: s3.url(key), sizeBytes: mine?.sizeBytes ?? 0 }
  }

  async open(e: CatalogEntry): Promise<Readable> {
    if (e.kind === 's3') return this.s3!.get(e.key)
    const file = await this.artifact!.download(e.artifactId!, e.key, this.s.artifactRunId, this.s.githubToken)
    return fs.createReadStream(file)
  }
}
