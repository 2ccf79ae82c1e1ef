import type { ManifestV1 } from './manifest.js'
import { isGood, type BackupState } from './states.js'

/**
 * The source a manifest describes, as DESIGN.md §3 identifies it: Neon by
 * project and branch, Supabase by project ref, a Render export by its
 * postgres id, else host:port/database.
 */
export function sourceOf(m: Pick<ManifestV1, 'source' | 'neon' | 'render'>): string {
  if (m.render) return `Render database ${m.render.postgresId} (its exports)`
  if (m.neon) return `Neon project ${m.neon.projectId}, branch ${m.neon.branchName} (${m.neon.branchId})`
  if (m.source.projectRef) return `Supabase project ${m.source.projectRef}`
  return `${m.source.host}:${m.source.port}/${m.source.database}`
}

/** The other sources among a name's earlier manifests, each with its newest backup: one series should have one source. */
export function otherSources(
  earlier: readonly { manifest?: ManifestV1; key: string }[],
  current: Pick<ManifestV1, 'source' | 'neon' | 'render'>
): { source: string; newest: { key: string; createdAt: string } }[] {
  const mine = sourceOf(current)
  const others = new Map<string, { key: string; createdAt: string }>()
  for (const e of earlier) {
    if (!e.manifest?.source) continue
    const source = sourceOf(e.manifest)
    const seen = others.get(source)
    if (source !== mine && (!seen || e.manifest.createdAt > seen.createdAt))
      others.set(source, { key: e.key, createdAt: e.manifest.createdAt })
  }
  return [...others].map(([source, newest]) => ({ source, newest }))
}

interface Listed {
  key: string
  createdAt: Date
  manifest?: ManifestV1
  state: BackupState
}

/** The previous good backup of the name in one destination's listing, this run's own copies left out. */
export function previousGood<T extends Listed>(entries: readonly T[], ownKeys: readonly string[]): T | undefined {
  return entries
    .filter(e => e.manifest && isGood(e.state) && !ownKeys.includes(e.key))
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0]
}

/** The last `n` described backups of the name, oldest first, ending with `current` (DESIGN.md §8: the history chart). */
export function history(entries: readonly Listed[], current: ManifestV1, ownKeys: readonly string[], n = 30): ManifestV1[] {
  const earlier = entries
    .filter(e => e.manifest && !ownKeys.includes(e.key))
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
    .map(e => e.manifest!)
  return [...earlier, current].slice(-n)
}
