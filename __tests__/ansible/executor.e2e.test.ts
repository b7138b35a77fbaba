// executor: ansible end to end: the bundle with Debian's ansible-core against one production whose
// sshd listens on four ports (four "hosts"; the host scripts tell them apart by $SSH_CONNECTION and
// keep start/end records per host). Run by `npm run test:ansible` (its own CI step).
import { jest } from '@jest/globals'
import fs from 'node:fs'
import path from 'node:path'
import { startProduction } from '../../sandbox/production.js'
import { runAction, sandboxInputs } from '../../sandbox/run-action.js'
import { maxConcurrent } from '../../sandbox/records.js'
import { E2E_TIMEOUT, requireBundle, visibleLog, type Production } from '../e2e/harness.js'

jest.setTimeout(E2E_TIMEOUT * 2)

const POLICY = `
health: { timeout: 2s, slow: 1500ms, confirm: 1, confirm-interval: 200ms, version-wait: 10s }
rollback: { max-level: 3, timeouts: { 1: 20s, 2: 20s, 3: 20s }, verify: 3s, max-parallel: 2 }
`

let p: Production
let ports: number[]
const label = (port: number) => `127.0.0.1:${port}`
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

beforeAll(async () => {
  requireBundle()
  p = await startProduction({ hosts: 4, prometheus: false })
  ports = p.sshd.ports
})

afterAll(async () => {
  await p?.stop()
})

beforeEach(() => p.reset())

/** Deploys the scenario and runs the bundle against every host, through Ansible by default. */
async function runFleet(
  scenario: string,
  inputs: Record<string, string> = {},
  more: Partial<Parameters<typeof runAction>[0]> = {}
) {
  const deployedAt = p.deploy(scenario)
  const run = await runAction({
    inputs: sandboxInputs(p, {
      'deployed-at': new Date(deployedAt).toISOString(),
      'ssh-host': ports.map(label).join('\n'),
      'ssh-port': '22',
      'ssh-known-hosts': p.sshd.knownHosts,
      'restart-command': '',
      'watch-duration': '20s',
      'probe-interval': '1s',
      executor: 'ansible',
      ...inputs
    }),
    policy: POLICY,
    apiUrl: p.github.url,
    timeoutMs: 120_000,
    ...more
  })
  return run
}

const byLevel = (level: number) => p.records().filter((r) => r.level === level)

/**
 * The fleet section of the issue without times (they differ between any two runs), its lines
 * sorted: within a wave, hosts are listed as they finish, with either executor.
 */
function fleetTable(body: string): string {
  const start = body.indexOf('## Hosts of the fleet')
  const section = body.slice(start, body.indexOf('\n## ', start + 5))
  return section
    .replace(/\d+(\.\d+)?\s?(ms|s|min)\b/g, 'T')
    .replace(/\d{2}:\d{2}:\d{2}/g, 'HH:MM:SS')
    .replace(/\b\d+m\d+s\b/g, 'T')
    .split('\n')
    .sort()
    .join('\n')
}

/** Processes whose working directory is the production's deploy dir and run rollback.sh. */
function rollbacksRunning(): number[] {
  const out: number[] = []
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cwd = fs.readlinkSync(path.join('/proc', pid, 'cwd'))
      const cmd = fs.readFileSync(path.join('/proc', pid, 'cmdline'), 'utf8')
      if (cwd === p.deployDir && cmd.includes('rollback.sh')) out.push(Number(pid))
    } catch {
      // gone, or not ours to read
    }
  }
  return out
}

describe('end to end: executor: ansible on a fleet of four hosts', () => {
  it('the canary alone and first, then waves of at most max-parallel; the report is the same as with executor: ssh', async () => {
    p.rollbackSleep(0.5)
    const run = await runFleet('down')
    let ansibleTable: string
    try {
      expect(run.outputs).toMatchObject({
        decision: 'rollback',
        rule: 'service-down',
        'rollback-level': '1',
        'rollback-status': 'succeeded',
        'rollback-hosts': '4'
      })
      const l1 = byLevel(1)
      expect(l1.map((r) => r.port).sort()).toEqual([...ports].sort())
      expect(l1[0].port).toBe(ports[0])
      for (const r of l1.slice(1)) expect(r.startMs).toBeGreaterThanOrEqual(l1[0].endMs)
      expect(maxConcurrent(l1)).toBe(2)
      const log = visibleLog(run)
      expect(log).toMatch(/executor: ansible \(ansible-core \d+\.\d+/)
      expect(log).toContain(`Level 1: the canary ${label(ports[0])} first, alone (Ansible)`)
      expect(log).toContain(
        `[${label(ports[1])}] Level 1 rollback: bash deploy/rollback/rollback.sh --quick`
      )
      ansibleTable = fleetTable(p.github.issues[0].body)
      expect(ansibleTable).toContain(`\`${label(ports[3])}\``)
    } finally {
      run.cleanup()
    }
    await p.reset()
    p.rollbackSleep(0.5)
    const ssh = await runFleet('down', { executor: 'ssh' })
    try {
      expect(ssh.outputs['rollback-status']).toBe('succeeded')
      expect(fleetTable(p.github.issues[0].body)).toBe(ansibleTable)
    } finally {
      ssh.cleanup()
    }
  })

  it('a failing canary stops the rest and escalates: Level 2 everywhere (targets from --list through Ansible), canary first', async () => {
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

  it('a wrong host key on one host fails that host (ANSIBLE_HOST_KEY_CHECKING=False in the runner changes nothing): the rollback is failed, no later wave', async () => {
    const wrong = p.sshd.wrongKnownHosts
      .split('\n')
      .filter((l) => l.startsWith(`[127.0.0.1]:${ports[2]} `))
    const pins = p.sshd.knownHosts
      .split('\n')
      .filter((l) => !l.startsWith(`[127.0.0.1]:${ports[2]} `))
      .concat(wrong)
      .join('\n')
    const run = await runFleet(
      'down',
      { 'ssh-known-hosts': pins, 'policy-file': 'policy.yml' },
      {
        env: { ANSIBLE_HOST_KEY_CHECKING: 'False', ANSIBLE_SSH_ARGS: '-o StrictHostKeyChecking=no' }
      }
    )
    try {
      expect(run.outputs['rollback-status']).toBe('failed')
      expect(visibleLog(run)).toContain(
        `Rollback failed: Level 1 rollback on ${label(ports[2])}: host key changed (REMOTE HOST IDENTIFICATION HAS CHANGED)`
      )
      const ran = byLevel(1).map((r) => r.port)
      expect(ran).not.toContain(ports[2])
      // Canary, then wave 1 (ports 1 and 2: 2 fails), and wave 2 (port 3) never starts.
      expect(ran.sort()).toEqual([ports[0], ports[1]].sort())
      expect(byLevel(2)).toEqual([])
    } finally {
      run.cleanup()
    }
  })

  it("a team inventory that turns pinning off (ansible.cfg, group_vars, a host variable) is still pinned, and the repository's ansible.cfg never runs", async () => {
    const marker = path.join(p.root, 'repo-callback-ran')
    fs.rmSync(marker, { force: true })
    const wrong = p.sshd.wrongKnownHosts
      .split('\n')
      .filter((l) => l.startsWith(`[127.0.0.1]:${ports[1]} `))
    const pins = p.sshd.knownHosts
      .split('\n')
      .filter((l) => !l.startsWith(`[127.0.0.1]:${ports[1]} `))
      .concat(wrong)
      .join('\n')
    const inventory = [
      '[web]',
      ...ports.map(
        (port, i) =>
          `app${i + 1} ansible_host=127.0.0.1 ansible_port=${port}` +
          (i === 1 ? ' ansible_host_key_checking=false' : '')
      ),
      ''
    ].join('\n')
    const files = {
      'ops/inventory.ini': inventory,
      'ops/group_vars/all.yml': [
        'ansible_host_key_checking: false',
        "ansible_ssh_args: '-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null'",
        "ansible_ssh_common_args: '-o StrictHostKeyChecking=no'",
        ''
      ].join('\n'),
      'ansible.cfg': [
        '[defaults]',
        'host_key_checking = False',
        'callback_plugins = ./plugins',
        'callbacks_enabled = planted',
        ''
      ].join('\n'),
      'plugins/planted.py': [
        'from ansible.plugins.callback import CallbackBase',
        `open(${JSON.stringify(marker)}, 'w').write('ran')`,
        'class CallbackModule(CallbackBase):',
        '    CALLBACK_NAME = "planted"',
        ''
      ].join('\n')
    }
    const run = await runFleet(
      'down',
      {
        'ssh-host': '',
        'ssh-known-hosts': pins,
        'ansible-inventory': 'ops/inventory.ini',
        'ansible-hosts': 'web'
      },
      { files, env: { ANSIBLE_CONFIG: 'ansible.cfg' } }
    )
    try {
      const log = visibleLog(run)
      expect(log).toMatch(
        /executor: ansible \(ansible-core [\d.]+\) on 4 host\(s\) of .*ops\/inventory\.ini matching 'web', canary app1/
      )
      expect(run.outputs['rollback-status']).toBe('failed')
      expect(log).toContain(
        'Rollback failed: Level 1 rollback on app2: host key changed (REMOTE HOST IDENTIFICATION HAS CHANGED)'
      )
      expect(byLevel(1).map((r) => r.port)).toEqual([ports[0], ports[2]])
      expect(fs.existsSync(marker)).toBe(false)
    } finally {
      run.cleanup()
    }
  })

  it('cancellation (SIGINT, then SIGTERM) stops Ansible, and every remote rollback ends within its limit', async () => {
    p.slowRollback(60)
    const run = await runFleet(
      'down',
      {},
      {
        policy: POLICY.replace(
          'timeouts: { 1: 20s, 2: 20s, 3: 20s }',
          'timeouts: { 1: 6s, 2: 6s, 3: 6s }'
        ),
        signalOn: {
          match: (line: string) =>
            line.includes('Level 1 rollback: bash deploy/rollback/rollback.sh'),
          signal: 'SIGINT',
          thenAfterMs: 1_500
        }
      }
    )
    try {
      expect(run.outputs['rollback-status']).toBe('failed')
      expect(visibleLog(run)).toContain(
        `Rollback failed: cancelled during Level 1 (Level 1 ran on 1 of 4 hosts, 3 not started): bash deploy/rollback/rollback.sh --quick on ${label(ports[0])} no exit code (cancelled)`
      )
      expect(run.exitAfterSignalMs).toBeLessThan(15_000)
      // The cancel does not kill the remote rollback (with pipelining there is no terminal to hang
      // up): the `timeout` around it on the host does, at the 6 s limit (KILL 5 s later at most).
      const deadline = Date.now() + 30_000
      while (rollbacksRunning().length > 0 && Date.now() < deadline) await sleep(200)
      const goneAt = Date.now()
      expect(rollbacksRunning()).toEqual([])
      const starts = p
        .calls()
        .filter((c) => c.script === 'rollback.sh' && c.args === '--quick')
        .map((c) => c.atMs)
      expect(starts.length).toBe(1)
      expect(goneAt - starts[0]).toBeLessThan(6_000 + 5_000 + 2_000)
      // Nothing but the canary started: the cancel came during the canary's rollback.
      expect(visibleLog(run)).not.toContain(`[${label(ports[1])}] Level 1 rollback:`)
    } finally {
      run.cleanup()
    }
  })
})
