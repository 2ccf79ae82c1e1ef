import { afterAll, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { PassThrough, Readable, Writable } from 'node:stream'
import * as zlib from 'node:zlib'
import { Coalesce, runPipeline } from '../../../src/stages/pipeline.js'
import { type Sink } from '../../../src/storage/destination.js'
import { pipeline } from 'node:stream/promises'
import type { CompressionAlgorithm, CompressionSettings, Format } from '../../../src/config/settings.js'
import { compressorCommand, createCompressor, createDecompressor, decompressorCommand } from '../../../src/stages/compress.js'
import { fileExtension } from '../../../src/config/naming.js'
import { toolEnv } from '../../../src/runtime/process.js'

/** A sink that collects what it receives, slowly when asked, failing when asked. */
function collector(opts: { delayMs?: number; failAfter?: number } = {}) {
  const chunks: Buffer[] = []
  let received = 0
  let resolve!: () => void
  let reject!: (e: Error) => void
  const done = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)))
  const stream = new Writable({
    highWaterMark: 16 * 1024,
    write(chunk: Buffer, _e, cb) {
      received += chunk.length
      if (opts.failAfter !== undefined && received > opts.failAfter) return cb(new Error('destination refused the part'))
      chunks.push(chunk)
      setTimeout(cb, opts.delayMs ?? 0)
    },
    final(cb) {
      resolve()
      cb()
    }
  })
  stream.on('error', reject)
  stream.on('close', () => reject(new Error('closed before the end')))
  return { sink: { name: 'test', stream, done } satisfies Sink, bytes: () => Buffer.concat(chunks) }
}

function source(bytes: Buffer, chunk = 64 * 1024): Readable {
  let off = 0
  return new Readable({
    read() {
      if (off >= bytes.length) return this.push(null)
      this.push(bytes.subarray(off, off + chunk))
      off += chunk
    }
  })
}

const data = Buffer.from(Array.from({ length: 50000 }, (_, i) => `row ${i}\t${(i * 7919) % 10007}\n`).join(''))

describe('runPipeline', () => {
  it('says how far a long pipeline got, with the rate, at each interval, and stops saying it at the end', async () => {
    const lines: string[] = []
    // A slow destination makes the pipeline outlast several intervals.
    const slow = collector({ delayMs: 20 })
    await runPipeline(source(data, 16 * 1024), [], [slow.sink], async () => undefined, undefined, { everyMs: 40, log: l => lines.push(l) })
    expect(lines.length).toBeGreaterThan(0)
    for (const l of lines) expect(l).toMatch(/^[\d.]+ (B|KiB|MiB) stored so far, [\d.]+ (B|KiB|MiB)\/s over the last \d+ s$/)
    const after = lines.length
    await new Promise(r => setTimeout(r, 120))
    expect(lines.length).toBe(after)
  })

  it('feeds every sink the same bytes and reports their sha256 and size', async () => {
    const a = collector()
    const b = collector({ delayMs: 1 })
    const r = await runPipeline(source(data), [], [a.sink, b.sink], async () => undefined)
    expect(a.bytes().equals(data)).toBe(true)
    expect(b.bytes().equals(data)).toBe(true)
    expect(r).toEqual({ sourceBytes: data.length, sizeBytes: data.length, sha256: createHash('sha256').update(data).digest('hex') })
  })

  it('hashes the compressed bytes, which decompress to the dump', async () => {
    const a = collector()
    const r = await runPipeline(source(data), [createCompressor({ algorithm: 'gzip', level: 6 })!], [a.sink], async () => undefined)
    expect(r.sourceBytes).toBe(data.length)
    expect(r.sizeBytes).toBe(a.bytes().length)
    expect(r.sha256).toBe(createHash('sha256').update(a.bytes()).digest('hex'))
    expect(zlib.gunzipSync(a.bytes()).equals(data)).toBe(true)
  })

  it('never ends the sinks when the end check fails (a failed pg_dump)', async () => {
    const a = collector()
    let ended = false
    a.sink.stream.on('finish', () => (ended = true))
    await expect(
      runPipeline(source(data), [], [a.sink], async () => Promise.reject(new Error('pg_dump exited with code 1')))
    ).rejects.toThrow('pg_dump exited with code 1')
    expect(ended).toBe(false)
    expect(a.sink.stream.destroyed).toBe(true)
  })

  it('passes the raw byte count to the end check, so an empty dump can be refused', async () => {
    const a = collector()
    const seen: number[] = []
    await expect(
      runPipeline(source(Buffer.alloc(0)), [createCompressor({ algorithm: 'zstd', level: 3 })!], [a.sink], async raw => {
        seen.push(raw)
        if (raw === 0) throw new Error('pg_dump wrote nothing')
      })
    ).rejects.toThrow('pg_dump wrote nothing')
    expect(seen).toEqual([0])
  })

  it('fails, rather than stalls, when one destination gives up mid-stream, and destroys the others', async () => {
    const good = collector({ delayMs: 1 })
    const bad = collector({ failAfter: 100_000 })
    await expect(runPipeline(source(data), [], [good.sink, bad.sink], async () => undefined)).rejects.toThrow(
      'destination refused the part'
    )
    expect(good.sink.stream.destroyed).toBe(true)
  })

  it('fails when a destination rejects without an error on its stream (an upload that gave up)', async () => {
    const pass = new PassThrough({ highWaterMark: 1024 })
    const sink: Sink = { name: 's3', stream: pass, done: Promise.reject(new Error('Access Denied')) }
    await expect(runPipeline(source(data), [], [sink], async () => undefined)).rejects.toThrow('Access Denied')
  })
})

describe('compression', () => {
  it.each([
    ['custom', 'zstd', 'dump.zst'],
    ['custom', 'none', 'dump'],
    ['plain', 'gzip', 'sql.gz'],
    ['plain', 'none', 'sql'],
    ['directory', 'zstd', 'tar.zst'],
    ['directory', 'gzip', 'tar.gz']
  ] as [Format, CompressionAlgorithm, string][])('%s + %s → .%s', (format, algorithm, ext) =>
    expect(fileExtension(format, algorithm)).toBe(ext)
  )

  it.each(['zstd', 'gzip'] as const)('%s round-trips through its decompressor', async algorithm => {
    const out: Buffer[] = []
    const c = createCompressor({ algorithm, level: undefined })!
    const d = createDecompressor(algorithm)!
    d.on('data', (b: Buffer) => out.push(b))
    const end = new Promise(r => d.on('end', r))
    c.pipe(d)
    c.end(data)
    await end
    expect(Buffer.concat(out).equals(data)).toBe(true)
  })
})

describe('compressorCommand', () => {
  const dirs: string[] = []
  afterAll(() => dirs.forEach(d => fs.rmSync(d, { recursive: true, force: true })))
  const bin = (names: string[]) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgba-bin-'))
    dirs.push(dir)
    for (const n of names) fs.writeFileSync(path.join(dir, n), '#!/bin/sh\n', { mode: 0o755 })
    return dir
  }
  it.each([
    [{ algorithm: 'zstd', level: undefined }, ['zstd'], ['-3', '--check', '-q', '-c']],
    [{ algorithm: 'zstd', level: 19 }, ['zstd'], ['-19', '--check', '-q', '-c']],
    [{ algorithm: 'gzip', level: undefined }, ['gzip'], ['-6', '-n', '-c']],
    [{ algorithm: 'zstd', level: undefined }, ['gzip'], undefined],
    [{ algorithm: 'none', level: undefined }, ['zstd', 'gzip'], undefined]
  ] as [CompressionSettings, string[], string[] | undefined][])('%j with %j on the PATH → %j', (c, present, args) => {
    const dir = bin([...present])
    const r = compressorCommand(c, { PATH: dir, ZSTD_CLEVEL: '19', ZSTD_NBTHREADS: '4', GZIP: '-9', HOME: '/h' })
    expect(r?.args).toEqual(args)
    if (r) {
      expect(r.command).toBe(path.join(dir, c.algorithm))
      // Nothing in the environment may change what the manifest says was used: the tool's environment is the allowlist.
      expect(toolEnv({}, { PATH: dir, ZSTD_CLEVEL: '19', ZSTD_NBTHREADS: '4', GZIP: '-9', HOME: '/h' })).toEqual({ PATH: dir, HOME: '/h' })
    }
  })

  it('decompresses with the same tool, or in-process when it is missing', () => {
    const dir = bin(['zstd'])
    expect(decompressorCommand('zstd', { PATH: dir })?.args).toEqual(['-d', '-c', '-q'])
    expect(decompressorCommand('gzip', { PATH: dir })).toBeUndefined()
    expect(decompressorCommand('none', { PATH: dir })).toBeUndefined()
  })
})

describe('Coalesce', () => {
  it('hands 64 KiB reads on in pieces of at least 1 MiB, the last one whole, and counts every byte', async () => {
    const reads = Array.from({ length: 40 }, (_, i) => Buffer.alloc(65536, i))
    const c = new Coalesce()
    const out: Buffer[] = []
    await pipeline(Readable.from([...reads, Buffer.from('tail')]), c, new Writable({ write: (b: Buffer, _e, cb) => (out.push(b), cb()) }))
    expect(out.map(b => b.length)).toEqual([1 << 20, 1 << 20, 8 * 65536 + 4])
    expect(Buffer.concat(out)).toEqual(Buffer.concat([...reads, Buffer.from('tail')]))
    expect(c.bytes).toBe(40 * 65536 + 4)
  })
})
