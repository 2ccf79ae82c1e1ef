import { describe, expect, it } from '@jest/globals'
import { choosePartSize, maxParts, objectParams } from '../../../src/storage/s3.js'
import type { S3Settings } from '../../../src/config/settings.js'

const MiB = 1024 * 1024
const GiB = 1024 * MiB

describe('maxParts', () => {
  it.each([
    [undefined, 10000],
    ['https://s3.fr-par.scw.cloud', 1000],
    ['https://s3.nl-ams.scw.cloud:443', 1000],
    ['https://abc.r2.cloudflarestorage.com', 10000],
    ['http://127.0.0.1:9000', 10000],
    ['https://notscw.cloud.example.com', 10000]
  ])('%s → %i', (endpoint, parts) => expect(maxParts(endpoint)).toBe(parts))
})

describe('choosePartSize', () => {
  it.each([
    [10 * MiB, 10000, undefined, 5 * MiB],
    [100 * GiB, 10000, undefined, 21 * MiB],
    [100 * GiB, 1000, undefined, 205 * MiB],
    [20000 * GiB, 1000, undefined, 5 * 1024 * MiB],
    [100 * GiB, 1000, 64, 64 * MiB]
  ])('database %i bytes, %i parts, override %s → %i', (size, parts, override, expected) => {
    expect(choosePartSize(size, parts, override)).toBe(expected)
  })

  it('always fits twice the database size in the part limit (below the 5 GiB cap)', () => {
    for (const size of [0, 1, 7 * MiB, 3 * GiB, 333 * GiB, 1900 * GiB]) {
      for (const parts of [1000, 10000]) {
        const p = choosePartSize(size, parts)
        expect(p * parts).toBeGreaterThanOrEqual(2 * size)
        expect(p % MiB).toBe(0)
      }
    }
  })
})

describe('objectParams', () => {
  const s: S3Settings = {
    bucket: 'b',
    prefix: 'p/',
    endpoint: undefined,
    region: 'eu-west-1',
    forcePathStyle: false,
    storageClass: 'STANDARD_IA',
    sse: 'aws:kms',
    kmsKeyId: 'key-1',
    objectLockDays: 30,
    partSizeMiB: undefined,
    credentials: undefined
  }
  it('carries storage class, encryption at rest and object lock', () => {
    const now = new Date('2026-01-01T00:00:00Z')
    expect(objectParams(s, 'p/x', 'application/zstd', now)).toEqual({
      Bucket: 'b',
      Key: 'p/x',
      ContentType: 'application/zstd',
      StorageClass: 'STANDARD_IA',
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: 'key-1',
      ObjectLockMode: 'COMPLIANCE',
      ObjectLockRetainUntilDate: new Date('2026-01-31T00:00:00Z')
    })
  })
  it('adds nothing that was not asked for', () => {
    expect(
      objectParams(
        { ...s, storageClass: undefined, sse: undefined, kmsKeyId: undefined, objectLockDays: undefined },
        'k',
        'application/json'
      )
    ).toEqual({ Bucket: 'b', Key: 'k', ContentType: 'application/json' })
  })
})
