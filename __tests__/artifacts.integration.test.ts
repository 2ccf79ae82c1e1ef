import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createDatabase, loadChinook, runAction, startStack, tableDigests, type TableDigest } from './helpers/stack.js'

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
      { command: 'restore', backup: fileName, 'artifact-run-id': '5001', 'github-token': stack.artifacts.githubToken, 'target-database-url': stack.pg.url('other_run') },
      { env: inRun(5002) }
    )
    expect(errors(r)).toEqual([])
    expect(await tableDigests(stack.pg, 'other_run')).toEqual(chinook)
    expect(stack.artifacts.restCalls.some(c => c.path === '/repos/acme/shop/actions/runs/5001/artifacts')).toBe(true)
  })

  it("without them, another run's artifact is not found", async () => {
    createDatabase(stack.pg, 'not_found')
    const r = await runAction({ command: 'restore', backup: fileName, 'target-database-url': stack.pg.url('not_found') }, { env: inRun(5003) })
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
    Buffer.from(JSON.stringify({ schemaVersion: 1, tool: { name: 'pg-backup-action', version: '1.0.0' }, name, key: file, createdAt, sizeBytes: 7, sha256: 'x', tables: [], extensions: [], verification: { level: 'archive', passed: true, details: [] } }))

  async function seed(name: string, days: number): Promise<string[]> {
    const files: string[] = []
    for (let i = 1; i <= days; i++) {
      const at = new Date(Date.now() - i * 86400000)
      const file = `${name}-${at.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')}.dump.zst`
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
    const r = await runAction({ 'database-url': stack.pg.url('chinook'), name: 'pruned', 'keep-last': '3', 'github-token': stack.artifacts.githubToken }, { env: inRun(6200) })
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
    expect(r.annotations).toContainEqual(expect.objectContaining({ level: 'notice', message: expect.stringMatching(/not pruned without 'github-token'/) }))
  })
})
