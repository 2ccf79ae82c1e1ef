/**
 * Exact row counts read from SQL that pg_dump writes (`row-counts: archive`):
 * the plain format, Supabase's `schema.sql` + `data.sql`, and the INSERT
 * statements that `--inserts`, `--column-inserts` and `--rows-per-insert`
 * put in any format's table data.
 *
 * The text is read as psql reads it — quoted strings and identifiers,
 * dollar-quoted bodies, line and nested block comments, backslash commands —
 * so a function body that happens to hold `COPY … FROM stdin;` or a header
 * comment is never taken for data. pg_dump (pg_backup_archiver.c
 * _printTocEntry, PostgreSQL 15–17) heads every TOC entry of plain output
 * with `-- [Data for ]Name: TAG; Type: DESC; Schema: NS; Owner: …`; those
 * headers say which statements are a table's definition and which its data.
 * A COPY block's rows are its lines up to the `\.` line (COPY escapes
 * newlines and backslashes inside values); an INSERT's rows are its
 * top-level tuples after VALUES (one for `DEFAULT VALUES`).
 */
import { Transform, type TransformCallback } from 'node:stream'
import type { TableCount } from '../postgres/counts.js'

type Token = { kind: 'word' | 'ident'; text: string } | { kind: 'punct'; text: string }

const enum S {
  Normal,
  Word,
  Dash,
  LineComment,
  Slash,
  Block,
  BlockStar,
  BlockSlash,
  Quote,
  QuoteEnd,
  QuoteEscape,
  Ident,
  IdentEnd,
  DollarTag,
  DollarBody,
  DollarClose,
  Meta,
  CopyLineEnd,
  CopyData
}

/** Tokens kept per statement at its top level: enough for `CREATE UNLOGGED TABLE IF NOT EXISTS s.t` and `COPY s.t … FROM stdin`. */
const KEPT = 12
/** A header comment is short; a longer comment is no header and is not kept. */
const COMMENT_CAP = 2048
const HEADER = /^-- (Data for )?Name: (.*?); Type: (.*?); Schema: (.*?); Owner: /

const isWordByte = (c: number): boolean =>
  (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x24 || c >= 0x80
const isTagStart = (c: number): boolean => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c >= 0x80

/** A statement as far as counting needs it: its first top-level tokens and, for INSERT, its top-level tuples. */
interface Statement {
  tokens: Token[]
  depth: number
  partitionBy: boolean
  lastWord: string
  values: boolean
  tuples: number
}

const fresh = (): Statement => ({ tokens: [], depth: 0, partitionBy: false, lastWord: '', values: false, tuples: 0 })

/** A schema-qualified name at `at` in the tokens (`s.t`, `"S"."t"`, or `t` alone), and where it ends. */
function qualifiedName(t: Token[], at: number): { schema: string; name: string; end: number } | undefined {
  const part = (i: number): string | undefined => (t[i] && t[i].kind !== 'punct' ? t[i].text : undefined)
  const first = part(at)
  if (first === undefined) return undefined
  if (t[at + 1]?.kind === 'punct' && t[at + 1].text === '.') {
    const second = part(at + 2)
    if (second === undefined) return undefined
    return { schema: first, name: second, end: at + 3 }
  }
  return { schema: '', name: first, end: at + 1 }
}

const keyword = (t: Token | undefined, w: string): boolean => t?.kind === 'word' && t.text.toUpperCase() === w

/**
 * Reads SQL bytes as psql would and reports what counting needs: header
 * comments, finished statements, and the rows of each COPY block.
 */
class SqlReader {
  private s = S.Normal
  private word: number[] = []
  private ident: number[] = []
  private comment: number[] = []
  private tag: number[] = []
  private closeAt = 0
  private blockDepth = 0
  /** In a COPY block: bytes of `\.\n` matched at the current line's start (-1: inside a line). */
  private copyMatch = 0
  private copyRows = 0
  private stmt: Statement = fresh()

  constructor(
    private readonly on: {
      header(dataFor: boolean, tag: string, desc: string, schema: string): void
      statement(st: Statement): boolean
      copied(rows: number): void
    }
  ) {}

  /** Whether the text ended where a statement may end: not inside a string, comment or COPY block. */
  get atRest(): boolean {
    return (
      (this.s === S.Normal || this.s === S.Word || this.s === S.Dash || this.s === S.Slash || this.s === S.LineComment) &&
      !this.stmt.tokens.length
    )
  }

  write(b: Buffer): void {
    let i = 0
    const n = b.length
    while (i < n) {
      const c = b[i]
      switch (this.s) {
        case S.CopyData: {
          // Most of a data-only dump is here: a row costs one native newline search and a look at the next line's start.
          if (this.copyMatch >= 0) {
            const want = this.copyMatch === 0 ? 0x5c : this.copyMatch === 1 ? 0x2e : 0x0a
            if (c === want) {
              i++
              if (++this.copyMatch === 3) {
                this.on.copied(this.copyRows)
                this.s = S.Normal
              }
              continue
            }
            this.copyMatch = -1
            continue
          }
          const nl = b.indexOf(0x0a, i)
          if (nl === -1) {
            i = n
            continue
          }
          this.copyRows++
          this.copyMatch = 0
          i = nl + 1
          continue
        }
        case S.Normal:
          i++
          this.normal(c)
          continue
        case S.Word:
          if (isWordByte(c)) {
            if (this.word.length < 256) this.word.push(c)
            i++
            continue
          }
          this.endWord()
          continue
        case S.Dash:
          if (c === 0x2d) {
            this.s = S.LineComment
            this.comment = this.stmt.tokens.length ? [] : [0x2d, 0x2d]
            i++
            continue
          }
          this.punct('-')
          this.s = S.Normal
          continue
        case S.LineComment: {
          const nl = b.indexOf(0x0a, i)
          const end = nl === -1 ? n : nl
          if (this.comment.length && this.comment.length < COMMENT_CAP)
            for (let k = i; k < end && this.comment.length < COMMENT_CAP; k++) this.comment.push(b[k])
          i = end
          if (nl !== -1) {
            i++
            this.endComment()
          }
          continue
        }
        case S.Slash:
          if (c === 0x2a) {
            this.s = S.Block
            this.blockDepth = 1
            i++
            continue
          }
          this.punct('/')
          this.s = S.Normal
          continue
        case S.Block:
          i++
          if (c === 0x2a) this.s = S.BlockStar
          else if (c === 0x2f) this.s = S.BlockSlash
          continue
        case S.BlockStar:
          if (c === 0x2f) {
            i++
            this.s = --this.blockDepth === 0 ? S.Normal : S.Block
          } else this.s = S.Block
          continue
        case S.BlockSlash:
          if (c === 0x2a) {
            i++
            this.blockDepth++
          }
          this.s = S.Block
          continue
        case S.Quote: {
          const q = this.escapes ? this.nextOf(b, i, 0x27, 0x5c) : b.indexOf(0x27, i)
          if (q === -1) {
            i = n
            continue
          }
          i = q + 1
          this.s = b[q] === 0x5c ? S.QuoteEscape : S.QuoteEnd
          continue
        }
        case S.QuoteEscape:
          i++
          this.s = S.Quote
          continue
        case S.QuoteEnd:
          if (c === 0x27) {
            i++
            this.s = S.Quote
            continue
          }
          this.s = S.Normal
          this.atom()
          continue
        case S.Ident: {
          const q = b.indexOf(0x22, i)
          const end = q === -1 ? n : q
          for (let k = i; k < end && this.ident.length < 1024; k++) this.ident.push(b[k])
          i = end
          if (q !== -1) {
            i++
            this.s = S.IdentEnd
          }
          continue
        }
        case S.IdentEnd:
          if (c === 0x22) {
            this.ident.push(0x22)
            i++
            this.s = S.Ident
            continue
          }
          this.s = S.Normal
          this.token({ kind: 'ident', text: Buffer.from(this.ident).toString('utf8') })
          continue
        case S.DollarTag:
          if (c === 0x24) {
            i++
            this.s = S.DollarBody
            continue
          }
          if (this.tag.length ? isWordByte(c) && c !== 0x24 : isTagStart(c)) {
            this.tag.push(c)
            i++
            continue
          }
          // `$1` or `a$`: not a dollar quote. What was read is part of nothing counting needs.
          this.s = S.Normal
          this.atom()
          continue
        case S.DollarBody: {
          const d = b.indexOf(0x24, i)
          if (d === -1) {
            i = n
            continue
          }
          i = d + 1
          this.closeAt = 0
          this.s = this.tag.length ? S.DollarClose : S.Normal
          if (!this.tag.length) this.atom()
          continue
        }
        case S.DollarClose:
          if (this.closeAt === this.tag.length) {
            if (c === 0x24) {
              i++
              this.s = S.Normal
              this.atom()
            } else this.s = S.DollarBody
            continue
          }
          if (c === this.tag[this.closeAt]) {
            this.closeAt++
            i++
            continue
          }
          this.s = S.DollarBody
          continue
        case S.Meta: {
          const nl = b.indexOf(0x0a, i)
          i = nl === -1 ? n : nl + 1
          if (nl !== -1) this.s = S.Normal
          continue
        }
        case S.CopyLineEnd: {
          const nl = b.indexOf(0x0a, i)
          i = nl === -1 ? n : nl + 1
          if (nl !== -1) [this.s, this.copyMatch, this.copyRows] = [S.CopyData, 0, 0]
          continue
        }
      }
    }
  }

  /** Whether the current string takes backslash escapes (E'…'), and whether the byte before a quote was the word E. */
  private escapes = false
  private escapeNext = false

  private nextOf(b: Buffer, from: number, x: number, y: number): number {
    const p = b.indexOf(x, from)
    const q = b.indexOf(y, from)
    return p === -1 ? q : q === -1 ? p : Math.min(p, q)
  }

  private normal(c: number): void {
    const escapes = this.escapeNext
    this.escapeNext = false
    if (c <= 0x20) return
    if (c === 0x27) {
      this.escapes = escapes
      this.s = S.Quote
      return
    }
    if (c === 0x22) {
      this.ident = []
      this.s = S.Ident
      return
    }
    if (c === 0x2d) return void (this.s = S.Dash)
    if (c === 0x2f) return void (this.s = S.Slash)
    if (c === 0x24) {
      this.tag = []
      this.s = S.DollarTag
      return
    }
    if (c === 0x5c) return void (this.s = S.Meta)
    if (isWordByte(c)) {
      this.word = [c]
      this.s = S.Word
      return
    }
    this.punct(String.fromCharCode(c))
  }

  private endWord(): void {
    const w = Buffer.from(this.word).toString('utf8')
    this.s = S.Normal
    // E'…' takes backslash escapes; the quote follows the E directly.
    this.token({ kind: 'word', text: w })
    this.escapeNext = w === 'E' || w === 'e'
  }

  /** A string or a parameter: nothing counting reads, but it separates words. */
  private atom(): void {
    this.stmt.lastWord = ''
  }

  private punct(ch: string): void {
    const st = this.stmt
    st.lastWord = ''
    if (ch === '(') {
      if (st.depth === 0 && st.values) st.tuples++
      st.depth++
      return
    }
    if (ch === ')') {
      st.depth = Math.max(0, st.depth - 1)
      return
    }
    if (ch === ';' && st.depth === 0) {
      const copy = this.on.statement(st)
      this.stmt = fresh()
      if (copy) this.s = S.CopyLineEnd
      return
    }
    if (st.depth === 0) this.keep({ kind: 'punct', text: ch })
  }

  private token(t: Token): void {
    const st = this.stmt
    if (st.depth > 0) return
    if (t.kind === 'word') {
      const up = t.text.toUpperCase()
      if (up === 'BY' && st.lastWord === 'PARTITION') st.partitionBy = true
      if (up === 'VALUES') st.values = true
      st.lastWord = up
    } else st.lastWord = ''
    this.keep(t)
  }

  private keep(t: Token): void {
    if (this.stmt.tokens.length < KEPT) this.stmt.tokens.push(t)
  }

  private endComment(): void {
    this.s = S.Normal
    const text = this.comment.length < COMMENT_CAP ? Buffer.from(this.comment).toString('utf8') : ''
    this.comment = []
    const m = HEADER.exec(text)
    if (m) this.on.header(m[1] !== undefined, m[2], m[3], m[4])
  }
}

/**
 * Counts the rows of every table in SQL pg_dump wrote, fed as it streams
 * (`write`), possibly as several files in order (Supabase's schema.sql, then
 * data.sql). `counts()` lists every ordinary table and leaf partition the SQL
 * defines — or, in a data-only dump, every table it holds data of — with
 * `rows: null` for one whose data it does not hold.
 */
export class SqlRowCounter {
  private readonly reader: SqlReader
  private entry: { desc: string; key: string } | undefined
  private readonly defined = new Map<string, { schema: string; name: string }>()
  private readonly dataNames = new Map<string, { schema: string; name: string }>()
  private readonly rows = new Map<string, number>()

  /**
   * `withData`: list the tables the SQL holds data of besides those it
   * defines — Supabase's data.sql holds rows of auth and storage tables whose
   * definitions the platform owns and schema.sql leaves out. Otherwise those
   * are listed only when the SQL defines no table at all (a data-only dump):
   * pg_dump also writes the data of extension configuration tables, which
   * are the extension's, not the database's own.
   */
  constructor(private readonly withData = false) {
    this.reader = new SqlReader({
      header: (dataFor, tag, desc, schema) => {
        this.entry = { desc, key: `${schema}\0${tag}` }
        if (dataFor && desc === 'TABLE DATA') this.rows.set(this.entry.key, this.rows.get(this.entry.key) ?? 0)
      },
      statement: st => this.statement(st),
      copied: n => this.add(n)
    })
  }

  write(b: Buffer): void {
    this.reader.write(b)
  }

  private statement(st: Statement): boolean {
    const t = st.tokens
    if (keyword(t[0], 'COPY')) {
      const q = qualifiedName(t, 1)
      const stdin = q && keyword(t[q.end], 'FROM') && keyword(t[q.end + 1], 'STDIN')
      if (!stdin) return false
      this.dataOf(q)
      return true
    }
    if (keyword(t[0], 'INSERT') && keyword(t[1], 'INTO')) {
      const q = qualifiedName(t, 2)
      if (!q) return false
      this.dataOf(q)
      const defaults = t.some((x, i) => keyword(x, 'DEFAULT') && keyword(t[i + 1], 'VALUES'))
      this.add(defaults ? 1 : st.tuples)
      return false
    }
    if (keyword(t[0], 'CREATE') && this.entry?.desc === 'TABLE') {
      let i = 1
      while (['UNLOGGED', 'TEMP', 'TEMPORARY', 'GLOBAL', 'LOCAL'].some(w => keyword(t[i], w))) i++
      if (!keyword(t[i], 'TABLE')) return false
      i++
      if (keyword(t[i], 'IF') && keyword(t[i + 1], 'NOT') && keyword(t[i + 2], 'EXISTS')) i += 3
      const q = qualifiedName(t, i)
      if (q && !st.partitionBy) this.defined.set(this.entry.key, { schema: q.schema, name: q.name })
    }
    return false
  }

  /** The statement is data of the current entry (or, in SQL without headers, of the table it names). */
  private dataOf(q: { schema: string; name: string }): void {
    if (!this.entry || this.entry.desc !== 'TABLE DATA') {
      this.entry = { desc: 'TABLE DATA', key: `${q.schema}\0${q.name}` }
      this.rows.set(this.entry.key, this.rows.get(this.entry.key) ?? 0)
    }
    if (!this.dataNames.has(this.entry.key)) this.dataNames.set(this.entry.key, { schema: q.schema, name: q.name })
  }

  private add(n: number): void {
    if (this.entry?.desc === 'TABLE DATA') this.rows.set(this.entry.key, (this.rows.get(this.entry.key) ?? 0) + n)
  }

  /** Rows of INSERT statements alone (one table's data in a custom or directory archive made with --inserts). */
  insertedRows(): number {
    if (!this.reader.atRest) throw new Error('the data ends inside a statement')
    let n = 0
    for (const v of this.rows.values()) n += v
    return n
  }

  counts(): TableCount[] {
    if (!this.reader.atRest) throw new Error('the SQL ends inside a statement, string or COPY block')
    const defined = [...this.defined].map(([key, t]) => ({ ...t, rows: this.rows.get(key) ?? null }))
    const data = [...this.rows]
      .filter(([key]) => !this.defined.has(key))
      .map(([key, rows]) => {
        const [schema, name] = key.split('\0')
        return { ...(this.dataNames.get(key) ?? { schema, name }), rows }
      })
    const tables = this.withData || !defined.length ? [...defined, ...data] : defined
    return tables.sort((a, b) => (a.schema === b.schema ? cmp(a.name, b.name) : cmp(a.schema, b.schema)))
  }
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** Passes plain-format SQL through unchanged and counts it on the way (see SqlRowCounter). */
export class PlainSqlCounter extends Transform {
  private readonly sql = new SqlRowCounter()
  private problem: Error | undefined

  override _transform(chunk: Buffer, _e: BufferEncoding, cb: TransformCallback): void {
    this.see(chunk)
    cb(null, chunk)
  }

  /** The reader keeps bytes it needs (a name, a comment) as its own copies. */
  see(piece: Buffer): void {
    if (this.problem) return
    try {
      this.sql.write(piece)
    } catch (e) {
      this.problem = e as Error
    }
  }

  counts(): TableCount[] {
    if (this.problem) throw this.problem
    return this.sql.counts()
  }
}
