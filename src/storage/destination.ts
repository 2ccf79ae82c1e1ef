import { Writable, type Readable } from 'node:stream'

/** Where the stored bytes go. `done` settles when the destination has them all (or failed). */
export interface Sink {
  name: string
  stream: Writable
  done: Promise<void>
}

/** What was stored, and how to read each copy back. */
export interface StoredCopy {
  kind: 's3' | 'artifact'
  location: string
  open: () => Promise<Readable>
  /** sha256 the destination itself reported for what it received, when it reports one. */
  reportedSha256?: string
}
