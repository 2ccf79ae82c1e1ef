/**
 * The command table: each `command` (and, where a provider changes the
 * story, its mode) maps to one handler and to the title of an error no step
 * classified (DESIGN.md §7, §8). A new command is a file in this folder and a
 * row here; main.ts never changes.
 */
import type { NeonReadSettings, Settings } from '../config/settings.js'
import { Titles, type Title } from '../runtime/errors.js'
import { backup } from './backup.js'
import { check } from './check.js'
import { list } from './list.js'
import { restore } from './restore.js'
import { restoreTest } from './restore-test.js'

type Of<C extends Settings['command'], M = unknown> = Extract<Settings, { command: C } & ([M] extends [string] ? { mode: M } : unknown)>

interface Command<S> {
  /** The title of an error that happened while the command did its work and that no step classified. */
  title: Title
  run(s: S, signal: AbortSignal): Promise<unknown>
}

const COMMANDS: {
  backup: Command<Of<'backup', 'dump'>>
  'backup:neon': Command<Of<'backup', 'neon'>>
  'backup:render': Command<Of<'backup', 'render'>>
  restore: Command<Of<'restore', 'file'>>
  'restore:neon': Command<Of<'restore', 'neon'>>
  'restore-test': Command<Of<'restore-test'>>
  list: Command<Of<'list'>>
  check: Command<Of<'check'>>
  'list:neon': Command<NeonReadSettings>
  'check:neon': Command<NeonReadSettings>
  'restore-test:neon': Command<NeonReadSettings>
} = {
  backup: { title: Titles.backup, run: backup },
  // Neon's and Render's stories load their API clients only when used.
  'backup:neon': { title: Titles.backup, run: async (s, signal) => (await import('./neon-backup.js')).neonBackup(s, signal) },
  'backup:render': { title: Titles.backup, run: async (s, signal) => (await import('./render-backup.js')).renderBackup(s, signal) },
  restore: { title: Titles.restore, run: restore },
  'restore:neon': { title: Titles.restore, run: async s => (await import('./neon-restore.js')).neonRestore(s) },
  'restore-test': { title: Titles.restore, run: restoreTest },
  list: { title: Titles.list, run: list },
  check: { title: Titles.check, run: s => check(s) },
  'list:neon': { title: Titles.list, run: async s => (await import('./neon-read.js')).neonList(s) },
  'check:neon': { title: Titles.check, run: async s => (await import('./neon-read.js')).neonCheck(s) },
  'restore-test:neon': { title: Titles.restore, run: async s => (await import('./neon-read.js')).neonRestoreTest(s) }
}

function commandOf(s: Pick<Settings, 'command'> & { mode?: string }): Command<Settings> {
  const key = (s.mode === 'neon' || s.mode === 'render' ? `${s.command}:${s.mode}` : s.command) as keyof typeof COMMANDS
  return COMMANDS[key] as Command<Settings>
}

/** One command per run; each tells its own story (backup.ts: source → pipeline → destinations → verify → manifest → report → retention). */
export function runCommand(s: Settings, signal: AbortSignal): Promise<unknown> {
  return commandOf(s).run(s, signal)
}

/** The title of an unclassified error in this command; Backup failed before the settings are known. */
export function fallbackTitle(s: Settings | undefined): Title {
  return s ? commandOf(s).title : Titles.backup
}
