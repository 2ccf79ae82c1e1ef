import { spawn, type ChildProcess } from 'node:child_process'
import { Writable, type Readable } from 'node:stream'

/** Keeps the last `limit` bytes of a stream: enough to explain a failure, bounded whatever the tool prints. */
export class Tail {
  private text = ''
  constructor(private readonly limit = 8192) {}
  push(chunk: Buffer | string): void {
    this.text = (this.text + chunk.toString()).slice(-this.limit)
  }
  toString(): string {
    return this.text.trim()
  }
}

export interface Spawned {
  child: ChildProcess
  stdout: Readable
  stderr: Tail
  /** Resolves with the exit code (signals count as failure), never rejects. */
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>
}

/** Spawns with an argv array (never a shell), stdout piped for data, stderr kept as a tail. */
export function spawnTool(command: string, args: string[], env: NodeJS.ProcessEnv, stdin: 'ignore' | 'pipe' = 'ignore'): Spawned {
  const child = spawn(command, args, { env, stdio: [stdin, 'pipe', 'pipe'] })
  const stderr = new Tail()
  child.stderr?.on('data', (d: Buffer) => stderr.push(d))
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>(resolve => {
    child.once('error', error => resolve({ code: null, signal: null, error }))
    child.once('close', (code, signal) => resolve({ code, signal }))
  })
  return { child, stdout: child.stdout as Readable, stderr, exit }
}

/** Runs a short command to completion, collecting stdout (small outputs only: versions, lists). */
export async function runTool(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = spawnTool(command, args, env)
  let stdout = ''
  p.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  const r = await p.exit
  if (r.error) throw r.error
  return { code: r.code, stdout, stderr: p.stderr.toString() }
}

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

