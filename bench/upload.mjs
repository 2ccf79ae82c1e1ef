// The seed scripts' upload step (what `aws s3 cp file s3://…` does): a multipart upload of a finished file.
import * as fs from 'node:fs'
import { S3Client } from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'

const [endpoint, bucket, key, file] = process.argv.slice(2)
const client = new S3Client({
  endpoint,
  region: 'us-east-1',
  forcePathStyle: true,
  credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  requestChecksumCalculation: 'WHEN_REQUIRED'
})
await new Upload({
  client,
  params: { Bucket: bucket, Key: key, Body: fs.createReadStream(file) },
  partSize: 8 * 1024 * 1024,
  queueSize: 4
}).done()
