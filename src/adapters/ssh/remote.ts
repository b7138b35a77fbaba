// The one SSH chokepoint: every command the action runs on the deploy host goes through
// createSshRemote(…).run(command, argv, { timeoutMs }). It uses the system OpenSSH client with no
// user config (-F /dev/null), a pinned host key, the key written 0600 in a fresh directory under
// RUNNER_TEMP, and a time limit enforced on the host (`timeout -k 5 N`, which really ends the remote
// process) with a slightly longer local limit that kills the local ssh as a backstop. Commands
// share one connection (connection.ts).
//
// The private key is never logged, never put in an error message and never written anywhere but
// the 0600 key file, which dispose()/disposeSync() remove (callers run them in finally and on
// SIGTERM; a process 'exit' hook is the last safety net).
import fs from 'node:fs'
import path from 'node:path'
import { checkHost, checkPort, checkUser, describeValue } from '../../lib/patterns.js'
import type { Logger, Remote, RemoteResult } from '../ports.js'
import type { SshSettings } from '../../settings/types.js'
import { REMOTE_KILL_AFTER_S, formatRemoteCommand, timeoutSeconds } from '../shell.js'
import { createSharedConnection } from './connection.js'
import { CONNECT_TIMEOUT_S, hardenedOptions, proxyCommand } from './jump.js'
import { classifySshFailure, withoutMuxNotes } from './failure.js'
import { normalizePrivateKey } from './key.js'
import { runProcess, type ProcessRunner } from './process.js'

/** ssh's own ConnectTimeout, seconds. */
export { CONNECT_TIMEOUT_S }

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
  /** The key file (mode 0600) inside `dir`. */
  readonly keyFile: string
  /** The jump host's own key file (ssh-jump-private-key), when there is one. */
  readonly jumpKeyFile?: string
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

/** The settings' own checks, repeated here so that no caller can skip them. */
function validateSettings(ssh: SshSettings): void {
  const wrong = (name: string, value: string, why: string | null) => {
    if (why) throw new Error(`${name} ${describeValue(value)} ${why}`)
  }
  wrong('ssh-host', ssh.host ?? '', checkHost(ssh.host ?? ''))
  wrong('ssh-user', ssh.user ?? '', checkUser(ssh.user ?? ''))
  wrong('ssh-port', String(ssh.port), checkPort(ssh.port))
  if (ssh.jump) {
    wrong('ssh-jump-host', ssh.jump.host, checkHost(ssh.jump.host))
    wrong('ssh-jump-host port', String(ssh.jump.port), checkPort(ssh.jump.port))
    if (ssh.jump.user) wrong('ssh-jump-host user', ssh.jump.user, checkUser(ssh.jump.user))
  }
  if (!ssh.insecureSkipHostKeyCheck && ssh.knownHosts.trim() === '') {
    throw new Error(
      `ssh-known-hosts is empty: pin the host key (e.g. ssh-keyscan -p ${ssh.port} ${ssh.host}) ` +
        'or, for throwaway hosts only, set ssh-insecure-skip-host-key-check'
    )
  }
}

/** What a finished ssh process means: the command's exit code, or why there is none. */
function readResult(
  r: Awaited<ReturnType<ProcessRunner>>,
  stderr: string,
  limitS: number,
  sshPath: string
): RemoteResult {
  const base = { stdout: r.stdout, stderr, durationMs: r.durationMs }
  if (r.spawnError)
    return {
      ...base,
      exitCode: null,
      timedOut: false,
      sshFailure:
        r.spawnError === 'ENOENT'
          ? `ssh client not found (${sshPath}): install openssh-client`
          : `ssh could not start: ${r.spawnError}`
    }
  if (r.killed === 'abort')
    return { ...base, exitCode: null, timedOut: false, stderr: `${stderr}\n[cancelled]`.trim() }
  if (r.killed === 'timeout') {
    const note = `[local ssh killed after ${Math.round(r.durationMs / 1000)}s: no answer within the ${limitS}s limit]`
    return { ...base, exitCode: null, timedOut: true, stderr: `${stderr}\n${note}`.trim() }
  }
  if (r.exitCode === 255)
    return { ...base, exitCode: null, timedOut: false, sshFailure: classifySshFailure(stderr) }
  // `timeout` exits 124 after TERM and 137 after the KILL that follows 5 s later; a command
  // that exits 124 on its own before the limit is just a failure.
  if ((r.exitCode === 124 || r.exitCode === 137) && r.durationMs >= limitS * 1000 - 500) {
    const note = `[killed on the host at its ${limitS}s limit (exit ${r.exitCode})]`
    return { ...base, exitCode: null, timedOut: true, stderr: `${stderr}\n${note}`.trim() }
  }
  return { ...base, exitCode: r.exitCode, timedOut: false }
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
  const jumpKeyFile = ssh.jump && ssh.jumpPrivateKey ? path.join(dir, 'jump_key') : keyFile
  const knownHostsFile = path.join(dir, 'known_hosts')
  try {
    await fs.promises.chmod(dir, 0o700)
    await fs.promises.writeFile(keyFile, key, { mode: 0o600, flag: 'wx' })
    await fs.promises.chmod(keyFile, 0o600)
    if (jumpKeyFile !== keyFile) {
      const jumpKey = normalizePrivateKey(ssh.jumpPrivateKey as string)
      await fs.promises.writeFile(jumpKeyFile, jumpKey, { mode: 0o600, flag: 'wx' })
      await fs.promises.chmod(jumpKeyFile, 0o600)
    }
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
      `INSECURE: ssh-insecure-skip-host-key-check is on: the host key of ${ssh.host}:${ssh.port} is NOT ` +
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
    ...hardenedOptions(keyFile, hostKeyOptions),
    ...(ssh.jump
      ? [
          '-o',
          `ProxyCommand=${proxyCommand(sshPath, ssh.jump, ssh.user, jumpKeyFile, hostKeyOptions)}`
        ]
      : [])
  ]
  const connection = createSharedConnection({
    enabled: opts.multiplex ?? opts.exec === undefined,
    sshPath,
    connectionArgs,
    target,
    controlPath: path.join(dir, 'mux')
  })

  /** ssh's argv around a remote command already formatted (and so validated). */
  const argsFor = (remoteCommand: string, shared: boolean): string[] => [
    ...connectionArgs,
    ...(shared ? connection.sessionArgs : []),
    target,
    '--',
    remoteCommand
  ]
  let refusalLogged = false

  const remote: SshRemote = {
    dir,
    keyFile,
    ...(jumpKeyFile !== keyFile ? { jumpKeyFile } : {}),
    sshArgs: (command, argv, timeoutMs, shared = false) =>
      argsFor(formatRemoteCommand({ appDir: ssh.appDir, command, argv, timeoutMs }), shared),
    masterPid: () => connection.pid(),
    sharedConnection: () => connection.waitReady((CONNECT_TIMEOUT_S + 2) * 1000),
    async run(command, argv, runOpts): Promise<RemoteResult> {
      // Validates argv (throws before any connection or master) while building the remote text.
      const remoteCommand = formatRemoteCommand({
        appDir: ssh.appDir,
        command,
        argv,
        timeoutMs: runOpts.timeoutMs
      })
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
      connection.start()
      const limitS = timeoutSeconds(runOpts.timeoutMs)
      const onLine = runOpts.onLine
      const r = await exec(sshPath, argsFor(remoteCommand, connection.ready()), {
        timeoutMs: limitS * 1000 + graceMs,
        signal: runOpts.signal,
        // ssh's own notes about the shared connection are not the command's output.
        ...(onLine
          ? {
              onLine: (line: string, stream: 'stdout' | 'stderr') => {
                if (stream === 'stdout' || withoutMuxNotes(line).stderr === line) onLine(line)
              }
            }
          : {})
      })
      const { stderr, refused } = withoutMuxNotes(r.stderr)
      if (refused && !refusalLogged) {
        refusalLogged = true
        opts.logger?.info(
          `ssh: ${ssh.host} refused an extra session on the shared connection (sshd MaxSessions); ` +
            'such commands connect on their own'
        )
      }
      return readResult(r, stderr, limitS, sshPath)
    },
    async dispose() {
      disposed = true
      const stopped = connection.stop()
      // The key goes first: nothing that follows may leave it behind.
      await fs.promises.rm(dir, { recursive: true, force: true })
      live.delete(remote)
      await stopped
    },
    disposeSync() {
      disposed = true
      fs.rmSync(dir, { recursive: true, force: true })
      void connection.stop()
      live.delete(remote)
    },
    refuseNewCommands() {
      refusing = true
      connection.close()
    }
  }
  live.add(remote)
  installExitHook()
  return remote
}
