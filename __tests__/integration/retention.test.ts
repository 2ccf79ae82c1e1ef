import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { PutObjectCommand } from '@aws-sdk/client-s3'
import { getObject, listKeys, runAction, s3Client, startStack } from '../helpers/stack.js'

type Stack = Awaited<ReturnType<typeof startStack>>
let stack: Stack
let sample: Buffer
let sampleManifest: Record<string, unknown>

const DAY = 86400000
const stamp = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')
const ymd = (d: Date) => d.toISOString().slice(0, 10)

beforeAll(async () => {
  stack = await startStack()
  stack.pg.psql('postgres', ['-c', 'CREATE DATABASE shop'])
  stack.pg.psql('shop', ['-c', 'CREATE TABLE t (id int); INSERT INTO t SELECT generate_series(1, 100)'])
  const r = await runAction(
    {
      'database-url': stack.pg.url('shop'),
      destination: 's3',
      's3-bucket': 'backups',
      's3-endpoint': stack.s3.endpoint,
      's3-prefix': 'seed/'
    },
    { env: stack.env }
  )
  if (r.code !== 0) throw new Error(r.stdout)
  sample = await getObject(stack.s3, r.outputs['backup-key'])
  sampleManifest = JSON.parse(r.outputs.manifest)
}, 120000)

afterAll(async () => {
  await stack?.stop()
})

/** `days` real backup objects, one a day at 03:00 UTC before today, each with a backdated manifest of ours. */
async function seed(prefix: string, name: string, days: number): Promise<string[]> {
  const s3 = s3Client(stack.s3)
  const today = new Date(new Date().toISOString().slice(0, 10) + 'T03:00:00Z')
  const keys: string[] = []
  for (let i = 1; i <= days; i++) {
    const at = new Date(today.getTime() - i * DAY)
    const key = `${prefix}${name}/${name}-${stamp(at)}.dump.zst`
    keys.push(key)
    const manifest = { ...sampleManifest, name, key, createdAt: at.toISOString(), finishedAt: at.toISOString() }
    await s3.send(new PutObjectCommand({ Bucket: 'backups', Key: key, Body: sample }))
    await s3.send(new PutObjectCommand({ Bucket: 'backups', Key: `${key}.manifest.json`, Body: JSON.stringify(manifest) }))
  }
  return keys
}

async function put(key: string, body = 'x') {
  await s3Client(stack.s3).send(new PutObjectCommand({ Bucket: 'backups', Key: key, Body: body }))
}

const inputs = (prefix: string, extra: Record<string, string> = {}) => ({
  'database-url': stack.pg.url('shop'),
  destination: 's3',
  's3-bucket': 'backups',
  's3-endpoint': stack.s3.endpoint,
  's3-prefix': prefix,
  name: 'shop',
  ...extra
})
const gfs = { 'keep-daily': '7', 'keep-weekly': '4', 'keep-monthly': '12' }

describe('retention against s3rver with 400 days of backups', () => {
  it('keeps exactly the GFS set and leaves unrelated objects alone', async () => {
    const prefix = 'gfs/'
    const seeded = await seed(prefix, 'shop', 400)
    const other = await seed(prefix, 'shop-staging', 3) // another name under the same prefix
    const unrelated = [
      `${prefix}shop/notes.txt`,
      `${prefix}shop/shop-20200101T000000Z.dump.zst`,
      'elsewhere/shop-20200101T000000Z.dump.zst',
      `${prefix}readme.md`
    ]
    for (const k of unrelated) await put(k)

    const r = await runAction(inputs(prefix, gfs), { env: stack.env })
    expect(r.code).toBe(0)
    const run = r.outputs['backup-key']

    // The expected set, described directly rather than by grouping: the last 7 days, the Sundays
    // ending the 3 weeks before this one, the last days of the 11 months before this one, and this run
    // (which is the newest of today, this week and this month).
    const now = new Date()
    const today = new Date(ymd(now) + 'T00:00:00Z')
    const days = new Set<string>()
    for (let i = 1; i <= 6; i++) days.add(ymd(new Date(today.getTime() - i * DAY)))
    const mondayThisWeek = new Date(today.getTime() - ((today.getUTCDay() + 6) % 7) * DAY)
    for (let k = 1; k <= 3; k++) days.add(ymd(new Date(mondayThisWeek.getTime() - (7 * (k - 1) + 1) * DAY)))
    for (let k = 1; k <= 11; k++) days.add(ymd(new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - k + 1, 0))))
    const expectedSeeded = seeded.filter(k =>
      days.has(
        `${k
          .match(/-(\d{4})(\d{2})(\d{2})T/)!
          .slice(1)
          .join('-')}`
      )
    )
    expect(expectedSeeded.length).toBeGreaterThanOrEqual(17)

    const remaining = await listKeys(stack.s3, prefix + 'shop/')
    const backups = remaining.filter(k => k.endsWith('.dump.zst') && !k.includes('20200101'))
    expect(backups.sort()).toEqual([...expectedSeeded, run].sort())
    for (const k of backups) expect(remaining).toContain(`${k}.manifest.json`)
    for (const k of unrelated) expect(await listKeys(stack.s3, k)).toEqual([k])
    for (const k of other) expect(await listKeys(stack.s3, k)).toEqual([k, `${k}.manifest.json`])

    const deleted: string[] = JSON.parse(r.outputs.deleted)
    expect(deleted).toHaveLength(400 - expectedSeeded.length)
    expect(r.summary).toMatch(/kept: .*keep-monthly/)
  })

  it('dry-run prints the plan and deletes nothing', async () => {
    const prefix = 'dry/'
    await seed(prefix, 'shop', 30)
    const before = await listKeys(stack.s3, prefix)
    const r = await runAction(inputs(prefix, { 'keep-last': '3', 'retention-dry-run': 'true' }), { env: stack.env })
    expect(r.code).toBe(0)
    expect(JSON.parse(r.outputs.deleted)).toEqual([])
    expect(r.summary).toMatch(/Retention plan \(dry run: nothing deleted\)/)
    expect((r.summary.match(/would be deleted/g) ?? []).length).toBe(28)
    const after = await listKeys(stack.s3, prefix)
    expect(after.filter(k => !before.includes(k)).every(k => k.includes(r.outputs['backup-key']))).toBe(true)
    for (const k of before) expect(after).toContain(k)
  })

  it('a failing backup run deletes nothing', async () => {
    const prefix = 'failing/'
    await seed(prefix, 'shop', 30)
    const before = await listKeys(stack.s3, prefix)
    const r = await runAction(
      inputs(prefix, {
        'keep-last': '1',
        verify: 'restore',
        'scratch-database-url': stack.pg.url('postgres'),
        'verify-sql': 'SELECT false'
      }),
      { env: stack.env }
    )
    expect(r.code).toBe(1)
    const after = await listKeys(stack.s3, prefix)
    for (const k of before) expect(after).toContain(k)
    expect(r.outputs.deleted).toBeUndefined()
  })

  it('with no keep-* input nothing is deleted', async () => {
    const prefix = 'nopolicy/'
    await seed(prefix, 'shop', 10)
    const r = await runAction(inputs(prefix), { env: stack.env })
    expect(r.code).toBe(0)
    expect((await listKeys(stack.s3, prefix)).filter(k => k.endsWith('.dump.zst'))).toHaveLength(11)
  })

  it('cleans up a manifest whose backup object is gone', async () => {
    const prefix = 'orphan/'
    const keys = await seed(prefix, 'shop', 5)
    await s3Client(stack.s3).send(new (await import('@aws-sdk/client-s3')).DeleteObjectCommand({ Bucket: 'backups', Key: keys[4] }))
    const r = await runAction(inputs(prefix, { 'keep-last': '2' }), { env: stack.env })
    expect(r.code).toBe(0)
    expect(await listKeys(stack.s3, `${keys[4]}.manifest.json`)).toEqual([])
  })
})

describe('S3 listings', () => {
  it('page past 1,000 objects', async () => {
    const s3 = s3Client(stack.s3)
    const keys = Array.from({ length: 1050 }, (_, i) => `paged/k${String(i).padStart(4, '0')}`)
    for (let i = 0; i < keys.length; i += 50)
      await Promise.all(keys.slice(i, i + 50).map(Key => s3.send(new PutObjectCommand({ Bucket: 'backups', Key, Body: 'x' }))))
    const { S3Destination } = await import('../../src/storage/s3.js')
    const dest = new S3Destination({
      bucket: 'backups',
      prefix: '',
      endpoint: stack.s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      storageClass: undefined,
      sse: undefined,
      kmsKeyId: undefined,
      objectLockDays: undefined,
      partSizeMiB: undefined,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }
    })
    expect((await dest.listKeys('paged/')).map(k => k.key)).toEqual(keys)
  })
})

describe('check', () => {
  it('passes on a fresh backup', async () => {
    const r = await runAction(
      {
        command: 'check',
        name: 'shop',
        destination: 's3',
        's3-bucket': 'backups',
        's3-endpoint': stack.s3.endpoint,
        's3-prefix': 'gfs/',
        'max-age': '26h'
      },
      { env: stack.env }
    )
    expect(r.code).toBe(0)
    expect(Number(r.outputs['newest-age-seconds'])).toBeLessThan(600)
  })

  it('fails on an old backup, still reporting its age', async () => {
    // The newest seeded backup is yesterday 03:00 UTC: at least 21 h old whenever the test runs.
    await seed('old/', 'shop', 3)
    const r = await runAction(
      {
        command: 'check',
        name: 'shop',
        destination: 's3',
        's3-bucket': 'backups',
        's3-endpoint': stack.s3.endpoint,
        's3-prefix': 'old/',
        'max-age': '20h'
      },
      { env: stack.env }
    )
    expect(r.code).toBe(1)
    expect(r.annotations.find(a => a.level === 'error')?.title).toBe('Backup too old')
    expect(Number(r.outputs['newest-age-seconds'])).toBeGreaterThan(20 * 3600)
  })

  it('fails on an empty prefix', async () => {
    const r = await runAction(
      {
        command: 'check',
        name: 'shop',
        destination: 's3',
        's3-bucket': 'backups',
        's3-endpoint': stack.s3.endpoint,
        's3-prefix': 'empty/',
        'max-age': '2d'
      },
      { env: stack.env }
    )
    expect(r.code).toBe(1)
    expect(r.annotations.find(a => a.level === 'error')).toMatchObject({
      title: 'Backup too old',
      message: expect.stringMatching(/No good backup named 'shop'/)
    })
    expect(r.outputs['newest-age-seconds']).toBeUndefined()
  })
})
