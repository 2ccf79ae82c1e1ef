import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import { listKeys, loadChinook, runAction, startStack } from '../helpers/stack.js'
import { startNeonStandIn } from '../helpers/neon-stand-in.js'

// Bad input, tried systematically against the bundled action: every case ends in one clear
// annotation naming the input, a non-zero exit, and an untouched bucket and artifact store.
type Stack = Awaited<ReturnType<typeof startStack>>
let stack: Stack
let url: string
let seededKey: string
let neon: Awaited<ReturnType<typeof startNeonStandIn>>

beforeAll(async () => {
  stack = await startStack()
  loadChinook(stack.pg)
  url = stack.pg.url('chinook')
  const r = await runAction(
    { 'database-url': url, destination: 's3', 's3-bucket': 'backups', 's3-endpoint': stack.s3.endpoint, verify: 'none' },
    { env: stack.env }
  )
  if (r.code !== 0) throw new Error(r.stdout)
  seededKey = r.outputs['backup-key']
  stack.pg.psql('postgres', ['-c', 'CREATE DATABASE neon_main TEMPLATE chinook'])
  neon = await startNeonStandIn(stack.pg, { mainDb: 'neon_main' })
}, 120000)

afterAll(async () => {
  await neon?.stop()
  await stack?.stop()
})

const ARMORED_JUNK = '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nbm90IGEga2V5\n=AAAA\n-----END PGP PUBLIC KEY BLOCK-----'

type Case = [string, Record<string, string>, string, RegExp?]
const backup = (extra: Record<string, string>): Record<string, string> => ({
  'database-url': url,
  destination: 'artifact,s3',
  's3-bucket': 'backups',
  ...extra
})
const s3 = () => ({ destination: 's3', 's3-bucket': 'backups', 's3-endpoint': stack.s3.endpoint })

// Backup cases: the inputs here replace those of a valid backup (built when the test runs).
const cases: Case[] = [
  ['malformed URL', { 'database-url': 'not a url' }, 'database-url'],
  ['wrong URL scheme', { 'database-url': 'mysql://u:p@h/db' }, 'database-url'],
  ['URL without host', { 'database-url': 'postgres:///db' }, 'database-url'],
  ['broken percent-encoding', { 'database-url': 'postgres://u:%ZZ@h/db' }, 'database-url'],
  ['unknown provider', { provider: 'heroku' }, 'provider'],
  ['unknown format', { format: 'tar' }, 'format'],
  ['unknown compression', { compression: 'bzip2' }, 'compression'],
  ['compression level out of range', { 'compression-level': '99' }, 'compression-level'],
  ['compression level without compression', { compression: 'none', 'compression-level': '3' }, 'compression-level'],
  ['unknown destination', { destination: 'ftp' }, 'destination'],
  ['repeated destination', { destination: 's3,s3' }, 'destination'],
  ['S3 without bucket', { destination: 's3', 's3-bucket': '' }, 's3-bucket'],
  ['invalid bucket name', { 's3-bucket': 'Bad_Bucket' }, 's3-bucket'],
  ['non-http endpoint', { 's3-endpoint': 'ftp://x' }, 's3-endpoint'],
  ['part size too small', { 's3-part-size': '4' }, 's3-part-size'],
  ['non-numeric part size', { 's3-part-size': 'big' }, 's3-part-size'],
  ['unknown SSE', { 's3-sse': 'rot13' }, 's3-sse'],
  ['KMS key without aws:kms', { 's3-kms-key-id': 'k' }, 's3-kms-key-id'],
  ['negative object lock', { 's3-object-lock-days': '-1' }, 's3-object-lock-days'],
  ['access key without secret', { 'aws-access-key-id': 'AKIAX' }, 'aws-access-key-id'],
  ['negative keep-last', { 'keep-last': '-1' }, 'keep-last'],
  ['non-numeric keep-days', { 'keep-days': 'ten' }, 'keep-days'],
  ['fractional keep-daily', { 'keep-daily': '1.5' }, 'keep-daily'],
  ['negative keep-monthly', { 'keep-monthly': '-3' }, 'keep-monthly'],
  ['non-boolean retention-dry-run', { 'retention-dry-run': 'maybe' }, 'retention-dry-run'],
  ['parallel jobs with custom format', { jobs: '4' }, 'jobs'],
  ['zero jobs', { jobs: '0' }, 'jobs'],
  ['reserved pg_dump argument', { 'pg-dump-args': '--file=/tmp/x' }, 'pg-dump-args'],
  ['unknown pg-version', { 'pg-version': 'latest' }, 'pg-version'],
  ['invalid name', { name: 'bad name!' }, 'name'],
  ['unknown verify level', { verify: 'maybe' }, 'verify'],
  ['verify: restore without scratch', { verify: 'restore' }, 'scratch-database-url'],
  ['verify-sql without verify: restore', { 'verify-sql': 'SELECT true' }, 'verify-sql'],
  [
    'age and gpg together',
    { 'age-passphrase': 'correct horse', 'gpg-passphrase': 'battery staple' },
    "age-passphrase' and 'gpg-passphrase"
  ],
  [
    'age recipients and passphrase together',
    { 'age-recipients': 'age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq', 'age-passphrase': 'x' },
    'age-recipients'
  ],
  ['not an age recipient', { 'age-recipients': 'ssh-rsa AAAAB3NzaC1yc2E' }, 'age-recipients'],
  ['unreadable armored gpg key', { 'gpg-public-key': ARMORED_JUNK, verify: 'none' }, 'gpg-public-key'],
  ['gpg key that is not armored', { 'gpg-public-key': 'not a key' }, 'gpg-public-key'],
  [
    'age recipients without an identity to verify',
    { 'age-recipients': 'age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq' },
    'age-identity'
  ],
  ['malformed age identity', { 'age-identity': 'AGE-SECRET-KEY-nope' }, 'age-identity'],
  ['unknown lock-wait-timeout', { 'lock-wait-timeout': 'soon' }, 'lock-wait-timeout'],
  ['artifact retention of zero days', { 'artifact-retention-days': '0' }, 'artifact-retention-days'],
  ['unknown command', { command: 'explode' }, 'command']
]

const otherCommands = (): Case[] => [
  ['restore without target', { command: 'restore', name: 'chinook', ...s3() }, 'target-database-url'],
  [
    'restore with a malformed target',
    { command: 'restore', name: 'chinook', ...s3(), 'target-database-url': 'postgres//nope' },
    'target-database-url'
  ],
  ['restore of a path-like backup', { command: 'restore', ...s3(), backup: '../../etc/passwd', 'target-database-url': url }, 'backup'],
  [
    'restore with a non-boolean safety-backup',
    { command: 'restore', name: 'chinook', ...s3(), 'target-database-url': url, 'safety-backup': 'maybe' },
    'safety-backup'
  ],
  [
    'restore whose confirm does not match the target',
    { command: 'restore', backup: seededKey, ...s3(), 'target-database-url': url, confirm: 'production' },
    'confirm',
    /Restore refused/
  ],
  [
    'restore-test with an unsupported max-age',
    { command: 'restore-test', name: 'chinook', ...s3(), 'scratch-database-url': url, 'max-age': '3 days' },
    'max-age'
  ],
  ['restore-test without scratch', { command: 'restore-test', name: 'chinook', ...s3() }, 'scratch-database-url'],
  ['check without max-age', { command: 'check', name: 'chinook', ...s3() }, 'max-age'],
  ['list of another run without a token', { command: 'list', ...s3(), 'artifact-run-id': '77' }, 'artifact-run-id']
]

// provider: neon cases: the inputs here replace those of a valid branch backup against the stand-in.
const neonCases = (): Case[] => [
  ['no API key', { 'neon-api-key': '' }, 'neon-api-key'],
  ['no project', { 'neon-project-id': '' }, 'neon-project-id'],
  ['malformed project id', { 'neon-project-id': 'My Project' }, 'neon-project-id'],
  ['unknown neon-mode', { 'neon-mode': 'clone' }, 'neon-mode'],
  ['non-http API URL', { 'neon-api-url': 'file:///etc' }, 'neon-api-url'],
  ['point in time without a zone', { 'neon-point-in-time': '2026-11-30 03:00' }, 'neon-point-in-time'],
  ['point in time in the future', { 'neon-point-in-time': '2999-01-01T00:00:00Z' }, 'neon-point-in-time'],
  ['verify: restore at a past point', { verify: 'restore', 'neon-point-in-time': '2026-11-30T03:00:00Z' }, 'neon-point-in-time'],
  ['encryption of a branch', { 'age-passphrase': 'secret' }, 'age-passphrase'],
  ['neon-mode with provider postgres', { provider: 'postgres', 'database-url': 'postgres://u:p@h/db' }, 'neon-mode'],
  [
    'restore naming a backup and a point in time',
    { command: 'restore', backup: 'shop-20261130T030000Z', 'neon-point-in-time': '2026-11-30T03:00:00Z' },
    'neon-point-in-time'
  ],
  [
    'restore whose confirm does not match the branch',
    { command: 'restore', backup: 'shop-20261130T030000Z', 'neon-branch': 'main', confirm: 'production' },
    'confirm',
    /Restore refused/
  ]
]

describe('bad input', () => {
  it('covers at least 40 combinations', () => {
    expect(cases.length + otherCommands().length).toBeGreaterThanOrEqual(40)
  })

  it.each(cases)('backup, %s: names the input and changes nothing', async (_what, extra, input) => {
    await expectRejected(backup(extra), input)
  })

  it('a refused value that holds a secret is quoted with the secret scrubbed', async () => {
    // A name built from the scratch URL: refused, and the message quotes it.
    const scratch = stack.pg.url('postgres')
    const r = await runAction(
      backup({ verify: 'restore', 'scratch-database-url': scratch, name: `copy-of-${scratch}`, 's3-endpoint': stack.s3.endpoint }),
      { env: stack.env }
    )
    const [error] = r.annotations.filter(a => a.level === 'error')
    expect(error.title).toBe('Invalid input')
    expect(error.message).toContain("Input 'name'")
    const password = new URL(scratch).password
    for (const form of [password, decodeURIComponent(password)])
      expect(decodeURIComponent(error.message.replace(/%25/g, '%'))).not.toContain(form)
  })

  it('… and for the other commands', async () => {
    for (const [what, inputs, input, title] of otherCommands()) await expectRejected(inputs, input, title, what)
  })

  it('… and for provider: neon, which calls no mutating Neon API', async () => {
    await neon.addBranch('shop-20261130T030000Z', { annotation: { 'pg-backup-action': 'shop', 'pg-backup-action-verify': 'archive' } })
    const branches = () => [...neon.branches.values()].map(b => `${b.id} ${b.name} ${b.db}`).sort()
    const before = branches()
    for (const [what, extra, input, title] of neonCases()) {
      const before = neon.requests.length
      await expectRejected({ ...neon.inputs, 'neon-mode': 'branch', name: 'shop', ...extra }, input, title, what)
      expect({ what, calls: neon.requests.slice(before).filter(r => r.method !== 'GET') }).toEqual({ what, calls: [] })
    }
    expect(branches()).toEqual(before)
  })
})

async function expectRejected(inputs: Record<string, string>, input: string, title = /Invalid input/, what = '') {
  const keys = await listKeys(stack.s3)
  const artifacts = stack.artifacts.artifacts.size
  const r = await runAction({ ...inputs, 's3-endpoint': inputs['s3-endpoint'] ?? stack.s3.endpoint }, { env: stack.env })
  const errors = r.annotations.filter(a => a.level === 'error')
  expect({ what, code: r.code, errors: errors.length }).toEqual({ what, code: 1, errors: 1 })
  expect(errors[0].title).toMatch(title)
  expect(errors[0].message).toContain(`'${input}`)
  expect(await listKeys(stack.s3)).toEqual(keys)
  expect(stack.artifacts.artifacts.size).toBe(artifacts)
  expect(fs.readdirSync(r.tempDir)).toEqual([])
}
