// Real servers for tests, the demo and the bench, as local processes (no Docker):
// a throwaway PostgreSQL cluster, s3rver, azurite and a stand-in for the
// Actions results service. Plain JavaScript so Node runs it directly.
import { spawn, spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as http from 'node:http'
import * as net from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const isRoot = process.getuid?.() === 0

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

function majorsIn(root) {
  try {
    return fs
      .readdirSync(root)
      .filter(d => /^\d+$/.test(d) && fs.existsSync(path.join(root, d, 'bin', 'initdb')))
      .map(Number)
      .sort((a, b) => a - b)
  } catch {
    return []
  }
}

/** CLIs the tests check results with (command → Debian package), installed where missing and possible. */
export function ensureTools(tools = { zstd: 'zstd', age: 'age', gpg: 'gnupg', tar: 'tar' }) {
  const missing = Object.entries(tools)
    .filter(([cmd]) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status !== 0)
    .map(([, pkg]) => pkg)
  if (missing.length === 0) return
  if (!isRoot || !fs.existsSync('/usr/bin/apt-get')) throw new Error(`Missing tools: install ${missing.join(', ')}`)
  console.error(`Installing ${missing.join(', ')} with apt-get ...`)
  spawnSync('apt-get', ['update'], { stdio: 'inherit' })
  const r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  })
  if (r.status !== 0) throw new Error(`apt-get install ${missing.join(' ')} failed`)
}

/** The PostgreSQL server binaries, installing Debian's package where it is missing. */
export function postgresBin() {
  let majors = majorsIn('/usr/lib/postgresql')
  if (majors.length === 0 && isRoot && fs.existsSync('/usr/bin/apt-get')) {
    console.error('PostgreSQL server not found: installing it with apt-get (postgresql) ...')
    spawnSync('apt-get', ['update'], { stdio: 'inherit' })
    const r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
    })
    if (r.status !== 0) throw new Error('apt-get install postgresql failed')
    majors = majorsIn('/usr/lib/postgresql')
  }
  if (majors.length === 0) throw new Error('No PostgreSQL server found under /usr/lib/postgresql; install the postgresql package.')
  return path.join('/usr/lib/postgresql', String(majors[majors.length - 1]), 'bin')
}

function asPostgres(cmd, args, opts = {}) {
  const [c, a] = isRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]
  const r = spawnSync(c, a, { encoding: 'utf8', ...opts })
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr || r.stdout}`)
  return r.stdout
}

/**
 * initdb in a temp dir and start the server on a free port on 127.0.0.1,
 * with password (scram) authentication for TCP, as the postgres user when
 * we are root (PostgreSQL refuses to run as root). With `keepIn`, the
 * cluster lives in that directory and is reused by the next start (the
 * bench's large databases); `reused` says whether it already existed.
 * @param {{ password?: string, settings?: string[], keepIn?: string, tls?: { cert: string, key: string, only?: boolean } }} [options]
 */
export async function startPostgres({ password = 'postgres', settings = [], keepIn = undefined, tls = undefined } = {}) {
  const bin = postgresBin()
  if (isRoot && spawnSync('id', ['postgres']).status !== 0) spawnSync('useradd', ['--system', '--user-group', 'postgres'])
  const base = keepIn ?? fs.mkdtempSync(path.join(os.tmpdir(), 'pgba-pg-'))
  fs.mkdirSync(base, { recursive: true })
  fs.chmodSync(base, 0o755)
  const data = path.join(base, 'data')
  const reused = fs.existsSync(path.join(data, 'PG_VERSION'))
  if (!reused) {
    fs.rmSync(data, { recursive: true, force: true })
    const pwfile = path.join(base, 'pw')
    fs.writeFileSync(pwfile, password + '\n', { mode: 0o600 })
    if (isRoot) spawnSync('chown', ['-R', 'postgres:', base])
    asPostgres(path.join(bin, 'initdb'), [
      '-D',
      data,
      '-U',
      'postgres',
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      `--pwfile=${pwfile}`,
      '-E',
      'UTF8',
      '--locale=C.UTF-8',
      '--no-sync'
    ])
    fs.rmSync(pwfile)
  }
  // TLS: the server's certificate and key (PEM files), and with `only` a pg_hba.conf that admits TCP clients over TLS alone.
  const useCertificate = (cert, key) => {
    fs.copyFileSync(cert, path.join(base, 'server.crt'))
    fs.copyFileSync(key, path.join(base, 'server.key'))
    fs.chmodSync(path.join(base, 'server.key'), 0o600)
    if (isRoot) spawnSync('chown', ['postgres:', path.join(base, 'server.crt'), path.join(base, 'server.key')])
  }
  const tlsSettings = []
  if (tls) {
    useCertificate(tls.cert, tls.key)
    tlsSettings.push('ssl=on', `ssl_cert_file=${path.join(base, 'server.crt')}`, `ssl_key_file=${path.join(base, 'server.key')}`)
    if (tls.only) {
      fs.writeFileSync(
        path.join(data, 'pg_hba.conf'),
        'local all all trust\nhostssl all all 127.0.0.1/32 scram-sha-256\nhostssl all all ::1/128 scram-sha-256\n'
      )
      if (isRoot) spawnSync('chown', ['postgres:', path.join(data, 'pg_hba.conf')])
    }
  }
  const port = await freePort()
  const opts = [
    '-p',
    String(port),
    '-k',
    base,
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'fsync=off',
    '-c',
    'synchronous_commit=off',
    '-c',
    'full_page_writes=off',
    '-c',
    'max_connections=100',
    ...[...tlsSettings, ...settings].flatMap(s => ['-c', s])
  ]
  asPostgres(path.join(bin, 'pg_ctl'), [
    '-D',
    data,
    '-l',
    path.join(base, 'log'),
    '-w',
    '-t',
    '60',
    '-o',
    opts.map(o => `'${o}'`).join(' '),
    'start'
  ])
  const url = (db = 'postgres', user = 'postgres', pw = password) =>
    `postgres://${encodeURIComponent(user)}:${encodeURIComponent(pw)}@127.0.0.1:${port}/${encodeURIComponent(db)}`
  /** psql over the socket as the superuser (trust), for set-up and checks. */
  const psql = (db, args, input) =>
    asPostgres(
      path.join(bin, 'psql'),
      ['-h', base, '-p', String(port), '-U', 'postgres', '-d', db, '-v', 'ON_ERROR_STOP=1', '-X', '-q', ...args],
      input === undefined ? {} : { input }
    )
  return {
    port,
    bin,
    socketDir: base,
    password,
    url,
    psql,
    reused,
    /** Serves another certificate from now on (a reload, as an operator would rotate it). */
    useCertificate(cert, key) {
      useCertificate(cert, key)
      asPostgres(path.join(bin, 'pg_ctl'), ['-D', data, 'reload'])
    },
    stop() {
      try {
        asPostgres(path.join(bin, 'pg_ctl'), ['-D', data, '-m', keepIn ? 'fast' : 'immediate', '-w', 'stop'])
      } catch {
        // already stopped
      }
      if (!keepIn) fs.rmSync(base, { recursive: true, force: true })
    }
  }
}

/** s3rver on a free port with the given buckets; its files live in a temp dir. */
export async function startS3({ buckets = ['backups'] } = {}) {
  const { default: S3rver } = await import('s3rver')
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'pgba-s3-'))
  const port = await freePort()
  const server = new S3rver({ port, address: '127.0.0.1', directory, silent: true, configureBuckets: buckets.map(name => ({ name })) })
  await server.run()
  return {
    port,
    directory,
    endpoint: `http://127.0.0.1:${port}`,
    env: { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1' },
    async stop() {
      await server.close()
      fs.rmSync(directory, { recursive: true, force: true })
    }
  }
}

const GITHUB_TOKEN = 'ghs_standInToken0123456789'
const AZURITE_ACCOUNT = 'devstoreaccount1'
const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='

async function waitForPort(port, child, what) {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`)
    const ok = await new Promise(resolve => {
      const s = net.connect(port, '127.0.0.1', () => (s.end(), resolve(true)))
      s.on('error', () => resolve(false))
    })
    if (ok) return
    await new Promise(r => setTimeout(r, 100))
  }
  throw new Error(`${what} did not listen on ${port}`)
}

/**
 * The GitHub artifact service as the real @actions/artifact client sees it:
 * azurite (the Azure blob emulator) for the bytes and a Twirp JSON stand-in
 * for the results service that hands out SAS URLs signed with azurite's key.
 */
export async function startArtifactService() {
  const { BlobServiceClient, StorageSharedKeyCredential, generateBlobSASQueryParameters, BlobSASPermissions } =
    await import('@azure/storage-blob')
  const blobPort = await freePort()
  const azurite = spawn(
    process.execPath,
    [
      path.join(ROOT, 'node_modules/azurite/dist/src/blob/main.js'),
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      String(blobPort),
      '--inMemoryPersistence',
      '--disableTelemetry',
      '--silent',
      '--skipApiVersionCheck',
      '--loose'
    ],
    { stdio: 'ignore' }
  )
  await waitForPort(blobPort, azurite, 'azurite')
  const blobUrl = `http://127.0.0.1:${blobPort}/${AZURITE_ACCOUNT}`
  const credential = new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY)
  const service = new BlobServiceClient(blobUrl, credential)
  const container = service.getContainerClient('artifacts')
  await container.createIfNotExists()
  // Download URLs name the file in Content-Disposition, as GitHub's do: the client saves raw (non-zip) artifacts under that name.
  const sas = (blob, permissions, fileName) =>
    `${container.getBlobClient(blob).url}?${generateBlobSASQueryParameters({ containerName: 'artifacts', blobName: blob, permissions: BlobSASPermissions.parse(permissions), expiresOn: new Date(Date.now() + 3600_000), contentDisposition: fileName ? `attachment; filename="${fileName}"` : undefined }, credential).toString()}`

  /** Artifacts by id: { id, name, run, job, size, hash, createdAt, blob, finalized }. */
  const artifacts = new Map()
  let nextId = 1000
  const calls = []
  const handlers = {
    CreateArtifact(b) {
      const id = nextId++
      const blob = `${b.workflow_run_backend_id}/${id}/${b.name}`
      artifacts.set(id, {
        id,
        name: b.name,
        run: b.workflow_run_backend_id,
        job: b.workflow_job_run_backend_id,
        blob,
        finalized: false,
        expiresAt: b.expires_at
      })
      return { ok: true, signed_upload_url: sas(blob, 'cw') }
    },
    FinalizeArtifact(b) {
      const a = [...artifacts.values()].find(x => x.run === b.workflow_run_backend_id && x.name === b.name && !x.finalized)
      if (!a) return [404, { code: 'not_found', msg: 'artifact not found' }]
      Object.assign(a, { finalized: true, size: Number(b.size), hash: b.hash, createdAt: new Date().toISOString() })
      return { ok: true, artifact_id: String(a.id) }
    },
    ListArtifacts(b) {
      const list = [...artifacts.values()].filter(
        a =>
          a.finalized &&
          a.run === b.workflow_run_backend_id &&
          (!b.name_filter || a.name === b.name_filter) &&
          (!b.id_filter || String(a.id) === String(b.id_filter))
      )
      return {
        artifacts: list.map(a => ({
          workflow_run_backend_id: a.run,
          workflow_job_run_backend_id: a.job,
          database_id: String(a.id),
          name: a.name,
          size: String(a.size),
          created_at: a.createdAt,
          digest: a.hash
        }))
      }
    },
    GetSignedArtifactURL(b) {
      const a = [...artifacts.values()].find(x => x.finalized && x.run === b.workflow_run_backend_id && x.name === b.name)
      if (!a) return [404, { code: 'not_found', msg: 'artifact not found' }]
      return { signed_url: sas(a.blob, 'r', a.name) }
    },
    DeleteArtifact(b) {
      const a = [...artifacts.values()].find(x => x.finalized && x.run === b.workflow_run_backend_id && x.name === b.name)
      if (!a) return [404, { code: 'not_found', msg: 'artifact not found' }]
      artifacts.delete(a.id)
      return { ok: true, artifact_id: String(a.id) }
    }
  }
  const runIdOf = backendId => Number(/^run-(\d+)$/.exec(backendId)?.[1] ?? 4242)
  const restArtifact = a => ({
    id: a.id,
    name: a.name,
    size_in_bytes: a.size,
    created_at: a.createdAt,
    expired: false,
    digest: a.hash,
    workflow_run: { id: runIdOf(a.run), repository_id: 1, head_repository_id: 1 }
  })
  /** The REST endpoints the action and the artifact client use across runs (GITHUB_API_URL). */
  function rest(req, res) {
    const url = new URL(req.url, 'http://x')
    const send = (status, body, headers = {}) => {
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers })
      res.end(body === undefined ? '' : JSON.stringify(body))
    }
    restCalls.push({ method: req.method, path: url.pathname, auth: req.headers.authorization })
    if (req.headers.authorization !== `Bearer ${GITHUB_TOKEN}` && req.headers.authorization !== `token ${GITHUB_TOKEN}`)
      return send(401, { message: 'Bad credentials' })
    const page = Number(url.searchParams.get('page') ?? 1)
    const perPage = Number(url.searchParams.get('per_page') ?? 30)
    const paged = list =>
      send(200, { total_count: list.length, artifacts: list.slice((page - 1) * perPage, page * perPage).map(restArtifact) })
    const finalized = [...artifacts.values()].filter(a => a.finalized).sort((a, b) => b.id - a.id)
    let m
    if (req.method === 'GET' && /\/actions\/artifacts$/.test(url.pathname))
      return paged(finalized.filter(a => !url.searchParams.get('name') || a.name === url.searchParams.get('name')))
    if (req.method === 'GET' && (m = /\/actions\/runs\/(\d+)\/artifacts$/.exec(url.pathname)))
      return paged(finalized.filter(a => runIdOf(a.run) === Number(m[1])))
    if (req.method === 'GET' && (m = /^\/repos\/([^/]+\/[^/]+)\/actions\/runs\/(\d+)$/.exec(url.pathname))) {
      const run = runs.get(Number(m[2])) ?? { event: 'schedule', headRepository: m[1] }
      if (run.missing) return send(404, { message: 'Not Found' })
      // The fields of GitHub's workflow-run object the action reads (GET /repos/{owner}/{repo}/actions/runs/{run_id}).
      return send(200, {
        id: Number(m[2]),
        event: run.event,
        head_repository: run.headRepository ? { full_name: run.headRepository } : null,
        repository: { full_name: m[1] }
      })
    }
    if ((m = /\/actions\/artifacts\/(\d+)(\/zip)?$/.exec(url.pathname))) {
      const a = artifacts.get(Number(m[1]))
      if (!a || !a.finalized) return send(404, { message: 'Not Found' })
      if (req.method === 'GET' && m[2]) return send(302, undefined, { Location: sas(a.blob, 'r', a.name) })
      if (req.method === 'DELETE' && !m[2]) {
        artifacts.delete(a.id)
        return send(204)
      }
    }
    send(404, { message: 'Not Found' })
  }
  const restCalls = []
  /** Workflow runs other than the default (a scheduled run of this repository): { event, headRepository, missing }. */
  const runs = new Map()
  /** @type {{ before?: (method: string, body: any) => Promise<[number, unknown] | undefined> | [number, unknown] | undefined, after?: (method: string, body: any, status: number) => Promise<void> | void }} */
  const hooks = {}
  const server = http.createServer((req, res) => {
    if (req.url?.startsWith('/repos/')) {
      req.resume()
      return rest(req, res)
    }
    let body = ''
    req.on('data', d => (body += d))
    req.on('end', async () => {
      const method = /\/twirp\/github\.actions\.results\.api\.v1\.ArtifactService\/(\w+)$/.exec(req.url ?? '')?.[1]
      calls.push({ method, body })
      const handler = method && handlers[method]
      const parsed = JSON.parse(body || '{}')
      let status = 200
      let out
      try {
        // A test's fault, answered instead of the service (hooks.before), or its action once the service answered (hooks.after).
        const fault = await hooks.before?.(method, parsed)
        out = fault ?? (handler ? handler(parsed) : [404, { code: 'bad_route', msg: `no method ${req.url}` }])
        if (Array.isArray(out)) [status, out] = out
        await hooks.after?.(method, parsed, status)
      } catch (e) {
        status = 500
        out = { code: 'internal', msg: String(e) }
      }
      res.writeHead(status, { 'Content-Type': 'application/json' })
      res.end(JSON.stringify(out))
    })
  })
  const port = await freePort()
  await new Promise(r => server.listen(port, '127.0.0.1', r))
  const b64 = o => Buffer.from(JSON.stringify(o)).toString('base64url')
  /** The runner's environment for workflow run `runId` (its own runtime token, hence its own artifacts). */
  const envForRun = runId => ({
    ACTIONS_RUNTIME_TOKEN: `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ scp: `Actions.GenericRead:1 Actions.Results:run-${runId}:job-1` })}.x`,
    ACTIONS_RESULTS_URL: `http://127.0.0.1:${port}/`,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: `http://127.0.0.1:${port}`,
    GITHUB_RUN_ID: String(runId)
  })
  return {
    artifacts,
    calls,
    restCalls,
    /** Set by a test to fail or act on Twirp calls. */
    hooks,
    /** Set by a test: how the REST API describes a run (a pull request from a fork, say). */
    runs,
    /** The token the REST stand-in accepts (github-token). */
    githubToken: GITHUB_TOKEN,
    envForRun,
    env: envForRun(4242),
    /** Stores a finalized artifact directly (test set-up: backdated backups of earlier runs). */
    async put(name, bytes, runId = 4242, createdAt = new Date().toISOString()) {
      const id = nextId++
      const blob = `run-${runId}/${id}/${name}`
      await container.getBlockBlobClient(blob).uploadData(bytes)
      artifacts.set(id, { id, name, run: `run-${runId}`, job: 'job-1', blob, finalized: true, size: bytes.length, createdAt })
      return id
    },
    /** The bytes of a finalized artifact, straight from azurite. */
    async download(name) {
      const a = [...artifacts.values()].find(x => x.finalized && x.name === name)
      if (!a) throw new Error(`no artifact ${name}`)
      return container.getBlobClient(a.blob).downloadToBuffer()
    },
    async stop() {
      await new Promise(r => server.close(r))
      azurite.kill()
    }
  }
}

/** A directory to use as PATH: every command of this PATH but the named ones (a runner without zstd, say). */
export function pathWithout(names, searchPath = process.env.PATH ?? '') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgba-path-'))
  for (const from of searchPath.split(path.delimiter).filter(Boolean)) {
    let entries
    try {
      entries = fs.readdirSync(from)
    } catch {
      continue
    }
    for (const e of entries) {
      if (names.includes(e) || fs.existsSync(path.join(dir, e))) continue
      try {
        fs.symlinkSync(path.join(from, e), path.join(dir, e))
      } catch {
        // unreadable entry
      }
    }
  }
  return dir
}
