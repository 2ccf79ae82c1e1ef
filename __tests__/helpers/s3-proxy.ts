import * as fs from 'node:fs'
import * as http from 'node:http'
import * as path from 'node:path'
import { freePort } from '../../scripts/lib/servers.mjs'

export interface ProxiedRequest {
  method: string
  path: string
  query: URLSearchParams
  status?: number
}

/**
 * A fault-injecting proxy in front of s3rver. It records every request,
 * can slow down UploadPart responses (so a test can act while an upload is
 * in flight), and implements AbortMultipartUpload, which s3rver lacks, by
 * removing s3rver's pending parts — so "no leftover parts" is observable.
 */
export interface ProxyHooks {
  /** Answer this request with a fault instead of forwarding it (undefined forwards it); may wait first. */
  before?: (q: ProxiedRequest) => Promise<{ status: number; code: string } | undefined> | { status: number; code: string } | undefined
  /** Runs once s3rver has answered, before the answer goes back to the client. */
  after?: (q: ProxiedRequest) => Promise<void> | void
}

export async function startS3Proxy(
  target: { port: number; directory: string },
  opts: { uploadPartDelayMs?: number; flipByteInReads?: boolean } & ProxyHooks = {}
) {
  const requests: ProxiedRequest[] = []
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    const entry: ProxiedRequest = { method: req.method ?? '', path: decodeURIComponent(url.pathname), query: url.searchParams }
    requests.push(entry)
    const fault = await opts.before?.(entry)
    if (fault) {
      req.resume()
      entry.status = fault.status
      res
        .writeHead(fault.status, { 'Content-Type': 'application/xml' })
        .end(
          `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${fault.code}</Code><Message>${fault.code} (injected by the test)</Message></Error>`
        )
      return
    }
    if (req.method === 'DELETE' && url.searchParams.has('uploadId')) {
      const id = url.searchParams.get('uploadId')!
      for (const dir of findDirs(target.directory, id)) fs.rmSync(dir, { recursive: true, force: true })
      req.resume()
      entry.status = 204
      res.writeHead(204).end()
      return
    }
    const isPart = req.method === 'PUT' && url.searchParams.has('partNumber')
    // Reads of backup objects come back with one byte flipped: storage that corrupts data at rest.
    const corrupt =
      opts.flipByteInReads && req.method === 'GET' && !url.pathname.endsWith('.json') && url.pathname.split('/').filter(Boolean).length > 1
    const upstream = http.request({ host: '127.0.0.1', port: target.port, method: req.method, path: req.url, headers: req.headers }, up => {
      entry.status = up.statusCode
      if (corrupt && up.statusCode === 200) {
        const chunks: Buffer[] = []
        up.on('data', (d: Buffer) => chunks.push(d))
        up.on('end', () => {
          const body = Buffer.concat(chunks)
          if (body.length) body[Math.floor(body.length / 2)] ^= 0xff
          res.writeHead(200, { ...up.headers, 'content-length': String(body.length) })
          res.end(body)
        })
        return
      }
      const send = async () => {
        await opts.after?.(entry)
        res.writeHead(up.statusCode ?? 502, up.headers)
        up.pipe(res)
      }
      if (isPart && opts.uploadPartDelayMs) setTimeout(() => void send(), opts.uploadPartDelayMs)
      else void send()
    })
    upstream.on('error', e => {
      res.writeHead(502).end(String(e))
    })
    req.pipe(upstream)
  })
  const port = await freePort()
  await new Promise<void>(r => server.listen(port, '127.0.0.1', () => r()))
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    /** Multipart uploads s3rver still holds parts for. */
    pendingUploads: () => findDirs(target.directory, undefined),
    stop: () => new Promise<void>(r => server.close(() => r()))
  }
}

/** s3rver keeps an in-progress multipart upload as `<bucket>/._S3rver_uploads/<uploadId>/`. */
function findDirs(root: string, uploadId: string | undefined): string[] {
  const out: string[] = []
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (!e.isDirectory()) continue
      const p = path.join(dir, e.name)
      if (path.basename(dir) === '._S3rver_uploads' && (uploadId === undefined || e.name === uploadId)) out.push(p)
      else walk(p)
    }
  }
  walk(root)
  return out
}
