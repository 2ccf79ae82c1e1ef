import * as core from '@actions/core'
import { Catalog } from '../storage/catalog.js'
import type { ListSettings } from '../config/settings.js'
import { listedFile, reportList } from '../report/list.js'
import { Workspace } from '../runtime/workspace.js'

/** `list`: every backup under the prefix (one `name` when given), newest first by manifest time. */
export async function list(s: ListSettings): Promise<void> {
  const work = new Workspace()
  try {
    const entries = await core.group('List backups', () => new Catalog(s, work).listAll(s.name))
    await reportList(entries.map(listedFile), s.secrets)
  } finally {
    work.cleanup()
  }
}
