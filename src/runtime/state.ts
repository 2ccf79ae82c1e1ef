import * as core from '@actions/core'

/**
 * What the post step needs to clean up after a cancelled or killed main
 * step. Saved before the work it describes starts (saveState writes to the
 * runner's state file at once), cleared when main finished its own cleanup.
 */
export const State = {
  tempDir: 'temp-dir',
  pgDumpPid: 'pg-dump-pid',
  /** JSON [{kind, key, pid}]: the copies a backup is writing, one per destination. */
  pendingCopies: 'pending-copies',
  neonTemporaries: 'neon-temporaries',
  connectDir: 'connect-dir',
  finished: 'main-finished'
} as const

export function save(name: (typeof State)[keyof typeof State], value: string): void {
  core.saveState(name, value)
}

/** The saved value; also `STATE_{name}` from the environment, as a runner (or a local run's env file) hands it to the post step. */
export function read(name: (typeof State)[keyof typeof State]): string {
  return core.getState(name) || process.env[`STATE_${name}`] || ''
}
