import { TransientError, isTransientStatus, withRetry, type RetryOptions } from '../retry.js'

/** A repository's artifacts through the GitHub REST API: across runs, which the artifact client lists only per run. */
export interface RepoArtifact {
  id: number
  name: string
  size: number
  createdAt: string
  runId: number | undefined
}

export class RepoArtifacts {
  constructor(
    private readonly token: string,
    private readonly repository = process.env.GITHUB_REPOSITORY ?? '',
    private readonly api = process.env.GITHUB_API_URL || 'https://api.github.com',
    private readonly retry: RetryOptions = {}
  ) {}

  /** 429 and 5xx (and network resets) are retried with backoff, honouring Retry-After; other failures are not. */
  private async request(method: string, path: string): Promise<Response> {
    return withRetry(async () => {
      const res = await fetch(`${this.api}/repos/${this.repository}${path}`, {
        method,
        headers: { Authorization: `Bearer ${this.token}`, Accept: 'application/vnd.github+json', 'X-GitHub-Api-Version': '2022-11-28', 'User-Agent': 'pg-backup-action' }
      })
      const message = `GitHub API ${method} ${path} answered ${res.status} ${res.statusText}`
      if (isTransientStatus(res.status)) {
        const after = Number(res.headers.get('retry-after'))
        throw new TransientError(message, Number.isFinite(after) && after > 0 ? Math.min(after, 60) * 1000 : undefined)
      }
      if (!res.ok && res.status !== 404) throw new Error(message)
      return res
    }, this.retry)
  }

  /** Every unexpired artifact of the repository (100 a page, at most 10,000). */
  async list(): Promise<RepoArtifact[]> {
    const out: RepoArtifact[] = []
    for (let page = 1; page <= 100; page++) {
      const body = (await (await this.request('GET', `/actions/artifacts?per_page=100&page=${page}`)).json()) as {
        total_count: number
        artifacts: { id: number; name: string; size_in_bytes: number; created_at: string; expired: boolean; workflow_run?: { id?: number } }[]
      }
      for (const a of body.artifacts ?? []) if (!a.expired) out.push({ id: a.id, name: a.name, size: a.size_in_bytes, createdAt: a.created_at, runId: a.workflow_run?.id })
      if (!body.artifacts?.length || page * 100 >= body.total_count) break
    }
    return out
  }

  async remove(id: number): Promise<void> {
    await this.request('DELETE', `/actions/artifacts/${id}`)
  }
}
