import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'

/**
 * DESIGN (docs/ARCHITECTURE.md): a folder of src/ is a layer and imports
 * point down only. Type-only imports count: a type that climbs a layer ties
 * the layers together as much as a call does.
 */
const LAYERS: string[][] = [
  ['entry'],
  ['commands'],
  ['verify', 'retention', 'report'],
  ['stages'],
  ['storage'],
  ['providers'],
  ['postgres'],
  ['config'],
  ['runtime']
]
// jest runs from the repository's root.
const SRC = path.resolve('src')

function rank(folder: string): number {
  const r = LAYERS.findIndex(l => l.includes(folder))
  if (r < 0) throw new Error(`src/${folder}/ is not a layer of the import rule: add it to LAYERS (and to docs/ARCHITECTURE.md)`)
  return r
}

const layerOf = (file: string): string => {
  const rel = path.relative(SRC, file).split(path.sep)
  return rel.length === 1 ? 'entry' : rel[0]
}

function sources(dir = SRC): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap(e => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []))
}

/** Every relative module a file names: import/export … from, side-effect imports, import() and import('…').Type. */
function importsOf(file: string): string[] {
  const text = fs
    .readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '')
  const specs = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm)].map(m => m[1])
  return specs.map(s => path.resolve(path.dirname(file), s.replace(/\.js$/, '.ts')))
}

/** Imports whose target is not in a lower layer than the importer (within one folder is fine). */
function climbing(g: Map<string, string[]>): string[] {
  return [...g].flatMap(([f, deps]) =>
    deps
      .filter(d => {
        const [from, to] = [layerOf(f), layerOf(d)]
        return from !== to && rank(to) <= rank(from)
      })
      .map(d => `${rel(f)} (${layerOf(f)}) → ${rel(d)} (${layerOf(d)})`)
  )
}

const graph = new Map(sources().map(f => [f, importsOf(f)]))
const rel = (f: string): string => path.relative(SRC, f)

describe('the layers of src/', () => {
  it('finds the modules it checks, and every import resolves to one of them', () => {
    expect(graph.size).toBeGreaterThan(30)
    const unresolved = [...graph].flatMap(([f, deps]) => deps.filter(d => !graph.has(d)).map(d => `${rel(f)} → ${rel(d)}`))
    expect(unresolved).toEqual([])
  })

  it('has no import that points up a layer or sideways into another folder of the same layer', () => {
    expect(climbing(graph)).toEqual([])
  })

  it('has no import cycle', () => {
    const cycles: string[] = []
    const state = new Map<string, 'open' | 'done'>()
    const visit = (f: string, trail: string[]): void => {
      if (state.get(f) === 'done') return
      if (state.get(f) === 'open') {
        cycles.push([...trail.slice(trail.indexOf(f)), f].map(rel).join(' → '))
        return
      }
      state.set(f, 'open')
      for (const d of graph.get(f) ?? []) visit(d, [...trail, f])
      state.set(f, 'done')
    }
    for (const f of graph.keys()) visit(f, [])
    expect(cycles).toEqual([])
  })

  it('flags a module that imports upwards or sideways, and not one that imports down or within its folder', () => {
    const at = (p: string): string => path.join(SRC, p)
    const g = new Map([
      [at('runtime/errors.ts'), [at('config/settings.ts')]],
      [at('verify/archive.ts'), [at('report/summary.ts'), at('verify/states.ts'), at('stages/pipeline.ts')]]
    ])
    expect(climbing(g)).toEqual([
      'runtime/errors.ts (runtime) → config/settings.ts (config)',
      'verify/archive.ts (verify) → report/summary.ts (report)'
    ])
  })
})
