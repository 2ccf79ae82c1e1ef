import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'

/**
 * A private CA made with the openssl CLI, as an operator makes one for a
 * self-hosted server (and as RDS and Supabase look to a client without
 * their CA): server certificates for any names, an expired one included.
 */
export interface TestCa {
  dir: string
  /** The CA certificate: what `ssl-root-cert` or `sslrootcert` is given. */
  caFile: string
  caPem: string
  issue(name: string, sans: string[], opts?: { expired?: boolean }): { cert: string; key: string }
}

function openssl(args: string[], cwd: string): void {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr}`)
}

export function makeCa(cn = 'pgba test CA'): TestCa {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgba-ca-'))
  fs.chmodSync(dir, 0o755)
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  openssl(
    [
      'req',
      '-x509',
      ...ec,
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      '30',
      '-subj',
      `/CN=${cn}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign'
    ],
    dir
  )
  // `openssl ca` is the one that takes explicit validity dates (for the expired certificate).
  fs.writeFileSync(
    path.join(dir, 'ca.cnf'),
    '[ ca ]\ndefault_ca = d\n[ d ]\ndatabase = index.txt\nnew_certs_dir = .\nserial = serial.txt\ndefault_md = sha256\npolicy = any\ncopy_extensions = copy\nunique_subject = no\n[ any ]\ncommonName = supplied\n'
  )
  fs.writeFileSync(path.join(dir, 'index.txt'), '')
  fs.writeFileSync(path.join(dir, 'serial.txt'), '01\n')
  const caFile = path.join(dir, 'ca.crt')
  return {
    dir,
    caFile,
    caPem: fs.readFileSync(caFile, 'utf8'),
    issue(name, sans, opts = {}) {
      const base = name.replace(/[^a-z0-9]/gi, '_')
      openssl(['req', ...ec, '-keyout', `${base}.key`, '-out', `${base}.csr`, '-subj', `/CN=${name}`], dir)
      fs.writeFileSync(path.join(dir, `${base}.ext`), `subjectAltName=${sans.join(',')}\n`)
      const dates = opts.expired ? ['-startdate', '20200101000000Z', '-enddate', '20200102000000Z'] : ['-days', '30']
      openssl(
        [
          'ca',
          '-batch',
          '-notext',
          '-config',
          'ca.cnf',
          '-cert',
          'ca.crt',
          '-keyfile',
          'ca.key',
          '-in',
          `${base}.csr`,
          '-out',
          `${base}.crt`,
          '-extfile',
          `${base}.ext`,
          ...dates
        ],
        dir
      )
      return { cert: path.join(dir, `${base}.crt`), key: path.join(dir, `${base}.key`) }
    }
  }
}
