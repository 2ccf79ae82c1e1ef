import { afterEach, describe, expect, it } from '@jest/globals'
import nock from 'nock'
import { S3Destination } from '../../../src/storage/s3.js'
import type { S3Settings } from '../../../src/config/settings.js'

// The post step's cleanup at the SDK boundary (s3rver has no ListMultipartUploads/AbortMultipartUpload).
const settings: S3Settings = {
  bucket: 'backups',
  prefix: 'pg-backups/',
  endpoint: 'http://s3.test',
  region: 'us-east-1',
  forcePathStyle: true,
  storageClass: undefined,
  sse: undefined,
  kmsKeyId: undefined,
  objectLockDays: undefined,
  partSizeMiB: undefined,
  credentials: { accessKeyId: 'AK', secretAccessKey: 'SK' }
}
const key = 'pg-backups/shop/shop-20261122T031700Z.dump.zst'

afterEach(() => nock.cleanAll())

describe('S3Destination.abortPending', () => {
  it('aborts the unfinished uploads of exactly this key', async () => {
    const aborted: string[] = []
    nock('http://s3.test')
      .get('/backups/')
      .query(q => 'uploads' in q && q.prefix === key)
      .reply(
        200,
        `<?xml version="1.0" encoding="UTF-8"?><ListMultipartUploadsResult><Bucket>backups</Bucket>
        <Upload><Key>${key}</Key><UploadId>u-1</UploadId></Upload>
        <Upload><Key>${key}.manifest.json</Key><UploadId>u-2</UploadId></Upload>
        <Upload><Key>${key}</Key><UploadId>u-3</UploadId></Upload></ListMultipartUploadsResult>`
      )
      .delete(`/backups/${key}`)
      .query(true)
      .times(2)
      .reply(204, (uri: string) => {
        aborted.push(new URL(uri, 'http://s3.test').searchParams.get('uploadId')!)
        return ''
      })
    expect(await new S3Destination(settings).abortPending(key)).toBe(2)
    expect(aborted).toEqual(['u-1', 'u-3'])
  })

  it('does nothing when no upload is pending', async () => {
    nock('http://s3.test')
      .get('/backups/')
      .query(true)
      .reply(200, '<ListMultipartUploadsResult><Bucket>backups</Bucket></ListMultipartUploadsResult>')
    expect(await new S3Destination(settings).abortPending(key)).toBe(0)
  })
})
