import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import {
  getObject,
  headObject,
  listKeys,
  loadChinook,
  pathWithout,
  restoreWithTools,
  runAction,
  sha256,
  startStack,
  tableDigests,
  type TableDigest
} from '../helpers/stack.js'

type Stack = Awaited<ReturnType<typeof startStack>>
let stack: Stack
let source: Record<string, TableDigest>

beforeAll(async () => {
  stack = await startStack()
  loadChinook(stack.pg)
  source = await tableDigests(stack.pg, 'chinook')
}, 120000)

afterAll(async () => {
  await stack?.stop()
})

function inputs(extra: Record<string, string> = {}) {
  return {
    'database-url': stack.pg.url('chinook'),
    destination: 'artifact,s3',
    's3-bucket': 'backups',
    's3-endpoint': stack.s3.endpoint,
    ...extra
  }
}

const formats = ['custom', 'plain', 'directory'] as const
const compressions = ['zstd', 'gzip', 'none'] as const
const cases = formats.flatMap(f => compressions.map(c => [f, c] as const))

describe.each(cases)('Chinook, format %s, compression %s, to S3 and an artifact', (format, compression) => {
  let r: Awaited<ReturnType<typeof runAction>>
  let key: string
  let fileName: string
  let stored: Buffer

  beforeAll(async () => {
    r = await runAction(inputs({ format, compression }), { env: stack.env })
    if (r.code !== 0) throw new Error(`action failed:\n${r.stdout}\n${r.stderr}`)
    key = r.outputs['backup-key']
    fileName = key.split('/').pop()!
    stored = await getObject(stack.s3, key)
  }, 120000)

  it('stores the backup under the documented key with a truthful extension', () => {
    const ext = { custom: 'dump', plain: 'sql', directory: 'tar' }[format] + { zstd: '.zst', gzip: '.gz', none: '' }[compression]
    expect(key).toMatch(new RegExp(`^pg-backups/chinook/chinook-\\d{8}T\\d{6}Z\\.${ext.replace('.', '\\.')}$`))
  })

  it('reports the sha256 and size of the bytes actually stored, in S3 and in the artifact', async () => {
    expect(r.outputs.sha256).toBe(sha256(stored))
    expect(Number(r.outputs['size-bytes'])).toBe(stored.length)
    const artifactBytes = await stack.artifacts.download(fileName)
    expect(sha256(artifactBytes)).toBe(r.outputs.sha256)
  })

  it('writes the manifest beside it with the exact row counts of the source', async () => {
    const manifest = JSON.parse((await getObject(stack.s3, `${key}.manifest.json`)).toString())
    const fromArtifact = JSON.parse((await stack.artifacts.download(`${fileName}.manifest.json`)).toString())
    expect(fromArtifact).toEqual(manifest)
    expect(JSON.parse(r.outputs.manifest)).toEqual(manifest)
    expect(manifest).toMatchObject({
      schemaVersion: 1,
      name: 'chinook',
      key,
      sha256: r.outputs.sha256,
      sizeBytes: stored.length,
      source: { database: 'chinook', host: '127.0.0.1', port: stack.pg.port, serverVersion: r.outputs['server-version'] },
      dump: { tool: 'pg_dump', format },
      compression: { algorithm: compression },
      verification: { level: 'archive', passed: true },
      github: { repository: 'acme/shop', runId: '4242' }
    })
    const counts = Object.fromEntries(
      manifest.tables.map((t: { schema: string; name: string; rows: number }) => [`${t.schema}.${t.name}`, t.rows])
    )
    expect(counts).toEqual(Object.fromEntries(Object.entries(source).map(([t, d]) => [t, d.rows])))
    expect(counts['public.invoice_line']).toBeGreaterThan(2000)
  })

  it('restores with pg_restore/psql into a fresh database, row for row equal to the source', async () => {
    const db = `restored_${format}_${compression}`
    await restoreWithTools(stack.pg, stored, fileName, db)
    expect(await tableDigests(stack.pg, db)).toEqual(source)
  })

  it('reports outputs, a job summary and a notice with the location', () => {
    expect(r.outputs.location.split('\n')).toEqual([
      expect.stringMatching(/^https:\/\/github\.com\/acme\/shop\/actions\/runs\/4242\/artifacts\/\d+$/),
      `s3://backups/${key}`
    ])
    expect(r.outputs['artifact-id']).toMatch(/^\d+$/)
    expect(r.outputs.verified).toBe('true')
    expect(Number(r.outputs['duration-seconds'])).toBeGreaterThan(0)
    expect(r.summary).toContain('PostgreSQL backup: chinook')
    expect(r.summary).toContain(r.outputs.sha256)
    expect(r.summary).toMatch(/<td>public\.invoice_line<\/td><td>\d+<\/td>/)
    expect(r.annotations).toContainEqual(expect.objectContaining({ level: 'notice', title: 'Backup stored' }))
    expect(r.annotations.filter(a => a.level === 'error')).toEqual([])
  })
})

describe('single destinations', () => {
  it('with only an artifact, backup-key is the artifact file name and nothing goes to S3', async () => {
    const before = await listKeys(stack.s3)
    const r = await runAction({ 'database-url': stack.pg.url('chinook'), name: 'solo', 'artifact-retention-days': '3' }, { env: stack.env })
    expect(r.code).toBe(0)
    expect(r.outputs['backup-key']).toMatch(/^solo-\d{8}T\d{6}Z\.dump\.zst$/)
    expect(await listKeys(stack.s3)).toEqual(before)
    const bytes = await stack.artifacts.download(r.outputs['backup-key'])
    expect(sha256(bytes)).toBe(r.outputs.sha256)
    const created = [...stack.artifacts.artifacts.values()].find(a => a.name === r.outputs['backup-key'])
    expect(created?.expiresAt).toBeDefined()
  })

  it('with only S3, stores the object and its manifest and uploads no artifact', async () => {
    const count = stack.artifacts.artifacts.size
    const r = await runAction({ ...inputs({ destination: 's3', 's3-prefix': 'nightly', name: 'shop' }) }, { env: stack.env })
    expect(r.code).toBe(0)
    expect(r.outputs['backup-key']).toMatch(/^nightly\/shop\/shop-\d{8}T\d{6}Z\.dump\.zst$/)
    expect(await headObject(stack.s3, `${r.outputs['backup-key']}.manifest.json`)).toBeDefined()
    expect(r.outputs['artifact-id']).toBe('')
    expect(stack.artifacts.artifacts.size).toBe(count)
  })

  it('dumps the directory format with parallel jobs and restores it', async () => {
    const r = await runAction(inputs({ destination: 's3', name: 'parallel', format: 'directory', jobs: '2' }), { env: stack.env })
    expect(r.code).toBe(0)
    expect(JSON.parse(r.outputs.manifest).verification.passed).toBe(true)
    const key = r.outputs['backup-key']
    await restoreWithTools(stack.pg, await getObject(stack.s3, key), key.split('/').pop()!, 'parallel_restored')
    expect(await tableDigests(stack.pg, 'parallel_restored')).toEqual(source)
  })

  it('records tables whose data the dump excludes with rows: null', async () => {
    const r = await runAction(inputs({ destination: 's3', name: 'partial', 'pg-dump-args': '--exclude-table-data=invoice_line' }), {
      env: stack.env
    })
    expect(r.code).toBe(0)
    const m = JSON.parse(r.outputs.manifest)
    const byName = Object.fromEntries(m.tables.map((t: { name: string; rows: number | null }) => [t.name, t.rows]))
    expect(byName.invoice_line).toBeNull()
    expect(byName.invoice).toBe(source['public.invoice'].rows)
    await restoreWithTools(
      stack.pg,
      await getObject(stack.s3, r.outputs['backup-key']),
      r.outputs['backup-key'].split('/').pop()!,
      'partial_restored'
    )
    const restored = await tableDigests(stack.pg, 'partial_restored')
    expect(restored['public.invoice_line'].rows).toBe(0)
    expect(restored['public.invoice']).toEqual(source['public.invoice'])
  })
})

describe('the compressor process', () => {
  const errors = (r: Awaited<ReturnType<typeof runAction>>) => r.annotations.filter(a => a.level === 'error')
  /** A PATH whose `zstd` is the given shell script, every other command as before. */
  function fakeZstd(script: string): string {
    const dir = pathWithout(['zstd'])
    fs.writeFileSync(path.join(dir, 'zstd'), `#!/bin/sh\n${script}\n`, { mode: 0o755 })
    return dir
  }

  it("is the runner's zstd, fed by pg_dump directly", async () => {
    const r = await runAction(inputs({ destination: 's3', name: 'cli' }), { env: stack.env })
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/Compressing with \S*\/zstd -3 --check -q -c/)
  })

  it.each([
    ['zstd', 'custom', 'dump.zst'],
    ['gzip', 'plain', 'sql.gz'],
    ['zstd', 'directory', 'tar.zst']
  ])('without %s on the PATH, %s is compressed and read back in-process, to the same standard stream', async (algorithm, format, ext) => {
    const PATH = pathWithout(['zstd', 'gzip'])
    try {
      const r = await runAction(inputs({ destination: 's3', name: `inproc-${format}`, format, compression: algorithm }), {
        env: { ...stack.env, PATH }
      })
      expect(r.code).toBe(0)
      expect(r.stdout).toContain(`Compressing ${algorithm} in-process`)
      expect(JSON.parse(r.outputs.manifest).verification).toMatchObject({ level: 'archive', passed: true })
      const key = r.outputs['backup-key']
      expect(key.endsWith(`.${ext}`)).toBe(true)
      await restoreWithTools(stack.pg, await getObject(stack.s3, key), key.split('/').pop()!, `inproc_${format}`)
      expect(await tableDigests(stack.pg, `inproc_${format}`)).toEqual(source)
      // And read back in-process too: a restore test into scratch with exact counts.
      const t = await runAction(
        {
          command: 'restore-test',
          destination: 's3',
          's3-bucket': 'backups',
          's3-endpoint': stack.s3.endpoint,
          backup: key,
          'scratch-database-url': stack.pg.url('postgres')
        },
        { env: { ...stack.env, PATH } }
      )
      expect(t.code).toBe(0)
      expect(t.outputs.verified).toBe('true')
    } finally {
      fs.rmSync(PATH, { recursive: true, force: true })
    }
  })

  it('a directory dump without tar on the PATH fails before storing anything, saying so', async () => {
    const PATH = pathWithout(['tar'])
    try {
      const before = await listKeys(stack.s3)
      const r = await runAction(inputs({ destination: 's3', name: 'notar', format: 'directory' }), { env: { ...stack.env, PATH } })
      expect(r.code).toBe(1)
      expect(errors(r)[0]).toMatchObject({ title: 'Backup failed', message: expect.stringContaining("no 'tar' on the PATH") })
      expect(await listKeys(stack.s3)).toEqual(before)
    } finally {
      fs.rmSync(PATH, { recursive: true, force: true })
    }
  })

  it("compresses a directory dump's tar through the CLIs as well", async () => {
    const r = await runAction(inputs({ destination: 's3', name: 'dir-cli', format: 'directory', jobs: '2' }), { env: stack.env })
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/Compressing with \S*\/zstd/)
    const key = r.outputs['backup-key']
    await restoreWithTools(stack.pg, await getObject(stack.s3, key), key.split('/').pop()!, 'dir_cli')
    expect(await tableDigests(stack.pg, 'dir_cli')).toEqual(source)
  })

  it('that fails stores nothing, and the error says which tool and why', async () => {
    const PATH = fakeZstd('cat > /dev/null; echo "zstd: out of space" >&2; exit 3')
    try {
      const before = await listKeys(stack.s3)
      const r = await runAction(inputs({ destination: 's3', name: 'zfail' }), { env: { ...stack.env, PATH } })
      expect(r.code).toBe(1)
      expect(errors(r)).toEqual([
        expect.objectContaining({ title: 'Backup failed', message: 'zstd exited with code 3: zstd: out of space' })
      ])
      expect(await listKeys(stack.s3)).toEqual(before)
    } finally {
      fs.rmSync(PATH, { recursive: true, force: true })
    }
  })

  it('that writes nothing stores nothing', async () => {
    const PATH = fakeZstd('cat > /dev/null; exit 0')
    try {
      const before = await listKeys(stack.s3)
      const r = await runAction(inputs({ destination: 'artifact,s3', name: 'zempty' }), { env: { ...stack.env, PATH } })
      expect(r.code).toBe(1)
      expect(errors(r)[0]).toMatchObject({
        title: 'Backup failed',
        message: expect.stringContaining('wrote nothing; no backup was stored')
      })
      expect(await listKeys(stack.s3)).toEqual(before)
      expect([...stack.artifacts.artifacts.values()].some(a => a.name.startsWith('zempty-'))).toBe(false)
    } finally {
      fs.rmSync(PATH, { recursive: true, force: true })
    }
  })

  it('runs at the level the manifest records', async () => {
    const r = await runAction(inputs({ destination: 's3', name: 'zlevel', 'compression-level': '2' }), { env: stack.env })
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/zstd -2 --check/)
    expect(JSON.parse(r.outputs.manifest).compression).toEqual({ algorithm: 'zstd', level: 2 })
  })
})
