// Fleets end to end: the bundle against one production whose sshd listens on four ports (four
// "hosts"; the host scripts tell them apart by $SSH_CONNECTION and keep start/end records per
// host) and a second sshd that only forwards (the jump host). No Prometheus here: the fleet's
// verification is the same watch as one host's (health, and Prometheus when set), and leaving it
// out keeps this file short.
import { jest } from '@jest/globals'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { startProduction } from '../../sandbox/production.js'
import { runAction, sandboxInputs } from '../../sandbox/run-action.js'
import { forwardedPorts, loginsByPort, maxConcurrent } from '../../sandbox/records.js'
import { E2E_TIMEOUT, requireBundle, visibleLog, type Production } from './harness.js'

jest.setTimeout(E2E_TIMEOUT)

const POLICY = `
health: { timeout: 2s, slow: 1500ms, confirm: 1, confirm-interval: 200ms, version-wait: 10s }
host-checks:
  every: 1
  timeout: 5s
  max-parallel: 2
  corruption: 'test -f "data/corruption_detected.\${SSH_CONNECTION##* }"'
rollback: { max-level: 3, timeouts: { 1: 20s, 2: 20s, 3: 20s }, verify: 3s, max-parallel: 2 }
`

let p: Production
let ports: number[]
const label = (port: number) => `127.0.0.1:${port}`
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

beforeAll(async () => {
  requireBundle()
  p = await startProduction({ hosts: 4, jump: true, prometheus: false })
  ports = p.sshd.ports
})

afterAll(async () => {
  await p?.stop()
})

beforeEach(() => p.reset())

/** Deploys the scenario and runs the bundle against every host of the fleet. */
async function runFleet(scenario: string, inputs: Record<string, string> = {}) {
  const deployedAt = p.deploy(scenario)
  const run = await runAction({
    inputs: sandboxInputs(p, {
      'deployed-at': new Date(deployedAt).toISOString(),
      'ssh-host': ports.map(label).join('\n'),
      'ssh-port': '22',
      'ssh-known-hosts': p.sshd.knownHosts + (p.jump?.knownHosts ?? ''),
      'restart-command': '',
      'watch-duration': '20s',
      'probe-interval': '1s',
      ...inputs
    }),
    policy: POLICY,
    apiUrl: p.github.url,
    timeoutMs: 60_000
  })
  // sshd's log lines arrive on its stderr a moment after the sessions end.
  await sleep(300)
  return run
}

const byLevel = (level: number) => p.records().filter((r) => r.level === level)

describe('end to end: a fleet of four hosts', () => {
  it('through a forwarding-only jump host: the canary alone and first, then at most 2 at once; one login per host', async () => {
    p.rollbackSleep(0.4)
    const jumpBefore = forwardedPorts(p.jump!.log()).length
    const loginsBefore = loginsByPort(p.sshd.log())
    const run = await runFleet('down', { 'ssh-jump-host': `127.0.0.1:${p.jump!.port}` })
    try {
      expect(run.outputs).toMatchObject({
        decision: 'rollback',
        rule: 'service-down',
        'rollback-level': '1',
        'rollback-status': 'succeeded',
        'rollback-hosts': '4'
      })
      // From the hosts' own records: the canary ran alone, first; never more than 2 at once.
      const l1 = byLevel(1)
      expect(l1.map((r) => r.port).sort()).toEqual([...ports].sort())
      expect(l1[0].port).toBe(ports[0])
      for (const r of l1.slice(1)) expect(r.startMs).toBeGreaterThanOrEqual(l1[0].endMs)
      expect(maxConcurrent(l1)).toBe(2)
      // Every connection went through the jump host (its log shows each forwarding), and each
      // host saw exactly one login: its shared connection.
      const forwarded = forwardedPorts(p.jump!.log()).slice(jumpBefore)
      expect(forwarded.sort()).toEqual([...ports].sort())
      const logins = loginsByPort(p.sshd.log())
      for (const port of ports)
        expect((logins.get(port) ?? 0) - (loginsBefore.get(port) ?? 0)).toBe(1)
      expect(visibleLog(run)).toContain(`SSH preflight: 4 of 4 hosts ok through 127.0.0.1`)
      const issue = p.github.issues[0]
      expect(issue.body).toContain('## Hosts of the fleet')
      expect(issue.body).toContain(`Level 1 on the canary \`${label(ports[0])}\``)
      expect(run.summary).toContain('### Fleet')
    } finally {
      run.cleanup()
    }
  })

  it('a failing canary stops the fleet: no other host starts Level 1; Level 2 everywhere, canary first', async () => {
    p.failLevels([`1@${ports[0]}`])
    const run = await runFleet('down')
    try {
      expect(byLevel(1).map((r) => [r.port, r.exit])).toEqual([[ports[0], 1]])
      const l2 = byLevel(2)
      expect(l2.map((r) => r.port).sort()).toEqual([...ports].sort())
      expect(l2[0].port).toBe(ports[0])
      for (const r of l2.slice(1)) expect(r.startMs).toBeGreaterThanOrEqual(l2[0].endMs)
      expect(run.outputs).toMatchObject({
        'rollback-level': '2',
        'rollback-status': 'succeeded',
        'rollback-hosts': '4'
      })
      expect(visibleLog(run)).toContain(
        `on ${label(ports[0])}: bash deploy/rollback/rollback.sh --quick exit 1 (3 not started)`
      )
    } finally {
      run.cleanup()
    }
  })

  it('a corruption marker on the third host only → Level 3 on every host, canary first; the reason names that host', async () => {
    p.hostFile(`data/corruption_detected.${ports[2]}`)
    const run = await runFleet('healthy')
    try {
      expect(run.outputs).toMatchObject({
        decision: 'rollback',
        rule: 'data-corruption',
        'rollback-level': '3',
        'rollback-status': 'succeeded',
        'rollback-hosts': '4',
        'rollback-target': p.backups[p.backups.length - 1].id
      })
      expect(run.outputs.reason).toMatch(
        new RegExp(`^data-corruption on ${label(ports[2]).replace(/\./g, '\\.')}: `)
      )
      const l3 = byLevel(3)
      expect(l3.map((r) => r.port).sort()).toEqual([...ports].sort())
      expect(l3[0].port).toBe(ports[0])
      expect(byLevel(1)).toEqual([])
    } finally {
      run.cleanup()
    }
  })

  it('a host missing from ssh-known-hosts is bad input naming it: no probe, no login', async () => {
    let hits = 0
    const server = http.createServer((_req, res) => {
      hits++
      res.end('ok')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const loginsBefore = [...loginsByPort(p.sshd.log()).values()].reduce((a, b) => a + b, 0)
    const pinned = p.sshd.knownHosts
      .split('\n')
      .filter((l) => !l.startsWith(`[127.0.0.1]:${ports[3]} `))
      .join('\n')
    const run = await runFleet('healthy', {
      'health-url': `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`,
      'ssh-known-hosts': pinned
    })
    try {
      expect(run.code).not.toBe(0)
      expect(run.outputs.decision).toBe('bad-input')
      expect(visibleLog(run)).toContain(
        `bad input: ssh-known-hosts pins no key for ${label(ports[3])} (looked up as [127.0.0.1]:${ports[3]})`
      )
      expect(hits).toBe(0)
      expect([...loginsByPort(p.sshd.log()).values()].reduce((a, b) => a + b, 0)).toBe(loginsBefore)
    } finally {
      run.cleanup()
      server.close()
    }
  })
})
