import { describe, expect, it } from '@jest/globals'
import { pipeline } from 'node:stream/promises'
import { Readable } from 'node:stream'
import { explainConnectFailure, explainNetwork } from '../../../src/postgres/connect.js'
import { explainServerMessage } from '../../../src/postgres/causes.js'
import { explainS3 } from '../../../src/storage/s3.js'
import { ArtifactDestination } from '../../../src/storage/artifact.js'
import { parseDatabaseUrl } from '../../../src/config/database-url.js'
import type { Workspace } from '../../../src/runtime/workspace.js'

// The error mapping for what the loopback-only network here cannot produce for real, and the edges of what it can.
const source = parseDatabaseUrl('postgres://u@db.example.com:5432/app', 'auto')
const errno = (code: string, extra: Record<string, string> = {}) => Object.assign(new Error(`connect ${code}`), { code, ...extra })

describe('network failures name the host and what to do', () => {
  it.each([
    [
      'ENOTFOUND',
      {},
      /^Could not connect to db\.example\.com:5432 \('database-url'\): the name db\.example\.com does not resolve \(DNS\)\. Check the host in the URL; a name that resolves only inside a private network needs a self-hosted runner/
    ],
    ['EAI_AGAIN', {}, /could not be resolved right now \(DNS is failing temporarily\)\. Run the job again/],
    [
      'ENETUNREACH',
      { address: '2a05:d014:1c06:5f00::1' },
      /resolves to the IPv6 address 2a05:d014:1c06:5f00::1, and this runner has no IPv6 route \(GitHub-hosted runners are IPv4-only\)\. Use a host with an IPv4 address: for Supabase, the session pooler/
    ],
    [
      'EHOSTUNREACH',
      { address: '10.1.2.3' },
      /no route to db\.example\.com \(10\.1\.2\.3\) from this runner\. A server on a private network needs a self-hosted runner inside it, or a tunnel\./
    ],
    ['ETIMEDOUT', {}, /timed out\. A firewall or the provider's IP allow list may be dropping this runner's address/],
    ['ECONNREFUSED', {}, /nothing accepts connections there \(connection refused\)/]
  ])('%s %j', async (code, extra, message) => {
    expect((await explainConnectFailure(errno(code, extra), source)).message).toMatch(message)
  })

  it.each(['ENETUNREACH', 'ENOTFOUND', 'ETIMEDOUT'])(
    "%s to Supabase's direct host explains IPv4-only runners and names the session pooler with the project's user",
    async code => {
      const direct = parseDatabaseUrl('postgres://postgres:p@db.abcdefghijkl.supabase.co:5432/postgres', 'auto')
      const message = (await explainConnectFailure(errno(code, { address: '2a05:d014::1' }), direct)).message
      expect(message).toMatch(
        /db\.abcdefghijkl\.supabase\.co is Supabase's direct host, which has only an IPv6 address .* GitHub-hosted runners have no IPv6/
      )
      expect(message).toMatch(/session pooler .*port 5432, user postgres\.abcdefghijkl\.$/)
    }
  )

  it('a failure to reach the session pooler gets no direct-host advice', async () => {
    const pooler = parseDatabaseUrl('postgres://postgres.abc:p@aws-0-eu-central-1.pooler.supabase.com:5432/postgres', 'auto')
    expect((await explainConnectFailure(errno('ETIMEDOUT'), pooler)).message).not.toMatch(/direct host/)
  })

  it('an error it does not know stays as it is', async () => {
    const e = Object.assign(new Error('password authentication failed for user "u"'), { code: '28P01' })
    expect(await explainConnectFailure(e, source)).toBe(e)
  })

  it('the IPv6 advice needs an IPv6 address', () => {
    expect(explainNetwork('ENETUNREACH', 'h', '192.0.2.1')).toMatch(/^no route to h/)
  })
})

describe('what the server said, explained', () => {
  it.each([
    [
      'ERROR:  permission denied for schema supabase_functions',
      /^permission denied for schema supabase_functions: .*--exclude-schema=supabase_functions$/
    ],
    [
      'pg_dump: error: query failed: ERROR:  permission denied for table audit_log',
      /^permission denied for table audit_log: .*--exclude-table=audit_log \(or only its rows: --exclude-table-data=audit_log\)$/
    ],
    [
      'ERROR:  canceling statement due to conflict with recovery\nDETAIL:  User query might have needed to see row versions that must be removed.',
      /read replica .*hot_standby_feedback = on.*max_standby_streaming_delay/
    ],
    [
      'pg_dump: error: query failed: ERROR:  could not obtain lock on relation "orders"',
      /held a lock on orders longer than lock-wait-timeout/
    ],
    ['ERROR:  relation "x" does not exist', null]
  ])('%s', (message, expected) => {
    const got = explainServerMessage(message)
    if (expected === null) expect(got).toBeUndefined()
    else expect(got).toMatch(expected)
  })
})

describe('S3 errors', () => {
  const s = {
    bucket: 'acme',
    endpoint: undefined,
    region: 'eu-west-1',
    objectLockDays: 30,
    sse: 'aws:kms',
    kmsKeyId: 'arn:aws:kms:eu-west-1:1:key/k'
  }
  it('a denied upload names every permission the settings need', () => {
    expect(explainS3({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }, 'PutObject', s, 'pg-backups/x').message).toBe(
      'S3 denied PutObject on s3://acme/pg-backups/x (403 AccessDenied): the credentials need s3:PutObject on arn:aws:s3:::acme/*, and s3:PutObjectRetention (s3-object-lock-days), kms:GenerateDataKey and kms:Decrypt on arn:aws:kms:eu-west-1:1:key/k, s3:AbortMultipartUpload (so a failed upload leaves no parts).'
    )
  })
  it('rejected credentials are not a missing permission', () => {
    expect(explainS3({ name: 'SignatureDoesNotMatch', $metadata: { httpStatusCode: 403 } }, 'GetObject', s, 'k').message).toMatch(
      /^S3 rejected the credentials for GetObject on s3:\/\/acme\/k \(SignatureDoesNotMatch\): check aws-access-key-id/
    )
  })
})

describe('a full disk', () => {
  it('the artifact spool names the directory and why the destination needs disk (ENOSPC from the kernel: /dev/full)', async () => {
    const work = { createFile: () => '/dev/full' } as unknown as Workspace
    const spool = new ArtifactDestination({ retentionDays: undefined }, work).openSpool('x.dump.zst')
    const failed = pipeline(Readable.from([Buffer.alloc(1024 * 1024)]), spool.stream).then(
      () => undefined,
      (e: Error) => e
    )
    const [e] = await Promise.all([failed, spool.done.catch(() => undefined)])
    expect(e?.message).toBe(
      "no space left on the runner's disk in /dev: the artifact destination spools the whole backup there before uploading it (the artifact service takes whole files). Free disk on the runner, or store to S3 alone (destination: s3 streams and needs no runner disk)"
    )
  })
})
