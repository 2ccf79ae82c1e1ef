import * as fs from 'node:fs'
import * as path from 'node:path'
import type { ArtifactClient } from '@actions/artifact'
import type { ArtifactSettings } from '../config/settings.js'
import type { Sink } from './destination.js'
import type { Workspace } from '../runtime/workspace.js'
import { diskFull } from '../runtime/process.js'

export interface StoredArtifact {
  id: number
  name: string
  url: string
  /** sha256 of the bytes the artifact client uploaded, as it computed it. */
  digest: string | undefined
}

const SPOOL_WHY = 'the artifact destination spools the whole backup there before uploading it (the artifact service takes whole files). Free disk on the runner, or store to S3 alone (destination: s3 streams and needs no runner disk)'

export function artifactUrl(id: number, env = process.env): string {
  const server = env.GITHUB_SERVER_URL || 'https://github.com'
  return `${server}/${env.GITHUB_REPOSITORY ?? ''}/actions/runs/${env.GITHUB_RUN_ID ?? ''}/artifacts/${id}`
}

/**
 * GitHub artifacts: one artifact per file, uploaded without a zip around it
 * (skipArchive) so it downloads as itself. The artifact service takes whole
 * files, so the dump is spooled to a 0600 file in the run's temp directory
 * and uploaded only after pg_dump succeeded.
 */
export class ArtifactDestination {
  private loaded: ArtifactClient | undefined
  constructor(
    private readonly settings: ArtifactSettings,
    /** Where spools and downloads go; the post step, which only lists and removes, has none. */
    private readonly work?: Workspace
  ) {}

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
    const r = await (await this.client()).uploadArtifact(path.basename(file), [file], path.dirname(file), {
      skipArchive: true,
      retentionDays: this.settings.retentionDays
    })
    if (!r.id) throw new Error(`the artifact service returned no id for ${path.basename(file)}`)
    return { id: r.id, name: path.basename(file), url: artifactUrl(r.id), digest: r.digest }
  }

  /** Artifacts of this run, or of `runId` in this repository (needs a token with actions: read). */
  async list(runId?: number, token?: string): Promise<{ id: number; name: string; size: number }[]> {
    const r = await (await this.client()).listArtifacts({ latest: true, findBy: this.findBy(runId, token) })
    return r.artifacts.map(a => ({ id: a.id, name: a.name, size: a.size }))
  }

  /** Downloads one artifact (a single raw file, see skipArchive) into the workspace; returns its path. */
  async download(id: number, name: string, runId?: number, token?: string): Promise<string> {
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
    const present = new Set((await this.list()).map(a => a.name))
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
