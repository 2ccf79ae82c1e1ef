import * as core from '@actions/core'
import * as fs from 'node:fs'
import { PassThrough, type Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { ActionError, Titles, scrub } from '../runtime/errors.js'
import { spawnTool, type Spawned, diskFull } from '../runtime/process.js'
import { withBufferedStdout } from '../runtime/stdout-buffer.js'
import { PooledOutput } from '../runtime/pooled-output.js'
import { findOnPath } from '../runtime/which.js'
import { buildPgDumpArgs, pgDumpEnv, dataFilter } from '../postgres/pg-dump-args.js'
import type { DumpPlan } from '../config/settings.js'
import type { SourceSession } from '../postgres/session.js'
import type { TableCount } from '../postgres/counts.js'
import { Coalesce, runPipeline, type PipelineResult } from './pipeline.js'
import { compressorCommand, createCompressor, type CompressorCommand } from './compress.js'
import type { Storage, Target } from '../storage/storage.js'
import { save, State } from '../runtime/state.js'
import { explainServerMessage, explained, lostSnapshot } from '../postgres/causes.js'
import type { Workspace } from '../runtime/workspace.js'
import type { PgClient } from '../postgres/client.js'
import { SUPABASE_PARTS, dumpSupabase, supabaseCounted, supabaseDataArgs } from './supabase.js'
import { spool } from './spool.js'
import { CustomArchiveCounter, type ArchiveCounter } from './archive-counts.js'
import { PlainSqlCounter } from './sql-counts.js'
import { TarArchiveCounter } from './tar-counts.js'
import type { Format } from '../config/settings.js'
import { rolesDumpArgs, rolesEdits } from '../providers/roles.js'
import { PRESETS } from '../config/presets.js'

export interface RunningDump {
  /** Already compressed when startDump was given a compressor process. */
  stream: Readable
  /** Resolves when pg_dump succeeded with output; rejects with the reason otherwise. `bytes` is what `stream` delivered. */
  check: (bytes: number) => Promise<void>
  kill: () => void
}

/** Less than this from the compressor means pg_dump wrote nothing: its smallest archive (an empty database's) compresses to hundreds of bytes. */
const EMPTY_COMPRESSED = 64

function failure(tool: string, p: Spawned, r: Awaited<Spawned['exit']>, secrets: readonly string[], directory?: string): ActionError {
  const how = r.error ? r.error.message : r.signal ? `was killed by ${r.signal}` : `exited with code ${r.code}`
  const stderr = p.stderr.toString()
  const said = `${tool} ${how}: ${stderr || '(no error output)'}`
  // What pg_dump met is said first, in words that say where to fix it; its own output follows.
  const why =
    /No space left on device/.test(stderr) && directory
      ? diskFull(
          directory,
          'the directory format dumps there before the backup is stored; free disk on the runner, or use format: custom, which streams'
        )
      : explainServerMessage(stderr)
  return new ActionError(Titles.backup, scrub(why ? `${why}. (${said})` : said, secrets))
}

/**
 * Starts pg_dump in the dump's snapshot. Custom and plain stream from its
 * stdout; directory dumps (parallel with `jobs`) into the workspace first and
 * then streams a tar of that directory.
 * Either stream goes through the compressor process when there is one,
 * straight from the producing process, so the raw bytes never pass through
 * Node.
 */
export async function startDump(
  s: DumpPlan,
  client: PgClient,
  snapshot: string,
  work: Workspace,
  compressor?: CompressorCommand,
  tap?: ArchiveCounter
): Promise<RunningDump> {
  const directory = s.format === 'directory' ? work.path('dump') : undefined
  // Stored as a tar, which verification and restores extract with tar too; every runner image has one.
  const tarCommand = directory || s.format === 'supabase' ? findOnPath('tar') : undefined
  if ((directory || s.format === 'supabase') && !tarCommand)
    throw new ActionError(
      Titles.backup,
      `The ${s.format} format is stored as a tar: this runner has no 'tar' on the PATH. Install tar, or use format: custom.`
    )
  if (s.format === 'roles') {
    // Small, and edited line by line first: spooled, then read by cat so the compressor process still reads a pipe.
    const file = work.path('roles.sql')
    const reserved = PRESETS[s.source.provider].reservedRoles ?? []
    await spool(
      'pg_dumpall (roles)',
      client.pgDumpall,
      rolesDumpArgs(s.source),
      s,
      file,
      rolesEdits(reserved),
      'roles: true writes the roles there first'
    )
    return streamOf({ name: 'pg_dumpall', process: spawnTool(findOnPath('cat') ?? 'cat', [file]) }, s.secrets, compressor)
  }
  if (s.format === 'supabase') {
    const parts = await dumpSupabase(s, client, snapshot, work)
    const tar = { name: 'tar', process: spawnTool(tarCommand!, ['-c', '-C', parts, ...SUPABASE_PARTS]) }
    return streamOf(tar, s.secrets, compressor, undefined, tap)
  }
  const args = buildPgDumpArgs({
    format: s.format,
    uri: s.source.uri,
    snapshot,
    lockWaitTimeout: s.lockWaitTimeout,
    jobs: s.jobs,
    directory,
    extraArgs: s.pgDumpArgs
  })
  const buffered = await withBufferedStdout(client.pgDump, args)
  // A counter that keeps nothing of what it reads sees pg_dump's stdout through reused buffers on its way to the compressor.
  const pooled = !directory && compressor && tap?.see ? await pooledOutput(work) : undefined
  const p = spawnTool(buffered.command, buffered.args, pgDumpEnv(s.source), 'ignore', pooled?.childEnd)
  pooled?.handedOver()
  if (p.child.pid) save(State.pgDumpPid, String(p.child.pid))
  // The process whose stdout is the archive.
  const producer = directory ? await tarOf(p, directory, tarCommand!, s.secrets) : { name: 'pg_dump', process: p }
  return streamOf(producer, s.secrets, compressor, directory, tap, pooled)
}

/** A PooledOutput in the workspace; none where the runner cannot make one (a socket path too long, say): the stream then passes as usual. */
async function pooledOutput(work: Workspace): Promise<PooledOutput | undefined> {
  try {
    return await PooledOutput.open(work.path('pg_dump-stdout.sock'))
  } catch (e) {
    core.debug(`Reading pg_dump's stdout as a stream: ${(e as Error).message}`)
    return undefined
  }
}

/** The archive as a stream: the producer's stdout, through the compressor process when there is one. */
function streamOf(
  producer: { name: string; process: Spawned },
  secrets: readonly string[],
  compressor: CompressorCommand | undefined,
  directory?: string,
  tap?: ArchiveCounter,
  pooled?: PooledOutput
): RunningDump {
  const checkProducer = async (): Promise<void> => {
    const r = await producer.process.exit
    if (r.code !== 0) throw failure(producer.name, producer.process, r, secrets, directory)
  }
  if (compressor) return compressWith(compressor, producer, secrets, checkProducer, tap, pooled)
  return {
    stream: producer.process.stdout,
    kill: () => stop(producer.process),
    check: async sourceBytes => {
      await checkProducer()
      if (sourceBytes === 0)
        throw new ActionError(Titles.backup, `${producer.name} exited successfully but wrote nothing; no backup was stored.`)
    }
  }
}

function stop(x: Spawned): void {
  if (x.child.exitCode === null) x.child.kill('SIGTERM')
}

/** After a directory dump succeeded: tar streaming the directory. */
async function tarOf(
  p: Spawned,
  directory: string,
  tarCommand: string,
  secrets: readonly string[]
): Promise<{ name: string; process: Spawned }> {
  p.stdout.resume()
  const r = await p.exit
  if (r.code !== 0) throw failure('pg_dump', p, r, secrets, directory)
  if (!fs.existsSync(`${directory}/toc.dat`) || fs.statSync(`${directory}/toc.dat`).size === 0) {
    throw new ActionError(Titles.backup, 'pg_dump exited successfully but wrote no table of contents; no backup was stored.')
  }
  return { name: 'tar', process: spawnTool(tarCommand, ['-c', '-C', directory, '.']) }
}

/** The compressor process reading the producer's stdout: the kernel pipes one into the other. */
function compressWith(
  c: CompressorCommand,
  producer: { name: string; process: Spawned },
  secrets: readonly string[],
  checkProducer: () => Promise<void>,
  tap?: ArchiveCounter,
  pooled?: PooledOutput
): RunningDump {
  // Without a tap the kernel pipes one process into the other; a tap (archive counting) reads the raw bytes on the way.
  const z = spawnTool(c.command, c.args, {}, tap ? 'pipe' : producer.process.stdout)
  let relayed: Promise<void> = Promise.resolve()
  if (tap) {
    relayed =
      pooled && tap.see ? pooled.relay(piece => tap.see!(piece), z.child.stdin!) : pipeline(producer.process.stdout, tap, z.child.stdin!)
    relayed.catch(() => undefined) // awaited in check; this only keeps an early failure from going unhandled
  }
  // Our copy of the pipe would keep the producer's exit from ever being seen.
  else producer.process.stdout.destroy()
  const tool = c.command.split('/').pop() ?? c.command
  return {
    stream: z.stdout,
    kill: () => {
      stop(producer.process)
      stop(z)
    },
    check: async bytes => {
      const zr = await z.exit
      await checkProducer()
      await relayed
      if (zr.code !== 0) throw failure(tool, z, zr, secrets)
      if (bytes < EMPTY_COMPRESSED)
        throw new ActionError(Titles.backup, `${producer.name} exited successfully but wrote nothing; no backup was stored.`)
    }
  }
}

/**
 * pg_dump → compression (in its own process where the runner has zstd or
 * gzip) → sha256 → every destination, with the row counts taken concurrently
 * in the same snapshot. `keyCheck` runs once pg_dump started, and must pass
 * before anything is stored. Kills pg_dump if anything fails.
 */
export async function dumpToStorage(
  s: DumpPlan,
  session: SourceSession,
  client: PgClient,
  storage: Storage,
  target: Target,
  work: Workspace,
  signal: AbortSignal,
  keyCheck: () => Promise<void>
): Promise<PipelineResult & { tables: TableCount[] }> {
  // A failed count (a schema the role cannot read, say) aborts the exporting session and with it the snapshot
  // pg_dump imports: then its failure, not pg_dump's "could not import the requested snapshot", is the real cause.
  let countFailure: ActionError | undefined
  // The supabase format stores no rows of the platform's schemas, and its role could not count them: they are left out.
  // row-counts: archive counts the stream pg_dump writes; none counts nothing.
  const counter = s.rowCounts === 'archive' ? archiveCounter(s.format, s.pgDumpArgs) : undefined
  const counting = (
    s.format === 'roles' || s.rowCounts !== 'source'
      ? Promise.resolve([])
      : s.format === 'supabase'
        ? session.countRows(dataFilter([...supabaseDataArgs(), ...s.pgDumpArgs]), supabaseCounted())
        : session.countRows(dataFilter(s.pgDumpArgs))
  ).catch((e: unknown) => {
    throw (countFailure = new ActionError(
      Titles.backup,
      scrub(`Counting the rows of the source failed: ${explained(e).message}`, s.secrets),
      { cause: e }
    ))
  })
  counting.catch(() => undefined) // awaited below; this guard only keeps an early pipeline failure from leaving it unhandled
  const compressor = compressorCommand(s.compression)
  const realCause = (e: unknown): unknown => (countFailure && e instanceof ActionError && lostSnapshot(e.message) ? countFailure : e)
  let dump: RunningDump
  try {
    // The supabase format dumps its parts here, where a lost snapshot has the same real cause as in the pipeline.
    dump = await startDump(s, client, session.snapshot, work, compressor, compressor ? counter : undefined)
  } catch (e) {
    throw realCause(e)
  }
  if (s.compression.algorithm !== 'none')
    core.info(
      compressor
        ? `Compressing with ${compressor.command} ${compressor.args.join(' ')}`
        : `Compressing ${s.compression.algorithm} in-process`
    )
  const encryptor = s.encryption ? await (await import('./encrypt.js')).createEncryptor(s.encryption) : undefined
  // In-process compression takes its input in 1 MiB pieces; the compressor process needs no help.
  const inProcess = compressor ? undefined : createCompressor(s.compression)
  const tapped = counter && !compressor ? [counter] : []
  const stages = [...tapped, ...(inProcess ? [new Coalesce(), inProcess] : []), encryptor].filter(x => x !== undefined)
  // Held from here: a compressor that ends while the key check is out would otherwise see its output resumed into
  // nothing as it exits (flushStdio in Node's child_process). Its bytes wait in the hold, then the pipes, until the check passed.
  const held = new PassThrough({ highWaterMark: 1024 * 1024 })
  const holding = pipeline(dump.stream, held)
  holding.catch(() => undefined) // its failure is the next stage's: runPipeline reports it
  try {
    await keyCheck()
    const result = await runPipeline(held, stages, storage.openSinks(target, session.info.databaseSize), dump.check, signal)
    const tables = counter ? archiveCounts(counter, s.secrets) : await counting
    return { ...result, tables: s.format === 'supabase' ? tables.filter(t => supabaseCounted()(t.schema)) : tables }
  } catch (e) {
    dump.kill()
    throw realCause(e)
  }
}

/** What counts the rows of an archive as pg_dump writes it in `format`; none for roles, which hold no tables. */
function archiveCounter(format: Format, pgDumpArgs: readonly string[]): ArchiveCounter | undefined {
  const inserts = pgDumpArgs.some(a => /^--(inserts|column-inserts|rows-per-insert)\b/.test(a))
  switch (format) {
    case 'custom':
      return new CustomArchiveCounter()
    case 'plain':
      return new PlainSqlCounter()
    case 'directory':
      return new TarArchiveCounter('directory', { inserts })
    case 'supabase':
      return new TarArchiveCounter('supabase')
    case 'roles':
      return undefined
  }
}

/** The counts a tap took from the archive; one that could not count fails the backup (nothing is vouched for yet). */
function archiveCounts(counter: ArchiveCounter, secrets: readonly string[]): TableCount[] {
  try {
    return counter.counts()
  } catch (e) {
    throw new ActionError(
      Titles.backup,
      scrub(
        `row-counts: archive could not count the rows of the archive pg_dump wrote: ${(e as Error).message}. Use row-counts: source.`,
        secrets
      )
    )
  }
}
