import * as core from '@actions/core'
import { ActionError, Titles } from '../runtime/errors.js'
import { UNVERIFIED, parseBackupName, stampDate, timestamp } from '../config/naming.js'
import { findBranch, neonApi } from '../providers/neon/branches.js'
import { branchState, listAllBackups, snapshotState, type NeonBackup, type NeonSource } from '../storage/neon.js'
import { describeOthers, pickLatest } from '../storage/states.js'
import type { NeonApi, NeonBranch } from '../providers/neon/api.js'
import type { NeonRestoreSettings } from '../config/settings.js'
import { reportNeonRestore } from '../report/neon.js'

/**
 * `restore` with provider: neon: `neon-branch` restored in place from a
 * backup branch, a snapshot or its own history, its old state kept as
 * `{branch}-pre-restore-{stamp}`; refused unless `confirm` names the branch.
 */
export async function neonRestore(s: NeonRestoreSettings): Promise<void> {
  const api = neonApi(s.neon)
  const target = await core.group('Find the Neon branch', () => findBranch(api, s.neon.branch, Titles.restore))
  const name = s.name ?? s.neon.database ?? target.name
  const source = await core.group('Find the backup', () => chooseSource(api, s, target, name))
  const preserve = `${target.name}-pre-restore-${timestamp(new Date())}`
  const from =
    source.kind === 'history'
      ? `its own history at ${source.point.value}`
      : `${source.backup.kind} ${source.backup.key} (${source.backup.id})`
  const base = { projectId: api.projectId, target, source, preserve, from }
  if (s.dryRun) {
    core.notice(
      `dry run: would restore branch ${target.name} from ${from}, keeping its current state as ${preserve}; nothing was changed`,
      { title: 'Restore dry run' }
    )
    await reportNeonRestore({ ...base, branchId: target.id, restoreSeconds: 0, dryRun: true }, s.secrets)
    return
  }
  if (s.confirm !== target.name) {
    throw new ActionError(
      Titles.restoreRefused,
      `Restoring replaces every database on Neon branch '${target.name}' with ${from}. Set 'confirm: ${target.name}' to proceed (its current state is kept as branch '${preserve}').`
    )
  }
  const started = Date.now()
  const branchId = await core.group(`Restore ${target.name} from ${from}`, () => restoreInPlace(api, target, source, preserve))
  await reportNeonRestore({ ...base, branchId, restoreSeconds: (Date.now() - started) / 1000, dryRun: false }, s.secrets)
}

async function chooseSource(api: NeonApi, s: NeonRestoreSettings, target: NeonBranch, name: string): Promise<NeonSource> {
  if (s.neon.pointInTime) return { kind: 'history', point: s.neon.pointInTime }
  if (s.backup === 'latest' || s.backup === 'latest-verified') {
    const all = await listAllBackups(api, name)
    const newest = pickLatest(all, s.backup)
    if (!newest) {
      throw new ActionError(
        Titles.restore,
        `No ${s.backup === 'latest' ? 'good' : 'verified'} backup branch or snapshot named ${name}-{YYYYMMDDTHHMMSSZ} in Neon project ${api.projectId}${describeOthers(all)}: give 'backup' (a branch or snapshot by name or id) or 'name'.`
      )
    }
    return { kind: 'backup', backup: newest }
  }
  // A backup's age is the time in its name; a branch or snapshot named otherwise is as old as Neon says.
  const created = (n: string, fallback: string): Date => {
    const parsed = parseBackupName(n)
    return parsed ? stampDate(parsed.stamp) : new Date(fallback)
  }
  const { branches, annotations } = await api.listBranches(s.backup)
  const branch = branches.find(b => b.id === s.backup) ?? branches.find(b => b.name === s.backup)
  if (branch) {
    if (branch.id === target.id)
      throw new ActionError(
        Titles.restoreRefused,
        `Input 'backup' names the branch being restored (${target.name}); to go back in its own history, set 'neon-point-in-time' instead.`
      )
    const state = branchState(branch, annotations[branch.id] ?? {}, branch.name.endsWith(UNVERIFIED))
    return named({
      kind: 'branch',
      id: branch.id,
      key: branch.name,
      createdAt: created(branch.name, branch.created_at),
      state,
      hasChildren: false,
      branch
    })
  }
  const snapshot = (await api.listSnapshots()).find(x => x.id === s.backup || x.name === s.backup)
  if (snapshot)
    return named({
      kind: 'snapshot',
      id: snapshot.id,
      key: snapshot.name,
      createdAt: created(snapshot.name, snapshot.created_at),
      state: snapshotState(snapshot.name.endsWith(UNVERIFIED)),
      hasChildren: false,
      snapshot
    })
  throw new ActionError(
    Titles.restore,
    `Neon project ${api.projectId} has no branch or snapshot named or with id '${s.backup}' (input 'backup').`
  )
}

/** A backup named explicitly restores whatever its state, but a failed one says so and an unfinished one is refused (DESIGN.md §8). */
function named(backup: NeonBackup): NeonSource {
  if (backup.state === 'incomplete')
    throw new ActionError(
      Titles.restoreRefused,
      `The ${backup.kind} ${backup.key} is not ready in Neon (its operations have not finished): it is not a backup to restore yet.`
    )
  if (backup.state === 'failed')
    core.warning(`The ${backup.kind} ${backup.key} is a failed backup (its verification failed); restoring it because 'backup' names it.`, {
      title: 'Restoring a failed backup'
    })
  return { kind: 'backup', backup }
}

/** Returns the id the target branch has afterwards (a snapshot restore moves its name and computes to a new branch). */
async function restoreInPlace(api: NeonApi, target: NeonBranch, source: NeonSource, preserve: string): Promise<string> {
  if (source.kind === 'backup' && source.backup.kind === 'snapshot') {
    const restored = await api.restoreSnapshot(source.backup.id, {
      name: `${target.name}-restored-${timestamp(new Date())}`,
      targetBranchId: target.id
    })
    await api.finalizeRestore(restored.branch.id, preserve)
    return restored.branch.id
  }
  await api.restoreBranch(target.id, {
    sourceBranchId: source.kind === 'backup' ? source.backup.id : target.id,
    sourceLsn: source.kind === 'history' && source.point.kind === 'lsn' ? source.point.value : undefined,
    sourceTimestamp: source.kind === 'history' && source.point.kind === 'timestamp' ? source.point.value : undefined,
    preserveUnderName: preserve
  })
  return target.id
}
