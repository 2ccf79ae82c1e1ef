import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { createDatabase, loadChinook, loadPagila, runAction, startStack } from '../helpers/stack.js'

// row-counts: archive against row-counts: source on real databases: the counts taken from the custom-format archive
// stream equal the count(*) of every table in the dump's snapshot, through the compressor process (zstd) and in-process
// (compression: none), on Chinook, Pagila (partitions, domains, enums) and a database of awkward cases.
type Stack = Awaited<ReturnType<typeof startStack>>
type Run = Awaited<ReturnType<typeof runAction>>
let stack: Stack
let root: string
const manifestOf = (r: Run) =>
  JSON.parse(r.outputs.manifest) as { rowCounts: string; tables: { schema: string; name: string; rows: number | null }[]; state: string }
const sorted = (t: { schema: string; name: string; rows: number | null }[]) =>
  [...t].sort((a, b) => `${a.schema}.${a.name}`.localeCompare(`${b.schema}.${b.name}`))

beforeAll(async () => {
  stack = await startStack()
  loadChinook(stack.pg)
  loadPagila(stack.pg)
  createDatabase(stack.pg, 'awkward')
  stack.pg.psql('awkward', [
    '-c',
    `CREATE TABLE empty (id int);
     CREATE TABLE "Mixed Case" ("a b" text); INSERT INTO "Mixed Case" VALUES (E'line one\\nline two'), (E'tab\\there'), ('\\.'), (NULL);
     CREATE SCHEMA "odd.schema"; CREATE TABLE "odd.schema".t (x int); INSERT INTO "odd.schema".t SELECT generate_series(1, 1234);
     CREATE TABLE audit (id int, body text); INSERT INTO audit SELECT g, repeat('x', 500) FROM generate_series(1, 3000) g;
     CREATE UNLOGGED TABLE scratchpad (n int); INSERT INTO scratchpad VALUES (1), (2);
     CREATE TABLE events (at date, n int) PARTITION BY RANGE (at);
     CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
     CREATE TABLE events_old PARTITION OF events DEFAULT;
     INSERT INTO events SELECT date '2026-01-01' + g % 400, g FROM generate_series(1, 5000) g;
     SELECT lo_from_bytea(0, decode(repeat('ab', 100000), 'hex'));
     CREATE TABLE big (id int, payload text); INSERT INTO big SELECT g, md5(g::text) FROM generate_series(1, 200000) g;`
  ])
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgba-counts-'))
}, 180000)

afterAll(async () => {
  await stack?.stop()
  if (root) fs.rmSync(root, { recursive: true, force: true })
})

let runs = 0
/** What a run says (as a debug line) when pg_dump's stdout could not be read through the reused buffers. */
const STREAM_RELAY = "::debug::Reading pg_dump's stdout as a stream"
const backup = (db: string, inputs: Record<string, string>) =>
  runAction(
    {
      'database-url': stack.pg.url(db),
      destination: 'file',
      'file-path': root,
      name: `${db}-${++runs}`,
      ...inputs
    },
    { env: stack.env }
  )

/** How the archive is written: format, compression (zstd: a compressor process; none: in-process) and INSERT options. */
const WAYS: [string, Record<string, string>][] = [
  ['custom, zstd', { format: 'custom', compression: 'zstd' }],
  ['custom, none (in-process)', { format: 'custom', compression: 'none' }],
  ['custom, --column-inserts', { format: 'custom', 'pg-dump-args': '--column-inserts' }],
  ['plain, zstd', { format: 'plain', compression: 'zstd' }],
  ['plain, gzip in-process, --rows-per-insert=100', { format: 'plain', compression: 'gzip', 'pg-dump-args': '--rows-per-insert=100' }],
  ['directory, zstd', { format: 'directory', compression: 'zstd' }],
  ['directory, jobs 2, --inserts', { format: 'directory', jobs: '2', 'pg-dump-args': '--inserts' }]
]

// The agreement table: every way of writing the archive × every fixture, archive counts against count(*) in the snapshot.
describe.each([
  ['chinook', ''],
  ['pagila', ''],
  ['awkward', '--exclude-table-data=audit']
])('row-counts: archive on %s', (db, dumpArg) => {
  let source: Run
  const withArg = (extra: Record<string, string>): Record<string, string> => {
    const args = [dumpArg, extra['pg-dump-args'] ?? ''].filter(Boolean).join('\n')
    return { ...extra, ...(args ? { 'pg-dump-args': args } : {}) }
  }
  beforeAll(async () => void (source = await backup(db, withArg({ 'row-counts': 'source' }))), 120000)

  it.each(WAYS)('equals count(*) in the snapshot: %s', async (_way, extra) => {
    const archive = await backup(
      db,
      withArg({ 'row-counts': 'archive', verify: 'restore', 'scratch-database-url': stack.pg.url('postgres'), ...extra })
    )
    expect(archive.annotations.filter(a => a.level === 'error')).toEqual([])
    const [a, s] = [manifestOf(archive), manifestOf(source)]
    expect([a.rowCounts, s.rowCounts]).toEqual(['archive', 'source'])
    expect(a.tables.length).toBeGreaterThan(0)
    expect(sorted(a.tables)).toEqual(sorted(s.tables))
    // The restored copy agrees with what the archive said it holds.
    expect(a.state).toBe('verified')
  })
})

describe('row-counts inputs', () => {
  it('archive is the default', async () => {
    const r = await backup('chinook', {})
    expect(manifestOf(r).rowCounts).toBe('archive')
    expect(manifestOf(r).tables.find(t => t.name === 'track')?.rows).toBe(3503)
    // pg_dump's stdout reached the counter through the reused buffers, not the stream relay.
    expect(r.stdout).not.toContain(STREAM_RELAY)
  })

  it('counts through the stream relay where the workspace path is too long for a Unix socket', async () => {
    const deep = path.join(root, 'runner-temp-'.padEnd(120, 'x'))
    fs.mkdirSync(deep)
    const r = await runAction(
      { 'database-url': stack.pg.url('chinook'), destination: 'file', 'file-path': root, name: `chinook-${++runs}` },
      { env: { ...stack.env, RUNNER_TEMP: deep } }
    )
    expect(r.annotations.filter(a => a.level === 'error')).toEqual([])
    expect(r.stdout).toContain(STREAM_RELAY)
    const source = await backup('chinook', { 'row-counts': 'source' })
    expect(sorted(manifestOf(r).tables)).toEqual(sorted(manifestOf(source).tables))
  })

  it('none counts nothing and says so in the manifest', async () => {
    const r = await backup('chinook', { 'row-counts': 'none' })
    expect([manifestOf(r).rowCounts, manifestOf(r).tables]).toEqual(['none', []])
  })
})
