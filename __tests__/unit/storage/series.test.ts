import { describe, expect, it } from '@jest/globals'
import { otherSources, sourceOf } from '../../../src/storage/series.js'
import { PRESETS } from '../../../src/config/presets.js'

const supabaseProjectRef = PRESETS.supabase.projectRef!
import type { ManifestV1 } from '../../../src/storage/manifest.js'

const source = (host: string, database = 'shop', extra: Partial<ManifestV1['source']> = {}): Pick<ManifestV1, 'source' | 'neon'> => ({
  source: { provider: 'postgres', host, port: 5432, database, serverVersion: '15.18', serverVersionNum: 150018, ...extra }
})
const entry = (key: string, createdAt: string, s: Pick<ManifestV1, 'source' | 'neon'>) => ({
  key,
  manifest: { ...s, createdAt } as ManifestV1
})

describe('the source of a series', () => {
  it.each([
    ['db.abcdefghijklmnop.supabase.co', 'postgres', 'abcdefghijklmnop'],
    ['aws-0-eu-central-1.pooler.supabase.com', 'postgres.abcdefghijklmnop', 'abcdefghijklmnop'],
    ['aws-0-eu-central-1.pooler.supabase.com', 'postgres', undefined],
    ['db.example.com', 'postgres.abcdefghijklmnop', undefined]
  ])('Supabase host %s as %s is project %s', (host, user, ref) => expect(supabaseProjectRef(host, user)).toBe(ref))

  it('is the project for Supabase, whichever way it is reached, and the project and branch for Neon', () => {
    expect(sourceOf(source('aws-0-eu-central-1.pooler.supabase.com', 'postgres', { projectRef: 'abc' }))).toBe('Supabase project abc')
    expect(
      sourceOf({
        ...source('ep-x.neon.tech'),
        neon: { projectId: 'p-1', branchId: 'br-1', branchName: 'main', parentBranchId: 'br-1', pointInTime: null }
      })
    ).toBe('Neon project p-1, branch main (br-1)')
    expect(sourceOf(source('db.example.com'))).toBe('db.example.com:5432/shop')
  })

  it('names each other source once, with its newest backup', () => {
    const earlier = [
      entry('k1', '2026-11-20T03:00:00Z', source('old.example.com')),
      entry('k2', '2026-11-21T03:00:00Z', source('old.example.com')),
      entry('k3', '2026-11-22T03:00:00Z', source('db.example.com')),
      entry('k4', '2026-11-19T03:00:00Z', source('db.example.com', 'billing')),
      { key: 'incomplete' }
    ]
    expect(otherSources(earlier, source('db.example.com'))).toEqual([
      { source: 'old.example.com:5432/shop', newest: { key: 'k2', createdAt: '2026-11-21T03:00:00Z' } },
      { source: 'db.example.com:5432/billing', newest: { key: 'k4', createdAt: '2026-11-19T03:00:00Z' } }
    ])
  })
})
