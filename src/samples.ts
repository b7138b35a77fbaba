// The live source of samples: what one probe cycle reads from Prometheus (and, in watch.ts, from
// the health probe and the host). Replay reads the same queries from history instead.
import { applyMinRequests } from './core/metrics.js'
import type { MetricReading, Policy } from './core/types.js'
import type { MetricsSource } from './adapters/ports.js'

export interface PrometheusQueries {
  errorRate: string
  latency: string
  requestRate: string
}

export interface MetricReadings {
  errorRate: MetricReading
  p95: MetricReading
  requestRate: MetricReading
}

const OFF: MetricReading = { status: 'off', value: null, reason: 'no prometheus-url' }

/**
 * The three queries of one sample, concurrently, with `error-rate.min-requests` applied (by the
 * core). Without Prometheus all three are off.
 */
export async function readMetrics(
  source: MetricsSource | undefined,
  queries: PrometheusQueries | undefined,
  at: number,
  policy: Policy,
  signal?: AbortSignal
): Promise<MetricReadings> {
  if (!source || !queries) return { errorRate: OFF, p95: OFF, requestRate: OFF }
  const run = (q: string): Promise<MetricReading> =>
    q.trim()
      ? source.query(q, at, signal).catch((e: unknown): MetricReading => ({
          status: 'unknown',
          value: null,
          reason: `query failed: ${String(e)}`
        }))
      : Promise.resolve({ status: 'off', value: null, reason: 'no query configured' })
  const [errorRate, p95, requestRate] = await Promise.all([
    run(queries.errorRate),
    run(queries.latency),
    run(queries.requestRate)
  ])
  return {
    errorRate: applyMinRequests(errorRate, requestRate, policy.errorRate.minRequests),
    p95,
    requestRate
  }
}
