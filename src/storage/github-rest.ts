import { TransientError, isTransientStatus, retryAfterMs, withRetry, type RetryOptions } from '../runtime/retry.js'

/** A repository's artifacts through the GitHub REST API: across runs, which the artifact client lists only per run. */
export interface RepoArtifact {
  id: number
  name: string
  size: number
  createdAt: string
  runId: number | undefined
}

/** What decides whether a run's artifacts may be trusted: its event and where its code came from. */
export interface WorkflowRun {
  id: number
  event: string
  /** `owner/name` of the head repository; undefined when GitHub no longer knows it (a deleted fork). */
  headRepository: string | undefined
}

const PULL_REQUEST_EVENTS = ['pull_request', 'pull_request_target']

/**
 * Why a run's artifacts must not be listed, restored or pruned as ours
 * (DESIGN.md §8): a pull-request run, or code from another repository, could
 * upload an artifact whose manifest claims to be ours. Undefined: trusted.
 */
export function untrustedBecause(run: WorkflowRun | undefined, repository: string): string | undefined {
  if (!run) return `which is not a run of ${repository}`
  if (PULL_REQUEST_EVENTS.includes(run.event)) return `a ${run.event} run`
  if (run.headRepository?.toLowerCase() !== repository.toLowerCase())
    return `a run of ${run.headRepository ?? 'a repository that no longer exists'}, not of ${repository}`
  return undefined
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
        headers: {
          Authorization: `Bearer ${this.token}`,
          Accept: 'application/vnd.github+json',
          'X-GitHub-Api-Version': '2022-11-28',
          'User-Agent': 'pg-backup-action'
        }
      })
      const message = `GitHub API ${method} ${path} answered ${res.status} ${res.statusText}`
      if (isTransientStatus(res.status)) {
        throw new TransientError(message, retryAfterMs(res.headers))
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
        artifacts: {
          id: number
          name: string
          size_in_bytes: number
          created_at: string
          expired: boolean
          workflow_run?: { id?: number }
        }[]
      }
      for (const a of body.artifacts ?? [])
        if (!a.expired) out.push({ id: a.id, name: a.name, size: a.size_in_bytes, createdAt: a.created_at, runId: a.workflow_run?.id })
      if (!body.artifacts?.length || page * 100 >= body.total_count) break
    }
    return out
  }

  /** The workflow run object (GET /actions/runs/{id}); undefined when the repository has no such run. */
  async run(id: number): Promise<WorkflowRun | undefined> {
    const res = await this.request('GET', `/actions/runs/${id}`)
    if (res.status === 404) return undefined
    const body = (await res.json()) as { id: number; event: string; head_repository?: { full_name?: string } | null }
    return { id: body.id, event: body.event, headRepository: body.head_repository?.full_name ?? undefined }
  }

  get repositoryName(): string {
    return this.repository
  }

  async remove(id: number): Promise<void> {
    await this.request('DELETE', `/actions/artifacts/${id}`)
  }
}
