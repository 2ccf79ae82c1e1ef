import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { createDatabase, runAction, startStack } from '../helpers/stack.js'

// Anomalies against the previous good backup of a name, and the history in the job summary, over real backups of a
// real PostgreSQL database that loses rows and a table between runs.
type Stack = Awaited<ReturnType<typeof startStack>>
type Run = Awaited<ReturnType<typeof runAction>>
let stack: Stack
let root: string
const runs: Run[] = []
const decoded = (m: string) => m.replace(/%25/g, '%')
const warnings = (r: Run) => r.annotations.filter(a => a.level === 'warning' && a.title === 'Backup anomaly').map(a => decoded(a.message))
// Keys carry the second: each run starts in a new one.
const nextSecond = () => new Promise(r => setTimeout(r, 1100 - (Date.now() % 1000)))
const manifestOf = (r: Run) => JSON.parse(r.outputs.manifest)

beforeAll(async () => {
  stack = await startStack()
  createDatabase(stack.pg, 'shop')
  stack.pg.psql('shop', [
    '-c',
    `CREATE TABLE orders (id int PRIMARY KEY, note text); INSERT INTO orders SELECT g, repeat(md5(g::text), 8) FROM generate_series(1, 20000) g;
     CREATE TABLE coupons (code text PRIMARY KEY); INSERT INTO coupons VALUES ('WELCOME');
     CREATE TABLE settings (k text PRIMARY KEY, v text); INSERT INTO settings VALUES ('a', 'b')`
  ])
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgba-anomalies-'))
  const run = (more: Record<string, string> = {}) =>
    runAction({ 'database-url': stack.pg.url('shop'), destination: 'file', 'file-path': root, name: 'shop', ...more }, { env: stack.env })
  runs.push(await run())
  await nextSecond()
  // Day two: most orders deleted, one small table dropped, one small table emptied.
  stack.pg.psql('shop', ['-c', 'DELETE FROM orders WHERE id > 5000; DROP TABLE coupons; DELETE FROM settings'])
  runs.push(await run())
  await nextSecond()
  // Day three: fewer still, with on-anomaly: fail and a retention rule that would delete the older backups.
  stack.pg.psql('shop', ['-c', 'DELETE FROM orders WHERE id > 1000'])
  runs.push(await run({ 'on-anomaly': 'fail', 'keep-last': '1' }))
}, 180000)

afterAll(async () => {
  await stack?.stop()
  if (root) fs.rmSync(root, { recursive: true, force: true })
})

describe('a backup that shrank (on-anomaly: warn, max-shrink 50)', () => {
  it('the first backup of a name has nothing to compare with', () => {
    expect(runs[0].code).toBe(0)
    expect(warnings(runs[0])).toEqual([])
    expect(manifestOf(runs[0]).anomalies).toBeUndefined()
  })

  it('warns once per finding, naming the table or the size, and still succeeds', () => {
    const r = runs[1]
    expect(r.code).toBe(0)
    const found = warnings(r)
    expect(found).toContainEqual(
      expect.stringMatching(
        /^shop: table public\.orders shrank by 75% \(20000 → 5000 rows\), against the previous good backup .*shop-\d{8}T\d{6}Z\.dump\.zst/
      )
    )
    expect(found).toContainEqual(expect.stringMatching(/^shop: table public\.coupons is gone \(it had 1 rows\)/))
    expect(found).toContainEqual(expect.stringMatching(/^shop: the stored size shrank by \d+(\.\d)?%/))
    // settings had 1 row: under 1,000 rows, emptying it is no anomaly.
    expect(found.filter(w => w.includes('settings'))).toEqual([])
  })

  it('records the findings in the manifest, keeps the state, and shows the deltas in the summary', () => {
    const m = manifestOf(runs[1])
    expect(m.state).toBe('verified')
    expect(m.anomalies).toContainEqual({ kind: 'rows', table: 'public.orders', previous: 20000, current: 5000, shrinkPercent: 75 })
    expect(m.anomalies).toContainEqual({ kind: 'missing-table', table: 'public.coupons', previous: 1, current: null, shrinkPercent: 100 })
    expect(runs[1].summary).toContain('Compared with the previous backup')
    expect(runs[1].summary).toMatch(/\| public\.orders rows \| 20000 \| 5000 \| -75\.0% \|/)
  })
})

describe('on-anomaly: fail', () => {
  it('fails titled Backup anomaly, keeps the backup with its findings, and skips retention', () => {
    const r = runs[2]
    expect(r.code).toBe(1)
    const errors = r.annotations.filter(a => a.level === 'error')
    expect(errors.map(e => [e.title, decoded(e.message)])).toEqual([
      ['Backup anomaly', expect.stringContaining('public.orders shrank by 80% (5000 → 1000 rows)')]
    ])
    expect(fs.existsSync(r.outputs['backup-key'])).toBe(true)
    expect(JSON.parse(fs.readFileSync(`${r.outputs['backup-key']}.manifest.json`, 'utf8')).anomalies).toContainEqual(
      expect.objectContaining({ kind: 'rows', table: 'public.orders', previous: 5000, current: 1000 })
    )
    // keep-last: 1 would have deleted the two earlier backups.
    for (const earlier of runs.slice(0, 2)) expect(fs.existsSync(earlier.outputs['backup-key'])).toBe(true)
    expect(r.outputs.deleted ?? '').toBe('')
  })

  it('draws the history of the three backups in the summary', () => {
    const s = runs[2].summary
    expect(s).toContain('### History (last 3 backups)')
    expect(s.match(/```mermaid\nxychart-beta/g)).toHaveLength(2)
    const stamps = runs.map(r => /-(\d{8}T\d{6}Z)\./.exec(r.outputs['backup-key'])![1])
    expect(s).toContain(`x-axis [${stamps.map(x => `"${x}"`).join(', ')}]`)
  })
})

describe('artifacts without github-token', () => {
  it('says no earlier backup is visible to compare with', async () => {
    const first = await runAction({ 'database-url': stack.pg.url('shop'), name: 'shop-artifacts' }, { env: stack.env })
    expect(first.annotations).toContainEqual(expect.objectContaining({ level: 'notice', title: 'No earlier backup visible' }))
  })
})
