/**
 * Which backups to keep: a pure function of the backups' manifests and
 * `now` (DESIGN.md §4). Periods are UTC days, ISO weeks, months and years.
 */

export interface RetentionPolicy {
  keepLast?: number
  keepDays?: number
  keepDaily?: number
  keepWeekly?: number
  keepMonthly?: number
  keepYearly?: number
}

export interface RetentionCandidate {
  /** Key, artifact name or branch name: what `deleted` reports. */
  id: string
  createdAt: Date
  /** The manifest's verification ran and passed. */
  verified: boolean
}

export interface RetentionDecision {
  id: string
  createdAt: Date
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
 * keep-* set nothing is deleted. `protect` lists ids kept whatever the policy
 * (the backup this run made). The newest verified backup is always kept.
 */
export function selectRetention(candidates: readonly RetentionCandidate[], p: RetentionPolicy, now: Date, protect: readonly string[] = []): RetentionDecision[] {
  const sorted = [...candidates].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id.localeCompare(a.id))
  const reasons = new Map<string, string[]>(sorted.map(c => [c.id, []]))
  const keep = (c: RetentionCandidate, why: string): void => void reasons.get(c.id)!.push(why)

  if (!hasPolicy(p)) sorted.forEach(c => keep(c, 'no keep-* set'))
  if (p.keepLast) sorted.slice(0, p.keepLast).forEach(c => keep(c, 'keep-last'))
  if (p.keepDays) {
    const cutoff = now.getTime() - p.keepDays * 86400000
    sorted.filter(c => c.createdAt.getTime() > cutoff).forEach(c => keep(c, 'keep-days'))
  }
  const gfs: [number | undefined, string, (d: Date) => string][] = [
    [p.keepDaily, 'keep-daily', dayKey],
    [p.keepWeekly, 'keep-weekly', isoWeekKey],
    [p.keepMonthly, 'keep-monthly', monthKey],
    [p.keepYearly, 'keep-yearly', yearKey]
  ]
  for (const [n, rule, period] of gfs) {
    if (!n) continue
    // Newest first, so the first backup seen in a period is that period's newest; a period without backups uses no slot.
    const seen = new Set<string>()
    for (const c of sorted) {
      const k = period(c.createdAt)
      if (seen.has(k)) continue
      if (seen.size === n) break
      seen.add(k)
      keep(c, rule)
    }
  }
  for (const c of sorted) if (protect.includes(c.id)) keep(c, 'this run')
  const newestVerified = sorted.find(c => c.verified)
  if (newestVerified) keep(newestVerified, 'newest verified')
  return sorted.map(c => ({ id: c.id, createdAt: c.createdAt, keep: reasons.get(c.id)!.length > 0, reasons: reasons.get(c.id)! }))
}
