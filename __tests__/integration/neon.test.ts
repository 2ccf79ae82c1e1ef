import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import {
  connect,
  getObject,
  loadChinook,
  restoreWithTools,
  runAction,
  startStack,
  tableDigests,
  type TableDigest
} from '../helpers/stack.js'
import { startNeonStandIn } from '../helpers/neon-stand-in.js'
import { NeonApi } from '../../src/providers/neon/api.js'
import { NeonTemporaries } from '../../src/providers/neon/branches.js'

// provider: neon end to end: the bundled action against a stand-in of the Neon API whose
// branches and snapshots are real local databases, checked with psql/pg_restore.
type Stack = Awaited<ReturnType<typeof startStack>>
type StandIn = Awaited<ReturnType<typeof startNeonStandIn>>
let stack: Stack
let chinook: Record<string, TableDigest>
const standIns: StandIn[] = []

const DAY = 86400_000
const stamp = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')
const errors = (r: Awaited<ReturnType<typeof runAction>>) => r.annotations.filter(a => a.level === 'error')
const OURS = (verify = 'archive') => ({ 'pg-backup-action': 'shop', 'pg-backup-action-verify': verify })

/** A stand-in project whose default branch holds a fresh copy of Chinook. */
async function project(extra: Partial<Parameters<typeof startNeonStandIn>[1]> = {}): Promise<StandIn> {
  const mainDb = `neon_main_${standIns.length}`
  stack.pg.psql('postgres', ['-c', `CREATE DATABASE ${mainDb} TEMPLATE chinook`])
  const n = await startNeonStandIn(stack.pg, { mainDb, ...extra })
  standIns.push(n)
  return n
}

beforeAll(async () => {
  stack = await startStack()
  loadChinook(stack.pg)
  chinook = await tableDigests(stack.pg, 'chinook')
}, 120000)

afterEach(() => {
  // Every request the action sent and every answer the stand-in gave followed Neon's spec.
  for (const n of standIns) expect(n.violations).toEqual([])
})

afterAll(async () => {
  for (const n of standIns) await n.stop()
  await stack?.stop()
})

describe('neon-mode: branch', () => {
  let n: StandIn
  let first: Awaited<ReturnType<typeof runAction>>

  beforeAll(async () => {
    n = await project()
    first = await runAction(
      {
        ...n.inputs,
        'neon-mode': 'branch',
        name: 'shop',
        verify: 'restore',
        'verify-sql': 'SELECT count(*) = 275 FROM artist\nSELECT count(*) > 0 FROM track'
      },
      { env: stack.env }
    )
    if (first.code !== 0) throw new Error(first.stdout)
  }, 120000)

  it('makes a branch {name}-{stamp} of the default branch, annotated as ours, with no compute left on it', () => {
    const key = first.outputs['backup-key']
    expect(key).toMatch(/^shop-\d{8}T\d{6}Z$/)
    const b = n.byName(key)!
    expect(b.parent_id).toBe(n.main.id)
    // verify: restore records the source's counts it was compared with, for restore-test later.
    const counts = Object.entries(chinook).map(([table, d]) => [table, d.rows])
    expect(b.annotation).toEqual({ ...OURS('restore'), 'pg-backup-action-counts': JSON.stringify(counts) })
    expect(first.outputs['neon-branch-id']).toBe(b.id)
    expect(first.outputs['neon-branch-name']).toBe(key)
    expect(first.outputs.location).toBe(`neon://${n.projectId}/branches/${b.id}`)
    expect([...n.endpoints.values()].filter(e => e.branch_id === b.id)).toEqual([])
    // The compute it was verified through was created and deleted again.
    expect(n.requests.filter(r => r.path.endsWith('/endpoints') && r.method === 'POST')).toHaveLength(1)
    expect(n.requests.filter(r => /\/endpoints\/ep-/.test(r.path) && r.method === 'DELETE')).toHaveLength(1)
  })

  it('branches at the WAL position read with the counting snapshot', () => {
    const create = n.requests.find(r => r.method === 'POST' && r.path.endsWith('/branches'))!
    const lsn = (create.body as { branch: { parent_lsn?: string } }).branch.parent_lsn
    expect(lsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/)
    expect(JSON.parse(first.outputs.manifest).neon.point).toEqual({ kind: 'lsn', value: lsn })
  })

  it('verifies by counting every table on the branch against the source, and runs verify-sql', async () => {
    expect(first.outputs.verified).toBe('true')
    const manifest = JSON.parse(first.outputs.manifest)
    expect(manifest.verification).toMatchObject({ level: 'restore', passed: true })
    expect(manifest.verification.details[0]).toMatch(
      /^11 tables counted on the branch through a temporary compute match the source at LSN .*; 2 verify-sql queries passed$/
    )
    const counted = Object.fromEntries(
      manifest.tables.map((t: { schema: string; name: string; rows: number }) => [`${t.schema}.${t.name}`, t.rows])
    )
    expect(counted).toEqual(Object.fromEntries(Object.entries(chinook).map(([k, v]) => [k, v.rows])))
    expect(first.summary).toContain('public.track')
    // Independently: the branch's database holds exactly the source's rows.
    expect(await tableDigests(stack.pg, n.byName(first.outputs['backup-key'])!.db)).toEqual(chinook)
  })

  it('retention keeps the newest backups of this name and never the default, a protected, an unannotated or a parent branch', async () => {
    const now = Date.now()
    const older = await Promise.all(
      [1, 2, 3, 4, 5].map(async i =>
        n.addBranch(`shop-${stamp(new Date(now - i * DAY))}`, {
          annotation: OURS(),
          protected: i === 4,
          ...(i === 5 ? { annotation: undefined } : {})
        })
      )
    )
    await n.addBranch('debug', { parent_id: older[2].id }) // a child of the 3-day-old backup
    const other = await n.addBranch(`shop-staging-${stamp(new Date(now - 2 * DAY))}`, {
      annotation: { 'pg-backup-action': 'shop-staging', 'pg-backup-action-verify': 'archive' }
    })

    const plan = await runAction(
      { ...n.inputs, 'neon-mode': 'branch', name: 'shop', 'keep-last': '3', 'retention-dry-run': 'true' },
      { env: stack.env }
    )
    expect(plan.code).toBe(0)
    expect(plan.summary).toContain('Retention plan (dry run: nothing deleted)')
    expect(JSON.parse(plan.outputs.deleted)).toEqual([])
    expect(n.byName(older[1].name)).toBeDefined()

    const r = await runAction({ ...n.inputs, 'neon-mode': 'branch', name: 'shop', 'keep-last': '3' }, { env: stack.env })
    expect(r.stdout).not.toContain('::error')
    // Ours: this run, the dry run's, the first test's, and 1, 2, 3 days old; the newest three stay, the 3-day-old one has a child.
    expect(JSON.parse(r.outputs.deleted)).toEqual([older[0].name, older[1].name])
    for (const gone of [older[0], older[1]]) expect(n.byName(gone.name)).toBeUndefined()
    for (const kept of [older[2], older[3], older[4], other, n.main]) expect(n.branches.get(kept.id)).toBeDefined()
    expect(r.summary).toContain('has child branches (Neon cannot delete it)')
    const dbs = await connect(stack.pg, 'postgres')
    try {
      const left = await dbs.query('SELECT 1 FROM pg_database WHERE datname = ANY($1)', [[older[0].db, older[1].db]])
      expect(left.rowCount).toBe(0)
    } finally {
      await dbs.end()
    }
  })

  it('restore is refused without confirm, changes nothing on dry-run, and with confirm brings the backup back, keeping the old state', async () => {
    const backupKey = first.outputs['backup-key']
    stack.pg.psql(n.main.db, ['-c', 'DELETE FROM invoice_line; DELETE FROM invoice WHERE invoice_id > 10'])
    const damaged = await tableDigests(stack.pg, n.main.db)
    const restore = { ...n.inputs, command: 'restore', backup: backupKey }

    const refused = await runAction(restore, { env: stack.env })
    expect(refused.code).toBe(1)
    expect(errors(refused)).toEqual([expect.objectContaining({ title: 'Restore refused' })])
    expect(errors(refused)[0].message).toContain('confirm: main')
    const dry = await runAction({ ...restore, 'dry-run': 'true' }, { env: stack.env })
    expect(dry.code).toBe(0)
    expect(await tableDigests(stack.pg, n.main.db)).toEqual(damaged)

    const r = await runAction({ ...restore, confirm: 'main' }, { env: stack.env })
    expect(r.code).toBe(0)
    expect(r.outputs['neon-branch-id']).toBe(n.main.id)
    expect(r.outputs['backup-key']).toBe(backupKey)
    expect(Number(r.outputs['restore-seconds'])).toBeGreaterThanOrEqual(0)
    expect(await tableDigests(stack.pg, n.main.db)).toEqual(chinook)
    const preserved = [...n.branches.values()].find(b => /^main-pre-restore-\d{8}T\d{6}Z$/.test(b.name))!
    expect(await tableDigests(stack.pg, preserved.db)).toEqual(damaged)
  })

  it('a backup whose verification fails is set aside as -unverified (failed): retention deletes nothing that run, latest never restores it, and a newer good backup lets retention remove it', async () => {
    const m = await project({
      afterCopy: async db =>
        void stack.pg.psql(db, ['-c', 'DELETE FROM playlist_track WHERE ctid = (SELECT min(ctid) FROM playlist_track)'])
    })
    const old = await m.addBranch(`shop-${stamp(new Date(Date.now() - 3 * DAY))}`, { annotation: OURS() })
    const r = await runAction({ ...m.inputs, 'neon-mode': 'branch', name: 'shop', verify: 'restore', 'keep-last': '1' }, { env: stack.env })
    expect(r.code).toBe(1)
    expect(errors(r)).toEqual([expect.objectContaining({ title: 'Backup verification failed' })])
    expect(errors(r)[0].message).toContain('public.playlist_track: expected 8715 rows, restored 8714')
    expect(r.outputs.verified).toBe('false')
    expect(r.outputs['backup-key']).toMatch(/^shop-\d{8}T\d{6}Z-unverified$/)
    expect(m.byName(r.outputs['backup-key'])).toBeDefined()
    expect(m.branches.get(old.id)).toBeDefined()
    expect(r.outputs.deleted).toBeUndefined()

    // latest is the newest good backup: the 3-day-old one, not the newer set-aside one.
    const dry = await runAction({ ...m.inputs, command: 'restore', name: 'shop', 'dry-run': 'true' }, { env: stack.env })
    expect(dry.code).toBe(0)
    expect(dry.outputs['backup-key']).toBe(old.name)
    // Named explicitly, it restores, with a warning naming its state.
    const named = await runAction(
      { ...m.inputs, command: 'restore', backup: r.outputs['backup-key'], 'dry-run': 'true' },
      { env: stack.env }
    )
    expect(named.code).toBe(0)
    expect(named.annotations).toContainEqual(expect.objectContaining({ level: 'warning', title: 'Restoring a failed backup' }))

    // A newer good backup (verify: archive) with keep-last 1: the failed one and the old one go.
    const good = await runAction({ ...m.inputs, 'neon-mode': 'branch', name: 'shop', 'keep-last': '1' }, { env: stack.env })
    expect(errors(good)).toEqual([])
    expect(JSON.parse(good.outputs.deleted).sort()).toEqual([r.outputs['backup-key'], old.name].sort())
    expect(m.byName(r.outputs['backup-key'])).toBeUndefined()
    expect(m.byName(good.outputs['backup-key'])).toBeDefined()
  })
})

describe('neon-mode: snapshot', () => {
  let n: StandIn
  let first: Awaited<ReturnType<typeof runAction>>

  beforeAll(async () => {
    n = await project({ snapshotLimit: 1 })
    first = await runAction({ ...n.inputs, 'neon-mode': 'snapshot', name: 'shop', verify: 'restore', 'keep-days': '7' }, { env: stack.env })
    if (first.code !== 0) throw new Error(first.stdout)
  }, 120000)

  it('takes a snapshot {name}-{stamp} whose expiry follows keep-days', () => {
    const s = [...n.snapshots.values()]
    expect(s).toHaveLength(1)
    expect(s[0].name).toBe(first.outputs['backup-key'])
    expect(first.outputs['neon-snapshot-id']).toBe(s[0].id)
    const created = Date.parse(JSON.parse(first.outputs.manifest).createdAt)
    expect(Math.abs(Date.parse(s[0].expires_at!) - (created + 7 * DAY))).toBeLessThan(1000)
  })

  it('verifies by restoring it to a temporary branch, counting every table, then removing the branch', async () => {
    expect(first.outputs.verified).toBe('true')
    expect(JSON.parse(first.outputs.manifest).verification.details[0]).toMatch(/^11 tables counted on the snapshot/)
    expect([...n.branches.values()].map(b => b.name)).toEqual(['main'])
    expect(await tableDigests(stack.pg, [...n.snapshots.values()][0].db)).toEqual(chinook)
  })

  it('at the plan limit ends in a clear annotation that says what to change', async () => {
    const r = await runAction({ ...n.inputs, 'neon-mode': 'snapshot', name: 'shop' }, { env: stack.env })
    expect(r.code).toBe(1)
    expect(errors(r)).toEqual([expect.objectContaining({ title: 'Backup failed' })])
    expect(errors(r)[0].message).toMatch(/plan's limit .*1 manual snapshot on the Free plan.*neon-mode: branch/)
    expect(n.snapshots.size).toBe(1)
  })

  it("restore from the latest snapshot finalizes onto a new branch that takes the old one's name", async () => {
    stack.pg.psql(n.main.db, ['-c', 'DELETE FROM playlist_track'])
    const r = await runAction({ ...n.inputs, command: 'restore', name: 'shop', confirm: 'main' }, { env: stack.env })
    expect(r.code).toBe(0)
    const main = n.byName('main')!
    expect(r.outputs['neon-branch-id']).toBe(main.id)
    expect(main.id).not.toBe(n.main.id)
    expect(main.default).toBe(true)
    expect(await tableDigests(stack.pg, main.db)).toEqual(chinook)
    expect(n.byName(r.outputs['backup-key'])).toBeUndefined()
    expect([...n.branches.values()].some(b => /^main-pre-restore-/.test(b.name))).toBe(true)
  })
})

describe('neon-mode: dump', () => {
  it('dumps a fresh temporary branch to S3, deletes the branch, and the file restores with pg_restore', async () => {
    const n = await project()
    const r = await runAction(
      { ...n.inputs, 'neon-mode': 'dump', name: 'shop', destination: 's3', 's3-bucket': 'backups', 's3-endpoint': stack.s3.endpoint },
      { env: stack.env }
    )
    expect(r.code).toBe(0)
    const key = r.outputs['backup-key']
    expect(key).toMatch(/^pg-backups\/shop\/shop-\d{8}T\d{6}Z\.dump\.zst$/)
    const manifest = JSON.parse(r.outputs.manifest)
    expect(manifest.neon).toMatchObject({ projectId: n.projectId, branchId: n.main.id, branchName: 'main' })
    expect(manifest.source.provider).toBe('neon')
    expect([...n.branches.values()].map(b => b.name)).toEqual(['main'])
    expect(
      n.requests.some(
        r => r.method === 'POST' && r.path.endsWith('/branches') && /-dump$/.test((r.body as { branch: { name: string } }).branch.name)
      )
    ).toBe(true)
    await restoreWithTools(stack.pg, await getObject(stack.s3, key), key.split('/').pop()!, 'from_neon_dump')
    expect(await tableDigests(stack.pg, 'from_neon_dump')).toEqual(chinook)
  })

  it('a temporary branch whose compute fails to start is removed, and the run fails saying why', async () => {
    const n = await project({ failOperations: ['start_compute'] })
    const r = await runAction(
      { ...n.inputs, 'neon-mode': 'dump', name: 'shop', destination: 's3', 's3-bucket': 'backups', 's3-endpoint': stack.s3.endpoint },
      { env: stack.env }
    )
    expect(r.code).toBe(1)
    expect(errors(r)).toEqual([expect.objectContaining({ title: 'Backup failed' })])
    expect(errors(r)[0].message).toMatch(/start_compute .* ended failed: compute failed to start/)
    expect([...n.branches.values()].map(b => b.name)).toEqual(['main'])
  })

  it('the post step removes a temporary branch a cancelled run left behind', async () => {
    const n = await project()
    const left = await n.addBranch('shop-20261201T030000Z-dump')
    process.env['STATE_neon-temporaries'] = JSON.stringify([{ kind: 'branch', ref: left.name }])
    try {
      const removed = await NeonTemporaries.removeLeftovers(new NeonApi({ apiUrl: n.apiUrl, apiKey: n.apiKey, projectId: n.projectId }))
      expect(removed).toEqual([`branch ${left.name}`])
      expect(n.byName(left.name)).toBeUndefined()
    } finally {
      delete process.env['STATE_neon-temporaries']
    }
  })
})
