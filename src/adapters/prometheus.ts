// Prometheus instant queries (GET /api/v1/query) and range queries (GET /api/v1/query_range, for
// replays; cut at Prometheus' 11,000 points per request). Every failure is an `unknown` reading with a
// reason a human can act on: monitoring trouble is never production trouble, and never throws.
import type { MetricReading, UnknownCause } from '../runbook/types.js'
import { redactUrl } from '../lib/urls.js'
import type { HttpHeaders } from '../settings/types.js'
import { createHttpClient, type NetworkOptions } from './http.js'
import type { MetricsHistory, MetricsSource, RangePoint, RangeReading, TimeRange } from './ports.js'

const MAX_CONTENT_LENGTH = 4 * 1024 * 1024
/** A range query of thousands of points may take longer than an instant one. */
const RANGE_TIMEOUT_MS = 30_000

export type { RangeReading }

/**
 * `{url}/api/v1/query`, keeping a path prefix (https://host/prometheus/) with or without the
 * slash, and the URL's own query (a `?token=` some gateways want on every request).
 */
export function queryEndpoint(baseUrl: string, api: 'query' | 'query_range' = 'query'): string {
  const base = new URL(baseUrl)
  const search = base.search
  if (!base.pathname.endsWith('/')) base.pathname += '/'
  base.search = ''
  base.hash = ''
  const endpoint = new URL(`api/v1/${api}`, base)
  endpoint.search = search
  return endpoint.toString()
}

/** Prometheus' `time` parameter: unix seconds with millisecond decimals. */
export function promTime(at: number): string {
  return (at / 1000).toFixed(3)
}

const unknown = (reason: string, cause?: UnknownCause): MetricReading => ({
  status: 'unknown',
  value: null,
  reason,
  ...(cause ? { cause } : {})
})

/** Prometheus sample values are strings: "0.25", "NaN", "+Inf", "-Inf". */
export function parseSampleValue(raw: unknown): MetricReading {
  if (raw === 'NaN')
    return unknown(
      'value is NaN: no traffic in the rate window (0/0), or no samples to divide',
      'no-data'
    )
  if (raw === '+Inf' || raw === 'Inf')
    return unknown(
      'value is +Inf: division by zero, or observations above the highest histogram bucket'
    )
  if (raw === '-Inf') return unknown('value is -Inf: division by zero with a negative numerator')
  const value = typeof raw === 'string' ? Number(raw) : NaN
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(value))
    return unknown(`unexpected sample value ${JSON.stringify(raw)}`)
  return { status: 'measured', value }
}

/** The first characters of an answer that was not JSON, on one line, for the reason. */
function snippet(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim()
  return one.length > 80 ? `${one.slice(0, 80)}…` : one
}

function looksLikeHtml(text: string): boolean {
  return /^\s*(<!doctype html|<html|<head|<body|<\?xml|<)/i.test(text)
}

interface PromAnswer {
  status?: unknown
  errorType?: unknown
  error?: unknown
  data?: { resultType?: unknown; result?: unknown }
}

/** Reads one parsed /api/v1/query answer (exported for the tests' table). */
export function readAnswer(answer: PromAnswer, promql: string): MetricReading {
  if (answer.status === 'error') {
    const type = typeof answer.errorType === 'string' ? answer.errorType : 'error'
    const message = typeof answer.error === 'string' ? answer.error : 'no message'
    return unknown(
      `Prometheus ${type} for query ${JSON.stringify(promql)}: ${JSON.stringify(message)}`,
      type === 'bad_data' ? 'rejected' : undefined
    )
  }
  if (answer.status !== 'success' || !answer.data)
    return unknown('unexpected answer from Prometheus (no status "success" and no data)')
  const { resultType, result } = answer.data
  if (resultType === 'scalar') {
    if (!Array.isArray(result) || result.length < 2) return unknown('malformed scalar result')
    return parseSampleValue(result[1])
  }
  if (resultType === 'vector') {
    if (!Array.isArray(result)) return unknown('malformed vector result')
    if (result.length === 0)
      return unknown(
        "empty result (no series): the query matched nothing; if a ratio's numerator may not " +
          'exist yet (no 5xx so far), wrap it as (sum(rate(...)) or vector(0))',
        'no-data'
      )
    if (result.length > 1)
      return unknown(`query returned ${result.length} series; aggregate it (e.g. sum(...))`)
    const value = (result[0] as { value?: unknown })?.value
    if (!Array.isArray(value) || value.length < 2) return unknown('malformed vector sample')
    return parseSampleValue(value[1])
  }
  if (resultType === 'matrix')
    return unknown(
      'query returned a range vector (matrix); use an instant expression, e.g. rate(x[1m]) instead of x[1m]'
    )
  return unknown(`query returned a ${String(resultType)} result, not a number`)
}

/** Prometheus refuses a range query of more points than this per series. */
export const MAX_RANGE_POINTS = 11_000

/**
 * The range cut into requests of at most `maxPoints` evaluation times each, on the same grid
 * (start + k × step), in order. An empty or backwards range has none.
 */
export function splitRange(range: TimeRange, maxPoints = MAX_RANGE_POINTS): TimeRange[] {
  const { start, end, stepMs } = range
  if (!(stepMs > 0) || !(end >= start) || !(maxPoints >= 1)) return []
  const total = Math.floor((end - start) / stepMs) + 1
  const out: TimeRange[] = []
  for (let first = 0; first < total; first += maxPoints) {
    const last = Math.min(total, first + maxPoints) - 1
    out.push({ start: start + first * stepMs, end: start + last * stepMs, stepMs })
  }
  return out
}

/** A matrix answer of one range request as points; a failure when it is not one series. */
export function readMatrix(
  answer: PromAnswer,
  promql: string
): { points: RangePoint[] } | { failure: string } {
  if (answer.status === 'error') {
    const reading = readAnswer(answer, promql)
    return { failure: reading.reason ?? 'Prometheus error' }
  }
  if (answer.status !== 'success' || !answer.data)
    return { failure: 'unexpected answer from Prometheus (no status "success" and no data)' }
  const { resultType, result } = answer.data
  if (resultType !== 'matrix' || !Array.isArray(result))
    return { failure: `range query returned a ${String(resultType)} result, not a matrix` }
  if (result.length > 1)
    return { failure: `query returned ${result.length} series; aggregate it (e.g. sum(...))` }
  const values = (result[0] as { values?: unknown } | undefined)?.values ?? []
  if (!Array.isArray(values)) return { failure: 'malformed matrix result' }
  const points: RangePoint[] = []
  for (const v of values) {
    if (!Array.isArray(v) || v.length < 2 || typeof v[0] !== 'number') continue
    points.push({ at: Math.round(v[0] * 1000), reading: parseSampleValue(v[1]) })
  }
  return { points }
}

type Fetched = { answer: PromAnswer } | { failure: string; answered: boolean; cause?: UnknownCause }

/** `opts.network`: the ca-certificate and the environment the proxy variables are read from. */
export function createPrometheus(
  settings: { url: string; headers: HttpHeaders },
  opts: { timeoutMs: number; network?: NetworkOptions }
): MetricsSource & MetricsHistory {
  const endpoint = queryEndpoint(settings.url)
  const rangeEndpoint = queryEndpoint(settings.url, 'query_range')
  const { timeoutMs } = opts
  const request = createHttpClient(opts.network)
  // A replay's thousands of range queries: one pool of connections, and answers not compressed
  // (on a nearby Prometheus, deflating and inflating cost both sides more than the bytes do).
  let rangeRequest: ReturnType<typeof createHttpClient> | undefined

  /** One GET of the API, its failures in the probes' words: never throws. */
  async function fetchAnswer(
    url: string,
    params: Record<string, string>,
    promql: string,
    limitMs: number,
    signal?: AbortSignal
  ): Promise<Fetched> {
    const range = url === rangeEndpoint
    if (range) rangeRequest ??= createHttpClient(opts.network, { keepAlive: true })
    const res = await (range && rangeRequest ? rangeRequest : request)({
      url,
      method: 'GET',
      params,
      headers: {
        Accept: 'application/json',
        ...(range ? { 'Accept-Encoding': 'identity' } : {}),
        'User-Agent': 'rollback-sentinel',
        ...settings.headers
      },
      maxBodyBytes: MAX_CONTENT_LENGTH,
      timeoutMs: limitMs,
      signal
    })
    if (!res.ok)
      return {
        failure: res.kind === 'cancelled' ? 'cancelled' : `Prometheus: ${res.reason}`,
        answered: false,
        ...(res.kind === 'cancelled' ? {} : { cause: 'unreachable' as const })
      }
    const text = res.body
    let answer: PromAnswer | undefined
    try {
      const parsed: unknown = JSON.parse(text)
      if (parsed && typeof parsed === 'object') answer = parsed as PromAnswer
    } catch {
      answer = undefined
    }
    // Prometheus answers its own errors (400 bad_data, 422 execution, 503 timeout) as JSON.
    if (answer && answer.status === 'error') return { answer }
    const failed = (failure: string, cause?: UnknownCause): Fetched => ({
      failure,
      answered: true,
      ...(cause ? { cause } : {})
    })
    if (res.status === 401 || res.status === 403)
      return failed(`HTTP ${res.status} from Prometheus — check prometheus-headers`, 'credentials')
    if (res.status === 404)
      return failed(`HTTP 404 from Prometheus at ${redactUrl(url).shown} — check prometheus-url`)
    if (res.status < 200 || res.status >= 300)
      return failed(`HTTP ${res.status} from Prometheus${text ? `: ${snippet(text)}` : ''}`)
    if (!answer)
      return failed(
        looksLikeHtml(text)
          ? 'Prometheus answered with HTML, not JSON — check prometheus-url (a login page or proxy?)'
          : `Prometheus answered with something that is not JSON: ${snippet(text) || '(empty)'}`
      )
    return { answer }
  }

  return {
    async query(promql: string, at: number, signal?: AbortSignal): Promise<MetricReading> {
      const got = await fetchAnswer(
        endpoint,
        { query: promql, time: promTime(at) },
        promql,
        timeoutMs,
        signal
      )
      return 'failure' in got ? unknown(got.failure, got.cause) : readAnswer(got.answer, promql)
    },

    async queryRange(promql: string, range: TimeRange, signal?: AbortSignal) {
      const points: RangePoint[] = []
      const chunks = splitRange(range)
      let requests = 0
      for (const chunk of chunks) {
        requests++
        const got = await fetchAnswer(
          rangeEndpoint,
          {
            query: promql,
            start: promTime(chunk.start),
            end: promTime(chunk.end),
            step: String(chunk.stepMs / 1000)
          },
          promql,
          Math.max(timeoutMs, RANGE_TIMEOUT_MS),
          signal
        )
        if ('failure' in got)
          return { ok: false as const, reason: got.failure, answered: got.answered, requests }
        const read = readMatrix(got.answer, promql)
        if ('failure' in read)
          return { ok: false as const, reason: read.failure, answered: true, requests }
        points.push(...read.points)
      }
      return { ok: true as const, points, requests }
    }
  }
}
