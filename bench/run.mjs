// npm run bench [-- --scale 100 --rounds 3 --no-restore --keep]
// Measures, in one run on one throwaway server, alternating the contenders over several rounds
// and quoting medians: bare pg_dump (the floor), the seed scripts' pg_dump | gzip > file + upload,
// and the bundled action (dist/index.js, as the runner runs it) in several configurations.
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
const scale = Number(opt('scale', 100))
const rounds = Number(opt('rounds', 3))
const withRestore = !args.includes('--no-restore')
// --keep: the cluster (and its pgbench database) lives in bench/work/pg-s{scale} and is reused next time.
const keep = args.includes('--keep')
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pgba-bench-'))
const median = xs => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
const log = m => console.error(`[bench] ${m}`)

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

const pg = await startPostgres({
  password: 'bench-pw',
  settings: ['shared_buffers=256MB', 'max_wal_size=4GB', 'checkpoint_timeout=30min'],
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
/**
 * Buffer pages the bench database's backends touched so far (blks_hit + blks_read in pg_stat_database): a contender's
 * cost to the source is the difference across its run. Backends flush their counts when they exit; this session
 * forces its own flush first so the reading is current.
 */
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
try {
  const existing =
    pg.reused && pg.psql('postgres', ['-At', '-c', "SELECT 1 FROM pg_database WHERE datname = 'bench'"]).trim() === '1'
      ? Number(pg.psql('bench', ['-At', '-c', 'SELECT count(*) FROM pgbench_branches']).trim())
      : 0
  if (existing === scale) log(`reusing the pgbench database at scale ${scale}`)
  else {
    log(`creating a pgbench database at scale ${scale} ...`)
    pg.psql('postgres', ['-c', 'DROP DATABASE IF EXISTS bench', '-c', 'CREATE DATABASE bench'])
    const t = await timed(`${pg.bin}/pgbench`, ['-i', '-s', String(scale), '-q', ...conn, 'bench'])
    log(`pgbench -i took ${t.toFixed(1)} s`)
    pg.psql('bench', ['-c', 'VACUUM ANALYZE'])
  }
  pg.psql('postgres', ['-c', 'DROP DATABASE IF EXISTS bare_restore'])
  const dbSize = Number(pg.psql('bench', ['-At', '-c', 'SELECT pg_database_size(current_database())']).trim())
  const env = { ...s3.env, ...artifacts.env }
  const base = { 'database-url': pg.url('bench'), destination: 's3', 's3-bucket': 'bench', 's3-endpoint': s3.endpoint, verify: 'none' }
  const ageKey = spawnSync('age-keygen', [], { encoding: 'utf8' }).stdout
  const ageRecipient = /public key: (age1\S+)/.exec(ageKey)?.[1]

  /** The action under /usr/bin/time: wall time, peak RSS, stored size, and start → pg_dump spawned. */
  async function action(name, extra, extraEnv = {}) {
    let spawnedAt = 0
    let startedAt = 0
    let poll
    const r = await runAction(
      { ...base, name, ...extra },
      {
        env: { ...env, ...extraEnv },
        post: false,
        wrap: ['/usr/bin/time', '-f', 'BENCH %e %M'],
        onSpawn: child => {
          startedAt = performance.now()
          poll = setInterval(() => {
            if (spawnedAt) return
            const out = spawnSync('pgrep', ['-f', '-n', `${pg.bin}/pg_dump`], { encoding: 'utf8' }).stdout.trim()
            if (out) spawnedAt = performance.now()
          }, 5)
          child.on('close', () => clearInterval(poll))
        }
      }
    )
    clearInterval(poll)
    const m = /BENCH ([\d.]+) (\d+)/.exec(r.stderr)
    if (r.code !== 0 || !m) throw new Error(`action failed: ${r.stdout.slice(-2000)} ${r.stderr.slice(-2000)}`)
    return {
      seconds: Number(m[1]),
      rssMiB: Number(m[2]) / 1024,
      bytes: Number(r.outputs['size-bytes']),
      coldStart: spawnedAt ? (spawnedAt - startedAt) / 1000 : NaN,
      key: r.outputs['backup-key']
    }
  }

  const contenders = {
    'bare pg_dump -Fc -Z0 > /dev/null (floor)': async () => ({
      seconds: await timed('bash', ['-c', `'${pg.bin}/pg_dump' -Fc -Z0 ${tcp.join(' ')} bench > /dev/null`], tcpEnv)
    }),
    'seed: pg_dump | gzip > file, then upload': async () => {
      const file = path.join(work, 'seed.sql.gz')
      const seconds = await timed(
        'bash',
        [
          '-c',
          `set -o pipefail; '${pg.bin}/pg_dump' ${tcp.join(' ')} bench | gzip > '${file}' && node '${path.join(ROOT, 'bench/upload.mjs')}' '${s3.endpoint}' bench seed.sql.gz '${file}'`
        ],
        tcpEnv
      )
      const bytes = fs.statSync(file).size
      fs.rmSync(file)
      return { seconds, bytes }
    },
    'action: custom, zstd + sha256 → S3, verify none': () => action('b-none', {}),
    'action: same, row-counts archive (no count queries)': () => action('b-counts', { 'row-counts': 'archive' }),
    'action: same, verify archive': () => action('b-archive', { verify: 'archive' }),
    'action: same + age encryption': () => action('b-age', { 'age-recipients': ageRecipient }),
    'action: same, zstd level 1': () => action('b-l1', { 'compression-level': '1' }),
    'action: same, in-process zstd (no zstd CLI)': () => action('b-inproc', {}, { PATH: noZstdPath }),
    'action: directory, jobs 2, zstd → S3': () => action('b-dir', { format: 'directory', jobs: '2' })
  }
  // --only floor,none: a quicker run of the contenders whose names contain one of the words (the floor is always kept).
  const only = opt('only', '').split(',').filter(Boolean)
  const names = Object.keys(contenders).filter((k, i) => i === 0 || only.length === 0 || only.some(w => k.includes(w)))
  const results = Object.fromEntries(names.map(k => [k, []]))
  // One untimed dump first, so the first round does not pay for a cold page cache.
  await contenders[names[0]]()
  for (let round = 0; round < rounds; round++) {
    // Alternate the order so no contender always runs on a warm or a cold cache.
    const order = round % 2 === 0 ? names : [...names].reverse()
    for (const name of order) {
      const before = pagesTouched()
      const r = await contenders[name]()
      r.pages = pagesTouched() - before
      results[name].push(r)
      log(`round ${round + 1}: ${name}: ${r.seconds.toFixed(2)} s`)
    }
  }
  const floor = median(results[names[0]].map(r => r.seconds))
  const rows = names.map(name => {
    const rs = results[name]
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
      runs: rs.map(r => r.seconds)
    }
  })

  let restore
  if (withRestore) {
    log('restore side: restore-test vs bare pg_restore of the same archive ...')
    const key = results['action: custom, zstd + sha256 → S3, verify none']?.at(-1)?.key
    if (!key) throw new Error('the restore side needs the "verify none" contender (drop --only or add --no-restore)')
    const file = path.join(work, 'archive.dump.zst')
    const { GetObjectCommand, S3Client } = await import('@aws-sdk/client-s3')
    const body = (
      await new S3Client({
        endpoint: s3.endpoint,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }
      }).send(new GetObjectCommand({ Bucket: 'bench', Key: key }))
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
          backup: key,
          'scratch-database-url': pg.url('postgres')
        },
        { env, post: false }
      )
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
      restoreTestSeconds: median(tests),
      bareSeconds: median(bares),
      ratio: median(tests) / median(bares),
      runs: { restoreTest: tests, bare: bares }
    }
  }

  const machine = `${os.cpus().length} × ${os.cpus()[0].model.trim()}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, PostgreSQL ${pg.psql('postgres', ['-At', '-c', 'SHOW server_version']).trim()}`
  const out = { date: new Date().toISOString(), machine, scale, databaseBytes: dbSize, rounds, rows, restore }
  // Partial runs (--only) do not replace the published results.
  const outDir = path.join(ROOT, opt('out', only.length ? 'bench/work' : 'bench'))
  fs.mkdirSync(outDir, { recursive: true })
  fs.writeFileSync(path.join(outDir, 'results.json'), JSON.stringify(out, null, 2) + '\n')
  const mib = b => (b === null ? '' : `${(b / 2 ** 20).toFixed(0)} MiB`)
  const md = [
    `Scale ${scale} (${mib(dbSize)} database), ${rounds} rounds, medians; ${machine}; ${out.date.slice(0, 10)}.`,
    '',
    '| contender | wall time | × floor | stored | action peak RSS | start → pg_dump | source pages read | × floor |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map(
      r =>
        `| ${r.name.replace(/\|/g, '\\|')} | ${r.seconds.toFixed(2)} s | ${r.ratio.toFixed(2)} | ${mib(r.bytes)} | ${r.rssMiB === null ? '' : `${r.rssMiB.toFixed(0)} MiB`} | ${r.coldStartSeconds === null || Number.isNaN(r.coldStartSeconds) ? '' : `${r.coldStartSeconds.toFixed(2)} s`} | ${r.pages ?? ''} | ${r.pages === null || !rows[0].pages ? '' : (r.pages / rows[0].pages).toFixed(2)} |`
    ),
    ...(restore
      ? [
          '',
          `Restore: restore-test ${restore.restoreTestSeconds.toFixed(1)} s vs bare \`zstd -dc | pg_restore --single-transaction\` ${restore.bareSeconds.toFixed(1)} s (× ${restore.ratio.toFixed(2)}).`
        ]
      : [])
  ].join('\n')
  fs.writeFileSync(path.join(outDir, 'results.md'), md + '\n')
  console.log(md)
} finally {
  pg.stop()
  await Promise.all([s3.stop(), artifacts.stop()])
  fs.rmSync(work, { recursive: true, force: true })
  fs.rmSync(noZstdPath, { recursive: true, force: true })
}
