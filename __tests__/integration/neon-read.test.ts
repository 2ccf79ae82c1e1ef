import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { loadChinook, runAction, startStack } from '../helpers/stack.js'
import { startNeonStandIn } from '../helpers/neon-stand-in.js'

// list, check and restore-test with provider: neon, against the Neon stand-in whose branches and snapshots are real
// local copies of Chinook: a branch backup verified by restore (its counts recorded on the branch) and a snapshot.
type Stack = Awaited<ReturnType<typeof startStack>>
type StandIn = Awaited<ReturnType<typeof startNeonStandIn>>
type Run = Awaited<ReturnType<typeof runAction>>
let stack: Stack
let n: StandIn
let branchRun: Run
let snapshotRun: Run
const errors = (r: Run) => r.annotations.filter(a => a.level === 'error')

beforeAll(async () => {
  stack = await startStack()
  loadChinook(stack.pg)
  stack.pg.psql('postgres', ['-c', 'CREATE DATABASE neon_read_main TEMPLATE chinook'])
  n = await startNeonStandIn(stack.pg, { mainDb: 'neon_read_main' })
  branchRun = await runAction({ ...n.inputs, 'neon-mode': 'branch', name: 'shop', verify: 'restore' }, { env: stack.env })
  if (branchRun.code !== 0) throw new Error(branchRun.stdout)
  await new Promise(r => setTimeout(r, 1100))
  snapshotRun = await runAction({ ...n.inputs, 'neon-mode': 'snapshot', name: 'shop' }, { env: stack.env })
  if (snapshotRun.code !== 0) throw new Error(snapshotRun.stdout)
}, 180000)

afterEach(() => expect(n.violations).toEqual([]))

afterAll(async () => {
  await n?.stop()
  await stack?.stop()
})

describe('provider: neon in list, check and restore-test', () => {
  it('list shows the backup branch and the snapshot with their states', async () => {
    const r = await runAction({ ...n.inputs, command: 'list', name: 'shop' }, { env: stack.env })
    expect(errors(r)).toEqual([])
    const listed = JSON.parse(r.outputs.backups) as { key: string; destination: string; name: string; state: string; location: string }[]
    expect(listed.map(b => [b.key, b.destination, b.name, b.state])).toEqual([
      [snapshotRun.outputs['backup-key'], 'neon-snapshot', 'shop', 'verified'],
      [branchRun.outputs['backup-key'], 'neon-branch', 'shop', 'verified']
    ])
    expect(listed[1].location).toBe(branchRun.outputs.location)
  })

  it('list without a name shows every name this action made, and no other branch', async () => {
    const r = await runAction({ ...n.inputs, command: 'list' }, { env: stack.env })
    expect((JSON.parse(r.outputs.backups) as { key: string }[]).map(b => b.key).sort()).toEqual(
      [branchRun.outputs['backup-key'], snapshotRun.outputs['backup-key']].sort()
    )
  })

  it('check counts the newest good one fresh, and fails once max-age is shorter than its age', async () => {
    const fresh = await runAction({ ...n.inputs, command: 'check', name: 'shop', 'max-age': '1h' }, { env: stack.env })
    expect(errors(fresh)).toEqual([])
    expect(Number(fresh.outputs['newest-age-seconds'])).toBeLessThan(3600)
    const none = await runAction({ ...n.inputs, command: 'check', name: 'other', 'max-age': '1h' }, { env: stack.env })
    expect(errors(none)).toEqual([
      expect.objectContaining({ title: 'Backup too old', message: expect.stringContaining("No good backup named 'other'") })
    ])
  })

  it('restore-test of the branch restores it into a temporary branch and compares with the counts recorded at verification', async () => {
    const r = await runAction(
      {
        ...n.inputs,
        command: 'restore-test',
        name: 'shop',
        backup: branchRun.outputs['backup-key'],
        'verify-sql': 'SELECT count(*) = 275 FROM artist'
      },
      { env: stack.env }
    )
    expect(errors(r)).toEqual([])
    expect(r.outputs.verified).toBe('true')
    expect(r.summary).toContain('tables restored with the row counts recorded at its verification; 1 verify-sql query passed')
    expect(r.summary).toMatch(/public\.track<\/td><td>3503<\/td><td>3503<\/td>/)
    // The temporary branch is gone, and the backup branch has no child left.
    expect([...n.branches.values()].filter(b => b.name.endsWith('-restore-test'))).toEqual([])
  })

  it('restore-test of latest takes the snapshot, which records no counts: verify-sql only, and it says so', async () => {
    const r = await runAction(
      { ...n.inputs, command: 'restore-test', name: 'shop', 'verify-sql': 'SELECT count(*) > 0 FROM track' },
      { env: stack.env }
    )
    expect(errors(r)).toEqual([])
    expect(r.outputs['backup-key']).toBe(snapshotRun.outputs['backup-key'])
    expect(r.summary).toContain('the snapshot records no row counts (snapshots carry no annotations)')
    expect([...n.branches.values()].filter(b => b.name.endsWith('-restore-test'))).toEqual([])
  })

  it('restore-test fails verification when the restored rows differ from the recorded counts', async () => {
    const branch = n.byName(branchRun.outputs['backup-key'])!
    stack.pg.psql(branch.db, ['-c', 'DELETE FROM invoice_line WHERE invoice_line_id > 100'])
    const r = await runAction({ ...n.inputs, command: 'restore-test', name: 'shop', backup: branch.name }, { env: stack.env })
    expect(r.code).toBe(1)
    expect(errors(r)).toEqual([
      expect.objectContaining({
        title: 'Backup verification failed',
        message: expect.stringContaining('public.invoice_line: expected 2240 rows, restored 100')
      })
    ])
  })
})
