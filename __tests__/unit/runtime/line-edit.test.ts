import { describe, expect, it } from '@jest/globals'
import { Readable } from 'node:stream'
import { buffer } from 'node:stream/consumers'
import { restrictLines } from '../../../src/runtime/line-edit.js'

const through = async (chunks: Buffer[]): Promise<Buffer> => buffer(Readable.from(chunks).pipe(restrictLines()))

describe('LineEdit', () => {
  it('comments out \\restrict lines wherever the chunks break, and nothing else', async () => {
    const text = 'SET a = 1;\n\\restrict KEY\nCOPY t FROM stdin;\n1\tx\n\\.\n\\unrestrict KEY\n'
    const bytes = Buffer.from(text)
    for (let cut = 1; cut < bytes.length; cut++) {
      const out = await through([bytes.subarray(0, cut), bytes.subarray(cut)])
      expect(out.toString()).toBe('SET a = 1;\n-- \\restrict KEY\nCOPY t FROM stdin;\n1\tx\n\\.\n-- \\unrestrict KEY\n')
    }
  })

  it('passes every other byte as it came: a UTF-8 character split between chunks, and LATIN1 text', async () => {
    const utf8 = Buffer.from('1\tcafé ☕\n\\restrict K\n')
    const split = utf8.indexOf(Buffer.from('☕')) + 1
    expect((await through([utf8.subarray(0, split), utf8.subarray(split)])).toString('utf8')).toBe('1\tcafé ☕\n-- \\restrict K\n')
    const latin1 = Buffer.from([0x31, 0x09, 0xe9, 0xff, 0x0a])
    expect(await through([latin1])).toEqual(latin1)
  })
})
