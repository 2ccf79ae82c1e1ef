import { describe, expect, it } from '@jest/globals'
import { PRESETS, hostedProvider } from '../../../src/config/presets.js'
import { CLI_DATA_EXCLUDED_SCHEMAS, CLI_INTERNAL_SCHEMAS, CLI_RESERVED_ROLES } from '../../helpers/supabase.js'

// The Supabase preset against a second transcription of Supabase CLI v2.104.0's lists (made for the test fixture from
// apps/cli-go/pkg/migration/dump.go): an edit to either that the other does not share fails here.
describe('the Supabase preset', () => {
  it('leaves out of the schema part exactly the CLI’s InternalSchemas', () => {
    expect([...(PRESETS.supabase.managedSchemas ?? [])].sort()).toEqual([...CLI_INTERNAL_SCHEMAS].sort())
  })

  it('leaves out of the data part exactly the CLI’s excludedSchemas', () => {
    expect([...(PRESETS.supabase.dataExcludedSchemas ?? [])].sort()).toEqual([...CLI_DATA_EXCLUDED_SCHEMAS].sort())
  })

  it('reserves the CLI’s reservedRoles (its regular expressions written as pg_dump wildcards)', () => {
    expect([...(PRESETS.supabase.reservedRoles ?? [])].sort()).toEqual(CLI_RESERVED_ROLES.map(r => r.replace(/\.\*/g, '*')).sort())
  })

  it.each([
    ['db.abcdefghijkl.supabase.co', 'supabase'],
    ['aws-0-eu-central-1.pooler.supabase.com', 'supabase'],
    ['ep-cool-1.us-east-2.aws.neon.tech', 'neon'],
    ['dpg-cq1abc2j1k9s73d0e7a0-a.oregon-postgres.render.com', 'render'],
    ['db.example.com', undefined]
  ])('recognises %s as %s', (host, provider) => expect(hostedProvider(host)).toBe(provider))
})
