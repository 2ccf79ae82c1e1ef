import { describe, expect, it } from '@jest/globals'
import { dayKey, isoWeekKey, monthKey, selectRetention, type RetentionCandidate, type RetentionPolicy } from '../src/retention.js'

const c = (iso: string, verified = true): RetentionCandidate => ({ id: iso, createdAt: new Date(iso), verified })
const kept = (cands: RetentionCandidate[], p: RetentionPolicy, now = '2026-11-22T12:00:00Z', protect: string[] = []) =>
  selectRetention(cands, p, new Date(now), protect).filter(d => d.keep).map(d => d.id).sort()

/** One backup a day at 03:00 UTC for `n` days up to `last`. */
function daily(last: string, n: number): RetentionCandidate[] {
  const end = new Date(last).getTime()
  return Array.from({ length: n }, (_, i) => c(new Date(end - i * 86400000).toISOString()))
}

describe('period keys (UTC)', () => {
  it.each([
    ['2020-12-31T12:00:00Z', '2020-W53'],
    ['2021-01-03T23:59:59Z', '2020-W53'],
    ['2021-01-04T00:00:00Z', '2021-W01'],
    ['2026-01-01T00:00:00Z', '2026-W01'],
    ['2024-12-30T00:00:00Z', '2025-W01'],
    ['2026-11-22T12:00:00Z', '2026-W47']
  ])('%s is in ISO week %s', (iso, week) => expect(isoWeekKey(new Date(iso))).toBe(week))

  it('uses UTC whatever the offset the time was written with', () => {
    const d = new Date('2021-01-01T01:30:00+05:00') // 2020-12-31 20:30 UTC
    expect([dayKey(d), monthKey(d), isoWeekKey(d)]).toEqual(['2020-12-31', '2020-12', '2020-W53'])
  })
})

describe('selectRetention', () => {
  it.each<[string, RetentionCandidate[], RetentionPolicy, string[]]>([
    ['no keep-* input keeps everything', daily('2026-11-22T03:00:00Z', 5), {}, daily('2026-11-22T03:00:00Z', 5).map(x => x.id)],
    ['keep-last 2', daily('2026-11-22T03:00:00Z', 5), { keepLast: 2 }, ['2026-11-21T03:00:00.000Z', '2026-11-22T03:00:00.000Z']],
    ['keep-days 2 keeps what is younger than 2 days', daily('2026-11-22T03:00:00Z', 5), { keepDays: 2 }, ['2026-11-21T03:00:00.000Z', '2026-11-22T03:00:00.000Z']],
    [
      'keep-daily keeps the newest of each of several backups in one day',
      [c('2026-11-22T01:00:00Z'), c('2026-11-22T09:00:00Z'), c('2026-11-21T05:00:00Z'), c('2026-11-21T23:00:00Z'), c('2026-11-20T10:00:00Z')],
      { keepDaily: 2 },
      ['2026-11-21T23:00:00Z', '2026-11-22T09:00:00Z']
    ],
    [
      'a gap of missed days uses no daily slot',
      [c('2026-11-22T03:00:00Z'), c('2026-11-15T03:00:00Z'), c('2026-11-10T03:00:00Z'), c('2026-11-09T03:00:00Z')],
      { keepDaily: 3 },
      ['2026-11-10T03:00:00Z', '2026-11-15T03:00:00Z', '2026-11-22T03:00:00Z']
    ],
    [
      'keep-weekly across the year boundary with ISO week 53',
      [c('2021-01-05T03:00:00Z'), c('2021-01-03T03:00:00Z'), c('2020-12-28T03:00:00Z'), c('2020-12-27T03:00:00Z'), c('2020-12-21T03:00:00Z')],
      { keepWeekly: 3 },
      ['2020-12-27T03:00:00Z', '2021-01-03T03:00:00Z', '2021-01-05T03:00:00Z']
    ],
    [
      'keep-monthly keeps the last backup of each month, across a year boundary',
      [c('2026-02-01T03:00:00Z'), c('2026-01-31T03:00:00Z'), c('2026-01-01T03:00:00Z'), c('2025-12-31T23:30:00Z'), c('2025-12-01T00:00:00Z'), c('2025-11-30T03:00:00Z')],
      { keepMonthly: 3 },
      ['2025-12-31T23:30:00Z', '2026-01-31T03:00:00Z', '2026-02-01T03:00:00Z']
    ],
    [
      'keep-yearly',
      [c('2026-03-01T00:00:00Z'), c('2025-12-31T23:59:59Z'), c('2025-01-01T00:00:00Z'), c('2023-06-01T00:00:00Z')],
      { keepYearly: 2 },
      ['2025-12-31T23:59:59Z', '2026-03-01T00:00:00Z']
    ],
    [
      'a time written at +05:00 lands in its UTC day',
      [c('2021-01-01T01:30:00+05:00'), c('2020-12-31T10:00:00Z'), c('2021-01-01T10:00:00Z')],
      { keepDaily: 1, keepMonthly: 2 },
      ['2021-01-01T01:30:00+05:00', '2021-01-01T10:00:00Z']
    ],
    [
      'rules combine: kept by any',
      daily('2026-11-22T03:00:00Z', 40),
      { keepLast: 1, keepWeekly: 2 },
      ['2026-11-15T03:00:00.000Z', '2026-11-22T03:00:00.000Z'] // 2026-11-22 is a Sunday: the week before ends on the 15th
    ]
  ])('%s', (_name, cands, policy, expected) => {
    expect(kept(cands, policy, '2026-11-22T12:00:00Z')).toEqual([...expected].sort())
  })

  it('never deletes the backup this run made', () => {
    const cands = [c('2026-11-22T03:00:00Z'), c('2026-11-20T03:00:00Z')]
    expect(kept(cands, { keepLast: 1 }, '2026-11-22T12:00:00Z', ['2026-11-20T03:00:00Z'])).toEqual(['2026-11-20T03:00:00Z', '2026-11-22T03:00:00Z'])
  })

  it('never deletes the newest verified backup, even when no rule keeps it', () => {
    const cands = [c('2026-11-22T03:00:00Z', false), c('2026-11-21T03:00:00Z', false), c('2026-11-01T03:00:00Z', true), c('2026-10-01T03:00:00Z', true)]
    const d = selectRetention(cands, { keepLast: 1 }, new Date('2026-11-22T12:00:00Z'))
    expect(d.filter(x => x.keep).map(x => [x.id, x.reasons])).toEqual([
      ['2026-11-22T03:00:00Z', ['keep-last']],
      ['2026-11-01T03:00:00Z', ['newest verified']]
    ])
  })

  it('after a missed day it keeps N days of backups, never all but one', () => {
    const cands = daily('2026-11-20T03:00:00Z', 30) // nothing on the 21st and 22nd
    expect(kept(cands, { keepDaily: 7 })).toHaveLength(7)
  })
})
