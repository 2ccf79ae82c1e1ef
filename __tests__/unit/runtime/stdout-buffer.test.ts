import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { spawn } from 'node:child_process'
import { findOnPath } from '../../../src/runtime/which.js'
import { probeStdbuf, withBufferedStdout } from '../../../src/runtime/stdout-buffer.js'

const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'pgba-stdbuf-'))
afterAll(() => fs.rmSync(bin, { recursive: true, force: true }))

/** A directory holding only `tools` (links to the real ones) and, optionally, a stdbuf script of our own. */
function pathWith(name: string, tools: string[], stdbufScript?: string): string {
  const dir = path.join(bin, name)
  fs.mkdirSync(dir)
  for (const t of tools) fs.symlinkSync(findOnPath(t)!, path.join(dir, t))
  if (stdbufScript) fs.writeFileSync(path.join(dir, 'stdbuf'), `#!/bin/sh\n${stdbufScript}\n`, { mode: 0o755 })
  return dir
}

describe('a tool whose stdout is the archive', () => {
  it('runs under stdbuf with a 1 MiB stdout buffer, its own pid, the preload taken', async () => {
    const { command, args } = await withBufferedStdout(findOnPath('sleep')!, ['5'])
    expect(command).toBe(findOnPath('stdbuf'))
    expect(args).toEqual(['-o1048576', findOnPath('sleep'), '5'])
    const child = spawn(command, args, { stdio: 'ignore' })
    try {
      // stdbuf execs the tool: the pid the post step would stop is the tool's, with the library mapped into it.
      let maps = ''
      for (let i = 0; i < 100 && !/libstdbuf\.so/.test(maps); i++) {
        await new Promise(r => setTimeout(r, 20))
        maps = fs.readFileSync(`/proc/${child.pid}/maps`, 'utf8')
      }
      expect(maps).toMatch(/libstdbuf\.so/)
      expect(fs.readFileSync(`/proc/${child.pid}/comm`, 'utf8').trim()).toBe('sleep')
      const environ = fs.readFileSync(`/proc/${child.pid}/environ`, 'utf8').split('\0')
      expect(environ).toContain('_STDBUF_O=1048576')
    } finally {
      child.kill()
    }
  })

  it('runs as it is on a runner without stdbuf, or whose stdbuf cannot run a command', async () => {
    expect(await probeStdbuf(pathWith('none', ['true']))).toBeUndefined()
    // coreutils' stdbuf exits 125 when it cannot find its library.
    expect(await probeStdbuf(pathWith('broken', ['true'], 'echo "stdbuf: failed to find \'libstdbuf.so\'" >&2; exit 125'))).toBeUndefined()
    const working = pathWith('working', ['true'], 'shift; exec "$@"')
    expect(await probeStdbuf(working)).toBe(path.join(working, 'stdbuf'))
  })
})
