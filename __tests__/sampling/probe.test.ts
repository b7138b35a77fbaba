// The live source of samples: the three Prometheus queries of one cycle, and min-requests (the
// core's rule) applied to them.
import { DEFAULT_POLICY } from '../../src/runbook/defaults.js'
import { applyMinRequests } from '../../src/runbook/metrics.js'
import type { MetricReading, Policy } from '../../src/runbook/types.js'
import type { MetricsSource } from '../../src/adapters/ports.js'
import { readMetrics } from '../../src/sampling/probe.js'

const AT = 1_700_000_000_123

describe('readMetrics', () => {
  const queries = { errorRate: 'err', latency: 'p95', requestRate: 'rps' }
  const policyWith = (minRequests: number): Policy => ({
    ...DEFAULT_POLICY,
    errorRate: { ...DEFAULT_POLICY.errorRate, minRequests }
  })
  const fake = (answers: Record<string, MetricReading>) => {
    const calls: { q: string; at: number }[] = []
    const src: MetricsSource = {
      query: async (q, at) => {
        calls.push({ q, at })
        return answers[q]
      }
    }
    return { src, calls }
  }
  const m = (value: number): MetricReading => ({ status: 'measured', value })

  const fastOff = { status: 'off', value: null, reason: 'no error-rate-fast-query' }

  it('without Prometheus all of them are off', async () => {
    const off = { status: 'off', value: null, reason: 'no metric provider' }
    expect(await readMetrics(undefined, undefined, AT, policyWith(0))).toEqual({
      errorRate: off,
      fastErrorRate: fastOff,
      p95: off,
      requestRate: off
    })
  })

  it('runs the three queries at the same time `at`', async () => {
    const { src, calls } = fake({ err: m(0.02), p95: m(0.3), rps: m(12) })
    expect(await readMetrics(src, queries, AT, policyWith(0))).toEqual({
      errorRate: m(0.02),
      fastErrorRate: fastOff,
      p95: m(0.3),
      requestRate: m(12)
    })
    expect(calls.map((c) => c.q).sort()).toEqual(['err', 'p95', 'rps'])
    expect(new Set(calls.map((c) => c.at))).toEqual(new Set([AT]))
  })

  it('with error-rate-fast-query: the fast error rate too, at the same `at`, min-requests applied', async () => {
    const { src, calls } = fake({ err: m(0.2), fast: m(0.7), p95: m(0.3), rps: m(0.4) })
    const r = await readMetrics(src, { ...queries, fastErrorRate: 'fast' }, AT, policyWith(0))
    expect(r.fastErrorRate).toEqual(m(0.7))
    expect(calls.map((c) => c.q).sort()).toEqual(['err', 'fast', 'p95', 'rps'])
    const low = await readMetrics(src, { ...queries, fastErrorRate: 'fast' }, AT, policyWith(1))
    expect(low.fastErrorRate.status).toBe('insufficient')
  })

  it('runs them concurrently', async () => {
    let inFlight = 0
    let peak = 0
    const src: MetricsSource = {
      query: async () => {
        inFlight++
        peak = Math.max(peak, inFlight)
        await new Promise((r) => setTimeout(r, 20))
        inFlight--
        return m(1)
      }
    }
    await readMetrics(src, queries, AT, policyWith(0))
    expect(peak).toBe(3)
  })

  it('below min-requests the error rate is insufficient, keeping the measured value', async () => {
    const { src } = fake({ err: m(0.5), p95: m(0.3), rps: m(0.4) })
    const r = await readMetrics(src, queries, AT, policyWith(1))
    expect(r.errorRate).toEqual({
      status: 'insufficient',
      value: 0.5,
      reason: 'insufficient data: 0.4 req/s < min-requests 1'
    })
    expect(r.requestRate).toEqual(m(0.4))
    expect(r.p95).toEqual(m(0.3))
  })

  it('at exactly min-requests the error rate counts', async () => {
    const { src } = fake({ err: m(0.5), p95: m(0.3), rps: m(1) })
    expect((await readMetrics(src, queries, AT, policyWith(1))).errorRate).toEqual(m(0.5))
  })

  it('min-requests 0 never marks insufficient', async () => {
    const { src } = fake({ err: m(0.5), p95: m(0.3), rps: m(0) })
    expect((await readMetrics(src, queries, AT, policyWith(0))).errorRate).toEqual(m(0.5))
  })

  it('a NaN error rate with too little traffic is insufficient, not unknown', async () => {
    const nan: MetricReading = {
      status: 'unknown',
      value: null,
      reason: 'value is NaN: no traffic'
    }
    const { src } = fake({ err: nan, p95: m(0.3), rps: m(0) })
    expect((await readMetrics(src, queries, AT, policyWith(2))).errorRate).toEqual({
      status: 'insufficient',
      value: null,
      reason: 'insufficient data: 0 req/s < min-requests 2 (error rate: value is NaN: no traffic)'
    })
  })

  it('an unmeasured request rate leaves the error rate as measured', async () => {
    const down: MetricReading = {
      status: 'unknown',
      value: null,
      reason: 'Prometheus: connection refused'
    }
    const { src } = fake({ err: m(0.5), p95: m(0.3), rps: down })
    expect((await readMetrics(src, queries, AT, policyWith(1))).errorRate).toEqual(m(0.5))
  })

  it('applyMinRequests formats rates compactly', () => {
    expect(applyMinRequests(m(0.1), m(0.123456), 2.5).reason).toBe(
      'insufficient data: 0.123 req/s < min-requests 2.5'
    )
  })
})
