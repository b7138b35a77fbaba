// The one SSH chokepoint: every command the action runs on the deploy host goes through
// createSshRemote(…).run(command, argv, { timeoutMs }). It uses the system OpenSSH client with no
// user config (-F /dev/null), a pinned host key, the key written 0600 in a fresh directory under
// RUNNER_TEMP, and a time limit enforced on the host (`timeout -k 5 N`, which really ends the remote
// process) with a slightly longer local limit that kills the local ssh as a backstop.
//
// Connections are shared: the first command starts one OpenSSH master connection (ControlMaster)
// in the background, and later commands run as sessions over it once its socket is up, so a watch
// with five host checks per cycle opens one TCP connection and one login, not five per cycle. A
// command that finds no live master connects directly, as before; when the master dies, ssh falls
// back on its own and a new master is started at most every MASTER_RETRY_MS.
//
// The private key is never logged, never put in an error message and never written anywhere but
// the 0600 key file, which dispose()/disposeSync() remove (callers run them in finally and on SIGTERM;
// a process 'exit' hook is the last safety net).
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import type { Logger, Remote, RemoteResult } from './ports.js'
import type { SshSettings } from '../settings/types.js'
import { REMOTE_KILL_AFTER_S, describeValue, formatRemoteCommand, timeoutSeconds } from './shell.js'

export { formatRemoteCommand, formatCommandLine, shellQuote, validateRemoteArg } from './shell.js'

/** ssh's own ConnectTimeout, seconds. */
export const CONNECT_TIMEOUT_S = 10
/** How long after a master connection ended (or failed to start) before another is tried. */
export const MASTER_RETRY_MS = 30_000
/** Output kept per stream (the tail), so a chatty command cannot exhaust memory. */
const MAX_STREAM_BYTES = 1024 * 1024

// ---------------------------------------------------------------------------------------------
// Processes

export interface ProcessResult {
  /** Exit code; null when the process was killed or never started. */
  exitCode: number | null
  stdout: string
  stderr: string
  durationMs: number
  /** Why we killed it, if we did. */
  killed: 'timeout' | 'abort' | null
  /** Set when the process could not be started (e.g. ENOENT). */
  spawnError?: string
}

export type ProcessRunner = (
  file: string,
  args: string[],
  opts: { timeoutMs: number; signal?: AbortSignal }
) => Promise<ProcessResult>

/** Keeps the last `max` bytes of a growing stream. */
function tailCollector(max: number): { push(b: Buffer): void; text(): string } {
  let chunks: Buffer[] = []
  let size = 0
  return {
    push(b) {
      chunks.push(b)
      size += b.length
      if (size > 2 * max) {
        const all = Buffer.concat(chunks)
        chunks = [all.subarray(all.length - max)]
        size = max
      }
    },
    text() {
      const all = Buffer.concat(chunks)
      return (all.length > max ? all.subarray(all.length - max) : all).toString('utf8')
    }
  }
}

/**
 * Runs a process without a shell, stdin closed, output captured. At `timeoutMs` (or when `signal`
 * aborts) the process is KILLed and the promise resolves; it never rejects.
 */
export const runProcess: ProcessRunner = (file, args, opts) =>
  new Promise((resolve) => {
    const started = Date.now()
    const out = tailCollector(MAX_STREAM_BYTES)
    const err = tailCollector(MAX_STREAM_BYTES)
    let killed: ProcessResult['killed'] = null
    let settled = false
    const finish = (exitCode: number | null, spawnError?: string) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      opts.signal?.removeEventListener('abort', onAbort)
      resolve({
        exitCode: killed ? null : exitCode,
        stdout: out.text(),
        stderr: err.text(),
        durationMs: Date.now() - started,
        killed,
        ...(spawnError ? { spawnError } : {})
      })
    }
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    const kill = (why: 'timeout' | 'abort') => {
      if (settled || killed) return
      killed = why
      child.kill('SIGKILL')
    }
    const onAbort = () => kill('abort')
    const timer = setTimeout(() => kill('timeout'), Math.max(1, opts.timeoutMs))
    if (opts.signal?.aborted) kill('abort')
    else opts.signal?.addEventListener('abort', onAbort, { once: true })
    child.stdout.on('data', (b: Buffer) => out.push(b))
    child.stderr.on('data', (b: Buffer) => err.push(b))
    child.once('error', (e: NodeJS.ErrnoException) => finish(null, e.code ?? e.message))
    child.once('close', (code) => finish(code))
  })

// ---------------------------------------------------------------------------------------------
// Validation (all before anything is written or any connection is made)

const PRIVATE_KEY_BEGIN = /-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY-----/
const PRIVATE_KEY_END = /-----END ([A-Z0-9]+ )*PRIVATE KEY-----/

/**
 * Checks that the text looks like a private key and returns it with LF line ends and a trailing
 * newline (OpenSSH refuses keys without one, and keys pasted into secrets often have CRLF).
 * The message never contains the key.
 */
export function normalizePrivateKey(text: string): string {
  const key = text.replace(/\r\n?/g, '\n').trim()
  if (!PRIVATE_KEY_BEGIN.test(key) || !PRIVATE_KEY_END.test(key)) {
    throw new Error(
      'ssh-private-key does not look like a private key: expected the whole key file, from ' +
        "'-----BEGIN OPENSSH PRIVATE KEY-----' (or another '-----BEGIN … PRIVATE KEY-----') to its END line"
    )
  }
  return `${key}\n`
}

const HOST = /^[A-Za-z0-9_.:[\]-]+$/
const USER = /^[A-Za-z0-9_.][A-Za-z0-9_.-]*$/

function validateSettings(ssh: SshSettings): void {
  if (!ssh.host || !HOST.test(ssh.host) || ssh.host.startsWith('-')) {
    throw new Error(`ssh-host ${describeValue(ssh.host ?? '')} is not a host name or address`)
  }
  if (!ssh.user || !USER.test(ssh.user)) {
    throw new Error(`ssh-user ${describeValue(ssh.user ?? '')} is not a user name`)
  }
  if (!Number.isInteger(ssh.port) || ssh.port < 1 || ssh.port > 65535) {
    throw new Error(`ssh-port ${describeValue(String(ssh.port))} is not a port: use 1..65535`)
  }
  if (!ssh.insecureSkipHostKeyCheck && ssh.knownHosts.trim() === '') {
    throw new Error(
      `ssh-known-hosts is empty: pin the host key (e.g. ssh-keyscan -p ${ssh.port} ${ssh.host}) ` +
        'or, for throwaway hosts only, set insecure-skip-host-key-check'
    )
  }
}

// ---------------------------------------------------------------------------------------------
// Failures

/**
 * What went wrong when ssh exits 255. OpenSSH gives every failure the same code and its own
 * message on stderr. (A remote command that itself exits 255 reads as an SSH failure too: the
 * code alone cannot tell them apart, so the message is what is reported.)
 */
export function classifySshFailure(stderr: string): string {
  const text = stderr.replace(/\r/g, '')
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed/i.test(text)) {
    return 'host key changed (REMOTE HOST IDENTIFICATION HAS CHANGED)'
  }
  if (/Host key verification failed|No \S+ host key is known/i.test(text)) {
    return 'host key verification failed (pin the host with ssh-known-hosts / ssh-keyscan)'
  }
  if (/Permission denied \(/i.test(text))
    return 'authentication refused (Permission denied (publickey))'
  if (/Connection refused/i.test(text)) return 'connection refused'
  if (/timed out/i.test(text)) return 'connection timed out'
  if (/Could not resolve hostname/i.test(text)) return 'could not resolve hostname'
  if (/Load key .*(invalid format|error in libcrypto)/i.test(text)) {
    return 'ssh could not load the private key (invalid format)'
  }
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
  const last = lines[lines.length - 1]
  return last
    ? `ssh failed: ${last.slice(0, 300)}`
    : 'ssh failed: exit 255 with no message (or the remote command itself exited 255)'
}

/**
 * Drops OpenSSH's notes about the shared connection from a command's stderr: when sshd refuses
 * another session on it (MaxSessions), or the master's socket is stale, ssh prints a line and
 * connects on its own, so the command's own output is all that is left to report.
 */
export function withoutMuxNotes(stderr: string): { stderr: string; refused: boolean } {
  let refused = false
  const kept = stderr.split('\n').filter((line) => {
    if (/^mux_client_\w+: /.test(line)) {
      refused ||= /refused/i.test(line)
      return false
    }
    return !/^Control socket connect\(.*\): /.test(line)
  })
  return { stderr: kept.join('\n'), refused }
}

// ---------------------------------------------------------------------------------------------
// The remote

export interface SshRemoteOptions {
  /** RUNNER_TEMP: the key directory is created inside it. */
  tempDir: string
  logger?: Logger
  /** Replaces the process runner (tests). */
  exec?: ProcessRunner
  /** The ssh binary (default: `ssh` from PATH). */
  sshPath?: string
  /**
   * How much longer than the remote limit the local ssh may live before it is killed. Default:
   * the remote KILL grace (5 s) + ConnectTimeout (10 s) + 2 s.
   */
  localGraceMs?: number
  /**
   * Share one master connection between commands (default: on, unless `exec` is replaced, so
   * that a recording runner sees only the commands).
   */
  multiplex?: boolean
}

export interface SshRemote extends Remote {
  /** The private directory holding the key and known_hosts (gone after dispose). */
  readonly dir: string
  /** Removes the key directory synchronously (for signal handlers) and stops the master. Idempotent. */
  disposeSync(): void
  /**
   * Refuses every command from now on, but leaves the key and the master in place so that a
   * command already started (perhaps still connecting) can finish; dispose removes them.
   */
  refuseNewCommands(): void
  /**
   * The full argv ssh would get for this command (the key appears only as a file path); with
   * `shared`, as a session over the master connection.
   */
  sshArgs(command: string, argv: string[], timeoutMs: number, shared?: boolean): string[]
  /**
   * Starts the shared master connection if none is live and waits (bounded by ConnectTimeout)
   * until commands can use it. False when multiplexing is off or the master could not connect.
   */
  sharedConnection(): Promise<boolean>
  /** The pid of the live master connection, if any. */
  masterPid(): number | undefined
}

const live = new Set<SshRemote>()
let exitHookInstalled = false

/**
 * Removes the key directories of every remote not yet disposed and stops their masters.
 * Synchronous: safe in signal handlers.
 */
export function disposeSync(): void {
  for (const remote of [...live]) remote.disposeSync()
}

function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.once('exit', () => disposeSync())
}

/**
 * Writes the key (0600) and known_hosts into a fresh directory under opts.tempDir and returns a
 * Remote that runs commands with the system OpenSSH client. Throws on bad settings before
 * writing anything.
 */
export async function createSshRemote(
  ssh: SshSettings,
  opts: SshRemoteOptions
): Promise<SshRemote> {
  validateSettings(ssh)
  const key = normalizePrivateKey(ssh.privateKey)
  const exec = opts.exec ?? runProcess
  const sshPath = opts.sshPath ?? 'ssh'
  const graceMs = opts.localGraceMs ?? (REMOTE_KILL_AFTER_S + CONNECT_TIMEOUT_S + 2) * 1000

  await fs.promises.mkdir(opts.tempDir, { recursive: true })
  const dir = await fs.promises.mkdtemp(path.join(opts.tempDir, 'rollback-sentinel-ssh-'))
  const keyFile = path.join(dir, 'id_key')
  const knownHostsFile = path.join(dir, 'known_hosts')
  try {
    await fs.promises.chmod(dir, 0o700)
    await fs.promises.writeFile(keyFile, key, { mode: 0o600, flag: 'wx' })
    await fs.promises.chmod(keyFile, 0o600)
    if (!ssh.insecureSkipHostKeyCheck) {
      const lines = ssh.knownHosts.replace(/\r\n?/g, '\n').trim()
      await fs.promises.writeFile(knownHostsFile, `${lines}\n`, { mode: 0o600 })
    }
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true })
    throw new Error(
      `could not write the ssh key under ${opts.tempDir}: ${(err as Error).message}`,
      {
        cause: err
      }
    )
  }

  if (ssh.insecureSkipHostKeyCheck) {
    opts.logger?.warning(
      `INSECURE: insecure-skip-host-key-check is on: the host key of ${ssh.host}:${ssh.port} is NOT ` +
        'verified; anyone on the network path can impersonate the deploy host and receive the rollback ' +
        `commands. Pin it with ssh-known-hosts (ssh-keyscan -p ${ssh.port} ${ssh.host}).`
    )
  }

  let disposed = false
  let refusing = false
  const hostKeyOptions = ssh.insecureSkipHostKeyCheck
    ? ['-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null']
    : ['-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${knownHostsFile}`]

  const target = `${ssh.user}@${ssh.host}`
  const connectionArgs = [
    // -F /dev/null: no user or system config can add options; with -o the first value wins.
    '-F',
    '/dev/null',
    '-p',
    String(ssh.port),
    '-i',
    keyFile,
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    'BatchMode=yes',
    ...hostKeyOptions,
    '-o',
    'GlobalKnownHostsFile=/dev/null',
    '-o',
    `ConnectTimeout=${CONNECT_TIMEOUT_S}`,
    '-o',
    'ServerAliveInterval=15',
    '-o',
    'ServerAliveCountMax=3',
    '-o',
    'LogLevel=ERROR'
  ]
  // A short name: a unix socket path must stay under ~104 bytes, and RUNNER_TEMP can be long.
  const controlPath = path.join(dir, 'mux')
  const sharedArgs = ['-o', `ControlPath=${controlPath}`, '-o', 'ControlMaster=no']

  /** ssh's argv around a remote command already formatted (and so validated). */
  const argsFor = (remoteCommand: string, shared: boolean): string[] => [
    ...connectionArgs,
    ...(shared ? sharedArgs : []),
    target,
    '--',
    remoteCommand
  ]
  const sshArgs = (command: string, argv: string[], timeoutMs: number, shared = false) =>
    argsFor(formatRemoteCommand({ appDir: ssh.appDir, command, argv, timeoutMs }), shared)

  // The shared master connection: our own child (`-M -N`, no ControlPersist, so it never forks
  // away from us), stopped by dispose/disposeSync and the exit hook.
  const multiplex = opts.multiplex ?? opts.exec === undefined
  let refusalLogged = false
  let master: { child: ChildProcess; exited: Promise<void>; done: boolean } | undefined
  let masterEndedAt = -Infinity
  const masterLive = () => master !== undefined && !master.done
  const startMaster = (): void => {
    if (!multiplex || disposed || refusing || masterLive()) return
    if (Date.now() - masterEndedAt < MASTER_RETRY_MS) return
    let child: ChildProcess
    try {
      child = spawn(
        sshPath,
        [
          ...connectionArgs,
          '-o',
          `ControlPath=${controlPath}`,
          '-o',
          'ControlMaster=yes',
          '-o',
          'ControlPersist=no',
          '-N',
          target
        ],
        { stdio: 'ignore' }
      )
    } catch {
      masterEndedAt = Date.now()
      return
    }
    // It must not keep the action alive: the exit hook stops it if dispose was never reached.
    child.unref()
    const m = { child, done: false, exited: Promise.resolve() }
    m.exited = new Promise<void>((resolve) => {
      const end = () => {
        if (m.done) return resolve()
        m.done = true
        masterEndedAt = Date.now()
        // A master that was killed hard leaves its socket behind; ssh would print an error
        // for it on every command before connecting directly.
        fs.rmSync(controlPath, { force: true })
        resolve()
      }
      child.once('error', end)
      child.once('exit', end)
    })
    master = m
  }
  const sharedReady = () => masterLive() && fs.existsSync(controlPath)
  const stopMaster = (): Promise<void> => {
    const m = master
    if (!m || m.done) return Promise.resolve()
    // Held again so the action does not exit before its master has.
    m.child.ref()
    m.child.kill('SIGTERM')
    // ssh ends on TERM at once; KILL it if it has not within 2 s, so dispose never hangs.
    const hard = setTimeout(() => m.child.kill('SIGKILL'), 2_000)
    hard.unref()
    return m.exited.finally(() => clearTimeout(hard))
  }

  const remote: SshRemote = {
    dir,
    sshArgs,
    masterPid: () => (masterLive() ? master?.child.pid : undefined),
    async sharedConnection() {
      startMaster()
      const deadline = Date.now() + (CONNECT_TIMEOUT_S + 2) * 1000
      while (masterLive() && !sharedReady() && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      return sharedReady()
    },
    async run(command, argv, runOpts): Promise<RemoteResult> {
      // Validates argv (throws before any connection or master) while building the remote text.
      const remoteCommand = formatRemoteCommand({
        appDir: ssh.appDir,
        command,
        argv,
        timeoutMs: runOpts.timeoutMs
      })
      startMaster()
      const args = argsFor(remoteCommand, sharedReady())
      if (disposed || refusing) {
        return {
          exitCode: null,
          stdout: '',
          stderr: '',
          durationMs: 0,
          timedOut: false,
          sshFailure: disposed
            ? 'ssh key already removed (remote disposed)'
            : 'cancelled: no new command starts on the host'
        }
      }
      const limitS = timeoutSeconds(runOpts.timeoutMs)
      const r = await exec(sshPath, args, {
        timeoutMs: limitS * 1000 + graceMs,
        signal: runOpts.signal
      })
      const { stderr, refused } = withoutMuxNotes(r.stderr)
      if (refused && !refusalLogged) {
        refusalLogged = true
        opts.logger?.info(
          `ssh: ${ssh.host} refused an extra session on the shared connection (sshd MaxSessions); ` +
            'such commands connect on their own'
        )
      }
      const base = { stdout: r.stdout, stderr, durationMs: r.durationMs }
      if (r.spawnError) {
        return {
          ...base,
          exitCode: null,
          timedOut: false,
          sshFailure:
            r.spawnError === 'ENOENT'
              ? `ssh client not found (${sshPath}): install openssh-client`
              : `ssh could not start: ${r.spawnError}`
        }
      }
      if (r.killed === 'abort') {
        return {
          ...base,
          exitCode: null,
          timedOut: false,
          stderr: `${stderr}\n[cancelled]`.trim()
        }
      }
      if (r.killed === 'timeout') {
        const note = `[local ssh killed after ${Math.round(r.durationMs / 1000)}s: no answer within the ${limitS}s limit]`
        return { ...base, exitCode: null, timedOut: true, stderr: `${stderr}\n${note}`.trim() }
      }
      if (r.exitCode === 255) {
        return {
          ...base,
          exitCode: null,
          timedOut: false,
          sshFailure: classifySshFailure(stderr)
        }
      }
      // `timeout` exits 124 after TERM and 137 after the KILL that follows 5 s later; a command
      // that exits 124 on its own before the limit is just a failure.
      if ((r.exitCode === 124 || r.exitCode === 137) && r.durationMs >= limitS * 1000 - 500) {
        const note = `[killed on the host at its ${limitS}s limit (exit ${r.exitCode})]`
        return { ...base, exitCode: null, timedOut: true, stderr: `${stderr}\n${note}`.trim() }
      }
      return { ...base, exitCode: r.exitCode, timedOut: false }
    },
    async dispose() {
      disposed = true
      const stopped = stopMaster()
      // The key goes first: nothing that follows may leave it behind.
      await fs.promises.rm(dir, { recursive: true, force: true })
      live.delete(remote)
      await stopped
    },
    disposeSync() {
      disposed = true
      fs.rmSync(dir, { recursive: true, force: true })
      void stopMaster()
      live.delete(remote)
    },
    refuseNewCommands() {
      refusing = true
    }
  }
  live.add(remote)
  installExitHook()
  return remote
}
