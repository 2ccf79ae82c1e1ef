/**
 * The states of a stored backup (DESIGN.md §3), read from its manifest and
 * used by every command: what `latest` restores, what `check` counts as
 * fresh, what retention may keep. One place, so "good" means the same
 * everywhere.
 */

/** `verified`: a verification ran and passed; `unverified`: none was asked for; `failed`: one ran and failed; `incomplete`: an object without a manifest; `missing`: a manifest whose object is gone. */
export type BackupState = 'verified' | 'unverified' | 'failed' | 'incomplete' | 'missing'

/** What a manifest records: it exists, so the backup finished; the question left is whether it was proven. */
export type RecordedState = 'verified' | 'unverified' | 'failed'

/** `backup: latest` is the newest good backup, `latest-verified` the newest verified one. */
export type LatestRef = 'latest' | 'latest-verified'

const RECORDED: readonly string[] = ['verified', 'unverified', 'failed']

/** A verification ran and passed: what the `verified` output, `latest-verified` and retention's "newest verified" mean. */
export function isVerified(state: BackupState): boolean {
  return state === 'verified'
}

/** Verified or unverified: a backup that finished and was not found wanting. */
export function isGood(state: BackupState): boolean {
  return state === 'verified' || state === 'unverified'
}

/** The state a verification result gives the backup it describes. */
export function stateOfVerification(v: { level: string; passed: boolean }): RecordedState {
  if (v.level === 'none') return 'unverified'
  return v.passed ? 'verified' : 'failed'
}

/** A manifest's own `state`, or, in manifests written before states existed, the one its `verification` implies. */
export function recordedState(m: { state?: unknown; verification?: { level: string; passed: boolean } }): RecordedState {
  if (typeof m.state === 'string' && RECORDED.includes(m.state)) return m.state as RecordedState
  // No verification at all is nothing a finished run of ours writes: never count it as proven.
  return m.verification ? stateOfVerification(m.verification) : 'unverified'
}

/** The state of a stored entry: no manifest → incomplete; a manifest without its object → missing; else what the manifest records. */
export function entryState(manifest: Parameters<typeof recordedState>[0] | undefined, objectPresent: boolean): BackupState {
  if (!manifest) return 'incomplete'
  if (!objectPresent) return 'missing'
  return recordedState(manifest)
}

interface Stated {
  state: BackupState
  createdAt: Date
}

const newestFirst = <T extends Stated>(entries: readonly T[]): T[] =>
  [...entries].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())

/** The backup a reference to the latest means: the newest good one, or the newest verified one. */
export function pickLatest<T extends Stated>(entries: readonly T[], ref: LatestRef): T | undefined {
  return newestFirst(entries).find(e => (ref === 'latest' ? isGood(e.state) : isVerified(e.state)))
}

export interface Freshness<T> {
  /** The newest good backup: the one whose age `check` measures. */
  newest: T | undefined
  /** Its age in whole seconds (never negative); undefined when there is no good backup. */
  ageSeconds: number | undefined
  /** Failed backups newer than `newest` (all of them when there is none): each is worth a warning. */
  newerFailed: T[]
}

/** What `check` reads off a name's backups (DESIGN.md §8). */
export function freshness<T extends Stated>(entries: readonly T[], now: Date): Freshness<T> {
  const sorted = newestFirst(entries)
  const newest = sorted.find(e => isGood(e.state))
  const newerFailed = sorted.filter(e => e.state === 'failed' && (!newest || e.createdAt.getTime() > newest.createdAt.getTime()))
  const ageSeconds = newest ? Math.max(0, Math.round((now.getTime() - newest.createdAt.getTime()) / 1000)) : undefined
  return { newest, ageSeconds, newerFailed }
}

/** ` (there are 3 failed, 1 incomplete)`: what else is there when no backup qualifies; empty when there is nothing. */
export function describeOthers(entries: readonly { state: BackupState }[]): string {
  if (!entries.length) return ''
  const counts = new Map<BackupState, number>()
  for (const e of entries) counts.set(e.state, (counts.get(e.state) ?? 0) + 1)
  return ` (there ${entries.length === 1 ? 'is' : 'are'} ${[...counts].map(([state, n]) => `${n} ${state}`).join(', ')})`
}
