import { spawn, type ChildProcess } from 'node:child_process'
import type { Socket } from 'node:net'
import { Readable } from 'node:stream'

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

/** What a spawned tool inherits from the runner (DESIGN.md §2): nothing else — no INPUT_*, no keys, no inherited PG*. */
const INHERITED = /^(PATH|HOME|LANG|LC_[A-Z_]+|TZ|TMPDIR|GNUPGHOME)$/

/** A tool's environment: the allowlisted variables of this process, plus what the action sets for it (PGPASSWORD, PGSSLMODE …). */
export function toolEnv(extra: Record<string, string> = {}, from: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(from)) if (INHERITED.test(k) && v !== undefined) env[k] = v
  return { ...env, ...extra }
}

/**
 * Inherited PG* variables (PGSSLMODE, PGSSLROOTCERT, PGSERVICE, PGPASSWORD …)
 * would change libpq's connections but not node-postgres's explicit ones, or
 * the other way round: removed before anything connects, so both follow the
 * URL and the inputs alone.
 */
export function dropInheritedPgEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  const dropped = Object.keys(env).filter(k => /^PG[A-Z_]+$/.test(k))
  for (const k of dropped) delete env[k]
  return dropped
}

/** A full disk, named with its directory and why the run needed disk there (DESIGN.md §7). */
export function diskFull(directory: string, why: string): string {
  return `no space left on the runner's disk in ${directory}: ${why}`
}

/** ENOSPC from a write into `directory`, explained; anything else as it is. */
export function explainWriteError(e: unknown, directory: string, why: string): Error {
  if ((e as { code?: string })?.code === 'ENOSPC')
    return Object.assign(new Error(diskFull(directory, why), { cause: e }), { code: 'ENOSPC' })
  return e instanceof Error ? e : new Error(String(e))
}

export interface Spawned {
  child: ChildProcess
  stdout: Readable
  stderr: Tail
  /** Resolves with the exit code (signals count as failure), never rejects. */
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>
}

/**
 * Spawns with an argv array (never a shell), stdout piped for data, stderr
 * kept as a tail, in the allowlisted environment plus `extraEnv`. `stdin`
 * may be another child's stdout: the kernel then pipes one into the other
 * and the bytes never pass through Node. `stdout` may be a socket the child
 * writes to instead (PooledOutput's end); `Spawned.stdout` is then empty.
 */
export function spawnTool(
  command: string,
  args: string[],
  extraEnv: Record<string, string> = {},
  stdin: 'ignore' | 'pipe' | Readable = 'ignore',
  stdout: 'pipe' | Socket = 'pipe'
): Spawned {
  const child = spawn(command, args, { env: toolEnv(extraEnv), stdio: [stdin, stdout, 'pipe'] })
  const stderr = new Tail()
  child.stderr?.on('data', (d: Buffer) => stderr.push(d))
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>(resolve => {
    child.once('error', error => resolve({ code: null, signal: null, error }))
    child.once('close', (code, signal) => resolve({ code, signal }))
  })
  return { child, stdout: child.stdout ?? Readable.from([]), stderr, exit }
}

/** Runs a short command to completion, collecting stdout (small outputs only: versions, lists). */
export async function runTool(
  command: string,
  args: string[],
  extraEnv: Record<string, string> = {}
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = spawnTool(command, args, extraEnv)
  let stdout = ''
  p.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  const r = await p.exit
  if (r.error) throw r.error
  return { code: r.code, stdout, stderr: p.stderr.toString() }
}
