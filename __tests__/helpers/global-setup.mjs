// Before any test: the PostgreSQL server and the CLIs the tests check results with, installed where missing.
import { ensureTools, postgresBin } from '../../scripts/lib/servers.mjs'

export default function globalSetup() {
  postgresBin()
  ensureTools()
}
