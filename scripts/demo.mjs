// npm run demo: a throwaway PostgreSQL with generated sample data, a local S3
// server and artifact service, then the bundled action run exactly as the
// runner runs it (node dist/index.js with INPUT_* variables), and its summary.
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import { startArtifactService, startPostgres, startS3 } from './lib/servers.mjs'
import { runAction } from './lib/action.mjs'

const step = m => console.log(`\n\x1b[1m▸ ${m}\x1b[0m`)

step('Starting a throwaway PostgreSQL, s3rver and the artifact stand-in')
const pg = await startPostgres({ password: 'demo-Secret#42' })
const [s3, artifacts] = await Promise.all([startS3({ buckets: ['demo-backups'] }), startArtifactService()])
let runnerDir
try {
  step('Creating database "shop" with generated sample data')
  pg.psql('postgres', ['-c', 'CREATE DATABASE shop'])
  pg.psql('shop', [
    '-c',
    `CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, email text UNIQUE, created_at timestamptz NOT NULL);
     CREATE TABLE products (id int PRIMARY KEY, title text NOT NULL, price numeric(10,2) NOT NULL);
     CREATE TABLE orders (id bigint PRIMARY KEY, customer_id int REFERENCES customers, placed_at timestamptz NOT NULL, status text NOT NULL);
     CREATE TABLE order_items (order_id bigint REFERENCES orders, product_id int REFERENCES products, qty int NOT NULL, PRIMARY KEY (order_id, product_id));
     INSERT INTO customers SELECT g, 'Customer ' || g, 'c' || g || '@example.com', now() - g * interval '1 hour' FROM generate_series(1, 5000) g;
     INSERT INTO products SELECT g, 'Product ' || g, round((random() * 100)::numeric, 2) FROM generate_series(1, 500) g;
     INSERT INTO orders SELECT g, 1 + g % 5000, now() - g * interval '1 minute', (ARRAY['new','paid','shipped'])[1 + g % 3] FROM generate_series(1, 50000) g;
     INSERT INTO order_items SELECT o, 1 + (o * 7 + k) % 500, 1 + k FROM generate_series(1, 50000) o, generate_series(0, 2) k;`
  ])

  step('Running dist/index.js as the runner would (destination: artifact,s3)')
  const r = await runAction(
    { 'database-url': pg.url('shop'), destination: 'artifact,s3', 's3-bucket': 'demo-backups', 's3-endpoint': s3.endpoint },
    { env: { ...s3.env, ...artifacts.env } }
  )
  runnerDir = r.runnerDir
  for (const line of r.stdout.split('\n')) {
    if (/^::(error|warning|notice)/.test(line) || /^(Server |Artifact .* finalized)/.test(line)) console.log('  ' + line)
  }
  if (r.code !== 0) {
    console.error(r.stdout, r.stderr)
    throw new Error(`the action failed (exit ${r.code})`)
  }

  step('Outputs')
  for (const [k, v] of Object.entries(r.outputs))
    if (k !== 'manifest') console.log(`  ${k.padEnd(17)} ${v.replace(/\n/g, '\n' + ' '.repeat(20))}`)

  step('Job summary')
  const text = r.summary
    .replace(/<\/t[hd]>\s*<t[hd][^>]*>/g, ' | ')
    .replace(/<\/tr>/g, '\n')
    .replace(/<h\d>/g, '\n## ')
    .replace(/<br>/g, ', ')
    .replace(/<[^>]+>/g, '')
    .replace(/\n{2,}/g, '\n')
  console.log(
    text
      .split('\n')
      .map(l => '  ' + l)
      .join('\n')
  )

  step('Independent check: zstd -t on the stored object')
  const key = r.outputs['backup-key']
  const file = `${r.runnerDir}/${key.split('/').pop()}`
  const bytes = await artifacts.download(key.split('/').pop())
  fs.writeFileSync(file, bytes)
  const t = spawnSync('zstd', ['-t', file], { encoding: 'utf8' })
  console.log('  ' + (t.status === 0 ? `zstd -t: OK (${bytes.length} bytes)` : `zstd -t failed or zstd missing: ${t.stderr || t.error}`))
} finally {
  if (runnerDir) fs.rmSync(runnerDir, { recursive: true, force: true })
  pg.stop()
  await Promise.all([s3.stop(), artifacts.stop()])
}
