// The inputs of mode replay and the fast error rate: parsed once, errors that name the input.
import { DEFAULTS } from '../../src/settings/names.js'
import { InputError, parseInputs } from '../../src/settings/inputs.js'
import type { InputEnv } from '../../src/settings/source.js'
import {
  fastErrorRateQuery,
  MAX_REPLAY_DEPLOYS,
  parseReplayCount,
  parseReplayDeploys,
  parseReplayTrace
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
  it('parseReplayDeploys: 5,000 deploys are taken, 5,001 refused naming the input and the limit', () => {
    expect(MAX_REPLAY_DEPLOYS).toBe(5000)
    const lines = (n: number) =>
      Array.from(
        { length: n },
        (_, i) => `${new Date(NOW - (i + 1) * 60_000).toISOString()} abc1234`
      ).join('\n')
    expect(parseReplayDeploys(lines(5000), NOW)).toHaveLength(5000)
    expect(() => parseReplayDeploys(lines(5001), NOW)).toThrow(
      'replay-deploys lists 5001 deploys: at most 5000 per replay; split the list over several replay steps'
    )
  })
  it.each([
    ['', 20],
    ['5', 5],
    ['100', 100],
    ['101', 101],
    ['1000', 1000],
    ['5000', 5000]
  ])('parseReplayCount: %j → %d', (raw, n) => expect(parseReplayCount(raw)).toBe(n))
  it.each(['0', '2.5', 'all', '-3'])('parseReplayCount: %j is refused', (raw) => {
    expect(() => parseReplayCount(raw)).toThrow(
      /^replay-count .* must be a whole number from 1 to 5000$/
    )
  })
  it.each(['5001', '100000', '99999999999999999999'])(
    'parseReplayCount: %j is past the limit, and the message says the limit',
    (raw) => {
      expect(() => parseReplayCount(raw)).toThrow(InputError)
      expect(() => parseReplayCount(raw)).toThrow(
        `replay-count "${raw}" is more than one replay takes: at most 5000 deploys; list older ones in replay-deploys in another step`
      )
    }
  )
})

describe('replay-trace', () => {
  it.each([
    ['', 'summary'],
    ['summary', 'summary'],
    [' Full ', 'full']
  ])('parseReplayTrace: %j → %s', (raw, want) => expect(parseReplayTrace(raw)).toBe(want))
  it.each(['all', 'yes', 'summary,full'])('parseReplayTrace: %j is refused', (raw) => {
    expect(() => parseReplayTrace(raw)).toThrow(InputError)
    expect(() => parseReplayTrace(raw)).toThrow(
      `replay-trace "${raw}" must be summary (a line per deploy: verdict, rule, times, counts) or full (every sample and verdict too)`
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
    expect(s.replay).toEqual({ count: 20, trace: 'summary' })
  })
  it('needs a metric provider', () => {
    expect(() => parseInputs(getter({ mode: 'replay' }), env)).toThrow(
      'a metric provider is required in mode replay (prometheus-url, or metrics-provider and its inputs)'
    )
  })
  it('reads replay-deploys, replay-count, replay-health-query and replay-trace', () => {
    const s = parseInputs(
      getter({
        ...base,
        'replay-deploys': '2026-11-20T10:00:00Z abc1234',
        'replay-count': '7',
        'replay-health-query': 'min(up{job="app"})',
        'replay-trace': 'full'
      }),
      env
    )
    expect(s.replay).toEqual({
      deploys: [{ at: Date.parse('2026-11-20T10:00:00Z'), sha: 'abc1234' }],
      count: 7,
      healthQuery: 'min(up{job="app"})',
      trace: 'full'
    })
  })
  it('a bad replay-trace is bad input from parseInputs too', () => {
    expect(() => parseInputs(getter({ ...base, 'replay-trace': 'verbose' }), env)).toThrow(
      'replay-trace "verbose" must be summary'
    )
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
