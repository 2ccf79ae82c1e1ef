import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import * as path from 'node:path'
import { startPostgres } from '../../scripts/lib/servers.mjs'
import { connectClient, libpqEnv } from '../../src/postgres/connect.js'
import { parseDatabaseUrl } from '../../src/config/database-url.js'
import { toolEnv } from '../../src/runtime/process.js'
import type { SourceSettings } from '../../src/config/settings.js'
import { listKeys, runAction, startStack } from '../helpers/stack.js'
import { makeCa, type TestCa } from '../helpers/tls.js'

// One connection policy (DESIGN.md §2) against real servers: a PostgreSQL that accepts only TLS,
// with a certificate from a private CA (as RDS and Supabase look to a client without their CA),
// and the stack's plain one. node-postgres through the policy and psql through libpq's own
// handling of the same settings must agree on every sslmode, with and without the CA.
type Stack = Awaited<ReturnType<typeof startStack>>
type Postgres = Awaited<ReturnType<typeof startPostgres>>
let stack: Stack
let tlsPg: Postgres
let ca: TestCa
let otherCa: TestCa
let certs: Record<'good' | 'otherName' | 'expired', { cert: string; key: string }>
const PASSWORD = 'tls-Secret#1'

beforeAll(async () => {
  ca = makeCa()
  otherCa = makeCa('another CA')
  certs = {
    good: ca.issue('127.0.0.1', ['IP:127.0.0.1', 'DNS:localhost']),
    otherName: ca.issue('db.example.com', ['DNS:db.example.com', 'DNS:replica.example.com']),
    expired: ca.issue('127.0.0.1 (expired)', ['IP:127.0.0.1'], { expired: true })
  }
  ;[stack, tlsPg] = await Promise.all([startStack(), startPostgres({ password: PASSWORD, tls: { ...certs.good, only: true } })])
  tlsPg.psql('postgres', ['-c', 'CREATE DATABASE shop'])
  tlsPg.psql('shop', [
    '-c',
    'CREATE TABLE orders (id int PRIMARY KEY, note text); INSERT INTO orders SELECT g, md5(g::text) FROM generate_series(1, 500) g'
  ])
}, 120000)

afterAll(async () => {
  tlsPg?.stop()
  await stack?.stop()
})

type Outcome = 'tls' | 'plain' | 'refused'
const MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const
type Ca = 'no CA' | 'sslrootcert in the URL' | 'ssl-root-cert input'

function settings(p: Postgres, mode: string, caBy: Ca, pem = ca.caPem, caFile = ca.caFile, db = 'postgres'): SourceSettings {
  const url = new URL(p.url(db, 'postgres', p.password))
  url.searchParams.set('sslmode', mode)
  if (caBy === 'sslrootcert in the URL') url.searchParams.set('sslrootcert', caFile)
  return parseDatabaseUrl(url.toString(), 'auto', 'database-url', caBy === 'ssl-root-cert input' ? pem : undefined)
}

const SSL_IN_USE = 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()'

/** node-postgres through the policy. */
async function viaNode(s: SourceSettings): Promise<{ outcome: Outcome; message?: string }> {
  try {
    const c = await connectClient(s)
    try {
      return { outcome: (await c.query(SSL_IN_USE)).rows[0].ssl ? 'tls' : 'plain' }
    } finally {
      await c.end()
    }
  } catch (e) {
    return { outcome: 'refused', message: (e as Error).message }
  }
}

/** psql with exactly the environment and URI the action gives pg_dump. */
function viaPsql(p: Postgres, s: SourceSettings): { outcome: Outcome; stderr: string } {
  let env: Record<string, string>
  try {
    env = libpqEnv(s)
  } catch {
    // The action refuses this before any tool runs; libpq, left to itself, must refuse it too.
    env = { PGSSLMODE: s.ssl.mode, PGPASSWORD: s.password ?? '' }
  }
  const r = spawnSync(path.join(p.bin, 'psql'), ['-X', '-At', '-c', SSL_IN_USE, `--dbname=${s.uri}`], {
    env: toolEnv(env),
    encoding: 'utf8'
  })
  if (r.status !== 0) return { outcome: 'refused', stderr: r.stderr }
  return { outcome: r.stdout.trim() === 't' ? 'tls' : 'plain', stderr: r.stderr }
}

// What libpq does, per sslmode, against a server that accepts TLS only and one that has no TLS.
const EXPECTED: Record<'tls-only' | 'plain-only', Record<(typeof MODES)[number], Record<'with' | 'without', Outcome>>> = {
  'tls-only': {
    disable: { with: 'refused', without: 'refused' },
    allow: { with: 'tls', without: 'tls' },
    prefer: { with: 'tls', without: 'tls' },
    require: { with: 'tls', without: 'tls' },
    'verify-ca': { with: 'tls', without: 'refused' },
    'verify-full': { with: 'tls', without: 'refused' }
  },
  'plain-only': {
    disable: { with: 'plain', without: 'plain' },
    allow: { with: 'plain', without: 'plain' },
    prefer: { with: 'plain', without: 'plain' },
    require: { with: 'refused', without: 'refused' },
    'verify-ca': { with: 'refused', without: 'refused' },
    'verify-full': { with: 'refused', without: 'refused' }
  }
}

describe('every sslmode, with and without the CA, agrees with libpq', () => {
  const cases = (['tls-only', 'plain-only'] as const).flatMap(server =>
    MODES.flatMap(mode => (['no CA', 'sslrootcert in the URL', 'ssl-root-cert input'] as Ca[]).map(caBy => [server, mode, caBy] as const))
  )
  it.each(cases)('%s server, sslmode=%s, %s', async (server, mode, caBy) => {
    const p = server === 'tls-only' ? tlsPg : stack.pg
    const s = settings(p, mode, caBy)
    const expected = EXPECTED[server][mode][caBy === 'no CA' ? 'without' : 'with']
    const node = await viaNode(s)
    const psql = viaPsql(p, s)
    expect({ node: node.outcome, psql: psql.outcome }).toEqual({ node: expected, psql: expected })
  })

  it('require with a CA verifies it, as libpq does: another CA is refused by both', async () => {
    const s = settings(tlsPg, 'require', 'ssl-root-cert input', otherCa.caPem)
    expect((await viaNode(s)).outcome).toBe('refused')
    expect(viaPsql(tlsPg, s).outcome).toBe('refused')
  })

  it('sslrootcert=system trusts the runner’s public CAs: a private CA’s certificate is refused by both, as unknown', async () => {
    const s = parseDatabaseUrl(`${tlsPg.url('postgres', 'postgres', PASSWORD)}?sslrootcert=system`, 'auto')
    expect(s.ssl.mode).toBe('verify-full')
    const node = await viaNode(s)
    expect(node.message).toMatch(/the certificate of 127\.0\.0\.1 is signed by an unknown CA/)
    expect(viaPsql(tlsPg, s).outcome).toBe('refused')
  })

  it('an sslrootcert path the runner does not have is named, with the input to use instead', async () => {
    const { message } = await viaNode(settings(tlsPg, 'verify-full', 'sslrootcert in the URL', ca.caPem, '/nonexistent/ca.pem'))
    expect(message).toBe(
      "sslrootcert=/nonexistent/ca.pem names a file this runner does not have: give the CA as PEM text in 'ssl-root-cert' instead (a secret, or a file's content)."
    )
  })

  it('a verifying mode without a CA says how to give one', async () => {
    const { message } = await viaNode(settings(tlsPg, 'verify-full', 'no CA'))
    expect(message).toMatch(
      /^sslmode=verify-full verifies the certificate of 127\.0\.0\.1, but no CA was given to verify it with\. Give the CA that signed it in 'ssl-root-cert'.*sslrootcert=system.*sslmode=require to encrypt without verifying\.$/
    )
  })

  it('sslmode=disable against a TLS-only server says the server wants TLS', async () => {
    const { message } = await viaNode(settings(tlsPg, 'disable', 'no CA'))
    expect(message).toMatch(/accepts only TLS connections and sslmode=disable forbids TLS/)
  })

  it('sslmode=require against a server without TLS says so', async () => {
    const { message } = await viaNode(settings(stack.pg, 'require', 'no CA'))
    expect(message).toMatch(/the server does not offer TLS, and sslmode=require requires it/)
  })
})

describe('certificates that fail verification, named with the fix', () => {
  afterAll(() => tlsPg.useCertificate(certs.good.cert, certs.good.key))

  it('signed by an unknown CA', async () => {
    const s = settings(tlsPg, 'verify-full', 'ssl-root-cert input', otherCa.caPem)
    const { outcome, message } = await viaNode(s)
    expect(outcome).toBe('refused')
    expect(message).toBe(
      `Could not connect to 127.0.0.1:${tlsPg.port} ('database-url'): the certificate of 127.0.0.1 is signed by an unknown CA. Give the CA that signed it in 'ssl-root-cert' (PEM text: RDS's regional bundle, Supabase's project CA, your own CA), or use sslmode=require to encrypt without verifying.`
    )
    expect(viaPsql(tlsPg, s).outcome).toBe('refused')
  })

  it('for another name: verify-full refuses naming both, verify-ca accepts', async () => {
    tlsPg.useCertificate(certs.otherName.cert, certs.otherName.key)
    await new Promise(r => setTimeout(r, 300))
    const full = settings(tlsPg, 'verify-full', 'ssl-root-cert input')
    const { message } = await viaNode(full)
    expect(message).toMatch(
      /: the certificate is for db\.example\.com, replica\.example\.com, not 127\.0\.0\.1\. Connect by a name the certificate holds, or use sslmode=verify-ca/
    )
    expect(viaPsql(tlsPg, full).outcome).toBe('refused')
    const caOnly = settings(tlsPg, 'verify-ca', 'ssl-root-cert input')
    expect((await viaNode(caOnly)).outcome).toBe('tls')
    expect(viaPsql(tlsPg, caOnly).outcome).toBe('tls')
  })

  it('expired: refused with the date it expired; require still encrypts', async () => {
    tlsPg.useCertificate(certs.expired.cert, certs.expired.key)
    await new Promise(r => setTimeout(r, 300))
    const full = settings(tlsPg, 'verify-full', 'ssl-root-cert input')
    expect((await viaNode(full)).message).toMatch(
      /: the certificate of 127\.0\.0\.1 expired on 2020-01-02\. The server's certificate must be renewed; meanwhile sslmode=require encrypts without verifying\.$/
    )
    expect(viaPsql(tlsPg, full).outcome).toBe('refused')
    const encryptOnly = settings(tlsPg, 'require', 'no CA')
    expect((await viaNode(encryptOnly)).outcome).toBe('tls')
    expect(viaPsql(tlsPg, encryptOnly).outcome).toBe('tls')
  })
})

describe('every command that connects, over TLS', () => {
  const url = (db: string, query: string) => `${tlsPg.url(db, 'postgres', PASSWORD)}?${query}`
  const s3 = () => ({ destination: 's3', 's3-bucket': 'backups', 's3-endpoint': stack.s3.endpoint })
  const clean = (r: Awaited<ReturnType<typeof runAction>>) => {
    expect(r.annotations.filter(a => a.level === 'error')).toEqual([])
    expect(r.stdout + r.stderr).not.toMatch(/SECURITY WARNING/)
  }

  it('backup with sslmode=require, as RDS and Supabase are used: no CA needed, no warning', async () => {
    clean(await runAction({ 'database-url': url('shop', 'sslmode=require'), name: 'tls-require', ...s3() }, { env: stack.env }))
  })

  it('backup with no sslmode at all (prefer) against a TLS-only server', async () => {
    clean(await runAction({ 'database-url': tlsPg.url('shop', 'postgres', PASSWORD), name: 'tls-prefer', ...s3() }, { env: stack.env }))
  })

  it('backup with verify: restore into a scratch server reached with verify-full and the CA as input', async () => {
    const r = await runAction(
      {
        'database-url': url('shop', 'sslmode=verify-full'),
        'ssl-root-cert': ca.caPem,
        name: 'tls-verified',
        ...s3(),
        verify: 'restore',
        'scratch-database-url': url('postgres', 'sslmode=verify-full')
      },
      { env: stack.env }
    )
    clean(r)
    expect(r.outputs.verified).toBe('true')
  })

  it('restore and restore-test over verify-full', async () => {
    tlsPg.psql('postgres', ['-c', 'CREATE DATABASE tls_target'])
    const restore = await runAction(
      {
        command: 'restore',
        name: 'tls-verified',
        ...s3(),
        'ssl-root-cert': ca.caPem,
        'target-database-url': url('tls_target', 'sslmode=verify-full')
      },
      { env: stack.env }
    )
    clean(restore)
    const c = tlsPg.psql('tls_target', ['-At', '-c', 'SELECT count(*) FROM orders'])
    expect(c.trim()).toBe('500')
    const test = await runAction(
      {
        command: 'restore-test',
        name: 'tls-verified',
        ...s3(),
        'ssl-root-cert': ca.caPem,
        'scratch-database-url': url('postgres', 'sslmode=verify-full')
      },
      { env: stack.env }
    )
    clean(test)
    expect(test.outputs.verified).toBe('true')
  })

  it('verify-full with another CA is refused before pg_dump starts, naming the host and the fix; nothing stored', async () => {
    const before = await listKeys(stack.s3, 'pg-backups/tls-refused/')
    const r = await runAction(
      { 'database-url': url('shop', 'sslmode=verify-full'), 'ssl-root-cert': otherCa.caPem, name: 'tls-refused', ...s3() },
      { env: stack.env }
    )
    expect(r.code).toBe(1)
    expect(r.annotations.filter(a => a.level === 'error')).toEqual([
      expect.objectContaining({
        title: 'Backup failed',
        message: expect.stringMatching(
          /the certificate of 127\.0\.0\.1 is signed by an unknown CA\. Give the CA that signed it in 'ssl-root-cert'/
        )
      })
    ])
    expect(r.stdout).not.toMatch(/Choose pg_dump/)
    expect(await listKeys(stack.s3, 'pg-backups/tls-refused/')).toEqual(before)
  })

  it('inherited PGSSLMODE and PGSSLROOTCERT change nothing: both sides follow the URL', async () => {
    const r = await runAction(
      { 'database-url': url('shop', 'sslmode=require'), name: 'tls-inherited', ...s3() },
      { env: { ...stack.env, PGSSLMODE: 'disable', PGSSLROOTCERT: '/nonexistent.crt', PGHOST: 'nowhere.invalid' } }
    )
    clean(r)
    expect(r.stdout).toContain(
      'Ignoring the inherited PGSSLMODE, PGSSLROOTCERT, PGHOST: the URLs and inputs alone decide how every tool connects'
    )
    expect(JSON.parse(r.outputs.manifest).source.host).toBe('127.0.0.1')
  })
})
