// Rebuilding the watch's samples from Prometheus' history, without Prometheus: range data in,
// samples and the baseline out.
import type { RangeReading } from '../../src/adapters/ports.js'
import { DEFAULT_POLICY } from '../../src/runbook/defaults.js'
import type { MetricReading, Policy } from '../../src/runbook/types.js'
import {
  healthFromHistory,
  rebuildSamples,
  replayRange,
  type DeployHistory
} from '../../src/sampling/history.js'

const T = Date.UTC(2026, 10, 1, 12, 0, 0)
const S = 15_000
const m = (value: number): MetricReading => ({ status: 'measured', value })
const policy = (over: Partial<Policy['errorRate']> = {}): Policy => ({
  ...DEFAULT_POLICY,
  errorRate: { ...DEFAULT_POLICY.errorRate, ...over }
})

/** A range reading with a value at every step from T − 1m to T + 1m, or `skip` times missing. */
function points(value: (at: number) => number, skip: number[] = []): RangeReading {
  const out = []
  for (let at = T - 60_000; at <= T + 60_000; at += S)
    if (!skip.includes(at)) out.push({ at, reading: m(value(at)) })
  return { ok: true, points: out, requests: 1 }
}

function history(over: Partial<DeployHistory> = {}): DeployHistory {
  return {
    range: { start: T - 60_000, end: T + 60_000, stepMs: S },
    errorRate: points((at) => (at < T ? 0.01 : 0.3)),
    p95: points(() => 0.2),
    requestRate: points(() => 50),
    ...over
  }
}

describe('replayRange', () => {
  const timing = { watchDurationMs: 15 * 60_000, probeIntervalMs: S, policy: DEFAULT_POLICY }
  it('replayRange: from a minute before the deploy to the watch, one interval and the longest P2 window after it', () => {
    expect(replayRange(T, timing, T + 3_600_000)).toEqual({
      start: T - 60_000,
      end: T + 15 * 60_000 + S + 5 * 60_000,
      stepMs: S
    })
  })
  it('replayRange: never past now (a recent deploy)', () => {
    expect(replayRange(T, timing, T + 120_000).end).toBe(T + 120_000)
  })
})

describe('rebuildSamples', () => {
  it('rebuildSamples: one sample per step from the deploy on, the baseline from a minute before', () => {
    const { baseline, samples } = rebuildSamples(history(), DEFAULT_POLICY, T)
    expect(baseline).toEqual({ errorRate: 0.01, p95: 0.2 })
    expect(samples.map((s) => (s.at - T) / 1000)).toEqual([0, 15, 30, 45, 60])
    expect(samples[1]).toMatchObject({
      errorRate: m(0.3),
      p95: m(0.2),
      requestRate: m(50),
      fastErrorRate: { status: 'off' },
      health: { status: 'off' }
    })
    expect(samples[1].host.security.status).toBe('off')
  })

  it('rebuildSamples: a deploy between two steps starts at the next step', () => {
    const { samples } = rebuildSamples(history(), DEFAULT_POLICY, T + 5_000)
    expect((samples[0].at - T) / 1000).toBe(15)
  })

  it('rebuildSamples: a step without a point is unknown, saying so; a failed query is unknown with its reason', () => {
    const { baseline, samples } = rebuildSamples(
      history({
        errorRate: points(() => 0.01, [T - 60_000, T + 30_000]),
        p95: { ok: false, reason: 'Prometheus bad_data: parse error', answered: true, requests: 1 }
      }),
      DEFAULT_POLICY,
      T
    )
    expect(baseline).toEqual({ errorRate: null, p95: null })
    expect(samples[2].errorRate).toEqual({
      status: 'unknown',
      value: null,
      reason: 'no data in Prometheus for the error rate at this time'
    })
    expect(samples[0].p95.reason).toBe('Prometheus bad_data: parse error')
  })

  it('rebuildSamples: no point at all says the whole range has no data', () => {
    const { samples } = rebuildSamples(
      history({ errorRate: { ok: true, points: [], requests: 1 } }),
      DEFAULT_POLICY,
      T
    )
    expect(samples[0].errorRate.reason).toMatch(
      /^no data in Prometheus for the error rate over the whole range/
    )
  })

  it('rebuildSamples: error-rate.min-requests applies to both error rates, as live', () => {
    const { samples } = rebuildSamples(
      history({ requestRate: points(() => 0.2), fastErrorRate: points(() => 0.9) }),
      policy({ minRequests: 1 }),
      T
    )
    expect(samples[0].errorRate.status).toBe('insufficient')
    expect(samples[0].fastErrorRate?.status).toBe('insufficient')
  })

  it('rebuildSamples: replay-health-query stands in for health, its re-probes read at confirm-interval after each step', () => {
    const down = (at: number) => (at >= T + 30_000 ? 0 : 1)
    const health = [0, 1, 2].map((j) => {
      const out = []
      for (let at = T - 60_000; at <= T + 60_000; at += S) {
        const t = at + j * DEFAULT_POLICY.health.confirmIntervalMs
        out.push({ at: t, reading: m(down(t)) })
      }
      return { ok: true as const, points: out, requests: 1 }
    })
    const { samples } = rebuildSamples(history({ health }), DEFAULT_POLICY, T)
    expect(samples.map((s) => s.health.status)).toEqual(['up', 'up', 'down', 'down', 'down'])
    expect(samples[2].health.failedAttempts).toBe(3)
  })
})

describe('healthFromHistory', () => {
  it.each<[string, Array<number | null>, string, number | undefined]>([
    ['healthFromHistory: 1 is up', [1, 1, 1], 'up', 0],
    [
      'healthFromHistory: 0 on the probe and both re-probes is a confirmed down',
      [0, 0, 0],
      'down',
      3
    ],
    [
      'healthFromHistory: 0 then 1 at a re-probe is up after one failed attempt (a blip)',
      [0, 1, 1],
      'up',
      1
    ],
    ['healthFromHistory: 0, 0 then unknown is an unconfirmed down', [0, 0, null], 'down', 2],
    ['healthFromHistory: no data is unknown', [null, 1, 1], 'unknown', undefined],
    ['healthFromHistory: 0.5 is neither up nor down', [0.5, 1, 1], 'unknown', undefined]
  ])('%s', (_name, values, status, failed) => {
    const readings = values.map((v): MetricReading =>
      v === null ? { status: 'unknown', value: null, reason: 'no data' } : m(v)
    )
    const h = healthFromHistory(readings, 2)
    expect(h.status).toBe(status)
    expect(h.failedAttempts).toBe(failed)
  })
})
