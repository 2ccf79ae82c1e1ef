import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {
  createDatabase,
  getObject,
  listKeys,
  loadChinook,
  runAction,
  startStack,
  tableDigests,
  type TableDigest
} from '../helpers/stack.js'
import { startRenderStandIn, type RenderStandInOptions } from '../helpers/render-stand-in.js'

// Render's own export as the backup: the bundled action against a local stand-in of Render's API that serves real
// pg_dump -Fd archives as gzip'd tars (the chinook database of a real PostgreSQL 15, nested two directories down as in
// an export), stored in a real S3 server, checked with gzip, tar, pg_restore and age.
type Stack = Awaited<ReturnType<typeof startStack>>
type Run = Awaited<ReturnType<typeof runAction>>
type StandIn = Awaited<ReturnType<typeof startRenderStandIn>>
let stack: Stack
let dir: string
let chinookExport: Buffer
let olderExport: Buffer
let chinook: Record<string, TableDigest>
const standIns: StandIn[] = []
const errors = (r: Run) => r.annotations.filter(a => a.level === 'error')
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')

/** pg_dump -Fd of `db` wrapped as `export/{db}/toc.dat`, then tar -czf: what Render's export delivers. */
function exportOf(db: string): Buffer {
  const top = fs.mkdtempSync(path.join(dir, 'export-'))
  fs.mkdirSync(path.join(top, 'export'))
  execFileSync(`${stack.pg.bin}/pg_dump`, [
    '-h',
    stack.pg.socketDir,
    '-p',
    String(stack.pg.port),
    '-U',
    'postgres',
    '-Fd',
    '-f',
    path.join(top, 'export', db),
    db
  ])
  const file = path.join(top, 'export.tar.gz')
  execFileSync('tar', ['-czf', file, '-C', top, 'export'])
  return fs.readFileSync(file)
}

beforeAll(async () => {
  stack = await startStack()
  loadChinook(stack.pg)
  chinook = await tableDigests(stack.pg, 'chinook')
  createDatabase(stack.pg, 'yesterday')
  stack.pg.psql('yesterday', ['-c', 'CREATE TABLE stale (id int); INSERT INTO stale VALUES (1)'])
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgba-render-'))
  chinookExport = exportOf('chinook')
  olderExport = exportOf('yesterday')
}, 180000)

afterAll(async () => {
  await Promise.all(standIns.map(s => s.stop()))
  await stack?.stop()
  if (dir) fs.rmSync(dir, { recursive: true, force: true })
})

async function standIn(o: Partial<RenderStandInOptions> = {}): Promise<StandIn> {
  const s = await startRenderStandIn({ databaseName: 'chinook', version: '15', archive: chinookExport, ...o })
  standIns.push(s)
  return s
}

const s3 = (prefix: string) => ({ destination: 's3', 's3-bucket': 'backups', 's3-endpoint': stack.s3.endpoint, 's3-prefix': prefix })
const renderInputs = (r: StandIn, prefix: string, more: Record<string, string> = {}) => ({
  'render-api-key': r.apiKey,
  'render-postgres-id': r.postgresId,
  'render-api-url': r.apiUrl,
  ...s3(prefix),
  ...more
})
const run = (inputs: Record<string, string>) => runAction(inputs, { env: stack.env })

/** The token of every download link the stand-in handed out: the bearer secret of each export. */
const tokens = (r: StandIn) => r.exports.map(e => e.token)

describe('an export with one 429, a new export listed late and pending, and an older export beside it', () => {
  let render: StandIn
  let r: Run
  beforeAll(async () => {
    render = await standIn({
      older: { archive: olderExport, createdAt: new Date(Date.now() - 3600_000).toISOString() },
      rateLimitOnce: { 'Retry-After': '1', 'RateLimit-Limit': '20', 'RateLimit-Remaining': '0', 'RateLimit-Reset': '1' },
      unlistedPolls: 1,
      pendingPolls: 2
    })
    r = await run(renderInputs(render, 'render/'))
  }, 180000)

  it('stores the new export as delivered, not the older one, under {postgres id}/… .tar.gz', async () => {
    expect(errors(r)).toEqual([])
    expect(r.code).toBe(0)
    const key = r.outputs['backup-key']
    expect(key).toMatch(new RegExp(`^render/${render.postgresId}/${render.postgresId}-\\d{8}T\\d{6}Z\\.tar\\.gz$`))
    const stored = await getObject(stack.s3, key)
    expect(sha(stored)).toBe(sha(chinookExport))
    expect(r.outputs.sha256).toBe(sha(chinookExport))
    const [older, fresh] = render.exports
    expect(render.downloads).toEqual([fresh.id])
    expect(older.archive).toBe(olderExport)
  })

  it('asked Render the way its API wants, and waited out the 429', () => {
    expect(render.violations).toEqual([])
    const calls = render.requests.map(q => `${q.method} ${q.path.replace(render.postgresId, '{id}')}`)
    // Detail, the list before the request, the request, then the 429 and the listings until the export had a url.
    expect(calls.slice(0, 3)).toEqual(['GET /v1/postgres/{id}', 'GET /v1/postgres/{id}/export', 'POST /v1/postgres/{id}/export'])
    expect(calls.slice(3)).toEqual(Array(5).fill('GET /v1/postgres/{id}/export'))
    expect(render.requests.every(q => q.authorization === `Bearer ${render.apiKey}`)).toBe(true)
  })

  it('records provider render, the export id and Render’s createdAt, the archive’s own versions and the rows its data files hold', () => {
    const m = JSON.parse(r.outputs.manifest)
    const fresh = render.exports[1]
    const pgDumpVersion = execFileSync(`${stack.pg.bin}/pg_dump`, ['--version']).toString().trim()
    const serverVersion = stack.pg.psql('postgres', ['-Atc', 'SHOW server_version']).toString().trim()
    expect(m.source).toMatchObject({
      provider: 'render',
      host: render.postgresId,
      database: 'chinook',
      serverVersion: serverVersion.split(' ')[0]
    })
    expect(m.render).toEqual({ postgresId: render.postgresId, exportId: fresh.id, createdAt: fresh.createdAt })
    expect(m.dump).toMatchObject({ tool: 'render-export', format: 'directory', version: pgDumpVersion })
    expect(m.compression).toEqual({ algorithm: 'gzip', level: null })
    expect([m.rowCounts, m.state, m.verification.passed]).toEqual(['archive', 'verified', true])
    // Counted in the export's gzip'd data files as they streamed; the same as count(*) of the database exported.
    const counted = (m.tables as { schema: string; name: string; rows: number }[]).map(t => [`${t.schema}.${t.name}`, t.rows])
    expect(Object.fromEntries(counted)).toEqual(Object.fromEntries(Object.entries(chinook).map(([k, d]) => [k, d.rows])))
    expect(r.outputs.verified).toBe('true')
  })

  it('never shows a download link or the API key: not in the log, outputs, summary or manifest', async () => {
    const manifest = (await getObject(stack.s3, `${r.outputs['backup-key']}.manifest.json`)).toString()
    const everything = [
      r.stdout
        .split('\n')
        .filter(l => !l.startsWith('::add-mask::'))
        .join('\n'),
      r.stderr,
      JSON.stringify(r.outputs),
      r.summary,
      manifest
    ].join('\n')
    for (const secret of [...tokens(render), render.apiKey]) expect(everything).not.toContain(secret)
    expect(everything).not.toContain('/downloads/')
    expect(r.stdout).toContain(`::add-mask::${render.exports[1].token}`)
  })

  it('opens with gzip and tar, and pg_restore of the directory inside restores chinook row for row', async () => {
    const out = fs.mkdtempSync(path.join(dir, 'opened-'))
    fs.writeFileSync(path.join(out, 'b.tar.gz'), await getObject(stack.s3, r.outputs['backup-key']))
    execFileSync('tar', ['-xzf', path.join(out, 'b.tar.gz'), '-C', out])
    createDatabase(stack.pg, 'render_by_hand')
    const conn = ['-h', stack.pg.socketDir, '-p', String(stack.pg.port), '-U', 'postgres', '-d', 'render_by_hand']
    execFileSync(`${stack.pg.bin}/pg_restore`, [...conn, '--no-owner', '--exit-on-error', path.join(out, 'export', 'chinook')])
    expect(await tableDigests(stack.pg, 'render_by_hand')).toEqual(chinook)
  })

  it('list, check and restore treat it like any other backup', async () => {
    const name = render.postgresId
    const reading = { ...s3('render/'), name }
    const listed = await run({ command: 'list', ...reading })
    expect(JSON.parse(listed.outputs.backups).map((b: { key: string; state: string }) => [b.key, b.state])).toEqual([
      [r.outputs['backup-key'], 'verified']
    ])
    const checked = await run({ command: 'check', ...reading, 'max-age': '1h' })
    expect(errors(checked)).toEqual([])
    createDatabase(stack.pg, 'render_restored')
    const restored = await run({ command: 'restore', ...reading, 'target-database-url': stack.pg.url('render_restored') })
    expect(errors(restored)).toEqual([])
    expect(restored.outputs['backup-key']).toBe(r.outputs['backup-key'])
    expect(await tableDigests(stack.pg, 'render_restored')).toEqual(chinook)
  }, 120000)
})

describe('verify: restore of an age-encrypted export', () => {
  let r: Run
  let identity: string
  let identityFile: string
  beforeAll(async () => {
    identityFile = path.join(dir, 'age.key')
    execFileSync('age-keygen', ['-o', identityFile], { stdio: 'ignore' })
    const keyFile = fs.readFileSync(identityFile, 'utf8')
    identity = /^AGE-SECRET-KEY-1\S+$/m.exec(keyFile)![0]
    const recipient = /public key: (age1\S+)/.exec(keyFile)![1]
    const render = await standIn()
    r = await run(
      renderInputs(render, 'render-age/', {
        name: 'shop-render',
        compression: 'zstd',
        'age-recipients': recipient,
        'age-identity': identity,
        verify: 'restore',
        'scratch-database-url': stack.pg.url('postgres'),
        'row-counts': 'none'
      })
    )
  }, 180000)

  it('stores .tar.gz.age that `age -d` opens to the bytes Render delivered', async () => {
    expect(errors(r)).toEqual([])
    expect(r.outputs['backup-key']).toMatch(/^render-age\/shop-render\/shop-render-\d{8}T\d{6}Z\.tar\.gz\.age$/)
    const opened = spawnSync('age', ['-d', '-i', identityFile], { input: await getObject(stack.s3, r.outputs['backup-key']) })
    expect(opened.status).toBe(0)
    expect(sha(opened.stdout)).toBe(sha(chinookExport))
  })

  it('says compression did not apply, restores into scratch and records the counts as the restored copy’s', () => {
    expect(r.annotations).toContainEqual(expect.objectContaining({ level: 'notice', message: expect.stringContaining('compression') }))
    const m = JSON.parse(r.outputs.manifest)
    const rows = Object.values(chinook).reduce((n, t) => n + t.rows, 0)
    expect([m.state, m.rowCounts, m.tables]).toEqual(['verified', 'none', []])
    expect(m.verification.details).toEqual([
      `restored cleanly: ${Object.keys(chinook).length} tables, ${rows} rows counted in the restored copy (the backup records no row counts to compare with)`
    ])
    expect(r.summary).toMatch(/public\.track<\/td><td>—<\/td><td>3503<\/td>/)
  })
})

describe('what Render refuses, and downloads that are not whole', () => {
  const nothingStored = async (prefix: string) => expect(await listKeys(stack.s3, prefix)).toEqual([])

  it('a wrong render-api-key fails naming the input, and stores nothing', async () => {
    const render = await standIn()
    const r = await run(renderInputs(render, 'render-key/', { 'render-api-key': 'rnd_wrongwrongwrongwrong' }))
    expect(r.code).toBe(1)
    expect(errors(r)).toEqual([expect.objectContaining({ title: 'Backup failed', message: expect.stringContaining('render-api-key') })])
    expect(render.requests.filter(q => q.method === 'POST')).toEqual([])
    await nothingStored('render-key/')
  })

  it('an unknown render-postgres-id fails naming the input', async () => {
    const render = await standIn()
    const r = await run(renderInputs(render, 'render-id/', { 'render-postgres-id': 'dpg-nosuchdatabase000000-a' }))
    expect(errors(r)).toEqual([expect.objectContaining({ title: 'Backup failed', message: expect.stringContaining('render-postgres-id') })])
    await nothingStored('render-id/')
  })

  it('a plan without exports says so and names the pg_dump way', async () => {
    const render = await standIn({
      plan: 'free',
      refuseExports: { status: 400, message: 'exports are not available for this instance type' }
    })
    const r = await run(renderInputs(render, 'render-free/'))
    expect(errors(r)).toEqual([
      expect.objectContaining({ title: 'Backup failed', message: expect.stringMatching(/exports are not available.*free.*database-url/s) })
    ])
    await nothingStored('render-free/')
  })

  it('a download that stops short leaves nothing under the key', async () => {
    const render = await standIn({ truncateDownload: true })
    const r = await run(renderInputs(render, 'render-short/'))
    expect(errors(r)).toEqual([expect.objectContaining({ title: 'Backup failed' })])
    expect(errors(r)[0].message).not.toContain(render.exports[0].token)
    await nothingStored('render-short/')
  })

  it('an export that is not a pg_dump directory archive is not stored', async () => {
    const top = fs.mkdtempSync(path.join(dir, 'not-an-archive-'))
    fs.writeFileSync(path.join(top, 'notes.txt'), 'not a dump\n')
    const render = await standIn({ archive: execFileSync('tar', ['-cz', '-C', top, 'notes.txt']) })
    const r = await run(renderInputs(render, 'render-junk/'))
    expect(errors(r)).toEqual([
      expect.objectContaining({ title: 'Backup failed', message: expect.stringContaining('not a pg_dump directory archive') })
    ])
    await nothingStored('render-junk/')
  })

  it('an export whose data files cannot be counted is stored, with a notice and no row counts', async () => {
    // As a PostgreSQL 16 export compressed with lz4 would be laid out: a data file this action does not decompress.
    const top = fs.mkdtempSync(path.join(dir, 'lz4-'))
    execFileSync('tar', ['-xzf', '-', '-C', top], { input: chinookExport })
    const data = path.join(top, 'export', 'chinook')
    const victim = fs.readdirSync(data).find(f => /^\d+\.dat\.gz$/.test(f))!
    fs.renameSync(path.join(data, victim), path.join(data, victim.replace(/\.gz$/, '.lz4')))
    const render = await standIn({ archive: execFileSync('tar', ['-cz', '-C', top, 'export']) })
    const r = await run(renderInputs(render, 'render-lz4/', { verify: 'none' }))
    expect(errors(r)).toEqual([])
    expect(r.annotations).toContainEqual(
      expect.objectContaining({ level: 'notice', title: 'Row counts not taken', message: expect.stringContaining('is not in the tar') })
    )
    const m = JSON.parse(r.outputs.manifest)
    expect([m.rowCounts, m.tables, m.state]).toEqual(['none', [], 'unverified'])
    expect(await listKeys(stack.s3, 'render-lz4/')).toHaveLength(2)
  })

  it('database-url with render-api-key is an Invalid input', async () => {
    const render = await standIn()
    const r = await run(renderInputs(render, 'render-both/', { 'database-url': stack.pg.url('chinook') }))
    expect(errors(r)).toEqual([expect.objectContaining({ title: 'Invalid input', message: expect.stringContaining('not both') })])
    expect(render.requests).toEqual([])
  })
})
