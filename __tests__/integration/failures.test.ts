import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import { childPgDumps, connect, headObject, listKeys, runAction, startStack, waitFor, NASTY_PASSWORD } from '../helpers/stack.js'
import { startS3Proxy } from '../helpers/s3-proxy.js'
import { secretForms } from '../../src/config/secrets.js'

type Stack = Awaited<ReturnType<typeof startStack>>
let stack: Stack

beforeAll(async () => {
  stack = await startStack()
  stack.pg.psql('postgres', ['-c', 'CREATE DATABASE shop'])
  // ~40 MB of rows, so a dump is still streaming when a test interferes with it.
  stack.pg.psql('shop', [
    '-c',
    `CREATE TABLE orders (id bigint PRIMARY KEY, note text);
     INSERT INTO orders SELECT g, repeat(md5(g::text), 6) FROM generate_series(1, 200000) g;
     CREATE TABLE customers (id int PRIMARY KEY, email text);
     INSERT INTO customers SELECT g, 'c' || g || '@example.com' FROM generate_series(1, 500) g;`
  ])
}, 120000)

afterAll(async () => {
  await stack?.stop()
})

const errors = (r: Awaited<ReturnType<typeof runAction>>) => r.annotations.filter(a => a.level === 'error')

describe('a failed dump stores nothing', () => {
  it('an invalid input fails before any side effect, naming the input', async () => {
    const before = await listKeys(stack.s3)
    const r = await runAction(
      { 'database-url': stack.pg.url('shop'), destination: 's3', 's3-bucket': 'backups', 's3-endpoint': stack.s3.endpoint, format: 'tar' },
      { env: stack.env }
    )
    expect(r.code).toBe(1)
    expect(errors(r)).toEqual([
      expect.objectContaining({
        title: 'Invalid input',
        message: "Input 'format' must be one of custom, plain, directory, supabase; got 'tar'."
      })
    ])
    expect(await listKeys(stack.s3)).toEqual(before)
    expect(fs.readdirSync(r.tempDir)).toEqual([])
    expect(r.stdout).not.toMatch(/::group::/)
  })

  it('wrong password: fails with an error annotation and stores no object', async () => {
    const before = await listKeys(stack.s3)
    const artifacts = stack.artifacts.artifacts.size
    const r = await runAction(
      {
        'database-url': stack.pg.url('shop', 'postgres', 'wrong-password'),
        destination: 'artifact,s3',
        's3-bucket': 'backups',
        's3-endpoint': stack.s3.endpoint
      },
      { env: stack.env }
    )
    expect(r.code).toBe(1)
    expect(errors(r)[0]).toMatchObject({ title: 'Backup failed', message: expect.stringMatching(/password authentication failed/) })
    expect(await listKeys(stack.s3)).toEqual(before)
    expect(stack.artifacts.artifacts.size).toBe(artifacts)
  })

  it('pg_dump exiting non-zero before any output (no matching table): nothing stored', async () => {
    const before = await listKeys(stack.s3)
    const r = await runAction(
      {
        'database-url': stack.pg.url('shop'),
        destination: 'artifact,s3',
        's3-bucket': 'backups',
        's3-endpoint': stack.s3.endpoint,
        'pg-dump-args': '--strict-names\n--table=no_such_table'
      },
      { env: stack.env }
    )
    expect(r.code).toBe(1)
    expect(errors(r)[0]).toMatchObject({
      title: 'Backup failed',
      message: expect.stringMatching(/pg_dump exited with code 1.*no matching tables were found/)
    })
    expect(await listKeys(stack.s3)).toEqual(before)
    expect([...stack.artifacts.artifacts.values()].filter(a => a.name.startsWith('shop-'))).toEqual([])
  })

  it('connection killed mid-dump (pg_terminate_backend): the multipart upload is aborted, no object, no parts left', async () => {
    const proxy = await startS3Proxy(stack.s3, { uploadPartDelayMs: 400 })
    const admin = await connect(stack.pg, 'postgres')
    try {
      const run = runAction(
        {
          'database-url': stack.pg.url('shop'),
          destination: 's3',
          's3-bucket': 'backups',
          's3-endpoint': proxy.endpoint,
          format: 'plain',
          compression: 'none',
          's3-part-size': '5',
          verify: 'none'
        },
        { env: stack.env }
      )
      // Wait until parts are in flight, then kill pg_dump's server connection.
      await waitFor('an UploadPart', () => proxy.requests.some(q => q.method === 'PUT' && q.query.has('partNumber')))
      const killed = await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'pg-backup-action pg_dump'`
      )
      expect(killed.rowCount).toBe(1)
      const r = await run
      expect(r.code).toBe(1)
      expect(errors(r)[0]).toMatchObject({ title: 'Backup failed', message: expect.stringMatching(/pg_dump/) })

      const create = proxy.requests.find(q => q.method === 'POST' && q.query.has('uploads'))
      expect(create).toBeDefined()
      const aborts = proxy.requests.filter(q => q.method === 'DELETE' && q.query.has('uploadId'))
      expect(aborts).toHaveLength(1)
      expect(proxy.requests.some(q => q.method === 'POST' && q.query.has('uploadId'))).toBe(false) // no CompleteMultipartUpload
      const key = create!.path.replace(/^\/backups\//, '')
      expect(await headObject(stack.s3, decodeURIComponent(key))).toBeUndefined()
      expect(await headObject(stack.s3, `${decodeURIComponent(key)}.manifest.json`)).toBeUndefined()
      expect(proxy.pendingUploads()).toEqual([])
    } finally {
      await admin.end()
      await proxy.stop()
    }
  })

  it('an S3 failure fails the run and publishes no artifact either', async () => {
    const artifacts = stack.artifacts.artifacts.size
    const r = await runAction(
      { 'database-url': stack.pg.url('shop'), destination: 'artifact,s3', 's3-bucket': 'no-such-bucket', 's3-endpoint': stack.s3.endpoint },
      { env: stack.env }
    )
    expect(r.code).toBe(1)
    expect(errors(r)[0]).toMatchObject({ title: 'Backup failed', message: expect.stringMatching(/bucket/i) })
    expect(stack.artifacts.artifacts.size).toBe(artifacts)
  })
})

describe('key collisions', () => {
  /** Occupies the keys of the next 30 seconds of `name`: a run started now falls within them. */
  async function occupy(name: string): Promise<string[]> {
    const s3 = (await import('../helpers/stack.js')).s3Client(stack.s3)
    const { PutObjectCommand } = await import('@aws-sdk/client-s3')
    const start = Date.now()
    const taken: string[] = []
    for (let i = 0; i < 30; i++) {
      const stamp = new Date(start + i * 1000)
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d{3}/, '')
      taken.push(`pg-backups/${name}/${name}-${stamp}.dump.zst`)
    }
    await Promise.all(taken.map(Key => s3.send(new PutObjectCommand({ Bucket: 'backups', Key, Body: 'earlier backup' }))))
    return taken
  }
  const inputs = (name: string) => ({
    'database-url': stack.pg.url('shop'),
    name,
    destination: 's3',
    's3-bucket': 'backups',
    's3-endpoint': stack.s3.endpoint
  })

  it('refuses to overwrite a backup made in the same second', async () => {
    const taken = await occupy('collide')
    const r = await runAction(inputs('collide'), { env: stack.env })
    expect(r.code).toBe(1)
    expect(errors(r)[0]).toMatchObject({
      title: 'Backup failed',
      message: expect.stringMatching(/already exists; refusing to overwrite it/)
    })
    const { getObject } = await import('../helpers/stack.js')
    for (const k of taken) expect((await getObject(stack.s3, k)).toString()).toBe('earlier backup')
    expect((await listKeys(stack.s3, 'pg-backups/collide/')).sort()).toEqual([...taken].sort())
  })

  it('a refused key stops the pg_dump it overlapped, without waiting for it', async () => {
    // pg_dump starts beside the key check, and here waits for a lock (lock-wait-timeout 5m): the step ends on the refusal
    // only if it stops pg_dump itself, and the post step, which would stop it too, is not run.
    await occupy('collide-locked')
    const admin = await connect(stack.pg, 'shop')
    try {
      await admin.query('BEGIN; LOCK TABLE customers IN ACCESS EXCLUSIVE MODE')
      const r = await runAction(inputs('collide-locked'), { env: stack.env, post: false })
      expect(errors(r)).toEqual([
        expect.objectContaining({ title: 'Backup failed', message: expect.stringMatching(/already exists; refusing to overwrite it/) })
      ])
      const pid = Number(r.state['pg-dump-pid'])
      expect(pid).toBeGreaterThan(0)
      await waitFor('pg_dump to exit', () => !fs.existsSync(`/proc/${pid}`) || fs.readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z'))
    } finally {
      await admin.query('ROLLBACK').catch(() => undefined)
      await admin.end()
    }
  })
})

describe('secrets', () => {
  it('the password never appears in output, summary, outputs, manifest, metadata or pg_dump argv', async () => {
    const admin = await connect(stack.pg, 'shop')
    const seen: string[][] = []
    try {
      // Hold a lock so pg_dump waits long enough for its argv to be read.
      await admin.query('BEGIN; LOCK TABLE customers IN ACCESS EXCLUSIVE MODE')
      let pid = 0
      const run = runAction(
        {
          'database-url': stack.pg.url('shop'),
          destination: 'artifact,s3',
          's3-bucket': 'backups',
          's3-endpoint': stack.s3.endpoint,
          name: 'leakcheck'
        },
        { env: stack.env, onSpawn: c => (pid = c.pid!) }
      )
      const dumps = await waitFor('pg_dump to start', () => {
        const d = pid ? childPgDumps(pid) : []
        return d.length ? d : undefined
      })
      seen.push(...dumps.map(d => d.argv))
      await admin.query('COMMIT')
      const r = await run
      expect(r.code).toBe(0)

      const forms = secretForms(NASTY_PASSWORD)
      const manifest = r.outputs.manifest
      const head = await headObject(stack.s3, r.outputs['backup-key'])
      // ::add-mask:: lines are the runner's masking protocol: the runner consumes them and never shows them.
      const stdout = r.stdout
        .split('\n')
        .filter((l: string) => !l.startsWith('::add-mask::'))
        .join('\n')
      const places: Record<string, string> = {
        stdout,
        stderr: r.stderr,
        post: r.post?.stdout ?? '',
        summary: r.summary,
        outputs: fs.readFileSync(r.files.GITHUB_OUTPUT, 'utf8'),
        manifest,
        metadata: JSON.stringify(head?.Metadata ?? {}),
        argv: JSON.stringify(seen)
      }
      for (const [place, text] of Object.entries(places)) {
        for (const form of forms) expect({ place, leaked: text.includes(form) }).toEqual({ place, leaked: false })
      }
      expect(seen[0].some(a => a.startsWith('--dbname=postgres://postgres@127.0.0.1'))).toBe(true)
    } finally {
      await admin.end()
    }
  })
})

describe('post step after a killed main step', () => {
  it('stops the orphaned pg_dump and removes the temp directory', async () => {
    const admin = await connect(stack.pg, 'shop')
    try {
      await admin.query('BEGIN; LOCK TABLE customers IN ACCESS EXCLUSIVE MODE')
      let dumpPid = 0
      const r = await runAction(
        { 'database-url': stack.pg.url('shop'), destination: 'artifact', name: 'cancelled' },
        {
          env: stack.env,
          onSpawn: (child, files) => {
            // Kill main once pg_dump runs and its pid is in the runner's state file, as a cancelled job would be.
            const saved = () => fs.readFileSync(files.GITHUB_STATE, 'utf8').includes('pg-dump-pid')
            void waitFor('pg_dump to start', () => (saved() ? childPgDumps(child.pid!)[0] : undefined)).then(d => {
              dumpPid = d.pid
              child.kill('SIGKILL')
            })
          }
        }
      )
      expect(r.code).toBeNull() // killed
      expect(dumpPid).toBeGreaterThan(0)
      expect(r.state['pg-dump-pid']).toBe(String(dumpPid))
      expect(r.state['main-finished']).toBeUndefined()
      expect(r.post?.code).toBe(0)
      await waitFor(
        'pg_dump to exit',
        () => !fs.existsSync(`/proc/${dumpPid}`) || fs.readFileSync(`/proc/${dumpPid}/stat`, 'utf8').includes(') Z')
      )
      expect(fs.readdirSync(r.tempDir)).toEqual([])
    } finally {
      await admin.query('ROLLBACK').catch(() => undefined)
      await admin.end()
    }
  })
})
