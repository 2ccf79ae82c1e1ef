import * as fs from 'node:fs'
import * as path from 'node:path'
import type { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { DumpPlan } from '../config/settings.js'
import { ActionError, Titles, scrub } from '../runtime/errors.js'
import { explainWriteError, spawnTool } from '../runtime/process.js'
import { save, State } from '../runtime/state.js'
import { withBufferedStdout } from '../runtime/stdout-buffer.js'
import { pgDumpEnv } from '../postgres/pg-dump-args.js'
import { explainServerMessage } from '../postgres/causes.js'

/**
 * Runs a dump tool (pg_dump, pg_dumpall) into a 0600 file of the workspace,
 * through `edit`, between `framing`'s head and tail: for the formats stored as
 * parts whose sizes must be known (a tar) or that are edited first. `why`
 * says, on a full disk, why the runner needed disk there.
 */
export async function spool(
  label: string,
  command: string,
  args: string[],
  s: Pick<DumpPlan, 'source' | 'secrets'>,
  file: string,
  edit: Transform,
  why: string,
  framing: { head?: string; tail?: string } = {}
): Promise<void> {
  fs.writeFileSync(file, framing.head ?? '', { flag: 'wx', mode: 0o600 })
  const buffered = await withBufferedStdout(command, args)
  const p = spawnTool(buffered.command, buffered.args, pgDumpEnv(s.source))
  if (p.child.pid) save(State.pgDumpPid, String(p.child.pid))
  const [r, written] = await Promise.all([
    p.exit,
    pipeline(p.stdout, edit, fs.createWriteStream(file, { flags: 'a' })).then(
      () => undefined,
      (e: unknown) => e
    )
  ])
  if (r.code !== 0) {
    const stderr = p.stderr.toString()
    const said = `${label} ${r.error ? r.error.message : `exited with code ${r.code ?? r.signal}`}: ${stderr || '(no error output)'}`
    const cause = explainServerMessage(stderr)
    throw new ActionError(Titles.backup, scrub(cause ? `${cause}. (${said})` : said, s.secrets))
  }
  if (written) throw explainWriteError(written, path.dirname(file), why)
  if (framing.tail) fs.appendFileSync(file, framing.tail)
}
