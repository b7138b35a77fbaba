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
 * @typedef {object} HistoryOptions
 * @property {number} from            first scrape (epoch ms)
 * @property {number} to              last scrape (epoch ms)
 * @property {PastDeploy[]} deploys   in time order
 * @property {number} [scrapeMs]      time between scrapes (default 15 s)
 * @property {number} [rps]           requests per second (default 200)
 * @property {{ errorRate: number, latencyS: number }} [good]  between bad versions
 * @property {Record<string, string>} [labels]  labels of every series (default job="history")
 */

/**
 * @param {HistoryOptions} opts
 * @returns {string} OpenMetrics text ending with # EOF
 */
export function historyOpenMetrics(opts) {
  return [...historyChunks(opts, Infinity)].join('')
}

/**
 * The same history as OpenMetrics texts of at most `chunkMs` each (cut at multiples of it since
 * the epoch, so that the 2-hour blocks promtool makes of one never overlap another's), the
 * counters running on across them. promtool's backfill time grows with the square of a file's
 * span: a long past backfills far faster as many small files.
 * @param {HistoryOptions} opts
 * @param {number} chunkMs
 * @returns {Generator<string>}
 */
export function* historyChunks(opts, chunkMs) {
  const scrapeMs = opts.scrapeMs ?? 15_000
  const rps = opts.rps ?? 200
  const good = opts.good ?? { errorRate: 0.01, latencyS: 0.04 }
  const labels = opts.labels ?? { job: 'history', instance: 'history:80' }
  const deploys = [...opts.deploys].sort((a, b) => a.at - b.at)
  const windows = deploys.map((d, i) => {
    const start = d.at + (d.delayMs ?? 30_000)
    const end = d.forMs !== undefined ? start + d.forMs : (deploys[i + 1]?.at ?? Infinity)
    return { start, end, state: { errorRate: d.errorRate, latencyS: d.latencyS ?? good.latencyS } }
  })
  /** What the service does at `t`: the newest deploy's behaviour while it lasts, else good. */
  const stateAt = (t) => {
    for (let i = windows.length - 1; i >= 0; i--) {
      const w = windows[i]
      if (t >= w.start && t < w.end) return w.state
    }
    return good
  }
  const label = (extra) =>
    `{${Object.entries({ ...labels, ...extra })
      .map(([k, v]) => `${k}="${v}"`)
      .join(',')}}`
  const ts = (t) => (t / 1000).toFixed(3)
  const num = (v) => String(Math.round(v * 1000) / 1000)
  const bucketLabels = DURATION_BUCKETS.map((le) => label({ le: String(le) }))
  const names = {
    ok: `http_requests_total${label({ status: '200' })}`,
    failed: `http_requests_total${label({ status: '500' })}`,
    inf: `http_request_duration_seconds_bucket${label({ le: '+Inf' })}`,
    count: `http_request_duration_seconds_count${label({})}`,
    sum: `http_request_duration_seconds_sum${label({})}`
  }
  let okTotal = 0
  let failedTotal = 0
  let sumTotal = 0
  const perBucket = DURATION_BUCKETS.map(() => 0)
  let prev = opts.from - scrapeMs
  /** One chunk's scrapes: the time and every series' value at it. */
  let rows = []
  const text = () => {
    const lines = []
    const series = (name, pick) => {
      for (const r of rows) lines.push(`${name} ${num(pick(r))} ${ts(r.t)}`)
    }
    lines.push('# HELP http_requests Requests handled, by HTTP status.')
    lines.push('# TYPE http_requests counter')
    series(names.ok, (r) => r.ok)
    series(names.failed, (r) => r.failed)
    lines.push('# HELP http_request_duration_seconds Request latency in seconds.')
    lines.push('# TYPE http_request_duration_seconds histogram')
    bucketLabels.forEach((l, i) =>
      series(`http_request_duration_seconds_bucket${l}`, (r) => r.buckets[i])
    )
    series(names.inf, (r) => r.ok + r.failed)
    series(names.count, (r) => r.ok + r.failed)
    series(names.sum, (r) => r.sum)
    lines.push('# EOF')
    return lines.join('\n') + '\n'
  }
  const chunkOf = (t) => (Number.isFinite(chunkMs) ? Math.floor(t / chunkMs) : 0)
  // Counters accumulate over the scrape interval before each scrape.
  for (let t = opts.from; t <= opts.to; t += scrapeMs) {
    if (rows.length && chunkOf(t) !== chunkOf(rows[0].t)) {
      yield text()
      rows = []
    }
    const s = stateAt(prev)
    const n = (rps * (t - prev)) / 1000
    failedTotal += n * s.errorRate
    okTotal += n * (1 - s.errorRate)
    sumTotal += n * s.latencyS
    DURATION_BUCKETS.forEach((le, i) => {
      if (s.latencyS <= le) perBucket[i] += n
    })
    rows.push({ t, ok: okTotal, failed: failedTotal, buckets: [...perBucket], sum: sumTotal })
    prev = t
  }
  if (rows.length) yield text()
}
