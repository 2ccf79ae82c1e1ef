import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Readable } from 'node:stream'
import type { FileSettings } from '../config/settings.js'
import { manifestKey } from '../config/naming.js'
import { ActionError, Titles } from '../runtime/errors.js'
import { diskFull } from '../runtime/process.js'
import type { CatalogEntry, Destination, Sink, Write } from './destination.js'
import { entriesOf, entryAt, type KeyStore } from './entries.js'
import type { ManifestV1 } from './manifest.js'

const WHY = 'destination: file writes the backup into file-path. Free space on that volume, or point file-path at a larger one'

/** `.{file}.partial-{pid}` beside the final name (DESIGN.md §8): never listed, since it starts with a dot. */
export function partialName(finalPath: string, pid = process.pid): string {
  return path.join(path.dirname(finalPath), `.${path.basename(finalPath)}.partial-${pid}`)
}

function fsyncPath(p: string): void {
  const fd = fs.openSync(p, 'r')
  try {
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
}

/**
 * Puts a finished temporary file under its final name: link(2) refuses an
 * existing name (so nothing is ever overwritten, even by a concurrent run),
 * then the temporary name goes and the directory is fsynced so the new name
 * survives a crash.
 */
function publishFile(partial: string, finalPath: string): void {
  try {
    fs.linkSync(partial, finalPath)
  } catch (e) {
    fs.rmSync(partial, { force: true })
    if ((e as NodeJS.ErrnoException).code === 'EEXIST')
      throw new ActionError(
        Titles.backup,
        `${finalPath} already exists; refusing to overwrite it. Run again in a second, or set a different 'name'.`
      )
    throw e
  }
  fs.unlinkSync(partial)
  fsyncPath(path.dirname(finalPath))
}

/** Throws, naming `dir`, when the nearest part of it that exists is not a directory the runner may write into. */
function writable(dir: string): void {
  let existing = dir
  while (!fs.existsSync(existing)) existing = path.dirname(existing)
  try {
    if (!fs.statSync(existing).isDirectory()) throw Object.assign(new Error(`${existing} is not a directory`), { code: 'ENOTDIR' })
    fs.accessSync(existing, fs.constants.W_OK)
  } catch (e) {
    throw new ActionError(
      Titles.backup,
      `Cannot create ${dir} for destination: file (${(e as Error).message}): check file-path and that the runner's user may write there.`
    )
  }
}

/**
 * A directory on the runner (a self-hosted runner's volume, a NAS mount):
 * `{file-path}/{name}/{name}-{stamp}.{ext}` and its manifest, the same layout
 * as S3. Each file is written under a temporary name in the same directory,
 * fsynced, then linked to its final name; files are 0600, directories 0700.
 */
export class FileDestination implements Destination, KeyStore {
  readonly kind = 'file'
  constructor(readonly settings: FileSettings) {}

  keyOf(name: string, fileName: string): string {
    return path.join(this.settings.root, name, fileName)
  }

  url(key: string): string {
    return pathToFileURL(key).href
  }

  /** Also checks the directory can be made (without making it), so a file-path the runner cannot write to fails before pg_dump starts. */
  async refuseExisting(key: string): Promise<void> {
    writable(path.dirname(key))
    if (fs.existsSync(key) || fs.existsSync(manifestKey(key))) {
      throw new ActionError(
        Titles.backup,
        `${key} already exists; refusing to overwrite it. Run again in a second, or set a different 'name'.`
      )
    }
  }

  private directoryFor(key: string): string {
    const dir = path.dirname(key)
    try {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 })
    } catch (e) {
      throw new ActionError(
        Titles.backup,
        `Cannot create ${dir} for destination: file (${(e as Error).message}): check file-path and that the runner's user may write there.`
      )
    }
    return dir
  }

  write(key: string): Write {
    this.directoryFor(key)
    const partial = partialName(key)
    const stream = fs.createWriteStream(partial, { flags: 'wx', mode: 0o600, highWaterMark: 1024 * 1024, flush: true })
    stream.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOSPC') e.message = diskFull(path.dirname(key), WHY)
    })
    // Settled on close, which comes after the flush (fsync) that `flush: true` asks for.
    const done = new Promise<void>((resolve, reject) => {
      stream.once('error', reject)
      stream.once('close', () => (stream.writableFinished ? resolve() : reject(new Error(`${partial} closed early`))))
    })
    // A failed or abandoned write leaves no temporary file behind.
    done.catch(() => fs.rmSync(partial, { force: true }))
    const sink: Sink = { name: 'file', stream, done }
    return {
      sink,
      final: 'published',
      publish: async () => {
        publishFile(partial, key)
        return { kind: 'file', location: this.url(key), open: async () => fs.createReadStream(key) }
      },
      // The bytes may all be there while another destination failed: the temporary file goes too.
      discard: () => fs.rmSync(partial, { force: true })
    }
  }

  async writeManifest(key: string, manifest: ManifestV1): Promise<void> {
    const target = manifestKey(key)
    const partial = partialName(target)
    try {
      fs.writeFileSync(partial, JSON.stringify(manifest, null, 2) + '\n', { flag: 'wx', mode: 0o600, flush: true })
    } catch (e) {
      fs.rmSync(partial, { force: true })
      if ((e as NodeJS.ErrnoException).code === 'ENOSPC') throw new Error(diskFull(path.dirname(key), WHY), { cause: e })
      throw e
    }
    publishFile(partial, target)
  }

  async removeIfPresent(keys: string[]): Promise<boolean> {
    const present = keys.filter(k => fs.existsSync(k))
    for (const k of present) fs.rmSync(k, { force: true })
    return present.length > 0
  }

  async exists(key: string): Promise<boolean> {
    return fs.existsSync(key)
  }

  async readText(key: string): Promise<string> {
    return fs.readFileSync(key, 'utf8')
  }

  /** Every file under the name's folder (every name's, when undefined); temporary dot-files are never listed. */
  async list(name: string | undefined): Promise<CatalogEntry[]> {
    const root = this.settings.root
    if (!fs.existsSync(root)) return []
    const folders = name
      ? [path.join(root, name)]
      : fs
          .readdirSync(root, { withFileTypes: true })
          .filter(d => d.isDirectory())
          .map(d => path.join(root, d.name))
    const objects = folders.flatMap(dir =>
      fs.existsSync(dir)
        ? fs
            .readdirSync(dir, { withFileTypes: true })
            .filter(f => f.isFile() && !f.name.startsWith('.'))
            .map(f => {
              const key = path.join(dir, f.name)
              return { key, size: fs.statSync(key).size }
            })
        : []
    )
    return entriesOf(objects, name, this)
  }

  /** A path (`backup: /…`) names a file under file-path, read directly with its manifest beside it. */
  async find(key: string, name: string): Promise<CatalogEntry> {
    const resolved = path.resolve(key)
    if (path.relative(this.settings.root, resolved).startsWith('..')) {
      throw new ActionError(Titles.restore, `Backup '${key}' is not under file-path (${this.settings.root}).`)
    }
    const e = await entryAt(resolved, name, this)
    if (!e) throw new ActionError(Titles.restore, `Backup '${key}' was not found in ${this.settings.root}.`)
    return e
  }

  async open(e: CatalogEntry): Promise<Readable> {
    return fs.createReadStream(e.key)
  }

  cannotPrune(): string | undefined {
    return undefined
  }

  async prune(entries: CatalogEntry[]): Promise<void> {
    for (const e of entries) if (e.objectPresent) fs.rmSync(e.key, { force: true })
    for (const e of entries) fs.rmSync(manifestKey(e.key), { force: true })
  }

  /** The killed step's temporary files go; a file it had published goes unless its manifest made it. */
  async cleanUpAfterKill(key: string, pid: number): Promise<void> {
    for (const partial of [partialName(key, pid), partialName(manifestKey(key), pid)]) {
      if (fs.existsSync(partial)) {
        fs.rmSync(partial, { force: true })
        core.info(`Removed ${partial}, left by the cancelled step.`)
      }
    }
    if (!fs.existsSync(manifestKey(key)) && (await this.removeIfPresent([key])))
      core.info(`Removed ${this.url(key)}: the step ended before its manifest was written.`)
  }
}
