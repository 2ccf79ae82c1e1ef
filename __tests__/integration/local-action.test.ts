import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { createDatabase, restoreWithTools, runAction, startStack, tableDigests } from '../helpers/stack.js'

// Hosts other than GitHub's runner: `npm run local` (@github/local-action, main and post from src/) against a real
// PostgreSQL, and the bundle with no GITHUB_STEP_SUMMARY at all.
type Stack = Awaited<ReturnType<typeof startStack>>
let stack: Stack
let dir: string

beforeAll(async () => {
  stack = await startStack()
  createDatabase(stack.pg, 'shop')
  stack.pg.psql('shop', [
    '-c',
    'CREATE TABLE orders (id int PRIMARY KEY, note text); INSERT INTO orders SELECT g, md5(g::text) FROM generate_series(1, 300) g'
  ])
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgba-local-'))
}, 120000)

afterAll(async () => {
  await stack?.stop()
  if (dir) fs.rmSync(dir, { recursive: true, force: true })
})

/** `npm run local -- FILE.env` with these inputs; its exit code and everything it printed. */
function local(inputs: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const env = path.join(dir, `run-${Date.now()}.env`)
  const lines = Object.entries(inputs).map(([k, v]) => `INPUT_${k.toUpperCase()}=${JSON.stringify(v)}`)
  fs.writeFileSync(env, [...lines, `RUNNER_TEMP=${dir}`, `GITHUB_WORKSPACE=${dir}`, ''].join('\n'))
  return new Promise(resolve => {
    const child = spawn('npm', ['run', 'local', '--', env], { env: { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8' } })
    let out = ''
    child.stdout.on('data', d => (out += d))
    child.stderr.on('data', d => (out += d))
    child.on('close', code => resolve({ code, out }))
  })
}

describe('npm run local (@github/local-action)', () => {
  it('backs up through main and runs the post step, without a job summary', async () => {
    const r = await local({ 'database-url': stack.pg.url('shop'), destination: 'file', 'file-path': path.join(dir, 'backups') })
    expect(r.code).toBe(0)
    expect(r.out).toContain('::set-output name=verified::true')
    expect(r.out).toContain('Running Post Step')
    expect(r.out).toMatch(/::warning title=Summary not written::/)
    const key = /::set-output name=backup-key::(.+)/.exec(r.out)![1].trim()
    await restoreWithTools(stack.pg, fs.readFileSync(key), path.basename(key), 'shop_from_local')
    expect(await tableDigests(stack.pg, 'shop_from_local')).toEqual(await tableDigests(stack.pg, 'shop'))
  }, 180000)

  it('fails with the titled error and exit code 1, not a crash of the failure path', async () => {
    const url = new URL(stack.pg.url('shop'))
    url.password = 'wrong-password'
    const r = await local({ 'database-url': url.toString(), destination: 'file', 'file-path': path.join(dir, 'backups') })
    expect(r.code).toBe(1)
    expect(r.out).toMatch(/::error title=Backup failed::.*password authentication failed/)
    expect(r.out).not.toMatch(/TypeError|ExitCode/)
  }, 180000)
})

describe('the bundle without GITHUB_STEP_SUMMARY', () => {
  it('stores and verifies the backup, and says once that the summary was not written', async () => {
    const r = await runAction(
      { 'database-url': stack.pg.url('shop'), destination: 'file', 'file-path': path.join(dir, 'no-summary') },
      { env: { ...stack.env, GITHUB_STEP_SUMMARY: undefined } }
    )
    expect(r.code).toBe(0)
    expect(r.outputs.verified).toBe('true')
    expect(r.annotations.filter(a => a.title === 'Summary not written')).toHaveLength(1)
    expect(r.annotations.filter(a => a.level === 'error')).toEqual([])
  })
})
