// The Datadog provider against the stand-in of sandbox/datadog.js on loopback: the newest bucket
// that ended by now − lag is the reading (the filling one is never read), a null bucket, no
// series or several are unknown, and every outage (refused connection, 5xx, 429, refused keys) is
// unknown with a reason that holds no key; after a 429 nothing is sent until its reset. A replay's
// range picks, for each time, the bucket an instant query at that time would.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { createDatadog, datadogEndpoint, pinnedRollupMs } from '../../src/adapters/datadog.js'
import type { DatadogSettings } from '../../src/settings/types.js'
import { closedPortUrl } from '../../sandbox/ports.js'
import { startDatadogStandin } from '../../sandbox/datadog.js'

const API_KEY = 'dd-api-key-0123456789abcdef'
const APP_KEY = 'dd-app-key-fedcba9876543210'
/** The stand-in's clock: 10 s into a minute, so the 60 s bucket of this minute is filling. */
const NOW = Date.parse('2026-11-25T12:00:10Z')

/** Values per query; the filling bucket reads 0 (its errors not in yet), as Datadog's would. */
const TABLE: Record<string, (start: number) => number | null> = {
  'sum:app.errors{env:prod}.as_count().rollup(sum,60) / sum:app.hits{env:prod}.as_count().rollup(sum,60)':
    () => 0.6,
  'default_zero(sum:app.errors{env:healthy}.rollup(sum,60))': () => 0.01,
  // A step: 0.02 until 11:58, then 0.6.
  'sum:app.ratio{env:step}.rollup(avg,60)': (start) =>
    start < Date.parse('2026-11-25T11:58:00Z') ? 0.02 : 0.6,
  'sum:app.sparse{env:prod}.rollup(sum,60)': (start) =>
    start === Date.parse('2026-11-25T11:58:00Z') ? null : 5
}

let standin: Awaited<ReturnType<typeof startDatadogStandin>>
beforeAll(async () => {
  standin = await startDatadogStandin({
    apiKey: API_KEY,
    appKey: APP_KEY,
    now: () => NOW,
    source: (query, buckets) => {
      if (query.includes(' by {'))
        return [
          { scope: 'host:a', values: buckets.map(() => 1) },
          { scope: 'host:b', values: buckets.map(() => 2) }
        ]
      const f = TABLE[query]
      if (!f) return []
      return [{ values: buckets.map((b) => (b.complete ? f(b.start) : 0)) }]
    }
  })
})
afterAll(async () => {
  await standin.stop()
})
beforeEach(() => {
  standin.setFailure(undefined)
  standin.requests.length = 0
})

function dd(over: Partial<DatadogSettings> = {}, clock = () => NOW) {
  return createDatadog(
    { apiUrl: standin.url, apiKey: API_KEY, appKey: APP_KEY, lagMs: 0, ...over },
    { timeoutMs: 2_000, now: clock }
  )
}
const ERRORS =
  'sum:app.errors{env:prod}.as_count().rollup(sum,60) / sum:app.hits{env:prod}.as_count().rollup(sum,60)'

describe('Datadog provider', () => {
  it('reads the newest complete bucket: 60% errors, never the filling bucket (0)', async () => {
    await expect(dd().query(ERRORS, NOW)).resolves.toEqual({ status: 'measured', value: 0.6 })
    const r = standin.requests[0]
    expect(r.path).toBe('/api/v1/query')
    expect(r.query).toEqual({
      from: String((NOW - 10 * 60_000) / 1000),
      to: String(NOW / 1000),
      query: ERRORS
    })
    expect([r.apiKey, r.appKey]).toEqual([API_KEY, APP_KEY])
  })

  it('a healthy value; datadog-lag moves the judged bucket back', async () => {
    await expect(
      dd().query('default_zero(sum:app.errors{env:healthy}.rollup(sum,60))', NOW)
    ).resolves.toEqual({ status: 'measured', value: 0.01 })
    const step = 'sum:app.ratio{env:step}.rollup(avg,60)'
    // Now: 11:59 is the newest complete bucket (0.6); 2 minutes of lag: 11:57 (0.02).
    expect((await dd().query(step, NOW)).value).toBe(0.6)
    expect((await dd({ lagMs: 120_000 }).query(step, NOW)).value).toBe(0.02)
  })

  it('a null bucket, no series and several series are unknown, each saying why', async () => {
    const sparse = 'sum:app.sparse{env:prod}.rollup(sum,60)'
    expect(await dd().query(sparse, NOW)).toEqual({ status: 'measured', value: 5 })
    expect((await dd({ lagMs: 70_000 }).query(sparse, NOW)).reason).toBe(
      'no data in the bucket 2026-11-25T11:58:00.000Z–2026-11-25T11:59:00.000Z (a null point; default_zero(...) makes an absent count 0)'
    )
    expect((await dd().query('sum:app.nothing{env:prod}', NOW)).reason).toMatch(
      /^no series: the query matched nothing/
    )
    expect((await dd().query('sum:app.hits{env:prod} by {host}', NOW)).reason).toMatch(
      /^query returned 2 series; aggregate it/
    )
  })

  it('a PromQL query is Datadog’s 400, unknown with its message', async () => {
    const r = await dd().query('sum(rate(http_requests_total[1m]))', NOW)
    expect(r.status).toBe('unknown')
    expect(r.reason).toMatch(
      /^Datadog could not run the query "sum\(rate\(http_requests_total\[1m\]\)\)": Error parsing query/
    )
  })

  it('refused keys, a 5xx, a refused connection and a timeout are unknown; no key in a reason', async () => {
    const bad = await dd({ appKey: 'expired-app-key' }).query(ERRORS, NOW)
    expect(bad.status).toBe('unknown')
    expect(bad.reason).toBe(
      'Datadog refused the keys (HTTP 403 Forbidden) — check datadog-api-key and datadog-app-key (the application key needs the timeseries_query permission) and datadog-site'
    )
    standin.setFailure({ status: 502 })
    expect((await dd().query(ERRORS, NOW)).reason).toBe(
      'HTTP 502 from Datadog: <html><body><h1>502 Bad Gateway</h1></body></html>'
    )
    const refused = await dd({ apiUrl: await closedPortUrl() }).query(ERRORS, NOW)
    expect(refused).toMatchObject({ status: 'unknown', value: null })
    expect(refused.reason).toMatch(/^Datadog: connection refused/)
    standin.setFailure('hang')
    const slow = await createDatadog(
      { apiUrl: standin.url, apiKey: API_KEY, appKey: APP_KEY, lagMs: 0 },
      { timeoutMs: 300, now: () => NOW }
    ).query(ERRORS, NOW)
    expect(slow.status).toBe('unknown')
    for (const r of [bad, refused, slow])
      expect(JSON.stringify(r)).not.toMatch(/dd-a(pi|pp)-key|expired-app-key/)
  })

  it('a 429 is unknown and silences the provider until X-RateLimit-Reset', async () => {
    let clock = NOW
    const provider = dd({}, () => clock)
    standin.setFailure({ status: 429, resetS: 7 })
    const limited = await provider.query(ERRORS, clock)
    expect(limited).toMatchObject({ status: 'unknown', value: null })
    expect(limited.reason).toMatch(
      /^Datadog rate limit \(HTTP 429\), resets in 7s: Rate limit of 1600 requests/
    )
    standin.setFailure(undefined)
    clock += 5_000
    const quiet = await provider.query(ERRORS, clock)
    expect(quiet.reason).toBe('Datadog rate limit: no request for another 2s (X-RateLimit-Reset)')
    expect(standin.requests).toHaveLength(1)
    clock += 2_000
    expect((await provider.query(ERRORS, clock)).status).toBe('measured')
    expect(standin.requests).toHaveLength(2)
  })

  it('a range gives each time the bucket an instant query at that time would read', async () => {
    const step = 'sum:app.ratio{env:step}.rollup(avg,60)'
    const provider = dd({ lagMs: 30_000 })
    const range = { start: NOW - 5 * 60_000, end: NOW, stepMs: 20_000 }
    const got = await provider.queryRange(step, range)
    if (!got.ok) throw new Error(got.reason)
    expect(got.requests).toBe(1)
    expect(got.points).toHaveLength(16)
    for (const p of got.points) {
      // The stand-in's clock is NOW: buckets that end after it are filling and read 0.
      const instant = await dd({ lagMs: 30_000 }).query(step, p.at)
      expect(p.reading).toEqual(instant)
    }
    expect(got.points.map((p) => p.reading.value)).toContain(0.02)
    expect(got.points.map((p) => p.reading.value)).toContain(0.6)
  })

  it('a range waits out a short 429 and carries on', async () => {
    standin.setFailure({ status: 429, resetS: 1, once: true })
    const started = Date.now()
    // The provider's clock moves on as the real one does, read at each call.
    const provider = dd({}, () => NOW + (Date.now() - started))
    const got = await provider.queryRange(ERRORS, {
      start: NOW - 60_000,
      end: NOW,
      stepMs: 30_000
    })
    expect(got).toMatchObject({ ok: true, requests: 2 })
    expect(Date.now() - started).toBeGreaterThanOrEqual(900)
  })

  it('the endpoint keeps a proxy path; the pinned rollup widens the look-back', () => {
    expect(datadogEndpoint({ apiUrl: 'https://proxy.example/datadog' })).toBe(
      'https://proxy.example/datadog/api/v1/query'
    )
    expect(datadogEndpoint({ apiUrl: 'https://api.datadoghq.eu' })).toBe(
      'https://api.datadoghq.eu/api/v1/query'
    )
    expect(pinnedRollupMs('sum:a{*}.rollup(sum, 300) / sum:b{*}.rollup(600)')).toBe(600_000)
    expect(pinnedRollupMs('sum:a{*}')).toBe(0)
  })
})
