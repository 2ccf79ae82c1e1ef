import { describe, expect, it } from '@jest/globals'
import { entryState, freshness, pickLatest, recordedState, stateOfVerification, type BackupState } from '../../../src/storage/states.js'
import { createLikeSql } from '../../../src/postgres/locale.js'

const e = (iso: string, state: BackupState) => ({ id: `${iso} ${state}`, createdAt: new Date(iso), state })
const ids = (x: { id: string } | undefined) => x?.id

describe('the state a manifest records', () => {
  it.each([
    [{ level: 'none', passed: false }, 'unverified'],
    [{ level: 'archive', passed: true }, 'verified'],
    [{ level: 'restore', passed: true }, 'verified'],
    [{ level: 'archive', passed: false }, 'failed'],
    [{ level: 'restore', passed: false }, 'failed']
  ])('verification %j → %s', (v, state) => expect(stateOfVerification(v)).toBe(state))

  it('reads a manifest written before states existed from its verification', () => {
    expect(recordedState({ verification: { level: 'restore', passed: false } })).toBe('failed')
    expect(recordedState({ verification: { level: 'archive', passed: true } })).toBe('verified')
    expect(recordedState({ verification: { level: 'none', passed: false } })).toBe('unverified')
  })

  it('takes the state field when there is one, and ignores one it does not know', () => {
    expect(recordedState({ state: 'failed', verification: { level: 'archive', passed: true } })).toBe('failed')
    expect(recordedState({ state: 'sparkling', verification: { level: 'archive', passed: false } })).toBe('failed')
  })

  it('an entry without a manifest is incomplete, a manifest without its object missing', () => {
    const m = { state: 'verified' }
    expect([entryState(undefined, true), entryState(m, false), entryState(m, true)]).toEqual(['incomplete', 'missing', 'verified'])
  })
})

// Newest first: position 0 is the newest backup.
const series = ['2026-11-22T03:00:00Z', '2026-11-21T03:00:00Z', '2026-11-20T03:00:00Z', '2026-11-19T03:00:00Z']
const withAt = (i: number, state: BackupState, rest: BackupState = 'verified') => series.map((iso, j) => e(iso, j === i ? state : rest))

describe('latest and latest-verified', () => {
  it.each<[string, BackupState[], string | undefined, string | undefined]>([
    ['all verified', ['verified', 'verified', 'verified', 'verified'], series[0], series[0]],
    ['failed newest', ['failed', 'verified', 'verified', 'verified'], series[1], series[1]],
    ['failed and incomplete newest', ['incomplete', 'failed', 'verified', 'verified'], series[2], series[2]],
    ['missing newest', ['missing', 'verified', 'verified', 'verified'], series[1], series[1]],
    ['unverified newest', ['unverified', 'verified', 'verified', 'verified'], series[0], series[1]],
    ['unverified then failed', ['unverified', 'failed', 'verified', 'verified'], series[0], series[2]],
    ['failed in the middle', ['verified', 'failed', 'verified', 'verified'], series[0], series[0]],
    ['only unverified', ['unverified', 'unverified', 'unverified', 'unverified'], series[0], undefined],
    ['nothing good', ['failed', 'incomplete', 'missing', 'failed'], undefined, undefined]
  ])('%s', (_name, states, latest, latestVerified) => {
    // Given shuffled: the order of a listing must not matter.
    const entries = states.map((s, i) => e(series[i], s)).reverse()
    expect(pickLatest(entries, 'latest')?.createdAt.toISOString()).toBe(latest && new Date(latest).toISOString())
    expect(pickLatest(entries, 'latest-verified')?.createdAt.toISOString()).toBe(latestVerified && new Date(latestVerified).toISOString())
  })
})

describe('check: the age of the newest good backup', () => {
  const now = new Date('2026-11-22T12:00:00Z')

  it.each([0, 1, 2, 3])('a failed backup at position %i', i => {
    const f = freshness(withAt(i, 'failed'), now)
    const newest = i === 0 ? series[1] : series[0]
    expect(f.newest?.createdAt).toEqual(new Date(newest))
    expect(f.ageSeconds).toBe((now.getTime() - new Date(newest).getTime()) / 1000)
    // Only a failed backup newer than the good one measured is worth a warning.
    expect(f.newerFailed.map(ids)).toEqual(i === 0 ? [`${series[0]} failed`] : [])
  })

  it('every backup failed: no age, every one named', () => {
    const f = freshness(
      series.map(iso => e(iso, 'failed')),
      now
    )
    expect(f).toMatchObject({ newest: undefined, ageSeconds: undefined })
    expect(f.newerFailed).toHaveLength(4)
  })

  it('incomplete and missing backups are neither fresh nor warned about', () => {
    const f = freshness([e(series[0], 'incomplete'), e(series[1], 'missing'), e(series[2], 'unverified')], now)
    expect(ids(f.newest)).toBe(`${series[2]} unverified`)
    expect(f.newerFailed).toEqual([])
  })

  it('two newer failed backups are both named, newest first', () => {
    const f = freshness([e(series[3], 'verified'), e(series[1], 'failed'), e(series[0], 'failed'), e(series[2], 'verified')], now)
    expect(ids(f.newest)).toBe(`${series[2]} verified`)
    expect(f.newerFailed.map(ids)).toEqual([`${series[0]} failed`, `${series[1]} failed`])
  })

  it('an age is never negative (a clock slightly behind the manifest)', () => {
    expect(freshness([e('2026-11-22T12:00:05Z', 'verified')], now).ageSeconds).toBe(0)
  })
})

describe('scratch databases like the source', () => {
  it.each([
    ['a manifest without locale', {}, 150018, 'CREATE DATABASE "x"'],
    [
      'libc on 15',
      { encoding: 'LATIN1', collation: 'C', ctype: 'C', localeProvider: 'libc' as const, locale: null },
      150018,
      `CREATE DATABASE "x" TEMPLATE template0 ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' LOCALE_PROVIDER libc`
    ],
    [
      'libc on 14',
      { encoding: 'UTF8', collation: 'en_US.UTF-8', ctype: 'en_US.UTF-8', localeProvider: 'libc' as const, locale: null },
      140011,
      `CREATE DATABASE "x" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'en_US.UTF-8' LC_CTYPE 'en_US.UTF-8'`
    ],
    [
      'icu',
      { encoding: 'UTF8', collation: 'C', ctype: 'C', localeProvider: 'icu' as const, locale: 'de-DE' },
      160004,
      `CREATE DATABASE "x" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' LOCALE_PROVIDER icu ICU_LOCALE 'de-DE'`
    ],
    [
      'builtin on 17',
      { encoding: 'UTF8', collation: 'C', ctype: 'C', localeProvider: 'builtin' as const, locale: 'C.UTF-8' },
      170002,
      `CREATE DATABASE "x" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' LOCALE_PROVIDER builtin BUILTIN_LOCALE 'C.UTF-8'`
    ]
  ])('%s', (_what, locale, version, sql) => expect(createLikeSql('x', locale, version)).toBe(sql))

  it('refuses what the scratch server cannot make, saying which version it needs', () => {
    expect(() =>
      createLikeSql('x', { encoding: 'UTF8', collation: 'C', ctype: 'C', localeProvider: 'icu', locale: 'de-DE' }, 140011)
    ).toThrow(/ICU locale de-DE.*PostgreSQL 15 or newer/)
    expect(() =>
      createLikeSql('x', { encoding: 'UTF8', collation: 'C', ctype: 'C', localeProvider: 'builtin', locale: 'C.UTF-8' }, 160004)
    ).toThrow(/PostgreSQL 17 or newer/)
  })

  it('quotes what it is given', () => {
    expect(createLikeSql('we"ird', { encoding: 'UTF8', collation: "it's", ctype: 'C', localeProvider: 'libc', locale: null }, 150000)).toBe(
      `CREATE DATABASE "we""ird" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'it''s' LC_CTYPE 'C' LOCALE_PROVIDER libc`
    )
  })
})
