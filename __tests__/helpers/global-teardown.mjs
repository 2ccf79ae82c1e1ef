// After the last test: every temporary folder the run made (clusters, s3rver data, runner dirs) goes with its root.
import * as fs from 'node:fs'

export default function globalTeardown() {
  const root = process.env.PGBA_TEST_ROOT
  if (root) fs.rmSync(root, { recursive: true, force: true })
}
