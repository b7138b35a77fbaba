// executor: ssh | ansible and the team inventory inputs (settings/ansible.ts): every refusal
// names the input, before anything runs.
import { parseExecutor } from '../../src/settings/ansible.js'
import type { SshSettings } from '../../src/settings/types.js'

const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----'
const SSH: SshSettings = {
  host: 'app-1',
  port: 22,
  user: 'deploy',
  privateKey: KEY + '\n',
  knownHosts: 'app-1 ssh-ed25519 AAAA',
  insecureSkipHostKeyCheck: false,
  appDir: '/srv/app'
}

function parse(inputs: Record<string, string>, ssh?: SshSettings, files = ['/ws/ops/inv.ini']) {
  return parseExecutor(
    {
      get: (name) => inputs[name] ?? '',
      bool: (name) => inputs[name] === 'true',
      resolve: (p) => (p.startsWith('/') ? p : `/ws/${p}`),
      fileExists: (f) => files.includes(f)
    },
    ssh
  )
}

const TEAM = {
  executor: 'ansible',
  'ansible-inventory': 'ops/inv.ini',
  'ssh-private-key': KEY,
  'ssh-known-hosts': '[10.0.0.5]:22 ssh-ed25519 AAAA'
}

describe('executor and ansible-* inputs', () => {
  it.each<[string, Record<string, string>, SshSettings | undefined, string]>([
    ['an unknown executor', { executor: 'salt' }, SSH, 'executor "salt" must be ssh or ansible'],
    [
      'an inventory without executor: ansible',
      { 'ansible-inventory': 'x.ini' },
      SSH,
      'ansible-inventory is set but executor is ssh'
    ],
    [
      'no hosts at all',
      { executor: 'ansible' },
      undefined,
      'executor: ansible needs hosts: ssh-host'
    ],
    [
      'the insecure switch',
      { executor: 'ansible', 'ssh-insecure-skip-host-key-check': 'true' },
      SSH,
      'refuses ssh-insecure-skip-host-key-check'
    ],
    ['both ssh-host and an inventory', TEAM, SSH, 'set ssh-host or ansible-inventory, not both'],
    [
      'a missing inventory',
      { ...TEAM, 'ansible-inventory': 'nope.ini' },
      undefined,
      "ansible-inventory 'nope.ini' does not exist (resolved to /ws/nope.ini)"
    ],
    [
      'a pattern that reads a file',
      { ...TEAM, 'ansible-hosts': '@hosts.txt' },
      undefined,
      'is not a host pattern'
    ],
    [
      'a pattern with Jinja',
      { ...TEAM, 'ansible-hosts': "{{ lookup('pipe','id') }}" },
      undefined,
      'is not a host pattern'
    ],
    ['a regex pattern', { ...TEAM, 'ansible-hosts': '~web.*' }, undefined, 'is not a host pattern'],
    [
      'a pattern with a space',
      { ...TEAM, 'ansible-hosts': 'web db' },
      undefined,
      'is not a host pattern'
    ],
    [
      'an inventory without a key',
      { ...TEAM, 'ssh-private-key': '' },
      undefined,
      'ssh-private-key is required with ansible-inventory'
    ],
    [
      'an inventory without pins',
      { ...TEAM, 'ssh-known-hosts': '' },
      undefined,
      'ssh-known-hosts is required with ansible-inventory'
    ],
    ['a bad user', { ...TEAM, 'ssh-user': 'root;id' }, undefined, "ssh-user 'root;id'"]
  ])('refuses %s', (_what, inputs, ssh, message) => {
    expect(() => parse(inputs, ssh)).toThrow(message)
  })

  it('is absent for executor: ssh (the default)', () => {
    expect(parse({}, SSH)).toBeUndefined()
    expect(parse({ executor: 'SSH' }, SSH)).toBeUndefined()
  })

  it("takes ssh-host's key, pins, user, jump and app-dir for the inventory it writes", () => {
    expect(parse({ executor: 'ansible' }, SSH)).toEqual({
      credentials: {
        privateKey: SSH.privateKey,
        knownHosts: SSH.knownHosts,
        appDir: '/srv/app',
        user: 'deploy'
      }
    })
  })

  it('reads a team inventory with its pattern and the SSH inputs alone', () => {
    expect(
      parse({ ...TEAM, 'ansible-hosts': 'web:&prod:!canary-*', 'app-dir': '/srv/app' })
    ).toEqual({
      inventory: { path: '/ws/ops/inv.ini', pattern: 'web:&prod:!canary-*' },
      credentials: {
        privateKey: KEY + '\n',
        knownHosts: TEAM['ssh-known-hosts'],
        appDir: '/srv/app'
      }
    })
  })
})
