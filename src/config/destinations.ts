import * as path from 'node:path'
import { InputError } from '../runtime/errors.js'
import { nameOfStored } from './naming.js'
import type { ArtifactSettings, FileSettings, BackupRef, DestinationKind, Destinations, S3Settings } from './settings.js'
import { oneOf, integer, boolean, InputReader } from './fields.js'

export const DESTINATIONS = ['artifact', 's3', 'file'] as const

export const SSE_VALUES = ['AES256', 'aws:kms', 'aws:kms:dsse'] as const

export function parseDestinations(read: InputReader): Destinations {
  const raw = read('destination') || 'artifact'
  const order = raw
    .split(',')
    .map(s => s.trim())
    .filter(Boolean) as DestinationKind[]
  for (const d of order) oneOf('destination', d, DESTINATIONS, 'artifact')
  if (order.length === 0 || new Set(order).size !== order.length) {
    throw new InputError(`Input 'destination' must be artifact, s3, file or a comma list of them without repeats; got '${raw}'.`)
  }
  const artifact: ArtifactSettings | undefined = order.includes('artifact')
    ? { retentionDays: integer('artifact-retention-days', read('artifact-retention-days'), 1, 400) }
    : undefined
  return {
    order,
    artifact,
    s3: order.includes('s3') ? parseS3(read) : undefined,
    file: order.includes('file') ? parseFile(read) : undefined
  }
}

/** DESIGN.md §8: a relative file-path is the workspace's, like every other path a workflow names. */
export function parseFile(read: InputReader): FileSettings {
  const raw = read('file-path')
  if (!raw)
    throw new InputError(
      `Input 'file-path' is required when 'destination' includes file: a directory on the runner (a mounted volume, a NAS).`
    )
  if (raw.includes('\0')) throw new InputError(`Input 'file-path' must be a directory path; got a NUL character.`)
  return { root: path.resolve(process.env.GITHUB_WORKSPACE || process.cwd(), raw) }
}

export function parseS3(read: InputReader): S3Settings {
  const bucket = read('s3-bucket')
  if (!bucket) throw new InputError(`Input 's3-bucket' is required when 'destination' includes s3.`)
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new InputError(`Input 's3-bucket' must be a bucket name (3–63 of a–z 0–9 . -); got '${bucket}'.`)
  }
  let prefix = read('s3-prefix')
  if (prefix === '') prefix = 'pg-backups/'
  prefix = prefix.replace(/^\/+/, '')
  if (prefix && !prefix.endsWith('/')) prefix += '/'

  const endpoint = read('s3-endpoint') || undefined
  if (endpoint) {
    if (!URL.canParse(endpoint) || !['http:', 'https:'].includes(new URL(endpoint).protocol))
      throw new InputError(`Input 's3-endpoint' must be an http(s) URL; got '${endpoint}'.`)
  }
  const accessKeyId = read('aws-access-key-id')
  const secretAccessKey = read('aws-secret-access-key')
  if (!!accessKeyId !== !!secretAccessKey) {
    throw new InputError(
      `Inputs 'aws-access-key-id' and 'aws-secret-access-key' must be given together (or neither, to use the AWS credential chain).`
    )
  }
  const sse = read('s3-sse') ? oneOf('s3-sse', read('s3-sse'), SSE_VALUES, 'AES256') : undefined
  const kmsKeyId = read('s3-kms-key-id') || undefined
  if (kmsKeyId && !sse?.startsWith('aws:kms')) {
    throw new InputError(`Input 's3-kms-key-id' needs 's3-sse: aws:kms' (or aws:kms:dsse).`)
  }
  const storageClass = read('s3-storage-class') || undefined
  if (storageClass && !/^[A-Z_]+$/.test(storageClass)) {
    throw new InputError(
      `Input 's3-storage-class' must be a storage class such as STANDARD, STANDARD_IA, GLACIER_IR; got '${storageClass}'.`
    )
  }
  return {
    bucket,
    prefix,
    endpoint,
    region: read('s3-region') || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || 'us-east-1',
    // Custom endpoints (MinIO above all) mostly need path-style addressing.
    forcePathStyle: boolean('s3-force-path-style', read('s3-force-path-style')) ?? !!endpoint,
    storageClass,
    sse,
    kmsKeyId,
    objectLockDays: integer('s3-object-lock-days', read('s3-object-lock-days'), 1, 36500),
    partSizeMiB: integer('s3-part-size', read('s3-part-size'), 5, 5120),
    credentials: accessKeyId ? { accessKeyId, secretAccessKey } : undefined
  }
}

/** `backup:` — latest, latest-verified, an S3 key (contains `/`) or an artifact name (DESIGN.md §2, §7). */
export function parseBackupRef(value: string): BackupRef {
  if (!value || value === 'latest') return { kind: 'latest' }
  if (value === 'latest-verified') return { kind: 'latest-verified' }
  if (!/^[A-Za-z0-9._\-/]+$/.test(value) || value.includes('..')) {
    throw new InputError(
      `Input 'backup' must be latest, latest-verified, a path under file-path, an S3 key or an artifact name; got '${value}'.`
    )
  }
  if (value.startsWith('/')) return { kind: 'path', path: value }
  return value.includes('/') ? { kind: 'key', key: value } : { kind: 'artifact', name: value }
}

export function nameFromBackupRef(ref: BackupRef): string {
  const file =
    ref.kind === 'key'
      ? ref.key.split('/').pop()!
      : ref.kind === 'path'
        ? ref.path.split('/').pop()!
        : ref.kind === 'artifact'
          ? ref.name
          : ''
  const name = nameOfStored(file)
  if (!name)
    throw new InputError(
      `Input 'name' is required to find the ${ref.kind === 'latest' || ref.kind === 'latest-verified' ? `${ref.kind} backup` : 'backup'} (or give 'backup' as a key or artifact name made by this action).`
    )
  return name
}
