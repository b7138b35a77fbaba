// The web provider: any HTTP endpoint answering JSON. One GET per query (web-url with {query}
// filled in, or the query itself as the URL), the number at web-value-path. Only a JSON number
// is a value: a string ("0.25"), null, a missing key or a non-2xx answer is unknown, never a
// breach and never healthy. The endpoint has no history the action can read: no range queries.
import type { MetricReading, UnknownCause } from '../runbook/types.js'
import { followJsonPath, formatJsonPath, parseJsonPath } from '../lib/json-path.js'
import { redactUrl } from '../lib/urls.js'
import type { WebSettings } from '../settings/types.js'
import { createHttpClient, type NetworkOptions } from './http.js'
import type { MetricsHistory, MetricsSource, RangeReading } from './ports.js'

const MAX_BODY_BYTES = 1024 * 1024

const unknown = (reason: string, cause?: UnknownCause): MetricReading => ({
  status: 'unknown',
  value: null,
  reason,
  ...(cause ? { cause } : {})
})

/** The URL of one query at one time: {query} URL-encoded, {time} in unix seconds. */
export function webQueryUrl(template: string | undefined, query: string, at: number): string {
  const time = String(Math.floor(at / 1000))
  if (template === undefined) return query.replace(/\{time\}/g, time)
  return template.replace(/\{query\}/g, encodeURIComponent(query)).replace(/\{time\}/g, time)
}

/** The first characters of an answer, on one line, for a reason. */
function snippet(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim()
  return one.length > 80 ? `${one.slice(0, 80)}…` : one
}

/** The value at the path of one parsed answer, strictly a finite JSON number. */
export function readWebValue(doc: unknown, path: string): MetricReading {
  const steps = parseJsonPath(path)
  if (typeof steps === 'string') return unknown(`web-value-path '${path}' ${steps}`)
  const got = followJsonPath(doc, steps)
  const where = formatJsonPath(steps)
  if (!got.found) return unknown(`no value at ${where} in the answer (${got.missing})`, 'no-data')
  const v = got.value
  if (v === null) return unknown(`the value at ${where} is null (no data)`, 'no-data')
  if (typeof v === 'string')
    return unknown(
      `the value at ${where} is the string ${JSON.stringify(snippet(v))}, not a JSON number`
    )
  if (typeof v !== 'number' || !Number.isFinite(v))
    return unknown(
      `the value at ${where} is ${Array.isArray(v) ? 'an array' : typeof v}, not a number`
    )
  return { status: 'measured', value: v }
}

export function createWeb(
  settings: WebSettings,
  opts: { timeoutMs: number; network?: NetworkOptions }
): MetricsSource & MetricsHistory {
  const request = createHttpClient(opts.network)
  const timeoutMs = settings.timeoutMs ?? opts.timeoutMs
  return {
    async query(query: string, at: number, signal?: AbortSignal): Promise<MetricReading> {
      const url = webQueryUrl(settings.url, query, at)
      const res = await request({
        url,
        method: 'GET',
        headers: {
          Accept: 'application/json',
          'User-Agent': 'rollback-sentinel',
          ...settings.headers
        },
        maxBodyBytes: MAX_BODY_BYTES,
        timeoutMs,
        signal
      })
      if (!res.ok)
        return res.kind === 'cancelled'
          ? unknown('cancelled')
          : unknown(`web: ${res.reason}`, 'unreachable')
      const shown = redactUrl(url).shown
      if (res.status === 401 || res.status === 403)
        return unknown(`HTTP ${res.status} from ${shown} — check web-headers`, 'credentials')
      if (res.status < 200 || res.status >= 300)
        return unknown(
          `HTTP ${res.status} from ${shown}${res.body ? `: ${snippet(res.body)}` : ''}`
        )
      let doc: unknown
      try {
        doc = JSON.parse(res.body)
      } catch {
        return unknown(
          `${shown} answered with something that is not JSON: ${snippet(res.body) || '(empty)'}`
        )
      }
      return readWebValue(doc, settings.valuePath)
    },

    queryRange(): Promise<RangeReading> {
      return Promise.resolve({
        ok: false,
        reason: 'the web provider has no history to read (mode replay is not available with it)',
        answered: false,
        requests: 0
      })
    }
  }
}
