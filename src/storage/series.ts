import type { ManifestV1 } from './manifest.js'

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
