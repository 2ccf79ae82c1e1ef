import * as fs from 'node:fs'
import * as path from 'node:path'
import * as core from '@actions/core'
import type { Readable } from 'node:stream'
import type { ArtifactClient } from '@actions/artifact'
import type { ArtifactSettings } from '../config/settings.js'
import type { CatalogEntry, Destination, Sink, Write } from './destination.js'
import type { ManifestV1 } from './manifest.js'
import { describedBy, manifestKey, parseFileName } from '../config/naming.js'
import { ActionError, Titles } from '../runtime/errors.js'
import { mapLimit } from '../runtime/concurrency.js'
import { RepoArtifacts, untrustedBecause } from './github-rest.js'
import { described, newestFirst, ours, parseJson } from './entries.js'
import type { Workspace } from '../runtime/workspace.js'
import { diskFull } from '../runtime/process.js'

export interface StoredArtifact {
  id: number
  name: string
  url: string
  /** sha256 of the bytes the artifact client uploaded, as it computed it. */
  digest: string | undefined
}

const SPOOL_WHY =
  'the artifact destination spools the whole backup there before uploading it (the artifact service takes whole files). Free disk on the runner, or store to S3 alone (destination: s3 streams and needs no runner disk)'

export function artifactUrl(id: number, env = process.env): string {
  const server = env.GITHUB_SERVER_URL || 'https://github.com'
  return `${server}/${env.GITHUB_REPOSITORY ?? ''}/actions/runs/${env.GITHUB_RUN_ID ?? ''}/artifacts/${id}`
}

/** Which runs' artifacts a listing reads (DESIGN.md §8: trusted artifacts). */
export interface ArtifactScope {
  /** Lists across runs and deletes (actions: read / write). */
  githubToken: string | undefined
  /** Artifacts of that run only (needs githubToken). */
  artifactRunId: number | undefined
}

/**
 * GitHub artifacts: one artifact per file, uploaded without a zip around it
 * (skipArchive) so it downloads as itself. The artifact service takes whole
 * files, so the dump is spooled to a 0600 file in the run's temp directory
 * and uploaded only after pg_dump succeeded.
 */
export class ArtifactDestination implements Destination {
  readonly kind = 'artifact'
  private loaded: ArtifactClient | undefined
  constructor(
    private readonly settings: ArtifactSettings,
    /** Where spools and downloads go; the post step, which only lists and removes, has none. */
    private readonly work?: Workspace,
    private readonly scope: ArtifactScope = { githubToken: undefined, artifactRunId: undefined }
  ) {}

  keyOf(_name: string, fileName: string): string {
    return fileName
  }

  url(key: string): string {
    return `artifact ${key}`
  }

  /** Artifact names are this run's own: an earlier run's artifact of the same name is another artifact. */
  async refuseExisting(): Promise<void> {}

  /** Spooled first; the artifact appears only when published, so that is when a failure must start removing it. */
  write(key: string): Write {
    const spool = this.openSpool(key)
    return {
      sink: spool,
      final: 'publishing',
      publish: async () => {
        const stored = await this.upload(spool.file)
        this.lastUpload = stored
        return { kind: 'artifact', location: stored.url, reportedSha256: stored.digest, open: async () => fs.createReadStream(spool.file) }
      }
    }
  }

  /** The id of the backup artifact this run uploaded: the artifact-id output. */
  lastUpload: StoredArtifact | undefined

  async writeManifest(key: string, manifest: ManifestV1): Promise<void> {
    await this.uploadJson(manifestKey(key), manifest)
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
  async list(name: string | undefined): Promise<CatalogEntry[]> {
    const { githubToken: token, artifactRunId } = this.scope
    let all: { id: number; name: string; size: number }[]
    if (token && artifactRunId) {
      const why = await this.untrusted(new RepoArtifacts(token), artifactRunId)
      if (why) {
        throw new ActionError(
          Titles.restoreRefused,
          `Input 'artifact-run-id' names run ${artifactRunId}, ${why}: artifacts of pull-request runs and of other repositories are never listed or restored, since a fork could plant one that claims to be a backup.`
        )
      }
      all = await this.listRun(artifactRunId, token)
    } else if (token) {
      const repo = new RepoArtifacts(token)
      const listed = await repo.list()
      const runs = [...new Set(listed.filter(x => parseFileName(describedBy(x.name) ?? x.name)).map(x => x.runId ?? 0))]
      const verdicts = new Map(await mapLimit(runs, 8, async id => [id, await this.untrusted(repo, id)] as const))
      const left = listed.filter(x => verdicts.get(x.runId ?? 0))
      if (left.length)
        core.info(
          `Left out ${left.length} artifact(s) of runs that are not this repository's own non-pull-request runs (${[...new Set(left.map(x => `run ${x.runId}: ${verdicts.get(x.runId ?? 0)}`))].join('; ')}).`
        )
      all = listed.filter(x => !verdicts.get(x.runId ?? 0))
    } else all = await this.listRun()
    const byName = new Map(all.map(x => [x.name, x]))
    const wanted = all.flatMap(art => {
      const parsed = describedBy(art.name) !== undefined ? undefined : parseFileName(art.name)
      return parsed && (!name || parsed.name === name) ? [{ art, parsed, m: byName.get(manifestKey(art.name)) }] : []
    })
    const entries = await mapLimit(wanted, 4, async ({ art, parsed, m }): Promise<CatalogEntry> => {
      let manifest: ManifestV1 | undefined
      if (m) {
        const parsedManifest = parseJson(fs.readFileSync(await this.download(m.id, m.name), 'utf8'))
        if (ours(parsedManifest, parsed.name, art.name)) manifest = parsedManifest
      }
      return {
        kind: 'artifact',
        key: art.name,
        ...described(parsed, manifest, true),
        location: `artifact ${art.name} (id ${art.id})`,
        sizeBytes: art.size,
        artifactId: art.id,
        manifestArtifactId: m?.id
      }
    })
    return entries.sort(newestFirst)
  }

  async find(key: string, name: string): Promise<CatalogEntry> {
    const found = (await this.list(name)).find(e => e.key === key)
    if (!found) throw new ActionError(Titles.restore, `Backup '${key}' was not found in artifact.`)
    return found
  }

  async open(e: CatalogEntry): Promise<Readable> {
    return fs.createReadStream(await this.download(e.artifactId!, e.key))
  }

  cannotPrune(): string | undefined {
    return this.scope.githubToken
      ? undefined
      : "Artifacts are not pruned without 'github-token' (actions: write); they expire after artifact-retention-days."
  }

  async prune(entries: CatalogEntry[]): Promise<void> {
    const gh = new RepoArtifacts(this.scope.githubToken!)
    for (const e of entries) await gh.remove(e.artifactId!)
    for (const e of entries) if (e.manifestArtifactId) await gh.remove(e.manifestArtifactId)
  }

  async cleanUpAfterKill(key: string): Promise<void> {
    const names = new Set((await this.listRun()).map(a => a.name))
    if (!names.has(manifestKey(key)) && (await this.removeIfPresent([key])))
      core.info(`Removed artifact ${key}: the step ended before its manifest was written.`)
  }

  private workspace(): Workspace {
    if (!this.work) throw new Error('no workspace for artifact files')
    return this.work
  }

  /** The artifact client (large: Azure and Octokit) is loaded on first use. */
  private async client(): Promise<ArtifactClient> {
    this.loaded ??= new (await import('@actions/artifact')).DefaultArtifactClient()
    return this.loaded
  }

  openSpool(fileName: string): Sink & { file: string } {
    const file = this.workspace().createFile(fileName)
    const stream = fs.createWriteStream(file, { flags: 'r+', highWaterMark: 1024 * 1024 })
    // Registered before the pipeline's own listener, so the error every step reports says why the disk mattered.
    stream.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOSPC') e.message = diskFull(path.dirname(file), SPOOL_WHY)
    })
    const done = new Promise<void>((resolve, reject) => {
      stream.once('finish', () => resolve())
      stream.once('error', reject)
      stream.once('close', () => (stream.writableFinished ? resolve() : reject(new Error('artifact spool closed early'))))
    })
    return { name: 'artifact', stream, done, file }
  }

  async upload(file: string): Promise<StoredArtifact> {
    const r = await (
      await this.client()
    ).uploadArtifact(path.basename(file), [file], path.dirname(file), {
      skipArchive: true,
      retentionDays: this.settings.retentionDays
    })
    if (!r.id) throw new Error(`the artifact service returned no id for ${path.basename(file)}`)
    return { id: r.id, name: path.basename(file), url: artifactUrl(r.id), digest: r.digest }
  }

  /** Artifacts of this run, or of `runId` in this repository (needs a token with actions: read). */
  private async listRun(runId?: number, token?: string): Promise<{ id: number; name: string; size: number }[]> {
    const r = await (await this.client()).listArtifacts({ latest: true, findBy: this.findBy(runId, token) })
    return r.artifacts.map(a => ({ id: a.id, name: a.name, size: a.size }))
  }

  /** Downloads one artifact (a single raw file, see skipArchive) into the workspace; returns its path. */
  private async download(id: number, name: string): Promise<string> {
    const { artifactRunId: runId, githubToken: token } = this.scope
    const dir = this.workspace().path(`artifact-${id}`)
    fs.mkdirSync(dir, { mode: 0o700 })
    await (await this.client()).downloadArtifact(id, { path: dir, findBy: this.findBy(runId, token) })
    // The client names a raw download after the service's Content-Disposition; expect exactly one file either way.
    const files = fs.readdirSync(dir)
    if (files.length !== 1) throw new Error(`artifact ${name} did not download as a single file (got ${files.length})`)
    return path.join(dir, files[0])
  }

  /** Removes those of this run's artifacts named `names` that exist; false when none did. */
  async removeIfPresent(names: string[]): Promise<boolean> {
    const client = await this.client()
    const present = new Set((await this.listRun()).map(a => a.name))
    const doomed = names.filter(n => present.has(n))
    for (const n of doomed) await client.deleteArtifact(n)
    return doomed.length > 0
  }

  private findBy(runId?: number, token?: string) {
    if (!token) return undefined
    // Downloads by id need only the repository; the run id matters for listing.
    runId ??= Number(process.env.GITHUB_RUN_ID)
    const [repositoryOwner, repositoryName] = (process.env.GITHUB_REPOSITORY ?? '/').split('/')
    return { token, workflowRunId: runId, repositoryOwner, repositoryName }
  }

  /** The manifest is its own artifact, `{file}.manifest.json`, readable without downloading the backup. */
  async uploadJson(fileName: string, value: unknown): Promise<StoredArtifact> {
    const file = this.workspace().createFile(fileName)
    fs.writeFileSync(file, JSON.stringify(value, null, 2) + '\n')
    return this.upload(file)
  }
}
