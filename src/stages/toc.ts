/**
 * Reading a pg_dump directory archive that someone else made (a Render
 * export): where its `toc.dat` is inside the tar, and what the archive's
 * header says about the dump — the database, the server's version and the
 * pg_dump that wrote it — so the manifest records them as the archive states
 * them rather than as guesses.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { Transform, type TransformCallback } from 'node:stream'
import { createGunzip, type Gunzip } from 'node:zlib'
import { extract, type Extract } from 'tar-stream'

/** How deep `toc.dat` may sit inside a directory archive's tar (DESIGN.md §7: Render's exports wrap the directory). */
export const TOC_DEPTH = 2

export interface ArchiveHeader {
  /** The archive format's version, e.g. 1.15. */
  archiveVersion: string
  database: string
  /** The server's version string as pg_dump read it, e.g. `16.4 (Debian 16.4-1.pgdg120+1)`. */
  serverVersion: string
  /** The pg_dump that wrote the archive, e.g. `16.4`. */
  dumpVersion: string
}

/**
 * The archive header of pg_dump's custom and directory formats, as
 * pg_backup_archiver.c (WriteHead/ReadHead, PostgreSQL 15–17) writes it:
 * `PGDMP`, version major/minor/revision, int size, offset size, format; then
 * the compression (a byte from 1.15 on, an int before), the creation time as
 * seven ints, and three strings (database, server version, pg_dump version).
 * An int is a sign byte and `intSize` little-endian bytes; a string is its
 * length as an int, then its bytes. Undefined until `b` holds all of it.
 */
export function parseArchiveHeader(b: Buffer): ArchiveHeader | undefined {
  if (b.length < 11) return undefined
  if (b.subarray(0, 5).toString('latin1') !== 'PGDMP') throw new Error('it does not start with the PGDMP magic of a pg_dump archive')
  const [major, minor, rev, intSize] = [b[5], b[6], b[7], b[8]]
  if (major !== 1 || minor < 10 || intSize < 1 || intSize > 8)
    throw new Error(`its archive version ${major}.${minor}.${rev} is not one this action reads (1.10 or later)`)
  let at = 11
  const int = (): number | undefined => {
    if (at + 1 + intSize > b.length) return undefined
    let v = 0
    for (let i = intSize - 1; i >= 0; i--) v = v * 256 + b[at + 1 + i]
    const negative = b[at] !== 0
    at += 1 + intSize
    return negative ? -v : v
  }
  const str = (): string | undefined => {
    const len = int()
    if (len === undefined) return undefined
    if (len < 0) return ''
    if (at + len > b.length) return undefined
    const s = b.subarray(at, at + len).toString('utf8')
    at += len
    return s
  }
  if (minor >= 15) at += 1
  else if (int() === undefined) return undefined
  for (let i = 0; i < 7; i++) if (int() === undefined) return undefined
  const database = str()
  const serverVersion = database === undefined ? undefined : str()
  const dumpVersion = serverVersion === undefined ? undefined : str()
  if (dumpVersion === undefined) return undefined
  return { archiveVersion: `${major}.${minor}`, database: database!, serverVersion: serverVersion!, dumpVersion }
}

/** Whether a tar member's path is a `toc.dat` at most TOC_DEPTH directories down. */
export function isToc(name: string): boolean {
  const parts = name.replace(/^\.\//, '').split('/').filter(Boolean)
  return parts.at(-1) === 'toc.dat' && parts.length - 1 <= TOC_DEPTH
}

/**
 * Passes a gzip'd tar of a directory archive through unchanged, and reads
 * it on the side until the header of its `toc.dat` is known; from then on
 * the bytes only pass, so the rest of the stream costs nothing. After the
 * stream has ended, `header()` says what was found or why nothing was.
 */
export class TocWatch extends Transform {
  private readonly gunzip: Gunzip = createGunzip()
  private readonly tar: Extract = extract()
  private readonly tarClosed: Promise<void>
  private found: ArchiveHeader | undefined
  private problem: Error | undefined
  private watching = true
  private waiting: (() => void) | undefined

  constructor() {
    super()
    this.tarClosed = new Promise(resolve => this.tar.on('close', () => resolve()))
    this.gunzip.on('error', e => this.stop(new Error(`it is not a gzip stream (${e.message})`)))
    this.tar.on('error', e => this.stop(new Error(`it is not a tar (${e.message})`)))
    this.tar.on('entry', (header, entry, next) => {
      if (header.type !== 'file' || !isToc(header.name)) {
        entry.on('end', next).resume()
        return
      }
      const parts: Buffer[] = []
      entry.on('data', (chunk: unknown) => {
        parts.push(chunk as Buffer)
        try {
          this.found ??= parseArchiveHeader(Buffer.concat(parts))
        } catch (e) {
          this.stop(new Error(`its ${header.name}: ${(e as Error).message}`))
        }
        if (this.found) this.stop()
      })
      entry.on('end', () => (this.found ? next() : this.stop(new Error(`its ${header.name} ends before the archive header does`))))
    })
    this.gunzip.pipe(this.tar)
  }

  private stop(e?: Error): void {
    if (!this.watching) return
    this.watching = false
    if (e && !this.found) this.problem = e
    this.gunzip.unpipe(this.tar)
    this.gunzip.destroy()
    this.tar.destroy()
    this.release()
  }

  private release(): void {
    const w = this.waiting
    this.waiting = undefined
    w?.()
  }

  override _transform(chunk: Buffer, _e: BufferEncoding, cb: TransformCallback): void {
    if (!this.watching) return cb(null, chunk)
    // The side read keeps pace with the stream: the chunk moves on once zlib has taken it.
    this.waiting = () => cb(null, chunk)
    if (this.gunzip.write(chunk)) this.release()
    else this.gunzip.once('drain', () => this.release())
  }

  override _flush(cb: TransformCallback): void {
    if (!this.watching) return cb()
    this.gunzip.end()
    this.tarClosed.then(() => cb(), cb)
  }

  /** After the whole stream has passed: the header, or why there is none. */
  header(): ArchiveHeader {
    if (this.found) return this.found
    throw this.problem ?? new Error(`it holds no toc.dat within ${TOC_DEPTH} directory levels`)
  }
}

/**
 * The directory a directory archive's tar was extracted into that holds its
 * `toc.dat`: the top itself (this action's own tars), or the one directory
 * up to TOC_DEPTH levels down that does (a Render export).
 */
export function tocDirectory(top: string): string {
  let level = [top]
  for (let depth = 0; depth <= TOC_DEPTH; depth++) {
    const found = level.filter(d => fs.existsSync(path.join(d, 'toc.dat')))
    if (found.length === 1) return found[0]
    if (found.length > 1) throw new Error(`the archive holds ${found.length} toc.dat files at the same depth; expected one`)
    level = level.flatMap(d =>
      fs
        .readdirSync(d, { withFileTypes: true })
        .filter(e => e.isDirectory())
        .map(e => path.join(d, e.name))
    )
  }
  throw new Error(`the archive holds no toc.dat within ${TOC_DEPTH} directory levels`)
}
