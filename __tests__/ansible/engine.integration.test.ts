// The Ansible engine (src/adapters/ansible) against Debian's ansible-core and a real sshd on four
// loopback ports: values stay data (no Jinja, no shell), the runner's ANSIBLE_* and a planted
// ansible.cfg change nothing, an unreachable canary stops the rollout (ansible/ansible#82834),
// a broken inventory is an error (not "0 hosts, exit 0"), and the masters go with dispose.
import { jest } from '@jest/globals'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { execFileSync } from 'node:child_process'
import { startSshd, writeFakeDeploy } from '../../sandbox/sshd.js'
import { createAnsibleEngine } from '../../src/adapters/ansible/engine.js'
import type { EngineEvent, FleetEngine, PlayStep } from '../../src/adapters/ports.js'

jest.setTimeout(90_000)

type Sshd = Awaited<ReturnType<typeof startSshd>>
let sshd: Sshd
let tmp: string

beforeAll(async () => {
  sshd = await startSshd({ ports: 4 })
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rbs-ansible-'))
})

afterAll(async () => {
  await sshd?.stop()
  fs.rmSync(tmp, { recursive: true, force: true })
})

beforeEach(() => writeFakeDeploy(sshd.deployDir))

const hostsOf = (ports: number[]) =>
  ports.map((port) => ({ host: '127.0.0.1', port, label: `127.0.0.1:${port}` }))

async function engineFor(
  opts: Partial<Parameters<typeof createAnsibleEngine>[0]> = {}
): Promise<FleetEngine> {
  return createAnsibleEngine({
    tempDir: tmp,
    forks: 4,
    ssh: { privateKey: sshd.privateKey, knownHosts: sshd.knownHosts, user: sshd.user },
    hosts: hostsOf(sshd.ports),
    ...opts
  })
}

const step = (command: string, more: Partial<PlayStep> = {}): PlayStep => ({
  command,
  limitS: 20,
  ...more
})

const results = (events: EngineEvent[], task = 'rs-step-0') =>
  events.filter((e) => e.event === 'result' && e.task === task)

describe('the Ansible engine against a real sshd', () => {
  it("passes every value as data: Jinja, $HOME and ~ reach the host's shell as typed, nothing runs on the runner", async () => {
    const marker = path.join(tmp, 'jinja-ran')
    const engine = await engineFor()
    try {
      await engine.prepare()
      const text = `printf '%s|' '{{ lookup("pipe", "touch ${marker}") }}' '$HOME' '~' "{{ 7 * 7 }}"`
      const run = await engine.run({ serial: [4], steps: [step(text)], timeoutMs: 60_000 }, {})
      const out = results(run.events).map((e) => e.stdout)
      expect(out).toHaveLength(4)
      for (const o of out)
        expect(o).toBe(`{{ lookup("pipe", "touch ${marker}") }}|$HOME|~|{{ 7 * 7 }}|`)
      expect(fs.existsSync(marker)).toBe(false)
    } finally {
      await engine.dispose()
    }
  })

  it("ignores the runner's ANSIBLE_* (host key checking off, another config with a planted callback): a wrong pin still fails", async () => {
    const planted = path.join(tmp, 'planted')
    fs.mkdirSync(planted, { recursive: true })
    const marker = path.join(tmp, 'planted-ran')
    fs.writeFileSync(
      path.join(planted, 'evil.py'),
      `open(${JSON.stringify(marker)}, 'w').write('ran')\nfrom ansible.plugins.callback import CallbackBase\nclass CallbackModule(CallbackBase):\n    CALLBACK_NAME = 'evil'\n`
    )
    fs.writeFileSync(
      path.join(planted, 'ansible.cfg'),
      `[defaults]\nhost_key_checking = False\ncallback_plugins = ${planted}\ncallbacks_enabled = evil\n`
    )
    const [first, ...rest] = sshd.knownHosts.split('\n').filter((l) => l.trim())
    const wrongFirst = sshd.wrongKnownHosts
      .split('\n')
      .find((l) => l.startsWith(first.split(' ')[0] + ' ')) as string
    const engine = await engineFor({
      ssh: {
        privateKey: sshd.privateKey,
        knownHosts: [wrongFirst, ...rest].join('\n'),
        user: sshd.user
      },
      env: {
        ...process.env,
        ANSIBLE_HOST_KEY_CHECKING: 'False',
        ANSIBLE_CONFIG: path.join(planted, 'ansible.cfg'),
        ANSIBLE_CALLBACK_PLUGINS: planted,
        ANSIBLE_CALLBACKS_ENABLED: 'evil',
        ANSIBLE_SSH_ARGS: '-o StrictHostKeyChecking=no'
      }
    })
    try {
      const run = await engine.run(
        { serial: [1, 3], steps: [step('echo hello')], timeoutMs: 60_000 },
        {}
      )
      const canary = results(run.events)
      // The canary (wrong pin) is unreachable, and nothing else starts.
      expect(canary.map((e) => [e.host, e.status])).toEqual([['h1', 'unreachable']])
      expect(canary[0].msg).toMatch(
        /REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/
      )
      expect(run.events.filter((e) => e.host !== 'h1' && e.task?.startsWith('rs-step'))).toEqual([])
      expect(fs.existsSync(marker)).toBe(false)
    } finally {
      await engine.dispose()
    }
  })

  it('a failing host in a wave lets its siblings finish, and no later wave starts', async () => {
    const engine = await engineFor()
    try {
      const fail = `[ "\${SSH_CONNECTION##* }" = ${sshd.ports[1]} ] && exit 3; echo ok`
      const run = await engine.run(
        { serial: [1, 2], steps: [step(fail), step('echo second')], timeoutMs: 60_000 },
        {}
      )
      expect(
        results(run.events)
          .map((e) => [e.host, e.rc ?? e.status])
          .sort()
      ).toEqual([
        ['h1', 0],
        ['h2', 3],
        ['h3', 0],
        ['h4', 'skipped']
      ])
      // h3, the failing host's sibling, ran its next step too; h4 (wave 2) never started.
      expect(
        results(run.events, 'rs-step-1')
          .filter((e) => e.status === 'ok')
          .map((e) => e.host)
          .sort()
      ).toEqual(['h1', 'h3'])
      expect(run.events.some((e) => e.host === 'h4' && e.event === 'start')).toBe(false)
      expect(results(run.events, 'rs-step-1').find((e) => e.host === 'h4')?.status).toBe('skipped')
    } finally {
      await engine.dispose()
    }
  })

  it('a team inventory: the pattern picks the hosts in inventory order; an unparsable inventory or an empty match is an error', async () => {
    const inv = path.join(tmp, 'team.ini')
    fs.writeFileSync(
      inv,
      [
        '[web]',
        ...sshd.ports.map((p, i) => `web${4 - i} ansible_host=127.0.0.1 ansible_port=${p}`),
        '[db]',
        'db1 ansible_host=127.0.0.1',
        ''
      ].join('\n')
    )
    const engine = await engineFor({ hosts: undefined, inventory: { path: inv, pattern: 'web' } })
    try {
      const { hosts, version } = await engine.prepare()
      expect(version).toMatch(/^2\.\d+/)
      expect(hosts.map((h) => h.name)).toEqual(['web4', 'web3', 'web2', 'web1'])
    } finally {
      await engine.dispose()
    }
    const none = await engineFor({ hosts: undefined, inventory: { path: inv, pattern: 'nothing' } })
    await expect(none.prepare()).rejects.toThrow("ansible-hosts 'nothing' matches no host of")
    await none.dispose()
    const bad = path.join(tmp, 'bad.yml')
    fs.writeFileSync(bad, 'all: [this is: not an inventory\n')
    const broken = await engineFor({ hosts: undefined, inventory: { path: bad, pattern: 'all' } })
    await expect(broken.prepare()).rejects.toThrow(/could not be read/)
    await broken.dispose()
  })

  it('dispose closes every master connection Ansible left behind and removes the key', async () => {
    const engine = await engineFor()
    const run = await engine.run({ serial: [4], steps: [step('true')], timeoutMs: 60_000 }, {})
    expect(results(run.events)).toHaveLength(4)
    const dir = engine.dir
    const controlDir = /^control_path_dir = (.+)$/m.exec(
      fs.readFileSync(path.join(dir, 'ansible.cfg'), 'utf8')
    )?.[1] as string
    const masters = () =>
      execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
        .split('\n')
        .filter((l) => l.startsWith(`ssh: ${controlDir}/`))
    expect(masters()).toHaveLength(4)
    expect(fs.existsSync(path.join(dir, 'id_key'))).toBe(true)
    await engine.dispose()
    const deadline = Date.now() + 5_000
    while (masters().length > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100))
    expect(masters()).toEqual([])
    expect(fs.existsSync(dir)).toBe(false)
  })
})

describe('an unreachable host in a wave (ansible/ansible#82834: any_errors_fatal would not stop)', () => {
  it('stops the rollout after its wave: every later host skips its first step', async () => {
    const [a, bLine, ...rest] = sshd.knownHosts.split('\n').filter((l) => l.trim())
    const wrongB = sshd.wrongKnownHosts
      .split('\n')
      .find((l) => l.startsWith(bLine.split(' ')[0] + ' ')) as string
    const engine = await engineFor({
      ssh: {
        privateKey: sshd.privateKey,
        knownHosts: [a, wrongB, ...rest].join('\n'),
        user: sshd.user
      }
    })
    try {
      const run = await engine.run(
        { serial: [1, 2], steps: [step('echo hi')], timeoutMs: 60_000 },
        {}
      )
      expect(
        results(run.events)
          .filter((e) => e.status !== 'skipped')
          .map((e) => [e.host, e.status])
          .sort()
      ).toEqual([
        ['h1', 'ok'],
        ['h2', 'unreachable'],
        ['h3', 'ok']
      ])
      expect(
        results(run.events)
          .filter((e) => e.status === 'skipped')
          .map((e) => e.host)
      ).toEqual(['h4'])
    } finally {
      await engine.dispose()
    }
  })
})

describe('disposeSync (a signal handler)', () => {
  it('closes the masters too, and removes the key at once', async () => {
    const engine = await engineFor()
    await engine.run({ serial: [4], steps: [step('true')], timeoutMs: 60_000 }, {})
    const controlDir = /^control_path_dir = (.+)$/m.exec(
      fs.readFileSync(path.join(engine.dir, 'ansible.cfg'), 'utf8')
    )?.[1] as string
    const masters = () =>
      execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
        .split('\n')
        .filter((l) => l.startsWith(`ssh: ${controlDir}/`))
    expect(masters()).toHaveLength(4)
    engine.disposeSync()
    expect(fs.existsSync(engine.dir)).toBe(false)
    const deadline = Date.now() + 5_000
    while (masters().length > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100))
    expect(masters()).toEqual([])
  })
})
