import { describe, expect, it } from '@jest/globals'
import { buildPgDumpArgs, dataFilter, patternToRegExp, pgDumpEnv } from '../../../src/postgres/pg-dump-args.js'
import { chooseClientMajor, serverMajor, versionMismatch } from '../../../src/postgres/client.js'
import { Titles } from '../../../src/runtime/errors.js'
import type { DumpArgsOptions } from '../../../src/postgres/pg-dump-args.js'
import type { Format, SourceSettings, SslSettings } from '../../../src/config/settings.js'
import { toolEnv } from '../../../src/runtime/process.js'
import * as fs from 'node:fs'

const base = {
  uri: 'postgres://app@db:5432/shop',
  snapshot: '00000003-0000001B-1',
  lockWaitTimeout: '5min',
  jobs: 1,
  directory: undefined,
  extraArgs: []
}

describe('buildPgDumpArgs', () => {
  it.each([
    [
      'custom',
      {},
      [
        '--format=c',
        '--no-password',
        '--lock-wait-timeout=5min',
        '--compress=0',
        '--snapshot=00000003-0000001B-1',
        '--dbname=postgres://app@db:5432/shop'
      ]
    ],
    [
      'plain',
      {},
      ['--format=p', '--no-password', '--lock-wait-timeout=5min', '--snapshot=00000003-0000001B-1', '--dbname=postgres://app@db:5432/shop']
    ],
    [
      'directory',
      { directory: '/t/dump', jobs: 4 },
      [
        '--format=d',
        '--no-password',
        '--lock-wait-timeout=5min',
        '--compress=0',
        '--snapshot=00000003-0000001B-1',
        '--file=/t/dump',
        '--jobs=4',
        '--dbname=postgres://app@db:5432/shop'
      ]
    ],
    [
      'custom',
      { snapshot: undefined, extraArgs: ['--exclude-table-data=audit'] },
      [
        '--format=c',
        '--no-password',
        '--lock-wait-timeout=5min',
        '--compress=0',
        '--exclude-table-data=audit',
        '--dbname=postgres://app@db:5432/shop'
      ]
    ]
  ] as [Format, Partial<DumpArgsOptions>, string[]][])('%s %j', (format, extra, expected) => {
    expect(buildPgDumpArgs({ ...base, format, ...extra })).toEqual(expected)
  })

  it('refuses a directory dump without a directory', () => {
    expect(() => buildPgDumpArgs({ ...base, format: 'directory' })).toThrow(/directory/)
  })
})

describe('pgDumpEnv', () => {
  const source = (ssl: Partial<SslSettings> = {}): SourceSettings => ({
    provider: 'postgres',
    host: 'h',
    port: 5432,
    database: 'd',
    user: 'u',
    password: 'pa ss',
    uri: 'postgres://u@h/d',
    input: 'database-url',
    ssl: { mode: 'prefer', rootCert: undefined, rootCertPem: undefined, cert: undefined, key: undefined, keyPassword: undefined, ...ssl }
  })

  it('passes the password by PGPASSWORD, the sslmode by PGSSLMODE, and lifts statement_timeout', () => {
    expect(pgDumpEnv(source())).toEqual({
      PGPASSWORD: 'pa ss',
      PGSSLMODE: 'prefer',
      PGAPPNAME: 'pg-backup-action pg_dump',
      PGOPTIONS: '-c statement_timeout=0'
    })
  })

  it('gives the tool an allowlisted environment: no INPUT_*, no keys, no inherited PG*', () => {
    const env = toolEnv(pgDumpEnv(source()), {
      PATH: '/bin',
      HOME: '/root',
      LC_ALL: 'C',
      INPUT_DATABASE_URL: 'postgres://u:pw@h/d',
      AWS_SECRET_ACCESS_KEY: 'k',
      PGPASSFILE: '/x',
      PGSSLMODE: 'disable',
      ACTIONS_RUNTIME_TOKEN: 't'
    })
    expect(Object.keys(env).sort()).toEqual(['HOME', 'LC_ALL', 'PATH', 'PGAPPNAME', 'PGOPTIONS', 'PGPASSWORD', 'PGSSLMODE'])
    expect(env.PGSSLMODE).toBe('prefer')
  })

  it('sslpassword travels in a 0600 service file, never in the environment or argv', () => {
    const env = pgDumpEnv(source({ keyPassword: 'key pass' }))
    expect(Object.values(env).join(' ')).not.toContain('key pass')
    expect(env.PGSERVICE).toBe('pg-backup-action')
    expect(fs.readFileSync(env.PGSERVICEFILE!, 'utf8')).toBe('[pg-backup-action]\nsslpassword=key pass\n')
    expect(fs.statSync(env.PGSERVICEFILE!).mode & 0o777).toBe(0o600)
  })
})

describe('chooseClientMajor', () => {
  it.each([
    [[14, 15, 16], 15, 'auto', 15],
    [[14, 16, 17], 15, 'auto', 16],
    [[17, 16], 13, 'auto', 16],
    [[15], 16, 'auto', undefined],
    [[], 15, 'auto', undefined],
    [[15, 17], 15, 17, 17],
    [[15, 17], 15, 16, undefined],
    [[15, 17], 17, 15, undefined]
  ] as [number[], number, 'auto' | number, number | undefined][])(
    'installed %j, server %i, pinned %s → %s',
    (installed, server, pinned, expected) => {
      expect(chooseClientMajor(installed, server, pinned)).toBe(expected)
    }
  )
})

describe('serverMajor', () => {
  it.each([
    [150004, 15],
    [180001, 18],
    [100023, 10],
    [90624, 9]
  ])('%i → %i', (n, major) => expect(serverMajor(n)).toBe(major))
})

describe('versionMismatch', () => {
  it('quotes both versions and the fix', () => {
    const e = versionMismatch('18.1', 18, [14, 15], 'auto')
    expect(e.title).toBe(Titles.version)
    expect(e.message).toMatch(/PostgreSQL 18\.1/)
    expect(e.message).toMatch(/pg_dump 14, pg_dump 15/)
    expect(e.message).toMatch(/postgresql-client-18/)
    expect(e.message).toMatch(/pg-version/)
  })
  it('names a pinned version older than the server', () => {
    expect(versionMismatch('16.2', 16, [15, 16], 15).message).toMatch(/'pg-version: 15' is older than the server/)
  })
})

describe('patternToRegExp', () => {
  it.each([
    ['audit', undefined, 'audit', ['audit'], ['Audit', 'audits']],
    ['public.log_*', 'public', 'log_*', ['log_2024', 'log_'], ['xlog_1']],
    ['"MixedCase"', undefined, '"MixedCase"', ['MixedCase'], ['mixedcase']],
    ['Sales.Orders', 'sales', 'orders', ['orders'], ['Orders']],
    ['a?c', undefined, 'a?c', ['abc'], ['ac', 'abbc']],
    ['"we.ird"', undefined, '"we.ird"', ['we.ird'], ['weXird']]
  ])('%s', (pattern, schema, _n, yes, no) => {
    const r = patternToRegExp(pattern)
    if (schema) expect(r.schema?.test(schema)).toBe(true)
    else expect(r.schema).toBeUndefined()
    for (const y of yes) expect(r.name.test(y)).toBe(true)
    for (const n of no) expect(r.name.test(n)).toBe(false)
  })
})

describe('dataFilter', () => {
  it.each([
    [[], 'public', 'invoice', true],
    [['--exclude-table-data=audit_*'], 'public', 'audit_log', false],
    [['--exclude-table-data=audit_*'], 'public', 'invoice', true],
    [['--exclude-table-data', 'public.big'], 'public', 'big', false],
    [['--exclude-table-data', 'public.big'], 'other', 'big', true],
    [['-Tsecret'], 'public', 'secret', false],
    [['--schema-only'], 'public', 'invoice', false],
    [['-t', 'invoice'], 'public', 'invoice', true],
    [['-t', 'invoice'], 'public', 'track', false],
    [['-n', 'sales'], 'public', 'track', false],
    [['-n', 'sales'], 'sales', 'track', true],
    [['--exclude-schema=tmp*'], 'tmp_x', 'a', false]
  ])('%j: %s.%s dumped=%s', (args, schema, name, expected) => {
    expect(dataFilter(args)(schema, name)).toBe(expected)
  })
})
