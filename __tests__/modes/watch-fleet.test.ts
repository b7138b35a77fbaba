// main.run() on a fleet with fake adapters (one fake connection per host) and a fake clock: the
// whole flow — setup, host checks on every host, the canary and its waves, one verification, the
// report and outputs — in milliseconds. The real parts are in __tests__/act/fleet.integration.test.ts and
// __tests__/e2e/fleet.e2e.test.ts.
import { jest } from '@jest/globals'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as core from '../../__fixtures__/core.js'
import type { Adapters } from '../../src/adapters/all.js'
import type { HostConnection, RemoteResult } from '../../src/adapters/ports.js'
import { fakeGitHub } from '../../__fixtures__/github.js'
import { fakeHost, ranOk } from '../../__fixtures__/adapters.js'

jest.unstable_mockModule('@actions/core', () => core)
const { run } = await import('../../src/main.js')

const KEY =
  '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAAfakeKEYmaterial\n-----END OPENSSH PRIVATE KEY-----'
const T0 = Date.UTC(2026, 10, 27, 12, 0, 0)
const HOSTS = ['app-1.example.com', 'app-2.example.com', 'app-3.example.com', 'app-4.example.com']
const PUB = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIfake'

/** Production: bad until every host rolled back; each host's commands, in order, by fake time. */
interface World {
  errorRate: number
  /** Hosts whose `corruption` check finds the marker. */
  corrupt: string[]
  /** "host:level" pairs whose rollback.sh exits 1. */
  failing: string[]
  rolledBack: Set<string>
  commands: { host: string; line: string; at: number }[]
  probes: number
}

function world(over: Partial<World> = {}): World {
  return {
    errorRate: 0.004,
    corrupt: [],
    failing: [],
    rolledBack: new Set(),
    commands: [],
    probes: 0,
    ...over
  }
}

let tmp: string

function adapters(w: World, over: Partial<Adapters> = {}) {
  let now = T0
  const github = fakeGitHub()
  const result = (exitCode: number, durationMs = 2_000): RemoteResult => ({
    ...ranOk('', exitCode),
    durationMs
  })
  const hostFor = (host: string): HostConnection =>
    fakeHost((line) => {
      w.commands.push({ host, line, at: now })
      if (line.startsWith('test -f data/corruption'))
        return result(w.corrupt.includes(host) ? 0 : 1, 5)
      const level = line.includes('--quick') ? 1 : /--level (\d)/.exec(line)?.[1]
      if (level && line.includes('rollback.sh')) {
        // The rollback takes 2 s of fake time on every host.
        now += 2_000
        if (w.failing.includes(`${host}:${level}`)) return result(1)
        w.rolledBack.add(host)
        return result(0)
      }
      if (line.includes('--list'))
        return { ...result(0, 5), stdout: `backup-${host.slice(0, 5)} 2026-11-27T10:00:00Z` }
      return result(0, 5)
    }, `/fake/${host}/id_key`)
  const connections = new Map(HOSTS.map((h) => [h, hostFor(h)]))
  const a: Adapters = {
    clock: {
      now: () => now,
      sleep: async (ms) => {
        now += Math.max(0, ms)
      }
    },
    env: {
      GITHUB_REPOSITORY: 'acme/spacetime',
      GITHUB_RUN_ID: '78',
      GITHUB_SHA: 'd6cd1e2bd19e03a81132a23b2025920577f84e37',
      RUNNER_TEMP: tmp,
      GITHUB_WORKSPACE: tmp
    },
    healthProbe: () => ({
      probe: async () => {
        w.probes++
        return { status: 'up', httpStatus: 200, latencyMs: 40, failedAttempts: 0 }
      }
    }),
    metrics: (settings) => ({
      query: async (q, at) => {
        const p = settings.metrics!.queries
        // Before the deploy (the baseline), and once every host rolled back: the good version.
        const errors = at < T0 || w.rolledBack.size === HOSTS.length ? 0.002 : w.errorRate
        if (q === p.errorRate) return { status: 'measured', value: errors }
        if (q === p.latency) return { status: 'measured', value: 0.12 }
        return { status: 'measured', value: 212 }
      }
    }),
    connect: async (settings) => (settings.ssh ? connections.get(settings.ssh.host) : undefined),
    checkKey: async () => null,
    github: () => github,
    disposeAllSync: () => {},
    metricsHistory: () => undefined,
    webhook: () => undefined,
    readEvent: () => ({}),
    ...over
  } as Adapters
  return { adapters: a, github }
}

const INPUTS = {
  'health-url': 'https://spacetime.example.com/health',
  'prometheus-url': 'https://prometheus.example.com',
  'watch-duration': '2m',
  'probe-interval': '10s',
  'ssh-host': HOSTS.join('\n'),
  'ssh-user': 'deploy',
  'ssh-private-key': KEY,
  'ssh-known-hosts': `${HOSTS.join(',')} ${PUB}`,
  'github-token': 'ghs_fakeTokenForTheMainTest',
  'policy-file': 'policy.yml'
}

function policy(text: string): void {
  fs.writeFileSync(path.join(tmp, 'policy.yml'), text)
}

const rollbacks = (w: World) =>
  w.commands.filter((c) => /\/rollback\.sh --(quick|level)/.test(c.line))

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rbs-main-fleet-'))
  core.reset(INPUTS)
  policy('rollback: { max-parallel: 2 }\n')
})
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true })
})

describe('main.run on a fleet (fake hosts)', () => {
  it('error-rate-critical: Level 1 on the canary alone, then waves of 2; one verification; rollback-hosts 4', async () => {
    const w = world({ errorRate: 0.62 })
    const { adapters: a, github } = adapters(w)
    await run(a)
    expect(core.outputs).toMatchObject({
      decision: 'rollback',
      'rollback-level': '1',
      'rollback-status': 'succeeded',
      'rollback-hosts': '4'
    })
    const l1 = rollbacks(w)
    expect(l1.map((c) => c.host)).toEqual(HOSTS)
    // The canary alone, then app-2 and app-3 together, then app-4 (the decision trace's record).
    const trace = JSON.parse(fs.readFileSync(core.outputs['report-path'], 'utf8'))
    expect(trace.rollback.fleet.levels[0].waves.map((w: { hosts: string[] }) => w.hosts)).toEqual([
      [HOSTS[0]],
      [HOSTS[1], HOSTS[2]],
      [HOSTS[3]]
    ])
    expect(trace.steps.filter((s: { host?: string }) => s.host).length).toBeGreaterThan(0)
    // Every host logged in once, at the preflight, and ran `true` over its shared connection.
    expect(w.commands.filter((c) => c.line === 'true').map((c) => c.host)).toEqual(HOSTS)
    expect(core.lines.filter((l) => l.startsWith('▶ verification after Level'))).toEqual([
      '▶ verification after Level 1'
    ])
    const body = github.issues[0].body
    if (process.env.DUMP_FLEET_ISSUE) fs.writeFileSync(process.env.DUMP_FLEET_ISSUE, body)
    expect(body).toContain('## Hosts of the fleet')
    expect(body).toContain('the canary `app-1.example.com` runs each level alone')
    expect(body).toContain('Level 1 on the canary `app-1.example.com`')
    expect(body).toMatch(/Level 1 wave 1 \(2 hosts: `app-2.example.com`, `app-3.example.com`\)/)
    expect(core.summaries.join('')).toContain('### Fleet')
    expect(core.lines).toContain('Level 1: the canary app-1.example.com first, alone')
  })

  it('a corruption marker on the third host only → Level 3 on every host, canary first; reason names the host', async () => {
    policy(
      'rollback: { max-parallel: 2 }\nhost-checks: { corruption: "test -f data/corruption_detected", max-parallel: 2 }\n'
    )
    const w = world({ corrupt: ['app-3.example.com'] })
    const { adapters: a } = adapters(w)
    await run(a)
    expect(core.outputs).toMatchObject({
      rule: 'data-corruption',
      'rollback-level': '3',
      'rollback-hosts': '4'
    })
    expect(core.outputs.reason).toMatch(/^data-corruption on app-3\.example\.com: /)
    expect(rollbacks(w).map((c) => c.host)[0]).toBe('app-1.example.com')
    expect(new Set(rollbacks(w).map((c) => c.host))).toEqual(new Set(HOSTS))
    // Each host restores its own newest backup.
    expect(rollbacks(w).find((c) => c.host === 'app-2.example.com')?.line).toContain(
      '--level 3 --target backup-app-2'
    )
  })

  it('a failing canary stops the fleet; Level 2 on every host, canary first', async () => {
    const w = world({ errorRate: 0.62, failing: ['app-1.example.com:1'] })
    const { adapters: a } = adapters(w)
    await run(a)
    const ran = rollbacks(w).map(
      (c) => `${c.host.slice(0, 5)} ${c.line.includes('--quick') ? 1 : 2}`
    )
    expect(ran).toEqual(['app-1 1', 'app-1 2', 'app-2 2', 'app-3 2', 'app-4 2'])
    expect(core.outputs).toMatchObject({ 'rollback-level': '2', 'rollback-hosts': '4' })
  })

  it('dry run: prints the plan and runs nothing', async () => {
    core.reset({ ...INPUTS, 'dry-run': 'true' })
    const w = world({ errorRate: 0.62 })
    await run(adapters(w).adapters)
    expect(rollbacks(w)).toEqual([])
    expect(core.outputs).toMatchObject({
      'rollback-status': 'skipped-dry-run',
      'rollback-hosts': '0'
    })
    expect(core.lines).toEqual(
      expect.arrayContaining([
        '[dry-run] Level 1 on 4 hosts: canary app-1.example.com alone, then 2 wave(s) of at most 2',
        '[dry-run]   canary: app-1.example.com',
        '[dry-run]   wave 1: app-2.example.com, app-3.example.com',
        '[dry-run]   wave 2: app-4.example.com'
      ])
    )
  })

  it('a host missing from ssh-known-hosts is bad input naming it: nothing connects, 0 probes', async () => {
    core.reset({ ...INPUTS, 'ssh-known-hosts': `app-1.example.com,app-2.example.com ${PUB}` })
    const w = world()
    const connect = jest.fn<Adapters['connect']>()
    await run(adapters(w, { connect }).adapters)
    expect(core.outputs.decision).toBe('bad-input')
    expect(core.failed).toMatch(
      /^bad input: ssh-known-hosts pins no key for app-3\.example\.com \(looked up as app-3\.example\.com\), app-4\.example\.com/
    )
    expect(w.probes).toBe(0)
    expect(connect).not.toHaveBeenCalled()
  })
})
