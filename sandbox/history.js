// Past deploys as Prometheus history: the test service's metrics (http_requests_total by status,
// http_request_duration_seconds as a histogram) written as OpenMetrics, for
// `promtool tsdb create-blocks-from openmetrics` to backfill before Prometheus starts
// (startPrometheus({ history })). Used by the replay end-to-end test and the bench.
// Plain JavaScript; deterministic (no randomness), so a test can assert what a replay decides.
import { DURATION_BUCKETS } from './test-service.js'

/**
 * @typedef {object} PastDeploy
 * @property {number} at             when the deploy finished (epoch ms)
 * @property {number} errorRate      the new version's error rate (fraction) from `at + delayMs`
 * @property {number} [latencyS]     its latency (every request), default the good one
 * @property {number} [delayMs]      how long after the deploy the new behaviour starts (30 s)
 * @property {number} [forMs]        how long it lasts (default until the next deploy)
 */

/**
 * @param {object} opts
 * @param {number} opts.from            first scrape (epoch ms)
 * @param {number} opts.to              last scrape (epoch ms)
 * @param {PastDeploy[]} opts.deploys   in time order
 * @param {number} [opts.scrapeMs]      time between scrapes (default 15 s)
 * @param {number} [opts.rps]           requests per second (default 200)
 * @param {{ errorRate: number, latencyS: number }} [opts.good]  between bad versions
 * @param {Record<string, string>} [opts.labels]  labels of every series (default job="history")
 * @returns {string} OpenMetrics text ending with # EOF
 */
export function historyOpenMetrics(opts) {
  const scrapeMs = opts.scrapeMs ?? 15_000
  const rps = opts.rps ?? 200
  const good = opts.good ?? { errorRate: 0.01, latencyS: 0.04 }
  const labels = opts.labels ?? { job: 'history', instance: 'history:80' }
  const deploys = [...opts.deploys].sort((a, b) => a.at - b.at)
  /** What the service does at `t`: the newest deploy's behaviour while it lasts, else good. */
  const stateAt = (t) => {
    let state = good
    for (let i = 0; i < deploys.length; i++) {
      const d = deploys[i]
      const start = d.at + (d.delayMs ?? 30_000)
      const end = d.forMs !== undefined ? start + d.forMs : (deploys[i + 1]?.at ?? Infinity)
      if (t >= start && t < end)
        state = { errorRate: d.errorRate, latencyS: d.latencyS ?? good.latencyS }
    }
    return state
  }
  // Counters accumulate over the scrape interval before each scrape.
  const times = []
  for (let t = opts.from; t <= opts.to; t += scrapeMs) times.push(t)
  const ok = []
  const failed = []
  const buckets = DURATION_BUCKETS.map(() => [])
  const inf = []
  const sum = []
  let okTotal = 0
  let failedTotal = 0
  let sumTotal = 0
  const perBucket = DURATION_BUCKETS.map(() => 0)
  let prev = opts.from - scrapeMs
  for (const t of times) {
    const s = stateAt(prev)
    const n = (rps * (t - prev)) / 1000
    failedTotal += n * s.errorRate
    okTotal += n * (1 - s.errorRate)
    sumTotal += n * s.latencyS
    DURATION_BUCKETS.forEach((le, i) => {
      if (s.latencyS <= le) perBucket[i] += n
    })
    ok.push(okTotal)
    failed.push(failedTotal)
    perBucket.forEach((v, i) => buckets[i].push(v))
    inf.push(okTotal + failedTotal)
    sum.push(sumTotal)
    prev = t
  }
  const label = (extra) =>
    `{${Object.entries({ ...labels, ...extra })
      .map(([k, v]) => `${k}="${v}"`)
      .join(',')}}`
  const ts = (t) => (t / 1000).toFixed(3)
  const num = (v) => String(Math.round(v * 1000) / 1000)
  const lines = []
  const series = (name, extra, values) => {
    values.forEach((v, i) => lines.push(`${name}${label(extra)} ${num(v)} ${ts(times[i])}`))
  }
  lines.push('# HELP http_requests Requests handled, by HTTP status.')
  lines.push('# TYPE http_requests counter')
  series('http_requests_total', { status: '200' }, ok)
  series('http_requests_total', { status: '500' }, failed)
  lines.push('# HELP http_request_duration_seconds Request latency in seconds.')
  lines.push('# TYPE http_request_duration_seconds histogram')
  DURATION_BUCKETS.forEach((le, i) =>
    series('http_request_duration_seconds_bucket', { le: String(le) }, buckets[i])
  )
  series('http_request_duration_seconds_bucket', { le: '+Inf' }, inf)
  series('http_request_duration_seconds_count', {}, inf)
  series('http_request_duration_seconds_sum', {}, sum)
  lines.push('# EOF')
  return lines.join('\n') + '\n'
}
