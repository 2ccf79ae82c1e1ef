/**
 * `format: supabase`: what Supabase's CLI (v2.104.0, apps/cli-go/pkg/migration/scripts/dump_role.sh,
 * dump_schema.sh, dump_data.sh) documents as a project's backup — roles.sql, schema.sql, data.sql —
 * spooled in the workspace (a tar needs its members' sizes) and streamed as one tar. Schema and data
 * come from the dump's exported snapshot; roles are read just before them (pg_dumpall takes none).
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { DumpPlan } from '../config/settings.js'
import { PRESETS } from '../config/presets.js'
import { LineEdit, restrictLines } from '../runtime/line-edit.js'
import type { Workspace } from '../runtime/workspace.js'
import { buildPgDumpArgs, matchesAny } from '../postgres/pg-dump-args.js'
import { spool } from './spool.js'
import type { PgClient } from '../postgres/client.js'
import { rolesDumpArgs, rolesEdits } from '../providers/roles.js'

/** The tar's members, at its root, in restore order (DESIGN.md §8). */
export const SUPABASE_PARTS = ['roles.sql', 'schema.sql', 'data.sql'] as const

const preset = PRESETS.supabase

/** The CLI's schema edits that matter for a restore into a project: platform-owned objects and grants commented out. */
function schemaEdits(): LineEdit {
  const managed = matchesAny(preset.managedSchemas ?? [])
  const grantOnManaged = /^(?:GRANT|REVOKE) .+ ON .+ "([^"]+)"/
  const commented = [
    /^\\(?:un)?restrict /,
    /^CREATE PUBLICATION "supabase_realtime/,
    /^ALTER PUBLICATION "supabase_realtime_/,
    /^CREATE EVENT TRIGGER /,
    /^ALTER EVENT TRIGGER /,
    /^ALTER FOREIGN DATA WRAPPER .+ OWNER TO /,
    /^ALTER DEFAULT PRIVILEGES FOR ROLE "supabase_admin"/,
    /^COMMENT ON EXTENSION /,
    /^CREATE POLICY "cron_job_/,
    /^ALTER TABLE "cron"/,
    /^SET transaction_timeout = 0;/
  ]
  // An event trigger's statement goes on over the next lines (WHEN TAG IN …, EXECUTE FUNCTION …) up to its semicolon.
  let inEventTrigger = false
  return new LineEdit([''], l => {
    if (inEventTrigger) {
      inEventTrigger = !l.trimEnd().endsWith(';')
      return `-- ${l}`
    }
    if (/^CREATE EVENT TRIGGER /.test(l)) inEventTrigger = !l.trimEnd().endsWith(';')
    if (commented.some(r => r.test(l))) return `-- ${l}`
    const m = grantOnManaged.exec(l)
    if (m && managed(m[1])) return `-- ${l}`
    if (l.startsWith('CREATE SCHEMA "')) return l.replace(/^CREATE SCHEMA "/, 'CREATE SCHEMA IF NOT EXISTS "')
    return l
  })
}

/** pg_dump options for the data part: the platform's schemas and migration tables left out, as the CLI does. */
export function supabaseDataArgs(): string[] {
  return [
    ...(preset.dataExcludedSchemas ?? []).map(s => `--exclude-schema=${s}`),
    ...(preset.dataExcludedTables ?? []).map(t => `--exclude-table=${t}`)
  ]
}

/** Whether a schema's tables are counted: the data part leaves the platform's schemas out, and so do the counts. */
export function supabaseCounted(): (schema: string) => boolean {
  const excluded = matchesAny(preset.dataExcludedSchemas ?? [])
  return schema => !excluded(schema)
}

/**
 * Writes the three parts into a fresh directory of the workspace and returns
 * it: roles (pg_dumpall, reserved roles commented out), then schema and data
 * with pg_dump in `snapshot`.
 */
const SPOOL_WHY = 'format: supabase writes its three parts there before it stores them as one tar. Free disk on the runner'

export async function dumpSupabase(s: DumpPlan, client: PgClient, snapshot: string, work: Workspace): Promise<string> {
  const dir = work.path('supabase')
  fs.mkdirSync(dir, { mode: 0o700 })
  const common = { uri: s.source.uri, snapshot, lockWaitTimeout: s.lockWaitTimeout, jobs: 1, directory: undefined }
  // The role that dumps is the platform's postgres (through the pooler, postgres.<ref>): reserved like it.
  const dumping = [s.source.user, s.source.user.replace(/\.[a-z0-9]+$/, '')].map(u => `"${u.replace(/"/g, '""')}"`)
  const reserved = [...(preset.reservedRoles ?? []), ...dumping]
  await spool(
    'pg_dumpall (roles)',
    client.pgDumpall,
    rolesDumpArgs(s.source),
    s,
    path.join(dir, 'roles.sql'),
    rolesEdits(reserved),
    SPOOL_WHY
  )
  const schemaArgs = buildPgDumpArgs({
    ...common,
    format: 'plain',
    extraArgs: [
      '--schema-only',
      '--quote-all-identifiers',
      ...(preset.managedSchemas ?? []).map(x => `--exclude-schema=${x}`),
      ...s.pgDumpArgs
    ]
  })
  await spool('pg_dump (schema)', client.pgDump, schemaArgs, s, path.join(dir, 'schema.sql'), schemaEdits(), SPOOL_WHY)
  const dataArgs = buildPgDumpArgs({
    ...common,
    format: 'plain',
    extraArgs: ['--data-only', '--quote-all-identifiers', ...supabaseDataArgs(), '--schema=*', ...s.pgDumpArgs]
  })
  // Triggers stay quiet while rows go back exactly as they were (the CLI's dump_data.sh frames it the same way).
  await spool('pg_dump (data)', client.pgDump, dataArgs, s, path.join(dir, 'data.sql'), restrictLines(), SPOOL_WHY, {
    head: 'SET session_replication_role = replica;\n\n',
    tail: '\nRESET ALL;\n'
  })
  return dir
}
