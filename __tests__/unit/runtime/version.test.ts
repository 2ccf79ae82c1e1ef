import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import { TOOL } from '../../../src/runtime/version.js'

describe('TOOL', () => {
  it('carries package.json version into manifests', () => {
    const pkg = JSON.parse(fs.readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string; name: string }
    expect(TOOL).toEqual({ name: pkg.name, version: pkg.version })
  })
})
