// A real OpenSSH sshd on loopback for the tests and the demo (plain JavaScript ESM, run as root).
//
//   const sshd = await startSshd()            // { host, port, user, privateKey, knownHosts, … }
//   writeFakeDeploy(sshd.deployDir, { rollbackExitByLevel: { 1: 1 } })
//   …                                         // ssh rbsentinel@127.0.0.1 -p port 'bash deploy/…'
//   readCalls(sshd.deployDir)                 // what the fake scripts were called with
//   await sshd.stop()
//
// Facts this relies on: sshd must be started by absolute path, needs
// /run/sshd, `StrictModes no` for keys under /tmp, `UsePAM no` + an unlocked account
// (`usermod -p '*'`), and an authorized_keys file the user can read.
//
// Every instance shares one system user (default `rbsentinel`), but each has its own deploy
// directory. jest runs test files in parallel workers, so the user's passwd home cannot be the
// deploy directory of every instance at once: instead each sshd's config forces sessions of that
// user into its own deploy directory (`ForceCommand cd DIR && exec bash -c "$SSH_ORIGINAL_COMMAND"`,
// with HOME=DIR). For the client this is exactly a login whose home is the deploy directory: the
// runbook's relative `deploy/rollback/rollback.sh` resolves there, and exit codes and output pass
// through unchanged.
import { spawn, execFileSync } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

const SSHD = '/usr/sbin/sshd'
const START_WAIT_MS = 10_000
const STOP_WAIT_MS = 5_000
/** sshd's MAX_LISTEN_SOCKS. */
const MAX_PORTS_PER_SSHD = 16
/** How much of sshd's log to keep: a fleet of 50 ports logs a lot at VERBOSE. */
const LOG_KEEP_CHARS = 4_000_000

function sh(file, args, opts = {}) {
  return execFileSync(file, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', ...opts })
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** A port the OS says is free on 127.0.0.1 (there is a small race until sshd binds it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

/** `n` distinct free ports. */
async function freePorts(n) {
  const ports = new Set()
  for (let i = 0; ports.size < n && i < n * 20; i++) ports.add(await freePort())
  if (ports.size < n) throw new Error(`could not find ${n} free ports`)
  return [...ports]
}

function canConnect(port) {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port })
    const done = (ok) => {
      sock.destroy()
      resolve(ok)
    }
    sock.once('connect', () => done(true))
    sock.once('error', () => done(false))
    sock.setTimeout(1000, () => done(false))
  })
}

function keygen(file, comment) {
  sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file])
}

/** `type base64` of a public key file, without the comment. */
function publicKey(file) {
  const [type, key] = fs.readFileSync(`${file}.pub`, 'utf8').trim().split(/\s+/)
  return `${type} ${key}`
}

function userIds(user) {
  try {
    return {
      uid: Number(sh('id', ['-u', user]).trim()),
      gid: Number(sh('id', ['-g', user]).trim())
    }
  } catch {
    return null
  }
}

/** useradd/usermod take a lock on /etc/passwd: parallel test workers may collide, so retry a little. */
function withPasswdLock(fn) {
  for (let attempt = 1; ; attempt++) {
    try {
      return fn()
    } catch (err) {
      const text = String(err.stderr || err.message)
      if (attempt >= 20 || !/lock|try again/i.test(text)) throw err
      execFileSync('sleep', ['0.2'])
    }
  }
}

/** Creates the test user when missing, else reuses it; unlocks it and gives it bash as its shell. */
export function ensureUser(user) {
  if (!/^[a-z_][a-z0-9_-]{0,30}$/.test(user)) throw new Error(`bad test user name ${user}`)
  if (!userIds(user)) {
    try {
      withPasswdLock(() =>
        sh('useradd', [
          '-m',
          '-d',
          `/home/${user}`,
          '-s',
          '/bin/bash',
          '-c',
          'rollback-sentinel test user',
          user
        ])
      )
    } catch (err) {
      // Another worker created it meanwhile (exit 9: already exists): reuse it.
      if (!userIds(user)) {
        throw new Error(`useradd ${user} failed: ${String(err.stderr || err.message).trim()}`, {
          cause: err
        })
      }
    }
  }
  // sshd refuses locked accounts when UsePAM is off; '*' unlocks without allowing any password.
  withPasswdLock(() => sh('usermod', ['-p', '*', '-s', '/bin/bash', user]))
  const ids = userIds(user)
  if (!ids) throw new Error(`test user ${user} is missing after useradd`)
  return ids
}

function chownTree(dir, uid, gid) {
  fs.chownSync(dir, uid, gid)
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name)
    if (entry.isDirectory()) chownTree(p, uid, gid)
    else fs.lchownSync(p, uid, gid)
  }
}

/**
 * The test user must be able to reach the deploy directory: a parent made by mkdtemp is 0700
 * root. Adds the search bit (o+x, never read) to such parents inside the temp directory;
 * anywhere else it throws rather than loosen permissions outside the sandbox.
 */
function ensureTraversable(dir, uid, gid) {
  const tmp = fs.realpathSync(os.tmpdir())
  let cur = path.dirname(path.resolve(dir))
  for (let i = 0; i < 64; i++) {
    const st = fs.statSync(cur)
    const ok =
      st.mode & 0o001 || (st.uid === uid && st.mode & 0o100) || (st.gid === gid && st.mode & 0o010)
    if (!ok) {
      const real = fs.realpathSync(cur)
      if (!real.startsWith(`${tmp}${path.sep}`)) {
        throw new Error(`the test user cannot reach ${dir}: ${cur} is not searchable by others`)
      }
      fs.chmodSync(cur, (st.mode & 0o7777) | 0o001)
    }
    const parent = path.dirname(cur)
    if (parent === cur) break
    cur = parent
  }
}

function sshdConfig({
  ports,
  dir,
  pidFile = 'sshd.pid',
  deployDir,
  user,
  extraConfig = [],
  forwardOnly = false
}) {
  const q = (s) => `'${s.replace(/'/g, `'\\''`)}'`
  return [
    // sshd keeps the first value of an option: the caller's lines go first so they win.
    ...extraConfig,
    'ListenAddress 127.0.0.1',
    ...ports.map((p) => `Port ${p}`),
    `HostKey ${dir}/host_key`,
    `PidFile ${dir}/${pidFile}`,
    `AuthorizedKeysFile ${dir}/authorized_keys`,
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'StrictModes no',
    'PermitRootLogin no',
    `AllowUsers ${user}`,
    // A jump host forwards (ssh -W: a direct-tcpip channel) and does nothing else.
    `AllowTcpForwarding ${forwardOnly ? 'local' : 'no'}`,
    'X11Forwarding no',
    'PrintMotd no',
    'PrintLastLog no',
    // Host checks open several sessions at once, and a fleet logs in on many ports at once:
    // keep sshd from dropping early connections.
    'MaxStartups 200:30:400',
    // VERBOSE logs the port every connection arrived on; a jump host's DEBUG1 logs each forwarding.
    `LogLevel ${forwardOnly ? 'DEBUG1' : 'VERBOSE'}`,
    `Match User ${user}`,
    forwardOnly
      ? '  ForceCommand /bin/false'
      : `  ForceCommand export HOME=${q(deployDir)}; cd "$HOME" && exec /bin/bash -c "$SSH_ORIGINAL_COMMAND"`,
    ''
  ].join('\n')
}

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
  let proc
  try {
    fs.chmodSync(dir, 0o755) // the user must read authorized_keys in here
    fs.mkdirSync(deployDir, { recursive: true })
    fs.chmodSync(deployDir, 0o755)
    chownTree(deployDir, uid, gid)
    ensureTraversable(deployDir, uid, gid)

    keygen(path.join(dir, 'host_key'), 'rbs-host')
    keygen(path.join(dir, 'wrong_host_key'), 'rbs-wrong-host')
    keygen(path.join(dir, 'client_key'), 'rbs-client')
    keygen(path.join(dir, 'wrong_client_key'), 'rbs-wrong-client')
    // A jump host's keys allow forwarding only (`restrict` turns everything else off).
    const allow = options.forwardOnly ? 'restrict,port-forwarding ' : ''
    const accepted = [publicKey(path.join(dir, 'client_key')), ...(options.authorizedKeys ?? [])]
    fs.writeFileSync(
      path.join(dir, 'authorized_keys'),
      accepted.map((k) => `${allow}${k}\n`).join(''),
      { mode: 0o644 }
    )
    fs.chmodSync(path.join(dir, 'authorized_keys'), 0o644)

    // sshd listens on at most 16 sockets (MAX_LISTEN_SOCKS): a larger fleet is several sshd
    // processes with the same keys and config, 16 ports each.
    let ports = []
    let log = ''
    for (let attempt = 1; attempt <= 3 && !proc; attempt++) {
      ports = await freePorts(count)
      const chunks = []
      for (let i = 0; i < ports.length; i += MAX_PORTS_PER_SSHD)
        chunks.push(ports.slice(i, i + MAX_PORTS_PER_SSHD))
      log = ''
      const children = chunks.map((chunk, i) => {
        const config = path.join(dir, i === 0 ? 'sshd_config' : `sshd_config.${i}`)
        fs.writeFileSync(
          config,
          sshdConfig({
            ports: chunk,
            dir,
            pidFile: i === 0 ? 'sshd.pid' : `sshd.${i}.pid`,
            deployDir,
            user,
            extraConfig: options.extraConfig,
            forwardOnly: options.forwardOnly
          })
        )
        const child = spawn(SSHD, ['-D', '-e', '-f', config], {
          stdio: ['ignore', 'ignore', 'pipe']
        })
        child.exitedEarly = false
        child.stderr.on('data', (d) => {
          log = (log + d.toString()).slice(-LOG_KEEP_CHARS)
        })
        child.once('exit', () => {
          child.exitedEarly = true
        })
        child.once('error', () => {
          child.exitedEarly = true
        })
        return child
      })
      const exited = () => children.some((c) => c.exitedEarly)
      const deadline = Date.now() + START_WAIT_MS
      const listening = async () => {
        for (const p of ports) if (!(await canConnect(p))) return false
        return true
      }
      while (!exited() && Date.now() < deadline && !(await listening())) await sleep(50)
      if (!exited() && (await listening())) {
        proc = { children, logText: () => log }
      } else {
        for (const c of children) c.kill('SIGKILL')
        if (attempt === 3 || !/address already in use/i.test(log)) {
          throw new Error(
            `sshd did not start on 127.0.0.1:${ports.join(',')}: ${log.trim() || 'no output'}`
          )
        }
      }
    }

    const hostLines = (file) =>
      ports.map((p) => `[127.0.0.1]:${p} ${publicKey(path.join(dir, file))}\n`).join('')
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
      knownHosts: hostLines('host_key'),
      wrongKnownHosts: hostLines('wrong_host_key'),
      deployDir,
      /** sshd's own log (stderr), for diagnosing a failing test. */
      log: () => proc.logText(),
      async stop() {
        if (stopped) return
        stopped = true
        await Promise.all(proc.children.map(stopProcess))
        fs.rmSync(dir, { recursive: true, force: true })
        if (ownDeployDir) fs.rmSync(deployDir, { recursive: true, force: true })
      }
    }
  } catch (err) {
    if (proc) await Promise.all(proc.children.map(stopProcess))
    fs.rmSync(dir, { recursive: true, force: true })
    if (ownDeployDir) fs.rmSync(deployDir, { recursive: true, force: true })
    throw err
  }
}

async function stopProcess(proc) {
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return
  const exited = new Promise((resolve) => proc.once('exit', resolve))
  proc.kill('SIGTERM')
  const timer = setTimeout(() => proc.kill('SIGKILL'), STOP_WAIT_MS)
  await exited
  clearTimeout(timer)
}

const DEFAULT_LIST = [
  'ID                        CREATED',
  'backup-20251201-030000    2025-12-01T03:00:00Z',
  'backup-20251202-030000    2025-12-02T03:00:00Z'
].join('\n')

/** Appends one line per call: `<UTC time> <script> <args…>` to calls.log in the deploy dir. */
const LOG_CALL =
  'printf \'%s %s %s\\n\' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(basename "$0")" "$*" >> "$RBS_DEPLOY/calls.log"'

function bashLiteral(s) {
  return `'${String(s).replace(/'/g, `'\\''`)}'`
}

/**
 * Writes fake runbook scripts into `<deployDir>/deploy/` (replacing earlier ones) and clears
 * calls.log. Each script appends its argv to calls.log and exits as configured.
 *
 * @param {string} deployDir
 * @param {{
 *   rollbackExit?: number,                        // exit code of every rollback call (default 0)
 *   rollbackExitByLevel?: Record<number, number>, // per level (1 = --quick), wins over rollbackExit
 *   hang?: boolean,                               // rollback calls sleep 600 s (time-limit tests)
 *   listOutput?: string,                          // what `--list` prints
 *   listExit?: number,
 *   validateExit?: number, smokeExit?: number,
 *   omitValidate?: boolean, omitSmoke?: boolean,  // leave the script out (absent on the host)
 *   onRollback?: string,                          // bash run after a rollback call, with $LEVEL and $TARGET
 *   sleepSeconds?: number,                        // each rollback call takes this long (fleets)
 *   rollbackExitByPort?: Record<number, Record<number, number>>, // port → level → exit code
 *   listOutputByPort?: Record<number, string>,    // what `--list` prints on that port ("host")
 * }} [options]
 * @returns {{ hangMarker: string, sleepMarker: string }} the process names of the hung sleep and
 *   of the sleepSeconds sleep (for pgrep -f)
 */
export function writeFakeDeploy(deployDir, options = {}) {
  const hangMarker = `rbs-hang-${path.basename(deployDir)}-${process.pid}`
  const byLevel = options.rollbackExitByLevel ?? {}
  const exitFor = (level) => byLevel[level] ?? options.rollbackExit ?? 0
  const header = ['#!/bin/bash', `RBS_DEPLOY=${bashLiteral(deployDir)}`, LOG_CALL, '']

  // One sshd listening on several ports stands for several hosts: the port a session arrived on
  // is the last field of $SSH_CONNECTION.
  const byPort = options.rollbackExitByPort ?? {}
  const portCases = Object.entries(byPort).flatMap(([port, levels]) =>
    Object.entries(levels).map(
      ([level, code]) => `  ${Number(port)}:${Number(level)}) CODE=${Number(code)} ;;`
    )
  )
  const listByPort = Object.entries(options.listOutputByPort ?? {}).map(
    ([port, text]) => `  ${Number(port)}) printf '%s\\n' ${bashLiteral(text)}; exit 0 ;;`
  )
  const rollback = [
    ...header,
    'PORT="${SSH_CONNECTION##* }"',
    'LEVEL=""; TARGET=""; LIST=""',
    'while [ $# -gt 0 ]; do',
    '  case "$1" in',
    '    --quick) LEVEL=1 ;;',
    '    --level) LEVEL="$2"; shift ;;',
    '    --target) TARGET="$2"; shift ;;',
    '    --list) LIST=1 ;;',
    '  esac',
    '  shift',
    'done',
    'if [ -n "$LIST" ]; then',
    ...(listByPort.length ? ['  case "$PORT" in', ...listByPort, '  esac'] : []),
    `  printf '%s\\n' ${bashLiteral(options.listOutput ?? DEFAULT_LIST)}`,
    `  exit ${options.listExit ?? 0}`,
    'fi',
    // records/<port>.log: `<start ms> <end ms> <level> <exit>` per call, for fleet tests.
    'START="$(date +%s%3N)"',
    'mkdir -p "$RBS_DEPLOY/records"',
    `trap 'c=$?; printf "%s %s %s %s\\n" "$START" "$(date +%s%3N)" "$LEVEL" "$c" >> "$RBS_DEPLOY/records/$PORT.log"' EXIT`,
    'echo "rolling back: level $LEVEL target ${TARGET:-previous}"',
    options.hang ? `exec -a ${hangMarker} sleep 600` : '',
    // Named, so that a test can wait for sleeps its cancelled sessions left behind.
    options.sleepSeconds
      ? `( exec -a ${hangMarker}-sleep sleep ${Number(options.sleepSeconds)} )`
      : '',
    options.onRollback ? `( ${options.onRollback}\n)` : '',
    'CODE=""',
    ...(portCases.length ? ['case "$PORT:$LEVEL" in', ...portCases, 'esac'] : []),
    '[ -n "$CODE" ] && exit "$CODE"',
    'case "$LEVEL" in',
    `  1) exit ${exitFor(1)} ;;`,
    `  2) exit ${exitFor(2)} ;;`,
    `  3) exit ${exitFor(3)} ;;`,
    '  *) echo "unknown level" >&2; exit 64 ;;',
    'esac',
    ''
  ].join('\n')

  const simple = (name, code) =>
    [...header, `echo "${name}: exit ${code}"`, `exit ${code}`, ''].join('\n')

  const rollbackDir = path.join(deployDir, 'deploy', 'rollback')
  fs.rmSync(path.join(deployDir, 'deploy'), { recursive: true, force: true })
  fs.rmSync(path.join(deployDir, 'calls.log'), { force: true })
  fs.mkdirSync(rollbackDir, { recursive: true })
  fs.writeFileSync(path.join(rollbackDir, 'rollback.sh'), rollback, { mode: 0o755 })
  if (!options.omitValidate) {
    fs.writeFileSync(
      path.join(rollbackDir, 'validate_rollback.sh'),
      simple('validate', options.validateExit ?? 0),
      { mode: 0o755 }
    )
  }
  if (!options.omitSmoke) {
    fs.writeFileSync(
      path.join(deployDir, 'deploy', 'smoke_tests.sh'),
      simple('smoke', options.smokeExit ?? 0),
      {
        mode: 0o755
      }
    )
  }
  const owner = fs.statSync(deployDir)
  chownTree(path.join(deployDir, 'deploy'), owner.uid, owner.gid)
  return { hangMarker, sleepMarker: `${hangMarker}-sleep` }
}

/**
 * The calls the fake scripts recorded, oldest first: `{ at, script, args }` where args is the
 * argv joined by spaces (e.g. `--level 2 --target backup-20251201-030000`).
 */
export function readCalls(deployDir) {
  let text
  try {
    text = fs.readFileSync(path.join(deployDir, 'calls.log'), 'utf8')
  } catch {
    return []
  }
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [at, script, ...rest] = l.split(' ')
      return { at, script, args: rest.join(' ').trim() }
    })
}

/** Writes a file into the deploy dir owned by the test user (e.g. app.log, data/corruption_detected). */
export function writeDeployFile(deployDir, relPath, text) {
  const file = path.join(deployDir, relPath)
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, text)
  const owner = fs.statSync(deployDir)
  fs.chownSync(path.dirname(file), owner.uid, owner.gid)
  fs.chownSync(file, owner.uid, owner.gid)
  return file
}

/**
 * SshSettings (src/settings/types.ts) for a started sshd, with overrides, e.g.
 * `sshSettingsFor(sshd, { knownHosts: sshd.wrongKnownHosts })`.
 */
export function sshSettingsFor(sshd, overrides = {}) {
  return {
    host: sshd.host,
    port: sshd.port,
    user: sshd.user,
    privateKey: sshd.privateKey,
    knownHosts: sshd.knownHosts,
    insecureSkipHostKeyCheck: false,
    appDir: '',
    ...overrides
  }
}

/** True while a process whose command line contains `marker` runs (pgrep -f). */
export function processRunning(marker) {
  try {
    execFileSync('pgrep', ['-f', marker], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}
