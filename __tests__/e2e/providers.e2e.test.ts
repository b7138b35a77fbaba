// The metric providers beside Prometheus, end to end through the bundle: the Datadog stand-in
// (sandbox/datadog.js) and a JSON endpoint (sandbox/web-metrics.js), each answering from the
// production's real Prometheus (the real service's real traffic), each in its own shapes. Per
// provider: a healthy deploy stays healthy, a 60% error step rolls back on error-rate-critical;
// a provider outage (Datadog's 429, a refused web endpoint) is unknown and never a rollback.
import { jest } from '@jest/globals'
import { startDatadogStandin } from '../../sandbox/datadog.js'
import { closedPortUrl } from '../../sandbox/ports.js'
import { startWebMetrics } from '../../sandbox/web-metrics.js'
import {
  callLines,
  E2E_TIMEOUT,
  E2E_POLICY,
  runScenario,
  useProduction,
  visibleLog,
  type Production
} from './harness.js'

jest.setTimeout(E2E_TIMEOUT)

const production = useProduction()
const API_KEY = 'e2e-dd-api-key-0123456789'
const APP_KEY = 'e2e-dd-app-key-0123456789'

/** The Datadog queries of the sandbox service (its own language) and the PromQL behind each. */
const DD = {
  errorRate:
    'default_zero(sum:sandbox.http.errors{env:production}.as_count().rollup(sum,1)) / sum:sandbox.http.hits{env:production}.as_count().rollup(sum,1)',
  latency: 'p95:sandbox.http.request{env:production}.rollup(max,1)',
  requestRate: 'sum:sandbox.http.hits{env:production}.as_rate().rollup(avg,1)'
}
const WEB = { errorRate: 'error_ratio', latency: 'p95_seconds', requestRate: 'requests_per_second' }

function promqlOf(p: Production, names: Record<string, string>, q: string): string | undefined {
  const key = Object.entries(names).find(([, v]) => v === q)?.[0] as
    keyof Production['queries'] | undefined
  return key ? p.queries[key] : undefined
}

async function prom(p: Production, path: string, params: Record<string, string>): Promise<unknown> {
  const res = await fetch(`${p.prometheus.url}/api/v1/${path}?${new URLSearchParams(params)}`)
  return ((await res.json()) as { data: { result: unknown[] } }).data.result
}

let datadog: Awaited<ReturnType<typeof startDatadogStandin>>
let web: Awaited<ReturnType<typeof startWebMetrics>>
beforeAll(async () => {
  datadog = await startDatadogStandin({
    apiKey: API_KEY,
    appKey: APP_KEY,
    // Each bucket's value is what Prometheus says at the bucket's end.
    source: async (query, buckets) => {
      const promql = promqlOf(production(), DD, query)
      if (!promql || buckets.length === 0) return []
      const step = (buckets[0].end - buckets[0].start) / 1000
      const result = (await prom(production(), 'query_range', {
        query: promql,
        start: String(buckets[0].end / 1000),
        end: String(buckets[buckets.length - 1].end / 1000),
        step: String(step)
      })) as { values: [number, string][] }[]
      const byEnd = new Map((result[0]?.values ?? []).map(([t, v]) => [Math.round(t * 1000), v]))
      return [
        {
          values: buckets.map((b) => {
            const v = Number(byEnd.get(b.end))
            return byEnd.has(b.end) && Number.isFinite(v) ? v : null
          })
        }
      ]
    }
  })
  web = await startWebMetrics({
    source: async (name, at) => {
      const promql = promqlOf(production(), WEB, name)
      if (!promql) return null
      const result = (await prom(production(), 'query', {
        query: promql,
        time: String(at / 1000)
      })) as { value: [number, string] }[]
      const v = Number(result[0]?.value[1])
      return Number.isFinite(v) ? v : null
    },
    token: 'e2e-web-token'
  })
}, 30_000)
afterAll(async () => {
  await datadog?.stop()
  await web?.stop()
})

const datadogInputs = () => ({
  'prometheus-url': '',
  'metrics-provider': 'datadog',
  'datadog-api-key': API_KEY,
  'datadog-app-key': APP_KEY,
  'datadog-api-url': datadog.url,
  'datadog-lag': '1s',
  'error-rate-query': DD.errorRate,
  'latency-query': DD.latency,
  'request-rate-query': DD.requestRate
})
const webInputs = (url = web.url) => ({
  'prometheus-url': '',
  'metrics-provider': 'web',
  'web-url': `${url}/metric?name={query}&time={time}`,
  'web-headers': 'Authorization: Bearer e2e-web-token',
  'web-value-path': 'data.value',
  'error-rate-query': WEB.errorRate,
  'latency-query': WEB.latency,
  'request-rate-query': WEB.requestRate
})

/**
 * A reading lags by datadog-lag plus a bucket: the check after Level 1 must look past it, or it
 * still sees the errors from before the rollback (the setup warns about this).
 */
const LAGGED_POLICY = E2E_POLICY.replace(/verify: \d+s/, 'verify: 7s')

describe.each([
  ['datadog', datadogInputs],
  ['web', () => webInputs()]
])('end to end: metrics-provider %s', (name, inputs) => {
  it('a healthy deploy stays healthy; a 60% error step rolls back on error-rate-critical', async () => {
    const healthy = await runScenario(production, 'healthy', {
      inputs: { ...inputs(), 'watch-duration': '5s' }
    })
    expect(healthy.run.outputs).toMatchObject({ decision: 'healthy' })
    // Only the preflight's read-only --list ran on the host.
    expect(callLines(healthy.production)).toEqual(['rollback.sh --list'])
    const { run, production: p } = await runScenario(production, 'errors', {
      inputs: inputs(),
      policy: LAGGED_POLICY
    })
    expect(run.outputs).toMatchObject({
      decision: 'rollback',
      rule: 'error-rate-critical',
      'rollback-level': '1',
      'rollback-status': 'succeeded'
    })
    expect(run.outputs.reason).toMatch(/error rate \d+\.\d% > critical 50%/)
    expect(callLines(p).slice(0, 2)).toEqual(['rollback.sh --list', 'rollback.sh --quick'])
    const log = visibleLog(run)
    expect(log).toContain(`metrics-provider: ${name}`)
    // The provider's preflight read every query once before the watch.
    expect(log).toMatch(/preflight: ok, all 3 queries returned data/)
    for (const secret of [API_KEY, APP_KEY, 'e2e-web-token']) expect(log).not.toContain(secret)
  })
})

describe('end to end: a provider outage is unknown, never a rollback', () => {
  it("Datadog's 429 and a refused web endpoint during a 60% error step: inconclusive, nothing rolled back", async () => {
    datadog.setFailure({ status: 429, resetS: 30 })
    try {
      const limited = await runScenario(production, 'errors', {
        inputs: { ...datadogInputs(), 'watch-duration': '5s' }
      })
      expect(limited.run.outputs.decision).not.toBe('rollback')
      expect(limited.run.outputs.decision).toBe('inconclusive')
      expect(callLines(limited.production).filter((c) => !c.endsWith('--list'))).toEqual([])
      expect(visibleLog(limited.run)).toMatch(/Datadog rate limit/)
    } finally {
      datadog.setFailure(undefined)
    }
    const refused = await runScenario(production, 'errors', {
      inputs: { ...webInputs(await closedPortUrl()), 'watch-duration': '5s' }
    })
    expect(refused.run.outputs.decision).toBe('inconclusive')
    expect(callLines(refused.production).filter((c) => !c.endsWith('--list'))).toEqual([])
  })
})
