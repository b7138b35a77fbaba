// ssh-host with several hosts, ssh-jump-host, and every host pinned in ssh-known-hosts: checked by
// parseInputs at setup, before anything connects.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { InputError, parseInputs } from '../../src/settings/inputs.js'
import { hashedKnownHost } from '../../src/settings/setup.js'

const KEY =
  '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAAfake\n-----END OPENSSH PRIVATE KEY-----'
const JUMP_KEY =
  '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAAjumpkeyfake\n-----END OPENSSH PRIVATE KEY-----'
const PUB = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIexample'

function parse(inputs: Record<string, string>) {
  const all: Record<string, string> = {
    'health-url': 'http://127.0.0.1:9/health',
    'ssh-user': 'deploy',
    'ssh-private-key': KEY,
    ...inputs
  }
  return parseInputs((name) => all[name] ?? '', {
    now: Date.now(),
    workspace: '/ws',
    readFile: () => {
      throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' })
    },
    fileExists: () => false,
    vars: {},
    hashedKnownHost
  })
}

function error(inputs: Record<string, string>): string {
  try {
    parse(inputs)
  } catch (e) {
    if (e instanceof InputError) return e.message
    throw e
  }
  throw new Error('no InputError')
}

describe('ssh-host: several hosts', () => {
  it('one host reads as before: host and port, one entry in hosts', () => {
    const s = parse({
      'ssh-host': 'deploy.example.com',
      'ssh-known-hosts': `deploy.example.com ${PUB}`
    })
    expect(s.ssh).toMatchObject({ host: 'deploy.example.com', port: 22 })
    expect(s.ssh?.hosts).toEqual([
      { host: 'deploy.example.com', port: 22, label: 'deploy.example.com' }
    ])
    expect(s.ssh?.jump).toBeUndefined()
  })

  it('lines and commas, ssh-port the default, the canary first (host/port are the canary)', () => {
    const s = parse({
      'ssh-host':
        'app-1.example.com, app-2.example.com\napp-3.example.com:2200\n[2001:db8::1]:2201',
      'ssh-port': '2222',
      'ssh-known-hosts': [
        `[app-1.example.com]:2222,[app-2.example.com]:2222 ${PUB}`,
        `[app-3.example.com]:2200 ${PUB}`,
        `[2001:db8::1]:2201 ${PUB}`
      ].join('\n')
    })
    expect(s.ssh).toMatchObject({ host: 'app-1.example.com', port: 2222 })
    expect(s.ssh?.hosts?.map((h) => h.label)).toEqual([
      'app-1.example.com',
      'app-2.example.com',
      'app-3.example.com:2200',
      '[2001:db8::1]:2201'
    ])
  })

  it('a host without a pinned key is bad input naming the host (and how to pin it)', () => {
    expect(
      error({
        'ssh-host': 'app-1,app-2:2200,app-3',
        'ssh-known-hosts': `app-1,app-3 ${PUB}\napp-2 ${PUB}`
      })
    ).toBe(
      'ssh-known-hosts pins no key for app-2:2200 (looked up as [app-2]:2200): add its line, e.g. from ssh-keyscan -p 2200 app-2'
    )
  })

  it('ssh-insecure-skip-host-key-check skips the pinning check', () => {
    const s = parse({
      'ssh-host': 'app-1,app-2',
      'ssh-insecure-skip-host-key-check': 'true'
    })
    expect(s.ssh?.hosts).toHaveLength(2)
  })

  it('hashed known_hosts lines (ssh-keyscan -H) pin their hosts', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rbs-kh-'))
    try {
      const file = path.join(dir, 'known_hosts')
      fs.writeFileSync(file, `[app-1]:2200 ${PUB}\napp-2 ${PUB}\n`)
      execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' })
      const text = fs.readFileSync(file, 'utf8')
      expect(text).not.toContain('app-1')
      const s = parse({ 'ssh-host': 'app-1:2200,app-2', 'ssh-known-hosts': text })
      expect(s.ssh?.hosts).toHaveLength(2)
      expect(error({ 'ssh-host': 'app-1:2200,app-3', 'ssh-known-hosts': text })).toMatch(
        /^ssh-known-hosts pins no key for app-3 /
      )
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it.each([
    ['a bad entry, quoted', { 'ssh-host': 'app-1\napp 2' }, "ssh-host 'app 2' is not a host name"],
    [
      'a host listed twice',
      { 'ssh-host': 'app-1,app-1:22' },
      "ssh-host 'app-1:22' is listed twice"
    ],
    [
      'a bad port in an entry',
      { 'ssh-host': 'app-1:0' },
      "ssh-host 'app-1:0' has a port that is not a port number"
    ]
  ])('%s', (_name, inputs, message) => {
    expect(error({ 'ssh-known-hosts': `* ${PUB}`, ...inputs })).toContain(message)
  })
})

describe('ssh-jump-host', () => {
  const fleet = {
    'ssh-host': 'app-1,app-2',
    'ssh-known-hosts': `app-1,app-2,bastion.example.com ${PUB}`
  }

  it('[user@]host[:port], with the same key by default', () => {
    const s = parse({ ...fleet, 'ssh-jump-host': 'ops@bastion.example.com' })
    expect(s.ssh?.jump).toEqual({ host: 'bastion.example.com', port: 22, user: 'ops' })
    expect(s.ssh?.jumpPrivateKey).toBeUndefined()
  })

  it('its own key is a secret too', () => {
    const s = parse({
      ...fleet,
      'ssh-jump-host': 'bastion.example.com',
      'ssh-jump-private-key': JUMP_KEY
    })
    expect(s.ssh?.jumpPrivateKey).toBe(`${JUMP_KEY}\n`)
    expect(s.secrets).toEqual(expect.arrayContaining([KEY, JUMP_KEY]))
  })

  it.each([
    [
      'its key must be pinned too',
      { 'ssh-jump-host': 'bastion.example.com:2222' },
      'ssh-known-hosts pins no key for the jump host bastion.example.com (looked up as [bastion.example.com]:2222): add its line, e.g. from ssh-keyscan -p 2222 bastion.example.com'
    ],
    [
      'a bad jump host',
      { 'ssh-jump-host': 'ops@bas tion' },
      'ssh-jump-host "ops@bas tion" is not a host name'
    ],
    [
      'a jump key without a jump host',
      { 'ssh-jump-private-key': JUMP_KEY },
      'ssh-jump-private-key is set but ssh-jump-host is empty'
    ],
    [
      'a jump key that is no key (never quoted)',
      { 'ssh-jump-host': 'bastion.example.com', 'ssh-jump-private-key': 'hunter2' },
      'ssh-jump-private-key does not look like a private key'
    ]
  ])('%s', (_name, inputs, message) => {
    const m = error({ ...fleet, ...inputs })
    expect(m).toContain(message)
    expect(m).not.toContain('hunter2')
  })

  it('a jump host without ssh-host is bad input', () => {
    expect(error({ 'ssh-user': '', 'ssh-private-key': '', 'ssh-jump-host': 'bastion' })).toBe(
      'ssh-jump-host is set but ssh-host is empty: set ssh-host or remove ssh-jump-host'
    )
  })
})
