import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { PutObjectCommand } from '@aws-sdk/client-s3'
import { startS3Proxy } from '../helpers/s3-proxy.js'
import {
  connect,
  createDatabase,
  getObject,
  listKeys,
  loadChinook,
  loadPagila,
  runAction,
  s3Client,
  startStack,
  tableDigests,
  type TableDigest
} from '../helpers/stack.js'

type Stack = Awaited<ReturnType<typeof startStack>>
let stack: Stack
let chinook: Record<string, TableDigest>
let pagila: Record<string, TableDigest>

beforeAll(async () => {
  stack = await startStack()
  loadChinook(stack.pg)
  loadPagila(stack.pg)
  chinook = await tableDigests(stack.pg, 'chinook')
  pagila = await tableDigests(stack.pg, 'pagila')
}, 180000)

afterAll(async () => {
  await stack?.stop()
})

const errors = (r: Awaited<ReturnType<typeof runAction>>) => r.annotations.filter(a => a.level === 'error')
const s3Inputs = () => ({ destination: 's3', 's3-bucket': 'backups', 's3-endpoint': stack.s3.endpoint })
const scratch = () => stack.pg.url('postgres')

async function scratchDatabases(): Promise<string[]> {
  const c = await connect(stack.pg, 'postgres')
  const r = await c.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'pgba_verify_%'`)
  await c.end()
  return r.rows.map(x => x.datname)
}

async function backup(db: string, extra: Record<string, string> = {}) {
  const r = await runAction({ 'database-url': stack.pg.url(db), ...s3Inputs(), ...extra }, { env: stack.env })
  if (r.code !== 0 && !extra['expect-failure']) throw new Error(`backup failed:\n${r.stdout}`)
  return r
}

describe.each(['custom', 'plain', 'directory'])('verify: restore, %s format', format => {
  it.each([
    ['chinook', () => chinook],
    ['pagila', () => pagila]
  ])('passes on %s with exact counts and verify-sql, and drops the scratch database', async (db, digests) => {
    const r = await backup(db, {
      name: `${db}-${format}`,
      format,
      verify: 'restore',
      'scratch-database-url': scratch(),
      'verify-sql':
        db === 'chinook'
          ? 'SELECT count(*) = 412 FROM invoice\nSELECT bool_and(total > 0) FROM invoice'
          : "SELECT count(*) > 0 FROM film WHERE fulltext @@ to_tsquery('drama')\nSELECT count(*) FROM payment_p2022_03"
    })
    expect(r.outputs.verified).toBe('true')
    const m = JSON.parse(r.outputs.manifest)
    expect(m.verification).toMatchObject({ level: 'restore', passed: true })
    const counted = Object.fromEntries(
      m.tables.map((t: { schema: string; name: string; rows: number }) => [`${t.schema}.${t.name}`, t.rows])
    )
    expect(counted).toEqual(Object.fromEntries(Object.entries(digests()).map(([k, v]) => [k, v.rows])))
    expect(r.summary).toMatch(/Rows restored/)
    expect(await scratchDatabases()).toEqual([])
  })
})

describe('verification failures', () => {
  it('a verify-sql query that returns false fails the run and names the query', async () => {
    const r = await backup('chinook', {
      name: 'sqlcheck',
      verify: 'restore',
      'scratch-database-url': scratch(),
      'verify-sql': 'SELECT count(*) = 999 FROM invoice',
      'expect-failure': '1'
    })
    expect(r.code).toBe(1)
    expect(r.outputs.verified).toBe('false')
    expect(errors(r)).toEqual([
      expect.objectContaining({
        title: 'Backup verification failed',
        message: expect.stringContaining('SELECT count(*) = 999 FROM invoice')
      })
    ])
    // The manifest stays, marked failed, for inspection.
    const manifest = JSON.parse((await getObject(stack.s3, `${r.outputs['backup-key']}.manifest.json`)).toString())
    expect(manifest.verification.passed).toBe(false)
    expect(await scratchDatabases()).toEqual([])
  })

  it('a scratch server without an extension the source uses says so by name, with the fix', async () => {
    const good = await backup('chinook', { name: 'extcheck', verify: 'none' })
    const key = good.outputs['backup-key']
    const manifest = JSON.parse((await getObject(stack.s3, `${key}.manifest.json`)).toString())
    manifest.extensions.push({ name: 'vector', version: '0.8.0' })
    await s3Client(stack.s3).send(new PutObjectCommand({ Bucket: 'backups', Key: `${key}.manifest.json`, Body: JSON.stringify(manifest) }))
    const r = await runAction(
      { command: 'restore-test', name: 'extcheck', ...s3Inputs(), 'scratch-database-url': scratch() },
      { env: stack.env }
    )
    expect(r.code).toBe(1)
    expect(errors(r)[0].message).toMatch(/scratch server lacks the extension vector .*pgvector\/pgvector/)
  })

  it.each([
    ['truncated', (b: Buffer) => b.subarray(0, Math.floor(b.length / 2))],
    ['one byte flipped', (b: Buffer) => Buffer.concat([b.subarray(0, 1000), Buffer.from([b[1000] ^ 0xff]), b.subarray(1001)])]
  ])('a stored object %s after upload is caught by restore-test', async (_what, corrupt) => {
    const name = `corrupt-${_what.replace(/ /g, '-')}`
    const good = await backup('chinook', { name, verify: 'none' })
    const key = good.outputs['backup-key']
    const bytes = await getObject(stack.s3, key)
    await s3Client(stack.s3).send(new PutObjectCommand({ Bucket: 'backups', Key: key, Body: corrupt(bytes) }))
    const r = await runAction({ command: 'restore-test', name, ...s3Inputs(), 'scratch-database-url': scratch() }, { env: stack.env })
    expect(r.code).toBe(1)
    expect(r.outputs.verified).toBe('false')
    expect(errors(r)[0].title).toBe('Backup verification failed')
    expect(await scratchDatabases()).toEqual([])
  })
})

describe('verify: archive at the action level', () => {
  it('a stored object that reads back corrupted fails the run with the annotation and verified=false', async () => {
    const proxy = await startS3Proxy(stack.s3, { flipByteInReads: true })
    try {
      const r = await runAction(
        { 'database-url': stack.pg.url('chinook'), name: 'rot', destination: 's3', 's3-bucket': 'backups', 's3-endpoint': proxy.endpoint },
        { env: stack.env }
      )
      expect(r.code).toBe(1)
      expect(r.outputs.verified).toBe('false')
      expect(errors(r)).toEqual([
        expect.objectContaining({ title: 'Backup verification failed', message: expect.stringMatching(/s3: sha256 [0-9a-f]{64} differs/) })
      ])
      const manifest = JSON.parse((await getObject(stack.s3, `${r.outputs['backup-key']}.manifest.json`)).toString())
      expect(manifest.verification).toMatchObject({ level: 'archive', passed: false })
    } finally {
      await proxy.stop()
    }
  })
})

describe('restore-test', () => {
  it('restores the latest backup into scratch and reports RTO and age', async () => {
    await backup('chinook', { name: 'monthly', verify: 'none' })
    const r = await runAction(
      {
        command: 'restore-test',
        name: 'monthly',
        ...s3Inputs(),
        'scratch-database-url': scratch(),
        'max-age': '1h',
        'verify-sql': 'SELECT count(*) > 0 FROM track'
      },
      { env: stack.env }
    )
    expect(r.code).toBe(0)
    expect(r.outputs.verified).toBe('true')
    expect(Number(r.outputs['restore-seconds'])).toBeGreaterThan(0)
    expect(Number(r.outputs['backup-age-seconds'])).toBeLessThan(3600)
    expect(r.summary).toMatch(/Restore time \(RTO\)/)
  })

  it('fails with "Backup too old" when the newest backup is older than max-age', async () => {
    const good = await backup('chinook', { name: 'stale', verify: 'none' })
    const key = good.outputs['backup-key']
    const manifest = JSON.parse((await getObject(stack.s3, `${key}.manifest.json`)).toString())
    manifest.createdAt = new Date(Date.now() - 3 * 86400_000).toISOString()
    await s3Client(stack.s3).send(new PutObjectCommand({ Bucket: 'backups', Key: `${key}.manifest.json`, Body: JSON.stringify(manifest) }))
    const r = await runAction(
      { command: 'restore-test', name: 'stale', ...s3Inputs(), 'scratch-database-url': scratch(), 'max-age': '2d' },
      { env: stack.env }
    )
    expect(r.code).toBe(1)
    expect(errors(r)[0]).toMatchObject({ title: 'Backup too old' })
  })
})

describe('restore', () => {
  let key: string
  beforeAll(async () => {
    key = (await backup('chinook', { name: 'prod', verify: 'none' })).outputs['backup-key']
  }, 60000)

  it('into an empty database reproduces the source row for row', async () => {
    createDatabase(stack.pg, 'fresh_target')
    const r = await runAction(
      { command: 'restore', name: 'prod', ...s3Inputs(), 'target-database-url': stack.pg.url('fresh_target') },
      { env: stack.env }
    )
    expect(r.code).toBe(0)
    expect(r.outputs['backup-key']).toBe(key)
    expect(r.outputs.verified).toBe('true')
    expect(await tableDigests(stack.pg, 'fresh_target')).toEqual(chinook)
  })

  function schemaOf(db: string): string {
    const out = spawnSync(`${stack.pg.bin}/pg_dump`, ['-s', '-h', stack.pg.socketDir, '-p', String(stack.pg.port), '-U', 'postgres', db], {
      encoding: 'utf8'
    }).stdout
    return out.replace(/^\\(un)?restrict .*$/gm, '') // a random key per dump
  }

  it('into a non-empty database without confirm refuses and leaves the target unchanged', async () => {
    createDatabase(stack.pg, 'busy')
    stack.pg.psql('busy', ['-c', 'CREATE TABLE orders (id int PRIMARY KEY); INSERT INTO orders SELECT generate_series(1, 10)'])
    const before = { data: await tableDigests(stack.pg, 'busy'), schema: schemaOf('busy') }
    const r = await runAction(
      { command: 'restore', name: 'prod', ...s3Inputs(), 'target-database-url': stack.pg.url('busy') },
      { env: stack.env }
    )
    expect(r.code).toBe(1)
    expect(errors(r)[0]).toMatchObject({ title: 'Restore refused', message: expect.stringMatching(/set 'confirm: busy'/) })
    expect({ data: await tableDigests(stack.pg, 'busy'), schema: schemaOf('busy') }).toEqual(before)
  })

  it('dry-run changes nothing', async () => {
    const before = { data: await tableDigests(stack.pg, 'busy'), schema: schemaOf('busy') }
    const keys = await listKeys(stack.s3)
    const r = await runAction(
      { command: 'restore', name: 'prod', ...s3Inputs(), 'target-database-url': stack.pg.url('busy'), confirm: 'busy', 'dry-run': 'true' },
      { env: stack.env }
    )
    expect(r.code).toBe(0)
    expect(r.annotations).toContainEqual(expect.objectContaining({ level: 'notice', title: 'Restore dry run' }))
    expect({ data: await tableDigests(stack.pg, 'busy'), schema: schemaOf('busy') }).toEqual(before)
    expect(await listKeys(stack.s3)).toEqual(keys)
  })

  it('with confirm takes the safety backup first, then restores over the target', async () => {
    const r = await runAction(
      { command: 'restore', name: 'prod', ...s3Inputs(), 'target-database-url': stack.pg.url('busy'), confirm: 'busy' },
      { env: stack.env }
    )
    expect(r.code).toBe(0)
    const safety = (await listKeys(stack.s3, 'pg-backups/busy-pre-restore/')).filter(k => k.endsWith('.dump.zst'))
    expect(safety).toHaveLength(1)
    // The safety backup holds the target as it was.
    const m = JSON.parse((await getObject(stack.s3, `${safety[0]}.manifest.json`)).toString())
    expect(m.tables).toEqual([{ schema: 'public', name: 'orders', rows: 10 }])
    const after = await tableDigests(stack.pg, 'busy')
    for (const [t, d] of Object.entries(chinook)) expect(after[t]).toEqual(d)
  })

  it('a checksum mismatch restores nothing', async () => {
    const bytes = await getObject(stack.s3, key)
    await s3Client(stack.s3).send(new PutObjectCommand({ Bucket: 'backups', Key: key, Body: Buffer.concat([bytes, Buffer.from('x')]) }))
    createDatabase(stack.pg, 'untouched')
    const r = await runAction(
      { command: 'restore', backup: key, ...s3Inputs(), 'target-database-url': stack.pg.url('untouched') },
      { env: stack.env }
    )
    await s3Client(stack.s3).send(new PutObjectCommand({ Bucket: 'backups', Key: key, Body: bytes }))
    expect(r.code).toBe(1)
    expect(errors(r)[0]).toMatchObject({ title: 'Backup verification failed', message: expect.stringMatching(/nothing was restored/) })
    expect(await tableDigests(stack.pg, 'untouched')).toEqual({})
  })

  it('by S3 key, even under another prefix than s3-prefix', async () => {
    const b = await runAction(
      { 'database-url': stack.pg.url('chinook'), ...s3Inputs(), 's3-prefix': 'elsewhere/', name: 'moved', verify: 'none' },
      { env: stack.env }
    )
    expect(b.outputs['backup-key']).toMatch(/^elsewhere\/moved\//)
    createDatabase(stack.pg, 'by_key')
    const r = await runAction(
      { command: 'restore', backup: b.outputs['backup-key'], ...s3Inputs(), 'target-database-url': stack.pg.url('by_key') },
      { env: stack.env }
    )
    expect(errors(r)).toEqual([])
    expect(await tableDigests(stack.pg, 'by_key')).toEqual(chinook)
  })

  it('refuses a key without a manifest beside it (an incomplete backup)', async () => {
    await s3Client(stack.s3).send(
      new PutObjectCommand({ Bucket: 'backups', Key: 'pg-backups/half/half-20200101T000000Z.dump.zst', Body: 'partial' })
    )
    createDatabase(stack.pg, 'half_target')
    const r = await runAction(
      {
        command: 'restore',
        backup: 'pg-backups/half/half-20200101T000000Z.dump.zst',
        ...s3Inputs(),
        'target-database-url': stack.pg.url('half_target')
      },
      { env: stack.env }
    )
    expect(errors(r)[0]).toMatchObject({
      title: 'Restore refused',
      message: expect.stringMatching(/no manifest of ours beside it: it is an incomplete backup/)
    })
    expect(await tableDigests(stack.pg, 'half_target')).toEqual({})
  })

  it('from an artifact of this run, by name', async () => {
    const b = await runAction({ 'database-url': stack.pg.url('chinook'), name: 'art', verify: 'none' }, { env: stack.env })
    expect(b.code).toBe(0)
    createDatabase(stack.pg, 'from_artifact')
    const r = await runAction(
      { command: 'restore', backup: b.outputs['backup-key'], 'target-database-url': stack.pg.url('from_artifact') },
      { env: stack.env }
    )
    expect(errors(r)).toEqual([])
    expect(r.code).toBe(0)
    expect(await tableDigests(stack.pg, 'from_artifact')).toEqual(chinook)
  })
})

describe('latest and list', () => {
  it('latest is chosen by manifest time, not by key order or modification time', async () => {
    const first = (await backup('chinook', { name: 'ordering', verify: 'none' })).outputs['backup-key']
    await new Promise(r => setTimeout(r, 1100))
    const second = (await backup('chinook', { name: 'ordering', verify: 'none' })).outputs['backup-key']
    expect(second > first).toBe(true)
    // Rewrite the first manifest (now also the most recently modified object) to say it is the newest.
    const m = JSON.parse((await getObject(stack.s3, `${first}.manifest.json`)).toString())
    m.createdAt = new Date(Date.now() + 60_000).toISOString()
    await s3Client(stack.s3).send(new PutObjectCommand({ Bucket: 'backups', Key: `${first}.manifest.json`, Body: JSON.stringify(m) }))
    const r = await runAction(
      { command: 'restore-test', name: 'ordering', ...s3Inputs(), 'scratch-database-url': scratch() },
      { env: stack.env }
    )
    expect(r.code).toBe(0)
    expect(r.outputs['backup-key']).toBe(first)

    const l = await runAction({ command: 'list', name: 'ordering', ...s3Inputs() }, { env: stack.env })
    expect(l.code).toBe(0)
    const listed = JSON.parse(l.outputs.backups)
    expect(listed.map((b: { key: string }) => b.key)).toEqual([first, second])
  })

  it('list shows every name under the prefix, newest first, incomplete backups included', async () => {
    await s3Client(stack.s3).send(
      new PutObjectCommand({ Bucket: 'backups', Key: 'pg-backups/ghost/ghost-20200101T000000Z.dump.zst', Body: 'partial' })
    )
    await s3Client(stack.s3).send(new PutObjectCommand({ Bucket: 'backups', Key: 'pg-backups/notes.txt', Body: 'not ours' }))
    const r = await runAction({ command: 'list', ...s3Inputs() }, { env: stack.env })
    expect(r.code).toBe(0)
    const listed: { key: string; createdAt: string | null; status: string }[] = JSON.parse(r.outputs.backups)
    const complete = listed.filter(b => b.createdAt)
    expect(complete.map(b => b.createdAt)).toEqual([...complete.map(b => b.createdAt)].sort().reverse())
    expect(listed).toContainEqual(
      expect.objectContaining({ key: 'pg-backups/ghost/ghost-20200101T000000Z.dump.zst', state: 'incomplete', verified: false })
    )
    expect(listed.some(b => b.key.endsWith('notes.txt'))).toBe(false)
    expect(new Set(listed.map(b => b.key.split('/')[1])).size).toBeGreaterThan(3)
    expect(r.summary).toMatch(/Backups \(\d+\)/)
  })
})

describe('scratch copies are made like the source', () => {
  // Each check runs on the scratch copy itself: it passes only when the copy has the source's encoding and locale.
  const likeSource = (encoding: string, collation: string, provider: string, icu: string | null) =>
    `SELECT pg_encoding_to_char(encoding) = '${encoding}' AND datcollate = '${collation}' AND datctype = '${collation}' AND datlocprovider = '${provider}' AND daticulocale IS NOT DISTINCT FROM ${icu === null ? 'NULL' : `'${icu}'`} FROM pg_database WHERE datname = current_database()`

  it.each([
    ['LATIN1 with the C locale', 'latin1_src', `ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C'`, likeSource('LATIN1', 'C', 'c', null)],
    [
      'UTF8 with the ICU locale de-DE',
      'icu_src',
      `ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'de-DE' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`,
      likeSource('UTF8', 'C.UTF-8', 'i', 'de-DE')
    ]
  ])('verify: restore and restore-test of a %s database', async (_what, db, options, check) => {
    stack.pg.psql('postgres', ['-c', `CREATE DATABASE ${db} TEMPLATE template0 ${options}`])
    stack.pg.psql(db, ['-c', `CREATE TABLE words (w text); INSERT INTO words VALUES ('Straße'), ('Äpfel'), ('zebra')`])
    const r = await backup(db, { name: db, verify: 'restore', 'scratch-database-url': scratch(), 'verify-sql': check })
    expect(errors(r)).toEqual([])
    expect(JSON.parse(r.outputs.manifest).source).toMatchObject({
      encoding: options.includes('LATIN1') ? 'LATIN1' : 'UTF8',
      localeProvider: options.includes('icu') ? 'icu' : 'libc'
    })
    const t = await runAction(
      { command: 'restore-test', name: db, ...s3Inputs(), 'scratch-database-url': scratch(), 'verify-sql': check },
      { env: stack.env }
    )
    expect(errors(t)).toEqual([])
    expect(t.outputs.verified).toBe('true')
  })

  it('a scratch server that cannot make such a database fails verification, naming the locale', async () => {
    const r = await backup('chinook', { name: 'alien-locale' })
    const key = r.outputs['backup-key']
    const m = JSON.parse(r.outputs.manifest)
    await s3Client(stack.s3).send(
      new PutObjectCommand({
        Bucket: 'backups',
        Key: `${key}.manifest.json`,
        Body: JSON.stringify({ ...m, source: { ...m.source, collation: 'xx_XX.UTF-8', ctype: 'xx_XX.UTF-8' } })
      })
    )
    const t = await runAction(
      { command: 'restore-test', name: 'alien-locale', ...s3Inputs(), 'scratch-database-url': scratch() },
      { env: stack.env }
    )
    expect(t.code).toBe(1)
    expect(errors(t)).toEqual([
      expect.objectContaining({
        title: 'Backup verification failed',
        message: expect.stringMatching(
          /cannot create a database like the source \(encoding UTF8, collation xx_XX\.UTF-8, ctype xx_XX\.UTF-8, libc\)/
        )
      })
    ])
    expect(await scratchDatabases()).toEqual([])
  })
})
