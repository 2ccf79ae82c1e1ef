import { findOnPath } from './which.js'
import { spawnTool } from './process.js'

/**
 * pg_dump writes its archive with stdio, which on a pipe flushes every 4 KiB:
 * a write, and a wake-up of whoever reads the pipe (the compressor, or the
 * action where it counts rows), per 4 KiB of the dump. coreutils'
 * stdbuf gives the tool's stdout a 1 MiB buffer instead (setvbuf through
 * LD_PRELOAD, then exec: the pid stays the tool's), so every reader gets full
 * pipe loads; the bench's runner CPU column shows what that saves.
 */
const BUFFER = 1024 * 1024

/** The stdbuf on `searchPath` when it runs a command here (it can miss its preload library, or be another implementation); undefined otherwise. */
export async function probeStdbuf(searchPath = process.env.PATH): Promise<string | undefined> {
  const stdbuf = findOnPath('stdbuf', searchPath)
  const truth = findOnPath('true', searchPath)
  if (!stdbuf || !truth) return undefined
  const p = spawnTool(stdbuf, [`-o${BUFFER}`, truth])
  p.stdout.resume()
  const r = await p.exit
  return r.code === 0 ? stdbuf : undefined
}

let probe: Promise<string | undefined> | undefined

/** The runner's working stdbuf, asked once a run. */
export function stdbufCommand(): Promise<string | undefined> {
  return (probe ??= probeStdbuf())
}

/** `command args` with its stdout fully buffered in 1 MiB pieces where the runner can; as it is where it cannot. */
export async function withBufferedStdout(command: string, args: string[]): Promise<{ command: string; args: string[] }> {
  const stdbuf = await stdbufCommand()
  return stdbuf ? { command: stdbuf, args: [`-o${BUFFER}`, command, ...args] } : { command, args }
}
