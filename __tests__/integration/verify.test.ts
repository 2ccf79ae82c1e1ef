import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { Readable } from 'node:stream'
import * as zlib from 'node:zlib'
import { startPostgres } from '../../scripts/lib/servers.mjs'
import { verifyArchive, type ArchiveCheck } from '../../src/verify/archive.js'
import { Workspace } from '../../src/runtime/workspace.js'
import { loadChinook, pathWithout, sha256, type Postgres } from '../helpers/stack.js'

// verifyArchive against real pg_dump output and the real pg_restore.
let pg: Postgres
const dumps: Record<'custom' | 'plain' | 'directory', Buffer> = {} as never
let work: Workspace

beforeAll(async () => {
  pg = await startPostgres({ password: 'x' })
  loadChinook(pg)
  const conn = ['-h', pg.socketDir, '-p', String(pg.port), '-U', 'postgres', '-d', 'chinook']
  dumps.custom = spawnSync(`${pg.bin}/pg_dump`, ['-Fc', '-Z0', ...conn], { maxBuffer: 1 << 30 }).stdout
  dumps.plain = spawnSync(`${pg.bin}/pg_dump`, ['-Fp', ...conn], { maxBuffer: 1 << 30 }).stdout
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgba-vd-'))
  spawnSync(`${pg.bin}/pg_dump`, ['-Fd', '-Z0', '-f', `${dir}/d`, ...conn])
  dumps.directory = spawnSync('tar', ['-c', '-C', `${dir}/d`, '.'], { maxBuffer: 1 << 30 }).stdout
  fs.rmSync(dir, { recursive: true, force: true })
  work = new Workspace(os.tmpdir())
}, 120000)

afterAll(() => {
  pg?.stop()
  work?.cleanup()
})

function check(format: ArchiveCheck['format'], stored: Buffer, expected = stored): ArchiveCheck {
  return { format, compression: 'zstd', sha256: sha256(expected), sizeBytes: expected.length, pgRestore: `${pg.bin}/pg_restore` }
}
const copy = (bytes: Buffer) => ({ kind: 's3' as const, location: 's3://b/k', open: async () => Readable.from([bytes]) })
const flip = (b: Buffer, at: number) => {
  const c = Buffer.from(b)
  c[at] ^= 0xff
  return c
}

// Both ways of reading back: through the runner's zstd process, and in-process where it has none.
const modes: [string, string[] | undefined][] = [
  ['the zstd CLI', undefined],
  ['in-process zstd (no zstd on the PATH)', ['zstd', 'gzip']]
]
describe.each(modes)('with %s', (_mode, hide) => {
  const savedPath = process.env.PATH
  beforeAll(() => {
    if (hide) process.env.PATH = pathWithout([...hide])
  })
  afterAll(() => {
    if (hide) fs.rmSync(process.env.PATH!, { recursive: true, force: true })
    process.env.PATH = savedPath
  })

  describe.each(['custom', 'plain', 'directory'] as const)('verify: archive, %s format', format => {
    it('passes a good archive, read back in full', async () => {
      const stored = zlib.zstdCompressSync(dumps[format])
      const v = await verifyArchive([copy(stored)], check(format, stored), work)
      expect(v).toMatchObject({ level: 'archive', passed: true })
    })

    it('catches a stored copy truncated after upload (sha256 and size)', async () => {
      const good = zlib.zstdCompressSync(dumps[format])
      const v = await verifyArchive(
        [copy(good.subarray(0, Math.floor(good.length * 0.7)))],
        check(format, good.subarray(0, Math.floor(good.length * 0.7)), good),
        work
      )
      expect(v.passed).toBe(false)
      expect(v.details.join('\n')).toMatch(/sha256 [0-9a-f]{64} differs/)
      expect(v.details.join('\n')).toMatch(/bytes stored/)
    })

    it('catches one flipped byte', async () => {
      const good = zlib.zstdCompressSync(dumps[format])
      const v = await verifyArchive([copy(flip(good, Math.floor(good.length / 2)))], check(format, good), work)
      expect(v.passed).toBe(false)
      expect(v.details.join('\n')).toMatch(/sha256/)
    })

    it('reads the archive to the end: a dump that was truncated before it was hashed still fails', async () => {
      // The checksum matches what was written; only a full read finds that the archive itself is cut short.
      const cut = zlib.zstdCompressSync(dumps[format].subarray(0, Math.floor(dumps[format].length * 0.8)))
      const v = await verifyArchive([copy(cut)], check(format, cut), work)
      expect(v.passed).toBe(false)
      expect(v.details.join('\n')).toMatch(
        format === 'plain' ? /does not end with pg_dump's completion line/ : /(pg_restore|tar) could not read it/
      )
    })
  })
})
