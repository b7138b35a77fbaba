// The shared connection: one OpenSSH master (ControlMaster) per host, so that a watch with five
// host checks per cycle logs in once, not five times per cycle. The master is our own child
// (`-M -N`, no ControlPersist, so it never forks away from us), stopped by dispose/disposeSync and
// the exit hook. A command that finds no live master connects directly; after a master ended (or
// failed to start) another is tried at most every MASTER_RETRY_MS.
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'

/** How long after a master connection ended (or failed to start) before another is tried. */
export const MASTER_RETRY_MS = 30_000

export interface SharedConnection {
  /** ssh options that make a command a session over the master. */
  readonly sessionArgs: string[]
  /** Starts a master unless one is live, it is closed, or one ended less than MASTER_RETRY_MS ago. */
  start(): void
  /** A master is live and its socket is up: commands can use it. */
  ready(): boolean
  /** Waits (at most `timeoutMs`) until ready, starting a master first. */
  waitReady(timeoutMs: number): Promise<boolean>
  pid(): number | undefined
  /** No new master from now on. */
  close(): void
  /** Stops the master (TERM, then KILL after 2 s); resolves when it has exited. */
  stop(): Promise<void>
}

export function createSharedConnection(opts: {
  enabled: boolean
  sshPath: string
  /** ssh's connection options and destination, without the ControlPath options. */
  connectionArgs: string[]
  target: string
  /** A short path: a unix socket path must stay under ~104 bytes. */
  controlPath: string
}): SharedConnection {
  const { controlPath } = opts
  let closed = false
  let master: { child: ChildProcess; exited: Promise<void>; done: boolean } | undefined
  let endedAt = -Infinity
  const live = () => master !== undefined && !master.done
  const ready = () => live() && fs.existsSync(controlPath)

  const start = (): void => {
    if (!opts.enabled || closed || live()) return
    if (Date.now() - endedAt < MASTER_RETRY_MS) return
    let child: ChildProcess
    try {
      child = spawn(
        opts.sshPath,
        [
          ...opts.connectionArgs,
          '-o',
          `ControlPath=${controlPath}`,
          '-o',
          'ControlMaster=yes',
          '-o',
          'ControlPersist=no',
          '-N',
          opts.target
        ],
        { stdio: 'ignore' }
      )
    } catch {
      endedAt = Date.now()
      return
    }
    // It must not keep the action alive: the exit hook stops it if dispose was never reached.
    child.unref()
    const m = { child, done: false, exited: Promise.resolve() }
    m.exited = new Promise<void>((resolve) => {
      const end = () => {
        if (m.done) return resolve()
        m.done = true
        endedAt = Date.now()
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

  return {
    sessionArgs: ['-o', `ControlPath=${controlPath}`, '-o', 'ControlMaster=no'],
    start,
    ready,
    async waitReady(timeoutMs) {
      start()
      const deadline = Date.now() + timeoutMs
      while (live() && !ready() && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      return ready()
    },
    pid: () => (live() ? master?.child.pid : undefined),
    close() {
      closed = true
    },
    stop() {
      closed = true
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
  }
}
