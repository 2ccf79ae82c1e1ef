import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { Workspace } from '../../../src/runtime/workspace.js'

describe('Workspace', () => {
  const base = () => fs.mkdtempSync(path.join(os.tmpdir(), 'pgba-ws-'))

  it('is a private directory whose files are created 0600', () => {
    const w = new Workspace(base())
    const f = w.createFile('backup.dump.zst')
    expect(fs.statSync(w.dir).mode & 0o777).toBe(0o700)
    expect(fs.statSync(f).mode & 0o777).toBe(0o600)
    w.cleanup()
    expect(fs.existsSync(w.dir)).toBe(false)
  })

  it('refuses a symlink planted where a file is to be written', () => {
    const w = new Workspace(base())
    const victim = path.join(base(), 'victim')
    fs.writeFileSync(victim, 'keep me')
    fs.symlinkSync(victim, path.join(w.dir, 'backup.dump.zst'))
    expect(() => w.createFile('backup.dump.zst')).toThrow(/EEXIST/)
    expect(fs.readFileSync(victim, 'utf8')).toBe('keep me')
    w.cleanup()
  })

  it('refuses names that leave the directory', () => {
    const w = new Workspace(base())
    for (const name of ['../x', 'a/b', '.hidden']) expect(() => w.createFile(name)).toThrow(/unsafe/)
    w.cleanup()
  })
})
