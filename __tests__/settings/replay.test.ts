// The inputs of mode replay and the fast error rate: parsed once, errors that name the input.
import { DEFAULTS } from '../../src/constants.js'
import { InputError, parseInputs } from '../../src/settings/inputs.js'
import type { InputEnv } from '../../src/settings/source.js'
import {
  fastErrorRateQuery,
  parseReplayCount,
  parseReplayDeploys
} from '../../src/settings/replay.js'

const NOW = Date.parse('2026-11-25T12:00:00Z')
const KEY =
  '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----'
const env: InputEnv = {
  now: NOW,
  workspace: '/ws',
  readFile: () => {
    throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' })
  },
  fileExists: () => false,
  vars: { GITHUB_REPOSITORY: 'acme/shop' }
}
const getter = (inputs: Record<string, string>) => (name: string) => inputs[name] ?? ''

describe('replay-deploys', () => {
  it('parseReplayDeploys: times with and without a SHA (no offset: UTC); blank and # lines skipped', () => {
    expect(
      parseReplayDeploys(
        '# last week\n2026-11-20T10:00:00Z d6cd1e2\n\n  2026-11-21T09:30:00+01:00  \n2026-11-22T07:00:00\n',
        NOW
      )
    ).toEqual([
      { at: Date.parse('2026-11-20T10:00:00Z'), sha: 'd6cd1e2' },
      { at: Date.parse('2026-11-21T08:30:00Z') },
      { at: Date.UTC(2026, 10, 22, 7) }
    ])
  })
  it.each([
    ['yesterday', 'replay-deploys line 1: "yesterday" is not an ISO-8601 time'],
    ['2026-11-20T10:00:00Z not-a-sha', 'replay-deploys line 1: "not-a-sha" is not a commit SHA'],
    ['2026-11-20T10:00:00Z abc1234 extra', "replay-deploys line 1: expected 'TIME [SHA]'"],
    ['2026-12-25T10:00:00Z', 'replay-deploys line 1: "2026-12-25T10:00:00Z" lies in the future'],
    ['2026-02-30T10:00:00Z', 'is not an ISO-8601 time']
  ])('parseReplayDeploys: %j → InputError', (text, message) => {
    expect(() => parseReplayDeploys(text, NOW)).toThrow(InputError)
    expect(() => parseReplayDeploys(text, NOW)).toThrow(message)
  })
  it('parseReplayDeploys: more than 100 deploys is refused', () => {
    const lines = Array.from({ length: 101 }, () => '2026-11-20T10:00:00Z').join('\n')
    expect(() => parseReplayDeploys(lines, NOW)).toThrow('at most 100 per replay')
  })
  it.each([
    ['', 20],
    ['5', 5],
    ['100', 100]
  ])('parseReplayCount: %j → %d', (raw, n) => expect(parseReplayCount(raw)).toBe(n))
  it.each(['0', '101', '2.5', 'all'])('parseReplayCount: %j is refused', (raw) => {
    expect(() => parseReplayCount(raw)).toThrow(
      /replay-count .* must be a whole number from 1 to 100/
    )
  })
})

describe('error-rate-fast-query', () => {
  const fast = DEFAULTS['error-rate-fast-query']
  const steady = DEFAULTS['error-rate-query']
  it.each([
    [
      'fastErrorRateQuery: the default beside the default error-rate-query is used',
      '',
      steady,
      fast
    ],
    [
      'fastErrorRateQuery: the default beside a custom error-rate-query is not',
      '',
      'my:error_ratio',
      undefined
    ],
    [
      'fastErrorRateQuery: given explicitly beside a custom one, it is used',
      'my:error_ratio_irate',
      'my:error_ratio',
      'my:error_ratio_irate'
    ],
    ['fastErrorRateQuery: off is off', 'off', steady, undefined]
  ])('%s', (_name, given, errorRate, want) => {
    expect(fastErrorRateQuery(getter({ 'error-rate-fast-query': given }), errorRate)).toBe(want)
  })
})

describe('parseInputs in mode replay', () => {
  const base = { mode: 'replay', 'prometheus-url': 'http://127.0.0.1:9090' }
  it('needs no health-url; ssh-host is not used but its key stays a secret', () => {
    const s = parseInputs(
      getter({
        ...base,
        'ssh-host': 'deploy.example.com',
        'ssh-user': 'deploy',
        'ssh-private-key': KEY,
        'ssh-known-hosts': 'deploy.example.com ssh-ed25519 AAAA'
      }),
      env
    )
    expect(s.health.url).toBe('')
    expect(s.ssh).toBeUndefined()
    expect(s.secrets).toContain(KEY.trim())
    expect(s.replay).toEqual({ count: 20 })
  })
  it('needs prometheus-url', () => {
    expect(() => parseInputs(getter({ mode: 'replay' }), env)).toThrow(
      'prometheus-url is required in mode replay'
    )
  })
  it('reads replay-deploys, replay-count and replay-health-query', () => {
    const s = parseInputs(
      getter({
        ...base,
        'replay-deploys': '2026-11-20T10:00:00Z abc1234',
        'replay-count': '7',
        'replay-health-query': 'min(up{job="app"})'
      }),
      env
    )
    expect(s.replay).toEqual({
      deploys: [{ at: Date.parse('2026-11-20T10:00:00Z'), sha: 'abc1234' }],
      count: 7,
      healthQuery: 'min(up{job="app"})'
    })
  })
  it('in mode watch health-url is still required and replay inputs are not read', () => {
    expect(() => parseInputs(getter({ 'prometheus-url': 'http://p' }), env)).toThrow(
      'health-url is required'
    )
    const s = parseInputs(
      getter({ 'health-url': 'http://h/health', 'replay-deploys': 'garbage' }),
      env
    )
    expect(s.replay).toBeUndefined()
  })
})
