import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { cacheKey, installClient, mayInstallClient, type InstallContext } from '../../../src/postgres/install.js'
import { Titles } from '../../../src/runtime/errors.js'

// The PostgreSQL apt repository is unreachable here, so installation is tested at the exec boundary:
// the exact commands, the cache use, and what a failing command does.
function context(overrides: Partial<InstallContext> & { failOn?: string; downloaded?: string[] } = {}) {
  const calls: string[] = []
  const saved: string[] = []
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgba-debs-'))
  const ctx: InstallContext = {
    exec: async (cmd, args, opts) => {
      const line = [cmd, ...args].join(' ') + (opts?.input ? ` <<< ${opts.input.toString().trim()}` : '')
      calls.push(line)
      if (overrides.failOn && line.includes(overrides.failOn)) return 100
      if (line.includes('--download-only'))
        for (const f of overrides.downloaded ?? ['postgresql-client-17_17.2-1.pgdg24.04+1_amd64.deb', 'libpq5_17.2_amd64.deb'])
          fs.writeFileSync(path.join(dir, f), '')
      return 0
    },
    cache: { restore: async () => undefined, save: async (_p, key) => void saved.push(key) },
    env: { ImageOS: 'ubuntu24', ImageVersion: '20251110.1' },
    arch: 'x64',
    codename: 'noble',
    isRoot: false,
    warn: () => undefined,
    ...overrides
  }
  return { ctx, calls, saved, dir }
}

describe('installClient', () => {
  it('adds the PostgreSQL apt repository, downloads into the cached folder, installs and saves the cache', async () => {
    const { ctx, calls, saved, dir } = context()
    await installClient(17, ctx, dir)
    expect(calls).toEqual([
      'sudo install -d /usr/share/postgresql-common/pgdg',
      'sudo curl -fsSL --retry 3 -o /usr/share/postgresql-common/pgdg/apt.postgresql.org.asc https://www.postgresql.org/media/keys/ACCC4CF8.asc',
      'sudo tee /etc/apt/sources.list.d/pgdg.list <<< deb [signed-by=/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc] https://apt.postgresql.org/pub/repos/apt noble-pgdg main',
      'sudo apt-get update -o Dir::Etc::sourcelist=/etc/apt/sources.list.d/pgdg.list -o Dir::Etc::sourceparts=- -o APT::Get::List-Cleanup=0',
      `sudo apt-get install -y --no-install-recommends --download-only -o Dir::Cache::archives=${dir} postgresql-client-17`,
      `sudo apt-get install -y --no-install-recommends ${path.join(dir, 'libpq5_17.2_amd64.deb')} ${path.join(dir, 'postgresql-client-17_17.2-1.pgdg24.04+1_amd64.deb')}`
    ])
    expect(saved).toEqual(['pg-backup-action-postgresql-client-17-ubuntu24-20251110.1-x64'])
  })

  it('installs from the cache without touching the network on a cache hit', async () => {
    const { ctx, calls, saved, dir } = context()
    fs.writeFileSync(path.join(dir, 'postgresql-client-17.deb'), '')
    ctx.cache.restore = async (_p, key) => key
    await installClient(17, { ...ctx, isRoot: true }, dir)
    expect(calls).toEqual([`apt-get install -y --no-install-recommends ${path.join(dir, 'postgresql-client-17.deb')}`])
    expect(saved).toEqual([])
  })

  it('stops at the first failing command and names it in a version-mismatch error', async () => {
    const { ctx, calls, dir } = context({ failOn: 'apt-get update' })
    await expect(installClient(18, ctx, dir)).rejects.toMatchObject({
      title: Titles.version,
      message: expect.stringMatching(/'sudo apt-get update .*' exited with 100/)
    })
    expect(calls.some(c => c.includes('--download-only'))).toBe(false)
  })

  it('fails clearly when nothing was downloaded', async () => {
    const { ctx, dir } = context({ downloaded: [] })
    await expect(installClient(18, ctx, dir)).rejects.toThrow(/no packages were downloaded/)
  })

  it('goes on without the cache when the cache service fails', async () => {
    const warnings: string[] = []
    const { ctx, dir } = context({ warn: m => void warnings.push(m) })
    ctx.cache.restore = async () => {
      throw new Error('cache service unavailable')
    }
    await installClient(17, ctx, dir)
    expect(warnings[0]).toMatch(/cache service unavailable/)
  })
})

describe('mayInstallClient', () => {
  it('only on GitHub-hosted Linux runners', () => {
    const hasApt = fs.existsSync('/usr/bin/apt-get')
    expect(mayInstallClient({ RUNNER_ENVIRONMENT: 'github-hosted' }, 'linux')).toBe(hasApt)
    expect(mayInstallClient({ RUNNER_ENVIRONMENT: 'self-hosted' }, 'linux')).toBe(false)
    expect(mayInstallClient({}, 'linux')).toBe(false)
    expect(mayInstallClient({ RUNNER_ENVIRONMENT: 'github-hosted' }, 'darwin')).toBe(false)
  })
  it('keys the cache by image, version, arch and major', () => {
    expect(cacheKey(16, { ImageOS: 'ubuntu22', ImageVersion: '1.2' }, 'arm64')).toBe(
      'pg-backup-action-postgresql-client-16-ubuntu22-1.2-arm64'
    )
  })
})
