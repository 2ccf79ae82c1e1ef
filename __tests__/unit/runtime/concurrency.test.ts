import { describe, expect, it } from '@jest/globals'
import { mapLimit } from '../../../src/runtime/concurrency.js'

describe('mapLimit', () => {
  it('keeps order and never runs more than the limit at once', async () => {
    let running = 0
    let peak = 0
    const out = await mapLimit([50, 10, 30, 5, 20, 1, 15], 3, async ms => {
      running++
      peak = Math.max(peak, running)
      await new Promise(r => setTimeout(r, ms))
      running--
      return ms * 2
    })
    expect(out).toEqual([100, 20, 60, 10, 40, 2, 30])
    expect(peak).toBe(3)
  })
  it('handles an empty list', async () => {
    expect(await mapLimit([], 4, async x => x)).toEqual([])
  })
  it('rejects with the first failure', async () => {
    await expect(mapLimit([1, 2, 3], 2, async x => (x === 2 ? Promise.reject(new Error('two')) : x))).rejects.toThrow('two')
  })
})
