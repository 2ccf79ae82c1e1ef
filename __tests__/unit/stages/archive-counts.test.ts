import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { CustomArchiveCounter } from '../../../src/stages/archive-counts.js'
import { FIXTURES } from '../../helpers/stack.js'
import { TINY_TABLES, seenInOneBuffer, throughInPieces } from '../../helpers/tiny-fixture.js'

// Row counts read from a real pg_dump 15 custom-format archive, whatever the pieces the stream arrives in.
const archive = fs.readFileSync(path.join(FIXTURES, 'tiny-pg15.dump'))
const EXPECTED = [
  { schema: 'public', name: 'empty', rows: 0 },
  { schema: 'public', name: 'p1', rows: 10 },
  { schema: 'public', name: 'skipped', rows: null },
  { schema: 'public', name: 't', rows: 25 }
]

async function count(bytes: Buffer, piece: number) {
  const counter = new CustomArchiveCounter()
  const passed = await throughInPieces(bytes, piece, counter)
  return { passed, counts: () => counter.counts() }
}

describe('CustomArchiveCounter', () => {
  it.each([1, 3, 7, 100, 65536])(
    'counts every table (empty ones, a leaf partition, excluded data as null) in pieces of %i bytes',
    async piece => {
      const r = await count(archive, piece)
      expect(r.passed.equals(archive)).toBe(true)
      expect(r.counts()).toEqual(EXPECTED)
    }
  )

  it.each([1, 5, 65536])('counts the INSERT statements of an archive made with --column-inserts, in pieces of %i bytes', async piece => {
    const inserts = fs.readFileSync(path.join(FIXTURES, 'tiny-column-inserts-pg15.dump'))
    const r = await count(inserts, piece)
    expect(r.passed.equals(inserts)).toBe(true)
    expect(r.counts()).toEqual(TINY_TABLES)
  })

  it.each([
    ['COPY data', 'tiny-pg15.dump', EXPECTED],
    ['INSERT statements of --column-inserts', 'tiny-column-inserts-pg15.dump', TINY_TABLES]
  ])('counts %s seen piece by piece in memory that is read into again (PooledOutput)', (_what, file, expected) => {
    const bytes = fs.readFileSync(path.join(FIXTURES, file))
    for (const piece of [1, 7, 4096, 65536]) {
      const counter = new CustomArchiveCounter()
      seenInOneBuffer(bytes, piece, p => counter.see(p))
      expect(counter.counts()).toEqual(expected)
    }
  })

  it('says when the archive stops inside its data, or is not a custom-format archive', async () => {
    await expect(count(archive.subarray(0, archive.length - 40), 512).then(r => r.counts())).rejects.toThrow(
      /ended inside a data block|does not end as COPY data does/
    )
    await expect(count(Buffer.from('-- PostgreSQL database dump\n'.repeat(3)), 512).then(r => r.counts())).rejects.toThrow(/PGDMP magic/)
  })
})
