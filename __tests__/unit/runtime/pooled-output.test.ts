import * as crypto from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { spawn } from 'node:child_process'
import { Writable } from 'node:stream'
import { PooledOutput } from '../../../src/runtime/pooled-output.js'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgba-pooled-'))
const file = path.join(dir, 'data')
// 24 MiB that no two reads repeat: a buffer read into again before its bytes were written would change the hash.
fs.writeFileSync(file, crypto.randomBytes(24 * 1024 * 1024))
const expected = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex')
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

/** A writer that hashes what it takes, finishing each write only after `delay` (so the pool runs dry). */
function slowSink(delay: () => number): { sink: Writable; hash: () => string; bytes: () => number } {
  const h = crypto.createHash('sha256')
  let n = 0
  const sink = new Writable({
    write(chunk: Buffer, _e, cb) {
      h.update(chunk)
      n += chunk.length
      setTimeout(cb, delay())
    }
  })
  return { sink, hash: () => h.digest('hex'), bytes: () => n }
}

async function catOf(socketName: string): Promise<{ out: PooledOutput; exit: Promise<number | null> }> {
  const out = await PooledOutput.open(path.join(dir, socketName))
  const child = spawn('cat', [file], { stdio: ['ignore', out.childEnd, 'inherit'] })
  out.handedOver()
  return { out, exit: new Promise(r => child.once('close', code => r(code))) }
}

describe("a child's stdout read into reused buffers", () => {
  it('reaches the writer byte for byte, and is seen byte for byte, however slowly the writer takes it', async () => {
    const { out, exit } = await catOf('a.sock')
    const { sink, hash, bytes } = slowSink(() => (Math.random() < 0.2 ? 2 : 0))
    const seen = crypto.createHash('sha256')
    await out.relay(piece => seen.update(piece), sink)
    expect(await exit).toBe(0)
    expect(bytes()).toBe(24 * 1024 * 1024)
    expect(hash()).toBe(expected)
    expect(seen.digest('hex')).toBe(expected)
    // The socket's file is gone once the two ends met.
    expect(fs.existsSync(path.join(dir, 'a.sock'))).toBe(false)
  })

  it('stops at the first piece `see` throws on, and the writer is destroyed with it', async () => {
    const { out, exit } = await catOf('b.sock')
    const { sink } = slowSink(() => 0)
    let pieces = 0
    const relayed = out.relay(() => {
      if (++pieces === 3) throw new Error('not an archive')
    }, sink)
    await expect(relayed).rejects.toThrow('not an archive')
    expect(sink.destroyed).toBe(true)
    // cat loses its reader: it ends (EPIPE) rather than hanging.
    expect(await exit).not.toBe(0)
  })

  it('rejects with the writer’s error', async () => {
    const { out, exit } = await catOf('c.sock')
    const sink = new Writable({ write: (_c, _e, cb) => cb(new Error('EPIPE: zstd went away')) })
    await expect(out.relay(() => undefined, sink)).rejects.toThrow('zstd went away')
    expect(await exit).not.toBe(0)
  })
})
