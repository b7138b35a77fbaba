// A test certificate authority made with openssl: a CA certificate, and server certificates it
// signs for loopback names. Everything lives in a temporary directory removed by cleanup().
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { findExecutable } from './processes.js'

export const INSTALL_HINT = "install Debian's openssl: apt-get install openssl"

const OPENSSL_TIMEOUT_MS = 30_000

/**
 * @typedef {object} ServerCertificate
 * @property {string} key   PEM private key
 * @property {string} cert  PEM certificate signed by the CA
 */

/**
 * @typedef {object} TestCa
 * @property {string} dir
 * @property {string} certPem   the CA certificate (PEM)
 * @property {string} certFile  its path
 * @property {(opts?: { altNames?: string[], commonName?: string }) => ServerCertificate} issue
 *   a server key and certificate for altNames (default IP:127.0.0.1, IP:127.0.0.2, DNS:localhost)
 * @property {() => void} cleanup  removes dir; safe to call twice
 */

/**
 * @param {{ name?: string }} [opts]  the CA's common name
 * @returns {TestCa}
 */
export function createTestCa({ name = 'rollback-sentinel test CA' } = {}) {
  const openssl = findExecutable('openssl')
  if (!openssl) throw new Error(`openssl not found: ${INSTALL_HINT}`)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sentinel-ca-'))
  /** @param {string[]} args */
  const run = (args) =>
    execFileSync(openssl, args, { cwd: dir, stdio: 'pipe', timeout: OPENSSL_TIMEOUT_MS })
  const caKey = path.join(dir, 'ca.key')
  const certFile = path.join(dir, 'ca.pem')
  try {
    run([
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      caKey,
      '-out',
      certFile,
      '-days',
      '2',
      '-subj',
      `/CN=${name}`
    ])
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true })
    throw err
  }
  let issued = 0
  return {
    dir,
    certFile,
    certPem: fs.readFileSync(certFile, 'utf8'),
    issue({ altNames = ['IP:127.0.0.1', 'IP:127.0.0.2', 'DNS:localhost'], commonName } = {}) {
      const n = ++issued
      const key = path.join(dir, `server-${n}.key`)
      const csr = path.join(dir, `server-${n}.csr`)
      const cert = path.join(dir, `server-${n}.pem`)
      const ext = path.join(dir, `server-${n}.ext`)
      // Node checks the subjectAltName, not the CN.
      fs.writeFileSync(ext, `subjectAltName=${altNames.join(',')}\n`)
      run([
        'req',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        csr,
        '-subj',
        `/CN=${commonName ?? altNames[0].replace(/^\w+:/, '')}`
      ])
      run([
        'x509',
        '-req',
        '-in',
        csr,
        '-CA',
        certFile,
        '-CAkey',
        caKey,
        '-CAcreateserial',
        '-out',
        cert,
        '-days',
        '2',
        '-extfile',
        ext
      ])
      return { key: fs.readFileSync(key, 'utf8'), cert: fs.readFileSync(cert, 'utf8') }
    },
    cleanup() {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }
}
