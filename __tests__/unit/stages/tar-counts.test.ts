import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { TarArchiveCounter, type TarCountOptions } from '../../../src/stages/tar-counts.js'
import { FIXTURES } from '../../helpers/stack.js'
import { TINY_TABLES, throughInPieces } from '../../helpers/tiny-fixture.js'

// Row counts read from real pg_dump 15 directory archives in a tar as it streams: this action's own (`tar -c -C dir .`,
// data files not compressed) and one laid out as a Render export (`export/tiny/…`, gzip'd tar of gzip'd data files).

async function count(bytes: Buffer, piece: number, layout: 'directory' | 'supabase', options: TarCountOptions) {
  const counter = new TarArchiveCounter(layout, options)
  return { passed: await throughInPieces(bytes, piece, counter), counter }
}

describe('TarArchiveCounter', () => {
  it.each([
    ['a directory archive in a tar', 'tiny-directory-pg15.tar', {}],
    ['a Render export (gzip over tar, gzip data files, toc.dat two levels down)', 'tiny-export-pg15.tar.gz', { gzip: true }]
  ])('counts %s, passing it on unchanged', async (_what, file, options: TarCountOptions) => {
    const bytes = fs.readFileSync(path.join(FIXTURES, file))
    for (const piece of [7, 512, 65536]) {
      const r = await count(bytes, piece, 'directory', options)
      expect(r.passed.equals(bytes)).toBe(true)
      expect(r.counter.counts()).toEqual(TINY_TABLES)
      expect(r.counter.header().database).toBe('tiny')
    }
  })

  it('says what is missing: a data file, the toc.dat, or a tar at all', async () => {
    const bytes = fs.readFileSync(path.join(FIXTURES, 'tiny-directory-pg15.tar'))
    // A tar of the same files less one data file: the TOC names it, so the counts cannot be vouched for.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgba-tar-'))
    try {
      execFileSync('tar', ['-x', '-f', path.join(FIXTURES, 'tiny-directory-pg15.tar'), '-C', dir])
      const victim = fs.readdirSync(dir).find(f => /^\d+\.dat$/.test(f) && fs.statSync(path.join(dir, f)).size > 20)!
      fs.rmSync(path.join(dir, victim))
      const less = execFileSync('tar', ['-c', '-C', dir, '.']) as Buffer
      const r = await count(less, 4096, 'directory', {})
      expect(() => r.counter.counts()).toThrow(new RegExp(`data file ${victim.replace('.', '\\.')} .* is not in the tar`))
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
    const cut = await count(bytes.subarray(0, 1024), 512, 'directory', {})
    expect(() => cut.counter.counts()).toThrow(/the tar is cut short/)
    const supabaseParts = await count(bytes, 4096, 'supabase', {})
    expect(supabaseParts.counter.counts()).toEqual([])
    expect(() => supabaseParts.counter.header()).toThrow(/no toc\.dat/)
    const notTar = await count(Buffer.from('x'.repeat(5000)), 512, 'directory', { gzip: true })
    expect(notTar.passed.length).toBe(5000)
    expect(() => notTar.counter.counts()).toThrow(/not a gzip stream/)
  })
})
