// Rules about what a Prometheus reading means before any rule of the runbook looks at it.
import { compactNumber } from './format.js'
import type { Baseline, MetricReading } from './types.js'

/**
 * error-rate.min-requests: too little traffic makes a ratio meaningless (1 failure in 2 requests
 * is 50%). Below it the error rate is `insufficient` (recorded, never a breach, not an outage).
 * Applies only when the request rate was measured: an unmeasured rate leaves the error rate as it is.
 */
export function applyMinRequests(
  errorRate: MetricReading,
  requestRate: MetricReading,
  minRequests: number
): MetricReading {
  if (minRequests <= 0 || requestRate.status !== 'measured' || requestRate.value === null)
    return errorRate
  if (requestRate.value >= minRequests) return errorRate
  if (errorRate.status !== 'measured' && errorRate.status !== 'unknown') return errorRate
  const why = `insufficient data: ${compactNumber(requestRate.value)} req/s < min-requests ${compactNumber(minRequests)}`
  return {
    status: 'insufficient',
    value: errorRate.value,
    // With little traffic the ratio itself is often NaN (0/0): say so, but do not count it unknown.
    reason: errorRate.status === 'unknown' ? `${why} (error rate: ${errorRate.reason})` : why
  }
}

/** The pre-deploy baseline from the two readings at deployed-at minus 1 minute: unknown is null. */
export function baselineOf(errorRate: MetricReading, p95: MetricReading): Baseline {
  return {
    errorRate: errorRate.status === 'measured' ? errorRate.value : null,
    p95: p95.status === 'measured' ? p95.value : null
  }
}
