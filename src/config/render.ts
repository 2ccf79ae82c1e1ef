import { InputError } from '../runtime/errors.js'
import type { RenderBackupSettings } from './settings.js'
import { boolean, oneOf, parseName } from './fields.js'
import type { ParseContext } from './context.js'
import { jobPlan } from './dump.js'

/** pg_dump's own options, which an export made by Render cannot take, each with whether it was set (action.yml's defaults are not). */
const DUMP_ONLY: [string, (value: string) => boolean][] = [
  ['jobs', v => !!v && v !== '1'],
  ['pg-dump-args', v => !!v],
  ['databases', v => !!v],
  ['roles', v => boolean('roles', v) === true]
]

/** Whether the inputs ask for Render's own export rather than a pg_dump of database-url. */
export function wantsRenderExport(ctx: ParseContext): boolean {
  return !!(ctx.read('render-api-key') || ctx.read('render-postgres-id'))
}

/** `render-api-key` + `render-postgres-id` (DESIGN.md §2, §7): Render's export, stored as delivered. */
export function parseRenderBackup(ctx: ParseContext): RenderBackupSettings {
  const { read } = ctx
  const provider = read('provider')
  if (provider && provider !== 'render' && provider !== 'auto')
    throw new InputError(
      `Inputs 'render-api-key' and 'render-postgres-id' take Render's own export: they need 'provider: render' (or no provider); got provider ${provider}.`
    )
  if (read('database-url'))
    throw new InputError(
      `Inputs 'database-url' and 'render-api-key' are two ways to back up a Render database: give database-url (the External Database URL, backed up with pg_dump) or render-api-key with render-postgres-id (Render's own export), not both.`
    )
  for (const input of ['render-api-key', 'render-postgres-id'])
    if (!read(input))
      throw new InputError(`Input '${input}' is required to back up Render's export (render-api-key with render-postgres-id).`)
  const postgresId = read('render-postgres-id')
  if (!/^dpg-[a-z0-9]+(-[a-z0-9]+)*$/.test(postgresId) || postgresId.length > 100)
    throw new InputError(
      `Input 'render-postgres-id' must be a Render Postgres id such as dpg-abc123def456ghi789jk-a (the dashboard's URL and the Info page show it); got '${postgresId}'.`
    )
  const apiUrl = read('render-api-url') || 'https://api.render.com/v1'
  if (!URL.canParse(apiUrl) || !['http:', 'https:'].includes(new URL(apiUrl).protocol))
    throw new InputError(`Input 'render-api-url' must be an http(s) URL; got '${apiUrl}'.`)
  const format = read('format')
  if (format && format !== 'directory')
    throw new InputError(
      `Input 'format: ${format}' does not apply to Render's export: Render delivers a pg_dump directory archive (a gzip'd tar), stored as it is. Leave format unset, or back up database-url with pg_dump to choose a format.`
    )
  for (const [input, set] of DUMP_ONLY)
    if (set(read(input)))
      throw new InputError(
        `Input '${input}' is a pg_dump option: it does not apply to Render's export (render-api-key). Back up the External Database URL (database-url) with pg_dump to use it.`
      )
  const rowCounts = oneOf('row-counts', read('row-counts'), ['archive', 'source', 'none'] as const, 'archive')
  if (rowCounts === 'source')
    throw new InputError(
      `Input 'row-counts: source' counts the tables in the database itself, which Render's export (render-api-key) does not connect to: the export is counted from its own data files (row-counts: archive, the default), or use none.`
    )
  return {
    command: 'backup',
    mode: 'render',
    rowCounts,
    ...jobPlan(ctx),
    name: parseName(read('name') || postgresId),
    format: 'directory',
    compression: { algorithm: 'gzip', level: undefined },
    render: { apiUrl, apiKey: read('render-api-key'), postgresId },
    compressionGiven: !!(read('compression') || read('compression-level'))
  }
}
