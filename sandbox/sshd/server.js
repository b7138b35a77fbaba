// Starts and stops one sandbox sshd: the test user, a deploy directory it owns, fresh keys, and
// the sshd processes (run as root; /run/sshd must exist).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { SSHD, startDaemons } from './daemons.js'
import { chownTree, ensureTraversable } from './deploy-dir.js'
import { knownHostsFor, publicKey, writeKeys } from './keys.js'
import { ensureUser } from './user.js'

/**
 * Starts sshd on 127.0.0.1 with fresh host and client keys.
 * @param {{
 *   deployDir?: string,
 *   user?: string,
 *   extraConfig?: string[],   // sshd_config lines that win over the defaults (e.g. 'MaxSessions 1')
 *   ports?: number,           // listen on this many ports: each one a "host" of a fleet (default 1)
 *   forwardOnly?: boolean,    // a jump host: it forwards (ssh -W) and runs no command
 *   authorizedKeys?: string[] // more public keys to accept (`type base64`), e.g. another sshd's client key
 * }} [options]
 */
export async function startSshd(options = {}) {
  const user = options.user ?? 'rbsentinel'
  const count = options.ports ?? 1
  if (!fs.existsSync(SSHD)) {
    throw new Error(
      `${SSHD} not found: install Debian's openssh-server ` +
        '(apt-get install -y --no-install-recommends openssh-server); the SSH tests need a real sshd'
    )
  }
  if (process.getuid && process.getuid() !== 0) {
    throw new Error('sandbox sshd needs root (it creates a test user and runs sshd)')
  }
  const { uid, gid } = ensureUser(user)
  fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 })

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rbs-sshd-'))
  const ownDeployDir = !options.deployDir
  const deployDir = options.deployDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'rbs-deploy-'))
  let daemons
  try {
    fs.chmodSync(dir, 0o755) // the user must read authorized_keys in here
    fs.mkdirSync(deployDir, { recursive: true })
    fs.chmodSync(deployDir, 0o755)
    chownTree(deployDir, uid, gid)
    ensureTraversable(deployDir, uid, gid)
    writeKeys(dir, options)
    daemons = await startDaemons({
      count,
      dir,
      deployDir,
      user,
      extraConfig: options.extraConfig,
      forwardOnly: options.forwardOnly
    })
    const { ports } = daemons

    let stopped = false
    return {
      host: '127.0.0.1',
      port: ports[0],
      /** Every port it listens on: with `ports: n`, each one a "host" of a fleet. */
      ports,
      user,
      privateKey: fs.readFileSync(path.join(dir, 'client_key'), 'utf8'),
      /** The client key's public half (`type base64`), for another sshd's authorizedKeys. */
      publicKey: publicKey(path.join(dir, 'client_key')),
      wrongPrivateKey: fs.readFileSync(path.join(dir, 'wrong_client_key'), 'utf8'),
      /** One `[127.0.0.1]:PORT key` line per port. */
      knownHosts: knownHostsFor(ports, path.join(dir, 'host_key')),
      wrongKnownHosts: knownHostsFor(ports, path.join(dir, 'wrong_host_key')),
      deployDir,
      /** sshd's own log (stderr), for diagnosing a failing test. */
      log: () => daemons.log(),
      async stop() {
        if (stopped) return
        stopped = true
        await daemons.stop()
        fs.rmSync(dir, { recursive: true, force: true })
        if (ownDeployDir) fs.rmSync(deployDir, { recursive: true, force: true })
      }
    }
  } catch (err) {
    if (daemons) await daemons.stop()
    fs.rmSync(dir, { recursive: true, force: true })
    if (ownDeployDir) fs.rmSync(deployDir, { recursive: true, force: true })
    throw err
  }
}
