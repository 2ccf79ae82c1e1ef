import * as core from '@actions/core'
import { ActionError, Titles } from '../runtime/errors.js'
import { Catalog } from '../storage/catalog.js'
import { resolveClient, runnerResolveDeps } from '../postgres/client.js'
import { scratchRestore } from '../verify/scratch.js'
import { dumpMajor } from '../storage/manifest.js'
import type { RestoreTestSettings } from '../config/settings.js'
import { serverInfo, withConnection } from '../postgres/session.js'
import { reportRestore } from '../report/restore.js'
import { Workspace } from '../runtime/workspace.js'
import { ageSeconds, restorable } from './restore.js'

/** `restore-test`: the monthly proof — restore into scratch, compare, run verify-sql, report RTO and age. */
export async function restoreTest(s: RestoreTestSettings): Promise<void> {
  const work = new Workspace()
  try {
    const catalog = new Catalog(s, work)
    const entry = restorable(await core.group('Find the backup', () => catalog.find(s.backup, s.name)))
    const info = await withConnection(s.scratch.server, c => serverInfo(c))
    const client = await resolveClient(s.pgVersion, info, runnerResolveDeps(), dumpMajor(entry.manifest))
    const r = await core.group('Restore into a scratch database', () =>
      scratchRestore(() => catalog.open(entry), entry.manifest, s.scratch, client, work, s.secrets, s.decryption)
    )
    const age = ageSeconds(entry.manifest)
    const tooOld = s.maxAgeSeconds !== undefined && age > s.maxAgeSeconds
    const details = [...r.verification.details]
    if (tooOld)
      details.push(`the newest backup is ${(age / 3600).toFixed(1)} h old, more than max-age (${(s.maxAgeSeconds! / 3600).toFixed(1)} h)`)
    const target = `a scratch database on ${s.scratch.server.host}:${s.scratch.server.port}`
    await reportRestore(
      {
        title: `Restore test of ${entry.manifest.name}`,
        entry,
        target,
        restoreSeconds: r.restoreSeconds,
        backupAgeSeconds: age,
        verified: r.verification.passed,
        details,
        comparison: r.tables
      },
      s.secrets
    )
    if (!r.verification.passed) throw new ActionError(Titles.verification, r.verification.details.join('\n'))
    if (tooOld) throw new ActionError(Titles.tooOld, details[details.length - 1])
  } finally {
    work.cleanup()
  }
}
