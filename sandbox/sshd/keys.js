// An sshd's keys, made fresh for each instance: its host key, a client key it accepts, and a
// wrong one of each for the refusal tests.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

function keygen(file, comment) {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file], {
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8'
  })
}

/**
 * `type base64` of a public key file, without the comment.
 * @param {string} file
 * @returns {string}
 */
export function publicKey(file) {
  const [type, key] = fs.readFileSync(`${file}.pub`, 'utf8').trim().split(/\s+/)
  return `${type} ${key}`
}

/**
 * Makes host_key, wrong_host_key, client_key and wrong_client_key in `dir`, and the
 * authorized_keys the config names: the client key plus `authorizedKeys`.
 * @param {string} dir
 * @param {{ forwardOnly?: boolean, authorizedKeys?: string[] }} options
 */
export function writeKeys(dir, { forwardOnly, authorizedKeys }) {
  keygen(path.join(dir, 'host_key'), 'rbs-host')
  keygen(path.join(dir, 'wrong_host_key'), 'rbs-wrong-host')
  keygen(path.join(dir, 'client_key'), 'rbs-client')
  keygen(path.join(dir, 'wrong_client_key'), 'rbs-wrong-client')
  // A jump host's keys allow forwarding only (`restrict` turns everything else off).
  const allow = forwardOnly ? 'restrict,port-forwarding ' : ''
  const accepted = [publicKey(path.join(dir, 'client_key')), ...(authorizedKeys ?? [])]
  fs.writeFileSync(
    path.join(dir, 'authorized_keys'),
    accepted.map((k) => `${allow}${k}\n`).join(''),
    { mode: 0o644 }
  )
  fs.chmodSync(path.join(dir, 'authorized_keys'), 0o644)
}

/**
 * known_hosts text: one `[127.0.0.1]:PORT key` line per port, for the host key in `keyFile`.
 * @param {number[]} ports
 * @param {string} keyFile
 * @returns {string}
 */
export function knownHostsFor(ports, keyFile) {
  return ports.map((p) => `[127.0.0.1]:${p} ${publicKey(keyFile)}\n`).join('')
}
