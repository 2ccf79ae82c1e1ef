import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import { createDatabase, headObject, listKeys, getObject, loadChinook, runAction, startStack, NASTY_PASSWORD } from '../helpers/stack.js'
import { secretForms } from '../../src/config/secrets.js'
import { startNeonStandIn } from '../helpers/neon-stand-in.js'

// A leak scan: one run per command with a password and keys full of special characters; none of them
// may appear, in any encoding, in anything the run leaves behind or shows.
type Stack = Awaited<ReturnType<typeof startStack>>
let stack: Stack
let neon: Awaited<ReturnType<typeof startNeonStandIn>>
const AGE_PASSPHRASE = `a$ge "pass" %41 &phrase/\\é`

beforeAll(async () => {
  stack = await startStack()
  loadChinook(stack.pg)
  stack.pg.psql('postgres', ['-c', 'CREATE DATABASE neon_main TEMPLATE chinook'])
  // Its connection URIs carry the cluster's password, as Neon's carry the role's.
  neon = await startNeonStandIn(stack.pg, { mainDb: 'neon_main' })
}, 120000)

afterAll(async () => {
  await neon?.stop()
  await stack?.stop()
})

/** argv and environment of every process the action spawns while it runs, sampled from /proc. */
function watchChildren(pid: () => number | undefined) {
  const seen = new Map<number, string[]>()
  const environs = new Map<number, Record<string, string>>()
  const timer = setInterval(() => {
    const parent = pid()
    if (!parent) return
    for (const d of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(d) || seen.has(Number(d))) continue
      try {
        const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8')
        if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== parent) continue
        const argv = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').filter(Boolean)
        // Between fork and exec a child is still a copy of the action, environment included: look again once it is the tool.
        if (argv[0] === process.execPath) continue
        seen.set(Number(d), argv)
        environs.set(
          Number(d),
          Object.fromEntries(
            fs
              .readFileSync(`/proc/${d}/environ`, 'utf8')
              .split('\0')
              .filter(Boolean)
              .map(kv => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])
          )
        )
      } catch {
        // gone already
      }
    }
  }, 2)
  return { stop: () => clearInterval(timer), argv: () => [...seen.values()], environs: () => [...environs.values()] }
}

describe('no secret leaks, per command', () => {
  const common = () => ({
    destination: 'artifact,s3',
    's3-bucket': 'backups',
    's3-endpoint': stack.s3.endpoint,
    'github-token': stack.artifacts.githubToken,
    'age-passphrase': AGE_PASSPHRASE
  })
  const commands = (): [string, Record<string, string>][] => [
    [
      'backup',
      {
        ...common(),
        'database-url': stack.pg.url('chinook'),
        name: 'leaky',
        verify: 'restore',
        'scratch-database-url': stack.pg.url('postgres'),
        'keep-last': '5'
      }
    ],
    ['list', { ...common(), command: 'list', name: 'leaky' }],
    ['check', { ...common(), command: 'check', name: 'leaky', 'max-age': '1h' }],
    ['restore-test', { ...common(), command: 'restore-test', name: 'leaky', 'scratch-database-url': stack.pg.url('postgres') }],
    ['restore', { ...common(), command: 'restore', name: 'leaky', 'target-database-url': stack.pg.url('leak_target') }],
    ['neon branch', { ...neon.inputs, 'neon-mode': 'branch', name: 'leaky', verify: 'restore', 'keep-last': '5' }],
    [
      'neon dump',
      {
        ...neon.inputs,
        'neon-mode': 'dump',
        name: 'leaky',
        destination: 's3',
        's3-bucket': 'backups',
        's3-endpoint': stack.s3.endpoint,
        verify: 'restore',
        'scratch-database-url': stack.pg.url('postgres')
      }
    ],
    ['neon restore', { ...neon.inputs, command: 'restore', name: 'leaky', confirm: 'main' }]
  ]

  // A backup to list, check and restore, so each case stands alone.
  beforeAll(async () => {
    const r = await runAction(commands()[0][1], { env: stack.env })
    if (r.code !== 0) throw new Error(r.stdout)
  }, 60000)

  it.each(['backup', 'list', 'check', 'restore-test', 'restore', 'neon branch', 'neon dump', 'neon restore'])('%s', async command => {
    createDatabase(stack.pg, 'leak_target')
    const inputs = commands().find(c => c[0] === command)![1]
    let pid: number | undefined
    const watch = watchChildren(() => pid)
    const r = await runAction(inputs, { env: stack.env, onSpawn: c => (pid = c.pid) }).finally(() => watch.stop())
    expect(r.annotations.filter(a => a.level === 'error')).toEqual([])

    const manifests = await Promise.all(
      (await listKeys(stack.s3, 'pg-backups/')).filter(k => k.endsWith('.manifest.json')).map(k => getObject(stack.s3, k))
    )
    const metadata = await Promise.all(
      (await listKeys(stack.s3, 'pg-backups/')).map(async k => JSON.stringify((await headObject(stack.s3, k))?.Metadata ?? {}))
    )
    const places: Record<string, string> = {
      stdout: r.stdout
        .split('\n')
        .filter(l => !l.startsWith('::add-mask::'))
        .join('\n'), // the runner consumes add-mask lines
      stderr: r.stderr,
      post: (r.post?.stdout ?? '') + (r.post?.stderr ?? ''),
      summary: r.summary,
      outputs: fs.readFileSync(r.files.GITHUB_OUTPUT, 'utf8'),
      state: fs.readFileSync(r.files.GITHUB_STATE, 'utf8'),
      manifests: manifests.map(m => m.toString()).join('\n'),
      metadata: metadata.join('\n'),
      argv: JSON.stringify(watch.argv())
    }
    const secrets = [NASTY_PASSWORD, AGE_PASSPHRASE, stack.artifacts.githubToken, neon.apiKey].flatMap(secretForms)
    for (const [place, text] of Object.entries(places)) {
      const leaked = secrets.filter(s => text.includes(s))
      expect({ place, leaked }).toEqual({ place, leaked: [] })
    }
    if (['backup', 'restore', 'neon dump'].includes(command)) expect(watch.argv().length).toBeGreaterThan(0)
    // Spawned tools get an allowlisted environment: no INPUT_*, no tokens or keys, and the database password only as PGPASSWORD.
    // stdbuf, which pg_dump runs under, adds its own two: the preload of its library and the buffer size.
    for (const env of watch.environs()) {
      const stdbuf = /\/libstdbuf\.so$/.test(env.LD_PRELOAD ?? '') ? ['LD_PRELOAD', '_STDBUF_O'] : []
      const allowed = (k: string): boolean => /^(PATH|HOME|LANG|LC_[A-Z_]+|TZ|TMPDIR|GNUPGHOME|PG[A-Z_]+)$/.test(k) || stdbuf.includes(k)
      expect(Object.keys(env).filter(k => !allowed(k))).toEqual([])
      const rest = Object.entries(env).filter(([k]) => k !== 'PGPASSWORD')
      expect(secrets.filter(x => JSON.stringify(rest).includes(x))).toEqual([])
    }
  })
})
