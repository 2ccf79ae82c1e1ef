import { Writable, type Duplex, type Readable, type Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { SUPABASE_PARTS } from '../stages/supabase.js'
import { tocDirectory } from '../stages/toc.js'
import { Counter, Seal } from '../stages/pipeline.js'
import { spawnTool } from '../runtime/process.js'
import { spawnReader } from '../stages/read-back.js'
import { createDecompressor, decompressorCommand } from '../stages/compress.js'
import type { Verification } from '../storage/manifest.js'
import type { CompressionAlgorithm, Format } from '../config/settings.js'
import type { Workspace } from '../runtime/workspace.js'
import { StoredCopy } from '../storage/destination.js'

export interface ArchiveCheck {
  format: Format
  compression: CompressionAlgorithm
  sha256: string
  sizeBytes: number
  pgRestore: string
  /** For encrypted backups: a fresh decrypting stage per read. */
  decrypt?: () => Promise<Duplex>
}

const PLAIN_TRAILER = '-- PostgreSQL database dump complete'
const TRUNCATED = "the SQL script does not end with pg_dump's completion line (truncated)"

/** The supabase format's parts, each ending with pg_dump's (or pg_dumpall's) completion line; undefined when all are whole. */
function incompleteParts(dir: string): string | undefined {
  const bad = SUPABASE_PARTS.filter(part => {
    const file = path.join(dir, part)
    if (!fs.existsSync(file)) return true
    const fd = fs.openSync(file, 'r')
    try {
      const size = fs.fstatSync(fd).size
      const tail = Buffer.alloc(Math.min(512, size))
      fs.readSync(fd, tail, 0, tail.length, size - tail.length)
      return !/-- PostgreSQL database (cluster )?dump complete/.test(tail.toString('utf8'))
    } finally {
      fs.closeSync(fd)
    }
  })
  return bad.length ? `${bad.join(', ')} missing or not ending with pg_dump's completion line (truncated)` : undefined
}

/** Keeps the last bytes of a stream: a plain dump is complete only if it ends with pg_dump's trailer. */
class TrailerSink extends Writable {
  tail = ''
  override _write(chunk: Buffer, _e: BufferEncoding, cb: () => void): void {
    this.tail = (this.tail + chunk.toString('latin1')).slice(-256)
    cb()
  }
}

/**
 * Reads the whole stored stream back: sha256 and size against what we
 * wrote, then decompressed all the way through a reader that fails on a
 * truncated or corrupt archive (`pg_restore --list` alone would pass one).
 */
async function readThrough(stream: Readable, c: ArchiveCheck, work: Workspace, label: string): Promise<string[]> {
  const problems: string[] = []
  const seal = new Seal(async () => undefined)
  const count = new Counter()
  const stages: (Readable | Transform | Duplex | Writable)[] = [stream, seal, count]
  if (c.decrypt) stages.push(await c.decrypt())
  const lastLines = (text: string): string => text.split('\n').slice(-3).join(' ')
  let dir: string | undefined
  let readerResult: () => Promise<string | undefined>
  // SQL scripts (plain, and the roles file of pg_dumpall) are whole when they end with their tool's completion line.
  const sql = c.format === 'plain' || c.format === 'roles'
  const trailer = c.format === 'roles' ? '-- PostgreSQL database cluster dump complete' : PLAIN_TRAILER
  if (sql && !decompressorCommand(c.compression)) {
    const decompress = createDecompressor(c.compression)
    const sink = new TrailerSink()
    stages.push(...(decompress ? [decompress] : []), sink)
    readerResult = async () => (sink.tail.includes(trailer) ? undefined : TRUNCATED)
  } else {
    // Plain SQL through `tail`: only pg_dump's last lines come back to Node.
    let tool = 'tail'
    let args = ['-c', '256']
    if (c.format === 'custom') [tool, args] = [c.pgRestore, ['--file=/dev/null']]
    if (c.format === 'directory' || c.format === 'supabase') {
      dir = work.path(`verify-${label}`)
      fs.mkdirSync(dir, { mode: 0o700 })
      ;[tool, args] = ['tar', ['-x', '-C', dir]]
    }
    const reader = spawnReader(tool, args, {}, c.compression)
    const sink = new TrailerSink()
    reader.tool.stdout.pipe(sink)
    stages.push(...reader.input)
    const exited = reader.failure().then(async f => {
      if (f) return `${f.name} could not read it: ${lastLines(f.stderr)}`
      if (sql) return sink.tail.includes(trailer) ? undefined : TRUNCATED
      if (!dir) return undefined
      if (c.format === 'supabase') return incompleteParts(dir)
      let toc: string
      try {
        toc = tocDirectory(dir)
      } catch (e) {
        return (e as Error).message
      }
      const restore = spawnTool(c.pgRestore, ['--file=/dev/null', toc])
      restore.stdout.resume()
      const rr = await restore.exit
      return rr.code === 0 ? undefined : `pg_restore could not read it: ${lastLines(restore.stderr.toString())}`
    })
    readerResult = () => exited
  }
  try {
    await pipeline(stages as [Readable, ...Writable[]])
  } catch (e) {
    problems.push(`${label}: reading the archive failed: ${(e as Error).message}`)
  }
  const readerProblem = await readerResult()
  if (dir) fs.rmSync(dir, { recursive: true, force: true })
  if (seal.digest !== c.sha256) problems.push(`${label}: sha256 ${seal.digest || '(unread)'} differs from the backup's ${c.sha256}`)
  if (count.bytes !== c.sizeBytes) problems.push(`${label}: ${count.bytes} bytes stored, ${c.sizeBytes} written`)
  if (readerProblem) problems.push(`${label}: ${readerProblem}`)
  return problems
}

/** `verify: archive`: every stored copy read back in full and checked. */
export async function verifyArchive(copies: StoredCopy[], c: ArchiveCheck, work: Workspace): Promise<Verification> {
  const details: string[] = []
  for (const copy of copies) {
    if (copy.reportedSha256 !== undefined && copy.reportedSha256 !== c.sha256) {
      details.push(`${copy.kind}: the destination received sha256 ${copy.reportedSha256}, expected ${c.sha256}`)
    }
    details.push(...(await readThrough(await copy.open(), c, work, copy.kind)))
  }
  const passed = details.length === 0
  if (passed) details.push(...copies.map(x => `${x.kind}: ${c.sizeBytes} bytes read back, sha256 matches, archive reads to the end`))
  return { level: 'archive', passed, details }
}
