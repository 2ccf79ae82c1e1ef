import * as core from '@actions/core'
import { PassThrough, type Readable } from 'node:stream'
import type { PutObjectCommandInput, S3Client } from '@aws-sdk/client-s3'
import type { S3Settings } from '../config/settings.js'
import type { CatalogEntry, Destination, Sink, Write } from './destination.js'
import type { ManifestV1 } from './manifest.js'
import { manifestKey } from '../config/naming.js'
import { ActionError, Titles } from '../runtime/errors.js'
import { entriesOf, entryAt, type KeyStore } from './entries.js'

const MiB = 1024 * 1024
// S3's own minimum: with two parts in flight, memory stays flat at ~15 MiB whatever the size.
const MIN_PART = 5 * MiB
const MAX_PART = 5 * 1024 * MiB

/** Scaleway caps multipart uploads at 1,000 parts; AWS and the others at 10,000. */
export function maxParts(endpoint: string | undefined): number {
  if (!endpoint) return 10000
  return /(^|\.)scw\.cloud$/i.test(new URL(endpoint).hostname) ? 1000 : 10000
}

/**
 * Part size chosen before the size is known: the database size is an upper
 * bound of the dump (compression only shrinks it), doubled for room, spread
 * over the provider's part limit; at least 5 MiB (S3's minimum), whole MiB.
 */
export function choosePartSize(estimatedBytes: number, partLimit: number, overrideMiB?: number): number {
  if (overrideMiB) return overrideMiB * MiB
  const needed = Math.ceil((estimatedBytes * 2) / partLimit / MiB) * MiB
  return Math.min(MAX_PART, Math.max(MIN_PART, needed))
}

export function s3Url(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`
}

/** Parameters every object we write carries: storage class, encryption at rest, object lock. */
export function objectParams(s: S3Settings, key: string, contentType: string, now = new Date()): PutObjectCommandInput {
  const p: PutObjectCommandInput = { Bucket: s.bucket, Key: key, ContentType: contentType }
  if (s.storageClass) p.StorageClass = s.storageClass as PutObjectCommandInput['StorageClass']
  if (s.sse) p.ServerSideEncryption = s.sse as PutObjectCommandInput['ServerSideEncryption']
  if (s.kmsKeyId) p.SSEKMSKeyId = s.kmsKeyId
  if (s.objectLockDays) {
    p.ObjectLockMode = 'COMPLIANCE'
    p.ObjectLockRetainUntilDate = new Date(now.getTime() + s.objectLockDays * 86400_000)
  }
  return p
}

type Sdk = typeof import('@aws-sdk/client-s3') & Pick<typeof import('@aws-sdk/lib-storage'), 'Upload'>
let sdk: Promise<Sdk> | undefined

/**
 * The AWS SDK, loaded on first use, from a chunk of its own: compiling and
 * running its ~1 MB would otherwise come before anything else the step does,
 * where a backup starts pg_dump first and the SDK loads while pg_dump reads
 * its catalogs.
 */
function loadSdk(): Promise<Sdk> {
  sdk ??= Promise.all([import('@aws-sdk/client-s3'), import('@aws-sdk/lib-storage')]).then(([c, l]) => ({ ...c, Upload: l.Upload }))
  return sdk
}

function createS3Client(sdk: Sdk, s: S3Settings): S3Client {
  return new sdk.S3Client({
    region: s.region,
    endpoint: s.endpoint,
    forcePathStyle: s.forcePathStyle,
    credentials: s.credentials,
    // R2, MinIO and Scaleway reject the SDK's default CRC32 headers: send checksums only where an API requires them.
    ...(s.endpoint ? { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' } : {}),
    maxAttempts: 5
  })
}

/** The IAM permission each S3 operation needs: what an AccessDenied names (the README has the policy per command). */
const PERMISSION = {
  HeadObject: 's3:GetObject (and s3:ListBucket: without it a key that does not exist answers 403 too)',
  PutObject: 's3:PutObject',
  GetObject: 's3:GetObject',
  ListObjectsV2: 's3:ListBucket',
  DeleteObjects: 's3:DeleteObject',
  ListMultipartUploads: 's3:ListBucketMultipartUploads',
  AbortMultipartUpload: 's3:AbortMultipartUpload'
} as const
export type S3Operation = keyof typeof PERMISSION

/**
 * An S3 failure in words that say what to change (DESIGN.md §7): a denied
 * operation names the permission it needs and the bucket; a missing bucket
 * says so; anything else keeps S3's own words, with the operation and key.
 */
export function explainS3(
  e: unknown,
  op: S3Operation,
  s: Pick<S3Settings, 'bucket' | 'endpoint' | 'region' | 'objectLockDays' | 'sse' | 'kmsKeyId'>,
  key?: string
): Error {
  const err = e as { name?: string; Code?: string; message?: string; $metadata?: { httpStatusCode?: number } }
  const code = err.name ?? err.Code ?? ''
  const status = err.$metadata?.httpStatusCode
  const what = `s3://${s.bucket}${key === undefined ? '' : `/${key}`}`
  const where = s.endpoint ? `at ${s.endpoint}` : `in region ${s.region}`
  let text: string
  if (['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'InvalidToken', 'TokenRefreshRequired'].includes(code)) {
    text = `S3 rejected the credentials for ${op} on ${what} (${code}): check aws-access-key-id and aws-secret-access-key, or the role aws-actions/configure-aws-credentials assumed (and that s3-region and s3-endpoint are the bucket's).`
  } else if (code === 'AccessDenied' || (status === 403 && (!code || code === 'Unknown' || /^\d+$/.test(code)))) {
    const extra = [
      op === 'PutObject' && s.objectLockDays ? 's3:PutObjectRetention (s3-object-lock-days)' : '',
      (op === 'PutObject' || op === 'GetObject') && s.sse?.startsWith('aws:kms')
        ? `kms:GenerateDataKey and kms:Decrypt on ${s.kmsKeyId ?? 'the bucket key'}`
        : '',
      op === 'PutObject' ? 's3:AbortMultipartUpload (so a failed upload leaves no parts)' : ''
    ].filter(Boolean)
    const resource = op === 'ListObjectsV2' || op === 'ListMultipartUploads' ? `arn:aws:s3:::${s.bucket}` : `arn:aws:s3:::${s.bucket}/*`
    // A HEAD's 403 has no body to name its code: a 403 is access denied either way.
    text = `S3 denied ${op} on ${what} (403 AccessDenied): the credentials need ${PERMISSION[op]} on ${resource}${extra.length ? `, and ${extra.join(', ')}` : ''}.`
  } else if (code === 'NoSuchBucket') {
    text = `the bucket '${s.bucket}' does not exist ${where} (${op} on ${what}): create it, or check s3-bucket, s3-region and s3-endpoint.`
  } else {
    text = `S3 ${op} on ${what} failed: ${err.message || code || String(e)}`
  }
  return Object.assign(new Error(text, { cause: e }), { name: code || 'S3Error', $metadata: err.$metadata })
}

function isNotFound(e: unknown): boolean {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } }
  return err?.name === 'NotFound' || err?.name === 'NoSuchKey' || err?.$metadata?.httpStatusCode === 404
}

/** An S3-compatible bucket: streamed multipart uploads, no runner disk. */
export class S3Destination implements Destination, KeyStore {
  readonly kind = 's3'
  private loaded?: Promise<{ sdk: Sdk; client: S3Client }>
  constructor(readonly settings: S3Settings) {}

  /** The SDK and this bucket's client, made on first use (loadSdk). */
  private s3(): Promise<{ sdk: Sdk; client: S3Client }> {
    this.loaded ??= loadSdk().then(sdk => ({ sdk, client: createS3Client(sdk, this.settings) }))
    return this.loaded
  }

  url(key: string): string {
    return s3Url(this.settings.bucket, key)
  }

  keyOf(name: string, fileName: string): string {
    return `${this.settings.prefix}${name}/${fileName}`
  }

  async refuseExisting(key: string): Promise<void> {
    // Both asked at once: pg_dump waits for the answer, and each is a round trip to S3.
    const found = await Promise.all([this.exists(key), this.exists(manifestKey(key))])
    if (found.some(Boolean)) {
      throw new ActionError(
        Titles.backup,
        `${this.url(key)} already exists; refusing to overwrite it. Run again in a second, or set a different 'name'.`
      )
    }
  }

  /** The upload completes the object: from then on a failure must remove it. */
  write(key: string, contentType: string, estimatedBytes: number): Write {
    const partSize = choosePartSize(estimatedBytes, maxParts(this.settings.endpoint), this.settings.partSizeMiB)
    const sink = this.openUpload(key, contentType, partSize)
    return { sink, final: 'written', publish: async () => ({ kind: 's3', location: this.url(key), open: () => this.get(key) }) }
  }

  writeManifest(key: string, manifest: ManifestV1): Promise<void> {
    return this.putJson(manifestKey(key), manifest)
  }

  readText(key: string): Promise<string> {
    return this.getText(key)
  }

  async list(name: string | undefined): Promise<CatalogEntry[]> {
    return entriesOf(await this.listKeys(this.settings.prefix + (name ? `${name}/` : '')), name, this)
  }

  /** An S3 key is read directly, wherever it lives (another prefix included), with its manifest beside it. */
  async find(key: string, name: string): Promise<CatalogEntry> {
    const e = await entryAt(key, name, this)
    if (!e) throw new ActionError(Titles.restore, `Backup '${key}' was not found in s3://${this.settings.bucket}.`)
    return e
  }

  open(e: CatalogEntry): Promise<Readable> {
    return this.get(e.key)
  }

  cannotPrune(): string | undefined {
    return undefined
  }

  async prune(entries: CatalogEntry[]): Promise<void> {
    await this.remove(entries.filter(e => e.objectPresent).map(e => e.key))
    await this.remove(entries.map(e => manifestKey(e.key)))
  }

  /** Aborts the uploads a killed step left open, then removes an object without a manifest; the second runs even when the first failed. */
  async cleanUpAfterKill(key: string): Promise<void> {
    let failure: unknown
    try {
      const n = await this.abortPending(key)
      if (n) core.info(`Aborted ${n} unfinished multipart upload(s) of ${key}.`)
    } catch (e) {
      failure = e
    }
    if (!(await this.exists(manifestKey(key))) && (await this.removeIfPresent([key])))
      core.info(`Removed ${this.url(key)}: the step ended before its manifest was written.`)
    if (failure) throw failure
  }

  /** Runs one S3 call, explaining its failure (explainS3). */
  private async call<T>(op: S3Operation, key: string | undefined, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (e) {
      throw explainS3(e, op, this.settings, key)
    }
  }

  async exists(key: string): Promise<boolean> {
    const { sdk, client } = await this.s3()
    try {
      await client.send(new sdk.HeadObjectCommand({ Bucket: this.settings.bucket, Key: key }))
      return true
    } catch (e) {
      // A HEAD answers without a body, so a missing bucket is a 404 like a missing key: the upload that follows names it.
      if (isNotFound(e)) return false
      throw explainS3(e, 'HeadObject', this.settings, key)
    }
  }

  /**
   * A sink that streams straight into a multipart upload (no temp file). On
   * any error — the stream destroyed by a failed pg_dump included — the
   * upload is aborted, so no object and no pending parts remain.
   */
  openUpload(key: string, contentType: string, partSize: number): Sink {
    const body = new PassThrough({ highWaterMark: 1024 * 1024 })
    // Until the SDK is there, the body holds what arrives and then holds the stream back.
    const upload = this.s3().then(({ sdk, client }) =>
      new sdk.Upload({
        client,
        params: { ...objectParams(this.settings, key, contentType), Body: body },
        partSize,
        // Two parts in flight: one uploads while the next fills. The compressed stream is far slower than an upload, so more buys nothing but memory.
        queueSize: 2,
        leavePartsOnError: false
      }).done()
    )
    const done = upload.then(
      () => undefined,
      (e: unknown) => {
        throw explainS3(e, 'PutObject', this.settings, key)
      }
    )
    return { name: 's3', stream: body, done }
  }

  async putJson(key: string, value: unknown): Promise<void> {
    const { sdk, client } = await this.s3()
    await this.call('PutObject', key, () =>
      client.send(
        new sdk.PutObjectCommand({ ...objectParams(this.settings, key, 'application/json'), Body: JSON.stringify(value, null, 2) + '\n' })
      )
    )
  }

  async get(key: string): Promise<Readable> {
    const { sdk, client } = await this.s3()
    const r = await this.call('GetObject', key, () => client.send(new sdk.GetObjectCommand({ Bucket: this.settings.bucket, Key: key })))
    return r.Body as Readable
  }

  /** Every key under `prefix`, paging past 1,000 objects. */
  async listKeys(prefix: string): Promise<{ key: string; size: number }[]> {
    const { sdk, client } = await this.s3()
    const out: { key: string; size: number }[] = []
    let token: string | undefined
    do {
      const r = await this.call('ListObjectsV2', prefix, () =>
        client.send(new sdk.ListObjectsV2Command({ Bucket: this.settings.bucket, Prefix: prefix, ContinuationToken: token }))
      )
      for (const o of r.Contents ?? []) if (o.Key) out.push({ key: o.Key, size: o.Size ?? 0 })
      token = r.IsTruncated ? r.NextContinuationToken : undefined
    } while (token)
    return out
  }

  async getText(key: string): Promise<string> {
    const { sdk, client } = await this.s3()
    const r = await this.call('GetObject', key, () => client.send(new sdk.GetObjectCommand({ Bucket: this.settings.bucket, Key: key })))
    return (await r.Body?.transformToString('utf8')) ?? ''
  }

  /** Batch delete (1,000 keys a request); throws naming the keys S3 refused. */
  async remove(keys: string[]): Promise<void> {
    const { sdk, client } = await this.s3()
    for (let i = 0; i < keys.length; i += 1000) {
      const chunk = keys.slice(i, i + 1000)
      const r = await this.call('DeleteObjects', chunk[0], () =>
        client.send(
          new sdk.DeleteObjectsCommand({ Bucket: this.settings.bucket, Delete: { Objects: chunk.map(Key => ({ Key })), Quiet: true } })
        )
      )
      const denied = r.Errors?.find(e => e.Code === 'AccessDenied')
      if (denied) throw explainS3({ name: 'AccessDenied' }, 'DeleteObjects', this.settings, denied.Key)
      if (r.Errors?.length) throw new Error(`S3 refused to delete ${r.Errors.map(e => `${e.Key} (${e.Code})`).join(', ')}`)
    }
  }

  /** Removes those of `keys` that exist; false when none did (a run that failed before storing anything). */
  async removeIfPresent(keys: string[]): Promise<boolean> {
    const present = (await Promise.all(keys.map(async k => ((await this.exists(k)) ? k : undefined)))).filter(k => k !== undefined)
    if (present.length) await this.remove(present)
    return present.length > 0
  }

  /** Used by the post step: aborts uploads a killed main step left open for `key`. */
  async abortPending(key: string): Promise<number> {
    const { sdk, client } = await this.s3()
    const r = await this.call('ListMultipartUploads', key, () =>
      client.send(new sdk.ListMultipartUploadsCommand({ Bucket: this.settings.bucket, Prefix: key }))
    )
    let n = 0
    for (const u of r.Uploads ?? []) {
      if (u.Key !== key || !u.UploadId) continue
      await this.call('AbortMultipartUpload', key, () =>
        client.send(new sdk.AbortMultipartUploadCommand({ Bucket: this.settings.bucket, Key: key, UploadId: u.UploadId }))
      )
      n++
    }
    return n
  }
}
