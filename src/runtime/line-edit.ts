import { Transform, type TransformCallback } from 'node:stream'

/**
 * Edits whole lines of a SQL stream. Only lines that start with one of `starts`
 * are handed to `edit`; the others pass as they are, found with indexOf, so a
 * large data dump costs a scan, not a split. Bytes are read as latin1, one
 * character each, so a dump in any encoding — and a character split between
 * two chunks — comes out byte for byte as it went in; the edits are ASCII.
 */
export class LineEdit extends Transform {
  private carry = ''
  constructor(
    private readonly starts: readonly string[],
    private readonly edit: (line: string) => string
  ) {
    super()
  }
  override _transform(chunk: Buffer, _e: BufferEncoding, cb: TransformCallback): void {
    const text = this.carry + chunk.toString('latin1')
    const end = text.lastIndexOf('\n') + 1
    this.carry = text.slice(end)
    cb(null, Buffer.from(this.apply(text.slice(0, end)), 'latin1'))
  }
  override _flush(cb: TransformCallback): void {
    cb(null, Buffer.from(this.apply(this.carry), 'latin1'))
  }
  private apply(text: string): string {
    if (!this.starts.some(s => text.startsWith(s) || text.includes(`\n${s}`))) return text
    return text
      .split('\n')
      .map(l => (this.starts.some(s => l.startsWith(s)) ? this.edit(l) : l))
      .join('\n')
  }
}

/** pg_dump's `\restrict KEY` / `\unrestrict KEY` lines (PostgreSQL 17.6, 16.10, 15.14 …) commented out, as Supabase's CLI does, so any psql replays the file. */
export const restrictLines = (): LineEdit => new LineEdit(['\\restrict ', '\\unrestrict '], l => `-- ${l}`)
