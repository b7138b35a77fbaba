// The settings mode command adds: notify-webhook (a secret) and the policy key commands.min-role.
import { parseInputs } from '../../src/settings/inputs.js'
import { loadPolicy } from '../../src/settings/policy.js'

const HOOK = 'https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX'

function parse(inputs: Record<string, string>, vars: Record<string, string> = {}) {
  const all: Record<string, string> = { 'health-url': 'http://127.0.0.1:8080/health', ...inputs }
  return parseInputs((name) => all[name] ?? '', {
    now: Date.parse('2026-11-25T12:00:00Z'),
    workspace: '/ws',
    readFile: () => {
      throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' })
    },
    fileExists: () => false,
    vars: { GITHUB_REPOSITORY: 'acme/shop', ...vars }
  })
}

describe('notify-webhook', () => {
  it('notify-webhook: optional; when set, a secret (the URL and its token path are masked and scrubbed)', () => {
    expect(parse({}).notify).toEqual({})
    const s = parse({ 'notify-webhook': HOOK })
    expect(s.notify.webhook).toBe(HOOK)
    expect(s.secrets).toEqual(
      expect.arrayContaining([HOOK, '/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX'])
    )
  })

  it.each([
    [
      'notify-webhook: not a URL',
      'hooks.slack.com/services/T/B/SECRETPART',
      /^notify-webhook is not a URL/
    ],
    [
      'notify-webhook: another scheme',
      'ftp://hooks.example.com/SECRETPART',
      /must be an https:\/\/ \(or http:\/\/\) URL, not ftp:/
    ]
  ])('%s: refused without quoting the value', (_name, value, message) => {
    let error = ''
    try {
      parse({ 'notify-webhook': value })
    } catch (e) {
      error = (e as Error).message
    }
    expect(error).toMatch(message)
    expect(error).not.toContain('SECRETPART')
  })
})

describe('event settings', () => {
  it('mode command reads GITHUB_EVENT_NAME and GITHUB_EVENT_PATH', () => {
    const s = parse(
      { mode: 'command' },
      { GITHUB_EVENT_NAME: 'issue_comment', GITHUB_EVENT_PATH: '/home/runner/event.json' }
    )
    expect(s.mode).toBe('command')
    expect(s.run).toMatchObject({
      eventName: 'issue_comment',
      eventPath: '/home/runner/event.json'
    })
  })
})

describe('commands.min-role', () => {
  it.each([
    ['commands.min-role: default maintain', '', 'maintain'],
    ['commands.min-role: write', 'commands: { min-role: write }', 'write'],
    ['commands.min-role: admin', 'commands: { min-role: admin }', 'admin']
  ])('%s', (_name, yaml, role) => {
    expect(loadPolicy(yaml).commands.minRole).toBe(role)
  })

  it.each([
    [
      'commands.min-role: triage is below changing the repository',
      'commands: { min-role: triage }'
    ],
    ['commands.min-role: read', 'commands: { min-role: read }'],
    ['commands.min-role: a number', 'commands: { min-role: 3 }']
  ])('%s: refused naming the key', (_name, yaml) => {
    expect(() => loadPolicy(yaml)).toThrow(
      /^policy key commands\.min-role: .* is not a repository role: write, maintain or admin$/
    )
  })

  it('commands: an unknown key is refused, naming the known one', () => {
    expect(() => loadPolicy('commands: { who: anyone }')).toThrow(
      'policy key commands.who is unknown: expected one of min-role'
    )
  })
})
