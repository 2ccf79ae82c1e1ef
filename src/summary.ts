import * as core from '@actions/core'
import type { ManifestV1 } from './manifest.js'

export interface BackupReport {
  manifest: ManifestV1
  backupKey: string
  locations: string[]
  artifactId: number | undefined
  durationSeconds: number
  verified: boolean
}

function humanBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let i = 0
  let v = n
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`
}

/**
 * Outputs, job summary and the notice annotation. A masked secret inside an
 * output makes the runner withhold that output, so say so and how to fix it
 * instead of silently losing it (DESIGN.md §7).
 */
export async function reportBackup(r: BackupReport, secrets: readonly string[]): Promise<void> {
  const m = r.manifest
  const outputs: Record<string, string> = {
    'backup-key': r.backupKey,
    location: r.locations.join('\n'),
    'artifact-id': r.artifactId === undefined ? '' : String(r.artifactId),
    'size-bytes': String(m.sizeBytes),
    sha256: m.sha256,
    'duration-seconds': r.durationSeconds.toFixed(1),
    'server-version': m.source.serverVersion,
    verified: String(r.verified),
    manifest: JSON.stringify(m)
  }
  for (const [name, value] of Object.entries(outputs)) {
    core.setOutput(name, value)
    const hit = secrets.find(s => s && value.includes(s))
    if (hit && name !== 'manifest') {
      core.warning(
        `The output '${name}' contains text that is also a secret (the database password or a key), so the runner will withhold it. Use a real password, or set 'name' so the backup key does not contain it.`,
        { title: 'Output withheld' }
      )
    }
  }

  const tableRows = m.tables.map(t => [`${t.schema}.${t.name}`, t.rows === null ? 'not dumped' : String(t.rows)])
  await core.summary
    .addHeading(`PostgreSQL backup: ${m.name}`, 2)
    .addTable([
      [{ data: 'Field', header: true }, { data: 'Value', header: true }],
      ['Database', `${m.source.database} on ${m.source.host}:${m.source.port}`],
      ['Server version', m.source.serverVersion],
      ['pg_dump', m.dump.version],
      ['Format', m.dump.format],
      ['Compression', m.compression.algorithm + (m.compression.level === null ? '' : ` (level ${m.compression.level})`)],
      ['Size', `${humanBytes(m.sizeBytes)} (${m.sizeBytes} bytes)`],
      ['sha256', `<code>${m.sha256}</code>`],
      ['Duration', `${r.durationSeconds.toFixed(1)} s`],
      ['Location', r.locations.join('<br>')],
      ['Verification', `${m.verification.level}: ${m.verification.level === 'none' ? 'not run' : m.verification.passed ? 'passed' : 'FAILED'}`]
    ])
    .addHeading(`Tables (${m.tables.length})`, 3)
    .addTable([[{ data: 'Table', header: true }, { data: 'Rows', header: true }], ...tableRows])
    .write()
  core.notice(`Backup stored at ${r.locations.join(', ')} (${humanBytes(m.sizeBytes)}, sha256 ${m.sha256.slice(0, 12)}…)`, {
    title: 'Backup stored'
  })
}
