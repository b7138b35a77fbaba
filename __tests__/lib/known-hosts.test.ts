// The hosts of ssh-host and the jump host (lib/patterns.ts), and which of them a known_hosts text
// pins (lib/known-hosts.ts), as OpenSSH looks them up.
import { createHmac } from 'node:crypto'
import { isPinned, unpinnedHosts } from '../../src/lib/known-hosts.js'
import {
  hostLabel,
  knownHostsName,
  parseHostList,
  parseHostPort,
  parseJumpHost
} from '../../src/lib/patterns.js'

describe('parseHostPort', () => {
  it.each<[string, string, unknown]>([
    [
      'parseHostPort: a name takes ssh-port',
      'app-1.example.com',
      { host: 'app-1.example.com', port: 2222 }
    ],
    ['parseHostPort: host:port', 'app-1:2200', { host: 'app-1', port: 2200 }],
    ['parseHostPort: IPv4:port', '10.0.0.7:22', { host: '10.0.0.7', port: 22 }],
    ['parseHostPort: [ipv6]:port', '[2001:db8::1]:2201', { host: '2001:db8::1', port: 2201 }],
    ['parseHostPort: [ipv6] takes ssh-port', '[2001:db8::1]', { host: '2001:db8::1', port: 2222 }],
    [
      'parseHostPort: a bare IPv6 address has no port',
      '2001:db8::1',
      { host: '2001:db8::1', port: 2222 }
    ],
    [
      'parseHostPort: a port out of range',
      'app-1:70000',
      'has a port that is not a port number (1-65535)'
    ],
    ['parseHostPort: an empty port', 'app-1:', 'has a port that is not a port number (1-65535)'],
    [
      'parseHostPort: reads as an ssh option',
      '-oProxyCommand=x',
      expect.stringMatching(/^is not a host name/)
    ],
    ['parseHostPort: shell characters', 'app;id', expect.stringMatching(/^is not a host name/)],
    [
      'parseHostPort: brackets around a name',
      '[app-1]:22',
      expect.stringMatching(/^is not an IPv6 address/)
    ]
  ])('%s', (_name, entry, want) => {
    expect(parseHostPort(entry, 2222)).toEqual(want)
  })
})

describe('parseHostList', () => {
  it.each<[string, string, unknown]>([
    [
      'parseHostList: one host behaves as before',
      'deploy.example.com',
      [{ host: 'deploy.example.com', port: 22 }]
    ],
    [
      'parseHostList: one per line, the first is the canary',
      'app-1\napp-2:2200\n\n[::1]:2201\n',
      [
        { host: 'app-1', port: 22 },
        { host: 'app-2', port: 2200 },
        { host: '::1', port: 2201 }
      ]
    ],
    [
      'parseHostList: comma-separated, spaces ignored',
      'app-1, app-2 ,app-3',
      [
        { host: 'app-1', port: 22 },
        { host: 'app-2', port: 22 },
        { host: 'app-3', port: 22 }
      ]
    ],
    ['parseHostList: # lines are comments', '# canary\napp-1', [{ host: 'app-1', port: 22 }]],
    ['parseHostList: a host listed twice', 'app-1\nAPP-1:22', "'APP-1:22' is listed twice"],
    [
      'parseHostList: the bad entry is quoted',
      'app-1, app 2',
      "'app 2' is not a host name or IP address (use host, host:port or [ipv6]:port)"
    ],
    ['parseHostList: nothing but commas', ' , ,', 'names no host']
  ])('%s', (_name, raw, want) => {
    expect(parseHostList(raw, 22)).toEqual(want)
  })
})

describe('parseJumpHost', () => {
  it.each<[string, string, unknown]>([
    ['parseJumpHost: host only', 'bastion.example.com', { host: 'bastion.example.com', port: 22 }],
    [
      'parseJumpHost: user@host:port',
      'ops@bastion:2222',
      { host: 'bastion', port: 2222, user: 'ops' }
    ],
    [
      'parseJumpHost: user@[ipv6]:port',
      'ops@[2001:db8::9]:22',
      { host: '2001:db8::9', port: 22, user: 'ops' }
    ],
    ['parseJumpHost: a bad user', 'o;ps@bastion', 'has a user that is not a valid user name'],
    ['parseJumpHost: a bad port', 'bastion:0', 'has a port that is not a port number (1-65535)']
  ])('%s', (_name, raw, want) => {
    expect(parseJumpHost(raw)).toEqual(want)
  })
})

describe('hostLabel and knownHostsName', () => {
  it.each<[string, { host: string; port: number }, string, string]>([
    ['on the default port', { host: 'app-1', port: 22 }, 'app-1', 'app-1'],
    ['on its own port', { host: 'app-1', port: 2200 }, 'app-1:2200', '[app-1]:2200'],
    ['IPv6 on its own port', { host: '::1', port: 2200 }, '[::1]:2200', '[::1]:2200'],
    ['IPv6 on 22', { host: '::1', port: 22 }, '::1', '::1']
  ])('%s', (_name, h, label, name) => {
    expect(hostLabel(h, 22)).toBe(label)
    expect(knownHostsName(h)).toBe(name)
  })
})

/** What `ssh-keyscan -H` writes for a name: |1|salt|HMAC-SHA1(salt, name). */
function hashed(name: string, salt = Buffer.from('0123456789abcdef0123')): string {
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`
}
const matchHashed = (entry: string, name: string): boolean => {
  const [, , salt, mac] = entry.split('|')
  return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === mac
}
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIexample'

describe('isPinned', () => {
  it.each<[string, string, { host: string; port: number }, boolean]>([
    ['isPinned: a plain line on port 22', `app-1 ${KEY}`, { host: 'app-1', port: 22 }, true],
    [
      'isPinned: a plain name does not pin another port',
      `app-1 ${KEY}`,
      { host: 'app-1', port: 2200 },
      false
    ],
    ['isPinned: [host]:port', `[app-1]:2200 ${KEY}`, { host: 'app-1', port: 2200 }, true],
    [
      'isPinned: one of several names on a line',
      `app-0,[app-1]:2200,10.0.0.7 ${KEY}`,
      { host: 'app-1', port: 2200 },
      true
    ],
    ['isPinned: names are case-insensitive', `APP-1 ${KEY}`, { host: 'app-1', port: 22 }, true],
    ['isPinned: a wildcard', `*.example.com ${KEY}`, { host: 'app-1.example.com', port: 22 }, true],
    [
      'isPinned: a negated name wins over a wildcard',
      `*.example.com,!app-2.example.com ${KEY}`,
      { host: 'app-2.example.com', port: 22 },
      false
    ],
    [
      'isPinned: a line without a key pins nothing',
      'app-1 ssh-ed25519',
      { host: 'app-1', port: 22 },
      false
    ],
    [
      'isPinned: @revoked pins nothing',
      `@revoked app-1 ${KEY}`,
      { host: 'app-1', port: 22 },
      false
    ],
    [
      'isPinned: @cert-authority pins (the host certificate is checked)',
      `@cert-authority *.example.com ${KEY}`,
      { host: 'app-1.example.com', port: 22 },
      true
    ],
    ['isPinned: a comment is no line', `# app-1 ${KEY}`, { host: 'app-1', port: 22 }, false],
    [
      'isPinned: a hashed line of the name',
      `${hashed('[app-1]:2200')} ${KEY}`,
      { host: 'app-1', port: 2200 },
      true
    ],
    [
      'isPinned: a hashed line of another name',
      `${hashed('app-2')} ${KEY}`,
      { host: 'app-1', port: 22 },
      false
    ]
  ])('%s', (_name, text, host, want) => {
    expect(isPinned(text, host, matchHashed)).toBe(want)
  })

  it('isPinned: without a matcher a hashed line matches nothing (never a false "pinned")', () => {
    expect(isPinned(`${hashed('app-1')} ${KEY}`, { host: 'app-1', port: 22 })).toBe(false)
  })

  it('unpinnedHosts: the hosts a text misses, in order', () => {
    const text = `[127.0.0.1]:2201 ${KEY}\n[127.0.0.1]:2203 ${KEY}\n`
    const hosts = [2201, 2202, 2203, 2204].map((port) => ({ host: '127.0.0.1', port }))
    expect(unpinnedHosts(text, hosts).map((h) => h.port)).toEqual([2202, 2204])
  })
})
