// main.run() in mode replay with fakes: a history served as Prometheus' query_range would serve
// it, the Deployments API, and a double of @actions/core. What the policy would have done on each
// deploy, in milliseconds; nothing runs on a host and no issue is written.
import { jest } from '@jest/globals'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as core from '../../__fixtures__/core.js'
import type { Adapters } from '../../src/adapters/all.js'
import type { MetricsHistory, RangePoint, TimeRange } from '../../src/adapters/ports.js'
import { DEFAULTS } from '../../src/settings/names.js'
import { summaryRows } from '../../__fixtures__/summary.js'
import { fakeGitHub, type FakeGitHub } from '../../__fixtures__/github.js'

jest.unstable_mockModule('@actions/core', () => core)
const { run } = await import('../../src/main.js')

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0)
const HOUR = 3600_000
/** Three deploys: 60% errors (bad), 1% (healthy), 7% (P3), each an hour apart. */
const BAD = NOW - 3 * HOUR
const HEALTHY = NOW - 2 * HOUR
const P3 = NOW - HOUR
const SHA = { [BAD]: 'aaaaaaa1', [HEALTHY]: 'bbbbbbb2', [P3]: 'ccccccc3' }

/**
 * The error rate at `t` as Prometheus would read it: each deploy's rate starts 30 s after it. The
 * fast (irate) query shows a step a scrape (1 s) later; the steady `[1m]` rate climbs to it over
 * the minute after it.
 */
function errorRate(t: number, fast: boolean): number {
  const deploy = [P3, HEALTHY, BAD].find((d) => t >= d)
  if (deploy === undefined) return 0.01
  const since = t - (deploy + 30_000)
  const level = deploy === BAD ? 0.6 : deploy === P3 ? 0.07 : 0.01
  if (since < 0) return 0.01
  if (fast) return since >= 1000 ? level : 0.01
  return 0.01 + (level - 0.01) * Math.min(1, since / 60_000)
}

interface Fakes {
  history: MetricsHistory & { calls: string[] }
  github: FakeGitHub
  commands: string[]
}

function fakes(over: { silent?: boolean } = {}): Fakes {
  const calls: string[] = []
  const history = {
    calls,
    async queryRange(q: string, range: TimeRange) {
      calls.push(q)
      if (over.silent)
        return {
          ok: false as const,
          reason: 'Prometheus: connection refused',
          answered: false,
          requests: 1
        }
      const points: RangePoint[] = []
      for (let t = range.start; t <= range.end; t += range.stepMs) {
        const value = q.includes('5..')
          ? errorRate(t, q.includes('irate'))
          : q.includes('histogram_quantile')
            ? 0.12
            : 200
        points.push({ at: t, reading: { status: 'measured', value } })
      }
      return { ok: true as const, points, requests: 1 }
    }
  }
  const github = fakeGitHub()
  return { history, github, commands: [] }
}

function adapters(f: Fakes): Adapters {
  return {
    clock: { now: () => NOW, sleep: async () => {} },
    env: { GITHUB_WORKSPACE: tmp, GITHUB_REPOSITORY: 'acme/spacetime', RUNNER_TEMP: tmp },
    healthProbe: () => {
      throw new Error('a replay never probes health')
    },
    metrics: () => {
      throw new Error('a replay reads history, not instant queries')
    },
    metricsHistory: () => f.history,
    connect: async (settings) => {
      if (settings.ssh) f.commands.push(`connect ${settings.ssh.host}`)
      return undefined
    },
    checkKey: async () => null,
    github: () => f.github,
    webhook: () => undefined,
    readEvent: () => ({}),
    disposeAllSync: () => {}
  }
}

const deploysInput = [BAD, HEALTHY, P3]
  .map((t) => `${new Date(t).toISOString()} ${SHA[t]}`)
  .join('\n')

const INPUTS = {
  mode: 'replay',
  'prometheus-url': 'https://prometheus.example.com',
  'error-rate-query': DEFAULTS['error-rate-query'],
  'error-rate-fast-query': DEFAULTS['error-rate-fast-query'],
  'github-token': 'ghs_fakeTokenForTheReplayTest'
}

const SSH = {
  'ssh-host': 'deploy.example.com',
  'ssh-user': 'deploy',
  'ssh-private-key':
    '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAAfakeKEYmaterial\n-----END OPENSSH PRIVATE KEY-----',
  'ssh-known-hosts': 'deploy.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIfake',
  'restart-command': 'restart-app'
}

let tmp: string
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rbs-replay-'))
  core.reset({ ...INPUTS, 'replay-deploys': deploysInput })
})
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }))

/** The summary's table rows as cells. */
const rows = (): string[][] => summaryRows(core.summaries.join(''))

describe('main.run in mode replay', () => {
  it('replay-deploys: a bad, a healthy and a P3 deploy → one rollback (P1), one warning; exit 0, no host, no issue', async () => {
    core.reset({ ...INPUTS, 'replay-deploys': deploysInput, ...SSH })
    const f = fakes()
    await run(adapters(f))
    expect(core.failed).toBeUndefined()
    expect(core.outputs).toMatchObject({
      'replay-deploys': '3',
      'replay-rollbacks': '1',
      'replay-warnings': '1'
    })
    const [bad, healthy, p3] = rows()
    expect(bad.slice(2, 6)).toEqual(['`aaaaaaa`', '🔴 rollback', 'P1', '`error-rate-critical`'])
    expect(bad[7]).toBe('Level 1')
    expect(healthy.slice(3, 6)).toEqual(['✅ healthy', 'none', '`healthy`'])
    expect(p3.slice(3, 6)).toEqual(['⚠️ warn', 'P3', '`error-rate-elevated`'])
    expect(core.summaries.join('')).toContain('3 deploys would have rolled back: 1 P1; 1 warning')
    expect(f.commands).toEqual([])
    // ssh-host is ignored in a replay, but the key is still a secret.
    expect(core.secrets).toContain(SSH['ssh-private-key'])
    expect(f.github.writes).toEqual([])
  })

  it('the two-speed error rate: the 60% step decided 30 s after it shows with the fast query, 60 s with the steady one alone', async () => {
    await run(adapters(fakes()))
    const fast = rows()[0]
    core.reset({ ...INPUTS, 'replay-deploys': deploysInput, 'error-rate-fast-query': 'off' })
    await run(adapters(fakes()))
    const steadyOnly = rows()[0]
    // The step shows at +31s; probes every 15 s from the deploy: the fast rate holds on +45s and
    // +1m, the steady [1m] rate passes 50% at +1m21s.
    expect(fast.slice(5, 8)).toEqual(['`error-rate-critical`', '+1m', 'Level 1'])
    expect(steadyOnly.slice(5, 8)).toEqual(['`error-rate-critical`', '+1m30s', 'Level 1'])
    // The healthy and the P3 deploy read the same either way.
    expect(
      rows()
        .slice(1)
        .map((r) => r[3])
    ).toEqual(['✅ healthy', '⚠️ warn'])
  })

  it('the Deployments API: the latest replay-count deployments of the environment', async () => {
    core.reset({ ...INPUTS, 'replay-count': '2' })
    const f = fakes()
    f.github.deployments.push(
      { id: 3, sha: 'ccccccc3', ref: 'main', environment: 'production', createdAt: P3 },
      { id: 9, sha: 'eeeeeee9', ref: 'main', environment: 'staging', createdAt: P3 },
      { id: 2, sha: 'bbbbbbb2', ref: 'main', environment: 'production', createdAt: HEALTHY },
      { id: 1, sha: 'aaaaaaa1', ref: 'main', environment: 'production', createdAt: BAD }
    )
    await run(adapters(f))
    expect(core.outputs['replay-deploys']).toBe('2')
    expect(rows().map((r) => r[2])).toEqual(['`ccccccc`', '`bbbbbbb`'])
  })

  it('the trace by default: a compact summary per deploy (verdict, rule, times, counts), no sample', async () => {
    await run(adapters(fakes()))
    const text = fs.readFileSync(core.outputs['report-path'], 'utf8')
    // Compact: one line, no indentation.
    expect(text.trimEnd().split('\n')).toHaveLength(1)
    const trace = JSON.parse(text)
    expect(trace).toMatchObject({ mode: 'replay', detail: 'summary' })
    expect(trace.totals).toMatchObject({ deploys: 3, rollbacks: 1, warnings: 1 })
    expect(trace.deploys).toHaveLength(3)
    const [bad, healthy] = trace.deploys
    expect(healthy.samples).toBeUndefined()
    expect(healthy.verdicts).toBeUndefined()
    expect(healthy.counts).toEqual({ samples: 61, verdicts: 61, insufficient: 0, unknown: 0 })
    expect(healthy).toMatchObject({ deployedAt: HEALTHY, sha: 'bbbbbbb2', noData: false })
    expect(healthy.endedAt - healthy.startedAt).toBe(15 * 60_000)
    expect(bad.final).toMatchObject({ decision: 'rollback', level: 1, rule: 'error-rate-critical' })
    expect(bad.decidedAt - BAD).toBe(60_000)
    expect(bad.levelOrWhyNot).toBe('Level 1')
    expect(text).not.toContain('ghs_fakeTokenForTheReplayTest')
  })

  it('replay-trace full: every sample and verdict of every deploy is in the trace file', async () => {
    core.reset({ ...INPUTS, 'replay-deploys': deploysInput, 'replay-trace': 'full' })
    await run(adapters(fakes()))
    const trace = JSON.parse(fs.readFileSync(core.outputs['report-path'], 'utf8'))
    expect(trace.detail).toBe('full')
    expect(trace.deploys).toHaveLength(3)
    expect(trace.deploys[1].samples.length).toBe(61) // 15m every 15s, 0 … 900 s
    expect(trace.deploys[1].verdicts.length).toBe(61)
    expect(trace.deploys[0].final).toMatchObject({ decision: 'rollback', level: 1 })
    expect(trace.deploys[0].verdicts.at(-1)).toMatchObject({ decision: 'rollback', level: 1 })
    expect(JSON.stringify(trace)).not.toContain('ghs_fakeTokenForTheReplayTest')
  })

  it('more deploys than one page of the Deployments API: 250 are listed, judged and summarised', async () => {
    core.reset({ ...INPUTS, 'replay-count': '250' })
    const f = fakes()
    for (let i = 0; i < 300; i++)
      f.github.deployments.push({
        id: 1000 + i,
        sha: (0x1000000 + i).toString(16),
        ref: 'main',
        environment: 'production',
        createdAt: NOW - 4 * HOUR - i * 20 * 60_000
      })
    await run(adapters(f))
    expect(core.failed).toBeUndefined()
    expect(core.outputs['replay-deploys']).toBe('250')
    const trace = JSON.parse(fs.readFileSync(core.outputs['report-path'], 'utf8'))
    expect(trace.deploys).toHaveLength(250)
    // In list order (newest first), whatever order their histories arrived in.
    expect(trace.deploys.map((d: { sha: string }) => d.sha)).toEqual(
      Array.from({ length: 250 }, (_, i) => (0x1000000 + i).toString(16))
    )
    expect(rows()).toHaveLength(250)
  })

  it('a Prometheus that answers nothing at all fails the step', async () => {
    await run(adapters(fakes({ silent: true })))
    expect(core.failed).toMatch(
      /^replay: Prometheus answered nothing at all \(Prometheus: connection refused\)/
    )
  })

  it('no prometheus-url is bad input', async () => {
    core.reset({ mode: 'replay', 'replay-deploys': deploysInput })
    await run(adapters(fakes()))
    expect(core.outputs.decision).toBe('bad-input')
    expect(core.failed).toMatch(/a metric provider is required in mode replay \(prometheus-url/)
  })

  it('a bad replay-deploys line is bad input naming the line', async () => {
    core.reset({ ...INPUTS, 'replay-deploys': `${new Date(BAD).toISOString()}\nyesterday` })
    await run(adapters(fakes()))
    expect(core.failed).toBe(
      'bad input: replay-deploys line 2: "yesterday" is not an ISO-8601 time: use e.g. 2025-12-02T14:03:00Z (no offset means UTC), optionally followed by the commit SHA'
    )
  })
})
