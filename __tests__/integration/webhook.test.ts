import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import { NASTY_PASSWORD, createDatabase, runAction, startStack } from '../helpers/stack.js'

// webhook-url against a local HTTP server that records what it is sent, answers as it is told (a failing endpoint, one
// that recovers), with the bundled action backing up a real PostgreSQL database.
type Stack = Awaited<ReturnType<typeof startStack>>
let stack: Stack
let root: string
let server: http.Server
let base: string
const received: { path: string; contentType: string | undefined; body: Record<string, unknown> }[] = []
/** Per path: the statuses to answer in turn, then 200. */
const script = new Map<string, number[]>()

beforeAll(async () => {
  stack = await startStack()
  createDatabase(stack.pg, 'shop')
  stack.pg.psql('shop', ['-c', 'CREATE TABLE orders (id int); INSERT INTO orders SELECT generate_series(1, 10)'])
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgba-webhook-'))
  server = http.createServer((req, res) => {
    let text = ''
    req.on('data', d => (text += d))
    req.on('end', () => {
      received.push({ path: req.url ?? '', contentType: req.headers['content-type'], body: JSON.parse(text) })
      const next = script.get(req.url ?? '')?.shift() ?? 200
      res.writeHead(next)
      res.end()
    })
  })
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}, 120000)

afterAll(async () => {
  await new Promise(r => server.close(r))
  await stack?.stop()
  if (root) fs.rmSync(root, { recursive: true, force: true })
})

const hook = (id: string) => `${base}/hooks/T0KEN-${id}-s3cr3t`
const sentTo = (id: string) => received.filter(r => r.path === `/hooks/T0KEN-${id}-s3cr3t`)
const backup = (id: string, more: Record<string, string> = {}) =>
  runAction(
    { 'database-url': stack.pg.url('shop'), destination: 'file', 'file-path': root, name: `shop-${id}`, 'webhook-url': hook(id), ...more },
    { env: stack.env }
  )

describe('webhook-url', () => {
  it('posts the JSON body after a good backup, and the URL is never shown', async () => {
    const r = await backup('good')
    expect(r.code).toBe(0)
    expect(sentTo('good')).toEqual([
      {
        path: '/hooks/T0KEN-good-s3cr3t',
        contentType: 'application/json',
        body: {
          status: 'success',
          command: 'backup',
          name: 'shop-good',
          key: r.outputs['backup-key'],
          sizeBytes: Number(r.outputs['size-bytes']),
          state: 'verified',
          error: null,
          runUrl: 'https://github.com/acme/shop/actions/runs/4242'
        }
      }
    ])
    const shown = r.stdout.split('\n').filter(l => !l.startsWith('::add-mask::'))
    expect(shown.filter(l => l.includes('T0KEN'))).toEqual([])
  })

  it('tries again when the endpoint fails, and delivers on the third try', async () => {
    script.set('/hooks/T0KEN-flaky-s3cr3t', [503, 500])
    const r = await backup('flaky')
    expect(r.code).toBe(0)
    expect(sentTo('flaky')).toHaveLength(3)
    expect(r.annotations.filter(a => a.title === 'Webhook not delivered')).toEqual([])
  })

  it('an endpoint that keeps failing is a warning: the good backup stays a good run', async () => {
    script.set('/hooks/T0KEN-down-s3cr3t', [500, 500, 500])
    const r = await backup('down')
    expect(r.code).toBe(0)
    expect(sentTo('down')).toHaveLength(3)
    expect(r.annotations).toContainEqual(expect.objectContaining({ level: 'warning', title: 'Webhook not delivered' }))
    expect(r.annotations.filter(a => a.level === 'error')).toEqual([])
  })

  it('reports a failed backup with its error, scrubbed of the password', async () => {
    const url = new URL(stack.pg.url('shop'))
    url.pathname = '/no_such_db'
    const r = await backup('failed', { 'database-url': url.toString() })
    expect(r.code).toBe(1)
    const [sent] = sentTo('failed')
    expect(sent.body).toMatchObject({ status: 'failure', command: 'backup', name: 'shop-failed', key: null, state: null })
    expect(sent.body.error).toMatch(/^Backup failed: .*no_such_db/)
    expect(JSON.stringify(sent.body)).not.toContain(NASTY_PASSWORD)
    expect(JSON.stringify(sent.body)).not.toContain(encodeURIComponent(NASTY_PASSWORD))
  })

  it('is sent after an Invalid input too', async () => {
    const r = await backup('invalid', { compression: 'brotli' })
    expect(r.code).toBe(1)
    expect(sentTo('invalid').map(s => s.body)).toEqual([
      expect.objectContaining({
        status: 'failure',
        command: 'backup',
        name: null,
        error: expect.stringMatching(/^Invalid input: Input 'compression'/)
      })
    ])
  })
})
