// npm run bench [-- --scale 100 --rounds 3 --no-restore --keep --only words --placement shared,split --states vacuum,burst --burst-share 0.5]
// Measures, in one run on one throwaway server, alternating the contenders over several rounds
// and quoting medians: bare pg_dump (the floor), the seed scripts' pg_dump | gzip > file + upload,
// and the bundled action (dist/index.js, as the runner runs it) in several configurations.
// Every contender is measured in each VACUUM state (--states) under each CPU placement (--placement),
// one table per placement × state:
//   --states vacuum: the bench database right after VACUUM (every page all-visible);
//            burst:  right after a pgbench write burst on a freshly VACUUMed database, which clears
//                    visibility-map bits as a day of writes would before the nightly backup.
//   --placement shared: server and contender on any CPU, as they fall (the default);
//               split:  the server (postmaster and every backend) on one CPU, the contender (pg_dump,
//                       the action and all it spawns) on another, so neither's CPU time is hidden in
//                       the other's wall time: on GitHub the database is on another machine. Needs taskset.
//   --burst-share: the share of pgbench_accounts pages the burst's updates are expected to leave
//                  not all-visible (results.md quotes the share actually measured).
import { spawn, spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { pathWithout, startPostgres, startS3, startArtifactService } from '../scripts/lib/servers.mjs'
import { runAction, ROOT } from '../scripts/lib/action.mjs'

const args = process.argv.slice(2)
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1] : fallback
}
const list = s => s.split(',').filter(Boolean)
const scale = Number(opt('scale', 100))
const rounds = Number(opt('rounds', 3))
const withRestore = !args.includes('--no-restore')
// --keep: the cluster (and its pgbench database, bench_base) lives in bench/work/pg-s{scale} and is reused next time.
const keep = args.includes('--keep')
const STATES = {
  vacuum: 'after VACUUM',
  burst: 'after a write burst'
}
const states = list(opt('states', 'vacuum,burst'))
const placementsAsked = list(opt('placement', 'shared'))
const burstShare = Number(opt('burst-share', 0.5))
for (const s of states) if (!STATES[s]) throw new Error(`--states: ${s} is not one of ${Object.keys(STATES).join(', ')}`)
for (const p of placementsAsked) if (p !== 'shared' && p !== 'split') throw new Error(`--placement: ${p} is not shared or split`)
if (!(burstShare > 0 && burstShare < 1)) throw new Error('--burst-share is a share of pages, between 0 and 1')
const median = xs => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
const log = m => console.error(`[bench] ${m}`)
const sleep = ms => new Promise(r => setTimeout(r, ms))

const taskset = spawnSync('sh', ['-c', 'command -v taskset'], { encoding: 'utf8' }).stdout.trim() || null
/** CPUs this process may run on, from taskset's list ("0-3,6"), which a cgroup or a parent's taskset may narrow; null without taskset. */
const cpusAllowed = (() => {
  if (!taskset) return null
  const out = spawnSync(taskset, ['-c', '-p', String(process.pid)], { encoding: 'utf8' }).stdout
  const cpus = []
  for (const part of (/list:\s*(\S+)/.exec(out)?.[1] ?? '').split(',').filter(Boolean)) {
    const [a, b = a] = part.split('-').map(Number)
    for (let c = a; c <= b; c++) cpus.push(c)
  }
  return cpus
})()
const placements = placementsAsked.filter(p => {
  if (p !== 'split') return true
  if (!taskset) log('placement split skipped: taskset (util-linux) is not installed')
  else if (cpusAllowed.length < 2) log(`placement split skipped: this process may run on ${cpusAllowed.length} CPU only`)
  else return true
  return false
})
if (placements.length === 0) throw new Error('no placement left to measure')
const serverCpu = cpusAllowed?.[0]
const contenderCpu = cpusAllowed?.[1]
const PLACEMENTS = {
  shared: `shared (server and contender on any of ${cpusAllowed?.length ?? os.cpus().length} CPUs)`,
  split: `split (server on CPU ${serverCpu}, contender on CPU ${contenderCpu})`
}

function timed(cmd, argv, env = process.env) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint()
    const c = spawn(cmd, argv, { env, stdio: ['ignore', 'ignore', 'pipe'] })
    let err = ''
    c.stderr.on('data', d => (err += d))
    c.on('close', code =>
      code === 0 ? resolve(Number(process.hrtime.bigint() - start) / 1e9) : reject(new Error(`${cmd} failed: ${err}`))
    )
  })
}

// %U + %S: the CPU time of the whole process tree /usr/bin/time waits for (pg_dump and zstd are waited for by their parents).
const TIME = ['/usr/bin/time', '-f', 'BENCH %e %M %U %S']
const timeReport = stderr => {
  const m = [...stderr.matchAll(/^BENCH ([\d.]+) (\d+) ([\d.]+) ([\d.]+)$/gm)].at(-1)
  return m && { seconds: Number(m[1]), rssKiB: Number(m[2]), cpuSeconds: Number(m[3]) + Number(m[4]) }
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pgba-bench-'))
const pg = await startPostgres({
  password: 'bench-pw',
  // autovacuum off: after a burst it would vacuum or analyze the bench tables in the middle of some contender's run,
  // setting visibility-map bits back and adding its own pages to that contender's count.
  settings: ['shared_buffers=256MB', 'max_wal_size=4GB', 'checkpoint_timeout=30min', 'autovacuum=off'],
  keepIn: keep ? path.join(ROOT, 'bench/work', `pg-s${scale}`) : undefined
})
const [s3, artifacts] = await Promise.all([startS3({ buckets: ['bench'] }), startArtifactService()])
const conn = ['-h', pg.socketDir, '-p', String(pg.port), '-U', 'postgres']
// The bare commands connect as the action does (TCP to 127.0.0.1, password in the environment):
// over the Unix socket the floor is ~0.4 s faster at scale 100, which no URL-driven tool gets.
const tcp = ['-h', '127.0.0.1', '-p', String(pg.port), '-U', 'postgres']
const tcpEnv = { ...process.env, PGPASSWORD: 'bench-pw' }
// A PATH without zstd, for the in-process fallback.
const noZstdPath = pathWithout(['zstd'])
// Without stdbuf the action runs pg_dump as it is, whose stdout then flushes every 4 KiB (src/runtime/stdout-buffer.ts).
const noStdbufPath = pathWithout(['stdbuf'])
let postmasterPid
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100
/** /proc/PID/stat fields after the command name (which may hold spaces): [state, ppid, ...]. */
const procStat = pid => {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    return s.slice(s.lastIndexOf(')') + 2).split(' ')
  } catch {
    return null
  }
}
const serverChildren = () =>
  fs
    .readdirSync('/proc')
    .filter(d => /^\d+$/.test(d))
    .filter(d => Number(procStat(d)?.[1]) === postmasterPid)
    .map(Number)
/**
 * CPU seconds the server has spent so far: the postmaster's own and its reaped children's (every backend that has
 * exited, the contender's among them) plus those of the processes still running (checkpointer, walwriter, ...).
 */
const serverCpuSeconds = () =>
  [postmasterPid, ...serverChildren()].reduce((sum, pid) => {
    const f = procStat(pid)
    return f ? sum + [11, 12, 13, 14].reduce((s, i) => s + Number(f[i]), 0) / CLK_TCK : sum
  }, 0)
let serverPlacement = 'shared'
/** Pins the running server processes; backends forked later inherit the postmaster's affinity. */
function placeServer(placement) {
  if (!taskset || placement === serverPlacement) return
  const cpus = placement === 'split' ? String(serverCpu) : cpusAllowed.join(',')
  for (const pid of [postmasterPid, ...serverChildren()]) spawnSync(taskset, ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' })
  serverPlacement = placement
}
/**
 * The command prefix that puts a contender on its CPU. The bench's own process (s3rver, the state-file watch) stays on any
 * CPU: on GitHub the storage is elsewhere too, so its work belongs to neither side.
 */
const pinFor = placement => (placement === 'split' ? [taskset, '-c', String(contenderCpu)] : [])

/**
 * Waits until no process is connected to the bench database. A backend flushes its statistics at exit, before it
 * leaves pg_stat_activity (pgstat's before_shmem_exit hook runs ahead of the backend-status on_shmem_exit hook), so
 * once the list is empty every page the last client touched is in pg_stat_database; pg_stat_force_next_flush() in
 * the reading session only covers that session's own counts.
 */
async function settle() {
  for (let i = 0; ; i++) {
    const n = pg.psql('postgres', ['-At', '-c', "SELECT count(*) FROM pg_stat_activity WHERE datname = 'bench'"]).trim()
    if (n === '0') return
    if (i > 3000) throw new Error(`${n} sessions still connected to bench`)
    await sleep(10)
  }
}
/** Buffer pages the bench database's backends touched so far (blks_hit + blks_read): a contender's cost to the source is the difference across its run. */
const pagesTouched = () =>
  Number(
    pg
      .psql('postgres', [
        '-At',
        '-c',
        "SELECT pg_stat_force_next_flush(); SELECT blks_hit + blks_read FROM pg_stat_database WHERE datname = 'bench'"
      ])
      .trim()
      .split('\n')
      .pop()
  )
const q = (db, sql) => pg.psql(db, ['-At', '-c', sql]).trim()
let hasVisibility = false
let fileCopy

/**
 * Puts the bench database in a VACUUM state, always from the same start: a fresh copy of bench_base, the pgbench
 * database as created, then VACUUM. VACUUM and a burst alone would not bring the next contender back to the same
 * state: every burst moves rows to other pages, and an index-only count(*) pays a page switch for each moved row on
 * a page no longer all-visible, so that cost would grow from contender to contender over the run.
 * The burst updates pgbench_accounts with pgbench's simple-update script (-N): each transaction moves one uniformly
 * random account row (pgbench fills the table at fillfactor 100, so an update mostly finds no room for a HOT update
 * on the row's page), clearing the visibility-map bit of the page it leaves and of the page it lands on. The default TPC-B
 * script's updates of the few branch and teller rows would mostly make the two clients wait on each other's row
 * locks; -N skips them. The burst is a number of transactions, not a duration: the expected share of pages left not
 * all-visible after n uniform updates over P pages is 1 − e^(−n/P), so n from the table's pages clears the same share
 * at every scale, whatever the server's speed (and the preparation runs with the server on every CPU).
 * A CHECKPOINT then writes what the preparation dirtied and sync has the kernel write the copy and the checkpoint
 * out (fsync is off), so no contender competes with a checkpoint or the page cache's write-back of them, and one
 * throwaway session rebuilds the relation-cache init file that the copy lacks and VACUUM's catalog updates
 * invalidate, which the contender's first connection would otherwise read the catalogs for.
 */
async function prepare(state) {
  placeServer('shared')
  await settle()
  pg.psql('postgres', ['-c', 'DROP DATABASE IF EXISTS bench', '-c', `CREATE DATABASE bench TEMPLATE bench_base${fileCopy}`])
  pg.psql('bench', ['-c', 'VACUUM'])
  let burst
  if (state === 'burst') {
    const pages = Number(q('bench', "SELECT pg_relation_size('pgbench_accounts') / current_setting('block_size')::int"))
    const perClient = Math.ceil((pages * -Math.log(1 - burstShare)) / 2)
    const seconds = await timed(`${pg.bin}/pgbench`, ['-n', '-N', '-c', '2', '-j', '2', '-t', String(perClient), ...conn, 'bench'])
    await settle()
    burst = { transactions: 2 * perClient, seconds, notAllVisibleShare: null }
    if (hasVisibility) {
      const [allVisible, total] = q(
        'bench',
        "SELECT all_visible, pg_relation_size('pgbench_accounts') / current_setting('block_size')::int FROM pg_visibility_map_summary('pgbench_accounts')"
      )
        .split('|')
        .map(Number)
      burst.notAllVisibleShare = 1 - allVisible / total
    }
  }
  pg.psql('postgres', ['-c', 'CHECKPOINT'])
  spawnSync('sync', ['-f', path.join(pg.socketDir, 'data')])
  pg.psql('bench', ['-c', 'SELECT 1'])
  await settle()
  return burst
}

try {
  postmasterPid = Number(fs.readFileSync(path.join(pg.socketDir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0])
  // A file copy: the default WAL_LOG strategy of PostgreSQL 15 would push the whole database through the WAL and shared buffers.
  fileCopy = Number(q('postgres', 'SHOW server_version_num')) >= 150000 ? ' STRATEGY FILE_COPY' : ''
  const hasDb = name => q('postgres', `SELECT count(*) FROM pg_database WHERE datname = '${name}'`) === '1'
  // A cluster kept by an earlier bench holds the pgbench database as bench: it becomes the template.
  if (pg.reused && !hasDb('bench_base') && hasDb('bench')) pg.psql('postgres', ['-c', 'ALTER DATABASE bench RENAME TO bench_base'])
  const existing = pg.reused && hasDb('bench_base') ? Number(q('bench_base', 'SELECT count(*) FROM pgbench_branches')) : 0
  if (existing === scale) log(`reusing the pgbench database at scale ${scale}`)
  else {
    log(`creating a pgbench database at scale ${scale} ...`)
    pg.psql('postgres', [
      '-c',
      'DROP DATABASE IF EXISTS bench',
      '-c',
      'DROP DATABASE IF EXISTS bench_base',
      '-c',
      'CREATE DATABASE bench_base'
    ])
    const t = await timed(`${pg.bin}/pgbench`, ['-i', '-s', String(scale), '-q', ...conn, 'bench_base'])
    log(`pgbench -i took ${t.toFixed(1)} s`)
    pg.psql('bench_base', ['-c', 'VACUUM ANALYZE'])
  }
  // pg_visibility says how many pages a burst left not all-visible. It adds one extension to what every contender
  // dumps, whatever --states, so the database is the same in every run.
  try {
    pg.psql('bench_base', ['-c', 'CREATE EXTENSION IF NOT EXISTS pg_visibility'])
    hasVisibility = true
  } catch (e) {
    log(`no pg_visibility, the burst's share of pages is not measured: ${String(e).split('\n')[0]}`)
  }
  pg.psql('postgres', ['-c', 'DROP DATABASE IF EXISTS bare_restore'])
  const env = { ...s3.env, ...artifacts.env }
  const base = { 'database-url': pg.url('bench'), destination: 's3', 's3-bucket': 'bench', 's3-endpoint': s3.endpoint, verify: 'none' }
  const ageKey = spawnSync('age-keygen', [], { encoding: 'utf8' }).stdout
  const ageRecipient = /public key: (age1\S+)/.exec(ageKey)?.[1]

  /** A bare shell pipeline under /usr/bin/time: wall time and the CPU time of everything it ran. */
  async function bare(pin, script) {
    const start = process.hrtime.bigint()
    const argv = [...pin, ...TIME, 'bash', '-c', script]
    const { code, stderr } = await new Promise(resolve => {
      const c = spawn(argv[0], argv.slice(1), { env: tcpEnv, stdio: ['ignore', 'ignore', 'pipe'] })
      let err = ''
      c.stderr.on('data', d => (err += d))
      c.on('close', code => resolve({ code, stderr: err }))
    })
    const seconds = Number(process.hrtime.bigint() - start) / 1e9
    const t = timeReport(stderr)
    if (code !== 0 || !t) throw new Error(`${script} failed: ${stderr.slice(-2000)}`)
    return { seconds, runnerCpu: t.cpuSeconds }
  }

  /** The action under /usr/bin/time: wall time, peak RSS, CPU time, stored size, and start → pg_dump spawned. */
  async function action(pin, name, extra, extraEnv = {}) {
    let spawnedAt = 0
    let startedAt = 0
    let watcher
    const r = await runAction(
      { ...base, name, ...extra },
      {
        env: { ...env, ...extraEnv },
        post: false,
        wrap: [...pin, ...TIME],
        onSpawn: (child, files) => {
          startedAt = performance.now()
          // The action saves pg_dump's pid in its state file as it spawns it: watched (inotify), not polled, so measuring
          // takes no CPU from the contender and never stalls this process, which serves its S3 requests (s3rver).
          watcher = fs.watch(files.GITHUB_STATE, () => {
            if (!spawnedAt && fs.readFileSync(files.GITHUB_STATE, 'utf8').includes('pg-dump-pid')) spawnedAt = performance.now()
          })
          child.on('close', () => watcher.close())
        }
      }
    )
    watcher?.close()
    fs.rmSync(r.runnerDir, { recursive: true, force: true })
    const t = timeReport(r.stderr)
    if (r.code !== 0 || !t) throw new Error(`action failed: ${r.stdout.slice(-2000)} ${r.stderr.slice(-2000)}`)
    return {
      seconds: t.seconds,
      rssMiB: t.rssKiB / 1024,
      runnerCpu: t.cpuSeconds,
      bytes: Number(r.outputs['size-bytes']),
      coldStart: spawnedAt ? (spawnedAt - startedAt) / 1000 : NaN,
      key: r.outputs['backup-key']
    }
  }

  const contenders = {
    'bare pg_dump -Fc -Z0 > /dev/null (floor)': pin => bare(pin, `'${pg.bin}/pg_dump' -Fc -Z0 ${tcp.join(' ')} bench > /dev/null`),
    'seed: pg_dump | gzip > file, then upload': async pin => {
      const file = path.join(work, 'seed.sql.gz')
      const r = await bare(
        pin,
        `set -o pipefail; '${pg.bin}/pg_dump' ${tcp.join(' ')} bench | gzip > '${file}' && node '${path.join(ROOT, 'bench/upload.mjs')}' '${s3.endpoint}' bench seed.sql.gz '${file}'`
      )
      r.bytes = fs.statSync(file).size
      fs.rmSync(file)
      return r
    },
    // row-counts: archive (the default): the rows counted in the archive stream, no count queries.
    'action: custom, zstd + sha256 → S3, verify none': pin => action(pin, 'b-none', {}),
    'action: same, row-counts source (count(*) in the snapshot)': pin => action(pin, 'b-counts', { 'row-counts': 'source' }),
    'action: same, verify archive': pin => action(pin, 'b-archive', { verify: 'archive' }),
    'action: same + age encryption': pin => action(pin, 'b-age', { 'age-recipients': ageRecipient }),
    'action: same, zstd level 1': pin => action(pin, 'b-l1', { 'compression-level': '1' }),
    'action: same, in-process zstd (no zstd CLI)': pin => action(pin, 'b-inproc', {}, { PATH: noZstdPath }),
    'action: same, no stdbuf (pg_dump flushes every 4 KiB)': pin => action(pin, 'b-nostdbuf', {}, { PATH: noStdbufPath }),
    'action: directory, jobs 2, zstd → S3': pin => action(pin, 'b-dir', { format: 'directory', jobs: '2' })
  }
  const RESTORE_SOURCE = 'action: custom, zstd + sha256 → S3, verify none'
  // --only floor,none: a quicker run of the contenders whose names contain one of the words (the floor is always kept).
  const only = list(opt('only', ''))
  const names = Object.keys(contenders).filter((k, i) => i === 0 || only.length === 0 || only.some(w => k.includes(w)))
  log(`contenders: ${names.join('; ')}; placements: ${placements.join(', ')}; states: ${states.join(', ')}`)
  /** results[placement][state][name]: one entry per round; bursts[placement][state]: the preparations' bursts. */
  const results = {}
  const bursts = {}
  for (const p of placements) {
    results[p] = {}
    bursts[p] = {}
    for (const s of states) {
      results[p][s] = Object.fromEntries(names.map(k => [k, []]))
      bursts[p][s] = []
    }
  }
  let restoreKey
  // One untimed dump first, so the first round does not pay for a cold page cache.
  await prepare(states[0])
  await contenders[names[0]]([])
  const dbSize = Number(q('bench', 'SELECT pg_database_size(current_database())'))
  // Per placement and round, each state in turn, and before every contender its state is prepared afresh (prepare):
  // each contender starts from a freshly VACUUMed copy of the same database, or right after its own burst on one, so
  // all contenders see the same state and no contender's pages include the preparation's.
  for (const placement of placements) {
    for (let round = 0; round < rounds; round++) {
      // Alternate the order so no contender always runs on a warm or a cold cache.
      const order = round % 2 === 0 ? names : [...names].reverse()
      for (const state of states) {
        for (const name of order) {
          const prepStart = performance.now()
          const burst = await prepare(state)
          const prepSeconds = (performance.now() - prepStart) / 1000
          if (burst) bursts[placement][state].push(burst)
          placeServer(placement)
          const pages = pagesTouched()
          const cpu = serverCpuSeconds()
          const r = await contenders[name](pinFor(placement))
          await settle()
          r.serverCpu = serverCpuSeconds() - cpu
          r.pages = pagesTouched() - pages
          if (name === RESTORE_SOURCE) restoreKey = r.key
          results[placement][state][name].push(r)
          log(
            `${placement}, ${STATES[state]}, round ${round + 1}: ${name}: ${r.seconds.toFixed(2)} s, ${r.pages} pages` +
              ` (prepared in ${prepSeconds.toFixed(1)} s${burst ? `, burst: ${burst.transactions} transactions in ${burst.seconds.toFixed(1)} s` : ''})`
          )
        }
      }
    }
  }
  placeServer('shared')
  const tables = placements.flatMap(placement =>
    states.map(state => {
      const byName = results[placement][state]
      const floor = median(byName[names[0]].map(r => r.seconds))
      const rows = names.map(name => {
        const rs = byName[name]
        const seconds = median(rs.map(r => r.seconds))
        const pick = k => (rs[0][k] === undefined ? null : median(rs.map(r => r[k])))
        return {
          name,
          seconds,
          ratio: seconds / floor,
          bytes: pick('bytes'),
          rssMiB: pick('rssMiB'),
          coldStartSeconds: pick('coldStart'),
          pages: pick('pages'),
          runnerCpuSeconds: pick('runnerCpu'),
          serverCpuSeconds: pick('serverCpu'),
          runs: rs.map(r => r.seconds),
          pageRuns: rs.map(r => r.pages)
        }
      })
      const bs = bursts[placement][state]
      const burst = bs.length
        ? {
            transactions: median(bs.map(b => b.transactions)),
            seconds: median(bs.map(b => b.seconds)),
            notAllVisibleShare: bs[0].notAllVisibleShare === null ? null : median(bs.map(b => b.notAllVisibleShare))
          }
        : null
      const cpus =
        placement === 'split' ? { server: String(serverCpu), contender: String(contenderCpu) } : { server: 'any', contender: 'any' }
      return { placement, cpus, state, burst, rows }
    })
  )

  let restore
  if (withRestore) {
    log('restore side: restore-test vs bare pg_restore of the same archive ...')
    if (!restoreKey) throw new Error('the restore side needs the "verify none" contender (drop --only or add --no-restore)')
    const file = path.join(work, 'archive.dump.zst')
    const { GetObjectCommand, S3Client } = await import('@aws-sdk/client-s3')
    const body = (
      await new S3Client({
        endpoint: s3.endpoint,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }
      }).send(new GetObjectCommand({ Bucket: 'bench', Key: restoreKey }))
    ).Body
    fs.writeFileSync(file, Buffer.from(await body.transformToByteArray()))
    // Alternating rounds, as for the backups: a single restore of each is at the mercy of a cold cache.
    const tests = []
    const bares = []
    for (let round = 0; round < rounds; round++) {
      // Each restore starts alike: no other restored copy on the server, nothing left to checkpoint.
      pg.psql('postgres', ['-c', 'DROP DATABASE IF EXISTS bare_restore', '-c', 'CHECKPOINT'])
      const r = await runAction(
        {
          command: 'restore-test',
          name: 'b-none',
          destination: 's3',
          's3-bucket': 'bench',
          's3-endpoint': s3.endpoint,
          backup: restoreKey,
          'scratch-database-url': pg.url('postgres')
        },
        { env, post: false }
      )
      fs.rmSync(r.runnerDir, { recursive: true, force: true })
      if (r.code !== 0) throw new Error(r.stdout.slice(-2000))
      tests.push(Number(r.outputs['restore-seconds']))
      pg.psql('postgres', ['-c', 'CREATE DATABASE bare_restore', '-c', 'CHECKPOINT'])
      bares.push(
        await timed(
          'bash',
          [
            '-c',
            `set -o pipefail; zstd -dc '${file}' | '${pg.bin}/pg_restore' --no-owner --no-acl --single-transaction ${tcp.join(' ')} -d bare_restore`
          ],
          tcpEnv
        )
      )
      log(`round ${round + 1}: restore-test ${tests.at(-1).toFixed(2)} s, bare pg_restore ${bares.at(-1).toFixed(2)} s`)
    }
    restore = {
      placement: 'shared',
      restoreTestSeconds: median(tests),
      bareSeconds: median(bares),
      ratio: median(tests) / median(bares),
      runs: { restoreTest: tests, bare: bares }
    }
  }

  const machineInfo = {
    cpuModel: os.cpus()[0].model.trim(),
    cores: os.cpus().length,
    ramGiB: Number((os.totalmem() / 2 ** 30).toFixed(0)),
    node: process.version,
    postgres: q('postgres', 'SHOW server_version')
  }
  const machine = `${machineInfo.cores} × ${machineInfo.cpuModel}, ${machineInfo.ramGiB} GiB, Node ${machineInfo.node}, PostgreSQL ${machineInfo.postgres}`
  const scheme =
    'Per placement and round, each VACUUM state in turn; before every contender its state is prepared afresh (a fresh copy of the pgbench database, VACUUM, for the burst state a pgbench -N burst, then CHECKPOINT), so each contender starts from a freshly VACUUMed database or right after its own burst on one, and the preparation is not counted.'
  const out = {
    date: new Date().toISOString(),
    machine,
    machineInfo,
    scale,
    databaseBytes: dbSize,
    rounds,
    scheme,
    burstShareAsked: states.includes('burst') ? burstShare : null,
    tables,
    restore
  }
  // Partial runs (--only) do not replace the published results.
  const outDir = path.join(ROOT, opt('out', only.length ? 'bench/work' : 'bench'))
  fs.mkdirSync(outDir, { recursive: true })
  fs.writeFileSync(path.join(outDir, 'results.json'), JSON.stringify(out, null, 2) + '\n')
  const mib = b => (b === null ? '' : `${(b / 2 ** 20).toFixed(0)} MiB`)
  const secs = x => (x === null || Number.isNaN(x) ? '' : `${x.toFixed(2)} s`)
  const stateLine = t =>
    t.state === 'burst'
      ? `${STATES.burst} (pgbench -N, ${t.burst.transactions} transactions over 2 clients, on a freshly VACUUMed database${t.burst.notAllVisibleShare === null ? '' : `; ${(100 * t.burst.notAllVisibleShare).toFixed(0)}% of pgbench_accounts pages left not all-visible`})`
      : STATES[t.state]
  const md = [
    `Scale ${scale} (${mib(dbSize)} database), ${rounds} rounds, medians; ${machine}; ${out.date.slice(0, 10)}.`,
    '',
    scheme +
      ' Source pages read: blks_hit + blks_read of pg_stat_database for the bench database across the run, once its sessions are gone. Runner CPU: user + system time of the contender and all it spawned; server CPU: that of the PostgreSQL processes.',
    ...tables.flatMap(t => [
      '',
      `Placement ${PLACEMENTS[t.placement]}; ${stateLine(t)}:`,
      '',
      '| contender | wall time | × floor | stored | action peak RSS | start → pg_dump | source pages read | × floor | runner CPU | server CPU |',
      '|---|---|---|---|---|---|---|---|---|---|',
      ...t.rows.map(
        r =>
          `| ${r.name.replace(/\|/g, '\\|')} | ${r.seconds.toFixed(2)} s | ${r.ratio.toFixed(2)} | ${mib(r.bytes)} | ${r.rssMiB === null ? '' : `${r.rssMiB.toFixed(0)} MiB`} | ${secs(r.coldStartSeconds)} | ${r.pages ?? ''} | ${r.pages === null || !t.rows[0].pages ? '' : (r.pages / t.rows[0].pages).toFixed(2)} | ${secs(r.runnerCpuSeconds)} | ${secs(r.serverCpuSeconds)} |`
      )
    ]),
    ...(restore
      ? [
          '',
          `Restore (placement shared): restore-test ${restore.restoreTestSeconds.toFixed(1)} s vs bare \`zstd -dc | pg_restore --single-transaction\` ${restore.bareSeconds.toFixed(1)} s (× ${restore.ratio.toFixed(2)}).`
        ]
      : [])
  ].join('\n')
  fs.writeFileSync(path.join(outDir, 'results.md'), md + '\n')
  console.log(md)
} finally {
  // A kept cluster keeps bench_base only: the last working copy would double its size on disk.
  if (keep) {
    try {
      pg.psql('postgres', ['-c', 'DROP DATABASE IF EXISTS bench'])
    } catch (e) {
      log(`could not drop the working copy: ${String(e).split('\n')[0]}`)
    }
  }
  pg.stop()
  await Promise.all([s3.stop(), artifacts.stop()])
  fs.rmSync(work, { recursive: true, force: true })
  fs.rmSync(noZstdPath, { recursive: true, force: true })
  fs.rmSync(noStdbufPath, { recursive: true, force: true })
}
