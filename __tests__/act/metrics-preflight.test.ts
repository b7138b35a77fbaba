// The metric provider's preflight through the real adapters against their loopback stand-ins
// (sandbox/datadog.js, sandbox/web-metrics.js): one instant request per configured query, and the
// fault each answer shows named as the preflight names it — refused keys, no answer, a query that
// matched nothing — with no key in any message.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { probeMetrics, queryInputs } from '../../src/act/metrics-preflight.js'
import { createDatadog } from '../../src/adapters/datadog.js'
import { createWeb } from '../../src/adapters/web.js'
import { metricsPreflightFindings } from '../../src/runbook/metrics-preflight.js'
import { PROVIDER_LABEL } from '../../src/settings/metrics.js'
import { closedPortUrl } from '../../sandbox/ports.js'
import { startDatadogStandin } from '../../sandbox/datadog.js'
import { startWebMetrics } from '../../sandbox/web-metrics.js'

const API_KEY = 'dd-api-key-preflight-0123456789'
const APP_KEY = 'dd-app-key-preflight-0123456789'
const NOW = Date.parse('2026-11-25T12:00:10Z')
const Q = {
  errorRate: 'sum:app.errors{env:prod}.rollup(sum,60) / sum:app.hits{env:prod}.rollup(sum,60)',
  latency: 'p95:app.request{env:prod}.rollup(max,60)',
  requestRate: 'sum:app.hits{env:prod}.as_rate().rollup(avg,60)'
}
/** The latency metric is not sent by this service: the query matches nothing. */
let missing = new Set<string>()

let datadog: Awaited<ReturnType<typeof startDatadogStandin>>
let web: Awaited<ReturnType<typeof startWebMetrics>>
beforeAll(async () => {
  datadog = await startDatadogStandin({
    apiKey: API_KEY,
    appKey: APP_KEY,
    now: () => NOW,
    source: (query, buckets) =>
      missing.has(query) ? [] : [{ values: buckets.map((b) => (b.complete ? 0.01 : 0)) }]
  })
  web = await startWebMetrics({
    source: (name) => (name === 'p95_seconds' ? null : 0.5),
    token: 'web-token-preflight'
  })
})
afterAll(async () => {
  await datadog.stop()
  await web.stop()
})
beforeEach(() => {
  datadog.setFailure(undefined)
  datadog.requests.length = 0
  missing = new Set()
})

const ddSource = (over: { apiUrl?: string; appKey?: string } = {}) =>
  createDatadog(
    { apiUrl: datadog.url, apiKey: API_KEY, appKey: APP_KEY, lagMs: 0, ...over },
    { timeoutMs: 2_000, now: () => NOW }
  )
const findings = async (source: ReturnType<typeof ddSource>, queries = Q) =>
  metricsPreflightFindings(await probeMetrics(source, queries, NOW), PROVIDER_LABEL.datadog)

describe('metric preflight through the Datadog adapter', () => {
  it('every query returns data: one request per query, no finding', async () => {
    expect(await findings(ddSource())).toEqual([])
    expect(datadog.requests.map((r) => r.query.query).sort()).toEqual(Object.values(Q).sort())
  })

  it('a query that matches nothing is named by its input', async () => {
    missing.add(Q.latency)
    const found = await findings(ddSource())
    expect(found.map((f) => [f.kind, f.severity, f.title])).toEqual([
      ['metrics-no-data', 'error', 'latency-query returned nothing']
    ])
    expect(found[0].message).toContain('no series')
  })

  it('a wrong application key: one credentials finding, no key in it', async () => {
    const found = await findings(ddSource({ appKey: 'not-the-app-key-000000' }))
    expect(found.map((f) => f.kind)).toEqual(['metrics-credentials'])
    expect(found[0].message).toContain('HTTP 403')
    expect(JSON.stringify(found)).not.toContain('not-the-app-key-000000')
    expect(JSON.stringify(found)).not.toContain(API_KEY)
  })

  it('a 429: a warning, not an error', async () => {
    datadog.setFailure({ status: 429, resetS: 30 })
    const found = await findings(ddSource())
    expect(found.map((f) => [f.kind, f.severity])).toEqual([['metrics-rate-limited', 'warning']])
  })

  it('nothing listening: one "did not answer" finding', async () => {
    const found = await findings(ddSource({ apiUrl: await closedPortUrl() }))
    expect(found.map((f) => [f.kind, f.title])).toEqual([
      ['metrics-unreachable', 'Datadog did not answer']
    ])
  })
})

describe('metric preflight through the web adapter', () => {
  const queries = { errorRate: 'error_ratio', latency: 'p95_seconds', requestRate: 'rps' }
  const source = (token: string) =>
    createWeb(
      {
        url: `${web.url}/metric?name={query}&time={time}`,
        headers: { Authorization: `Bearer ${token}` },
        valuePath: 'data.value'
      },
      { timeoutMs: 2_000 }
    )
  const run = async (token: string) =>
    metricsPreflightFindings(await probeMetrics(source(token), queries, NOW), PROVIDER_LABEL.web)

  it('a null value is "returned nothing", named by its input', async () => {
    expect((await run('web-token-preflight')).map((f) => f.title)).toEqual([
      'latency-query returned nothing'
    ])
  })

  it('a refused header is a credentials finding naming web-headers', async () => {
    const found = await run('wrong-token')
    expect(found.map((f) => f.kind)).toEqual(['metrics-credentials'])
    expect(found[0].message).toContain('web-headers')
    expect(JSON.stringify(found)).not.toContain('wrong-token')
  })
})

it('queryInputs: the fast query only when configured', () => {
  expect(queryInputs(Q).map((q) => q.input)).toEqual([
    'error-rate-query',
    'latency-query',
    'request-rate-query'
  ])
  expect(queryInputs({ ...Q, fastErrorRate: 'x' }).map((q) => q.input)).toContain(
    'error-rate-fast-query'
  )
})
