import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import YAML from 'yaml'
import { OUTPUT_NAMES } from '../../../src/report/outputs.js'

// One list of names: what the code can set is what action.yml declares, and every input the parser reads is declared.
const action = YAML.parse(fs.readFileSync(path.resolve('action.yml'), 'utf8')) as {
  inputs: Record<string, unknown>
  outputs: Record<string, unknown>
}

describe('the names in action.yml', () => {
  it('declares exactly the outputs the code sets', () => {
    expect([...OUTPUT_NAMES].sort()).toEqual(Object.keys(action.outputs).sort())
  })

  it('declares every input the parser reads', () => {
    const dir = path.resolve('src/config')
    const source = fs
      .readdirSync(dir)
      .map(f => fs.readFileSync(path.join(dir, f), 'utf8'))
      .join('\n')
    const read = [...new Set([...source.matchAll(/\bread\('([a-z0-9-]+)'\)/g)].map(m => m[1]))]
    expect(read.length).toBeGreaterThan(40)
    expect(read.filter(name => !(name in action.inputs))).toEqual([])
  })
})

describe("the README's inputs table", () => {
  const readme = fs.readFileSync(path.resolve('README.md'), 'utf8')
  const section = readme.slice(readme.indexOf('### Inputs'), readme.indexOf('\n### ', readme.indexOf('### Inputs') + 1))
  // The first cell of each row names inputs in backticks; parentheses hold their defaults.
  const named = section
    .split('\n')
    .filter(l => l.startsWith('| `'))
    .flatMap(l =>
      [
        ...l
          .split('|')[1]
          .replace(/\([^)]*\)/g, '')
          .matchAll(/`([a-z0-9-]+)`/g)
      ].map(m => m[1])
    )

  it('names every input of action.yml, and only those', () => {
    expect(named.filter(n => !(n in action.inputs))).toEqual([])
    expect(Object.keys(action.inputs).filter(n => !named.includes(n))).toEqual([])
  })
})
