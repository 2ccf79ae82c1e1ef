import type { VerifyPlan } from '../config/settings.js'
import { serverInfo, withConnection, type ServerInfo } from '../postgres/session.js'
import { resolveClient, runnerResolveDeps, type PgClient } from '../postgres/client.js'
import { dumpMajor, type ManifestV1, type Verification } from '../storage/manifest.js'
import { verifyArchive } from './archive.js'
import type { StoredCopy } from '../storage/destination.js'
import { scratchRestore } from './scratch.js'
import type { TableComparison } from '../postgres/counts.js'
import type { Workspace } from '../runtime/workspace.js'
import type { EncryptionInfo } from '../stages/encrypt.js'

/**
 * The one switch over verification levels (a new level is a case here and a
 * value of `verify` in config/dump.ts): archive reads every stored copy back;
 * restore restores the first into scratch and compares with the manifest.
 * Without the client that made the archive (someone else made it), one at
 * least as new as its pg_dump reads it.
 */
export async function verify(
  s: VerifyPlan,
  copies: StoredCopy[],
  client: PgClient | undefined,
  draft: ManifestV1,
  work: Workspace
): Promise<{ verification: Verification; comparison?: TableComparison[] }> {
  if (s.verify === 'none') return { verification: { level: 'none', passed: false, details: ['verification was not requested'] } }
  if (s.verify === 'archive' || !s.scratch) {
    const info = draft.encryption
    const decrypt = info
      ? async () => (await import('../stages/encrypt.js')).createDecryptor(info as EncryptionInfo, s.decryption)
      : undefined
    return {
      verification: await verifyArchive(
        copies,
        {
          format: s.format,
          compression: s.compression.algorithm,
          sha256: draft.sha256,
          sizeBytes: draft.sizeBytes,
          pgRestore: (client ?? (await clientFor(s, draft, draft.source))).pgRestore,
          decrypt
        },
        work
      )
    }
  }
  const scratch = s.scratch
  const scratchClient = await clientFor(s, draft, await withConnection(scratch.server, c => serverInfo(c)))
  const r = await scratchRestore(copies[0].open, draft, scratch, scratchClient, work, s.secrets, s.decryption)
  return { verification: r.verification, comparison: r.tables }
}

/** A client for `server` that also reads the archive `draft` describes. */
function clientFor(s: VerifyPlan, draft: ManifestV1, server: Pick<ServerInfo, 'serverVersion' | 'serverVersionNum'>): Promise<PgClient> {
  return resolveClient(s.pgVersion, server, runnerResolveDeps(), dumpMajor(draft))
}
