// A Datadog stand-in on 127.0.0.1: `GET /api/v1/query?from=S&to=S&query=Q` with the DD-API-KEY and
// DD-APPLICATION-KEY headers, answering in the shapes of Datadog's v1 API description
// (MetricsQueryResponse; APIErrorResponse for 400/403/429; the X-RateLimit-* headers), checked by
// __tests__/sandbox/datadog-standin-openapi.test.ts against __fixtures__/datadog-openapi/.
//
// Buckets: `.rollup(method, N)` pins N seconds; without it the interval follows the span as
// Datadog's does (20 s up to an hour, then 60 s, 300 s, 3600 s), and a span of more than 1500
// buckets is coarsened. Points are stamped with their bucket's start. The numbers come from
// `source(query, buckets)`, given by the test: a table, or a real Prometheus behind it.
import http from 'node:http'
import { listenOnLoopback } from './ports.js'

/** Datadog's default interval for a span (seconds), before any pinned rollup. */
export function defaultInterval(spanS) {
  if (spanS <= 3600) return 20
  if (spanS <= 4 * 3600) return 60
  if (spanS <= 24 * 3600) return 300
  return 3600
}

const MAX_POINTS = 1500

/** The interval of a query over a span: the pinned rollup, coarsened past MAX_POINTS. */
export function intervalFor(query, spanS) {
  const pinned = [...query.matchAll(/\.rollup\(\s*(?:[a-z]+\s*,\s*)?(\d+)\s*\)/g)].map((m) =>
    Number(m[1])
  )
  let interval = pinned.length ? Math.max(...pinned) : defaultInterval(spanS)
  while (spanS / interval > MAX_POINTS) interval *= 2
  return interval
}

/** A query Datadog's parser would take: at least one `aggr:metric{scope}`, balanced brackets. */
function looksLikeDatadog(query) {
  let depth = 0
  for (const c of query) {
    if (c === '(' || c === '{') depth++
    if (c === ')' || c === '}') depth--
    if (depth < 0) return false
  }
  return depth === 0 && /[a-z0-9]+:[A-Za-z0-9_.]+\{[^}]*\}/.test(query) && !/\[/.test(query)
}

/**
 * @typedef {{ start: number, end: number, complete: boolean }} BucketAsk  ms; complete: ended by now
 * @typedef {{ scope?: string, values: (number | null)[] }} SourceSeries  one value per bucket
 * @typedef {{ status: number, resetS?: number, once?: boolean } | 'hang'} DatadogFailure
 */

/**
 * @param {{
 *   apiKey: string,
 *   appKey: string,
 *   source: (query: string, buckets: BucketAsk[]) => SourceSeries[] | Promise<SourceSeries[]>,
 *   now?: () => number,
 *   limit?: number
 * }} opts
 *   source: the series of a query over these buckets ([] = the query matched nothing);
 *   limit: requests per hour before a 429 (default: no limit)
 */
export async function startDatadogStandin(opts) {
  const now = opts.now ?? Date.now
  /** @type {{ path: string, query: Record<string, string>, apiKey?: string, appKey?: string }[]} */
  const requests = []
  /** @type {DatadogFailure | undefined} */
  let failure
  const hanging = new Set()
  const limit = opts.limit ?? 1_000_000

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const apiKey = /** @type {string | undefined} */ (req.headers['dd-api-key'])
    const appKey = /** @type {string | undefined} */ (req.headers['dd-application-key'])
    requests.push({
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      apiKey,
      appKey
    })
    const period = 3600
    const remaining = Math.max(0, limit - requests.length)
    const rate = (resetS) => ({
      'X-RateLimit-Limit': String(limit),
      'X-RateLimit-Period': String(period),
      'X-RateLimit-Remaining': String(remaining),
      'X-RateLimit-Reset': String(resetS ?? period - (Math.floor(now() / 1000) % period)),
      'X-RateLimit-Name': 'query_metrics'
    })
    const json = (status, body, extra = {}) => {
      res.writeHead(status, { 'Content-Type': 'application/json', ...extra })
      res.end(JSON.stringify(body))
    }
    if (failure === 'hang') return void hanging.add(res)
    if (failure && failure.status === 429) {
      const answered = failure
      // `once`: the next request after this 429 is answered normally.
      if (answered.once) failure = undefined
      return json(
        429,
        {
          errors: ['Rate limit of 1600 requests in 3600 seconds reached. Please try again later.']
        },
        rate(answered.resetS)
      )
    }
    if (failure && failure.status >= 500) {
      res.writeHead(failure.status, { 'Content-Type': 'text/html' })
      return res.end('<html><body><h1>502 Bad Gateway</h1></body></html>')
    }
    if (req.method !== 'GET' || url.pathname !== '/api/v1/query')
      return json(404, { errors: ['Not found'] })
    if (apiKey !== opts.apiKey || appKey !== opts.appKey || (failure && failure.status === 403))
      return json(403, { errors: ['Forbidden'] })
    if (requests.length > limit)
      return json(
        429,
        {
          errors: [
            'Rate limit of ' + limit + ' requests in 3600 seconds reached. Please try again later.'
          ]
        },
        rate()
      )
    const from = url.searchParams.get('from') ?? ''
    const to = url.searchParams.get('to') ?? ''
    const query = url.searchParams.get('query') ?? ''
    if (!/^\d+$/.test(from) || !/^\d+$/.test(to))
      return json(
        400,
        { errors: ['Invalid parameter: from and to are required (seconds since the epoch)'] },
        rate()
      )
    if (!query) return json(400, { errors: ['Invalid parameter: query is required'] }, rate())
    if (!looksLikeDatadog(query))
      return json(
        400,
        {
          errors: [
            `Error parsing query: \n unable to parse ${query}: Rule 'scope_expr' didn't match`
          ]
        },
        rate()
      )
    const fromS = Number(from)
    const toS = Number(to)
    if (toS < fromS)
      return json(400, { errors: ['Invalid parameter: from must be before to'] }, rate())
    const interval = intervalFor(query, toS - fromS)
    const buckets = []
    for (let t = Math.floor(fromS / interval) * interval; t <= toS; t += interval)
      buckets.push({
        start: t * 1000,
        end: (t + interval) * 1000,
        complete: (t + interval) * 1000 <= now()
      })
    let series
    try {
      series = await opts.source(query, buckets)
    } catch (e) {
      return json(500, { errors: [String(e instanceof Error ? e.message : e)] })
    }
    const metric = /:([A-Za-z0-9_.]+)\{/.exec(query)?.[1] ?? query
    json(
      200,
      {
        status: 'ok',
        res_type: 'time_series',
        query,
        from_date: fromS * 1000,
        to_date: toS * 1000,
        group_by: [],
        message: '',
        series: series.map((s) => {
          const pointlist = buckets.map((b, k) => [b.start, s.values[k] ?? null])
          return {
            metric,
            display_name: metric,
            expression: query,
            scope: s.scope ?? '*',
            tag_set: s.scope ? [s.scope] : [],
            aggr: /^([a-z0-9]+):/.exec(query)?.[1] ?? null,
            pointlist,
            start: pointlist.length ? pointlist[0][0] : fromS * 1000,
            end: pointlist.length
              ? pointlist[pointlist.length - 1][0] + interval * 1000 - 1
              : toS * 1000,
            interval,
            length: pointlist.length,
            query_index: 0,
            unit: [null, null]
          }
        })
      },
      rate()
    )
  })
  const listening = await listenOnLoopback(server, hanging)
  return {
    ...listening,
    requests,
    /** @param {DatadogFailure | undefined} f  a status (403, 429 with resetS, 5xx) or 'hang' */
    setFailure(f) {
      failure = f
    }
  }
}
