import * as core from '@actions/core'
import type pg from 'pg'
import type { NeonReadSettings } from '../config/settings.js'
import { ActionError, Titles, errorMessage } from '../runtime/errors.js'
import { NeonTemporaries, OWNER_KEY, chooseDatabase, countsOf, neonApi, onTemporaryBranch } from '../providers/neon/branches.js'
import type { NeonApi } from '../providers/neon/api.js'
import { listAllBackups, type NeonBackup } from '../storage/neon.js'
import { isGood, isVerified, pickLatest } from '../storage/states.js'
import { compareCounts, countMismatches, countTables } from '../postgres/counts.js'
import { runVerifySql } from '../verify/sql.js'
import { reportList, type ListedBackup } from '../report/list.js'
import { neonLocation, reportNeonRestoreTest } from '../report/neon.js'
import { judgeFreshness } from './check.js'

/**
 * `list`, `check` and `restore-test` with provider neon: the backup branches
 * and snapshots this action made (DESIGN.md §3, §8), seen through Neon's API
 * with the same states as stored files.
 */
export async function neonList(s: NeonReadSettings): Promise<void> {
  const api = neonApi(s.neon)
  const all = await core.group('List Neon backups', () => listAllBackups(api, s.name))
  await reportList(
    all.map(b => listed(api.projectId, b)),
    s.secrets
  )
}

export async function neonCheck(s: NeonReadSettings, now = new Date()): Promise<void> {
  const api = neonApi(s.neon)
  const all = await core.group('List Neon backups', () => listAllBackups(api, s.name))
  const entries = all.map(b => ({ location: neonLocation(api.projectId, b.kind, b.id), state: b.state, createdAt: b.createdAt }))
  await judgeFreshness(s.name!, `Neon project ${api.projectId}`, entries, s.maxAgeSeconds!, s.secrets, now)
}

/** A backup branch or snapshot as `list` shows it. */
function listed(projectId: string, b: NeonBackup): ListedBackup {
  return {
    key: b.key,
    destination: `neon-${b.kind}`,
    name: b.annotations?.[OWNER_KEY] ?? b.key.replace(/-\d{8}T\d{6}Z(-unverified)?$/, ''),
    createdAt: b.createdAt.toISOString(),
    sizeBytes: b.branch?.logical_size ?? null,
    sha256: null,
    state: b.state,
    verified: isVerified(b.state),
    location: neonLocation(projectId, b.kind, b.id)
  }
}

/**
 * `restore-test`: the backup restored into a temporary branch with its own
 * compute (a backup branch's child, or a snapshot restored to a branch), so
 * nothing of the backup itself changes; its tables counted and compared with
 * the counts the backup branch recorded at verification (snapshots record
 * none: verify-sql only, and the summary says so); then the branch is deleted.
 */
export async function neonRestoreTest(s: NeonReadSettings, now = new Date()): Promise<void> {
  const api = neonApi(s.neon)
  const temporaries = new NeonTemporaries()
  try {
    const all = await core.group('Find the backup', () => listAllBackups(api, s.name))
    const backup = chooseBackup(all, s)
    const recorded = backup.annotations ? countsOf(backup.annotations) : undefined
    const started = Date.now()
    const r = await core.group(`Restore ${backup.key} into a temporary branch`, () =>
      throughTemporaryBranch(api, s, backup, temporaries, async c => ({
        tables: recorded ? await compareCounts(c, { tables: recorded }) : await countTables(c),
        sql: await runVerifySql(c, s.verifySql)
      }))
    )
    const restoreSeconds = (Date.now() - started) / 1000
    const details = [...countMismatches(r.tables), ...r.sql]
    const passed = details.length === 0
    const queries = s.verifySql.length ? `; ${s.verifySql.length} verify-sql quer${s.verifySql.length > 1 ? 'ies' : 'y'} passed` : ''
    if (passed)
      details.push(
        recorded
          ? `${r.tables.length} tables restored with the row counts recorded at its verification${queries}`
          : `the ${backup.kind} records no row counts (${backup.kind === 'snapshot' ? 'snapshots carry no annotations' : 'it was made without verify: restore'}): it restored and answered with ${r.tables.length} tables, and only verify-sql checked it${queries || ' (none given)'}`
      )
    const age = Math.max(0, Math.round((now.getTime() - backup.createdAt.getTime()) / 1000))
    const tooOld = s.maxAgeSeconds !== undefined && age > s.maxAgeSeconds
    if (tooOld)
      details.push(`the backup is ${(age / 3600).toFixed(1)} h old, more than max-age (${(s.maxAgeSeconds! / 3600).toFixed(1)} h)`)
    await reportNeonRestoreTest(
      {
        key: backup.key,
        location: neonLocation(api.projectId, backup.kind, backup.id),
        kind: backup.kind,
        state: backup.state,
        createdAt: backup.createdAt,
        restoreSeconds,
        backupAgeSeconds: age,
        verified: passed,
        details,
        comparison: r.tables
      },
      s.secrets
    )
    if (!passed) throw new ActionError(Titles.verification, details.join('\n'))
    if (tooOld) throw new ActionError(Titles.tooOld, details[details.length - 1])
  } finally {
    await temporaries.removeAll(api).then(
      removed => removed.forEach(what => core.info(`Removed the temporary ${what}.`)),
      (e: unknown) =>
        core.warning(
          `Could not remove a temporary Neon branch: ${errorMessage(e)}. Remove it in the Neon console; the post step tries again.`,
          {
            title: 'Neon cleanup'
          }
        )
    )
  }
}

/** `latest`, `latest-verified`, or a branch or snapshot by name or id: a failed one named explicitly is tested with a warning; an unfinished one never. */
function chooseBackup(all: NeonBackup[], s: NeonReadSettings): NeonBackup {
  const where = `Neon project ${s.neon.projectId}`
  if (s.backup === 'latest' || s.backup === 'latest-verified') {
    const found = pickLatest(all, s.backup)
    if (!found)
      throw new ActionError(Titles.restore, `No ${s.backup === 'latest' ? 'good' : 'verified'} backup named '${s.name}' in ${where}.`)
    return found
  }
  const found = all.find(b => b.key === s.backup || b.id === s.backup)
  if (!found) throw new ActionError(Titles.restore, `No backup branch or snapshot '${s.backup}' of '${s.name}' in ${where}.`)
  if (found.state === 'incomplete')
    throw new ActionError(Titles.restoreRefused, `${found.key} has not finished (Neon is still making it); test it later.`)
  if (!isGood(found.state))
    core.warning(`${found.key} is ${found.state}; testing it anyway, as it was named explicitly.`, { title: 'Backup state' })
  return found
}

/** Runs `fn` on a temporary branch holding the backup's data, through its own compute; the branch is deleted afterwards. */
async function throughTemporaryBranch<T>(
  api: NeonApi,
  s: NeonReadSettings,
  backup: NeonBackup,
  temporaries: NeonTemporaries,
  fn: (c: pg.Client) => Promise<T>
): Promise<T> {
  const name = `${backup.key}-restore-test`
  return onTemporaryBranch(
    api,
    name,
    temporaries,
    () =>
      backup.kind === 'branch'
        ? api.createBranch({ name, parentId: backup.id, withCompute: true, annotations: {} })
        : api.restoreSnapshot(backup.id, { name }),
    branch => chooseDatabase(api, branch, s.neon, undefined, Titles.restore),
    s.secrets,
    fn
  )
}
