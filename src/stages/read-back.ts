import { Writable, type Duplex } from 'node:stream'
import { createDecompressor, decompressorCommand } from './compress.js'
import type { CompressionAlgorithm } from '../config/settings.js'
import { Spawned, spawnTool } from '../runtime/process.js'

/**
 * Feeds a reader tool's stdin. pg_restore may stop reading once it has what
 * it needs (before our EOF); the rest is still consumed (and hashed upstream)
 * and discarded, and the tool's exit status says whether it could read it.
 */
export class ToolInput extends Writable {
  private stdinGone = false
  constructor(private readonly stdin: Writable) {
    super()
    stdin.on('error', () => (this.stdinGone = true))
  }
  override _write(chunk: Buffer, _e: BufferEncoding, cb: () => void): void {
    if (this.stdinGone || this.stdin.destroyed) return cb()
    if (this.stdin.write(chunk)) cb()
    else {
      const done = (): void => {
        this.stdin.off('drain', done).off('close', done)
        cb()
      }
      this.stdin.on('drain', done).on('close', done)
    }
  }
  override _final(cb: () => void): void {
    if (!this.stdinGone && !this.stdin.destroyed) this.stdin.end()
    cb()
  }
  // A failed read upstream must still close the tool's input, or the tool waits for more forever.
  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    if (err && !this.stdin.destroyed) this.stdin.destroy()
    cb(err)
  }
}

/** A tool that reads a stored (compressed) archive on its stdin. */
export interface Reader {
  tool: Spawned
  /** The stages to pipe the stored bytes into, after any decryption. */
  input: (Duplex | Writable)[]
  /** The first failure once both have exited: the decompressor's (a corrupt stream), else the tool's; undefined when both succeeded. */
  failure: () => Promise<{ name: string; code: number | null; stderr: string } | undefined>
}

/**
 * Starts `command` reading the decompressed archive. With the runner's
 * zstd/gzip the decompressor process feeds the tool directly, so the raw
 * archive never passes through Node (a 1 GB read-back took 5 s in-process,
 * 0.9 s so); else the bytes are decompressed in-process into its stdin.
 */
export function spawnReader(command: string, args: string[], env: Record<string, string>, compression: CompressionAlgorithm): Reader {
  const name = (c: string): string => c.split('/').pop() ?? c
  const cli = decompressorCommand(compression)
  if (!cli) {
    const tool = spawnTool(command, args, env, 'pipe')
    const inProcess = createDecompressor(compression)
    return {
      tool,
      input: [...(inProcess ? [inProcess] : []), new ToolInput(tool.child.stdin as Writable)],
      failure: async () => {
        const r = await tool.exit
        return r.code === 0 ? undefined : { name: name(command), code: r.code, stderr: r.error?.message ?? tool.stderr.toString() }
      }
    }
  }
  const decompressor = spawnTool(cli.command, cli.args, {}, 'pipe')
  const tool = spawnTool(command, args, env, decompressor.stdout)
  decompressor.stdout.destroy()
  return {
    tool,
    input: [new ToolInput(decompressor.child.stdin as Writable)],
    failure: async () => {
      const [r, d] = await Promise.all([tool.exit, decompressor.exit])
      // A tool that stops reading (done, or failing) leaves the decompressor to die of SIGPIPE: then the tool's exit decides.
      if (d.code !== 0 && d.signal !== 'SIGPIPE')
        return { name: name(cli.command), code: d.code, stderr: d.error?.message ?? decompressor.stderr.toString() }
      return r.code === 0 ? undefined : { name: name(command), code: r.code, stderr: r.error?.message ?? tool.stderr.toString() }
    }
  }
}
