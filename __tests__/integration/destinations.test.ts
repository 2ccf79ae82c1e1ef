import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { PutObjectCommand } from '@aws-sdk/client-s3'
import { freePort } from '../../scripts/lib/servers.mjs'
import {
  childPgDumps,
  connect,
  createDatabase,
  getObject,
  listKeys,
  restoreWithTools,
  runAction,
  s3Client,
  sha256
} from '../helpers/stack.js'
import { startStack, tableDigests, waitFor } from '../helpers/stack.js'

// Every destination (S3 on s3rver, a directory on the runner, GitHub artifacts on their stand-in) through one table:
// the same backups, states, references, retention and cleanups, each checked in the storage itself.
type Stack = Awaited<ReturnType<typeof startStack>>
type Run = Awaited<ReturnType<typeof runAction>>
type Options = NonNullable<Parameters<typeof runAction>[1]>
let stack: Stack

beforeAll(async () => {
  stack = await startStack()
  stack.pg.psql('postgres', ['-c', 'CREATE DATABASE shop'])
  stack.pg.psql('shop', ['-c', 'CREATE TABLE orders (id int PRIMARY KEY); INSERT INTO orders SELECT generate_series(1, 100)'])
}, 120000)

const roots: string[] = []
const freshDir = (label: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `pgba-${label}-`))
  roots.push(dir)
  return dir
}

afterAll(async () => {
  await stack?.stop()
  for (const dir of roots) fs.rmSync(dir, { recursive: true, force: true })
})

const STAMP = '\\d{8}T\\d{6}Z'
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
const errors = (r: Run) => r.annotations.filter(a => a.level === 'error')
const warnings = (r: Run) => r.annotations.filter(a => a.level === 'warning')
const nextSecond = () => new Promise(r => setTimeout(r, 1100))
const baseName = (key: string) => key.split('/').pop()!

const rows = async (db: string) => (await tableDigests(stack.pg, db))['public.orders'].rows

/** Every file under `dir`, dot-files too, as absolute paths. */
const filesUnder = (dir: string) =>
  fs.existsSync(dir)
    ? (fs.readdirSync(dir, { recursive: true }) as string[])
        .map(f => path.join(dir, f))
        .filter(f => fs.statSync(f).isFile())
        .sort()
    : []

/**
 * One destination as the tests see it: the inputs that store `name`'s backups there, the key backup-key reports for a file,
 * the `location` output and the label messages use, and the storage read past the action: a stored backup's or manifest's
 * bytes, a manifest replaced, everything stored of a name (files: dot-files too), and whether a run has opened its copy yet.
 */
interface Row {
  kind: 's3' | 'file' | 'artifact'
  inputs: (name: string) => Record<string, string>
  env: () => Record<string, string | undefined>
  keyOf: (name: string, file: string) => string
  location: (key: string) => string
  label: (key: string) => string
  read: (key: string) => Promise<Buffer>
  rewrite: (key: string, text: string) => Promise<void>
  stored: (name: string) => Promise<string[]>
  writing: (name: string) => boolean
}

const RUN = 8000
const artifactsNamed = (name: string) =>
  [...stack.artifacts.artifacts.values()]
    .filter(a => a.finalized && new RegExp(`^${name}-${STAMP}\\.`).test(a.name))
    .map(a => a.name as string)
const artifactId = (name: string): number => [...stack.artifacts.artifacts.values()].find(a => a.finalized && a.name === name).id
const fileRoot = freshDir('dest-file')
const ROWS: Row[] = [
  {
    kind: 's3',
    inputs: name => ({ destination: 's3', 's3-bucket': 'backups', 's3-endpoint': stack.s3.endpoint, 's3-prefix': `dest-${name}/` }),
    env: () => stack.env,
    keyOf: (name, file) => `dest-${name}/${name}/${file}`,
    location: key => `s3://backups/${key}`,
    label: key => `s3://backups/${key}`,
    read: key => getObject(stack.s3, key),
    rewrite: async (key, text) => void (await s3Client(stack.s3).send(new PutObjectCommand({ Bucket: 'backups', Key: key, Body: text }))),
    stored: name => listKeys(stack.s3, `dest-${name}/`),
    writing: () => true
  },
  {
    kind: 'file',
    inputs: () => ({ destination: 'file', 'file-path': fileRoot }),
    env: () => stack.env,
    keyOf: (name, file) => path.join(fileRoot, name, file),
    location: key => `file://${key}`,
    label: key => `file://${key}`,
    read: async key => fs.readFileSync(key),
    rewrite: async (key, text) => fs.writeFileSync(key, text),
    stored: async name => filesUnder(path.join(fileRoot, name)),
    writing: name => filesUnder(path.join(fileRoot, name)).some(f => /^\..*\.partial-\d+$/.test(path.basename(f)))
  },
  {
    kind: 'artifact',
    inputs: () => ({ destination: 'artifact', 'github-token': stack.artifacts.githubToken }),
    env: () => ({ ...stack.env, ...stack.artifacts.envForRun(RUN) }),
    keyOf: (_name, file) => file,
    location: key => `https://github.com/acme/shop/actions/runs/${RUN}/artifacts/${artifactId(key)}`,
    label: key => `artifact ${key}`,
    read: key => stack.artifacts.download(key),
    rewrite: async (key, text) => {
      stack.artifacts.artifacts.delete(artifactId(key))
      await stack.artifacts.put(key, Buffer.from(text), RUN)
    },
    stored: async name => artifactsNamed(name).sort(),
    writing: () => true
  }
]

const backup = (row: Row, name: string, extra: Record<string, string> = {}, options: Options = {}) =>
  runAction({ 'database-url': stack.pg.url('shop'), name, ...row.inputs(name), ...extra }, { env: row.env(), ...options })
const command = (row: Row, name: string, inputs: Record<string, string>) =>
  runAction({ ...row.inputs(name), ...inputs }, { env: row.env() })
const manifestOf = async (row: Row, key: string) => JSON.parse((await row.read(`${key}.manifest.json`)).toString())

/** A backup of `name` interrupted by `signal` while pg_dump waits for a lock on orders, once every copy has been opened. */
async function interrupted(row: Row, name: string, signal: 'SIGINT' | 'SIGKILL'): Promise<{ r: Run; sent: boolean }> {
  const admin = await connect(stack.pg, 'shop')
  let sent = false
  try {
    await admin.query('BEGIN; LOCK TABLE orders IN ACCESS EXCLUSIVE MODE')
    const r = await backup(
      row,
      name,
      {},
      {
        onSpawn: (child, files) => {
          const opened = () =>
            fs.readFileSync(files.GITHUB_STATE, 'utf8').includes('pending-copies') &&
            childPgDumps(child.pid!).length > 0 &&
            row.writing(name)
          // A cancelled step cleans up in main, which needs the source session it shares with the blocked counts: the lock goes.
          const act = async () => {
            sent = child.kill(signal)
            if (signal === 'SIGINT') await admin.query('ROLLBACK')
          }
          void waitFor('pg_dump to run and every copy to be open', opened).then(act, () => child.kill('SIGKILL'))
        }
      }
    )
    return { r, sent }
  } finally {
    await admin.query('ROLLBACK').catch(() => undefined)
    await admin.end()
  }
}

describe.each<Row>(ROWS)('destination: $kind', row => {
  describe('a nightly backup whose verification failed', () => {
    const name = 'nightly'
    let good: Run
    let failed: Run

    beforeAll(async () => {
      good = await backup(row, name, { verify: 'restore', 'scratch-database-url': stack.pg.url('postgres') })
      if (good.code !== 0) throw new Error(good.stdout)
      stack.pg.psql('shop', ['-c', 'INSERT INTO orders SELECT generate_series(101, 150)'])
      // Same second, same key: wait for the next one.
      await nextSecond()
      failed = await backup(row, name, {
        verify: 'restore',
        'scratch-database-url': stack.pg.url('postgres'),
        'verify-sql': 'SELECT count(*) = 0 FROM orders'
      })
    }, 120000)

    afterAll(() => void stack.pg.psql('shop', ['-c', 'DELETE FROM orders WHERE id > 100']))

    it('fails the run and is kept, its manifest saying failed', async () => {
      expect(failed.code).toBe(1)
      expect(errors(failed)).toEqual([expect.objectContaining({ title: 'Backup verification failed' })])
      expect(failed.outputs.verified).toBe('false')
      expect(await manifestOf(row, failed.outputs['backup-key'])).toMatchObject({
        state: 'failed',
        verification: { level: 'restore', passed: false }
      })
      expect(JSON.parse(good.outputs.manifest).state).toBe('verified')
    })

    it('list shows each backup with its state', async () => {
      const r = await command(row, name, { command: 'list', name })
      expect(r.code).toBe(0)
      expect(
        JSON.parse(r.outputs.backups).map((b: { key: string; state: string; verified: boolean }) => [b.key, b.state, b.verified])
      ).toEqual([
        [failed.outputs['backup-key'], 'failed', false],
        [good.outputs['backup-key'], 'verified', true]
      ])
      expect(r.summary).toContain('failed verification')
    })

    it('restore of latest restores the older good backup, not the newer failed one', async () => {
      createDatabase(stack.pg, `${row.kind}_from_latest`)
      const r = await command(row, name, { command: 'restore', name, 'target-database-url': stack.pg.url(`${row.kind}_from_latest`) })
      expect(errors(r)).toEqual([])
      expect(r.outputs['backup-key']).toBe(good.outputs['backup-key'])
      expect(await rows(`${row.kind}_from_latest`)).toBe(100)
    })

    it('restore-test of latest and of latest-verified test the good backup', async () => {
      for (const ref of ['latest', 'latest-verified']) {
        const r = await command(row, name, { command: 'restore-test', name, backup: ref, 'scratch-database-url': stack.pg.url('postgres') })
        expect(errors(r)).toEqual([])
        expect(r.outputs['backup-key']).toBe(good.outputs['backup-key'])
      }
    })

    it('named explicitly, the failed backup restores, with a warning naming its state', async () => {
      createDatabase(stack.pg, `${row.kind}_from_failed`)
      const target = stack.pg.url(`${row.kind}_from_failed`)
      const r = await command(row, name, { command: 'restore', backup: failed.outputs['backup-key'], 'target-database-url': target })
      expect(errors(r)).toEqual([])
      const said = expect.stringMatching(/is a failed backup .*verify-sql/)
      expect(warnings(r)).toContainEqual(expect.objectContaining({ title: 'Restoring a failed backup', message: said }))
      expect(await rows(`${row.kind}_from_failed`)).toBe(150)
    })

    it('check passes on the fresh good backup and warns about the newer failed one', async () => {
      const r = await command(row, name, { command: 'check', name, 'max-age': '1h' })
      expect(r.code).toBe(0)
      expect(warnings(r)).toEqual([
        expect.objectContaining({ title: 'Failed backup', message: expect.stringContaining(failed.outputs['backup-key']) })
      ])
    })

    it('a manifest written before states existed is read from its verification', async () => {
      const key = failed.outputs['backup-key']
      const m = await manifestOf(row, key)
      delete m.state
      await row.rewrite(`${key}.manifest.json`, JSON.stringify(m))
      expect(await manifestOf(row, key)).not.toHaveProperty('state')
      const r = await command(row, name, { command: 'list', name })
      expect(JSON.parse(r.outputs.backups)[0]).toMatchObject({ key, state: 'failed' })
    })

    it('retention fills no slot with it, and removes it once a newer good backup exists', async () => {
      await nextSecond()
      const r = await backup(row, name, { 'keep-last': '1' })
      expect(errors(r)).toEqual([])
      expect(JSON.parse(r.outputs.deleted).sort()).toEqual([good.outputs['backup-key'], failed.outputs['backup-key']].sort())
      expect(await row.stored(name)).toEqual([r.outputs['backup-key'], `${r.outputs['backup-key']}.manifest.json`].sort())
    })
  })

  describe('a good backup', () => {
    const name = 'layout'
    let r: Run
    beforeAll(async () => void (r = await backup(row, name)), 60000)

    it('stores the dump and its manifest under the name, and nothing else', async () => {
      expect(errors(r)).toEqual([])
      const key = r.outputs['backup-key']
      expect(baseName(key)).toMatch(new RegExp(`^${name}-${STAMP}\\.dump\\.zst$`))
      expect(key).toBe(row.keyOf(name, baseName(key)))
      expect(await row.stored(name)).toEqual([key, `${key}.manifest.json`])
    })

    it('stores bytes the standard tools restore to the source’s rows, as its manifest describes them', async () => {
      const key = r.outputs['backup-key']
      const bytes = await row.read(key)
      expect(await manifestOf(row, key)).toMatchObject({ key, state: 'verified', sha256: sha256(bytes), sizeBytes: bytes.length })
      await restoreWithTools(stack.pg, bytes, baseName(key), `${row.kind}_by_hand`)
      expect(await tableDigests(stack.pg, `${row.kind}_by_hand`)).toEqual(await tableDigests(stack.pg, 'shop'))
    })

    it('reports where it is stored in the location output', () => {
      expect(r.outputs.location).toBe(row.location(r.outputs['backup-key']))
    })
  })

  describe('a failed run', () => {
    const name = 'broken'
    it('never leaves anything of a dump that failed', async () => {
      const r = await backup(row, name, { 'pg-dump-args': '--strict-names\n--table=does_not_exist_xyz' })
      expect(r.code).toBe(1)
      expect(errors(r)).toEqual([
        expect.objectContaining({ title: 'Backup failed', message: expect.stringMatching(/no matching tables were found/) })
      ])
      expect(await row.stored(name)).toEqual([])
    })

    it('removes the complete copy it stored when it fails before the manifest, and says so', async () => {
      const scratch = `postgres://postgres:x@127.0.0.1:${await freePort()}/postgres`
      const r = await backup(row, name, { verify: 'restore', 'scratch-database-url': scratch })
      expect(r.code).toBe(1)
      expect(errors(r)).toEqual([expect.objectContaining({ title: 'Backup failed' })])
      const label = escape(row.label(row.keyOf(name, 'FILE'))).replace('FILE', `${name}-${STAMP}\\.dump\\.zst`)
      const removed = new RegExp(`^Removed ${label}: the run failed before its manifest`)
      expect(warnings(r)).toContainEqual(
        expect.objectContaining({ title: 'Unfinished backup removed', message: expect.stringMatching(removed) })
      )
      expect(await row.stored(name)).toEqual([])
    })
  })

  describe('an interrupted run', () => {
    it('leaves nothing when cancelled while pg_dump runs: the step removes what it started', async () => {
      const { r, sent } = await interrupted(row, 'cancelled', 'SIGINT')
      expect(sent).toBe(true)
      expect(r.code).toBe(1)
      expect(errors(r)).toEqual([
        expect.objectContaining({ title: 'Backup failed', message: expect.stringContaining('the step was cancelled') })
      ])
      expect(await row.stored('cancelled')).toEqual([])
    })

    it('leaves nothing when killed while pg_dump runs: the post step removes what it left', async () => {
      const { r, sent } = await interrupted(row, 'killed', 'SIGKILL')
      expect(sent).toBe(true)
      expect(r.code).toBeNull()
      expect(r.post?.code).toBe(0)
      const partial = `${escape(path.join(fileRoot, 'killed'))}/\\.killed-${STAMP}\\.dump\\.zst\\.partial-\\d+`
      if (row.kind === 'file') expect(r.post?.stdout).toMatch(new RegExp(`Removed ${partial}, left by the cancelled step`))
      expect(await row.stored('killed')).toEqual([])
    })
  })
})

describe('destination: file on the runner', () => {
  const file = (root: string) => ({ destination: 'file', 'file-path': root })
  const run = (inputs: Record<string, string>, env: Record<string, string> = {}) =>
    runAction({ 'database-url': stack.pg.url('shop'), name: 'shop', ...inputs }, { env: { ...stack.env, ...env } })

  it('keeps every file 0600 and the name’s directory 0700', async () => {
    const root = freshDir('modes')
    const r = await run(file(root))
    expect(errors(r)).toEqual([])
    const key = r.outputs['backup-key']
    const mode = (p: string) => fs.statSync(p).mode & 0o777
    expect([mode(key), mode(`${key}.manifest.json`), mode(path.join(root, 'shop'))]).toEqual([0o600, 0o600, 0o700])
  })

  it('resolves a relative file-path against GITHUB_WORKSPACE', async () => {
    const workspace = freshDir('workspace')
    const r = await run(file('backups/db'), { GITHUB_WORKSPACE: workspace })
    expect(errors(r)).toEqual([])
    const key = r.outputs['backup-key']
    expect(path.dirname(key)).toBe(path.join(workspace, 'backups/db/shop'))
    expect(filesUnder(workspace)).toEqual([key, `${key}.manifest.json`])
  })

  it('refuses to overwrite a file made in the same second, leaving it as it was', async () => {
    const root = freshDir('collide')
    const dir = path.join(root, 'shop')
    fs.mkdirSync(dir)
    // Occupy the names of the next 30 seconds: the run starts within them.
    const stamp = (i: number) =>
      new Date(Date.now() + i * 1000)
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d{3}/, '')
    const taken = Array.from({ length: 30 }, (_, i) => path.join(dir, `shop-${stamp(i)}.dump.zst`))
    for (const t of taken) fs.writeFileSync(t, 'earlier backup')
    const r = await run(file(root))
    expect(r.code).toBe(1)
    expect(errors(r)).toEqual([
      expect.objectContaining({ title: 'Backup failed', message: expect.stringMatching(/already exists; refusing to overwrite it/) })
    ])
    expect(filesUnder(root)).toEqual(taken.sort())
    for (const t of taken) expect(fs.readFileSync(t, 'utf8')).toBe('earlier backup')
  })

  it('with destination: file,s3 stores both copies, and latest reads the first destination', async () => {
    const root = freshDir('both')
    const s3 = { 's3-bucket': 'backups', 's3-endpoint': stack.s3.endpoint, 's3-prefix': 'file-and-s3/' }
    const r = await run({ destination: 'file,s3', 'file-path': root, ...s3 })
    expect(errors(r)).toEqual([])
    const key = r.outputs['backup-key']
    const onDisk = path.join(root, 'shop', baseName(key))
    expect(key).toBe(`file-and-s3/shop/${baseName(key)}`)
    expect(r.outputs.location.split('\n')).toEqual([`file://${onDisk}`, `s3://backups/${key}`])
    expect(filesUnder(root)).toEqual([onDisk, `${onDisk}.manifest.json`])
    expect(await listKeys(stack.s3, 'file-and-s3/')).toEqual([key, `${key}.manifest.json`])
    expect(sha256(fs.readFileSync(onDisk))).toBe(sha256(await getObject(stack.s3, key)))
    for (const [order, expected] of [
      ['file,s3', onDisk],
      ['s3,file', key]
    ]) {
      const t = await runAction(
        {
          command: 'restore-test',
          name: 'shop',
          destination: order,
          'file-path': root,
          ...s3,
          'scratch-database-url': stack.pg.url('postgres')
        },
        { env: stack.env }
      )
      expect(errors(t)).toEqual([])
      expect(t.outputs['backup-key']).toBe(expected)
    }
  })

  it('leaves no temporary file when another destination fails before the file is published', async () => {
    const root = freshDir('other-fails')
    // destination order publishes the artifact first; its upload is refused, so the finished file is never linked.
    stack.artifacts.hooks.before = (m: string, b: { name?: string }) =>
      m === 'CreateArtifact' && /^shop-\d{8}T\d{6}Z\.dump\.zst$/.test(b.name ?? '')
        ? [403, { code: 'permission_denied', msg: 'quota (injected)' }]
        : undefined
    try {
      const r = await run({ destination: 'artifact,file', 'file-path': root }, stack.artifacts.envForRun(RUN + 1))
      expect(r.code).toBe(1)
      expect(errors(r)).toEqual([expect.objectContaining({ title: 'Backup failed' })])
    } finally {
      delete stack.artifacts.hooks.before
    }
    expect(filesUnder(root)).toEqual([])
  })

  it('never removes a file that refused its name to this run', async () => {
    const root = freshDir('not-ours')
    const dir = path.join(root, 'shop')
    const stamp = (i: number) =>
      new Date(Date.now() + i * 1000)
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d{3}/, '')
    let taken: string[] = []
    // pg_dump waits for a lock while another writer takes the names this run found free: link(2) then refuses them.
    const admin = await connect(stack.pg, 'shop')
    try {
      await admin.query('BEGIN; LOCK TABLE orders IN ACCESS EXCLUSIVE MODE')
      const r = await runAction(
        { 'database-url': stack.pg.url('shop'), name: 'shop', ...file(root), verify: 'none' },
        {
          env: stack.env,
          onSpawn: () =>
            void waitFor('the partial file', () => filesUnder(dir).length > 0).then(async () => {
              taken = Array.from({ length: 40 }, (_, i) => path.join(dir, `shop-${stamp(i - 20)}.dump.zst`))
              for (const t of taken) fs.writeFileSync(t, 'someone else')
              await admin.query('ROLLBACK')
            })
        }
      )
      expect(errors(r)).toEqual([
        expect.objectContaining({ title: 'Backup failed', message: expect.stringMatching(/already exists; refusing to overwrite it/) })
      ])
    } finally {
      await admin.query('ROLLBACK').catch(() => undefined)
      await admin.end()
    }
    expect(taken.length).toBe(40)
    expect(filesUnder(dir).filter(f => !taken.includes(f))).toEqual([])
    for (const t of taken) expect(fs.readFileSync(t, 'utf8')).toBe('someone else')
  })

  it('names a file-path it cannot create, and stores nothing', async () => {
    const blocked = freshDir('blocked')
    const blocker = path.join(blocked, 'a-file')
    fs.writeFileSync(blocker, 'not a directory')
    const r = await run(file(path.join(blocker, 'backups')))
    expect(r.code).toBe(1)
    expect(errors(r)).toEqual([
      expect.objectContaining({
        title: 'Backup failed',
        message: expect.stringMatching(/^Cannot create .*a-file\/backups\/shop for destination: file .*check file-path/)
      })
    ])
    expect(filesUnder(blocked)).toEqual([blocker])
    expect(fs.readFileSync(blocker, 'utf8')).toBe('not a directory')
  })

  it('refuses to restore a path outside file-path, naming file-path', async () => {
    const root = freshDir('inside')
    const r = await run(file(root))
    expect(errors(r)).toEqual([])
    // A genuine backup and its manifest, copied elsewhere.
    const outside = path.join(freshDir('outside'), 'shop')
    fs.mkdirSync(outside)
    for (const f of [r.outputs['backup-key'], `${r.outputs['backup-key']}.manifest.json`])
      fs.copyFileSync(f, path.join(outside, path.basename(f)))
    createDatabase(stack.pg, 'from_outside')
    const backupPath = path.join(outside, baseName(r.outputs['backup-key']))
    const inputs = { command: 'restore', ...file(root), backup: backupPath, 'target-database-url': stack.pg.url('from_outside') }
    const t = await runAction(inputs, { env: stack.env })
    expect(t.code).toBe(1)
    expect(errors(t)).toEqual([
      expect.objectContaining({ title: 'Restore failed', message: expect.stringContaining(`is not under file-path (${root})`) })
    ])
    expect(await tableDigests(stack.pg, 'from_outside')).toEqual({})
  })
})
