import { Readable, Writable, type Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'

/**
 * The rows of the database behind the tiny-*-pg15 fixtures written with
 * --exclude-table-data=skipped (see __tests__/fixtures/README.md): what every
 * archive-count reader must find in them.
 */
export const TINY_TABLES = [
  { schema: 'public', name: 'Odd "name"', rows: 3 },
  { schema: 'public', name: 'empty', rows: 0 },
  { schema: 'public', name: 'nocols', rows: 2 },
  { schema: 'public', name: 'p1', rows: 10 },
  { schema: 'public', name: 'skipped', rows: null },
  { schema: 'public', name: 't', rows: 25 }
]

/** Streams `bytes` through `stage` in pieces of `piece` bytes; resolves to what came out. */
export async function throughInPieces(bytes: Buffer, piece: number, stage: Transform): Promise<Buffer> {
  const out: Buffer[] = []
  const pieces = Array.from({ length: Math.ceil(bytes.length / piece) }, (_, i) => bytes.subarray(i * piece, (i + 1) * piece))
  await pipeline(Readable.from(pieces), stage, new Writable({ write: (c: Buffer, _e, cb) => (out.push(c), cb()) }))
  return Buffer.concat(out)
}

/**
 * Hands `bytes` to `see` in pieces of `piece` bytes, each read into the same memory and overwritten as soon as `see`
 * returns, as PooledOutput reuses its buffers: a reader that kept a piece would read garbage later.
 */
export function seenInOneBuffer(bytes: Buffer, piece: number, see: (piece: Buffer) => void): void {
  const memory = Buffer.alloc(piece)
  for (let at = 0; at < bytes.length; at += piece) {
    const n = bytes.copy(memory, 0, at, at + piece)
    see(memory.subarray(0, n))
    memory.fill(0xff)
  }
}
