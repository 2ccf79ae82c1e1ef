import { describe, expect, it } from '@jest/globals'
import { getWebhook, parseInputs } from '../../../src/config/inputs.js'
import { parseNeonPoint } from '../../../src/config/neon.js'
import { parseDatabaseUrl } from '../../../src/config/database-url.js'
import { secretForms } from '../../../src/config/secrets.js'
import { parseLockWaitTimeout } from '../../../src/config/fields.js'
import { InputError } from '../../../src/runtime/errors.js'
import type { BackupSettings } from '../../../src/config/settings.js'

const URL_OK = 'postgres://app:s3cr%40t%2Fx@db.internal:5433/shop'

function reader(inputs: Record<string, string>) {
  return (name: string): string => inputs[name] ?? ''
}

function parse(inputs: Record<string, string>, masked: string[] = []): BackupSettings {
  const s = parseInputs(reader({ 'database-url': URL_OK, ...inputs }), s => masked.push(s))
  if (s.command !== 'backup' || s.mode !== 'dump') throw new Error(`expected pg_dump backup settings, got ${s.command}`)
  return s
}

describe('parseInputs', () => {
  it('applies the documented defaults', () => {
    const s = parse({})
    expect(s).toMatchObject({
      command: 'backup',
      name: 'shop',
      format: 'custom',
      compression: { algorithm: 'zstd', level: undefined },
      jobs: 1,
      pgVersion: 'auto',
      lockWaitTimeout: '5min',
      verify: 'archive',
      destinations: { order: ['artifact'], s3: undefined, artifact: { retentionDays: undefined } }
    })
    expect(s.source).toMatchObject({
      provider: 'postgres',
      host: 'db.internal',
      port: 5433,
      database: 'shop',
      user: 'app',
      password: 's3cr@t/x'
    })
  })

  it('masks the URL, the password and its encodings before anything else', () => {
    const masked: string[] = []
    parse(
      {
        destination: 's3',
        's3-bucket': 'acme-backups',
        'aws-access-key-id': 'AKIAEXAMPLE',
        'aws-secret-access-key': 'wJalr/XUtnFEMI+K7MDENG'
      },
      masked
    )
    for (const secret of [
      URL_OK,
      's3cr@t/x',
      's3cr%40t%2Fx',
      Buffer.from('s3cr@t/x').toString('base64'),
      'wJalr/XUtnFEMI+K7MDENG',
      'AKIAEXAMPLE'
    ]) {
      expect(masked).toContain(secret)
    }
  })

  it('masks the URL even when the URL itself is invalid', () => {
    const masked: string[] = []
    expect(() => parseInputs(reader({ 'database-url': 'postgres://u:p@ss@/' }), s => masked.push(s))).toThrow(InputError)
    expect(masked).toContain('postgres://u:p@ss@/')
  })

  it('keeps the password out of the URI handed to pg_dump', () => {
    const s = parse({})
    expect(s.source.uri).toBe('postgres://app@db.internal:5433/shop')
    expect(s.source.uri).not.toContain('s3cr')
  })

  it.each([
    [{ command: 'explode' }, /Input 'command' must be one of backup, restore, restore-test, list, check/],
    [{ command: 'check', name: 'shop' }, /Input 'max-age' is required for command: check/],
    [{ 'keep-daily': '-1' }, /Input 'keep-daily' must be a whole number/],
    [{ 'keep-last': 'all' }, /Input 'keep-last' must be a whole number/],
    [{ 'keep-weekly': '1.5' }, /Input 'keep-weekly' must be a whole number/],
    [{ 'retention-dry-run': 'perhaps' }, /Input 'retention-dry-run' must be true or false/],
    [{ verify: 'restore' }, /Input 'scratch-database-url' is required for command: backup with verify: restore/],
    [{ verify: 'restore', 'scratch-database-url': 'http://x' }, /Input 'scratch-database-url' must start with postgres:\/\//],
    [{ 'verify-sql': 'SELECT true' }, /'verify-sql' runs on a restored copy/],
    [{ 'database-url': '' }, /Input 'database-url' is required/],
    [{ 'database-url': 'not a url' }, /Input 'database-url' is not a valid URL/],
    [{ 'database-url': 'mysql://u:p@h/db' }, /must start with postgres:\/\//],
    [{ 'database-url': 'postgres:///db' }, /has no host/],
    [{ 'database-url': 'postgres://u:%E0%A4%A@h/db' }, /invalid percent-encoding/],
    [{ provider: 'heroku' }, /Input 'provider' must be one of auto, postgres, neon, supabase, render/],
    [{ name: 'bad name!' }, /Input 'name' must be 1–100/],
    [{ name: 'x'.repeat(101) }, /Input 'name' must be 1–100/],
    [{ format: 'tar' }, /Input 'format' must be one of custom, plain, directory/],
    [{ compression: 'bzip2' }, /Input 'compression' must be one of zstd, gzip, none/],
    [{ compression: 'gzip', 'compression-level': '10' }, /Input 'compression-level' must be a whole number from 1 to 9/],
    [{ 'compression-level': '0' }, /Input 'compression-level' must be a whole number from 1 to 19/],
    [{ compression: 'none', 'compression-level': '3' }, /'compression-level' has no meaning/],
    [{ jobs: '-1' }, /Input 'jobs' must be a whole number/],
    [{ jobs: 'four' }, /Input 'jobs' must be a whole number/],
    [{ jobs: '4' }, /Input 'jobs' above 1 needs 'format: directory'/],
    [{ 'pg-dump-args': '--file=/tmp/x' }, /must not set '--file'/],
    [{ 'pg-dump-args': '-Fp' }, /must not set '-F'/],
    [{ 'pg-dump-args': '--snapshot=abc' }, /must not set '--snapshot'/],
    [{ 'pg-dump-args': 'DROP TABLE x' }, /takes options only/],
    [{ 'pg-version': 'latest' }, /Input 'pg-version' must be a whole number/],
    [{ 'lock-wait-timeout': 'soon' }, /Input 'lock-wait-timeout' must be a number/],
    [{ verify: 'maybe' }, /Input 'verify' must be one of archive, restore, none/],
    [{ destination: 'ftp' }, /Input 'destination' must be one of artifact, s3/],
    [{ destination: 's3,s3', 's3-bucket': 'b-1' }, /without repeats/],
    [{ destination: 's3' }, /Input 's3-bucket' is required/],
    [{ destination: 'file' }, /Input 'file-path' is required when 'destination' includes file/],
    [{ destination: 's3', 's3-bucket': 'Bad_Bucket' }, /Input 's3-bucket' must be a bucket name/],
    [{ destination: 's3', 's3-bucket': 'ok-bucket', 's3-endpoint': 'ftp://x' }, /Input 's3-endpoint' must be an http\(s\) URL/],
    [{ destination: 's3', 's3-bucket': 'ok-bucket', 's3-part-size': '4' }, /Input 's3-part-size' must be a whole number from 5 to 5120/],
    [{ destination: 's3', 's3-bucket': 'ok-bucket', 's3-part-size': 'big' }, /Input 's3-part-size'/],
    [{ destination: 's3', 's3-bucket': 'ok-bucket', 's3-sse': 'rot13' }, /Input 's3-sse' must be one of AES256, aws:kms, aws:kms:dsse/],
    [{ destination: 's3', 's3-bucket': 'ok-bucket', 's3-kms-key-id': 'k' }, /'s3-kms-key-id' needs 's3-sse: aws:kms'/],
    [{ destination: 's3', 's3-bucket': 'ok-bucket', 's3-storage-class': 'cheap please' }, /Input 's3-storage-class'/],
    [
      { destination: 's3', 's3-bucket': 'ok-bucket', 's3-force-path-style': 'perhaps' },
      /Input 's3-force-path-style' must be true or false/
    ],
    [{ destination: 's3', 's3-bucket': 'ok-bucket', 's3-object-lock-days': '-3' }, /Input 's3-object-lock-days'/],
    [{ destination: 's3', 's3-bucket': 'ok-bucket', 'aws-access-key-id': 'AKIA' }, /must be given together/],
    [{ 'artifact-retention-days': '0' }, /Input 'artifact-retention-days' must be a whole number from 1 to 400/]
  ])('rejects %j naming the input', (inputs, message) => {
    const run = () => parse(inputs as Record<string, string>)
    expect(run).toThrow(InputError)
    expect(run).toThrow(message)
  })

  it.each([
    [
      {
        'age-recipients': 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p',
        'gpg-public-key': '-----BEGIN PGP PUBLIC KEY BLOCK-----\nx\n-----END PGP PUBLIC KEY BLOCK-----'
      },
      "Inputs 'age-recipients' and 'gpg-public-key' cannot be combined"
    ],
    [{ 'age-passphrase': 'a', 'gpg-passphrase': 'b' }, "Inputs 'age-passphrase' and 'gpg-passphrase' cannot be combined"],
    [
      {
        'age-passphrase': 'a',
        'gpg-passphrase': 'b',
        'gpg-public-key': '-----BEGIN PGP PUBLIC KEY BLOCK-----\nx\n-----END PGP PUBLIC KEY BLOCK-----'
      },
      "Inputs 'age-passphrase', 'gpg-public-key' and 'gpg-passphrase' cannot be combined"
    ]
  ])('a refusal names the inputs actually given: %j', (inputs, message) => {
    expect(() => parse({ verify: 'none', ...inputs })).toThrow(message)
  })

  it('never quotes the URL or password in an error', () => {
    for (const url of ['postgres://u:hunter2@/db', 'mysql://u:hunter2@h/db', 'postgres://u:hunter2%ZZ@h/db']) {
      try {
        parseInputs(reader({ 'database-url': url }), () => undefined)
        throw new Error('expected a failure')
      } catch (e) {
        expect((e as Error).message).not.toContain('hunter2')
      }
    }
  })

  it('reads S3 settings, defaulting path style on for custom endpoints', () => {
    const s = parse({
      destination: 'artifact,s3',
      's3-bucket': 'acme-backups',
      's3-prefix': 'db',
      's3-endpoint': 'http://127.0.0.1:9000',
      's3-part-size': '16'
    })
    expect(s.destinations.order).toEqual(['artifact', 's3'])
    expect(s.destinations.s3).toMatchObject({
      bucket: 'acme-backups',
      prefix: 'db/',
      forcePathStyle: true,
      partSizeMiB: 16,
      credentials: undefined
    })
    expect(parse({ destination: 's3', 's3-bucket': 'acme-backups' }).destinations.s3).toMatchObject({
      prefix: 'pg-backups/',
      forcePathStyle: false
    })
  })
})

describe('commands other than backup', () => {
  const only = (inputs: Record<string, string>) => parseInputs(reader(inputs), () => undefined)
  it.each([
    [{ command: 'restore', name: 'shop' }, /Input 'target-database-url' is required for command: restore/],
    [{ command: 'restore', 'target-database-url': URL_OK }, /Input 'name' is required to find the latest backup/],
    [
      { command: 'restore', name: 'shop', 'target-database-url': URL_OK, 'safety-backup': 'maybe' },
      /Input 'safety-backup' must be true or false/
    ],
    [{ command: 'restore', name: 'shop', 'target-database-url': URL_OK, 'dry-run': 'sometimes' }, /Input 'dry-run' must be true or false/],
    [{ command: 'restore', name: 'shop', 'target-database-url': URL_OK, backup: '../../etc/passwd' }, /Input 'backup' must be latest/],
    [{ command: 'restore-test', name: 'shop' }, /Input 'scratch-database-url' is required for command: restore-test/],
    [
      { command: 'restore-test', name: 'shop', 'scratch-database-url': URL_OK, 'max-age': '3 days' },
      /Input 'max-age' must be a number with m, h, d or w/
    ],
    [{ command: 'restore-test', name: 'shop', 'scratch-database-url': URL_OK, 'max-age': '0h' }, /Input 'max-age'/],
    [{ command: 'list', 'artifact-run-id': '123' }, /'artifact-run-id' needs 'github-token'/],
    [{ command: 'list', 'artifact-run-id': 'abc', 'github-token': 't' }, /Input 'artifact-run-id' must be a whole number/]
  ])('rejects %j', (inputs, message) => {
    expect(() => only(inputs)).toThrow(InputError)
    expect(() => only(inputs)).toThrow(message)
  })

  it('restore: takes the name from a key or artifact name, and safe defaults', () => {
    const s = only({
      command: 'restore',
      'target-database-url': URL_OK,
      backup: 'pg-backups/shop/shop-20261122T031700Z.dump.zst',
      destination: 's3',
      's3-bucket': 'acme-backups'
    })
    expect(s).toMatchObject({
      command: 'restore',
      name: 'shop',
      backup: { kind: 'key', key: 'pg-backups/shop/shop-20261122T031700Z.dump.zst' },
      safetyBackup: true,
      dryRun: false,
      confirm: undefined
    })
    expect(only({ command: 'restore', 'target-database-url': URL_OK, backup: 'shop-20261122T031700Z.sql.gz' })).toMatchObject({
      name: 'shop',
      backup: { kind: 'artifact', name: 'shop-20261122T031700Z.sql.gz' }
    })
  })

  it('restore-test: max-age in seconds and verify-sql one query per line', () => {
    const s = only({
      command: 'restore-test',
      name: 'shop',
      'scratch-database-url': 'postgres://postgres:pw@localhost/postgres',
      'max-age': '26h',
      'verify-sql': 'SELECT count(*) > 0 FROM invoice\n\nSELECT true'
    })
    expect(s).toMatchObject({
      command: 'restore-test',
      maxAgeSeconds: 93600,
      backup: { kind: 'latest' },
      scratch: { verifySql: ['SELECT count(*) > 0 FROM invoice', 'SELECT true'] }
    })
  })

  it('masks the target and scratch passwords too', () => {
    const masked: string[] = []
    parseInputs(reader({ command: 'restore', name: 'shop', 'target-database-url': 'postgres://u:tgt-secret@h/db' }), m => masked.push(m))
    expect(masked).toContain('tgt-secret')
  })
})

describe('parseDatabaseUrl', () => {
  it.each([
    ['postgres://u:p@ep-cool-1.us-east-2.aws.neon.tech/neondb', 'auto', 'neon', 'require'],
    ['postgres://u:p@db.abc.supabase.co:5432/postgres', 'auto', 'supabase', 'require'],
    ['postgres://postgres.abcref:p@aws-0-eu.pooler.supabase.com:5432/postgres', 'auto', 'supabase', 'require'],
    ['postgres://u:p@dpg-1.oregon-postgres.render.com/app', 'auto', 'render', 'require'],
    ['postgres://u:p@ep-1.neon.tech/db?sslmode=verify-full', 'auto', 'neon', 'verify-full'],
    ['postgres://u:p@localhost:5432/app', 'auto', 'postgres', 'prefer'],
    ['postgres://u:p@localhost:5432/app?sslmode=disable', 'auto', 'postgres', 'disable'],
    ['postgres://u:p@10.0.0.5/app', 'neon', 'neon', 'prefer']
  ])('%s (%s) → %s with sslmode %s, which libpq gets from its environment, not the URI', (url, provider, expected, mode) => {
    const s = parseDatabaseUrl(url, provider)
    expect(s.provider).toBe(expected)
    expect(s.ssl.mode).toBe(mode)
    expect(s.uri).not.toContain('sslmode')
  })

  it.each([
    ['postgres://postgres.abcref:p@aws-0-eu-central-1.pooler.supabase.com:6543/postgres', 'auto', 'user postgres.abcref'],
    ['postgres://postgres:p@10.1.2.3:6543/postgres', 'supabase', 'user postgres.<project-ref>']
  ])("refuses Supabase's transaction pooler (%s, provider %s), naming the session pooler with %s", (url, provider, user) => {
    expect(() => parseDatabaseUrl(url, provider)).toThrow(InputError)
    expect(() => parseDatabaseUrl(url, provider)).toThrow(
      new RegExp(`port 6543, Supabase's transaction pooler.*same host on port 5432, ${user.replace(/[.<>]/g, '\\$&')}`)
    )
  })

  it.each(['auto', 'render'])("refuses Render's internal hostname (provider %s), naming the External Database URL", provider => {
    expect(() => parseDatabaseUrl('postgres://app:p@dpg-cq1abc2j1k9s73d0e7a0-a/app_db', provider)).toThrow(
      /names dpg-cq1abc2j1k9s73d0e7a0-a, Render's internal hostname, .*External Database URL/
    )
    expect(parseDatabaseUrl('postgres://app:p@dpg-cq1abc2j1k9s73d0e7a0-a.oregon-postgres.render.com/app_db', 'auto').provider).toBe(
      'render'
    )
  })

  it('takes a port 6543 of another provider as it is', () => {
    expect(parseDatabaseUrl('postgres://u:p@db.example.com:6543/app', 'auto').port).toBe(6543)
  })

  it('takes sslrootcert, sslcert, sslkey and sslpassword from the URL, and keeps every secret out of the URI', () => {
    const s = parseDatabaseUrl(
      'postgres://u@db.example.com/app?sslmode=verify-full&sslrootcert=/ca.pem&sslcert=/c.pem&sslkey=/k.pem&sslpassword=kp%40ss&password=pw%2Fx&application_name=x',
      'auto'
    )
    expect(s.ssl).toEqual({
      mode: 'verify-full',
      rootCert: '/ca.pem',
      rootCertPem: undefined,
      cert: '/c.pem',
      key: '/k.pem',
      keyPassword: 'kp@ss'
    })
    expect(s.password).toBe('pw/x')
    expect(s.uri).toBe('postgres://u@db.example.com/app?application_name=x')
  })

  it('sslrootcert=system means verify-full, as in libpq 16, and refuses a weaker sslmode', () => {
    expect(parseDatabaseUrl('postgres://u@db.example.com/d?sslrootcert=system', 'auto').ssl.mode).toBe('verify-full')
    expect(() => parseDatabaseUrl('postgres://u@db.example.com/d?sslrootcert=system&sslmode=require', 'auto')).toThrow(
      /sslrootcert=system with sslmode=require: .*only with sslmode=verify-full/
    )
  })

  it('refuses an sslmode libpq does not know, naming the input', () => {
    expect(() => parseDatabaseUrl('postgres://u@h/d?sslmode=required', 'auto', 'scratch-database-url')).toThrow(
      "Input 'scratch-database-url' has sslmode=required; it must be one of disable, allow, prefer, require, verify-ca, verify-full."
    )
  })

  it('a ?password= is masked like the userinfo one', () => {
    const masked: string[] = []
    parseInputs(reader({ 'database-url': 'postgres://u@h/d?password=qp-secret' }), m => masked.push(m))
    expect(masked).toContain('qp-secret')
  })

  it('ssl-root-cert takes PEM text and applies to every server; with a URL that names its own CA it is refused', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----'
    const s = parse({ 'ssl-root-cert': `intro text\n${pem}\n`, verify: 'restore', 'scratch-database-url': 'postgres://u@scratch/db' })
    expect(s.source.ssl.rootCertPem).toBe(`${pem}\n`)
    expect(s.scratch?.server.ssl.rootCertPem).toBe(`${pem}\n`)
    expect(() => parse({ 'ssl-root-cert': 'not a certificate' })).toThrow(/Input 'ssl-root-cert' must be PEM text/)
    expect(() => parse({ 'ssl-root-cert': pem, 'database-url': 'postgres://u@h/d?sslrootcert=/x.pem' })).toThrow(
      /sets sslrootcert and input 'ssl-root-cert' is given too/
    )
  })
})

describe('provider: neon', () => {
  const only = (inputs: Record<string, string>, masked: string[] = []) => parseInputs(reader(inputs), m => masked.push(m))
  const api = { 'neon-api-key': 'napi_k3y', 'neon-project-id': 'floral-king-961888' }

  it.each([
    ['ep-cool-1-pooler.us-east-2.aws.neon.tech', 'ep-cool-1.us-east-2.aws.neon.tech'],
    ['ep-cool-1.us-east-2.aws.neon.tech', 'ep-cool-1.us-east-2.aws.neon.tech'],
    ['db-pooler.internal', 'db-pooler.internal']
  ])('dumps from the unpooled host: %s → %s', (host, expected) => {
    const s = parseDatabaseUrl(`postgres://u:p@${host}/neondb`, host.includes('neon') ? 'auto' : 'neon')
    expect(s.host).toBe(expected)
    expect(new URL(s.uri).hostname).toBe(expected)
  })

  it('branch mode needs no database-url and masks the API key first', () => {
    const masked: string[] = []
    const s = only({ ...api, 'neon-mode': 'branch', 'neon-branch': 'production', 'keep-last': '7' }, masked)
    expect(s).toMatchObject({
      command: 'backup',
      mode: 'neon',
      neonMode: 'branch',
      name: undefined,
      source: undefined,
      verify: 'archive',
      dump: undefined
    })
    if (s.command !== 'backup' || s.mode !== 'neon') throw new Error('expected Neon settings')
    expect(s.neon).toEqual({
      apiUrl: 'https://console.neon.tech/api/v2',
      apiKey: 'napi_k3y',
      projectId: 'floral-king-961888',
      branch: 'production',
      pointInTime: undefined,
      database: undefined,
      role: undefined
    })
    expect(masked).toContain('napi_k3y')
  })

  it("the name defaults to neon-database, then database-url's database", () => {
    expect(only({ ...api, 'neon-mode': 'snapshot', 'neon-database': 'shop' })).toMatchObject({ name: 'shop' })
    expect(
      only({ ...api, 'neon-mode': 'snapshot', 'database-url': 'postgres://alex:pw@ep-a-pooler.eu-central-1.aws.neon.tech/orders' })
    ).toMatchObject({ name: 'orders', source: { host: 'ep-a.eu-central-1.aws.neon.tech', user: 'alex' } })
  })

  it('dump with an API key reads a temporary branch; without one it is the plain pg_dump path', () => {
    const viaApi = only({
      ...api,
      'neon-mode': 'dump',
      destination: 's3',
      's3-bucket': 'acme-backups',
      'neon-point-in-time': '2026-11-30T04:00:00+01:00'
    })
    expect(viaApi).toMatchObject({
      mode: 'neon',
      neonMode: 'dump',
      neon: { pointInTime: { kind: 'timestamp', value: '2026-11-30T03:00:00Z' } },
      dump: { mode: 'dump', format: 'custom', destinations: { order: ['s3'] } }
    })
    expect(only({ 'database-url': 'postgres://u:p@ep-a.us-east-2.aws.neon.tech/neondb' })).toMatchObject({
      mode: 'dump',
      source: { provider: 'neon' }
    })
  })

  it('restore with provider: neon needs no target-database-url', () => {
    expect(only({ ...api, command: 'restore', backup: 'shop-20261130T030000Z', confirm: 'main' })).toMatchObject({
      command: 'restore',
      mode: 'neon',
      backup: 'shop-20261130T030000Z',
      confirm: 'main',
      dryRun: false
    })
    expect(only({ ...api, command: 'restore', 'neon-point-in-time': '0/1de2850' })).toMatchObject({
      mode: 'neon',
      backup: 'latest',
      neon: { pointInTime: { kind: 'lsn', value: '0/1DE2850' } }
    })
  })

  it.each([
    [{ 'neon-mode': 'branch' }, /Input 'neon-api-key' is required for provider: neon with neon-mode: branch/],
    [{ 'neon-mode': 'branch', 'neon-api-key': 'k' }, /Input 'neon-project-id' is required/],
    [{ ...api, 'neon-mode': 'fork' }, /Input 'neon-mode' must be one of dump, branch, snapshot; got 'fork'/],
    [
      { ...api, provider: 'postgres', 'database-url': URL_OK, 'neon-mode': 'branch' },
      /Input 'neon-mode' needs 'provider: neon'; got provider postgres/
    ],
    [{ ...api, 'neon-project-id': 'Not_A_Project' }, /Input 'neon-project-id' must be a Neon project id/],
    [{ ...api, 'neon-mode': 'branch', 'neon-api-url': 'ftp://neon' }, /Input 'neon-api-url' must be an http\(s\) URL/],
    [{ ...api, 'neon-mode': 'branch', 'neon-point-in-time': 'yesterday' }, /Input 'neon-point-in-time' must be an ISO 8601 time/],
    [
      { ...api, 'neon-mode': 'branch', 'neon-point-in-time': '2026-11-30T03:00:00' },
      /Input 'neon-point-in-time' must be an ISO 8601 time with a zone/
    ],
    [
      { ...api, 'neon-mode': 'branch', verify: 'restore', 'neon-point-in-time': '2026-11-30T03:00:00Z' },
      /cannot be read at a past 'neon-point-in-time'/
    ],
    [
      { ...api, 'neon-mode': 'snapshot', 'verify-sql': 'SELECT true' },
      /Input 'verify-sql' runs on the backup's data: it needs 'verify: restore'/
    ],
    [{ ...api, 'neon-mode': 'branch', 'age-passphrase': 'x' }, /Input 'age-passphrase' has no meaning for neon-mode: branch/],
    [{ ...api, 'neon-mode': 'branch', name: 'bad name' }, /Input 'name' must be 1–100/],
    [
      { 'database-url': URL_OK, 'neon-point-in-time': '2026-11-30T03:00:00Z' },
      /Input 'neon-point-in-time' needs 'provider: neon' with 'neon-api-key'/
    ],
    [
      { ...api, command: 'restore', backup: 'shop-20261130T030000Z', 'neon-point-in-time': '2026-11-30T03:00:00Z' },
      /name two different sources/
    ]
  ])('rejects %j naming the input', (inputs, message) => {
    expect(() => only(inputs as Record<string, string>)).toThrow(InputError)
    expect(() => only(inputs as Record<string, string>)).toThrow(message)
  })

  it('a point in time in the future is refused', () => {
    expect(() => parseNeonPoint('2026-12-01T03:00:01Z', new Date('2026-12-01T03:00:00Z'))).toThrow(/in the future/)
    expect(parseNeonPoint('2026-12-01T02:59:59.5Z', new Date('2026-12-01T03:00:00Z'))).toEqual({
      kind: 'timestamp',
      value: '2026-12-01T02:59:59Z'
    })
  })
})

describe('parseLockWaitTimeout', () => {
  it.each([
    ['', '5min'],
    ['30s', '30s'],
    ['5m', '5min'],
    ['2h', '2h'],
    ['1500', '1500ms']
  ])('%s → %s', (v, out) => expect(parseLockWaitTimeout(v)).toBe(out))
})

describe('secretForms', () => {
  it('covers raw, percent-encoded and base64 forms', () => {
    expect(secretForms('a b/c')).toEqual(['a b/c', 'a%20b%2Fc', Buffer.from('a b/c').toString('base64')])
    expect(secretForms('')).toEqual([])
  })
})

describe('destination: file', () => {
  it('resolves a relative file-path against GITHUB_WORKSPACE and keeps an absolute one', () => {
    const before = process.env.GITHUB_WORKSPACE
    process.env.GITHUB_WORKSPACE = '/home/runner/work/shop/shop'
    try {
      expect(parse({ destination: 'file,s3', 'file-path': 'backups', 's3-bucket': 'ok-bucket' }).destinations).toMatchObject({
        order: ['file', 's3'],
        file: { root: '/home/runner/work/shop/shop/backups' }
      })
      expect(parse({ destination: 'file', 'file-path': '/mnt/nas/pg/' }).destinations.file).toEqual({ root: '/mnt/nas/pg' })
    } finally {
      if (before === undefined) delete process.env.GITHUB_WORKSPACE
      else process.env.GITHUB_WORKSPACE = before
    }
  })

  it('takes a backup starting with / as a path, and the name from its file', () => {
    const s = parseInputs(
      reader({
        command: 'restore',
        destination: 'file',
        'file-path': '/mnt/nas/pg',
        backup: '/mnt/nas/pg/shop/shop-20261122T031700Z.dump.zst',
        'target-database-url': URL_OK
      }),
      () => undefined
    )
    expect(s).toMatchObject({
      command: 'restore',
      name: 'shop',
      backup: { kind: 'path', path: '/mnt/nas/pg/shop/shop-20261122T031700Z.dump.zst' }
    })
  })
})

describe('format: supabase', () => {
  const supabase = 'postgres://postgres.abcref:p@aws-0-eu-central-1.pooler.supabase.com:5432/postgres'
  it("is the default for Supabase's hosts and for provider: supabase", () => {
    expect(parse({ 'database-url': supabase }).format).toBe('supabase')
    expect(parse({ provider: 'supabase' }).format).toBe('supabase')
    expect(parse({ 'database-url': supabase, format: 'custom' }).format).toBe('custom')
    expect(parse({}).format).toBe('custom')
  })

  it('needs provider supabase', () => {
    expect(() => parse({ format: 'supabase' })).toThrow(/Input 'format: supabase' .* needs 'provider: supabase' .*got provider postgres/)
  })
})

describe('roles: true', () => {
  it('names the roles backup after the name when one is given, else after the host', () => {
    expect(parse({ roles: 'true', name: 'shop' }).roles).toEqual({ name: 'shop-roles' })
    expect(parse({ roles: 'true' }).roles).toEqual({ name: 'db.internal-roles' })
    expect(parse({}).roles).toBeUndefined()
  })
})

describe('databases', () => {
  it('takes all, or names separated by commas or new lines, and the name as their prefix', () => {
    expect(parse({ databases: 'all' }).databases).toEqual({ list: 'all', prefix: undefined })
    expect(parse({ databases: 'shop, crm\nwiki', name: 'acme' }).databases).toEqual({ list: ['shop', 'crm', 'wiki'], prefix: 'acme' })
    expect(parse({}).databases).toBeUndefined()
  })

  it('refuses a name twice and a list of nothing', () => {
    expect(() => parse({ databases: 'shop,shop' })).toThrow(/Input 'databases' names shop twice/)
    expect(() => parse({ databases: ' , ' })).toThrow(/Input 'databases' must be all, or database names/)
  })
})

describe("Render's export (render-api-key)", () => {
  const render = { 'render-api-key': 'rnd_k3yk3yk3yk3y', 'render-postgres-id': 'dpg-cn8ps4qcn0vc73e9lr40-a' }
  const parseRender = (inputs: Record<string, string>, masked: string[] = []) =>
    parseInputs(reader({ ...render, ...inputs }), s => masked.push(s))

  it('needs no database-url, is named after the postgres id, stores gzip as delivered, and masks the key first', () => {
    const masked: string[] = []
    const s = parseRender({ 'render-api-url': 'https://api.render.com/v1' }, masked)
    expect(s).toMatchObject({
      command: 'backup',
      mode: 'render',
      name: 'dpg-cn8ps4qcn0vc73e9lr40-a',
      format: 'directory',
      compression: { algorithm: 'gzip', level: undefined },
      compressionGiven: false,
      render: { apiUrl: 'https://api.render.com/v1', apiKey: 'rnd_k3yk3yk3yk3y', postgresId: 'dpg-cn8ps4qcn0vc73e9lr40-a' },
      verify: 'archive'
    })
    expect(masked).toContain('rnd_k3yk3yk3yk3y')
  })

  it('says compression was given (it does not apply), and takes name, encryption and retention like any backup', () => {
    const s = parseRender({ compression: 'zstd', name: 'shop', 'age-passphrase': 'correct horse', 'keep-last': '7', verify: 'none' })
    expect(s).toMatchObject({ compressionGiven: true, name: 'shop', encryption: { kind: 'age' }, retention: { policy: { keepLast: 7 } } })
  })

  it("ignores action.yml's defaults of pg_dump options (jobs 1, roles false, lock-wait-timeout)", () => {
    expect(parseRender({ jobs: '1', roles: 'false', 'lock-wait-timeout': '5m', format: 'directory' })).toMatchObject({ mode: 'render' })
  })

  it.each([
    [{ 'database-url': URL_OK }, /'database-url' and 'render-api-key' are two ways.*not both/],
    [{ 'render-api-key': '' }, /Input 'render-api-key' is required/],
    [{ 'render-postgres-id': '' }, /Input 'render-postgres-id' is required/],
    [{ 'render-postgres-id': 'my-db' }, /'render-postgres-id' must be a Render Postgres id such as dpg-/],
    [{ 'render-api-url': 'ftp://x' }, /'render-api-url' must be an http\(s\) URL/],
    [{ format: 'custom' }, /'format: custom' does not apply to Render's export/],
    [{ jobs: '4' }, /Input 'jobs' is a pg_dump option/],
    [{ 'pg-dump-args': '--no-owner' }, /Input 'pg-dump-args' is a pg_dump option/],
    [{ databases: 'all' }, /Input 'databases' is a pg_dump option/],
    [{ roles: 'true' }, /Input 'roles' is a pg_dump option/],
    [{ provider: 'neon' }, /need 'provider: render'/]
  ])('%j is an Invalid input', (inputs, message) => {
    expect(() => parseRender(inputs)).toThrow(InputError)
    expect(() => parseRender(inputs)).toThrow(message)
  })
})

describe('webhook-url', () => {
  it('is masked before anything else and read on its own, so an Invalid input still notifies', () => {
    const masked: string[] = []
    const url = 'https://hooks.slack.com/services/T000/B000/XXXXXXXX'
    expect(getWebhook(reader({ 'webhook-url': url, command: 'check' }), s => masked.push(s))).toEqual({ url, command: 'check' })
    expect(masked).toContain(url)
    expect(getWebhook(reader({}))).toBeUndefined()
    expect(getWebhook(reader({ 'webhook-url': 'not a url' }), () => undefined)).toBeUndefined()
  })

  it('refuses a URL that is not http(s)', () => {
    expect(() => parse({ 'webhook-url': 'ftp://example.com/x' })).toThrow(/Input 'webhook-url' must be an http\(s\) URL/)
  })
})

describe('row-counts', () => {
  it('defaults to archive in every format; source adds count(*), none counts nothing', () => {
    expect(parse({}).rowCounts).toBe('archive')
    for (const format of ['custom', 'plain', 'directory']) expect(parse({ format }).rowCounts).toBe('archive')
    expect(parse({ 'pg-dump-args': '--column-inserts' }).rowCounts).toBe('archive')
    expect(parse({ 'row-counts': 'source' }).rowCounts).toBe('source')
    expect(parse({ 'row-counts': 'none', format: 'plain' }).rowCounts).toBe('none')
  })

  it('refuses a value it does not know', () => {
    expect(() => parse({ 'row-counts': 'exact' })).toThrow(/Input 'row-counts'/)
  })
})
