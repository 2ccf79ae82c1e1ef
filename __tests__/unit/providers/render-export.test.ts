import { describe, expect, it } from '@jest/globals'
import { RenderApiError, type RenderExport } from '../../../src/providers/render/api.js'
import { ExportTimeout, takeExport } from '../../../src/providers/render/export.js'

// The wait for a new export, against a scripted API and a fake clock: which export is new, the hour's cap, a lost answer.
function scripted(listings: RenderExport[][], post: () => Promise<void> = async () => undefined) {
  const calls: string[] = []
  let clock = 0
  const api = {
    listExports: async () => {
      calls.push('list')
      return listings.length > 1 ? listings.shift()! : listings[0]
    },
    createExport: async () => {
      calls.push('post')
      await post()
    }
  }
  const wait = { now: () => clock, sleep: async (ms: number) => void (clock += ms), pollMs: 1000, maxPollMs: 60_000 }
  return { api, calls, wait, elapsed: () => clock }
}
const old = { id: 'exp-old', createdAt: '2026-12-02T04:00:00Z', url: 'https://exports.example/old?sig=1' }

describe('takeExport', () => {
  it('takes the first export that was not listed before the request, once it has a url, never the older one', async () => {
    const fresh = { id: 'exp-new', createdAt: '2026-12-02T03:59:00Z' }
    const t = scripted([[old], [old], [old, fresh], [{ ...fresh, url: 'https://exports.example/new?sig=2' }, old]])
    await expect(takeExport(t.api, 'dpg-x-a', t.wait)).resolves.toEqual({ ...fresh, url: 'https://exports.example/new?sig=2' })
    expect(t.calls).toEqual(['list', 'post', 'list', 'list', 'list'])
  })

  it('gives up after the hour, naming the export that never got its link', async () => {
    const t = scripted([[], [{ id: 'exp-stuck', createdAt: '2026-12-02T05:00:00Z' }]])
    const e = await takeExport(t.api, 'dpg-x-a', t.wait).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(ExportTimeout)
    expect((e as ExportTimeout).exportId).toBe('exp-stuck')
    expect((e as Error).message).toMatch(/export exp-stuck had no download link after 60 minutes/)
    expect(t.elapsed()).toBe(60 * 60_000)
  })

  it('does not repeat a request whose answer was lost when the list shows it happened', async () => {
    const fresh = { id: 'exp-new', createdAt: '2026-12-02T05:00:00Z', url: 'https://exports.example/new?sig=3' }
    const lost = Object.assign(new Error('Render API POST /postgres/dpg-x-a/export: fetch failed'), { cause: { code: 'ECONNRESET' } })
    const t = scripted([[old], [old, fresh]], async () => Promise.reject(lost))
    await expect(takeExport(t.api, 'dpg-x-a', t.wait)).resolves.toMatchObject({ id: 'exp-new' })
    expect(t.calls).toEqual(['list', 'post', 'list', 'list'])
  })

  it("passes Render's refusal of the request on (a plan without exports), and a lost answer that did not happen", async () => {
    const refused = new RenderApiError('POST', '/postgres/dpg-x-a/export', 400, 'exports are not available')
    await expect(takeExport(scripted([[old]], async () => Promise.reject(refused)).api, 'dpg-x-a')).rejects.toBe(refused)
    const lost = new Error('fetch failed')
    await expect(takeExport(scripted([[old]], async () => Promise.reject(lost)).api, 'dpg-x-a')).rejects.toBe(lost)
  })
})

describe('takeExport and a cancelled step', () => {
  it('stops waiting at once and says the step was cancelled', async () => {
    const controller = new AbortController()
    const api = {
      listExports: async () => [{ id: 'exp-new', createdAt: '2026-12-02T05:00:00Z' }].slice(0, api.lists++ ? 1 : 0),
      createExport: async () => undefined,
      lists: 0
    }
    setTimeout(() => controller.abort(new Error('the step was cancelled')), 50)
    // With a 10-minute poll, a wait that ignored the signal would outlast the test's own timeout (2 minutes).
    await expect(takeExport(api, 'dpg-x-a', { signal: controller.signal, pollMs: 600_000 })).rejects.toThrow('the step was cancelled')
  })
})
