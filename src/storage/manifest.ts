import type { ManifestPlan, NeonOrigin, VerifyLevel } from '../config/settings.js'
import type { ServerInfo } from '../postgres/session.js'
import type { DatabaseLocale } from '../postgres/locale.js'
import type { TableCount } from '../postgres/counts.js'
import { TOOL } from '../runtime/version.js'
import { PRESETS } from '../config/presets.js'
import { stateOfVerification, type RecordedState } from './states.js'

export interface Verification {
  level: VerifyLevel
  passed: boolean
  details: string[]
}

export interface ManifestV1 {
  schemaVersion: 1
  tool: { name: string; version: string }
  name: string
  key: string
  createdAt: string
  finishedAt: string
  durationMs: number
  source: {
    provider: string
    host: string
    port: number
    database: string
    serverVersion: string
    serverVersionNum: number
    /** Supabase: the project the host or user names (one series per project, DESIGN.md §3). */
    projectRef?: string
  } & Partial<DatabaseLocale>
  dump: { tool: string; version: string; format: string; snapshot: string; args: string[] }
  compression: { algorithm: string; level: number | null }
  encryption: { algorithm: string; recipients: string[] } | null
  sizeBytes: number
  sha256: string
  extensions: { name: string; version: string }[]
  tables: TableCount[]
  verification: Verification
  /** DESIGN.md §3; manifests written before it existed are read through recordedState(). */
  state: RecordedState
  destinations: { kind: string; location: string }[]
  github: { repository: string; runId: string; runAttempt: string; workflow: string; sha: string; ref: string; serverUrl: string }
  /** Where a dump of a temporary Neon branch read (neon-mode: dump with the API). */
  neon?: NeonOrigin
  /** How `tables` was counted (DESIGN.md §3); manifests written before it existed are read through rowCountsOf(). */
  rowCounts?: RowCounts
  /** A Render export stored as delivered: which database and export, and when Render made it. */
  render?: RenderOrigin
  /** Against the previous good backup of the name (DESIGN.md §8); absent when there was none to compare with. */
  anomalies?: Anomaly[]
}

/** A backup that shrank against the previous good one: its size, a table's rows, or a table that is gone. */
export interface Anomaly {
  kind: 'size' | 'rows' | 'missing-table'
  table?: string
  previous: number | null
  current: number | null
  shrinkPercent: number
}

/** `archive`: counted in the archive stream; `source`: every table counted in the dump's snapshot; `none`: nothing counted (a Render export, or row-counts: none). */
export type RowCounts = 'archive' | 'source' | 'none'

export interface RenderOrigin {
  postgresId: string
  exportId: string
  /** Render's own `createdAt` of the export. */
  createdAt: string
}

/** Where a backup's bytes came from, as its manifest describes it: a pg_dump of a server, or an export someone else made. */
export interface Origin {
  source: ManifestV1['source']
  dump: ManifestV1['dump']
  extensions: ManifestV1['extensions']
  rowCounts: RowCounts
  neon?: NeonOrigin
  render?: RenderOrigin
}

export interface ManifestInput {
  name: string
  key: string
  createdAt: Date
  finishedAt: Date
  origin: Origin
  compression: ManifestV1['compression']
  encryption: { algorithm: string; recipients: string[] } | undefined
  sizeBytes: number
  sha256: string
  tables: TableCount[]
  verification: Verification
  destinations: { kind: string; location: string }[]
  anomalies?: Anomaly[]
  env: NodeJS.ProcessEnv
}

const optional = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> =>
  value === undefined ? {} : ({ [key]: value } as Record<K, V>)

/** What a pg_dump of `settings.source` records about where it read. Holds no secret: host, port and database only. */
export function dumpOrigin(s: ManifestPlan & { rowCounts: RowCounts }, server: ServerInfo, dumpVersion: string, snapshot: string): Origin {
  return {
    source: {
      provider: s.source.provider,
      host: s.source.host,
      port: s.source.port,
      database: s.source.database,
      serverVersion: server.serverVersion,
      serverVersionNum: server.serverVersionNum,
      ...optional('projectRef', PRESETS[s.source.provider].projectRef?.(s.source.host, s.source.user)),
      ...server.locale
    },
    dump: { tool: 'pg_dump', version: dumpVersion, format: s.format, snapshot, args: s.pgDumpArgs },
    extensions: server.extensions,
    rowCounts: s.rowCounts,
    ...optional('neon', s.neonOrigin)
  }
}

/** Manifest v1 (DESIGN.md §3). */
export function buildManifest(m: ManifestInput): ManifestV1 {
  const { neon, render, ...origin } = m.origin
  return {
    schemaVersion: 1,
    tool: { ...TOOL },
    name: m.name,
    key: m.key,
    createdAt: m.createdAt.toISOString(),
    finishedAt: m.finishedAt.toISOString(),
    durationMs: m.finishedAt.getTime() - m.createdAt.getTime(),
    source: origin.source,
    dump: origin.dump,
    compression: m.compression,
    encryption: m.encryption ?? null,
    sizeBytes: m.sizeBytes,
    sha256: m.sha256,
    extensions: origin.extensions,
    tables: m.tables,
    rowCounts: origin.rowCounts,
    verification: m.verification,
    state: stateOfVerification(m.verification),
    destinations: m.destinations,
    github: {
      repository: m.env.GITHUB_REPOSITORY ?? '',
      runId: m.env.GITHUB_RUN_ID ?? '',
      runAttempt: m.env.GITHUB_RUN_ATTEMPT ?? '',
      workflow: m.env.GITHUB_WORKFLOW ?? '',
      sha: m.env.GITHUB_SHA ?? '',
      ref: m.env.GITHUB_REF ?? '',
      serverUrl: m.env.GITHUB_SERVER_URL ?? ''
    },
    ...optional('neon', neon),
    ...optional('render', render),
    ...optional('anomalies', m.anomalies)
  }
}

/** How a manifest's tables were counted; one written before `rowCounts` existed counted them in the source. */
export function rowCountsOf(m: Pick<ManifestV1, 'rowCounts'>): RowCounts {
  return m.rowCounts ?? 'source'
}

/** Where `\restrict`-era psql and pg_restore need a client at least as new as the dump's. */
export function dumpMajor(m: ManifestV1): number {
  return Number(/\) (\d+)/.exec(m.dump.version)?.[1] ?? 0)
}
