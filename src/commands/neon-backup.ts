import * as core from '@actions/core'
import { ActionError, InputError, Titles, errorMessage } from '../runtime/errors.js'
import { backup } from './backup.js'
import type { Verification } from '../storage/manifest.js'
import { UNVERIFIED, backupName } from '../config/naming.js'
import { listBackups } from '../storage/neon.js'
import {
  COUNTS_KEY,
  NeonTemporaries,
  OWNER_KEY,
  VERIFY_KEY,
  chooseDatabase,
  connectionTo,
  countsAnnotation,
  findBranch,
  neonApi,
  onTemporaryBranch
} from '../providers/neon/branches.js'
import { NeonApiError, type NeonApi, type NeonBranch, type NeonSnapshot } from '../providers/neon/api.js'
import { runVerifySql } from '../verify/sql.js'
import { compareCounts, countMismatches, type TableComparison, type TableCount } from '../postgres/counts.js'
import { hasPolicy } from '../retention/policy.js'
import type { NeonBackupSettings, NeonPoint, RetentionPolicy } from '../config/settings.js'
import { SourceSession, withConnection, type ServerInfo } from '../postgres/session.js'
import { reportNeonBackup } from '../report/neon.js'
import { setEarlyOutput } from '../report/outputs.js'
import { prune, retentionStep, type RetentionResult } from '../retention/apply.js'
import { reportRetention } from '../report/retention.js'

/**
 * provider: neon through the API. `branch` and `snapshot` make the backup in
 * Neon → verify → report → retention over this name's backups; `dump` reads
 * a fresh temporary branch with pg_dump (the whole file pipeline), then
 * deletes it.
 */
export async function neonBackup(s: NeonBackupSettings, signal: AbortSignal): Promise<void> {
  const api = neonApi(s.neon)
  const temporaries = new NeonTemporaries()
  try {
    const parent = await core.group('Find the Neon branch', () => findBranch(api, s.neon.branch, Titles.backup))
    if (s.neonMode === 'dump') await dumpFromBranch(s, api, parent, temporaries, signal)
    else await branchOrSnapshot(s, api, parent, temporaries)
  } finally {
    // A step that failed half-way (a create whose operation failed, say) leaves no temporary compute or branch behind.
    await temporaries.removeAll(api).then(
      removed => removed.forEach(what => core.info(`Removed the temporary ${what}.`)),
      (e: unknown) =>
        core.warning(
          `Could not remove a temporary Neon compute or branch: ${errorMessage(e)}. Remove it in the Neon console; the post step tries again.`,
          { title: 'Neon cleanup' }
        )
    )
  }
}

async function branchOrSnapshot(s: NeonBackupSettings, api: NeonApi, parent: NeonBranch, temporaries: NeonTemporaries): Promise<void> {
  const createdAt = new Date()
  const name = checkedName(s.name ?? s.neon.database ?? s.source?.database ?? parent.name)
  const key = backupName(name, createdAt)
  const reference = s.verify === 'restore' ? await core.group('Count the source', () => countSource(s, api, parent)) : undefined
  // The counts and the backup describe the same point: the WAL position read with the counting snapshot.
  const point: NeonPoint | undefined = reference?.lsn ? { kind: 'lsn', value: reference.lsn } : s.neon.pointInTime
  const made =
    s.neonMode === 'branch'
      ? await core.group(`Create backup branch ${key}`, () =>
          createBackupBranch(api, s, parent, key, name, point, reference && countsAnnotation(reference.tables))
        )
      : await core.group(`Create snapshot ${key}`, () => createSnapshot(api, s, parent, key, point, createdAt))
  const { verification, comparison } = await core.group(`Verify (${s.verify})`, () => verify(s, api, made, reference, temporaries))
  const failed = s.verify !== 'none' && !verification.passed
  // A failed backup keeps its data for inspection under a name that never counts as a backup (nor is pruned).
  const finalKey = failed ? await setAside(api, made, key) : key
  const finishedAt = new Date()
  await reportNeonBackup(
    {
      name,
      key: finalKey,
      kind: made.kind,
      projectId: api.projectId,
      parent,
      branch: made.branch,
      snapshot: made.snapshot,
      point,
      createdAt,
      finishedAt,
      serverVersion: reference?.info.serverVersion,
      verification,
      comparison,
      tables: reference?.tables
    },
    s.secrets
  )
  if (failed) throw new ActionError(Titles.verification, verification.details.join('\n'))
  const retention = await core.group('Retention', () => neonRetention(api, s, made.kind, name, key))
  if (retention) await reportRetention(retention, s.retention.dryRun, s.secrets)
}

function checkedName(name: string): string {
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(name))
    throw new InputError(`The backup name '${name}' is not 1–100 of A–Z a–z 0–9 . _ - : set 'name'.`)
  return name
}

/** neonMode dump: pg_dump of a fresh branch (at neon-point-in-time, or now) with its own short-lived compute, deleted afterwards. */
async function dumpFromBranch(
  s: NeonBackupSettings,
  api: NeonApi,
  parent: NeonBranch,
  temporaries: NeonTemporaries,
  signal: AbortSignal
): Promise<void> {
  const { database, role } = await chooseDatabase(api, parent, s.neon, s.source, Titles.backup)
  const name = checkedName(s.name ?? database)
  const tempName = `${backupName(name, new Date())}-dump`
  const point = s.neon.pointInTime
  temporaries.add('branch', tempName)
  const { branch, endpoints } = await core.group(`Create temporary branch ${tempName}`, () =>
    api.createBranch({
      name: tempName,
      parentId: parent.id,
      parentLsn: point?.kind === 'lsn' ? point.value : undefined,
      parentTimestamp: point?.kind === 'timestamp' ? point.value : undefined,
      withCompute: true,
      annotations: { [OWNER_KEY]: name, [VERIFY_KEY]: 'none', 'pg-backup-action-temporary': 'dump' }
    })
  )
  try {
    const endpoint = endpoints.find(e => e.type === 'read_write') ?? (await api.createEndpoint(branch.id))
    const source = await connectionTo(api, { branchId: branch.id, endpointId: endpoint.id, database, role }, s.secrets)
    core.info(`Dumping ${database} as ${role} from branch ${tempName} (${branch.id}) of ${parent.name}${point ? ` at ${point.value}` : ''}`)
    const neonOrigin = {
      projectId: api.projectId,
      branchId: parent.id,
      branchName: parent.name,
      parentBranchId: parent.id,
      pointInTime: point?.value ?? branch.parent_lsn ?? null
    }
    await backup({ ...s.dump!, source, name, neonOrigin }, signal)
  } finally {
    // A failure here must not hide the backup's own error; removeAll tries again and warns.
    await core
      .group(`Delete temporary branch ${tempName}`, () => api.deleteBranch(branch.id).then(() => temporaries.forget(tempName)))
      .catch(() => undefined)
  }
}

interface Reference {
  database: string
  role: string
  tables: TableCount[]
  lsn: string | null
  info: ServerInfo
}

/** Exact counts of every table in one snapshot of the source (database-url, else the branch's own compute), with its WAL position. */
async function countSource(s: NeonBackupSettings, api: NeonApi, parent: NeonBranch): Promise<Reference> {
  const { database, role } = await chooseDatabase(api, parent, s.neon, s.source, Titles.backup)
  const source = s.source ?? (await connectionTo(api, { branchId: parent.id, database, role }, s.secrets))
  const session = await SourceSession.open(source)
  try {
    const tables = await session.countRows(() => true)
    core.info(`${tables.length} tables counted in ${database} at LSN ${session.lsn ?? '(standby: none)'}`)
    return { database, role, tables, lsn: session.lsn, info: session.info }
  } finally {
    await session.close()
  }
}

interface Made {
  kind: 'branch' | 'snapshot'
  branch?: NeonBranch
  snapshot?: NeonSnapshot
}

/** Neon's plan limits as a clear failure that says what to change, instead of the raw API error. */
export function planLimit(e: unknown, kind: 'branch' | 'snapshot'): unknown {
  if (!(e instanceof NeonApiError) || e.status < 400 || e.status >= 500 || [401, 404, 423, 429].includes(e.status)) return e
  if (!/limit|quota|exceed|maximum|too many/i.test(`${e.code} ${e.neonMessage}`)) return e
  const advice =
    kind === 'snapshot'
      ? 'Neon allows 1 manual snapshot on the Free plan and 10 on paid plans. Retention deletes only after a good run, so keep fewer than the limit (keep-last below it), delete old snapshots in the Neon console, or upgrade; on the Free plan use neon-mode: branch or neon-mode: dump instead.'
      : 'Neon limits the branches of a project by plan. Keep fewer backup branches (lower keep-last / keep-* so retention leaves room), delete unused branches, or use neon-mode: snapshot or neon-mode: dump to S3.'
  return new ActionError(Titles.backup, `Neon refused a new ${kind}: the project is at its plan's limit (${e.neonMessage}). ${advice}`, {
    cause: e
  })
}

async function createBackupBranch(
  api: NeonApi,
  s: NeonBackupSettings,
  parent: NeonBranch,
  key: string,
  name: string,
  point: NeonPoint | undefined,
  counts: string | undefined
): Promise<Made> {
  if (await api.findBranchByName(key))
    throw new ActionError(
      Titles.backup,
      `Branch ${key} already exists in Neon project ${api.projectId}; refusing to overwrite it. Run again in a second, or set a different 'name'.`
    )
  try {
    const { branch } = await api.createBranch({
      name: key,
      parentId: parent.id,
      parentLsn: point?.kind === 'lsn' ? point.value : undefined,
      parentTimestamp: point?.kind === 'timestamp' ? point.value : undefined,
      // No compute: a backup branch costs storage only; verify: restore gives it a short-lived one.
      withCompute: false,
      annotations: { [OWNER_KEY]: name, [VERIFY_KEY]: s.verify, ...(counts ? { [COUNTS_KEY]: counts } : {}) }
    })
    setEarlyOutput('neon-branch-id', branch.id)
    setEarlyOutput('neon-branch-name', branch.name)
    return { kind: 'branch', branch }
  } catch (e) {
    throw planLimit(e, 'branch')
  }
}

/** Neon deletes a snapshot at expires_at whatever else exists, so it is set only when keep-days is the only rule (DESIGN.md §4 otherwise decides). */
export function snapshotExpiry(p: RetentionPolicy, createdAt: Date): string | undefined {
  const others = [p.keepLast, p.keepDaily, p.keepWeekly, p.keepMonthly, p.keepYearly].some(v => v)
  if (!p.keepDays || others) return undefined
  return new Date(createdAt.getTime() + p.keepDays * 86400_000).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

async function createSnapshot(
  api: NeonApi,
  s: NeonBackupSettings,
  parent: NeonBranch,
  key: string,
  point: NeonPoint | undefined,
  createdAt: Date
): Promise<Made> {
  if ((await api.listSnapshots()).some(x => x.name === key))
    throw new ActionError(
      Titles.backup,
      `Snapshot ${key} already exists in Neon project ${api.projectId}; refusing to make another. Run again in a second, or set a different 'name'.`
    )
  try {
    const snapshot = await api.createSnapshot(parent.id, {
      name: key,
      lsn: point?.kind === 'lsn' ? point.value : undefined,
      timestamp: point?.kind === 'timestamp' ? point.value : undefined,
      expiresAt: snapshotExpiry(s.retention.policy, createdAt)
    })
    setEarlyOutput('neon-snapshot-id', snapshot.id)
    return { kind: 'snapshot', snapshot }
  } catch (e) {
    throw planLimit(e, 'snapshot')
  }
}

/**
 * archive: the branch or snapshot exists and its operations finished.
 * restore: a short-lived compute on the branch (or the snapshot restored to a
 * temporary branch), every table counted and compared with the source's
 * counts at the same point, verify-sql run, then the compute or branch removed.
 */
async function verify(
  s: NeonBackupSettings,
  api: NeonApi,
  made: Made,
  reference: Reference | undefined,
  temporaries: NeonTemporaries
): Promise<{ verification: Verification; comparison?: TableComparison[] }> {
  if (s.verify === 'none') return { verification: { level: 'none', passed: false, details: ['verification was not requested'] } }
  if (s.verify === 'archive' || !reference) {
    if (made.branch) {
      const { branch } = await api.getBranch(made.branch.id)
      const ok = ['ready', 'archived'].includes(branch.current_state)
      return {
        verification: {
          level: 'archive',
          passed: ok,
          details: [`branch ${branch.name} (${branch.id}) ${ok ? 'exists and is' : 'is'} ${branch.current_state}; its operations finished`]
        }
      }
    }
    const snap = (await api.listSnapshots()).find(x => x.id === made.snapshot!.id)
    return {
      verification: {
        level: 'archive',
        passed: !!snap,
        details: [
          snap
            ? `snapshot ${snap.name} (${snap.id}) exists${snap.lsn ? ` at LSN ${snap.lsn}` : ''}; its operations finished`
            : `snapshot ${made.snapshot!.name} (${made.snapshot!.id}) is not in the project's snapshots`
        ]
      }
    }
  }
  try {
    const counted = await onBackup(api, made, reference, temporaries, s.secrets, async c => ({
      tables: await compareCounts(c, reference),
      sql: await runVerifySql(c, s.verifySql)
    }))
    const details = [...countMismatches(counted.tables), ...counted.sql]
    const passed = details.length === 0
    if (passed) {
      details.push(
        `${counted.tables.length} tables counted on the ${made.kind} through a temporary compute match the source at LSN ${reference.lsn ?? '(unknown)'}${s.verifySql.length ? `; ${s.verifySql.length} verify-sql quer${s.verifySql.length > 1 ? 'ies' : 'y'} passed` : ''}`
      )
    }
    return { verification: { level: 'restore', passed, details }, comparison: counted.tables }
  } catch (e) {
    if (e instanceof InputError) throw e
    return { verification: { level: 'restore', passed: false, details: [`could not read the backup: ${errorMessage(e)}`] } }
  }
}

/** Runs `fn` connected to the backup's data, then removes the compute (branch) or the temporary branch (snapshot). */
async function onBackup<T>(
  api: NeonApi,
  made: Made,
  ref: Reference,
  temporaries: NeonTemporaries,
  secrets: string[],
  fn: (c: import('pg').Client) => Promise<T>
): Promise<T> {
  if (made.branch) {
    const endpoint = await api.createEndpoint(made.branch.id)
    temporaries.add('endpoint', endpoint.id)
    try {
      const conn = await connectionTo(
        api,
        { branchId: made.branch.id, endpointId: endpoint.id, database: ref.database, role: ref.role },
        secrets
      )
      return await withConnection(conn, fn)
    } finally {
      // Not the verification's failure if this fails: removeAll tries again and warns.
      await api.deleteEndpoint(endpoint.id).then(
        () => temporaries.forget(endpoint.id),
        () => undefined
      )
    }
  }
  return onTemporaryBranch(
    api,
    `${made.snapshot!.name}-verify`,
    temporaries,
    () => api.restoreSnapshot(made.snapshot!.id, { name: `${made.snapshot!.name}-verify` }),
    async () => ({ database: ref.database, role: ref.role }),
    secrets,
    fn
  )
}

/** Renames a backup whose verification failed to `{key}-unverified`: kept for inspection, never what `latest` restores; retention removes it once a newer good backup exists. */
async function setAside(api: NeonApi, made: Made, key: string): Promise<string> {
  const aside = `${key}${UNVERIFIED}`
  try {
    if (made.branch) await api.renameBranch(made.branch.id, aside)
    else await api.renameSnapshot(made.snapshot!.id, aside)
    core.warning(
      `The ${made.kind} ${key} failed verification and was renamed ${aside}: it is kept for inspection and never restored as the latest; retention removes it once a newer good backup exists.`,
      { title: 'Neon backup set aside' }
    )
    return aside
  } catch (e) {
    core.warning(
      `The ${made.kind} ${key} failed verification and could not be renamed (${errorMessage(e)}); rename or delete it by hand so it is not taken for a good backup.`,
      { title: 'Neon backup set aside' }
    )
    return key
  }
}

/**
 * Retention over this name's backup branches (or snapshots) through the same
 * selection as files; branches with children are kept (Neon cannot delete them).
 */
async function neonRetention(
  api: NeonApi,
  s: NeonBackupSettings,
  kind: 'branch' | 'snapshot',
  name: string,
  thisRun: string,
  now = new Date()
): Promise<RetentionResult | undefined> {
  if (!hasPolicy(s.retention.policy)) return undefined
  return retentionStep('made', async () => {
    const backups = await listBackups(api, kind, name)
    const candidates = backups.map(b => ({
      id: b.key,
      createdAt: b.createdAt,
      state: b.state,
      item: b,
      pinned: b.hasChildren ? 'has child branches (Neon cannot delete it)' : undefined
    }))
    return prune(
      candidates,
      s.retention,
      thisRun,
      async doomed => {
        for (const b of doomed) await (kind === 'branch' ? api.deleteBranch(b.id) : api.deleteSnapshot(b.id))
      },
      now
    )
  })
}
