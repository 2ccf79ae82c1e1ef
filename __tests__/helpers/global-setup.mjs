// Before any test: the PostgreSQL server and the CLIs the tests check results with, installed where missing,
// and one temporary root for the whole run (workers inherit TMPDIR), removed by global-teardown.mjs.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { ensureTools, postgresBin } from '../../scripts/lib/servers.mjs'

export default function globalSetup() {
  postgresBin()
  ensureTools()
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgba-test-run-'))
  // Clusters live below it and run as the postgres user, which must be able to reach them.
  fs.chmodSync(root, 0o755)
  process.env.PGBA_TEST_ROOT = root
  process.env.TMPDIR = root
}
