// The Prometheus adapter against a real Prometheus (Debian's 2.42) scraping the sandbox test
// service every second. Needs the `prometheus` binary: a missing binary fails, it is not skipped.
import { jest } from '@jest/globals'
import { createPrometheus } from '../../src/adapters/prometheus.js'
import { measureBaseline, readMetrics } from '../../src/sampling/probe.js'
import type { MetricsSource } from '../../src/adapters/ports.js'
import { DEFAULT_POLICY } from '../../src/runbook/defaults.js'
import type { MetricReading } from '../../src/runbook/types.js'
import { INSTALL_HINT, startPrometheus } from '../../sandbox/prometheus.js'
import { findExecutable } from '../../sandbox/processes.js'
import { startTestService } from '../../sandbox/test-service.js'

jest.setTimeout(90_000)

const ERROR_RATE =
  '(sum(rate(http_requests_total{status=~"5.."}[5s])) or vector(0)) / sum(rate(http_requests_total[5s]))'
const ERROR_RATE_TRAP =
  'sum(rate(http_requests_total{status=~"5.."}[5s])) / sum(rate(http_requests_total[5s]))'
const P95 = 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[5s])))'
const REQUEST_RATE = 'sum(rate(http_requests_total[5s]))'

type Service = Awaited<ReturnType<typeof startTestService>>
type Prom = Awaited<ReturnType<typeof startPrometheus>>

let service: Service | undefined
let prometheus: Prom | undefined
let metrics: MetricsSource
let promStartedAt = 0

/** Polls the adapter (bounded) until `accept` holds; returns every reading seen, last one last. */
async function pollUntil(
  query: string,
  accept: (r: MetricReading) => boolean,
  { timeoutMs = 25_000, intervalMs = 500 } = {}
): Promise<MetricReading[]> {
  const seen: MetricReading[] = []
  const deadline = Date.now() + timeoutMs
  for (let i = 0; i < Math.ceil(timeoutMs / intervalMs) && Date.now() < deadline; i++) {
    const r = await metrics.query(query, Date.now())
    seen.push(r)
    if (accept(r)) return seen
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
  return seen
}

beforeAll(async () => {
  if (!findExecutable('prometheus'))
    throw new Error(`the real-Prometheus test needs the prometheus binary on PATH: ${INSTALL_HINT}`)
  service = await startTestService({ rps: 50 })
  promStartedAt = Date.now()
  prometheus = await startPrometheus({
    targets: [`127.0.0.1:${service.port}`],
    scrapeInterval: '1s'
  })
  metrics = createPrometheus({ url: prometheus.url, headers: {} }, { timeoutMs: 3000 })
  // The first scrape comes ~5.5 s after start and the first rate() ~1 s later.
  await prometheus.waitForData(REQUEST_RATE, { timeoutMs: 30_000 })
  await prometheus.waitForData(ERROR_RATE, { timeoutMs: 10_000 })
})

afterAll(async () => {
  await prometheus?.stop()
  await service?.stop()
})

describe('the Prometheus adapter against a real Prometheus', () => {
  it('a healthy service: with `or vector(0)` the error rate is 0', async () => {
    expect(await metrics.query(ERROR_RATE, Date.now())).toEqual({ status: 'measured', value: 0 })
  })

  it('the empty-series trap: without `or vector(0)` a healthy service reads unknown "empty result"', async () => {
    const r = await metrics.query(ERROR_RATE_TRAP, Date.now())
    expect(r.status).toBe('unknown')
    expect(r.value).toBeNull()
    expect(r.reason).toMatch(/^empty result \(no series\)/)
  })

  it('a moment before Prometheus has data reads unknown: measureBaseline gives no baseline', async () => {
    // deployed-at when this Prometheus started: a minute before that, it holds nothing.
    const queries = { errorRate: ERROR_RATE, latency: P95, requestRate: REQUEST_RATE }
    expect(await measureBaseline(metrics, queries, promStartedAt)).toEqual({
      errorRate: null,
      p95: null
    })
    const r = await metrics.query(ERROR_RATE, promStartedAt - 60_000)
    expect(r).toMatchObject({ status: 'unknown', value: null })
    expect(r.reason).toMatch(/^empty result \(no series\)/)
  })

  it('reads the error rate the service was set to (0.6)', async () => {
    service!.setState({ errorRate: 0.6 })
    const seen = await pollUntil(
      ERROR_RATE,
      (r) => r.status === 'measured' && Math.abs((r.value as number) - 0.6) < 0.03
    )
    const last = seen[seen.length - 1]
    expect(last.status).toBe('measured')
    expect(last.value).toBeCloseTo(0.6, 1)
  })

  it('a query returning several series is unknown, asking for an aggregation', async () => {
    // 200 and 500 series both exist now.
    const r = await metrics.query('rate(http_requests_total[5s])', Date.now())
    expect(r).toMatchObject({ status: 'unknown', value: null })
    expect(r.reason).toMatch(/^query returned 2 series; aggregate it/)
  })

  it('reads p95 >= 5 s after latency is set to 6 s', async () => {
    service!.setState({ latencyMs: 6000 })
    const seen = await pollUntil(P95, (r) => r.status === 'measured' && (r.value as number) >= 5)
    const last = seen[seen.length - 1]
    expect(last.status).toBe('measured')
    expect(last.value).toBeGreaterThanOrEqual(5)
    expect(last.value).toBeLessThanOrEqual(6)
  })

  it('readMetrics reads all three at once, and min-requests marks a thin rate insufficient', async () => {
    const queries = { errorRate: ERROR_RATE, latency: P95, requestRate: REQUEST_RATE }
    const policy = {
      ...DEFAULT_POLICY,
      errorRate: { ...DEFAULT_POLICY.errorRate, minRequests: 1000 }
    }
    const r = await readMetrics(metrics, queries, Date.now(), policy)
    expect(r.requestRate.status).toBe('measured')
    expect(r.requestRate.value).toBeGreaterThan(30)
    expect(r.requestRate.value).toBeLessThan(70)
    expect(r.p95.status).toBe('measured')
    expect(r.errorRate.status).toBe('insufficient')
    expect(r.errorRate.value).toBeCloseTo(0.6, 1)
    expect(r.errorRate.reason).toMatch(
      /^insufficient data: \d+(\.\d+)? req\/s < min-requests 1000$/
    )
  })

  it("bad PromQL is unknown with Prometheus' own message and the query named", async () => {
    const r = await metrics.query('sum(rate(http_requests_total[5s])', Date.now())
    expect(r).toMatchObject({ status: 'unknown', value: null })
    expect(r.reason).toMatch(
      /^Prometheus bad_data for query "sum\(rate\(http_requests_total\[5s\]\)": ".*parse error.*"$/
    )
  })

  it('a stopped Prometheus is unknown "connection refused"', async () => {
    await prometheus!.stop()
    const r = await metrics.query(ERROR_RATE, Date.now())
    expect(r).toEqual({
      status: 'unknown',
      value: null,
      reason: 'Prometheus: connection refused',
      cause: 'unreachable'
    })
  })
})
