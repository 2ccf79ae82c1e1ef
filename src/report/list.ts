import * as core from '@actions/core'
import type { CatalogEntry } from '../storage/catalog.js'
import { writeSummary } from './safely.js'
import { setOutputs } from './outputs.js'
import { isVerified, type BackupState } from '../storage/states.js'
import { humanBytes, h } from './format.js'

const STATE_TEXT: Record<BackupState, string> = {
  verified: 'verified',
  unverified: 'unverified (verify: none)',
  failed: '❌ failed verification',
  incomplete: 'incomplete (no manifest)',
  missing: 'missing (manifest without its backup)'
}

/** One entry of `backups` (DESIGN.md §8): a stored file, or a Neon branch or snapshot. */
export interface ListedBackup {
  key: string
  destination: string
  name: string
  createdAt: string | null
  sizeBytes: number | null
  sha256: string | null
  state: BackupState
  verified: boolean
  location: string
}

/** A stored file as `list` shows it. */
export function listedFile(e: CatalogEntry): ListedBackup {
  return {
    key: e.key,
    destination: e.kind,
    name: e.name,
    createdAt: e.manifest?.createdAt ?? null,
    sizeBytes: e.manifest?.sizeBytes ?? e.sizeBytes,
    sha256: e.manifest?.sha256 ?? null,
    state: e.state,
    verified: isVerified(e.state),
    location: e.location
  }
}

/** `list`: newest first, as a summary table and the `backups` output. */
export async function reportList(backups: ListedBackup[], secrets: readonly string[]): Promise<void> {
  setOutputs({ backups: JSON.stringify(backups) }, secrets)
  await writeSummary(
    core.summary
      .addHeading(`Backups (${backups.length})`, 2)
      .addTable([
        [h('Created'), h('Name'), h('Size'), h('State'), h('Location')],
        ...backups.map(b => [
          b.createdAt ?? '?',
          b.name,
          b.sizeBytes === null ? '—' : humanBytes(b.sizeBytes),
          STATE_TEXT[b.state],
          b.location
        ])
      ])
  )
}
