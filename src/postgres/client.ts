import * as core from '@actions/core'
import * as os from 'node:os'
import { runTool } from '../runtime/process.js'
import { mayInstallClient, installClient, readCodename, type InstallContext } from './install.js'
import type { ServerInfo } from './session.js'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { ActionError, Titles } from '../runtime/errors.js'

export interface PgClient extends ClientChoice {
  /** `pg_dump (PostgreSQL) 15.18 …` as the tool reports itself. */
  version: string
  pgRestore: string
  psql: string
  pgDumpall: string
}

export interface ResolveDeps {
  root: string
  env: NodeJS.ProcessEnv
  install: (major: number) => Promise<void>
}

/**
 * pg_dump matched to the server: the lowest installed major ≥ the server's
 * (Debian's /usr/bin/pg_dump wrapper can pick the wrong one), installing it
 * on GitHub-hosted Linux runners, else a version-mismatch error that quotes
 * both versions and the fix.
 */
export async function resolveClient(
  pinned: 'auto' | number,
  info: Pick<ServerInfo, 'serverVersion' | 'serverVersionNum'>,
  deps: ResolveDeps,
  minMajor = 0
): Promise<PgClient> {
  // Restores also need a client at least as new as the pg_dump that wrote the archive.
  const major = Math.max(serverMajor(info.serverVersionNum), minMajor)
  let installed = installedClientMajors(deps.root)
  let choice = chooseClientMajor(installed, major, pinned)
  const wanted = pinned === 'auto' ? major : pinned
  if (choice === undefined && wanted >= major && mayInstallClient(deps.env)) {
    await deps.install(wanted)
    installed = installedClientMajors(deps.root)
    choice = chooseClientMajor(installed, major, pinned)
  }
  if (choice === undefined) throw versionMismatch(info.serverVersion, major, installed, pinned)
  const c = clientPath(choice, deps.root)
  return {
    ...c,
    version: await versionOf(c.pgDump),
    pgRestore: c.pgDump.replace(/pg_dump$/, 'pg_restore'),
    psql: c.pgDump.replace(/pg_dump$/, 'psql'),
    pgDumpall: c.pgDump.replace(/pg_dump$/, 'pg_dumpall')
  }
}

const versions = new Map<string, Promise<string>>()

/** What a pg_dump says it is (`pg_dump --version`), asked once per binary. */
function versionOf(pgDump: string): Promise<string> {
  let v = versions.get(pgDump)
  if (!v) {
    v = runTool(pgDump, ['--version']).then(r => r.stdout.trim())
    versions.set(pgDump, v)
  }
  return v
}

/** Asks each installed pg_dump its version while the source connects, so choosing one waits for no process. */
export function probeClients(root: string): void {
  for (const major of installedClientMajors(root)) versionOf(clientPath(major, root).pgDump).catch(() => undefined)
}

/** The runner's real exec, cache and warnings. */
export function runnerResolveDeps(): ResolveDeps {
  // Loaded only when a client must be installed: most runs never need them.
  const exec: InstallContext['exec'] = async (c, a, o) =>
    (await import('@actions/exec')).exec(c, a, { input: o?.input, ignoreReturnCode: true })
  const cache: InstallContext['cache'] = {
    restore: async (p, k) => (await import('@actions/cache')).restoreCache(p, k),
    save: async (p, k) => void (await (await import('@actions/cache')).saveCache(p, k))
  }
  const warn = (m: string): void => core.warning(m)
  return {
    root: '/usr/lib/postgresql',
    env: process.env,
    install: major =>
      installClient(major, {
        exec,
        cache,
        env: process.env,
        arch: os.arch(),
        codename: readCodename(),
        isRoot: process.getuid?.() === 0,
        warn
      })
  }
}

export interface ClientChoice {
  major: number
  pgDump: string
}

/**
 * The client for a server: the lowest installed major ≥ the server's (a
 * newer pg_dump reads older servers; an older one refuses newer servers), or
 * exactly the pinned major. Undefined when none fits.
 */
export function chooseClientMajor(installed: readonly number[], serverMajor: number, pinned: 'auto' | number): number | undefined {
  if (pinned !== 'auto') return installed.includes(pinned) && pinned >= serverMajor ? pinned : undefined
  return [...installed].sort((a, b) => a - b).find(m => m >= serverMajor)
}

/** Majors with a pg_dump under Debian's versioned layout (/usr/lib/postgresql/N/bin). */
export function installedClientMajors(root = '/usr/lib/postgresql'): number[] {
  let entries: string[]
  try {
    entries = fs.readdirSync(root)
  } catch {
    return []
  }
  return entries
    .filter(e => /^\d+$/.test(e) && fs.existsSync(path.join(root, e, 'bin', 'pg_dump')))
    .map(Number)
    .sort((a, b) => a - b)
}

export function clientPath(major: number, root = '/usr/lib/postgresql'): ClientChoice {
  return { major, pgDump: path.join(root, String(major), 'bin', 'pg_dump') }
}

/** Server major from server_version_num (150004 → 15; 90624 → 9, which any current client reads). */
export function serverMajor(versionNum: number): number {
  return Math.floor(versionNum / 10000)
}

export function versionMismatch(
  serverVersion: string,
  serverMaj: number,
  installed: readonly number[],
  pinned: 'auto' | number
): ActionError {
  const have = installed.length ? installed.map(m => `pg_dump ${m}`).join(', ') : 'no versioned pg_dump'
  const fix =
    pinned !== 'auto' && pinned < serverMaj
      ? `'pg-version: ${pinned}' is older than the server; remove it or set pg-version: ${serverMaj} or newer.`
      : `Install postgresql-client-${serverMaj} before this step (apt.postgresql.org), or set 'pg-version' to an installed major ≥ ${serverMaj}. GitHub-hosted Linux runners install it automatically.`
  return new ActionError(
    Titles.version,
    `The server runs PostgreSQL ${serverVersion} (major ${serverMaj}) but this runner has ${have}${pinned !== 'auto' ? ` (pg-version: ${pinned})` : ''}; pg_dump must be the server's major or newer. ${fix}`
  )
}
