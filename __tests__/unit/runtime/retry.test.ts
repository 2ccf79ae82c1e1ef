import { describe, expect, it } from '@jest/globals'
import * as http from 'node:http'
import { TransientError, isTransient, retryAfterMs, withRetry } from '../../../src/runtime/retry.js'
import { RepoArtifacts } from '../../../src/storage/github-rest.js'

describe('withRetry', () => {
  it.each([
    [new TransientError('503'), true],
    [Object.assign(new Error('reset'), { code: 'ECONNRESET' }), true],
    [Object.assign(new TypeError('fetch failed'), { cause: { code: 'UND_ERR_SOCKET' } }), true],
    [new Error('401 Bad credentials'), false],
    [Object.assign(new Error('nope'), { code: 'ENOENT' }), false]
  ])('%s transient: %s', (e, transient) => expect(isTransient(e)).toBe(transient))

  it('retries transient failures with growing, jittered waits, then succeeds', async () => {
    const waits: number[] = []
    let calls = 0
    const r = await withRetry(
      async () => {
        if (++calls < 4) throw new TransientError('503')
        return 'ok'
      },
      { sleep: async ms => void waits.push(ms), random: () => 0.5, baseMs: 100 }
    )
    expect(r).toBe('ok')
    expect(waits).toEqual([50, 100, 200])
  })

  it('gives up after the last attempt with the last error', async () => {
    let calls = 0
    await expect(
      withRetry(async () => Promise.reject(new TransientError(`503 #${++calls}`)), { attempts: 3, sleep: async () => undefined })
    ).rejects.toThrow('503 #3')
  })

  it('never retries a permanent failure', async () => {
    let calls = 0
    await expect(withRetry(async () => Promise.reject(new Error(`403 #${++calls}`)), { sleep: async () => undefined })).rejects.toThrow(
      '403 #1'
    )
  })

  it('waits what Retry-After says', async () => {
    const waits: number[] = []
    let calls = 0
    await withRetry(async () => (++calls === 1 ? Promise.reject(new TransientError('429', 2000)) : 'ok'), {
      sleep: async ms => void waits.push(ms)
    })
    expect(waits).toEqual([2000])
  })
})

describe('RepoArtifacts against a flaky API', () => {
  it('retries 502 and 429 (honouring Retry-After) and not 403', async () => {
    const answers = [502, 429, 200]
    const seen: number[] = []
    const server = http.createServer((req, res) => {
      const status = req.url?.includes('/artifacts/9') ? 403 : (answers.shift() ?? 200)
      seen.push(status)
      res.writeHead(status, status === 429 ? { 'Retry-After': '1' } : { 'Content-Type': 'application/json' })
      res.end(
        status === 200
          ? JSON.stringify({
              total_count: 1,
              artifacts: [{ id: 1, name: 'a', size_in_bytes: 3, created_at: '2026-01-01T00:00:00Z', expired: false }]
            })
          : '{}'
      )
    })
    await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()))
    const port = (server.address() as { port: number }).port
    const waits: number[] = []
    try {
      const gh = new RepoArtifacts('t', 'acme/shop', `http://127.0.0.1:${port}`, {
        sleep: async ms => void waits.push(ms),
        random: () => 0
      })
      expect(await gh.list()).toEqual([{ id: 1, name: 'a', size: 3, createdAt: '2026-01-01T00:00:00Z', runId: undefined }])
      expect(seen).toEqual([502, 429, 200])
      expect(waits).toEqual([0, 1000])
      await expect(gh.remove(9)).rejects.toThrow(/403/)
      expect(seen.slice(3)).toEqual([403])
    } finally {
      server.close()
    }
  })
})

describe('retryAfterMs', () => {
  const headers = (h: Record<string, string | undefined>) => new Headers(h as Record<string, string>)
  const now = Date.parse('2026-12-02T05:00:00Z')

  it('takes Retry-After first, then RateLimit-Reset (seconds, or a Unix time), capped at a minute', () => {
    expect(retryAfterMs(headers({ 'Retry-After': '3', 'RateLimit-Reset': '9' }), now)).toBe(3000)
    expect(retryAfterMs(headers({ 'RateLimit-Reset': '9' }), now)).toBe(9000)
    expect(retryAfterMs(headers({ 'RateLimit-Reset': String(now / 1000 + 12) }), now)).toBe(12000)
    expect(retryAfterMs(headers({ 'Retry-After': '600' }), now)).toBe(60000)
  })

  it('leaves the wait to the backoff when the answer says nothing usable', () => {
    for (const h of [{}, { 'Retry-After': 'soon' }, { 'RateLimit-Reset': '0' }, { 'RateLimit-Reset': String(now / 1000 - 5) }])
      expect(retryAfterMs(headers(h), now)).toBeUndefined()
  })
})
