// Datadog through its v1 query API (GET /api/v1/query?from&to&query, seconds): plain HTTP through
// the project's client rather than the official one (49 MB unpacked, a 22 MB bundle, for one
// GET). The answer is a pointlist of rollup buckets, each stamped with its start; the newest one
// is still filling (its counts read too small, which looks healthy), so a reading at `at` is the
// newest bucket that ended by `at − lag`, never an older one in its place. A replay picks the
// same bucket for each of its times, so live and replay judge the same numbers. A null bucket,
// no series, several series, a refused key, a 5xx and a 429 are unknown readings with a reason;
// after a 429 no request is sent until X-RateLimit-Reset has passed.
import type { MetricReading, UnknownCause } from '../runbook/types.js'
import { formatDuration } from '../lib/duration.js'
import type { DatadogSettings } from '../settings/types.js'
import { createHttpClient, type NetworkOptions } from './http.js'
import type { MetricsHistory, MetricsSource, RangePoint, RangeReading, TimeRange } from './ports.js'

const MAX_BODY_BYTES = 8 * 1024 * 1024
/** How far back an instant query asks: enough for a few buckets of any pinned rollup. */
const MIN_LOOKBACK_MS = 10 * 60_000
/** A replay's request covers at most this much: Datadog coarsens the buckets of long spans. */
const RANGE_CHUNK_MS = 60 * 60_000
/** The longest wait for X-RateLimit-Reset in a replay before the range gives up. */
const MAX_RANGE_WAIT_MS = 60_000
const RANGE_ATTEMPTS = 3
const RANGE_TIMEOUT_MS = 30_000

const unknown = (reason: string, cause?: UnknownCause): MetricReading => ({
  status: 'unknown',
  value: null,
  reason,
  ...(cause ? { cause } : {})
})

/** `https://api.<site>/api/v1/query`, or under datadog-api-url (a proxy's path kept). */
export function datadogEndpoint(settings: Pick<DatadogSettings, 'apiUrl'>): string {
  const base = new URL(settings.apiUrl)
  if (!base.pathname.endsWith('/')) base.pathname += '/'
  base.search = ''
  base.hash = ''
  return new URL('api/v1/query', base).toString()
}

/** The largest `.rollup(method, seconds)` of a query, in ms (0 when none is pinned). */
export function pinnedRollupMs(query: string): number {
  const seconds = [...query.matchAll(/\.rollup\(\s*(?:[a-z]+\s*,\s*)?(\d+)\s*\)/g)].map((m) =>
    Number(m[1])
  )
  return seconds.length ? Math.max(...seconds) * 1000 : 0
}

export function lookbackMs(query: string): number {
  return Math.max(MIN_LOOKBACK_MS, 3 * pinnedRollupMs(query))
}

interface Series {
  pointlist?: unknown
  interval?: unknown
  scope?: unknown
  expression?: unknown
}
interface DdAnswer {
  status?: unknown
  error?: unknown
  series?: unknown
  errors?: unknown
}

/** A bucket: its start, its end, its value (null: no data in it). */
interface Bucket {
  start: number
  end: number
  value: number | null
}

/** The one series of an answer as buckets, or why it is not one series of numbers. */
export function readSeries(
  answer: DdAnswer
): { buckets: Bucket[] } | { failure: string; cause?: UnknownCause } {
  if (answer.status === 'error')
    return {
      failure: `Datadog could not run the query: ${typeof answer.error === 'string' ? answer.error : 'no message'}`
    }
  if (!Array.isArray(answer.series))
    return { failure: 'unexpected answer from Datadog (no series list)' }
  if (answer.series.length === 0)
    return {
      failure:
        'no series: the query matched nothing (a metric sent only when non-zero, such as an error count, can be wrapped in default_zero(...))',
      cause: 'no-data'
    }
  if (answer.series.length > 1)
    return {
      failure: `query returned ${answer.series.length} series; aggregate it (sum:…{…} without "by", or a formula over one group)`
    }
  const s = answer.series[0] as Series
  const interval = typeof s.interval === 'number' && s.interval > 0 ? s.interval * 1000 : NaN
  if (!Number.isFinite(interval) || !Array.isArray(s.pointlist))
    return { failure: 'unexpected answer from Datadog (a series without interval or pointlist)' }
  const buckets: Bucket[] = []
  for (const p of s.pointlist as unknown[]) {
    if (!Array.isArray(p) || typeof p[0] !== 'number') continue
    const v: unknown = p[1]
    buckets.push({
      start: p[0],
      end: p[0] + interval,
      value: typeof v === 'number' && Number.isFinite(v) ? v : null
    })
  }
  buckets.sort((a, b) => a.start - b.start)
  return { buckets }
}

/** The reading at `judged` (= at − lag): the newest bucket that ended by then. */
export function bucketReading(buckets: Bucket[], judged: number): MetricReading {
  let newest: Bucket | undefined
  for (const b of buckets) if (b.end <= judged) newest = b
  if (!newest)
    return unknown(
      `no complete bucket ended by ${new Date(judged).toISOString()} (now − datadog-lag): the data is late, or the rollup is longer than the look-back`,
      'no-data'
    )
  if (newest.value === null)
    return unknown(
      `no data in the bucket ${new Date(newest.start).toISOString()}–${new Date(newest.end).toISOString()} (a null point; default_zero(...) makes an absent count 0)`,
      'no-data'
    )
  return { status: 'measured', value: newest.value }
}

function snippet(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim()
  return one.length > 80 ? `${one.slice(0, 80)}…` : one
}

type Fetched =
  | { answer: DdAnswer }
  | { failure: string; answered: boolean; retryAfterMs?: number; cause?: UnknownCause }

export function createDatadog(
  settings: DatadogSettings,
  opts: { timeoutMs: number; network?: NetworkOptions; now?: () => number }
): MetricsSource & MetricsHistory {
  const endpoint = datadogEndpoint(settings)
  const request = createHttpClient(opts.network)
  const now = opts.now ?? Date.now
  /** Set by a 429: no request before this time. */
  let blockedUntil = 0
  /** Requests sent (a replay counts them). */
  let sent = 0

  async function fetchAnswer(
    query: string,
    from: number,
    to: number,
    timeoutMs: number,
    signal?: AbortSignal
  ): Promise<Fetched> {
    const wait = blockedUntil - now()
    if (wait > 0)
      return {
        failure: `Datadog rate limit: no request for another ${formatDuration(Math.ceil(wait / 1000) * 1000)} (X-RateLimit-Reset)`,
        answered: true,
        retryAfterMs: wait,
        cause: 'rate-limited'
      }
    sent++
    const res = await request({
      url: endpoint,
      method: 'GET',
      params: {
        from: String(Math.floor(from / 1000)),
        to: String(Math.floor(to / 1000)),
        query
      },
      headers: {
        Accept: 'application/json',
        'User-Agent': 'rollback-sentinel',
        'DD-API-KEY': settings.apiKey,
        'DD-APPLICATION-KEY': settings.appKey
      },
      maxBodyBytes: MAX_BODY_BYTES,
      timeoutMs,
      signal
    })
    if (!res.ok)
      return {
        failure: res.kind === 'cancelled' ? 'cancelled' : `Datadog: ${res.reason}`,
        answered: false,
        ...(res.kind === 'cancelled' ? {} : { cause: 'unreachable' as const })
      }
    let answer: DdAnswer | undefined
    try {
      const parsed: unknown = JSON.parse(res.body)
      if (parsed && typeof parsed === 'object') answer = parsed as DdAnswer
    } catch {
      answer = undefined
    }
    const errors = Array.isArray(answer?.errors)
      ? answer.errors.filter((e): e is string => typeof e === 'string').join('; ')
      : ''
    const said = errors ? `: ${snippet(errors)}` : res.body ? `: ${snippet(res.body)}` : ''
    if (res.status === 429) {
      const reset = Number(res.headers?.['x-ratelimit-reset'])
      const ms = Number.isFinite(reset) && reset > 0 ? reset * 1000 : 60_000
      blockedUntil = now() + ms
      return {
        failure: `Datadog rate limit (HTTP 429), resets in ${formatDuration(ms)}${said}`,
        answered: true,
        retryAfterMs: ms,
        cause: 'rate-limited'
      }
    }
    if (res.status === 401 || res.status === 403)
      return {
        failure: `Datadog refused the keys (HTTP ${res.status}${errors ? ` ${snippet(errors)}` : ''}) — check datadog-api-key and datadog-app-key (the application key needs the timeseries_query permission) and datadog-site`,
        answered: true,
        cause: 'credentials'
      }
    if (res.status === 400)
      return {
        failure: `Datadog could not run the query ${JSON.stringify(query)}${said}`,
        answered: true,
        cause: 'rejected'
      }
    if (res.status < 200 || res.status >= 300)
      return {
        failure: `HTTP ${res.status} from Datadog${said}`,
        answered: true,
        ...(res.status >= 500 ? { cause: 'unreachable' as const } : {})
      }
    if (!answer)
      return {
        failure: `Datadog answered with something that is not JSON: ${snippet(res.body) || '(empty)'} — check datadog-api-url`,
        answered: true
      }
    return { answer }
  }

  return {
    async query(query: string, at: number, signal?: AbortSignal): Promise<MetricReading> {
      const judged = at - settings.lagMs
      const got = await fetchAnswer(
        query,
        judged - lookbackMs(query),
        judged,
        opts.timeoutMs,
        signal
      )
      if ('failure' in got) return unknown(got.failure, got.cause)
      const read = readSeries(got.answer)
      return 'failure' in read
        ? unknown(read.failure, read.cause)
        : bucketReading(read.buckets, judged)
    },

    async queryRange(query: string, range: TimeRange, signal?: AbortSignal): Promise<RangeReading> {
      const { start, end, stepMs } = range
      const points: RangePoint[] = []
      if (!(stepMs > 0) || !(end >= start)) return { ok: true, points, requests: 0 }
      const sentBefore = sent
      for (let chunkStart = start; chunkStart <= end; chunkStart += RANGE_CHUNK_MS) {
        const times: number[] = []
        const first = start + Math.ceil((chunkStart - start) / stepMs) * stepMs
        for (let t = first; t <= end && t < chunkStart + RANGE_CHUNK_MS; t += stepMs) times.push(t)
        if (times.length === 0) continue
        const from = times[0] - settings.lagMs - lookbackMs(query)
        const to = times[times.length - 1] - settings.lagMs
        let got: Fetched | undefined
        for (let attempt = 1; attempt <= RANGE_ATTEMPTS; attempt++) {
          got = await fetchAnswer(
            query,
            from,
            to,
            Math.max(opts.timeoutMs, RANGE_TIMEOUT_MS),
            signal
          )
          const wait = 'failure' in got ? got.retryAfterMs : undefined
          if (wait === undefined || wait > MAX_RANGE_WAIT_MS || attempt === RANGE_ATTEMPTS) break
          await sleep(wait, signal)
          if (signal?.aborted) break
        }
        if (!got || 'failure' in got)
          return {
            ok: false,
            reason: got?.failure ?? 'cancelled',
            answered: got?.answered ?? false,
            requests: sent - sentBefore
          }
        const read = readSeries(got.answer)
        if ('failure' in read)
          return { ok: false, reason: read.failure, answered: true, requests: sent - sentBefore }
        for (const t of times)
          points.push({ at: t, reading: bucketReading(read.buckets, t - settings.lagMs) })
      }
      return { ok: true, points, requests: sent - sentBefore }
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms)
    function done() {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, { once: true })
  })
}
