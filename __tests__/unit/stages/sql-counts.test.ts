import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { PlainSqlCounter, SqlRowCounter } from '../../../src/stages/sql-counts.js'
import { FIXTURES } from '../../helpers/stack.js'
import { TINY_TABLES, seenInOneBuffer } from '../../helpers/tiny-fixture.js'

// Row counts read from real pg_dump 15 plain-format output, whatever the pieces the text arrives in. The database has a
// function whose body holds a header comment and a COPY block, rows holding `COPY … FROM stdin;` and `\.`, a quoted
// table name, a column named "values", a table without columns, a leaf partition and a large object.

function count(text: Buffer, piece: number): SqlRowCounter {
  const c = new SqlRowCounter()
  for (let i = 0; i < text.length; i += piece) c.write(text.subarray(i, i + piece))
  return c
}

describe('SqlRowCounter', () => {
  it.each([
    ['COPY blocks (plain format)', 'tiny-plain-pg15.sql'],
    ['INSERT statements of --rows-per-insert=3', 'tiny-inserts-pg15.sql']
  ])('counts %s in pieces of 1 to 65536 bytes', (_what, file) => {
    const text = fs.readFileSync(path.join(FIXTURES, file))
    for (const piece of [1, 2, 3, 7, 100, 65536]) expect(count(text, piece).counts()).toEqual(TINY_TABLES)
  })

  it.each(['tiny-plain-pg15.sql', 'tiny-inserts-pg15.sql'])(
    'counts %s seen piece by piece in memory that is read into again (PooledOutput)',
    file => {
      const text = fs.readFileSync(path.join(FIXTURES, file))
      for (const piece of [1, 3, 100, 65536]) {
        const counter = new PlainSqlCounter()
        seenInOneBuffer(text, piece, p => counter.see(p))
        expect(counter.counts()).toEqual(TINY_TABLES)
      }
    }
  )

  it('reads quotes, dollar quotes, E-strings and comments as psql does', () => {
    const sql = Buffer.from(
      [
        '--\n-- Name: a; Type: TABLE; Schema: s; Owner: o\n--\n',
        "CREATE TABLE s.a (x text DEFAULT $x$ ; $$ ( $x$, y text DEFAULT E'\\' ;', z text DEFAULT '''; (');\n",
        '--\n-- Name: b; Type: TABLE; Schema: s; Owner: o\n--\n',
        '/* a /* nested */ comment; COPY s.a FROM stdin; */ CREATE UNLOGGED TABLE "s"."b" (x int) PARTITION BY LIST (x);\n',
        '--\n-- Data for Name: a; Type: TABLE DATA; Schema: s; Owner: o\n--\n',
        "INSERT INTO s.a VALUES ($$a$$, $1$$, '('), (E'\\'(', NULL, ROW(1, 2)::text);\n",
        "INSERT INTO s.a (x, y, z) OVERRIDING SYSTEM VALUE VALUES ('1', '2', '3') ON CONFLICT DO NOTHING;\n",
        '\\unrestrict abc\n'
      ].join('')
    )
    for (const piece of [1, 5, 4096]) expect(count(sql, piece).counts()).toEqual([{ schema: 's', name: 'a', rows: 3 }])
  })

  it('lists the tables of a data-only dump from its data', () => {
    const text = fs.readFileSync(path.join(FIXTURES, 'tiny-plain-pg15.sql')).toString()
    const dataOnly = text.slice(text.indexOf('-- Data for Name: Odd'))
    expect(count(Buffer.from(dataOnly), 64).counts()).toEqual(TINY_TABLES.filter(t => t.rows !== null))
  })

  it('says when the SQL stops inside a COPY block or a string', () => {
    const text = fs.readFileSync(path.join(FIXTURES, 'tiny-plain-pg15.sql'))
    const cut = text.indexOf('25\trow 25')
    expect(() => count(text.subarray(0, cut), 512).counts()).toThrow(/ends inside/)
    expect(() => count(Buffer.from("INSERT INTO t VALUES ('open"), 512).counts()).toThrow(/ends inside/)
  })
})
