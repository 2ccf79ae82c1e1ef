import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createDatabase, loadChinook, runAction, startStack, tableDigests, type TableDigest } from '../helpers/stack.js'

// Artifacts across workflow runs: the real @actions/artifact client and the action's REST calls
// against the results-service and REST stand-ins (GITHUB_API_URL), bytes in azurite.
type Stack = Awaited<ReturnType<typeof startStack>>
let stack: Stack
let chinook: Record<string, TableDigest>

beforeAll(async () => {
  stack = await startStack()
  loadChinook(stack.pg)
  chinook = await tableDigests(stack.pg, 'chinook')
}, 120000)

afterAll(async () => {
  await stack?.stop()
})

const inRun = (runId: number) => ({ ...stack.env, ...stack.artifacts.envForRun(runId) })
const errors = (r: Awaited<ReturnType<typeof runAction>>) => r.annotations.filter(a => a.level === 'error')

describe('artifacts of other runs', () => {
  let fileName: string
  beforeAll(async () => {
    const r = await runAction({ 'database-url': stack.pg.url('chinook'), name: 'nightly', verify: 'none' }, { env: inRun(5001) })
    expect(r.code).toBe(0)
    fileName = r.outputs['backup-key']
  }, 60000)

  it('restore reads an artifact of another run with artifact-run-id and github-token', async () => {
    createDatabase(stack.pg, 'other_run')
    const r = await runAction(
      {
        command: 'restore',
        backup: fileName,
        'artifact-run-id': '5001',
        'github-token': stack.artifacts.githubToken,
        'target-database-url': stack.pg.url('other_run')
      },
      { env: inRun(5002) }
    )
    expect(errors(r)).toEqual([])
    expect(await tableDigests(stack.pg, 'other_run')).toEqual(chinook)
    expect(stack.artifacts.restCalls.some(c => c.path === '/repos/acme/shop/actions/runs/5001/artifacts')).toBe(true)
  })

  it("without them, another run's artifact is not found", async () => {
    createDatabase(stack.pg, 'not_found')
    const r = await runAction(
      { command: 'restore', backup: fileName, 'target-database-url': stack.pg.url('not_found') },
      { env: inRun(5003) }
    )
    expect(r.code).toBe(1)
    expect(errors(r)[0]).toMatchObject({ title: 'Restore failed', message: expect.stringMatching(/was not found in artifact/) })
  })

  it('list with a github-token shows the backups of every run', async () => {
    await runAction({ 'database-url': stack.pg.url('chinook'), name: 'nightly', verify: 'none' }, { env: inRun(5004) })
    const r = await runAction({ command: 'list', name: 'nightly', 'github-token': stack.artifacts.githubToken }, { env: inRun(5005) })
    expect(r.code).toBe(0)
    const listed: { key: string; createdAt: string }[] = JSON.parse(r.outputs.backups)
    expect(listed).toHaveLength(2)
    expect(listed[0].createdAt > listed[1].createdAt).toBe(true)
    expect(listed[1].key).toBe(fileName)
  })
})

describe('artifact retention', () => {
  const manifestFor = (name: string, file: string, createdAt: string) =>
    Buffer.from(
      JSON.stringify({
        schemaVersion: 1,
        tool: { name: 'pg-backup-action', version: '1.0.0' },
        name,
        key: file,
        createdAt,
        sizeBytes: 7,
        sha256: 'x',
        tables: [],
        extensions: [],
        verification: { level: 'archive', passed: true, details: [] }
      })
    )

  async function seed(name: string, days: number): Promise<string[]> {
    const files: string[] = []
    for (let i = 1; i <= days; i++) {
      const at = new Date(Date.now() - i * 86400000)
      const file = `${name}-${at
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d{3}/, '')}.dump.zst`
      await stack.artifacts.put(file, Buffer.from('partial'), 6000 + i, at.toISOString())
      await stack.artifacts.put(`${file}.manifest.json`, manifestFor(name, file, at.toISOString()), 6000 + i, at.toISOString())
      files.push(file)
    }
    return files
  }
  const names = () => [...stack.artifacts.artifacts.values()].map(a => a.name)

  it('deletes the artifacts that no rule keeps (backups and their manifests), across runs, and nothing else', async () => {
    const seeded = await seed('pruned', 6)
    await stack.artifacts.put('coverage-report', Buffer.from('not ours'), 6100)
    await stack.artifacts.put('pruned-20200101T000000Z.dump.zst', Buffer.from('no manifest'), 6101)
    const r = await runAction(
      { 'database-url': stack.pg.url('chinook'), name: 'pruned', 'keep-last': '3', 'github-token': stack.artifacts.githubToken },
      { env: inRun(6200) }
    )
    expect(errors(r)).toEqual([])
    const left = names()
    for (const f of seeded.slice(0, 2)) expect(left).toEqual(expect.arrayContaining([f, `${f}.manifest.json`]))
    for (const f of seeded.slice(2)) expect(left).not.toContain(f)
    for (const f of seeded.slice(2)) expect(left).not.toContain(`${f}.manifest.json`)
    expect(left).toEqual(expect.arrayContaining([r.outputs['backup-key'], 'coverage-report', 'pruned-20200101T000000Z.dump.zst']))
    expect(JSON.parse(r.outputs.deleted).sort()).toEqual(seeded.slice(2).sort())
  })

  it('without a github-token prunes no artifact and says why', async () => {
    const seeded = await seed('kept', 4)
    const r = await runAction({ 'database-url': stack.pg.url('chinook'), name: 'kept', 'keep-last': '1' }, { env: inRun(6300) })
    expect(r.code).toBe(0)
    expect(names()).toEqual(expect.arrayContaining(seeded))
    expect(r.annotations).toContainEqual(
      expect.objectContaining({ level: 'notice', message: expect.stringMatching(/not pruned without 'github-token'/) })
    )
  })
})

describe('trusted artifact sources', () => {
  // A real backup from a scheduled run, then a newer genuine-looking one — a real dump, a manifest
  // that claims to be ours — uploaded by a pull request from a fork, and one by a same-repository pull request.
  let good: Awaited<ReturnType<typeof runAction>>
  const planted: string[] = []
  const token = () => stack.artifacts.githubToken

  beforeAll(async () => {
    stack.pg.psql('postgres', ['-c', 'CREATE DATABASE planted'])
    stack.pg.psql('planted', ['-c', 'CREATE TABLE "Artist" ("ArtistId" int, "Name" text); INSERT INTO "Artist" VALUES (1, $$mallory$$)'])
    stack.artifacts.runs.set(7101, { event: 'pull_request', headRepository: 'mallory/shop' })
    stack.artifacts.runs.set(7102, { event: 'pull_request_target', headRepository: 'acme/shop' })
    stack.artifacts.runs.set(7103, { event: 'workflow_run', headRepository: 'mallory/shop' })
    good = await runAction({ 'database-url': stack.pg.url('chinook'), name: 'trusted', verify: 'none' }, { env: inRun(7100) })
    expect(good.code).toBe(0)
    for (const run of [7101, 7102, 7103]) {
      await new Promise(r => setTimeout(r, 1100))
      const r = await runAction({ 'database-url': stack.pg.url('planted'), name: 'trusted', verify: 'none' }, { env: inRun(run) })
      expect(r.code).toBe(0)
      planted.push(r.outputs['backup-key'])
    }
  }, 120000)

  it('list shows only the artifacts of this repository’s own non-pull-request runs', async () => {
    const r = await runAction({ command: 'list', name: 'trusted', 'github-token': token() }, { env: inRun(7110) })
    expect(r.code).toBe(0)
    expect(JSON.parse(r.outputs.backups).map((b: { key: string }) => b.key)).toEqual([good.outputs['backup-key']])
    const said = /Left out \d+ artifact\(s\) of runs that are not this repository's own non-pull-request runs \((.*)\)\./
      .exec(r.stdout)?.[1]
      .split('; ')
      .sort()
    expect(said).toEqual([
      'run 7101: a pull_request run',
      'run 7102: a pull_request_target run',
      'run 7103: a run of mallory/shop, not of acme/shop'
    ])
  })

  it('restore of latest restores the trusted backup, never a newer planted one', async () => {
    createDatabase(stack.pg, 'trusted_target')
    const r = await runAction(
      { command: 'restore', name: 'trusted', 'github-token': token(), 'target-database-url': stack.pg.url('trusted_target') },
      { env: inRun(7111) }
    )
    expect(errors(r)).toEqual([])
    expect(r.outputs['backup-key']).toBe(good.outputs['backup-key'])
    expect(await tableDigests(stack.pg, 'trusted_target')).toEqual(chinook)
  })

  it('artifact-run-id of a pull-request run is refused', async () => {
    createDatabase(stack.pg, 'refused_target')
    const r = await runAction(
      {
        command: 'restore',
        backup: planted[0],
        'artifact-run-id': '7101',
        'github-token': token(),
        'target-database-url': stack.pg.url('refused_target')
      },
      { env: inRun(7112) }
    )
    expect(r.code).toBe(1)
    expect(errors(r)).toEqual([
      expect.objectContaining({
        title: 'Restore refused',
        message: expect.stringMatching(/run 7101, a pull_request run: artifacts of pull-request runs/)
      })
    ])
    expect(await tableDigests(stack.pg, 'refused_target')).toEqual({})
  })

  it('retention neither counts nor deletes artifacts of untrusted runs', async () => {
    const r = await runAction(
      { 'database-url': stack.pg.url('chinook'), name: 'trusted', verify: 'none', 'keep-last': '1', 'github-token': token() },
      { env: inRun(7113) }
    )
    expect(errors(r)).toEqual([])
    expect(JSON.parse(r.outputs.deleted)).toEqual([good.outputs['backup-key']])
    const left = [...stack.artifacts.artifacts.values()].map(a => a.name)
    for (const p of planted) expect(left).toEqual(expect.arrayContaining([p, `${p}.manifest.json`]))
  })
})
