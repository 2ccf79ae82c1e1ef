import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {
  createDatabase,
  getObject,
  listKeys,
  loadChinook,
  restoreWithTools,
  runAction,
  startStack,
  tableDigests,
  type TableDigest
} from '../helpers/stack.js'

// Encrypted backups opened with the real age and gpg CLIs, and read back by the action itself.
type Stack = Awaited<ReturnType<typeof startStack>>
let stack: Stack
let chinook: Record<string, TableDigest>
const keys = { dir: '', ageIdentityFile: '', ageIdentity: '', ageRecipient: '', gnupghome: '', gpgPublic: '', gpgPrivate: '' }

function run(cmd: string, args: string[], opts: { input?: Buffer | string; env?: NodeJS.ProcessEnv } = {}): Buffer {
  const r = spawnSync(cmd, args, { input: opts.input, env: { ...process.env, ...opts.env }, maxBuffer: 1 << 30 })
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`)
  return r.stdout
}

beforeAll(async () => {
  stack = await startStack()
  loadChinook(stack.pg)
  chinook = await tableDigests(stack.pg, 'chinook')
  keys.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgba-keys-'))
  keys.ageIdentityFile = path.join(keys.dir, 'age.key')
  run('age-keygen', ['-o', keys.ageIdentityFile])
  const keyFile = fs.readFileSync(keys.ageIdentityFile, 'utf8')
  keys.ageIdentity = /^AGE-SECRET-KEY-1\S+$/m.exec(keyFile)![0]
  keys.ageRecipient = /public key: (age1\S+)/.exec(keyFile)![1]
  keys.gnupghome = path.join(keys.dir, 'gnupg')
  fs.mkdirSync(keys.gnupghome, { mode: 0o700 })
  const gpgEnv = { GNUPGHOME: keys.gnupghome }
  run('gpg', ['--batch', '--passphrase', '', '--quick-gen-key', 'Backups <backups@example.com>', 'default', 'default', 'never'], {
    env: gpgEnv
  })
  keys.gpgPublic = run('gpg', ['--armor', '--export', 'backups@example.com'], { env: gpgEnv }).toString()
  keys.gpgPrivate = run(
    'gpg',
    ['--batch', '--pinentry-mode', 'loopback', '--passphrase', '', '--armor', '--export-secret-keys', 'backups@example.com'],
    { env: gpgEnv }
  ).toString()
}, 120000)

afterAll(async () => {
  await stack?.stop()
  if (keys.dir) fs.rmSync(keys.dir, { recursive: true, force: true })
})

const s3 = () => ({ destination: 'artifact,s3', 's3-bucket': 'backups', 's3-endpoint': stack.s3.endpoint })
const stripExt = (f: string) => f.replace(/\.(age|gpg)$/, '')

describe.each(['custom', 'plain', 'directory'])('%s format', format => {
  it('age recipients: the stored .age file opens with `age -d` and restores row for row', async () => {
    const r = await runAction(
      {
        'database-url': stack.pg.url('chinook'),
        name: `age-${format}`,
        format,
        ...s3(),
        'age-recipients': keys.ageRecipient,
        'age-identity': keys.ageIdentity
      },
      { env: stack.env }
    )
    expect(r.annotations.filter(a => a.level === 'error')).toEqual([])
    expect(r.outputs.verified).toBe('true')
    const key = r.outputs['backup-key']
    expect(key).toMatch(/\.(dump|sql|tar)\.zst\.age$/)
    expect(JSON.parse(r.outputs.manifest).encryption).toEqual({ algorithm: 'age-x25519', recipients: [keys.ageRecipient] })
    for (const bytes of [await getObject(stack.s3, key), await stack.artifacts.download(key.split('/').pop()!)]) {
      expect(bytes.subarray(0, 21).toString()).toBe('age-encryption.org/v1')
      const plain = run('age', ['-d', '-i', keys.ageIdentityFile], { input: bytes })
      const db = `age_${format}_${Math.random().toString(36).slice(2, 7)}`
      await restoreWithTools(stack.pg, plain, stripExt(key.split('/').pop()!), db)
      expect(await tableDigests(stack.pg, db)).toEqual(chinook)
    }
  })

  it('OpenPGP public key: the stored .gpg file opens with `gpg --decrypt` and restores row for row', async () => {
    const r = await runAction(
      {
        'database-url': stack.pg.url('chinook'),
        name: `gpg-${format}`,
        format,
        ...s3(),
        'gpg-public-key': keys.gpgPublic,
        'gpg-private-key': keys.gpgPrivate
      },
      { env: stack.env }
    )
    expect(r.annotations.filter(a => a.level === 'error')).toEqual([])
    expect(r.outputs.verified).toBe('true')
    const key = r.outputs['backup-key']
    expect(key).toMatch(/\.gpg$/)
    const fpr = run('gpg', ['--with-colons', '--fingerprint', 'backups@example.com'], { env: { GNUPGHOME: keys.gnupghome } })
      .toString()
      .match(/^fpr:+([0-9A-F]+):/m)![1]
    expect(JSON.parse(r.outputs.manifest).encryption).toEqual({ algorithm: 'openpgp', recipients: [fpr] })
    for (const [where, bytes] of [
      ['s3', await getObject(stack.s3, key)],
      ['artifact', await stack.artifacts.download(key.split('/').pop()!)]
    ] as const) {
      const plain = run('gpg', ['--batch', '--quiet', '--decrypt'], { input: bytes, env: { GNUPGHOME: keys.gnupghome } })
      const db = `gpg_${format}_${where}`
      await restoreWithTools(stack.pg, plain, stripExt(key.split('/').pop()!), db)
      expect(await tableDigests(stack.pg, db)).toEqual(chinook)
    }
  })
})

describe('passphrases', () => {
  it('gpg-passphrase: symmetric OpenPGP that `gpg --decrypt --passphrase` opens', async () => {
    const passphrase = 'correct horse battery staple'
    const r = await runAction(
      { 'database-url': stack.pg.url('chinook'), name: 'gpgsym', ...s3(), 'gpg-passphrase': passphrase },
      { env: stack.env }
    )
    expect(r.outputs.verified).toBe('true')
    const plain = run('gpg', ['--batch', '--quiet', '--pinentry-mode', 'loopback', '--passphrase', passphrase, '--decrypt'], {
      input: await getObject(stack.s3, r.outputs['backup-key']),
      env: { GNUPGHOME: keys.gnupghome }
    })
    expect(plain.subarray(0, 4)).toEqual(Buffer.from([0x28, 0xb5, 0x2f, 0xfd])) // a zstd frame
  })

  it('age-passphrase: restore-test decrypts it (the age CLI reads passphrases only from a terminal)', async () => {
    const r = await runAction(
      { 'database-url': stack.pg.url('chinook'), name: 'agesym', ...s3(), 'age-passphrase': 'an age passphrase' },
      { env: stack.env }
    )
    expect(r.outputs.verified).toBe('true')
    expect(JSON.parse(r.outputs.manifest).encryption).toEqual({ algorithm: 'age-scrypt', recipients: [] })
    const t = await runAction(
      {
        command: 'restore-test',
        name: 'agesym',
        ...s3(),
        'scratch-database-url': stack.pg.url('postgres'),
        'age-passphrase': 'an age passphrase'
      },
      { env: stack.env }
    )
    expect(t.annotations.filter(a => a.level === 'error')).toEqual([])
    expect(t.outputs.verified).toBe('true')
  })
})

describe('restore of encrypted backups', () => {
  // Backups of their own, so these tests do not depend on the ones above.
  beforeAll(async () => {
    for (const inputs of <Record<string, string>[]>[
      { name: 'enc-age', 'age-recipients': keys.ageRecipient },
      { name: 'enc-gpgsym', 'gpg-passphrase': 'the right horse' },
      { name: 'enc-gpg', 'gpg-public-key': keys.gpgPublic }
    ]) {
      const r = await runAction(
        { 'database-url': stack.pg.url('chinook'), ...s3(), destination: 's3', verify: 'none', ...inputs },
        { env: stack.env }
      )
      if (r.code !== 0) throw new Error(r.stdout)
    }
  }, 60000)

  it('restore-test of an age-encrypted backup', async () => {
    const t = await runAction(
      {
        command: 'restore-test',
        name: 'enc-age',
        ...s3(),
        destination: 's3',
        'scratch-database-url': stack.pg.url('postgres'),
        'age-identity': keys.ageIdentity
      },
      { env: stack.env }
    )
    expect(t.annotations.filter(a => a.level === 'error')).toEqual([])
    expect(t.outputs.verified).toBe('true')
  })

  const otherIdentity = () => /^AGE-SECRET-KEY-1\S+$/m.exec(run('age-keygen', []).toString())![0]
  it.each([
    ['another age identity', { name: 'enc-age', 'age-identity': '' }],
    [
      'a malformed age identity',
      { name: 'enc-age', 'age-identity': 'AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ' }
    ],
    ['a wrong gpg passphrase', { name: 'enc-gpgsym', 'gpg-passphrase': 'wrong horse' }],
    ['no key at all', { name: 'enc-gpg' }]
  ] as [string, Record<string, string>][])('%s fails restore clearly and writes nothing to the target', async (_what, extra) => {
    if (extra['age-identity'] === '') extra = { ...extra, 'age-identity': otherIdentity() }
    const db = `wrongkey_${Math.random().toString(36).slice(2, 7)}`
    createDatabase(stack.pg, db)
    const r = await runAction(
      { command: 'restore', ...s3(), destination: 's3', 'target-database-url': stack.pg.url(db), ...extra },
      { env: stack.env }
    )
    expect(r.code).toBe(1)
    const error = r.annotations.find(a => a.level === 'error')
    expect(error?.title).toMatch(/Restore failed|Invalid input/)
    expect(error?.message).toMatch(/identity|passphrase|key|OpenPGP|decrypt/i)
    expect(error?.message).not.toMatch(/\*\*\*/)
    expect(await tableDigests(stack.pg, db)).toEqual({})
  })
})

describe('safety backups of encrypted backups', () => {
  // The restore step has only the decryption inputs: the target's safety backup is encrypted to their public half.
  beforeAll(async () => {
    for (const inputs of <Record<string, string>[]>[
      { name: 'safe-age', 'age-recipients': keys.ageRecipient },
      { name: 'safe-gpg', 'gpg-public-key': keys.gpgPublic }
    ]) {
      const r = await runAction(
        { 'database-url': stack.pg.url('chinook'), ...s3(), destination: 's3', verify: 'none', ...inputs },
        { env: stack.env }
      )
      if (r.code !== 0) throw new Error(r.stdout)
    }
  }, 60000)

  /** A non-empty target, as a restore over production finds it. */
  function target(db: string): void {
    createDatabase(stack.pg, db)
    stack.pg.psql(db, ['-c', 'CREATE TABLE before_restore (id int); INSERT INTO before_restore SELECT generate_series(1, 7)'])
  }
  const safetyKey = async (db: string) =>
    (await listKeys(stack.s3, `pg-backups/${db}-pre-restore/`)).find(k => !k.endsWith('.manifest.json'))

  it('age: the safety backup is .age, to the identity’s recipient, and opens with `age -d -i`', async () => {
    target('safe_age_target')
    const r = await runAction(
      {
        command: 'restore',
        name: 'safe-age',
        ...s3(),
        destination: 's3',
        'target-database-url': stack.pg.url('safe_age_target'),
        confirm: 'safe_age_target',
        'age-identity': keys.ageIdentity
      },
      { env: stack.env }
    )
    expect(r.annotations.filter(a => a.level === 'error')).toEqual([])
    const key = (await safetyKey('safe_age_target'))!
    expect(key).toMatch(/\.dump\.zst\.age$/)
    const manifest = JSON.parse((await getObject(stack.s3, `${key}.manifest.json`)).toString())
    expect(manifest.encryption).toEqual({ algorithm: 'age-x25519', recipients: [keys.ageRecipient] })
    expect(manifest.state).toBe('verified')
    const plain = run('age', ['-d', '-i', keys.ageIdentityFile], { input: await getObject(stack.s3, key) })
    await restoreWithTools(stack.pg, plain, stripExt(key.split('/').pop()!), 'safe_age_check')
    expect((await tableDigests(stack.pg, 'safe_age_check'))['public.before_restore'].rows).toBe(7)
    // pg_restore --clean replaces what the backup holds; a table only the target had is left as it was.
    const { 'public.before_restore': kept, ...restored } = await tableDigests(stack.pg, 'safe_age_target')
    expect(restored).toEqual(chinook)
    expect(kept.rows).toBe(7)
  })

  it('OpenPGP: the safety backup is .gpg, to the private key’s public part, and opens with `gpg --decrypt`', async () => {
    target('safe_gpg_target')
    const r = await runAction(
      {
        command: 'restore',
        name: 'safe-gpg',
        ...s3(),
        destination: 's3',
        'target-database-url': stack.pg.url('safe_gpg_target'),
        confirm: 'safe_gpg_target',
        'gpg-private-key': keys.gpgPrivate
      },
      { env: stack.env }
    )
    expect(r.annotations.filter(a => a.level === 'error')).toEqual([])
    const key = (await safetyKey('safe_gpg_target'))!
    expect(key).toMatch(/\.dump\.zst\.gpg$/)
    const plain = run('gpg', ['--batch', '--quiet', '--decrypt'], {
      input: await getObject(stack.s3, key),
      env: { GNUPGHOME: keys.gnupghome }
    })
    await restoreWithTools(stack.pg, plain, stripExt(key.split('/').pop()!), 'safe_gpg_check')
    expect((await tableDigests(stack.pg, 'safe_gpg_check'))['public.before_restore'].rows).toBe(7)
  })

  it('with no key to derive it from, the restore is refused before a clear-text safety backup or any change', async () => {
    target('safe_none_target')
    const before = await tableDigests(stack.pg, 'safe_none_target')
    const r = await runAction(
      {
        command: 'restore',
        name: 'safe-age',
        ...s3(),
        destination: 's3',
        'target-database-url': stack.pg.url('safe_none_target'),
        confirm: 'safe_none_target'
      },
      { env: stack.env }
    )
    expect(r.code).toBe(1)
    expect(r.annotations.filter(a => a.level === 'error')).toEqual([
      expect.objectContaining({
        title: 'Restore refused',
        message: expect.stringMatching(
          /age-encrypted, so the safety backup of the target must be encrypted too, but no 'age-identity' was given/
        )
      })
    ])
    expect(await listKeys(stack.s3, 'pg-backups/safe_none_target-pre-restore/')).toEqual([])
    expect(await tableDigests(stack.pg, 'safe_none_target')).toEqual(before)
  })
})
