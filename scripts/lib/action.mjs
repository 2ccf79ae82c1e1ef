// Runs the bundled action exactly as the runner does: `node dist/index.js`
// with INPUT_* variables and the runner's file commands, then the post step.
import { spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** Parses GITHUB_OUTPUT / GITHUB_STATE files (`name<<delimiter` blocks). */
export function parseFileCommands(text) {
  /** @type {Record<string, string>} */
  const out = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i])
    if (!m) continue
    const value = []
    while (++i < lines.length && lines[i] !== m[2]) value.push(lines[i])
    out[m[1]] = value.join('\n')
  }
  return out
}

/** @returns {Promise<{ code: number | null, stdout: string, stderr: string }>} */
function spawnStep(env, onSpawn, wrap = []) {
  return new Promise(resolve => {
    const argv = [...wrap, process.execPath, path.join(ROOT, 'dist/index.js')]
    const child = spawn(argv[0], argv.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] })
    onSpawn?.(child)
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', d => (stdout += d))
    child.stderr.on('data', d => (stderr += d))
    child.on('close', code => resolve({ code, stdout, stderr }))
  })
}

/**
 * Runs main (and post, unless `post: false`) of dist/index.js. Returns the
 * exit code, stdout/stderr, outputs, summary, annotations and the runner
 * files, in a fresh runner temp dir per run.
 */
/**
 * @param {Record<string, string>} inputs
 * @param {{ env?: Record<string, string | undefined>, post?: boolean, onSpawn?: (child: import('node:child_process').ChildProcess, files: Record<string, string>) => void, wrap?: string[] }} [options]
 */
export async function runAction(inputs, { env = {}, post = true, onSpawn, wrap = [] } = {}) {
  const runner = fs.mkdtempSync(path.join(os.tmpdir(), 'pgba-runner-'))
  const files = { GITHUB_OUTPUT: 'output', GITHUB_STEP_SUMMARY: 'summary', GITHUB_STATE: 'state', GITHUB_ENV: 'env', GITHUB_PATH: 'path' }
  const temp = path.join(runner, 'temp')
  fs.mkdirSync(temp)
  const base = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LANG: 'C.UTF-8',
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_WORKFLOW: 'nightly-backup',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_WORKSPACE: runner,
    RUNNER_TEMP: temp,
    RUNNER_OS: 'Linux'
  }
  for (const [k, f] of Object.entries(files)) {
    base[k] = path.join(runner, f)
    fs.writeFileSync(base[k], '')
  }
  for (const [k, v] of Object.entries(inputs)) base[`INPUT_${k.toUpperCase()}`] = String(v)
  const stepEnv = { ...base, ...env }
  const main = await spawnStep(
    stepEnv,
    child => onSpawn?.(child, { GITHUB_STATE: base.GITHUB_STATE, GITHUB_OUTPUT: base.GITHUB_OUTPUT }),
    wrap
  )
  // The runner hands the state main saved to post as STATE_* variables.
  const state = parseFileCommands(fs.readFileSync(base.GITHUB_STATE, 'utf8'))
  let postResult
  if (post) {
    const postEnv = { ...stepEnv }
    for (const [k, v] of Object.entries(state)) postEnv[`STATE_${k}`] = v
    postResult = await spawnStep(postEnv)
  }
  const read = f => fs.readFileSync(path.join(runner, f), 'utf8')
  const all = main.stdout + (postResult?.stdout ?? '')
  const annotations = [...all.matchAll(/^::(error|warning|notice)( [^:]*)?::(.*)$/gm)].map(m => ({
    level: m[1],
    props: m[2] ?? '',
    message: m[3],
    title: /title=([^,]*)/
      .exec(m[2] ?? '')?.[1]
      ?.replace(/%3A/g, ':')
      .replace(/%2C/g, ',')
  }))
  const result = {
    code: main.code,
    stdout: main.stdout,
    stderr: main.stderr,
    post: postResult,
    outputs: parseFileCommands(read('output')),
    summary: read('summary'),
    state,
    annotations,
    runnerDir: runner,
    tempDir: temp,
    files: Object.fromEntries(Object.entries(files).map(([k, f]) => [k, path.join(runner, f)]))
  }
  return result
}
