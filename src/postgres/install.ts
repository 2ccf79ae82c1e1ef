import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { ActionError, Titles } from '../runtime/errors.js'

/** Runs a short, non-secret command; resolves with its exit code. */
export type Exec = (command: string, args: string[], options?: { input?: Buffer }) => Promise<number>

export interface PackageCache {
  restore(paths: string[], key: string): Promise<string | undefined>
  save(paths: string[], key: string): Promise<void>
}

export interface InstallContext {
  exec: Exec
  cache: PackageCache
  env: NodeJS.ProcessEnv
  arch: string
  /** Debian/Ubuntu codename (VERSION_CODENAME of /etc/os-release). */
  codename: string
  isRoot: boolean
  warn: (message: string) => void
}

const KEY_URL = 'https://www.postgresql.org/media/keys/ACCC4CF8.asc'
const KEYRING = '/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc'
const SOURCES = '/etc/apt/sources.list.d/pgdg.list'

/**
 * Installing a client changes the machine, so it happens only where that is
 * expected: GitHub-hosted Linux runners (throwaway VMs with passwordless sudo).
 */
export function mayInstallClient(env: NodeJS.ProcessEnv, platform = process.platform): boolean {
  return platform === 'linux' && env.RUNNER_ENVIRONMENT === 'github-hosted' && fs.existsSync('/usr/bin/apt-get')
}

export function readCodename(osRelease = '/etc/os-release'): string {
  try {
    return /^VERSION_CODENAME=(.+)$/m.exec(fs.readFileSync(osRelease, 'utf8'))?.[1].replace(/"/g, '') ?? ''
  } catch {
    return ''
  }
}

export function cacheKey(major: number, env: NodeJS.ProcessEnv, arch: string): string {
  return `pg-backup-action-postgresql-client-${major}-${env.ImageOS ?? 'unknown'}-${env.ImageVersion ?? 'unknown'}-${arch}`
}

/**
 * Installs postgresql-client-N from the PostgreSQL apt repository, keeping
 * the downloaded packages in @actions/cache (keyed by image, arch and major)
 * so later runs skip the download. Throws the version-mismatch error with
 * the failing command when any step fails.
 */
export async function installClient(
  major: number,
  ctx: InstallContext,
  debDir = path.join(os.homedir(), '.cache', 'pg-backup-action', `postgresql-client-${major}`)
): Promise<void> {
  const sudo = (cmd: string, args: string[]): [string, string[]] => (ctx.isRoot ? [cmd, args] : ['sudo', [cmd, ...args]])
  const run = async (cmd: string, args: string[], input?: Buffer): Promise<void> => {
    const [c, a] = sudo(cmd, args)
    const code = await ctx.exec(c, a, input ? { input } : undefined)
    if (code !== 0) {
      throw new ActionError(
        Titles.version,
        `Installing postgresql-client-${major} failed: '${[c, ...a].join(' ')}' exited with ${code}. Install it in an earlier step or set 'pg-version' to an installed major.`
      )
    }
  }
  const key = cacheKey(major, ctx.env, ctx.arch)
  let hit: string | undefined
  try {
    hit = await ctx.cache.restore([debDir], key)
  } catch (e) {
    ctx.warn(`Package cache unavailable (${(e as Error).message}); downloading postgresql-client-${major}.`)
  }
  if (!hit) {
    if (!ctx.codename)
      throw new ActionError(Titles.version, `Cannot install postgresql-client-${major}: /etc/os-release names no distribution codename.`)
    fs.mkdirSync(path.join(debDir, 'partial'), { recursive: true })
    await run('install', ['-d', path.dirname(KEYRING)])
    await run('curl', ['-fsSL', '--retry', '3', '-o', KEYRING, KEY_URL])
    const line = `deb [signed-by=${KEYRING}] https://apt.postgresql.org/pub/repos/apt ${ctx.codename}-pgdg main\n`
    await run('tee', [SOURCES], Buffer.from(line))
    await run('apt-get', [
      'update',
      '-o',
      `Dir::Etc::sourcelist=${SOURCES}`,
      '-o',
      'Dir::Etc::sourceparts=-',
      '-o',
      'APT::Get::List-Cleanup=0'
    ])
    await run('apt-get', [
      'install',
      '-y',
      '--no-install-recommends',
      '--download-only',
      '-o',
      `Dir::Cache::archives=${debDir}`,
      `postgresql-client-${major}`
    ])
  }
  const debs = fs
    .readdirSync(debDir)
    .filter(f => f.endsWith('.deb'))
    .map(f => path.join(debDir, f))
  if (debs.length === 0) throw new ActionError(Titles.version, `Installing postgresql-client-${major} failed: no packages were downloaded.`)
  await run('apt-get', ['install', '-y', '--no-install-recommends', ...debs])
  if (!hit) {
    try {
      await ctx.cache.save([debDir], key)
    } catch (e) {
      ctx.warn(`Could not cache postgresql-client-${major} packages: ${(e as Error).message}`)
    }
  }
}
