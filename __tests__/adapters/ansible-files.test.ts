// What the Ansible executor writes and reads (adapters/ansible): values reach Ansible only as
// `!unsafe` data, the child's environment keeps none of the runner's ANSIBLE_*, and each host's
// result means what it would over SSH.
import { ansibleCfg, playbook, playVars, unsafe } from '../../src/adapters/ansible/files.js'
import { ansibleEnv, parseListHosts } from '../../src/adapters/ansible/engine.js'
import { optionalScriptText, remoteResultOf } from '../../src/adapters/ansible/results.js'

describe('the files the engine writes', () => {
  it('tags every value !unsafe, as a JSON string (Jinja, quotes and newlines stay data)', () => {
    const jinja = "{{ lookup('pipe', 'id') }}\n\"x\""
    expect(unsafe(jinja)).toBe(`!unsafe ${JSON.stringify(jinja)}`)
    const vars = playVars({
      serial: [1, 50],
      steps: [
        { command: jinja, limitS: 5 },
        { command: 'x', perHost: { 'h{{1}}': jinja }, limitS: 5 }
      ],
      stopFile: '/t/stop',
      cancelFile: '/t/cancel'
    })
    expect(vars).toContain('rs_serial: [1, 50]')
    expect(vars).toContain(`  - ${unsafe(jinja)}`)
    expect(vars).toContain(`    "h{{1}}": ${unsafe(jinja)}`)
    // No value outside an !unsafe tag: every line is a key, a list marker or a tagged scalar.
    for (const line of vars.split('\n').filter((l) => l.includes('{{')))
      expect(line).toMatch(/!unsafe "/)
  })

  it('the playbook holds no value: only references to the tagged variables', () => {
    const text = playbook([
      { command: 'bash evil.sh {{ x }}', limitS: 5 },
      { command: 'c', limitS: 5, optional: true, tolerate: true }
    ])
    expect(text).not.toContain('evil')
    expect(text).toContain('ansible.builtin.raw: "{{ rs_steps[0] }}"')
    expect(text).toContain('strategy: free')
    expect(text).toContain('timeout: 35')
    expect(text).toContain('ignore_errors: true')
    expect(text).toContain('when: not (rs_stop_file is exists or rs_cancel_file is exists)')
    expect(text).toContain('when: not (rs_cancel_file is exists or rs_result_0 is skipped)')
  })

  it("ansible.cfg: static inventories only, the action's callback, no value on two lines", () => {
    const cfg = ansibleCfg({
      dir: '/t/d',
      forks: 50,
      sshArgs: "-F '/t/d/ssh_config'",
      controlDir: '/tmp/cp'
    })
    expect(cfg).toContain('enable_plugins = yaml, ini')
    expect(cfg).toContain('host_key_checking = True')
    expect(cfg).toContain('forks = 50')
    expect(cfg).toContain('pipelining = True')
    expect(() =>
      ansibleCfg({ dir: '/t/d\n[defaults]', forks: 1, sshArgs: '', controlDir: '/tmp/cp' })
    ).toThrow('more than one line')
  })

  it("drops every inherited ANSIBLE_* (any case) and PYTHONPATH, keeps the rest, sets the action's own", () => {
    const env = ansibleEnv(
      {
        PATH: '/usr/bin',
        ANSIBLE_HOST_KEY_CHECKING: 'False',
        ansible_config: '/repo/ansible.cfg',
        PYTHONPATH: '/repo/plugins',
        HOME: '/root'
      },
      { ANSIBLE_CONFIG: '/t/ansible.cfg' }
    )
    expect(env).toEqual({ PATH: '/usr/bin', HOME: '/root', ANSIBLE_CONFIG: '/t/ansible.cfg' })
  })

  it('reads `ansible --list-hosts` in its order', () => {
    expect(parseListHosts('  hosts (3):\n    web3\n    web1\n    db\n')).toEqual([
      'web3',
      'web1',
      'db'
    ])
    expect(parseListHosts('[WARNING]: nothing\n  hosts (0):\n')).toEqual([])
    expect(parseListHosts('')).toEqual([])
  })
})

describe("a host's result, in the built-in executor's terms", () => {
  const at = (seconds: number) => ({ start: 1000, end: 1000 + seconds })
  it.each([
    [
      'unreachable with a changed key',
      {
        status: 'unreachable',
        msg: 'WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!\nHost key verification failed.',
        ...at(0.2)
      },
      {
        exitCode: null,
        sshFailure: 'host key changed (REMOTE HOST IDENTIFICATION HAS CHANGED)',
        timedOut: false,
        absent: false
      }
    ],
    [
      'an exit code',
      { status: 'failed', rc: 3, stdout: 'x', ...at(1) },
      { exitCode: 3, timedOut: false, absent: false }
    ],
    [
      'killed by `timeout` at the limit',
      { status: 'failed', rc: 124, ...at(10) },
      { exitCode: null, timedOut: true, absent: false }
    ],
    [
      'exit 124 well before the limit',
      { status: 'failed', rc: 124, ...at(2) },
      { exitCode: 124, timedOut: false, absent: false }
    ],
    [
      "Ansible's own task limit",
      {
        status: 'failed',
        msg: 'The command action failed to execute in the expected time frame (40) and was terminated',
        ...at(40)
      },
      { exitCode: null, timedOut: true, absent: false }
    ],
    [
      'an optional script absent on the host',
      { status: 'ok', rc: 200, stderr: 'rollback-sentinel: absent on host', ...at(0.1) },
      { exitCode: 200, timedOut: false, absent: true }
    ],
    [
      'exit 200 with other output is a failure',
      { status: 'failed', rc: 200, stderr: 'rollback-sentinel: absent on host\nmore', ...at(0.1) },
      { exitCode: 200, timedOut: false, absent: false }
    ]
  ])('%s', (_what, event, expected) => {
    expect(remoteResultOf({ event: 'result', ...(event as object) }, 10)).toMatchObject(expected)
  })

  it('an optional script runs in app-dir only when the host has it', () => {
    expect(optionalScriptText('/srv/my app', 'deploy/smoke.sh', 30_000)).toBe(
      "cd '/srv/my app' && if [ -f deploy/smoke.sh ]; then timeout -k 5 30 bash -c 'bash deploy/smoke.sh'; else echo 'rollback-sentinel: absent on host' >&2; exit 200; fi"
    )
  })
})
