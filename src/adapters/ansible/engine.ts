// The Ansible executor's hands: ansible-playbook, run in a fresh private directory with the
// action's own ansible.cfg, inventory, ssh options, known_hosts, key and ControlPath directory,
// and no inherited ANSIBLE_* variable. Pinning cannot be switched off from outside: the pinned
// ssh options are Ansible's ssh_args (emitted before anything a `host_key_checking = False` adds,
// and ssh keeps the first value) and extra variables (which beat every inventory and group_vars
// value). Results come per host from the shipped callback plugin (files.ts), never from the exit
// code. Cancellation: the first signal starts no new task or wave (the cancel file the playbook's
// conditions look at); the second interrupts Ansible's whole process group. A remote command in
// flight is not killed by either: with no terminal (ansible_ssh_use_tty: false) there is nothing
// to hang up, so it runs on until it ends or the `timeout` around it on the host ends it at the
// level's limit.
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import type { SshSettings, FleetHost } from '../../settings/types.js'
import type {
  EngineEvent,
  EngineHost,
  EnginePlay,
  EngineRun,
  FleetEngine,
  Logger
} from '../ports.js'
import { CONNECT_TIMEOUT_S, hardenedOptions, proxyCommand } from '../ssh/jump.js'
import { normalizePrivateKey } from '../ssh/key.js'
import { lineSplitter } from '../ssh/process.js'
import { ansibleCfg, CALLBACK, playbook, playVars, sshArgsString, unsafe } from './files.js'

export interface AnsibleEngineOptions {
  /** RUNNER_TEMP: the private directory is made inside it. */
  tempDir: string
  /** The key, the pins, the user (optional with a team inventory), the jump host, app-dir. */
  ssh: Pick<SshSettings, 'privateKey' | 'knownHosts' | 'jump' | 'jumpPrivateKey'> & {
    user?: string
  }
  /** ssh-host's hosts: the action writes the inventory. */
  hosts?: readonly FleetHost[]
  /** Or the team's inventory and a host pattern. */
  inventory?: { path: string; pattern: string }
  /** ansible-playbook (default: from PATH). */
  playbookPath?: string
  /** ssh (default: from PATH), also for the jump host's hop and closing the masters. */
  sshPath?: string
  /** Forks: at least the wave size. */
  forks: number
  /** The environment to start from (ANSIBLE_* are dropped). */
  env?: Record<string, string | undefined>
  logger?: Logger
}

/** What ansible-playbook's own output says, for errors: the last lines, bounded. */
const KEEP_OUTPUT = 64 * 1024

function tailOf(text: string, lines = 12): string {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(-lines)
    .join('\n')
}

/** `ssh -O exit` for one master's socket. */
function closeArgs(socket: string): string[] {
  return ['-F', '/dev/null', '-o', `ControlPath=${socket}`, '-O', 'exit', 'x']
}

/** The child's environment: the runner's, minus every ANSIBLE_*, plus the action's own. */
export function ansibleEnv(
  base: Record<string, string | undefined>,
  own: Record<string, string>
): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(base))
    if (v !== undefined && !/^ANSIBLE_/i.test(k) && k !== 'PYTHONPATH') env[k] = v
  return { ...env, ...own }
}

/** The hosts `--list-hosts` prints for the play, in the play's order. */
export function parseListHosts(stdout: string): string[] {
  const lines = stdout.split('\n')
  const start = lines.findIndex((l) => /^\s*hosts \(\d+\):\s*$/.test(l))
  if (start < 0) return []
  const indent = (l: string) => l.length - l.trimStart().length
  const base = indent(lines[start])
  const out: string[] = []
  for (const l of lines.slice(start + 1)) {
    if (l.trim() === '' || indent(l) <= base) break
    out.push(l.trim())
  }
  return out
}

/** The oldest ansible-core tested (Debian 12's); GitHub's runners carry 2.17 and 2.18. */
export const MIN_ANSIBLE = '2.14'

function olderThan(version: string, min: string): boolean {
  const a = version.split('.').map(Number)
  const b = min.split('.').map(Number)
  for (let i = 0; i < b.length; i++) {
    if ((a[i] ?? 0) !== b[i]) return (a[i] ?? 0) < b[i]
  }
  return false
}

/** A host name from a team inventory, as labels show it: printable, bounded. */
const PLAIN_HOST = /^[A-Za-z0-9_.:@[\]-]{1,253}$/

/** Engines not yet disposed: a signal handler or the exit hook removes their keys at once. */
const engines = new Set<FleetEngine>()

/** Stops every engine's ansible-playbook and removes its directory. Synchronous. */
export function disposeAnsibleSync(): void {
  for (const e of [...engines]) e.disposeSync()
}

interface Spawned {
  child: ChildProcess
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  output: () => string
}

export async function createAnsibleEngine(opts: AnsibleEngineOptions): Promise<FleetEngine> {
  const playbookPath = opts.playbookPath ?? 'ansible-playbook'
  const adhocPath = playbookPath.replace(/-playbook$/, '')
  const sshPath = opts.sshPath ?? 'ssh'
  await fs.promises.mkdir(opts.tempDir, { recursive: true })
  const dir = await fs.promises.mkdtemp(path.join(opts.tempDir, 'rollback-sentinel-ansible-'))
  // A unix socket path stays under ~104 bytes: masters live in a short directory of their own.
  const controlDir = await fs.promises.mkdtemp('/tmp/rs-cp-')
  const file = (name: string) => path.join(dir, name)
  const keyFile = file('id_key')
  const jumpKeyFile = opts.ssh.jump && opts.ssh.jumpPrivateKey ? file('jump_key') : keyFile
  const knownHosts = file('known_hosts')
  const removeAll = () => {
    fs.rmSync(dir, { recursive: true, force: true })
    fs.rmSync(controlDir, { recursive: true, force: true })
  }
  const hostKeyOptions = [
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    `UserKnownHostsFile=${knownHosts}`
  ]
  const sshOptions = [
    '-F',
    file('ssh_config'),
    ...hardenedOptions(keyFile, hostKeyOptions),
    ...(opts.ssh.jump
      ? [
          '-o',
          `ProxyCommand=${proxyCommand(sshPath, opts.ssh.jump, opts.ssh.user ?? '', jumpKeyFile, hostKeyOptions)}`
        ]
      : []),
    '-o',
    'ControlMaster=auto',
    '-o',
    'ControlPersist=60s'
  ]
  const sshArgs = sshArgsString(sshOptions)
  let hosts: EngineHost[] = []
  try {
    await fs.promises.chmod(dir, 0o700)
    await fs.promises.chmod(controlDir, 0o700)
    await fs.promises.writeFile(keyFile, normalizePrivateKey(opts.ssh.privateKey), {
      mode: 0o600,
      flag: 'wx'
    })
    if (jumpKeyFile !== keyFile)
      await fs.promises.writeFile(jumpKeyFile, normalizePrivateKey(opts.ssh.jumpPrivateKey ?? ''), {
        mode: 0o600,
        flag: 'wx'
      })
    await fs.promises.writeFile(
      knownHosts,
      `${opts.ssh.knownHosts.replace(/\r\n?/g, '\n').trim()}\n`,
      { mode: 0o600 }
    )
    // For anything ssh starts on its own (a ProxyJump in a team's ssh options): the same pins.
    await fs.promises.writeFile(
      file('ssh_config'),
      [
        'Host *',
        `  UserKnownHostsFile ${knownHosts}`,
        '  GlobalKnownHostsFile /dev/null',
        '  StrictHostKeyChecking yes',
        `  IdentityFile ${keyFile}`,
        '  IdentitiesOnly yes',
        '  BatchMode yes',
        `  ConnectTimeout ${CONNECT_TIMEOUT_S}`,
        ''
      ].join('\n'),
      { mode: 0o600 }
    )
    for (const d of ['tmp', 'home', 'callbacks']) await fs.promises.mkdir(file(d), { mode: 0o700 })
    await fs.promises.writeFile(file('callbacks/rollback_sentinel.py'), CALLBACK)
    await fs.promises.writeFile(
      file('ansible.cfg'),
      ansibleCfg({ dir, forks: opts.forks, sshArgs: sshArgs.replace(/%/g, '%%'), controlDir })
    )
    // Extra variables beat the inventory and group_vars: the pins and the connection are ours.
    await fs.promises.writeFile(
      file('connection.yml'),
      [
        'ansible_connection: ssh',
        `ansible_ssh_executable: ${unsafe(sshPath)}`,
        'ansible_host_key_checking: true',
        `ansible_ssh_args: ${unsafe(sshArgs)}`,
        "ansible_ssh_common_args: ''",
        "ansible_ssh_extra_args: ''",
        `ansible_ssh_private_key_file: ${unsafe(keyFile)}`,
        'ansible_ssh_pipelining: true',
        // No terminal: stdout and stderr apart, as over the built-in SSH.
        'ansible_ssh_use_tty: false',
        ...(opts.ssh.user ? [`ansible_user: ${unsafe(opts.ssh.user)}`] : [])
      ].join('\n') + '\n'
    )
    if (opts.hosts) {
      const width = String(opts.hosts.length).length
      hosts = opts.hosts.map((h, i) => ({
        name: `h${String(i + 1).padStart(width, '0')}`,
        label: h.label
      }))
      const inventory = {
        all: {
          hosts: Object.fromEntries(
            opts.hosts.map((h, i) => [
              hosts[i].name,
              { ansible_host: h.host, ansible_port: h.port }
            ])
          )
        }
      }
      await fs.promises.writeFile(file('inventory.json'), JSON.stringify(inventory))
    }
  } catch (err) {
    removeAll()
    throw new Error(
      `could not prepare the Ansible directory under ${opts.tempDir}: ${(err as Error).message}`,
      {
        cause: err
      }
    )
  }

  const baseEnv = ansibleEnv(opts.env ?? process.env, {
    ANSIBLE_CONFIG: file('ansible.cfg'),
    ANSIBLE_HOME: file('home'),
    ANSIBLE_LOCAL_TEMP: file('tmp'),
    ANSIBLE_SSH_CONTROL_PATH_DIR: controlDir,
    ANSIBLE_HOST_KEY_CHECKING: 'True',
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_RETRY_FILES_ENABLED: 'False',
    ANSIBLE_INVENTORY_UNPARSED_FAILED: 'True',
    ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED: 'True',
    PYTHONDONTWRITEBYTECODE: '1'
  })
  const inventoryArgs = opts.inventory
    ? ['-i', path.resolve(opts.inventory.path), '--limit', opts.inventory.pattern]
    : ['-i', file('inventory.json')]

  const live = new Set<Spawned>()
  const start = (args: string[], env: Record<string, string>, bin = playbookPath): Spawned => {
    let output = ''
    const keep = (b: Buffer) => {
      output = (output + b.toString('utf8')).slice(-KEEP_OUTPUT)
    }
    const child = spawn(bin, args, {
      cwd: dir,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    const s: Spawned = {
      child,
      output: () => output,
      exited: new Promise((resolve) => {
        child.once('error', (err) => {
          output += `\n${(err as NodeJS.ErrnoException).code === 'ENOENT' ? `${bin} not found: install ansible-core` : err.message}`
          resolve({ code: null, signal: null })
        })
        child.once('close', (code, signal) => resolve({ code, signal }))
      })
    }
    child.stdout?.on('data', keep)
    child.stderr?.on('data', keep)
    live.add(s)
    void s.exited.then(() => live.delete(s))
    return s
  }
  const interrupt = (s: Spawned, sig: NodeJS.Signals) => {
    try {
      if (s.child.pid) process.kill(-s.child.pid, sig)
    } catch {
      // already gone
    }
  }

  /** Its end, killing it (its whole group) if it has not ended within `ms`. */
  const within = (s: Spawned, ms: number) => {
    const timer = setTimeout(() => interrupt(s, 'SIGKILL'), ms)
    return s.exited.finally(() => clearTimeout(timer))
  }

  let playCount = 0
  const engine: FleetEngine = {
    dir,
    get hosts() {
      return hosts
    },

    async prepare() {
      const v = start(['--version'], baseEnv)
      const vDone = await within(v, 30_000)
      const version = /core ([0-9][0-9.]*)/.exec(v.output())?.[1]
      if (vDone.code !== 0 || !version)
        throw new Error(
          `executor: ansible needs ansible-playbook (ansible-core ${MIN_ANSIBLE} or later) on the runner: ${tailOf(v.output(), 2) || `exit ${vDone.code ?? vDone.signal}`}`
        )
      if (olderThan(version, MIN_ANSIBLE))
        throw new Error(
          `executor: ansible needs ansible-core ${MIN_ANSIBLE} or later; the runner has ${version}`
        )
      if (!opts.inventory) return { version, hosts }
      // The play's order (inventory order) as `ansible --list-hosts` prints it: ansible-playbook's
      // --list-hosts prints a set, in no order, and the first host is the canary.
      const s = start(
        [
          '-i',
          opts.inventory.path,
          'all',
          '--limit',
          opts.inventory.pattern,
          '-e',
          `@${file('connection.yml')}`,
          '--list-hosts'
        ],
        { ...baseEnv, RS_RESULTS_FILE: '/dev/null', RS_STOP_FILE: file('none') },
        adhocPath
      )
      const done = await within(s, 60_000)
      const names = parseListHosts(s.output())
      if (/no hosts to target|Could not match supplied host pattern/.test(s.output()))
        names.length = 0
      else if (done.code !== 0)
        throw new Error(
          `ansible-inventory ${opts.inventory.path} could not be read (ansible --list-hosts exit ${done.code ?? done.signal}): ${tailOf(s.output(), 4)}`
        )
      if (names.length === 0)
        throw new Error(
          `ansible-hosts '${opts.inventory.pattern}' matches no host of ${opts.inventory.path}`
        )
      const odd = names.find((n) => !PLAIN_HOST.test(n))
      if (odd !== undefined)
        throw new Error(
          `a host name in ${opts.inventory.path} (${odd.length} characters) is not a plain host name: use names of letters, digits and . _ - : @ [ ]`
        )
      hosts = names.map((name) => ({ name, label: name }))
      return { version, hosts }
    },

    async run(play: EnginePlay, runOpts): Promise<EngineRun> {
      playCount++
      const results = file(`results-${playCount}.jsonl`)
      const stopFile = file(`stop-${playCount}`)
      const cancelFile = file(`cancel-${playCount}`)
      await fs.promises.writeFile(results, '')
      await fs.promises.writeFile(file(`play-${playCount}.yml`), playbook(play.steps))
      await fs.promises.writeFile(
        file(`vars-${playCount}.yml`),
        playVars({ serial: play.serial, steps: play.steps, stopFile, cancelFile })
      )
      const args = [
        ...inventoryArgs,
        '-e',
        `@${file('connection.yml')}`,
        '-e',
        `@${file(`vars-${playCount}.yml`)}`,
        file(`play-${playCount}.yml`)
      ]
      const events: EngineEvent[] = []
      let readAt = 0
      const split = lineSplitter((line) => {
        let e: EngineEvent
        try {
          e = JSON.parse(line) as EngineEvent
        } catch {
          return
        }
        events.push(e)
        runOpts.onEvent?.(e)
      })
      const drain = async () => {
        const fh = await fs.promises.open(results, 'r')
        try {
          for (;;) {
            const buf = Buffer.alloc(64 * 1024)
            const { bytesRead } = await fh.read(buf, 0, buf.length, readAt)
            if (bytesRead === 0) break
            readAt += bytesRead
            split.push(buf.subarray(0, bytesRead))
          }
        } finally {
          await fh.close()
        }
      }
      const s = start(args, {
        ...baseEnv,
        RS_RESULTS_FILE: results,
        RS_STOP_FILE: stopFile,
        RS_CANCEL_FILE: cancelFile
      })
      const onCancel = () => void fs.promises.writeFile(cancelFile, '').catch(() => {})
      const onStop = () => {
        interrupt(s, 'SIGINT')
        const hard = setTimeout(() => interrupt(s, 'SIGKILL'), 5_000)
        hard.unref()
      }
      runOpts.signal?.addEventListener('abort', onCancel, { once: true })
      runOpts.stopSignal?.addEventListener('abort', onStop, { once: true })
      if (runOpts.signal?.aborted) onCancel()
      const overall = setTimeout(() => {
        opts.logger?.warning(
          `ansible-playbook still running after ${Math.round(play.timeoutMs / 1000)}s: stopping it`
        )
        onStop()
      }, play.timeoutMs)
      let polling = true
      const poller = (async () => {
        while (polling) {
          await drain().catch(() => {})
          await new Promise((r) => setTimeout(r, 200))
        }
      })()
      const done = await s.exited
      clearTimeout(overall)
      polling = false
      await poller
      await drain().catch(() => {})
      split.flush()
      runOpts.signal?.removeEventListener('abort', onCancel)
      runOpts.stopSignal?.removeEventListener('abort', onStop)
      return {
        exitCode: done.code,
        signal: done.signal,
        events,
        outputTail: tailOf(s.output()),
        finished: events.some((e) => e.event === 'stats')
      }
    },

    async dispose() {
      for (const s of live) interrupt(s, 'SIGKILL')
      // Ansible's masters (ControlPersist) outlive it: each is told to exit, then the keys go.
      const sockets = await fs.promises.readdir(controlDir).catch(() => [] as string[])
      await Promise.all(
        sockets.map(
          (sock) =>
            new Promise<void>((resolve) => {
              const c = spawn(sshPath, closeArgs(path.join(controlDir, sock)), { stdio: 'ignore' })
              const t = setTimeout(() => c.kill('SIGKILL'), 5_000)
              c.once('error', () => resolve())
              c.once('close', () => {
                clearTimeout(t)
                resolve()
              })
            })
        )
      )
      removeAll()
      engines.delete(engine)
    },

    disposeSync() {
      for (const s of live) interrupt(s, 'SIGKILL')
      // A signal handler's path: the key goes now; one detached shell tells every master to exit
      // (ssh -O exit, each bounded) and then removes their directory, so that hundreds of masters
      // cost this handler one spawn, not one wait each.
      fs.rmSync(dir, { recursive: true, force: true })
      try {
        const closer = spawn(
          '/bin/sh',
          [
            '-c',
            'for s in "$1"/*; do [ -S "$s" ] && timeout 5 "$2" -F /dev/null -o ControlPath="$s" -O exit x; done; rm -rf "$1"',
            'sh',
            controlDir,
            sshPath
          ],
          { detached: true, stdio: 'ignore' }
        )
        closer.on('error', () => fs.rmSync(controlDir, { recursive: true, force: true }))
        closer.unref()
      } catch {
        fs.rmSync(controlDir, { recursive: true, force: true })
      }
      engines.delete(engine)
    }
  }
  engines.add(engine)
  if (engines.size === 1) process.once('exit', disposeAnsibleSync)
  return engine
}
