/**
 * What backup, restore and the post step share about Neon: the client from
 * settings, finding branches, the database and role to connect as, masked
 * connections, the backups this action made, and the temporary resources the
 * post step removes after a cancelled run.
 */
import * as core from '@actions/core'
import { ActionError, type Title } from '../../runtime/errors.js'
import { parseDatabaseUrl } from '../../config/database-url.js'
import { addRunSecret } from '../../config/secrets.js'
import type pg from 'pg'
import { NeonApi, type Annotations, type NeonBranch, type NeonEndpoint } from './api.js'
import { withConnection } from '../../postgres/session.js'
import type { NeonSettings, SourceSettings } from '../../config/settings.js'
import { read, save, State } from '../../runtime/state.js'

/** Annotation keys on the branches this action creates (DESIGN.md §7: Neon ownership). */
export const OWNER_KEY = 'pg-backup-action'
export const VERIFY_KEY = 'pg-backup-action-verify'
/** The source's counts a `verify: restore` backup branch was compared with: what restore-test compares with later (snapshots carry no annotations). */
export const COUNTS_KEY = 'pg-backup-action-counts'
/** Counts longer than this stay out of the annotation (a schema of thousands of tables): restore-test then runs verify-sql only and says so. */
export const COUNTS_MAX = 8192

/** `[["public.orders", 20000], …]` for the annotation, or undefined when it would be too long. */
export function countsAnnotation(tables: readonly { schema: string; name: string; rows: number | null }[]): string | undefined {
  const text = JSON.stringify(tables.map(t => [`${t.schema}.${t.name}`, t.rows]))
  return text.length <= COUNTS_MAX ? text : undefined
}

/** The counts a backup branch carries, as the manifest's tables; undefined when it carries none. */
export function countsOf(a: Annotations): { schema: string; name: string; rows: number | null }[] | undefined {
  if (!a[COUNTS_KEY]) return undefined
  try {
    return (JSON.parse(a[COUNTS_KEY]) as [string, number | null][]).map(([table, rows]) => {
      const dot = table.indexOf('.')
      return { schema: table.slice(0, dot), name: table.slice(dot + 1), rows }
    })
  } catch {
    return undefined
  }
}

export function neonApi(n: NeonSettings): NeonApi {
  return new NeonApi({ apiUrl: n.apiUrl, apiKey: n.apiKey, projectId: n.projectId })
}

/** `neon-branch` by id or exact name; undefined is the project's default branch. */
export async function findBranch(api: NeonApi, ref: string | undefined, title: Title): Promise<NeonBranch> {
  const { branches } = await api.listBranches(ref)
  const found = ref === undefined ? branches.find(b => b.default) : (branches.find(b => b.id === ref) ?? branches.find(b => b.name === ref))
  if (!found) {
    throw new ActionError(
      title,
      ref === undefined
        ? `Neon project ${api.projectId} reports no default branch.`
        : `Neon project ${api.projectId} has no branch named or with id '${ref}' (input 'neon-branch').`
    )
  }
  return found
}

/** neon-database / neon-role, else database-url's, else the branch's only database and its owner. */
export async function chooseDatabase(
  api: NeonApi,
  branch: NeonBranch,
  n: NeonSettings,
  source: SourceSettings | undefined,
  title: Title
): Promise<{ database: string; role: string }> {
  let database = n.database ?? source?.database
  let role = n.role ?? source?.user
  if (database && role) return { database, role }
  const databases = await api.listDatabases(branch.id)
  if (!database) {
    if (databases.length !== 1) {
      throw new ActionError(
        title,
        `Branch ${branch.name} has ${databases.length ? `the databases ${databases.map(d => d.name).join(', ')}` : 'no database'}: set 'neon-database' to the one to back up.`
      )
    }
    database = databases[0].name
  }
  role ??= databases.find(d => d.name === database)?.owner_name
  if (!role)
    throw new ActionError(
      title,
      `Branch ${branch.name} has no database '${database}': set 'neon-database' (and 'neon-role') to one it has.`
    )
  return { database, role }
}

/** A branch's direct connection as source settings; its password is masked before anything could print it. */
export async function connectionTo(
  api: NeonApi,
  q: { branchId: string; endpointId?: string; database: string; role: string },
  secrets: string[]
): Promise<SourceSettings> {
  const uri = await api.connectionUri(q)
  const password = URL.canParse(uri) ? new URL(uri).password : ''
  for (const value of [uri, password, ...(password ? [decodeURIComponent(password)] : [])]) addRunSecret(secrets, value, core.setSecret)
  return parseDatabaseUrl(uri, 'neon', 'the Neon connection URI')
}

/** A temporary compute (by id) or branch (by name, recorded before it exists). */
interface Temporary {
  kind: 'endpoint' | 'branch'
  ref: string
}

/** Temporary computes and branches, recorded for the post step and forgotten once removed. */
export class NeonTemporaries {
  private readonly items: Temporary[] = []

  add(kind: Temporary['kind'], ref: string): void {
    this.items.push({ kind, ref })
    save(State.neonTemporaries, JSON.stringify(this.items))
  }

  forget(ref: string): void {
    const i = this.items.findIndex(x => x.ref === ref)
    if (i >= 0) this.items.splice(i, 1)
    save(State.neonTemporaries, JSON.stringify(this.items))
  }

  /** Removes whatever is still recorded (a step that failed half-way); returns what it removed. */
  async removeAll(api: NeonApi): Promise<string[]> {
    const removed = await removeTemporaries(api, [...this.items])
    this.items.length = 0
    save(State.neonTemporaries, '[]')
    return removed
  }

  /** Removes what a cancelled main step left (the post step). */
  static async removeLeftovers(api: NeonApi): Promise<string[]> {
    return removeTemporaries(api, JSON.parse(read(State.neonTemporaries) || '[]') as Temporary[])
  }
}

async function removeTemporaries(api: NeonApi, items: Temporary[]): Promise<string[]> {
  const removed: string[] = []
  for (const x of [...items].reverse()) {
    if (x.kind === 'endpoint') {
      await api.deleteEndpoint(x.ref)
      removed.push(`compute ${x.ref}`)
      continue
    }
    const found = await api.findBranchByName(x.ref)
    if (!found) continue
    await api.deleteBranch(found.branch.id)
    removed.push(`branch ${x.ref}`)
  }
  return removed
}

/**
 * Runs `fn` connected to a temporary branch that `make` creates (a
 * snapshot restored, a child of a backup branch), through its read-write
 * compute; the branch is recorded for the post step until it is deleted.
 */
export async function onTemporaryBranch<T>(
  api: NeonApi,
  name: string,
  temporaries: NeonTemporaries,
  make: () => Promise<{ branch: NeonBranch; endpoints: NeonEndpoint[] }>,
  who: (branch: NeonBranch) => Promise<{ database: string; role: string }>,
  secrets: string[],
  fn: (c: pg.Client) => Promise<T>
): Promise<T> {
  temporaries.add('branch', name)
  const { branch, endpoints } = await make()
  try {
    const endpoint = endpoints.find(e => e.type === 'read_write') ?? (await api.createEndpoint(branch.id))
    const conn = await connectionTo(api, { branchId: branch.id, endpointId: endpoint.id, ...(await who(branch)) }, secrets)
    return await withConnection(conn, fn)
  } finally {
    // Not the caller's failure if this fails: removeAll tries again and warns.
    await api.deleteBranch(branch.id).then(
      () => temporaries.forget(name),
      () => undefined
    )
  }
}
