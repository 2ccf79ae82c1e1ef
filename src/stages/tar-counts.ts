/**
 * Exact row counts of the archives stored as a tar, read as the tar streams
 * (`row-counts: archive`): a directory archive (this action's `format:
 * directory`, or a Render export: a gzip'd tar whose data files are gzip'd
 * too) and Supabase's three SQL parts. The tar is read on the side with
 * tar-stream while the bytes pass on unchanged.
 *
 * A directory archive's `toc.dat` says which data file (`3364.dat`, with
 * `.gz` appended when pg_dump compressed it) is which table's data; a data
 * file is that table's COPY text ended by pg_dump's terminator, or INSERT
 * statements when the dump was made with inserts.
 */
import * as path from 'node:path'
import { Transform, type TransformCallback } from 'node:stream'
import { createGunzip } from 'node:zlib'
import { extract, type Extract } from 'tar-stream'
import type { TableCount } from '../postgres/counts.js'
import { ArchiveCountError, FORMAT_DIRECTORY, parseHead, tableCounts, type ArchiveCounter, type TocEntry } from './archive-counts.js'
import { SqlRowCounter } from './sql-counts.js'
import { isToc, parseArchiveHeader, TOC_DEPTH, type ArchiveHeader } from './toc.js'

/** How pg_dump's dumpTableData_copy ends a table's data; its three newlines are no rows. */
const COPY_END = Buffer.from('\\.\n\n\n')

/** Counts COPY text: its lines, less the terminator's, once the text is seen to end with the terminator. */
class CopyTally {
  private lines = 0
  private tail = Buffer.alloc(0)
  write(b: Buffer): void {
    for (let i = b.indexOf(10); i !== -1; i = b.indexOf(10, i + 1)) this.lines++
    this.tail = Buffer.concat([this.tail, b.subarray(Math.max(0, b.length - COPY_END.length))]).subarray(-COPY_END.length)
  }
  rows(file: string): number {
    if (!this.tail.equals(COPY_END)) throw new ArchiveCountError(`${file} does not end as COPY data does`)
    return this.lines - 3
  }
}

export interface TarCountOptions {
  /** The tar itself is gzip'd (a Render export). */
  gzip?: boolean
  /** The table data is INSERT statements (pg_dump --inserts and its kin). */
  inserts?: boolean
}

/**
 * Passes a tar through unchanged and counts the rows of the archive in it:
 * `directory` (toc.dat and its data files, toc.dat up to TOC_DEPTH levels
 * down) or `supabase` (schema.sql then data.sql at the root). After the
 * stream has ended, `counts()` says the rows or throws why it could not, and
 * `header()` what a directory archive's toc.dat says of the dump.
 */
export class TarArchiveCounter extends Transform implements ArchiveCounter {
  private readonly side: NodeJS.WritableStream
  private readonly tar: Extract = extract()
  /** Settles when the side read is over: the tar closed, or the side stopped on something that is no tar. */
  private readonly sideDone: Promise<void>
  private sideOver: () => void = () => undefined
  private problem: Error | undefined
  private toc: { dir: string; entries: TocEntry[]; header: ArchiveHeader } | undefined
  private tocs = 0
  /** Rows per data file, by its path without `.gz`. */
  private readonly files = new Map<string, number>()
  private readonly sql: SqlRowCounter
  private waiting: (() => void) | undefined

  constructor(
    private readonly layout: 'directory' | 'supabase',
    private readonly options: TarCountOptions = {}
  ) {
    super()
    this.sql = new SqlRowCounter(layout === 'supabase')
    this.sideDone = new Promise(resolve => (this.sideOver = resolve))
    this.tar.on('close', () => this.sideOver())
    this.tar.on('error', e => this.stopSide(new ArchiveCountError(`the tar is cut short or is not a tar (${e.message})`)))
    this.tar.on('entry', (header, entry, next) => {
      const name = header.name.replace(/^\.\//, '')
      // A tar cut short fails its entry too; the tar's own error says so.
      entry.on('error', () => undefined)
      const done = (e?: unknown): void => {
        if (e) this.fail(e)
        next()
      }
      if (header.type !== 'file' || this.problem) return void entry.on('end', () => done()).resume()
      try {
        this.entry(name, entry as unknown as NodeJS.ReadableStream, done)
      } catch (e) {
        done(e)
        entry.resume()
      }
    })
    if (options.gzip) {
      const gunzip = createGunzip()
      gunzip.on('error', e => this.stopSide(new ArchiveCountError(`it is not a gzip stream (${e.message})`)))
      gunzip.pipe(this.tar)
      this.side = gunzip
    } else this.side = this.tar
  }

  private entry(name: string, entry: NodeJS.ReadableStream, done: (e?: unknown) => void): void {
    if (this.layout === 'supabase') {
      if (name !== 'schema.sql' && name !== 'data.sql') return void entry.on('end', () => done()).resume()
      entry.on('data', (b: Buffer) => this.sql.write(b))
      entry.on('end', () => done())
      return
    }
    if (isToc(name)) {
      const parts: Buffer[] = []
      entry.on('data', (b: Buffer) => parts.push(b))
      entry.on('end', () => {
        try {
          const b = Buffer.concat(parts)
          const parsed = parseHead(b, FORMAT_DIRECTORY)
          const header = parseArchiveHeader(b)
          if (!parsed || !header) throw new ArchiveCountError(`its ${name} ends inside its table of contents`)
          this.tocs++
          this.toc = { dir: path.posix.dirname(name), entries: parsed.entries, header }
          done()
        } catch (e) {
          done(e)
        }
      })
      return
    }
    // Table data files are named by dump id; large objects' (blob_OID.dat) are not counted.
    const data = /^((?:.*\/)?\d+)\.dat(\.gz)?$/.exec(name)
    if (!data) return void entry.on('end', () => done()).resume()
    const tally = this.options.inserts ? new SqlRowCounter() : new CopyTally()
    let from: NodeJS.ReadableStream = entry
    if (data[2]) {
      const gz = createGunzip()
      entry.on('data', (b: Buffer) => {
        if (!gz.write(b)) {
          entry.pause()
          gz.once('drain', () => entry.resume())
        }
      })
      entry.on('end', () => gz.end())
      gz.on('error', (e: Error) => {
        done(new ArchiveCountError(`${name} is not gzip'd data (${e.message})`))
        entry.resume()
      })
      from = gz
    }
    from.on('data', (b: Buffer) => tally.write(b))
    from.on('end', () => {
      try {
        this.files.set(`${data[1]}.dat`, tally instanceof CopyTally ? tally.rows(name) : tally.insertedRows())
        done()
      } catch (e) {
        done(e instanceof ArchiveCountError ? e : new ArchiveCountError(`${name}: ${(e as Error).message}`))
      }
    })
  }

  private fail(e: unknown): void {
    this.problem ??= e instanceof ArchiveCountError ? e : new ArchiveCountError((e as Error).message)
  }

  /** The side read met something that is no tar (or no gzip): it stops, and the bytes only pass from then on. */
  private stopSide(e: Error): void {
    this.fail(e)
    this.dead = true
    this.release()
    this.sideOver()
  }

  private dead = false

  private release(): void {
    const w = this.waiting
    this.waiting = undefined
    w?.()
  }

  override _transform(chunk: Buffer, _e: BufferEncoding, cb: TransformCallback): void {
    // The side read keeps pace with the stream: the chunk moves on once the side has taken it.
    if (this.dead || this.side.write(chunk)) return cb(null, chunk)
    this.waiting = () => cb(null, chunk)
    this.side.once('drain', () => this.release())
  }

  override _flush(cb: TransformCallback): void {
    if (this.dead) return cb()
    this.side.end()
    void this.sideDone.then(() => cb())
  }

  /** What the directory archive's toc.dat says of the dump. */
  header(): ArchiveHeader {
    if (this.toc) return this.toc.header
    throw this.problem ?? new ArchiveCountError(`it holds no toc.dat within ${TOC_DEPTH} directory levels`)
  }

  counts(): TableCount[] {
    if (this.problem) throw this.problem
    if (this.layout === 'supabase') return this.sql.counts()
    if (!this.toc) throw new ArchiveCountError(`the tar holds no toc.dat within ${TOC_DEPTH} directory levels`)
    if (this.tocs > 1) throw new ArchiveCountError(`the tar holds ${this.tocs} toc.dat files; expected one`)
    const dir = this.toc.dir
    return tableCounts(this.toc.entries, e => {
      if (!e.filename) return undefined
      const file = dir === '.' ? e.filename : `${dir}/${e.filename}`
      const rows = this.files.get(file)
      if (rows === undefined) throw new ArchiveCountError(`the data file ${file} of ${e.namespace}.${e.tag} is not in the tar`)
      return rows
    })
  }
}
