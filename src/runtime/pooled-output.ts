import * as fs from 'node:fs'
import * as net from 'node:net'
import { once } from 'node:events'
import type { Writable } from 'node:stream'

/** Buffers in the pool; each holds one read of up to PIECE bytes. */
const BUFFERS = 8
const PIECE = 64 * 1024

/**
 * A child's stdout, read into a few buffers used over and over, for the
 * bytes the action must see on their way to another process (the archive,
 * counted on its way to zstd). A child's stdout pipe is read into a fresh
 * buffer per read: at hundreds of MB that garbage is most of what relaying
 * costs the runner, in collections, and the peak of its memory. Node reads
 * into buffers of our own (`onread`) only on a socket it connects, so the
 * child writes to the accepted end of a Unix socket in the 0700 workspace,
 * which no other user can reach; the listener is gone once the two ends met.
 */
export class PooledOutput {
  private onPiece: (piece: Buffer, buffer: Buffer) => boolean = () => {
    throw new Error('read before the relay started')
  }

  private constructor(
    /** The end the child writes to: spawn's stdio[1]. */
    readonly childEnd: net.Socket,
    private readonly reader: net.Socket,
    private readonly free: Buffer[]
  ) {}

  /** The socket pair, its file `socketPath` removed again once connected. */
  static async open(socketPath: string): Promise<PooledOutput> {
    const server = net.createServer({ pauseOnConnect: true })
    server.listen(socketPath)
    try {
      await once(server, 'listening')
      const accepted = once(server, 'connection') as Promise<[net.Socket]>
      const free = Array.from({ length: BUFFERS }, () => Buffer.allocUnsafe(PIECE))
      let pooled: PooledOutput | undefined
      // Node takes a buffer at connect, and the next one each time a read has been handed to the callback.
      const reader = net.connect({
        path: socketPath,
        onread: { buffer: () => free.pop()!, callback: (n, buffer) => pooled!.onPiece((buffer as Buffer).subarray(0, n), buffer as Buffer) }
      })
      reader.pause()
      try {
        const [[childEnd]] = await Promise.all([accepted, once(reader, 'connect')])
        pooled = new PooledOutput(childEnd, reader, free)
        return pooled
      } catch (e) {
        reader.destroy()
        throw e
      }
    } finally {
      server.close()
      fs.rmSync(socketPath, { force: true })
    }
  }

  /** Once the child holds its own copy of childEnd: ours closed, so the child's exit ends the stream. */
  handedOver(): void {
    this.childEnd.destroy()
  }

  /**
   * Reads to the end, `see`ing every piece and writing it to `to`; resolves
   * once `to` has taken all of it, rejects (destroying both) on the first
   * error. `see` must not keep the piece: its memory is read into again once
   * `to` has written it.
   */
  relay(see: (piece: Buffer) => void, to: Writable): Promise<void> {
    const { reader } = this
    return new Promise<void>((resolve, reject) => {
      let failed = false
      const fail = (e: unknown): void => {
        if (failed) return
        failed = true
        reader.destroy()
        to.destroy(e as Error)
        reject(e)
      }
      let paused = false
      this.onPiece = (piece, buffer) => {
        try {
          see(piece)
        } catch (e) {
          fail(e)
          return false
        }
        to.write(piece, e => {
          if (e) return fail(e)
          this.free.push(buffer)
          if (paused && !failed) {
            paused = false
            reader.resume()
          }
        })
        // Node asks for the next read's buffer right after this returns, paused or not (onStreamRead in Node 24's
        // lib/internal/stream_base_commons.js): one must stay in the pool for it, never one still in flight.
        paused = this.free.length < 2
        return !paused
      }
      reader.once('error', fail)
      to.once('error', fail)
      reader.once('end', () => {
        to.end()
        to.once('finish', () => resolve())
      })
      reader.resume()
    })
  }
}
