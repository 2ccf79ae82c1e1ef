/**
 * Which backups to keep: a pure function of the backups' manifests and
 * `now` (DESIGN.md §4). Periods are UTC days, ISO weeks, months and years.
 */
import type { RetentionPolicy } from '../config/settings.js'
import { isGood, isVerified, type BackupState } from '../storage/states.js'

export interface RetentionCandidate {
  /** Key, artifact name or branch name: what `deleted` reports. */
  id: string
  createdAt: Date
  /** Only good backups fill keep-* slots; a failed one waits for a newer good one; a missing one's manifest goes. */
  state: BackupState
}

export interface RetentionDecision {
  id: string
  createdAt: Date
  state: BackupState
  keep: boolean
  /** Why it is kept: the rules that keep it ('keep-daily', 'this run', …); empty when deleted. */
  reasons: string[]
}

export function hasPolicy(p: RetentionPolicy): boolean {
  return Object.values(p).some(v => v !== undefined && v > 0)
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0')

export function dayKey(d: Date): string {
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`
}

/** ISO 8601 week, e.g. 2020-W53: weeks start on Monday; week 1 holds the year's first Thursday. */
export function isoWeekKey(d: Date): string {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()))
  const dow = t.getUTCDay() || 7
  t.setUTCDate(t.getUTCDate() + 4 - dow) // the Thursday of this week decides the year
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1)
  const week = Math.ceil(((t.getTime() - yearStart) / 86400000 + 1) / 7)
  return `${t.getUTCFullYear()}-W${pad(week)}`
}

export function monthKey(d: Date): string {
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}`
}

export function yearKey(d: Date): string {
  return String(d.getUTCFullYear())
}

/**
 * Decides every candidate. A backup is kept when any rule keeps it; with no
 * keep-* set nothing is deleted. Only good backups (verified or unverified)
 * fill keep-* slots: a failed one is kept for inspection until a newer good
 * backup exists, a missing one (its object gone) only has its manifest left,
 * and an incomplete one is never ours to delete. `protect` lists ids kept
 * whatever the policy (the backup this run made). The newest verified backup
 * is always kept.
 */
export function selectRetention(
  candidates: readonly RetentionCandidate[],
  p: RetentionPolicy,
  now: Date,
  protect: readonly string[] = []
): RetentionDecision[] {
  const sorted = [...candidates].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id.localeCompare(a.id))
  const reasons = new Map<string, string[]>(sorted.map(c => [c.id, []]))
  const keep = (c: RetentionCandidate, why: string): void => void reasons.get(c.id)!.push(why)
  const good = sorted.filter(c => isGood(c.state))

  if (!hasPolicy(p)) sorted.forEach(c => keep(c, 'no keep-* set'))
  if (p.keepLast) good.slice(0, p.keepLast).forEach(c => keep(c, 'keep-last'))
  if (p.keepDays) {
    const cutoff = now.getTime() - p.keepDays * 86400000
    good.filter(c => c.createdAt.getTime() > cutoff).forEach(c => keep(c, 'keep-days'))
  }
  const gfs: [number | undefined, string, (d: Date) => string][] = [
    [p.keepDaily, 'keep-daily', dayKey],
    [p.keepWeekly, 'keep-weekly', isoWeekKey],
    [p.keepMonthly, 'keep-monthly', monthKey],
    [p.keepYearly, 'keep-yearly', yearKey]
  ]
  for (const [n, rule, period] of gfs) {
    if (!n) continue
    // Newest first, so the first backup seen in a period is that period's newest; a period without good backups uses no slot.
    const seen = new Set<string>()
    for (const c of good) {
      const k = period(c.createdAt)
      if (seen.has(k)) continue
      if (seen.size === n) break
      seen.add(k)
      keep(c, rule)
    }
  }
  for (const c of sorted) if (protect.includes(c.id)) keep(c, 'this run')
  const newestVerified = good.find(c => isVerified(c.state))
  if (newestVerified) keep(newestVerified, 'newest verified')
  for (const c of sorted) {
    if (c.state === 'failed' && !good.some(g => g.createdAt.getTime() > c.createdAt.getTime()))
      keep(c, 'failed, kept until a newer good backup exists')
    if (c.state === 'incomplete') keep(c, 'incomplete: nothing proves it is ours')
  }
  return sorted.map(c => ({
    id: c.id,
    createdAt: c.createdAt,
    state: c.state,
    keep: reasons.get(c.id)!.length > 0,
    reasons: reasons.get(c.id)!
  }))
}
