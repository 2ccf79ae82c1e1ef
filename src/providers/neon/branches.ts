/**
 * What backup, restore and the post step share about Neon: the client from
 * settings, finding branches, the database and role to connect as, masked
 * connections, the backups this action made, and the temporary resources the
 * post step removes after a cancelled run.
 */
import * as core from '@actions/core'
import { ActionError, type Title } from '../../runtime/errors.js'
import { parseDatabaseUrl, secretForms } from '../../config/inputs.js'
import { NeonApi, type Annotations, type NeonBranch, type NeonSnapshot } from './api.js'
import type { NeonSettings, SourceSettings } from '../../config/settings.js'
import { read, save, State } from '../../runtime/state.js'
import { stampDate } from '../../storage/manifest.js'
import type { BackupState } from '../../storage/states.js'

/** Annotation keys on the branches this action creates (DESIGN.md §7: Neon ownership). */
export const OWNER_KEY = 'pg-backup-action'
export const VERIFY_KEY = 'pg-backup-action-verify'

export function neonApi(n: NeonSettings): NeonApi {
  return new NeonApi({ apiUrl: n.apiUrl, apiKey: n.apiKey, projectId: n.projectId })
}

/** `neon-branch` by id or exact name; undefined is the project's default branch. */
export async function findBranch(api: NeonApi, ref: string | undefined, title: Title): Promise<NeonBranch> {
  const { branches } = await api.listBranches(ref)
  const found = ref === undefined ? branches.find(b => b.default) : (branches.find(b => b.id === ref) ?? branches.find(b => b.name === ref))
  if (!found) {
    throw new ActionError(title, ref === undefined ? `Neon project ${api.projectId} reports no default branch.` : `Neon project ${api.projectId} has no branch named or with id '${ref}' (input 'neon-branch').`)
  }
  return found
}

/** neon-database / neon-role, else database-url's, else the branch's only database and its owner. */
export async function chooseDatabase(api: NeonApi, branch: NeonBranch, n: NeonSettings, source: SourceSettings | undefined, title: Title): Promise<{ database: string; role: string }> {
  let database = n.database ?? source?.database
  let role = n.role ?? source?.user
  if (database && role) return { database, role }
  const databases = await api.listDatabases(branch.id)
  if (!database) {
    if (databases.length !== 1) {
      throw new ActionError(title, `Branch ${branch.name} has ${databases.length ? `the databases ${databases.map(d => d.name).join(', ')}` : 'no database'}: set 'neon-database' to the one to back up.`)
    }
    database = databases[0].name
  }
  role ??= databases.find(d => d.name === database)?.owner_name
  if (!role) throw new ActionError(title, `Branch ${branch.name} has no database '${database}': set 'neon-database' (and 'neon-role') to one it has.`)
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
  for (const form of [uri, ...secretForms(password), ...(password ? secretForms(decodeURIComponent(password)) : [])]) {
    if (form && !secrets.includes(form)) {
      secrets.push(form)
      core.setSecret(form)
    }
  }
  return parseDatabaseUrl(uri, 'neon', 'the Neon connection URI')
}

/** `{name}-{YYYYMMDDTHHMMSSZ}`, or that with `-unverified` (set aside after a failed verification): the only names retention and `latest` consider. */
export function backupNamePattern(name: string): RegExp {
  return new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(\\d{8}T\\d{6}Z)(${UNVERIFIED})?$`)
}

/** The suffix a backup that failed verification is renamed with (DESIGN.md §8: ours, and `failed`). */
export const UNVERIFIED = '-unverified'

/** One backup this action made: a branch or a snapshot. */
export interface NeonBackup {
  kind: 'branch' | 'snapshot'
  id: string
  /** `{name}-{stamp}`: what `backup-key` and `deleted` report. */
  key: string
  createdAt: Date
  /** DESIGN.md §3, §8: a snapshot is verified once it exists; a branch by the verify level it was made with; `-unverified` ones failed. */
  state: BackupState
  /** Branches with children cannot be deleted (Neon refuses). */
  hasChildren: boolean
  branch?: NeonBranch
  snapshot?: NeonSnapshot
}

/**
 * The branches or snapshots of `name` this action made: branches carrying our
 * annotation for this name, never the default or a protected one, whatever
 * their name; snapshots by exact name. Newest first.
 */
export async function listBackups(api: NeonApi, kind: 'branch' | 'snapshot', name: string): Promise<NeonBackup[]> {
  const pattern = backupNamePattern(name)
  const out: NeonBackup[] = []
  if (kind === 'branch') {
    // Every branch, not a search by name: a child that would block a deletion can be named anything.
    const { branches, annotations } = await api.listBranches()
    const parents = new Set(branches.map(b => b.parent_id))
    for (const b of branches) {
      const m = pattern.exec(b.name)
      const a: Annotations = annotations[b.id] ?? {}
      if (!m || a[OWNER_KEY] !== name || b.default || b.protected) continue
      out.push({ kind, id: b.id, key: b.name, createdAt: stampDate(m[1]), state: branchState(b, a, !!m[2]), hasChildren: parents.has(b.id), branch: b })
    }
  } else {
    for (const s of await api.listSnapshots()) {
      const m = pattern.exec(s.name)
      if (m) out.push({ kind, id: s.id, key: s.name, createdAt: stampDate(m[1]), state: snapshotState(!!m[2]), hasChildren: false, snapshot: s })
    }
  }
  return out.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
}

/** A backup branch's state: set aside → failed; made with verify: none → unverified; else verified once Neon finished it. */
export function branchState(b: NeonBranch, a: Annotations, setAside: boolean): BackupState {
  if (setAside) return 'failed'
  if (!['ready', 'archived'].includes(b.current_state)) return 'incomplete'
  return (a[VERIFY_KEY] ?? 'none') === 'none' ? 'unverified' : 'verified'
}

/** A snapshot is verified once Neon made it (its own archive check), unless it was set aside after a failed verification (DESIGN.md §8). */
export function snapshotState(setAside: boolean): BackupState {
  return setAside ? 'failed' : 'verified'
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
