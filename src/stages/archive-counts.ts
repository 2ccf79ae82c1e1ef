/**
 * Exact row counts read from a pg_dump custom-format archive as it streams
 * (`row-counts: archive`): the source is read once, by pg_dump, and the counts
 * are what the archive holds, in its own snapshot by construction.
 *
 * The layout, as pg_backup_archiver.c and pg_backup_custom.c (PostgreSQL
 * 15–17) write it to a pipe: the header (see toc.ts), the TOC (a count, then
 * per entry: dumpId, hadDumper, tableoid, oid, tag, desc, section, defn,
 * dropStmt, copyStmt, namespace, tablespace, tableam, relkind (1.16+), owner,
 * "false", the dependency ids ended by a null string, and the custom format's
 * data state byte and offset), then the data blocks: a type byte (1 table
 * data, 3 large objects) and the dumpId, then length-prefixed chunks ended by
 * a zero length (large objects: per object its oid and such chunks, ended by
 * oid 0). With `-Z0` a table's chunks are its COPY text: one line per row
 * (COPY escapes newlines inside values), so rows are counted as newlines,
 * less the three of the terminator pg_dump ends each table's data with.
 */
import { Transform, type TransformCallback } from 'node:stream'
import type { TableCount } from '../postgres/counts.js'
import { SqlRowCounter } from './sql-counts.js'

export interface TocEntry {
  dumpId: number
  tag: string
  desc: string
  defn: string
  /** The COPY statement of a table's data; empty when the data is INSERT statements (pg_dump --inserts). */
  copyStmt: string
  namespace: string
  /** The directory format's data file of the entry (`3364.dat`), empty when it has none. */
  filename: string
}

/** A stream stage that passes an archive through unchanged and, once it has ended, says the rows of each table it holds. */
export interface ArchiveCounter extends Transform {
  counts(): TableCount[]
  /** Counts a piece as the stream passes it, keeping none of its memory, which the caller reads into again (PooledOutput); offered by the counters that can. */
  see?(piece: Buffer): void
}

const BLK_DATA = 1
const BLK_BLOBS = 3
/** How pg_dump's dumpTableData_copy ends each table's data in an archive; a row is never `\.` (COPY escapes the backslash). */
const COPY_END = Buffer.from('\\.\n\n\n')

/** Why the archive could not be counted: the stream is still passed on; the counts say nothing then. */
export class ArchiveCountError extends Error {}

/** Reads ints and strings of the archive from a growing buffer; `undefined` means "not enough bytes yet". */
class Cursor {
  at = 0
  constructor(
    readonly b: Buffer,
    readonly intSize: number
  ) {}
  byte(): number | undefined {
    return this.at < this.b.length ? this.b[this.at++] : undefined
  }
  int(): number | undefined {
    if (this.at + 1 + this.intSize > this.b.length) return undefined
    const v = readInt(this.b, this.at, this.intSize)
    this.at += 1 + this.intSize
    return v
  }
  str(): string | null | undefined {
    const len = this.int()
    if (len === undefined) return undefined
    if (len < 0) return null
    if (this.at + len > this.b.length) return undefined
    const s = this.b.toString('utf8', this.at, this.at + len)
    this.at += len
    return s
  }
}

const FORMAT_CUSTOM = 1
/** The format byte of a directory archive's toc.dat, as pg_dump 15 writes it (the fixture tiny-directory-pg15.tar). */
export const FORMAT_DIRECTORY = 3

/**
 * Parses header and TOC from the start of a custom-format archive or a
 * directory archive's toc.dat; undefined until `b` holds all of them. The
 * formats differ in what ends each entry: the custom format's data state and
 * offset, the directory format's data file name.
 */
export function parseHead(
  b: Buffer,
  format: typeof FORMAT_CUSTOM | typeof FORMAT_DIRECTORY = FORMAT_CUSTOM
): { entries: TocEntry[]; end: number; intSize: number } | undefined {
  if (b.length < 11) return undefined
  if (b.toString('latin1', 0, 5) !== 'PGDMP') throw new ArchiveCountError('not a pg_dump archive (no PGDMP magic)')
  const [major, minor, , intSize, offSize, got] = [b[5], b[6], b[7], b[8], b[9], b[10]]
  if (major !== 1 || minor < 14 || minor > 16)
    throw new ArchiveCountError(`archive version ${major}.${minor} is not one this action counts (1.14–1.16)`)
  if (got !== format)
    throw new ArchiveCountError(`archive format ${got} is not the ${format === FORMAT_CUSTOM ? 'custom' : 'directory'} format`)
  const c = new Cursor(b, intSize)
  c.at = 11
  const need = <T>(v: T | undefined): T => {
    if (v === undefined) throw INCOMPLETE
    return v
  }
  try {
    if (minor >= 15) need(c.byte())
    else need(c.int())
    for (let i = 0; i < 7; i++) need(c.int())
    for (let i = 0; i < 3; i++) need(c.str())
    const count = need(c.int())
    const entries: TocEntry[] = []
    for (let n = 0; n < count; n++) {
      const dumpId = need(c.int())
      need(c.int())
      need(c.str())
      need(c.str())
      const tag = need(c.str()) ?? ''
      const desc = need(c.str()) ?? ''
      need(c.int())
      const defn = need(c.str()) ?? ''
      need(c.str())
      const copyStmt = need(c.str()) ?? ''
      const namespace = need(c.str()) ?? ''
      need(c.str())
      need(c.str())
      if (minor >= 16) need(c.int())
      need(c.str())
      need(c.str())
      while (need(c.str()) !== null);
      let filename = ''
      if (format === FORMAT_DIRECTORY) filename = need(c.str()) ?? ''
      else {
        need(c.byte())
        if (c.at + offSize > b.length) throw INCOMPLETE
        c.at += offSize
      }
      entries.push({ dumpId, tag, desc, defn, copyStmt, namespace, filename })
    }
    return { entries, end: c.at, intSize }
  } catch (e) {
    if (e === INCOMPLETE) return undefined
    throw e
  }
}
const INCOMPLETE = new Error('incomplete')

/**
 * Passes a custom-format archive through unchanged and counts each table's
 * rows on the way. After the stream ended, `counts()` lists every ordinary
 * table and leaf partition the archive defines — `rows: null` for one whose
 * data it does not hold — or throws why it could not count.
 */
export class CustomArchiveCounter extends Transform implements ArchiveCounter {
  private head: Buffer[] = []
  private headBytes = 0
  private entries: TocEntry[] | undefined
  private byId = new Map<number, TocEntry>()
  /** The current block's INSERT statements (a table dumped with --inserts), counted as SQL. */
  private sql: SqlRowCounter | undefined
  private intSize = 4
  private readonly rows = new Map<number, number>()
  private problem: Error | undefined
  /** Data phase: bytes of the current piece still to come, and what they are. */
  private pending: Buffer = Buffer.alloc(0)
  private state: 'block' | 'chunk-len' | 'chunk' | 'blob-oid' = 'block'
  private block: { type: number; dumpId: number } | undefined
  private left = 0
  /** The current chunk when it is no longer than the terminator, whether the last chunk was the terminator, and the table's newlines so far. */
  private readonly tiny: Buffer = Buffer.alloc(COPY_END.length)
  private tinyLen = 0
  private ended = false
  private counted = 0

  override _transform(chunk: Buffer, _e: BufferEncoding, cb: TransformCallback): void {
    this.see(chunk)
    cb(null, chunk)
  }

  /** What it keeps of a piece (the head until the TOC is whole, a length cut by the piece's end) it copies. */
  see(piece: Buffer): void {
    if (this.problem) return
    try {
      this.scan(piece)
    } catch (e) {
      this.problem = e instanceof ArchiveCountError ? e : new ArchiveCountError((e as Error).message)
    }
  }

  private scan(chunk: Buffer): void {
    if (!this.entries) {
      this.head.push(chunk)
      this.headBytes += chunk.length
      const all = Buffer.concat(this.head, this.headBytes)
      const parsed = parseHead(all)
      if (!parsed) {
        this.head = [all]
        return
      }
      this.entries = parsed.entries
      this.byId = new Map(parsed.entries.map(e => [e.dumpId, e]))
      this.intSize = parsed.intSize
      this.head = []
      chunk = all.subarray(parsed.end)
    }
    this.data(chunk)
  }

  /**
   * The data blocks. With -Z0 pg_dump writes a chunk per row, so the small
   * pieces (a length, an oid, a block header) are read in place whenever the
   * piece lies within one buffer; only one that straddles two is gathered.
   */
  private data(chunk: Buffer): void {
    let at = 0
    while (at < chunk.length) {
      if (this.state === 'chunk-len' && !this.pending.length && !this.sql && this.block!.type === BLK_DATA) {
        at = this.copyRows(chunk, at)
        if (at >= chunk.length) break
      }
      if (this.state === 'chunk') {
        const take = Math.min(this.left, chunk.length - at)
        if (this.sql) this.sql.write(chunk.subarray(at, at + take))
        else if (this.block!.type === BLK_DATA) {
          this.counted += newlines(chunk, at, at + take)
          // pg_dump writes the terminator as a chunk of its own: only chunks that short are kept, so a row costs nothing here.
          if (this.tinyLen) chunk.copy(this.tiny, this.tinyLen - this.left, at, at + take)
        }
        at += take
        this.left -= take
        if (this.left === 0) {
          this.ended = this.tinyLen === COPY_END.length && this.tiny.equals(COPY_END)
          this.state = 'chunk-len'
        }
        continue
      }
      const size = this.state === 'block' ? 2 + this.intSize : 1 + this.intSize
      let piece: Buffer
      let from: number
      if (!this.pending.length && at + size <= chunk.length) {
        ;[piece, from] = [chunk, at]
        at += size
      } else {
        const got = chunk.subarray(at, at + size - this.pending.length)
        at += got.length
        this.pending = Buffer.concat([this.pending, got])
        if (this.pending.length < size) continue
        ;[piece, from, this.pending] = [this.pending, 0, Buffer.alloc(0)]
      }
      this.piece(piece, from)
    }
  }

  /**
   * The common case, kept tight: COPY rows whose length and text lie whole
   * in `b` from `at`. A row's text ends with its one newline (COPY escapes
   * those inside values), so one search from its start usually finds it at
   * its end. Stops before anything else — a chunk no longer than the
   * terminator, the block's end, a piece cut by the buffer's end — and
   * returns where, for the general path.
   */
  private copyRows(b: Buffer, at: number): number {
    const size = 1 + this.intSize
    let counted = this.counted
    let rows = false
    while (at + size <= b.length) {
      const len = readInt(b, at, this.intSize)
      const from = at + size
      const to = from + len
      if (len <= COPY_END.length || to > b.length) break
      const nl = b.indexOf(10, from)
      if (nl === to - 1) counted++
      else if (nl !== -1 && nl < to) counted += newlines(b, from, to)
      at = to
      rows = true
    }
    this.counted = counted
    if (rows) this.ended = false
    return at
  }

  /** A block header, a large object's oid or a chunk length, at `from` in `b`. */
  private piece(b: Buffer, from: number): void {
    if (this.state === 'block') {
      const type = b[from]
      const dumpId = readInt(b, from + 1, this.intSize)
      if (type !== BLK_DATA && type !== BLK_BLOBS) throw new ArchiveCountError(`unexpected data block type ${type}`)
      this.block = { type, dumpId }
      const e = this.byId.get(dumpId)
      this.sql = type === BLK_DATA && e && !e.copyStmt ? new SqlRowCounter() : undefined
      this.ended = false
      this.counted = 0
      this.state = type === BLK_BLOBS ? 'blob-oid' : 'chunk-len'
    } else if (this.state === 'blob-oid') {
      this.state = readInt(b, from, this.intSize) === 0 ? 'block' : 'chunk-len'
    } else {
      const len = readInt(b, from, this.intSize)
      if (len < 0) throw new ArchiveCountError('a compressed data chunk: archive counting needs pg_dump -Z0')
      if (len > 0) [this.state, this.left, this.tinyLen] = ['chunk', len, len <= COPY_END.length ? len : 0]
      else if (this.block!.type === BLK_BLOBS) this.state = 'blob-oid'
      else {
        // The table's data ends: its terminator's three newlines are no rows.
        const id = this.block!.dumpId
        if (this.sql) this.rows.set(id, (this.rows.get(id) ?? 0) + insertedRows(this.sql, id))
        else if (!this.ended) throw new ArchiveCountError(`the data of dump entry ${id} does not end as COPY data does`)
        else this.rows.set(id, (this.rows.get(id) ?? 0) + this.counted - 3)
        this.state = 'block'
      }
    }
  }

  counts(): TableCount[] {
    if (this.problem) throw this.problem
    if (!this.entries) throw new ArchiveCountError('the archive ended before its table of contents')
    if (this.state !== 'block' || this.pending.length) throw new ArchiveCountError('the archive ended inside a data block')
    return tableCounts(this.entries, e => this.rows.get(e.dumpId))
  }
}

function insertedRows(sql: SqlRowCounter, id: number): number {
  try {
    return sql.insertedRows()
  } catch (e) {
    throw new ArchiveCountError(`the INSERT statements of dump entry ${id}: ${(e as Error).message}`)
  }
}

/**
 * Every ordinary table and leaf partition an archive's TOC defines, with the
 * rows `rowsOf` found in its data entry (0 for one whose data held none,
 * null for one the archive holds no data of). A data-only archive defines no
 * tables: then the tables are those it holds data of.
 */
export function tableCounts(entries: readonly TocEntry[], rowsOf: (data: TocEntry) => number | undefined): TableCount[] {
  const data = entries.filter(e => e.desc === 'TABLE DATA')
  const byName = new Map(data.map(e => [`${e.namespace}\0${e.tag}`, e]))
  const tables = entries.filter(e => e.desc === 'TABLE' && !/\)\s*PARTITION BY /i.test(e.defn))
  const listed = tables.length
    ? tables.map(e => {
        const d = byName.get(`${e.namespace}\0${e.tag}`)
        return { schema: e.namespace, name: e.tag, rows: d ? (rowsOf(d) ?? 0) : null }
      })
    : data.map(e => ({ schema: e.namespace, name: e.tag, rows: rowsOf(e) ?? 0 }))
  return listed.sort((a, b) => (a.schema === b.schema ? cmp(a.name, b.name) : cmp(a.schema, b.schema)))
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** An archive int at `at`: a sign byte, then `size` bytes little-endian. */
function readInt(b: Buffer, at: number, size: number): number {
  let v = 0
  for (let i = size - 1; i >= 0; i--) v = v * 256 + b[at + 1 + i]
  return b[at] !== 0 ? -v : v
}

function newlines(b: Buffer, from: number, to: number): number {
  let n = 0
  for (let i = b.indexOf(10, from); i !== -1 && i < to; i = b.indexOf(10, i + 1)) n++
  return n
}
