import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import YAML from 'yaml'

// The copy-paste workflows: least privilege, one concurrency group, bounded jobs, and only inputs action.yml declares.
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..')
const action = YAML.parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, unknown>
  outputs: Record<string, unknown>
}
const examples = fs.readdirSync(path.join(ROOT, 'examples')).filter(f => f.endsWith('.yml'))

interface Step {
  uses?: string
  id?: string
  with?: Record<string, unknown>
  run?: string
}
interface Workflow {
  permissions?: Record<string, string>
  concurrency?: { group?: string }
  jobs: Record<string, { steps: Step[]; 'timeout-minutes'?: number }>
}

describe.each(examples)('examples/%s', file => {
  const text = fs.readFileSync(path.join(ROOT, 'examples', file), 'utf8')
  const wf = YAML.parse(text) as Workflow
  const ours = Object.values(wf.jobs)
    .flatMap(j => j.steps)
    .filter(s => s.uses?.startsWith('org/pg-backup-action@'))

  it('declares permissions and a concurrency group', () => {
    expect(wf.permissions?.contents).toBe('read')
    expect(wf.concurrency?.group).toBeTruthy()
  })

  it('bounds every job with timeout-minutes (a hung dump must not hold a runner for six hours)', () => {
    expect(Object.entries(wf.jobs).filter(([, j]) => !(Number(j['timeout-minutes']) > 0))).toEqual([])
  })

  it('uses the action with inputs it declares, and reads outputs it sets', () => {
    expect(ours.length).toBeGreaterThan(0)
    for (const step of ours)
      for (const input of Object.keys(step.with ?? {}))
        expect({ input, declared: input in action.inputs }).toEqual({ input, declared: true })
    const ids = new Set(ours.map(s => s.id).filter(Boolean))
    for (const [, id, output] of text.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g))
      if (ids.has(id)) expect({ output, declared: output in action.outputs }).toEqual({ output, declared: true })
  })
})
