import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { save, State } from './state.js'

/**
 * The run's private temp directory in RUNNER_TEMP (0700; files in it 0600),
 * recorded for the post step before anything is written, removed at the end.
 */
export class Workspace {
  readonly dir: string
  constructor(base = process.env.RUNNER_TEMP || os.tmpdir()) {
    this.dir = fs.mkdtempSync(path.join(base, 'pg-backup-'))
    fs.chmodSync(this.dir, 0o700)
    save(State.tempDir, this.dir)
  }

  path(name: string): string {
    if (name.includes('/') || name.startsWith('.')) throw new Error(`unsafe temp file name '${name}'`)
    return path.join(this.dir, name)
  }

  /** Creates an empty 0600 file; `wx` refuses anything already there, a planted symlink included. */
  createFile(name: string): string {
    const p = this.path(name)
    fs.closeSync(fs.openSync(p, 'wx', 0o600))
    return p
  }

  cleanup(): void {
    fs.rmSync(this.dir, { recursive: true, force: true })
  }
}
