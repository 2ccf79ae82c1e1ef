import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { Readable, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { gzipSync } from 'node:zlib'
import { pack } from 'tar-stream'
import { TocWatch, parseArchiveHeader, tocDirectory } from '../../../src/stages/toc.js'
import { FIXTURES } from '../../helpers/stack.js'

// The header of a real pg_dump 15 toc.dat, and finding it inside tars shaped like Render's exports.
const toc = fs.readFileSync(path.join(FIXTURES, 'toc-pg15.dat'))
const HEADER = {
  archiveVersion: '1.14',
  database: 'tiny',
  serverVersion: '15.18 (Debian 15.18-0+deb12u1)',
  dumpVersion: '15.18 (Debian 15.18-0+deb12u1)'
}

async function tarGz(files: Record<string, Buffer>): Promise<Buffer> {
  const p = pack()
  for (const [name, body] of Object.entries(files)) p.entry({ name }, body)
  p.finalize()
  const parts: Buffer[] = []
  for await (const chunk of p as AsyncIterable<Buffer>) parts.push(chunk)
  return gzipSync(Buffer.concat(parts))
}

/** Passes `bytes` through a TocWatch in small pieces; returns what came out and what it found. */
async function watch(bytes: Buffer) {
  const w = new TocWatch()
  const out: Buffer[] = []
  const pieces = Array.from({ length: Math.ceil(bytes.length / 1000) }, (_, i) => bytes.subarray(i * 1000, (i + 1) * 1000))
  await pipeline(Readable.from(pieces), w, new Writable({ write: (c: Buffer, _e, cb) => (out.push(c), cb()) }))
  return { out: Buffer.concat(out), header: () => w.header() }
}

describe('parseArchiveHeader', () => {
  it("reads the database, the server's and pg_dump's versions from a real toc.dat", () => {
    expect(parseArchiveHeader(toc)).toEqual(HEADER)
  })

  it('waits for more bytes while the header is incomplete', () => {
    for (const n of [0, 5, 11, 40, 70]) expect(parseArchiveHeader(toc.subarray(0, n))).toBeUndefined()
  })

  it('refuses what is not a pg_dump archive', () => {
    expect(() => parseArchiveHeader(Buffer.from('-- PostgreSQL database dump\n'))).toThrow(/PGDMP magic/)
  })
})

describe('TocWatch', () => {
  it('finds toc.dat two directories down and passes every byte through unchanged', async () => {
    const data = Buffer.alloc(300_000, 7)
    const bytes = await tarGz({ 'export/shop/3338.dat.gz': data, 'export/shop/toc.dat': toc })
    const r = await watch(bytes)
    expect(r.out.equals(bytes)).toBe(true)
    expect(r.header()).toEqual(HEADER)
  })

  it('finds it at the top too (this action’s own directory tars)', async () => {
    expect((await watch(await tarGz({ './toc.dat': toc }))).header()).toEqual(HEADER)
  })

  it('does not take a toc.dat three directories down', async () => {
    const r = await watch(await tarGz({ 'a/b/c/toc.dat': toc }))
    expect(() => r.header()).toThrow('it holds no toc.dat within 2 directory levels')
  })

  it('says when the stream is not gzip, or a toc.dat is not an archive', async () => {
    const notGzip = await watch(Buffer.from('plain text, not a gzip stream'))
    expect(() => notGzip.header()).toThrow(/not a gzip stream/)
    const junk = await watch(await tarGz({ 'export/toc.dat': Buffer.from('x'.repeat(100)) }))
    expect(() => junk.header()).toThrow(/its export\/toc.dat: it does not start with the PGDMP magic/)
  })
})

describe('tocDirectory', () => {
  const tree = (files: string[]): string => {
    const top = fs.mkdtempSync(path.join(os.tmpdir(), 'pgba-toc-'))
    for (const f of files) {
      fs.mkdirSync(path.dirname(path.join(top, f)), { recursive: true })
      fs.writeFileSync(path.join(top, f), '')
    }
    return top
  }

  it.each([
    [['toc.dat'], ''],
    [['db/toc.dat'], 'db'],
    [['export/db/toc.dat', 'export/readme'], 'export/db']
  ])('%j → the directory holding toc.dat', (files, expected) => {
    const top = tree(files)
    expect(tocDirectory(top)).toBe(path.join(top, expected))
  })

  it('refuses two archives side by side and one too deep', () => {
    expect(() => tocDirectory(tree(['a/toc.dat', 'b/toc.dat']))).toThrow('2 toc.dat files at the same depth')
    expect(() => tocDirectory(tree(['a/b/c/toc.dat']))).toThrow('no toc.dat within 2 directory levels')
  })
})
