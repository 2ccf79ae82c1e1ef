import * as fs from 'node:fs'
import * as net from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import * as tls from 'node:tls'
import pg from 'pg'
import type { SourceSettings, SslSettings } from '../config/settings.js'
import { PRESETS } from '../config/presets.js'
import { save, State } from '../runtime/state.js'

/**
 * The one connection policy (DESIGN.md §2): where a password and TLS options
 * meet a connection, for the libpq tools (through their environment) and for
 * node-postgres alike, with libpq's meanings of the sslmodes. node-postgres
 * treats require as verify-full and knows no prefer or allow, so it never
 * sees a connection string: it gets explicit options built here.
 */

/** Where the OS keeps its CA bundle (Debian/Ubuntu, RHEL/Fedora, Alpine/macOS): what sslrootcert=system means to a client older than 16. */
const SYSTEM_BUNDLES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/cert.pem']

let connectionDir: string | undefined
const written = new Map<string, string>()

/**
 * A 0600 file in the run's own 0700 directory in RUNNER_TEMP, written once
 * per content and removed at exit (and by the post step after a kill): the
 * ssl-root-cert input, the service file that carries sslpassword.
 */
function privateFile(kind: 'root.crt' | 'service.conf', content: string): string {
  let file = written.get(content)
  if (file) return file
  if (!connectionDir) {
    const dir = fs.mkdtempSync(path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'pg-backup-connect-'))
    fs.chmodSync(dir, 0o700)
    save(State.connectDir, dir)
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }))
    connectionDir = dir
  }
  file = path.join(connectionDir, `${written.size}-${kind}`)
  fs.writeFileSync(file, content, { mode: 0o600, flag: 'wx' })
  written.set(content, file)
  return file
}

const pemFile = (pem: string): string => privateFile('root.crt', pem)
/** libpq has no variable for sslpassword, and argv is no place for it: a service file carries it. */
const serviceFile = (keyPassword: string): string => privateFile('service.conf', `[pg-backup-action]\nsslpassword=${keyPassword}\n`)

/** sslrootcert=system: the OS bundle's path, which every libpq version and Node read alike. */
export function systemBundle(): string {
  const found = SYSTEM_BUNDLES.find(f => fs.existsSync(f))
  if (!found)
    throw new Error(
      `sslrootcert=system: this runner has no CA bundle at ${SYSTEM_BUNDLES.join(', ')}; give the CA in 'ssl-root-cert' instead.`
    )
  return found
}

/** The root certificate a connection verifies with, found as libpq finds it: the input, the URL's sslrootcert, else ~/.postgresql/root.crt if it exists. */
export function rootCertFile(ssl: SslSettings): string | undefined {
  if (ssl.rootCertPem) return pemFile(ssl.rootCertPem)
  if (ssl.rootCert === 'system') return systemBundle()
  if (ssl.rootCert) {
    if (!fs.existsSync(ssl.rootCert))
      throw new Error(
        `sslrootcert=${ssl.rootCert} names a file this runner does not have: give the CA as PEM text in 'ssl-root-cert' instead (a secret, or a file's content).`
      )
    return ssl.rootCert
  }
  const home = path.join(os.homedir(), '.postgresql', 'root.crt')
  return fs.existsSync(home) ? home : undefined
}

/**
 * The root certificate and whether it is checked, as libpq decides: verify-ca
 * and verify-full verify, and so does require when a root certificate is
 * there (then require is verify-ca). A verifying mode without one is refused.
 */
function verification(s: SourceSettings): { root: string | undefined; verify: boolean } {
  const root = rootCertFile(s.ssl)
  const verify = s.ssl.mode === 'verify-ca' || s.ssl.mode === 'verify-full' || (s.ssl.mode === 'require' && root !== undefined)
  if (verify && !root) throw needsCa(s)
  return { root, verify }
}

/** Why a verifying mode cannot start: no CA to verify with (libpq would fail the same way, less clearly). */
function needsCa(s: SourceSettings): Error {
  return new Error(
    `sslmode=${s.ssl.mode} verifies the certificate of ${s.host}, but no CA was given to verify it with. Give the CA that signed it in 'ssl-root-cert' (PEM text: RDS's regional bundle, Supabase's project CA, your own CA), or add sslrootcert=system to '${s.input}' for a certificate from a public CA; or use sslmode=require to encrypt without verifying.`
  )
}

/**
 * The environment pg_dump, pg_restore and psql connect with: the password,
 * sslmode and certificate files, so nothing secret is in argv and nothing
 * inherited overrides the URL.
 */
export function libpqEnv(s: SourceSettings, appName = 'pg-backup-action'): Record<string, string> {
  const env: Record<string, string> = { PGSSLMODE: s.ssl.mode, PGAPPNAME: appName }
  const { root } = verification(s)
  if (root) env.PGSSLROOTCERT = root
  if (s.ssl.cert) env.PGSSLCERT = s.ssl.cert
  if (s.ssl.key) env.PGSSLKEY = s.ssl.key
  if (s.ssl.keyPassword) Object.assign(env, { PGSERVICEFILE: serviceFile(s.ssl.keyPassword), PGSERVICE: 'pg-backup-action' })
  if (s.password !== undefined) env.PGPASSWORD = s.password
  return env
}

/** node-postgres's TLS options for the same policy. */
export function tlsOptions(s: SourceSettings): tls.ConnectionOptions {
  const { root, verify } = verification(s)
  const o: tls.ConnectionOptions = { rejectUnauthorized: verify }
  if (verify) o.ca = fs.readFileSync(root!)
  // verify-ca (and require with a root certificate) checks the chain, not the name.
  if (verify && s.ssl.mode !== 'verify-full') o.checkServerIdentity = () => undefined
  if (s.ssl.cert) o.cert = fs.readFileSync(s.ssl.cert)
  if (s.ssl.key) o.key = fs.readFileSync(s.ssl.key)
  if (s.ssl.keyPassword !== undefined) o.passphrase = s.ssl.keyPassword
  return o
}

/** The order libpq tries: allow is plain first, prefer TLS first, the rest TLS only (disable: plain only). */
const ATTEMPTS: Record<SslSettings['mode'], ('plain' | 'tls')[]> = {
  disable: ['plain'],
  allow: ['plain', 'tls'],
  prefer: ['tls', 'plain'],
  require: ['tls'],
  'verify-ca': ['tls'],
  'verify-full': ['tls']
}

/** What makes libpq try the other way: a server without TLS (prefer), or one that refuses plain connections (allow). */
function triesOtherWay(attempt: 'plain' | 'tls', e: unknown): boolean {
  const err = e as { message?: string; code?: string }
  if (attempt === 'tls') return err.message === 'The server does not support SSL connections' || /^(EPROTO|ERR_SSL)/.test(err.code ?? '')
  return err.code === '28000' && /no encryption/.test(err.message ?? '')
}

/**
 * A connected node-postgres client under the policy: explicit options (no
 * connection string, so no SECURITY WARNING and no env defaults), the
 * sslmode's fallbacks, and a failure explained in words a workflow author
 * can act on (explainConnectFailure).
 */
export async function connectClient(s: SourceSettings, applicationName = 'pg-backup-action'): Promise<pg.Client> {
  const attempts = ATTEMPTS[s.ssl.mode]
  for (let i = 0; ; i++) {
    const ssl = attempts[i] === 'tls' ? tlsOptions(s) : false
    const client = new pg.Client({
      host: s.host,
      port: s.port,
      user: s.user,
      password: s.password,
      database: s.database,
      application_name: applicationName,
      ssl
    })
    client.on('error', () => {
      // A terminated connection surfaces on the next query; an unhandled 'error' event would crash the process.
    })
    try {
      await client.connect()
      return client
    } catch (e) {
      await client.end().catch(() => undefined)
      if (i + 1 < attempts.length && triesOtherWay(attempts[i], e)) continue
      throw await explainConnectFailure(e, s)
    }
  }
}

const UNKNOWN_CA = [
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE'
]
const NETWORK = [
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'ECONNRESET',
  'EADDRNOTAVAIL',
  'EAFNOSUPPORT'
]

/**
 * The server's certificate, read over PostgreSQL's own TLS handshake
 * (SSLRequest, then TLS) without verifying it: what a verification failure
 * quotes (the names it holds, the date it expired). Undefined when it cannot
 * be read.
 */
export function peerCertificate(host: string, port: number, timeoutMs = 5000): Promise<tls.PeerCertificate | undefined> {
  return new Promise(resolve => {
    const socket = net.connect(port, host)
    const done = (c?: tls.PeerCertificate): void => {
      socket.destroy()
      resolve(c)
    }
    socket.setTimeout(timeoutMs, () => done())
    socket.once('error', () => done())
    // SSLRequest: length 8, code 80877103.
    socket.once('connect', () => socket.write(Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f])))
    socket.once('data', answer => {
      if (answer[0] !== 0x53) return done()
      const t = tls.connect({ socket, rejectUnauthorized: false, servername: net.isIP(host) ? undefined : host })
      t.once('secureConnect', () => {
        const c = t.getPeerCertificate()
        t.destroy()
        done(c && Object.keys(c).length ? c : undefined)
      })
      t.once('error', () => done())
    })
  })
}

/** `IP Address:127.0.0.1, DNS:localhost` → `127.0.0.1, localhost`; the subject's CN when there are no alternative names. */
function certificateNames(c: tls.PeerCertificate | undefined): string {
  const sans = (c?.subjectaltname ?? '')
    .split(/,\s*/)
    .map(x => x.replace(/^[^:]+:/, ''))
    .filter(Boolean)
  const cn = c?.subject?.CN
  return sans.length ? sans.join(', ') : typeof cn === 'string' ? cn : 'other names'
}

const CA_FIX =
  "Give the CA that signed it in 'ssl-root-cert' (PEM text: RDS's regional bundle, Supabase's project CA, your own CA), or use sslmode=require to encrypt without verifying."

/** Words for a connection that failed: TLS verification (DESIGN.md §8 wording), the network, and TLS modes the server does not serve. */
export async function explainConnectFailure(e: unknown, s: SourceSettings): Promise<Error> {
  const err = e as Error & { code?: string; address?: string; syscall?: string }
  const code = err.code ?? ''
  const where = `${s.host}:${s.port}`
  const say = (text: string): Error =>
    Object.assign(new Error(`Could not connect to ${where} ('${s.input}'): ${text}`, { cause: e }), { code })
  if (UNKNOWN_CA.includes(code)) return say(`the certificate of ${s.host} is signed by an unknown CA. ${CA_FIX}`)
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const names = certificateNames((err as { cert?: tls.PeerCertificate }).cert ?? (await peerCertificate(s.host, s.port)))
    return say(
      `the certificate is for ${names}, not ${s.host}. Connect by a name the certificate holds, or use sslmode=verify-ca to verify the CA but not the name (or sslmode=require to encrypt without verifying).`
    )
  }
  if (code === 'CERT_HAS_EXPIRED') {
    const c = await peerCertificate(s.host, s.port)
    const date = c?.valid_to ? new Date(c.valid_to).toISOString().slice(0, 10) : 'a date already past'
    return say(
      `the certificate of ${s.host} expired on ${date}. The server's certificate must be renewed; meanwhile sslmode=require encrypts without verifying.`
    )
  }
  if (code === 'CERT_NOT_YET_VALID')
    return say(`the certificate of ${s.host} is not valid yet (check the clocks of the server and this runner). ${CA_FIX}`)
  if (err.message === 'The server does not support SSL connections') {
    return say(
      `the server does not offer TLS, and sslmode=${s.ssl.mode} requires it. Enable ssl on the server, or set sslmode=prefer (TLS when offered) or sslmode=disable in '${s.input}'.`
    )
  }
  if (code === '28000' && /no encryption/.test(err.message) && s.ssl.mode === 'disable') {
    return say(
      `the server accepts only TLS connections and sslmode=disable forbids TLS: remove sslmode=disable (the default, prefer, uses TLS when offered) or set sslmode=require. (${err.message})`
    )
  }
  if (NETWORK.includes(code))
    return say([explainNetwork(code, s.host, err.address), PRESETS[s.provider].unreachable?.(s.host)].filter(Boolean).join(' '))
  return e instanceof Error ? e : new Error(String(e))
}

/** DNS, routing and address-family failures, in words that say what to do (DESIGN.md §7). */
export function explainNetwork(code: string, host: string, address?: string): string {
  switch (code) {
    case 'ENOTFOUND':
      return `the name ${host} does not resolve (DNS). Check the host in the URL; a name that resolves only inside a private network needs a self-hosted runner there, or a tunnel.`
    case 'EAI_AGAIN':
      return `the name ${host} could not be resolved right now (DNS is failing temporarily). Run the job again; if it persists, check the runner's DNS.`
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
    case 'EADDRNOTAVAIL':
    case 'EAFNOSUPPORT':
      if (address?.includes(':')) {
        return `${host} resolves to the IPv6 address ${address}, and this runner has no IPv6 route (GitHub-hosted runners are IPv4-only). Use a host with an IPv4 address: for Supabase, the session pooler (aws-0-<region>.pooler.supabase.com, port 5432, user postgres.<ref>), or the provider's IPv4 add-on.`
      }
      return `no route to ${host}${address ? ` (${address})` : ''} from this runner. A server on a private network needs a self-hosted runner inside it, or a tunnel.`
    case 'ECONNREFUSED':
      return `nothing accepts connections there (connection refused). Is the server running, and is the port right?`
    case 'ETIMEDOUT':
      return `the connection timed out. A firewall or the provider's IP allow list may be dropping this runner's address: admit GitHub's runner addresses, or use a self-hosted runner.`
    case 'ECONNRESET':
      return `the server closed the connection during the handshake (a proxy or pooler in front of it, or a TLS setting it refuses).`
    default:
      return code
  }
}
