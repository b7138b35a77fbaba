// Rolling back a fleet against one real sshd listening on several ports (each port a "host"; the
// fake scripts tell them apart by $SSH_CONNECTION and keep per-host start/end records), and a
// second sshd that only forwards (the jump host).
import { jest } from '@jest/globals'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { forwardedPorts, loginsByPort, maxConcurrent, readRecords } from '../../sandbox/records.js'
import {
  processRunning,
  sshSettingsFor,
  startSshd,
  writeDeployFile,
  writeFakeDeploy
} from '../../sandbox/sshd.js'
import { runFleetHostChecks } from '../../src/act/host-checks.js'
import { executeRollback } from '../../src/act/rollback.js'
import type { RollbackInput, VerifyResult } from '../../src/act/types.js'
import type { Clock, FleetMember, Logger } from '../../src/adapters/ports.js'
import { createSshRemote, type SshRemote } from '../../src/adapters/ssh/remote.js'
import { DEFAULT_POLICY } from '../../src/runbook/defaults.js'
import type { Policy } from '../../src/runbook/types.js'
import { hostsOnFinalLevel } from '../../src/runbook/outcome.js'

jest.setTimeout(60_000)

const MINUTE = 60_000
const NOW = Date.now()
const DEPLOYED_AT = NOW - 10 * MINUTE
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z')

const clock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms))
}

type Sshd = Awaited<ReturnType<typeof startSshd>>
let sshd: Sshd
let tempDir: string
let fleet: FleetMember<SshRemote>[]
let lines: string[]
const logger: Logger = {
  info: (l) => lines.push(l),
  warning: (l) => lines.push(`WARN ${l}`),
  error: (l) => lines.push(`ERROR ${l}`)
}
const HOSTS = 5
const label = (port: number) => `127.0.0.1:${port}`

async function connect(ports: number[], over: Record<string, unknown> = {}) {
  return Promise.all(
    ports.map(async (port) => ({
      label: label(port),
      remote: await createSshRemote(sshSettingsFor(sshd, { port, ...over }), { tempDir, logger })
    }))
  )
}

function policy(tune: (p: Policy) => void = () => {}): Policy {
  const p = structuredClone(DEFAULT_POLICY)
  p.hostChecks.timeoutMs = 10_000
  p.rollback.maxParallel = 2
  tune(p)
  return p
}

function run(over: Partial<RollbackInput> & { policy?: Policy } = {}) {
  const { policy: p, ...rest } = over
  return executeRollback({
    startLevel: 1,
    settings: {
      scripts: {
        rollback: 'deploy/rollback/rollback.sh',
        validate: 'deploy/rollback/validate_rollback.sh',
        smokeTest: 'deploy/smoke_tests.sh'
      },
      commands: {},
      dryRun: false,
      deployedAt: DEPLOYED_AT,
      policy: p ?? policy()
    },
    remote: fleet[0].remote,
    fleet,
    clock,
    verify: jest.fn(recovered),
    logger,
    ...rest
  })
}

const recovered = async (): Promise<VerifyResult> => ({
  recovered: true,
  reason: 'health up on the last 3 probes',
  samples: []
})

/** Each level's records in the order they started, as ports. */
const order = (level: number) =>
  readRecords(sshd.deployDir)
    .filter((r) => r.level === level)
    .map((r) => r.port)

beforeAll(async () => {
  sshd = await startSshd({ ports: HOSTS })
})

afterAll(async () => {
  await sshd?.stop()
})

beforeEach(async () => {
  lines = []
  tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rbs-fleet-'))
  for (const entry of fs.readdirSync(sshd.deployDir))
    fs.rmSync(path.join(sshd.deployDir, entry), { recursive: true, force: true })
  fleet = await connect(sshd.ports)
})

afterEach(async () => {
  await Promise.all(fleet.map((m) => m.remote.dispose()))
  expect(fs.readdirSync(tempDir)).toEqual([])
  fs.rmSync(tempDir, { recursive: true, force: true })
})

describe('executeRollback on a fleet over a real sshd (one port per host)', () => {
  it('Level 1: the canary alone and first, then waves of max-parallel; one verification', async () => {
    writeFakeDeploy(sshd.deployDir, { sleepSeconds: 0.3 })
    const verify = jest.fn(recovered)
    const { outcome, steps } = await run({ verify })
    expect(outcome).toMatchObject({ status: 'succeeded', level: 1 })
    const records = readRecords(sshd.deployDir)
    expect(records.map((r) => r.port).sort()).toEqual([...sshd.ports].sort())
    const [canary, ...rest] = records
    expect(canary.port).toBe(sshd.ports[0])
    // The canary ended before any other host started: it ran alone.
    for (const r of rest) expect(r.startMs).toBeGreaterThanOrEqual(canary.endMs)
    expect(maxConcurrent(records)).toBeLessThanOrEqual(2)
    expect(maxConcurrent(rest)).toBe(2)
    expect(verify).toHaveBeenCalledTimes(1)
    expect(outcome.fleet?.levels[0].waves.map((w) => w.hosts.length)).toEqual([1, 2, 2])
    expect(new Set(steps.map((s) => s.host))).toEqual(new Set(sshd.ports.map(label)))
    expect(hostsOnFinalLevel(outcome, steps)).toBe(HOSTS)
    expect(lines).toContain(`Level 1: the canary ${label(sshd.ports[0])} first, alone`)
  })

  it('a failing canary starts no other host; the fleet escalates to Level 2, canary first, everywhere', async () => {
    const canaryPort = sshd.ports[0]
    writeFakeDeploy(sshd.deployDir, {
      sleepSeconds: 0.2,
      rollbackExitByPort: { [canaryPort]: { 1: 1 } },
      listOutput: `ID CREATED\nbackup-a ${iso(DEPLOYED_AT - 2 * MINUTE)}`
    })
    const verify = jest.fn(recovered)
    const { outcome } = await run({ verify })
    expect(order(1)).toEqual([canaryPort])
    expect(order(2)[0]).toBe(canaryPort)
    expect(order(2).sort()).toEqual([...sshd.ports].sort())
    const l2 = readRecords(sshd.deployDir).filter((r) => r.level === 2)
    for (const r of l2.slice(1)) expect(r.startMs).toBeGreaterThanOrEqual(l2[0].endMs)
    expect(outcome).toMatchObject({ status: 'succeeded', level: 2 })
    expect(outcome.attempts.map((a) => [a.level, a.recovered])).toEqual([
      [1, false],
      [2, true]
    ])
    expect(outcome.attempts[0].reason).toMatch(
      new RegExp(
        `^on ${label(canaryPort)}: bash deploy/rollback/rollback.sh --quick exit 1 \\(4 not started\\)$`
      )
    )
    expect(outcome.fleet?.levels[0].notStarted).toHaveLength(HOSTS - 1)
    expect(verify).toHaveBeenCalledTimes(1)
  })

  it('a failure in a wave lets that wave finish and starts no further wave', async () => {
    const failing = sshd.ports[1]
    writeFakeDeploy(sshd.deployDir, {
      sleepSeconds: 0.3,
      rollbackExitByPort: { [failing]: { 1: 3 } },
      listOutput: `ID CREATED\nbackup-a ${iso(DEPLOYED_AT - 2 * MINUTE)}`
    })
    const { outcome } = await run({ policy: policy((p) => (p.rollback.maxLevel = 1)) })
    // Wave 1 is hosts 2 and 3: both ran to their end; wave 2 (hosts 4, 5) never started.
    expect(order(1)).toEqual(expect.arrayContaining([sshd.ports[0], sshd.ports[1], sshd.ports[2]]))
    expect(order(1)).toHaveLength(3)
    expect(readRecords(sshd.deployDir).find((r) => r.port === sshd.ports[2])?.exit).toBe(0)
    expect(outcome.status).toBe('failed')
    expect(outcome.reason).toContain(
      `on ${label(failing)}: bash deploy/rollback/rollback.sh --quick exit 3`
    )
    expect(outcome.fleet?.levels[0].notStarted).toEqual([
      label(sshd.ports[3]),
      label(sshd.ports[4])
    ])
  })

  it('Level 2: each host its own target from its own --list; a host with none blocks, named', async () => {
    const [a, b, c] = sshd.ports
    writeFakeDeploy(sshd.deployDir, {
      listOutput: `ID CREATED\nbackup-common ${iso(DEPLOYED_AT - 60 * MINUTE)}`,
      listOutputByPort: { [c]: `ID CREATED\nbackup-own ${iso(DEPLOYED_AT - 5 * MINUTE)}` }
    })
    const ok = await run({ startLevel: 2 })
    expect(ok.outcome).toMatchObject({ status: 'succeeded', level: 2 })
    expect(ok.outcome.target?.id).toBe('backup-common') // the canary's
    const targets = Object.fromEntries(
      (ok.outcome.fleet?.runs ?? []).map((r) => [r.host, r.target?.id])
    )
    expect(targets[label(c)]).toBe('backup-own')
    expect(targets[label(a)]).toBe('backup-common')

    fs.rmSync(path.join(sshd.deployDir, 'records'), { recursive: true, force: true })
    writeFakeDeploy(sshd.deployDir, {
      listOutput: `ID CREATED\nbackup-common ${iso(DEPLOYED_AT - 60 * MINUTE)}`,
      listOutputByPort: { [b]: `ID CREATED\nbackup-late ${iso(DEPLOYED_AT + MINUTE)}` }
    })
    const blocked = await run({ startLevel: 2 })
    expect(blocked.outcome.status).toBe('blocked')
    expect(blocked.outcome.reason).toMatch(
      new RegExp(
        `^Level 2 needs a usable backup on every host: ${label(b).replace(/\./g, '\\.')}: no backup from before the deploy`
      )
    )
    expect(readRecords(sshd.deployDir)).toEqual([]) // nothing ran anywhere
  })

  it('a first cancel during a wave: the hosts in flight finish, no further wave, no verification', async () => {
    writeFakeDeploy(sshd.deployDir, { sleepSeconds: 0.6 })
    const cancel = new AbortController()
    const verify = jest.fn(recovered)
    const running = run({ verify, signal: cancel.signal, stopSignal: new AbortController().signal })
    // Wait until wave 1 is running (two hosts started), then cancel as the action does.
    for (let i = 0; i < 100 && !lines.some((l) => l.startsWith('Level 1: wave 1')); i++)
      await new Promise((r) => setTimeout(r, 20))
    await new Promise((r) => setTimeout(r, 200))
    cancel.abort()
    fleet.forEach((m) => m.remote.refuseNewCommands())
    const { outcome } = await running
    const records = readRecords(sshd.deployDir)
    expect(records.map((r) => r.port)).toHaveLength(3)
    expect(records.every((r) => r.exit === 0)).toBe(true)
    expect(verify).not.toHaveBeenCalled()
    expect(outcome.status).toBe('failed')
    expect(outcome.reason).toMatch(
      /^cancelled during Level 1 \(Level 1 ran on 3 of 5 hosts, 2 not started\)/
    )
  })

  it('a second cancel stops every host in flight at once', async () => {
    const { sleepMarker } = writeFakeDeploy(sshd.deployDir, { sleepSeconds: 1.5 })
    const cancel = new AbortController()
    const stop = new AbortController()
    const running = run({ signal: cancel.signal, stopSignal: stop.signal })
    for (let i = 0; i < 200 && !lines.some((l) => l.startsWith('Level 1: wave 1')); i++)
      await new Promise((r) => setTimeout(r, 20))
    await new Promise((r) => setTimeout(r, 500))
    cancel.abort()
    fleet.forEach((m) => m.remote.refuseNewCommands())
    const stoppedAt = Date.now()
    stop.abort()
    fleet.forEach((m) => m.remote.disposeSync())
    const { outcome, steps } = await running
    expect(Date.now() - stoppedAt).toBeLessThan(1_000)
    const inFlight = steps.filter((s) => s.name === 'rollback' && s.host !== label(sshd.ports[0]))
    expect(inFlight).toHaveLength(2)
    for (const s of inFlight) expect(s).toMatchObject({ exitCode: null, note: 'cancelled' })
    expect(outcome.reason).toMatch(
      /^cancelled during Level 1 \(Level 1 ran on 3 of 5 hosts, 2 not started\)/
    )
    // The scripts lost their session but sleep on (their own limit applies on the host): let them
    // end before the next test clears the deploy dir.
    for (let i = 0; i < 100 && processRunning(sleepMarker); i++)
      await new Promise((r) => setTimeout(r, 50))
  })

  it('dry run: prints the plan (canary, waves, targets per host) and runs nothing', async () => {
    writeFakeDeploy(sshd.deployDir, {
      listOutput: `ID CREATED\nbackup-common ${iso(DEPLOYED_AT - 60 * MINUTE)}`
    })
    const { outcome } = await run({
      startLevel: 2,
      settings: {
        scripts: {
          rollback: 'deploy/rollback/rollback.sh',
          validate: 'deploy/rollback/validate_rollback.sh',
          smokeTest: 'deploy/smoke_tests.sh'
        },
        commands: {},
        dryRun: true,
        deployedAt: DEPLOYED_AT,
        policy: policy()
      }
    })
    expect(outcome.status).toBe('skipped-dry-run')
    expect(outcome.reason).toMatch(
      /^dry run: would run Level 2 on 5 hosts \(canary .* alone, then 2 wave\(s\) of at most 2\)/
    )
    const canary = lines.find((l) => l.startsWith('[dry-run]   canary:'))
    expect(canary).toMatch(
      new RegExp(
        `^\\[dry-run\\]   canary: ${label(sshd.ports[0])} \\(target backup-common, 1h10m(\\d+s)? old\\)$`
      )
    )
    expect(lines.filter((l) => l.startsWith('[dry-run]   wave'))).toHaveLength(2)
    expect(readRecords(sshd.deployDir)).toEqual([])
    expect(outcome.fleet?.runs.every((r) => r.outcome === 'planned')).toBe(true)
  })
})

describe('host checks on every host', () => {
  it('an alert on one host counts and names it; a host that cannot be reached is unknown, named', async () => {
    writeFakeDeploy(sshd.deployDir)
    const third = sshd.ports[2]
    writeDeployFile(sshd.deployDir, `data/corruption_detected.${third}`, 'marker\n')
    const p = policy((x) => {
      x.hostChecks.corruption = 'test -f "data/corruption_detected.${SSH_CONNECTION##* }"'
      x.hostChecks.database = 'true'
      x.hostChecks.maxParallel = 2
    })
    const readings = await runFleetHostChecks(fleet, p)
    expect(readings.corruption).toMatchObject({ status: 'alert', host: label(third) })
    expect(readings.database).toMatchObject({ status: 'ok', detail: 'exit 0 on 5 hosts' })

    const gone = await createSshRemote(sshSettingsFor(sshd, { port: 1 }), { tempDir, logger })
    try {
      const withGone = await runFleetHostChecks(
        [...fleet.slice(0, 2), { label: 'gone:1', remote: gone }],
        p
      )
      expect(withGone.database).toMatchObject({ status: 'unknown', host: 'gone:1' })
      expect(withGone.database.detail).toMatch(/connection refused/)
    } finally {
      await gone.dispose()
    }
  })
})

describe('the shared connection and the jump host', () => {
  it('one login per host: the master first, then every command as a session over it', async () => {
    writeFakeDeploy(sshd.deployDir)
    const before = loginsByPort(sshd.log())
    await Promise.all(fleet.map((m) => m.remote.sharedConnection()))
    await run()
    await new Promise((r) => setTimeout(r, 200)) // sshd's log lines arrive on its stderr
    const after = loginsByPort(sshd.log())
    for (const port of sshd.ports) expect((after.get(port) ?? 0) - (before.get(port) ?? 0)).toBe(1)
  })

  it('every connection goes through a forwarding-only jump host, with the same key or its own', async () => {
    const jump = await startSshd({ forwardOnly: true, authorizedKeys: [sshd.publicKey] })
    const jumpKnown = sshd.knownHosts + jump.knownHosts
    try {
      writeFakeDeploy(sshd.deployDir)
      const through = await connect(sshd.ports.slice(0, 2), {
        knownHosts: jumpKnown,
        jump: { host: '127.0.0.1', port: jump.port }
      })
      // Its own key: the jump accepts its own client key (the one it was started with) only.
      const ownKey = await connect(sshd.ports.slice(2, 3), {
        knownHosts: jumpKnown,
        jump: { host: '127.0.0.1', port: jump.port, user: jump.user },
        jumpPrivateKey: jump.privateKey
      })
      try {
        for (const m of [...through, ...ownKey]) {
          const r = await m.remote.run('echo "${SSH_CONNECTION##* }"', [], { timeoutMs: 10_000 })
          expect(r).toMatchObject({ exitCode: 0 })
          expect(r.stdout.trim()).toBe(m.label.split(':')[1])
        }
        expect(ownKey[0].remote.jumpKeyFile).toBeDefined()
        await new Promise((r) => setTimeout(r, 200))
        expect(new Set(forwardedPorts(jump.log()))).toEqual(new Set(sshd.ports.slice(0, 3)))
        // Without the jump's key pinned, the hop is refused like any unpinned host.
        const unpinned = await connect(sshd.ports.slice(0, 1), {
          jump: { host: '127.0.0.1', port: jump.port }
        })
        const r = await unpinned[0].remote.run('true', [], { timeoutMs: 10_000 })
        expect(r.exitCode).toBeNull()
        expect(r.sshFailure).toBeDefined()
        await unpinned[0].remote.dispose()
      } finally {
        await Promise.all([...through, ...ownKey].map((m) => m.remote.dispose()))
      }
    } finally {
      await jump.stop()
    }
  })
})
