// The SSH chokepoint against a real OpenSSH sshd on loopback (sandbox/sshd.js).
import { jest } from '@jest/globals'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  freePort,
  processRunning,
  readCalls,
  sshSettingsFor,
  startSshd,
  writeDeployFile,
  writeFakeDeploy
} from '../../sandbox/sshd.js'
import { createSshRemote, disposeSync, type SshRemote } from '../../src/adapters/ssh/remote.js'
import type { Logger } from '../../src/adapters/ports.js'

jest.setTimeout(60_000)

type Sshd = Awaited<ReturnType<typeof startSshd>>
let sshd: Sshd
let tempDir: string
let logLines: string[]
let logger: Logger
const opened: SshRemote[] = []

/** The key's body (without the BEGIN/END armour): what must never leak. */
function keyBody(key: string): string[] {
  return key
    .split('\n')
    .filter((l) => l && !l.startsWith('-----'))
    .map((l) => l.slice(0, 40))
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return []
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
}

async function open(over: Parameters<typeof sshSettingsFor>[1] = {}): Promise<SshRemote> {
  const remote = await createSshRemote(sshSettingsFor(sshd, over), { tempDir, logger })
  opened.push(remote)
  return remote
}

beforeAll(async () => {
  sshd = await startSshd()
})

afterAll(async () => {
  await sshd?.stop()
})

beforeEach(() => {
  tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rbs-runner-temp-'))
  logLines = []
  logger = {
    info: (l) => logLines.push(l),
    warning: (l) => logLines.push(l),
    error: (l) => logLines.push(l)
  }
  writeFakeDeploy(sshd.deployDir)
})

afterEach(async () => {
  for (const r of opened.splice(0)) await r.dispose()
  // Nothing the remote wrote survives it.
  expect(filesUnder(tempDir)).toEqual([])
  fs.rmSync(tempDir, { recursive: true, force: true })
})

describe('a real sshd', () => {
  it('runs a command in the login directory and passes the exit code through', async () => {
    const remote = await open()
    const ok = await remote.run('bash deploy/rollback/rollback.sh', ['--quick'], {
      timeoutMs: 10_000
    })
    expect(ok).toMatchObject({ exitCode: 0, timedOut: false })
    expect(ok.stdout).toContain('rolling back: level 1')
    expect(ok.sshFailure).toBeUndefined()
    expect(readCalls(sshd.deployDir).map((c) => `${c.script} ${c.args}`)).toEqual([
      'rollback.sh --quick'
    ])

    const seven = await remote.run('echo out; echo err >&2; exit 7', [], { timeoutMs: 10_000 })
    expect(seven).toMatchObject({ exitCode: 7, stdout: 'out\n', stderr: 'err\n' })
  })

  it('cds into app-dir (quoted) first', async () => {
    writeDeployFile(sshd.deployDir, 'my app/marker.txt', 'here\n')
    const remote = await open({ appDir: `${sshd.deployDir}/my app` })
    const r = await remote.run('cat marker.txt && pwd', [], { timeoutMs: 10_000 })
    expect(r.exitCode).toBe(0)
    expect(r.stdout).toBe(`here\n${sshd.deployDir}/my app\n`)
  })

  it('passes arguments as single words, never as shell text', async () => {
    const remote = await open()
    const r = await remote.run('printf "[%s]"', ['--target', 'backup-1.2:3_x'], {
      timeoutMs: 10_000
    })
    expect(r.stdout).toBe('[--target][backup-1.2:3_x]')
  })

  it('reports a wrong host key as a host-key failure and runs nothing', async () => {
    const remote = await open({ knownHosts: sshd.wrongKnownHosts })
    const r = await remote.run('bash deploy/rollback/rollback.sh', ['--quick'], {
      timeoutMs: 10_000
    })
    expect(r).toMatchObject({
      exitCode: null,
      sshFailure: 'host key changed (REMOTE HOST IDENTIFICATION HAS CHANGED)'
    })
    expect(readCalls(sshd.deployDir)).toEqual([])
  })

  it('reports an unpinned host as host key verification failed', async () => {
    const otherHost = sshd.knownHosts.replace(`[127.0.0.1]:${sshd.port}`, '[127.0.0.1]:1')
    const remote = await open({ knownHosts: otherHost })
    const r = await remote.run('true', [], { timeoutMs: 10_000 })
    expect(r.sshFailure).toBe(
      'host key verification failed (pin the host with ssh-known-hosts / ssh-keyscan)'
    )
  })

  it('reports a refused client key as authentication refused', async () => {
    const remote = await open({ privateKey: sshd.wrongPrivateKey })
    const r = await remote.run('true', [], { timeoutMs: 10_000 })
    expect(r.sshFailure).toBe('authentication refused (Permission denied (publickey))')
  })

  it('reports a port with no sshd as connection refused', async () => {
    const remote = await open({ port: await freePort() })
    const r = await remote.run('true', [], { timeoutMs: 10_000 })
    expect(r.sshFailure).toBe('connection refused')
  })

  it('insecure mode connects without a pinned key and warns', async () => {
    const remote = await open({ insecureSkipHostKeyCheck: true, knownHosts: '' })
    const r = await remote.run('echo hi', [], { timeoutMs: 10_000 })
    expect(r).toMatchObject({ exitCode: 0, stdout: 'hi\n' })
    expect(logLines.join('\n')).toMatch(/INSECURE: ssh-insecure-skip-host-key-check is on/)
  })

  it('kills a hung command on the host at its time limit', async () => {
    const { hangMarker } = writeFakeDeploy(sshd.deployDir, { hang: true })
    const remote = await open()
    const started = Date.now()
    const running = remote.run('bash deploy/rollback/rollback.sh', ['--quick'], {
      timeoutMs: 2000
    })
    // It really hangs on the host (so the check below means something).
    let seen = false
    for (let i = 0; i < 30 && !seen; i++) {
      await new Promise((r) => setTimeout(r, 50))
      seen = processRunning(hangMarker)
    }
    expect(seen).toBe(true)
    const r = await running
    const took = Date.now() - started
    expect(r).toMatchObject({ exitCode: null, timedOut: true })
    expect(r.stderr).toMatch(/killed on the host at its 2s limit/)
    expect(took).toBeGreaterThanOrEqual(2000)
    expect(took).toBeLessThan(10_000)
    // The remote process is gone too, not orphaned (poll briefly: the KILL may lag the exit).
    for (let i = 0; i < 20 && processRunning(hangMarker); i++) {
      await new Promise((r) => setTimeout(r, 100))
    }
    expect(processRunning(hangMarker)).toBe(false)
  })

  it('refuses bad arguments before connecting', async () => {
    const remote = await open()
    for (const bad of ['x;touch pwned', '$(touch pwned)', 'a b', "'", '"']) {
      await expect(
        remote.run('bash deploy/rollback/rollback.sh', ['--level', '2', '--target', bad], {
          timeoutMs: 5000
        })
      ).rejects.toThrow(/not allowed/)
    }
    expect(readCalls(sshd.deployDir)).toEqual([])
    expect(fs.existsSync(path.join(sshd.deployDir, 'pwned'))).toBe(false)
  })

  it('keeps the key in the 0600 file only, and removes it after success and failure', async () => {
    const good = await open()
    const bad = await open({ knownHosts: sshd.wrongKnownHosts })
    const results = [
      await good.run('echo done', [], { timeoutMs: 10_000 }),
      await bad.run('echo done', [], { timeoutMs: 10_000 }),
      await good.run('exit 3', [], { timeoutMs: 10_000 })
    ]
    const body = keyBody(sshd.privateKey)
    const holders = filesUnder(tempDir).filter((f) =>
      body.some((b) => fs.readFileSync(f, 'utf8').includes(b))
    )
    expect(holders.sort()).toEqual(
      [path.join(good.dir, 'id_key'), path.join(bad.dir, 'id_key')].sort()
    )
    for (const f of holders) expect(fs.statSync(f).mode & 0o777).toBe(0o600)
    const visible = JSON.stringify(results) + logLines.join('\n')
    for (const b of body) expect(visible).not.toContain(b)

    await good.dispose()
    await bad.dispose()
    expect(fs.existsSync(good.dir)).toBe(false)
    expect(fs.existsSync(bad.dir)).toBe(false)
  })

  it('disposeSync (for signal handlers) removes every live key directory', async () => {
    const a = await open()
    const b = await open()
    expect(fs.existsSync(path.join(a.dir, 'id_key'))).toBe(true)
    disposeSync()
    expect(fs.existsSync(a.dir)).toBe(false)
    expect(fs.existsSync(b.dir)).toBe(false)
    // A disposed remote refuses to run instead of reconnecting without its key.
    expect((await a.run('true', [], { timeoutMs: 1000 })).sshFailure).toMatch(/disposed/)
  })
})

/** Whether a pid has ended, polled up to `tries` times 50 ms apart. */
async function gone(pid: number, tries = 40): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    try {
      process.kill(pid, 0)
    } catch {
      return true
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  return false
}

describe('a real sshd: one shared connection (ControlMaster)', () => {
  // $SSH_CONNECTION carries the client's source port: sessions over one master share it.
  const whoAmI = 'echo "$SSH_CONNECTION"'

  it('runs later commands as sessions over one connection, concurrently', async () => {
    const remote = await open()
    const first = await remote.run(whoAmI, [], { timeoutMs: 10_000 })
    expect(first.exitCode).toBe(0)
    expect(await remote.sharedConnection()).toBe(true)
    const pid = remote.masterPid()
    expect(pid).toBeGreaterThan(0)
    const logins = () => (sshd.log().match(/Accepted publickey/g) ?? []).length
    const loginsBefore = logins()
    const shared = await Promise.all(
      [1, 2, 3, 4, 5].map(() => remote.run(whoAmI, [], { timeoutMs: 10_000 }))
    )
    for (const r of shared) expect(r).toMatchObject({ exitCode: 0, stderr: '' })
    const connections = new Set(shared.map((r) => r.stdout.trim()))
    expect(connections.size).toBe(1)
    expect([...connections][0]).toMatch(/^127\.0\.0\.1 \d+ 127\.0\.0\.1 \d+$/)
    // Five commands, not one login among them (sshd logs every accepted key).
    expect(loginsBefore).toBeGreaterThanOrEqual(2)
    expect(logins()).toBe(loginsBefore)
    // The argv of a shared session names the socket and never starts a master of its own.
    const argv = remote.sshArgs('true', [], 1000, true)
    expect(argv).toContain(`ControlPath=${path.join(remote.dir, 'mux')}`)
    expect(argv).toContain('ControlMaster=no')
    expect(remote.masterPid()).toBe(pid)
  })

  it('kills a hung command on the host at its time limit over the shared connection', async () => {
    const { hangMarker } = writeFakeDeploy(sshd.deployDir, { hang: true })
    const remote = await open()
    expect(await remote.sharedConnection()).toBe(true)
    const r = await remote.run('bash deploy/rollback/rollback.sh', ['--quick'], {
      timeoutMs: 2000
    })
    expect(r).toMatchObject({ exitCode: null, timedOut: true })
    expect(r.stderr).toMatch(/killed on the host at its 2s limit/)
    for (let i = 0; i < 20 && processRunning(hangMarker); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    expect(processRunning(hangMarker)).toBe(false)
    // The master outlives the session.
    expect(remote.masterPid()).toBeGreaterThan(0)
  })

  it('dispose stops the master and leaves neither socket nor key', async () => {
    const remote = await open()
    expect(await remote.sharedConnection()).toBe(true)
    const pid = remote.masterPid()!
    await remote.dispose()
    expect(await gone(pid)).toBe(true)
    expect(fs.existsSync(remote.dir)).toBe(false)
    expect(remote.masterPid()).toBeUndefined()
  })

  it('disposeSync (for signal handlers) stops the master too', async () => {
    const remote = await open()
    expect(await remote.sharedConnection()).toBe(true)
    const pid = remote.masterPid()!
    disposeSync()
    expect(fs.existsSync(remote.dir)).toBe(false)
    expect(await gone(pid)).toBe(true)
  })

  it('a master that ignores TERM: the key goes at once, the master is KILLed after 2 s, dispose returns', async () => {
    // ssh keeps a signal its parent ignored ignored: this wrapper makes a stubborn master.
    const binDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rbs-stubborn-ssh-'))
    const wrapper = path.join(binDir, 'ssh')
    fs.writeFileSync(
      wrapper,
      '#!/bin/bash\nfor a in "$@"; do [ "$a" = -N ] && trap "" TERM; done\nexec ssh "$@"\n',
      { mode: 0o755 }
    )
    try {
      const remote = await createSshRemote(sshSettingsFor(sshd), {
        tempDir,
        logger,
        sshPath: wrapper
      })
      opened.push(remote)
      expect(await remote.sharedConnection()).toBe(true)
      const pid = remote.masterPid()!
      const started = Date.now()
      const disposing = remote.dispose()
      await new Promise((resolve) => setTimeout(resolve, 500))
      expect(fs.existsSync(remote.dir)).toBe(false)
      expect(await gone(pid, 1)).toBe(false)
      await disposing
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_900)
      expect(await gone(pid)).toBe(true)
    } finally {
      fs.rmSync(binDir, { recursive: true, force: true })
    }
  })

  it('refuseNewCommands: a command just started (still connecting) finishes; nothing new runs; dispose cleans up', async () => {
    const remote = await open()
    const first = remote.run('sleep 0.3; echo done', [], { timeoutMs: 10_000 })
    remote.refuseNewCommands()
    expect(await first).toMatchObject({ exitCode: 0, stdout: 'done\n' })
    const refused = await remote.run('true', [], { timeoutMs: 1000 })
    expect(refused).toMatchObject({
      exitCode: null,
      sshFailure: 'cancelled: no new command starts on the host'
    })
    expect(fs.existsSync(path.join(remote.dir, 'id_key'))).toBe(true)
    await remote.dispose()
    expect(fs.existsSync(remote.dir)).toBe(false)
    expect(remote.masterPid()).toBeUndefined()
  })

  it('a master killed hard: the next command connects on its own, cleanly', async () => {
    const remote = await open()
    expect(await remote.sharedConnection()).toBe(true)
    const pid = remote.masterPid()!
    process.kill(pid, 'SIGKILL')
    expect(await gone(pid)).toBe(true)
    for (let i = 0; i < 40 && remote.masterPid() !== undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect(remote.masterPid()).toBeUndefined()
    const r = await remote.run('echo alive', [], { timeoutMs: 10_000 })
    // No complaint about the dead master's socket: it was removed.
    expect(r).toMatchObject({ exitCode: 0, stdout: 'alive\n', stderr: '' })
    expect(fs.existsSync(path.join(remote.dir, 'mux'))).toBe(false)
  })

  it('a refused key: no master comes up, and commands report the refusal', async () => {
    const remote = await open({ privateKey: sshd.wrongPrivateKey })
    expect(await remote.sharedConnection()).toBe(false)
    expect(remote.masterPid()).toBeUndefined()
    const r = await remote.run('true', [], { timeoutMs: 10_000 })
    expect(r.sshFailure).toBe('authentication refused (Permission denied (publickey))')
  })
})

describe('a real sshd with MaxSessions 1', () => {
  let strict: Sshd
  beforeAll(async () => {
    strict = await startSshd({ deployDir: sshd.deployDir, extraConfig: ['MaxSessions 1'] })
  })
  afterAll(async () => {
    await strict?.stop()
  })

  it("a refused extra session connects on its own, and ssh's note stays out of stderr", async () => {
    const remote = await createSshRemote(sshSettingsFor(strict), { tempDir, logger })
    opened.push(remote)
    expect(await remote.sharedConnection()).toBe(true)
    const rs = await Promise.all(
      [1, 2, 3].map(() =>
        remote.run('sleep 0.5; echo "$SSH_CONNECTION"', [], { timeoutMs: 10_000 })
      )
    )
    for (const r of rs) expect(r).toMatchObject({ exitCode: 0, stderr: '' })
    // One session fits on the shared connection; the others came on connections of their own.
    expect(new Set(rs.map((r) => r.stdout)).size).toBeGreaterThanOrEqual(2)
    expect(logLines.filter((l) => /refused an extra session/.test(l))).toHaveLength(1)
  })
})
