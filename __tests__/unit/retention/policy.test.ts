import { describe, expect, it } from '@jest/globals'
import { dayKey, isoWeekKey, monthKey, selectRetention, type RetentionCandidate } from '../../../src/retention/policy.js'
import type { RetentionPolicy } from '../../../src/config/settings.js'
import type { BackupState } from '../../../src/storage/states.js'

const c = (iso: string, state: BackupState = 'verified'): RetentionCandidate => ({ id: iso, createdAt: new Date(iso), state })
const kept = (cands: RetentionCandidate[], p: RetentionPolicy, now = '2026-11-22T12:00:00Z', protect: string[] = []) =>
  selectRetention(cands, p, new Date(now), protect)
    .filter(d => d.keep)
    .map(d => d.id)
    .sort()

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
    [
      'keep-days 2 keeps what is younger than 2 days',
      daily('2026-11-22T03:00:00Z', 5),
      { keepDays: 2 },
      ['2026-11-21T03:00:00.000Z', '2026-11-22T03:00:00.000Z']
    ],
    [
      'keep-daily keeps the newest of each of several backups in one day',
      [
        c('2026-11-22T01:00:00Z'),
        c('2026-11-22T09:00:00Z'),
        c('2026-11-21T05:00:00Z'),
        c('2026-11-21T23:00:00Z'),
        c('2026-11-20T10:00:00Z')
      ],
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
      [
        c('2021-01-05T03:00:00Z'),
        c('2021-01-03T03:00:00Z'),
        c('2020-12-28T03:00:00Z'),
        c('2020-12-27T03:00:00Z'),
        c('2020-12-21T03:00:00Z')
      ],
      { keepWeekly: 3 },
      ['2020-12-27T03:00:00Z', '2021-01-03T03:00:00Z', '2021-01-05T03:00:00Z']
    ],
    [
      'keep-monthly keeps the last backup of each month, across a year boundary',
      [
        c('2026-02-01T03:00:00Z'),
        c('2026-01-31T03:00:00Z'),
        c('2026-01-01T03:00:00Z'),
        c('2025-12-31T23:30:00Z'),
        c('2025-12-01T00:00:00Z'),
        c('2025-11-30T03:00:00Z')
      ],
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
    expect(kept(cands, { keepLast: 1 }, '2026-11-22T12:00:00Z', ['2026-11-20T03:00:00Z'])).toEqual([
      '2026-11-20T03:00:00Z',
      '2026-11-22T03:00:00Z'
    ])
  })

  it('never deletes the newest verified backup, even when no rule keeps it', () => {
    const cands = [
      c('2026-11-22T03:00:00Z', 'unverified'),
      c('2026-11-21T03:00:00Z', 'unverified'),
      c('2026-11-01T03:00:00Z'),
      c('2026-10-01T03:00:00Z')
    ]
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

describe('selectRetention with failed and missing backups', () => {
  // Five nightly backups, 18th to 22nd at 03:00 UTC; one of them is failed (or missing) in turn.
  const nights = ['2026-11-22T03:00:00Z', '2026-11-21T03:00:00Z', '2026-11-20T03:00:00Z', '2026-11-19T03:00:00Z', '2026-11-18T03:00:00Z']
  const withState = (i: number, state: BackupState) => nights.map((iso, j) => c(iso, j === i ? state : 'verified'))

  it.each<[string, number, RetentionPolicy, string[]]>([
    // A failed newest backup has no newer good one: kept for inspection, and keep-last 2 takes the two newest good ones.
    ['failed newest, keep-last 2', 0, { keepLast: 2 }, [nights[0], nights[1], nights[2]]],
    ['failed in the middle, keep-last 2', 2, { keepLast: 2 }, [nights[0], nights[1]]],
    ['failed oldest, keep-last 2', 4, { keepLast: 2 }, [nights[0], nights[1]]],
    ['failed newest, keep-daily 2: its day is filled by no one', 0, { keepDaily: 2 }, [nights[0], nights[1], nights[2]]],
    ['failed in the middle, keep-daily 3: the slot goes to the next good day', 1, { keepDaily: 3 }, [nights[0], nights[2], nights[3]]],
    ['failed in the middle, keep-days 3: younger, but no rule keeps a failed backup', 1, { keepDays: 3 }, [nights[0], nights[2]]],
    ['failed oldest, keep-weekly 1', 4, { keepWeekly: 1 }, [nights[0]]]
  ])('%s', (_name, failedAt, policy, expected) => {
    expect(kept(withState(failedAt, 'failed'), policy, '2026-11-22T12:00:00Z')).toEqual([...expected].sort())
  })

  it.each([0, 1, 2, 3, 4])('a missing backup (object gone) at position %i fills no slot and its manifest is deleted', i => {
    const d = selectRetention(withState(i, 'missing'), { keepLast: 5 }, new Date('2026-11-22T12:00:00Z'))
    expect(d.find(x => x.id === nights[i])).toMatchObject({ keep: false, state: 'missing' })
    expect(d.filter(x => x.keep)).toHaveLength(4)
  })

  it('keeps every failed backup while no good backup is newer, and says why', () => {
    const cands = [c(nights[0], 'failed'), c(nights[1], 'failed'), c(nights[2]), c(nights[3])]
    const d = selectRetention(cands, { keepLast: 1 }, new Date('2026-11-22T12:00:00Z'))
    expect(d.map(x => [x.id, x.keep, x.reasons])).toEqual([
      [nights[0], true, ['failed, kept until a newer good backup exists']],
      [nights[1], true, ['failed, kept until a newer good backup exists']],
      [nights[2], true, ['keep-last', 'newest verified']],
      [nights[3], false, []]
    ])
  })

  it('deletes a failed backup even with no keep-* slot left for it once a newer good one exists, but never this run', () => {
    const cands = [c(nights[0], 'unverified'), c(nights[1], 'failed')]
    expect(kept(cands, { keepLast: 1 })).toEqual([nights[0]])
    expect(kept(cands, { keepLast: 1 }, '2026-11-22T12:00:00Z', [nights[1]])).toEqual([nights[1], nights[0]].sort())
  })

  it('the newest verified backup is kept even behind newer unverified and failed ones', () => {
    const cands = [c(nights[0], 'failed'), c(nights[1], 'unverified'), c(nights[2], 'failed'), c(nights[3]), c(nights[4])]
    const d = selectRetention(cands, { keepLast: 1 }, new Date('2026-11-22T12:00:00Z'))
    expect(d.filter(x => x.keep).map(x => [x.id, x.reasons])).toEqual([
      [nights[0], ['failed, kept until a newer good backup exists']],
      [nights[1], ['keep-last']],
      [nights[3], ['newest verified']]
    ])
  })

  it('with no keep-* set, failed and missing backups are kept like everything else', () => {
    const cands = [c(nights[0], 'failed'), c(nights[1], 'missing'), c(nights[2])]
    expect(kept(cands, {})).toEqual([nights[0], nights[1], nights[2]].sort())
  })

  it('never deletes an incomplete backup', () => {
    const d = selectRetention([c(nights[0]), c(nights[1], 'incomplete')], { keepLast: 1 }, new Date('2026-11-22T12:00:00Z'))
    expect(d.find(x => x.id === nights[1])).toMatchObject({ keep: true, reasons: ['incomplete: nothing proves it is ours'] })
  })
})
