// The test service's metrics (prom-client, its own registry): requests that fail by an exact
// fraction, and synthetic traffic recorded straight into the metrics.
import promClient from 'prom-client'

export const DURATION_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 2.5, 3, 4, 5, 6, 7.5, 10, 15, 30
]

const TICK_MS = 100

/**
 * @param {() => import('../test-service.js').ServiceState} state  the service's state now
 *   (errorRate, errorStatus and latencyMs are read at each request)
 */
export function createMetrics(state) {
  const registry = new promClient.Registry()
  const requests = new promClient.Counter({
    name: 'http_requests_total',
    help: 'Requests handled, by HTTP status.',
    labelNames: ['status'],
    registers: [registry]
  })
  const duration = new promClient.Histogram({
    name: 'http_request_duration_seconds',
    help: 'Request latency in seconds.',
    buckets: DURATION_BUCKETS,
    registers: [registry]
  })

  // Request i fails when floor((i+1)*f) > floor(i*f): exactly f of every run of requests, no
  // randomness, so a test can assert the rate Prometheus computes.
  let sequence = 0
  const nextFails = () => {
    const f = Math.min(1, Math.max(0, Number(state().errorRate) || 0))
    const fails = Math.floor((sequence + 1) * f) > Math.floor(sequence * f)
    sequence++
    return fails
  }
  /** @param {boolean} failed @param {number} seconds */
  const record = (failed, seconds) => {
    requests.inc({ status: String(failed ? state().errorStatus : 200) })
    duration.observe(seconds)
  }

  /**
   * Synthetic traffic: rps requests per second from now, so ticks that run late catch up (at
   * most one second's worth at once). Clear the interval it returns to stop it.
   * @param {number} rps
   */
  const startTraffic = (rps) => {
    const t0 = Date.now()
    let emitted = 0
    return setInterval(() => {
      const due = Math.floor(((Date.now() - t0) * rps) / 1000)
      let n = due - emitted
      if (n > rps) {
        emitted = due - rps
        n = rps
      }
      for (let k = 0; k < n; k++) record(nextFails(), Math.max(0, state().latencyMs) / 1000)
      emitted += n
    }, TICK_MS)
  }

  return { registry, nextFails, record, startTraffic }
}
