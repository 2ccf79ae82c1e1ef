/**
 * The Neon backups of a name as the catalog sees them: branches and snapshots
 * this action made, with the states of DESIGN.md §3 and §8.
 */
import { backupNamePattern, stampDate } from '../config/naming.js'

/** `{name}-{stamp}` or that with `-unverified`: the name part. */
const parseStoredName = (n: string): string | undefined => /^(.+)-\d{8}T\d{6}Z(-unverified)?$/.exec(n)?.[1]
import { OWNER_KEY, VERIFY_KEY } from '../providers/neon/branches.js'
import type { Annotations, NeonApi, NeonBranch, NeonSnapshot } from '../providers/neon/api.js'
import type { NeonPoint } from '../config/settings.js'
import type { BackupState } from './states.js'

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
  /** A branch's annotations (the name it was made under, its verify level, the counts it was compared with). */
  annotations?: Annotations
}

/**
 * The branches or snapshots of `name` this action made: branches carrying our
 * annotation for this name, never the default or a protected one, whatever
 * their name; snapshots by exact name. Newest first.
 */
export async function listBackups(api: NeonApi, kind: 'branch' | 'snapshot', name: string): Promise<NeonBackup[]> {
  return listOf(api, kind, name)
}

/**
 * Both kinds of one name, or of every name when `name` is undefined: then
 * branches by our annotation (it names their `name`) and snapshots whose
 * name is `{name}-{stamp}` (snapshots carry no annotation to prove more).
 */
export async function listAllBackups(api: NeonApi, name: string | undefined): Promise<NeonBackup[]> {
  const all = [...(await listOf(api, 'branch', name)), ...(await listOf(api, 'snapshot', name))]
  return all.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
}

async function listOf(api: NeonApi, kind: 'branch' | 'snapshot', name: string | undefined): Promise<NeonBackup[]> {
  const patternOf = (n: string): RegExp => backupNamePattern(n)
  const pattern = name === undefined ? undefined : patternOf(name)
  const out: NeonBackup[] = []
  if (kind === 'branch') {
    // Every branch, not a search by name: a child that would block a deletion can be named anything.
    const { branches, annotations } = await api.listBranches()
    const parents = new Set(branches.map(b => b.parent_id))
    for (const b of branches) {
      const a: Annotations = annotations[b.id] ?? {}
      const owner = a[OWNER_KEY]
      const m = owner === undefined ? null : (pattern ?? patternOf(owner)).exec(b.name)
      if (!m || owner !== (name ?? owner) || b.default || b.protected) continue
      out.push({
        kind,
        id: b.id,
        key: b.name,
        createdAt: stampDate(m[1]),
        state: branchState(b, a, !!m[2]),
        hasChildren: parents.has(b.id),
        branch: b,
        annotations: a
      })
    }
  } else {
    for (const s of await api.listSnapshots()) {
      const named = name ?? parseStoredName(s.name)
      const m = named === undefined ? null : (pattern ?? patternOf(named)).exec(s.name)
      if (m)
        out.push({ kind, id: s.id, key: s.name, createdAt: stampDate(m[1]), state: snapshotState(!!m[2]), hasChildren: false, snapshot: s })
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

/** Where a Neon restore reads from: a backup branch or snapshot, or the target's own history. */
export type NeonSource = { kind: 'backup'; backup: NeonBackup } | { kind: 'history'; point: NeonPoint }
