// metrics-provider cloudwatch end to end through the bundle: the CloudWatch stand-in
// (sandbox/cloudwatch.js, GetMetricData as the AWS SDK signs and sends it) answering each period
// from the production's real Prometheus (the real service's real traffic), the credentials in the
// environment as aws-actions/configure-aws-credentials leaves them. A healthy deploy stays
// healthy, a 60% error step rolls back on error-rate-critical; an outage of CloudWatch (a refused
// connection, a 5xx, throttling, expired credentials) is unknown and never a rollback; and a
// replay of the past deploys of past-deploys.ts through the stand-in gives Prometheus' rows.
// One production (with that past backfilled) and one stand-in for the whole file.
import { jest } from '@jest/globals'
import { startCloudWatchStandin, type CwFailure } from '../../sandbox/cloudwatch.js'
import { closedPortUrl } from '../../sandbox/ports.js'
import { runAction } from '../../sandbox/run-action.js'
import { DEFAULTS, Inputs } from '../../src/settings/names.js'
import {
  callLines,
  E2E_POLICY,
  E2E_TIMEOUT,
  runScenario,
  useProduction,
  visibleLog,
  type ActionRun,
  type Production
} from './harness.js'
import { EXPECTED, PAST_LIST, history, rows, withoutTime } from './past-deploys.js'

jest.setTimeout(E2E_TIMEOUT)

const production = useProduction({ history })

const REGION = 'eu-west-1'
const CREDENTIALS = {
  AWS_ACCESS_KEY_ID: 'AKIAE2ESTANDIN0EXAMP',
  AWS_SECRET_ACCESS_KEY: 'e2eSecretAccessKey0123456789abcdefghijklm',
  AWS_SESSION_TOKEN: 'e2eSessionToken0123456789abcdef',
  AWS_REGION: REGION,
  AWS_EC2_METADATA_DISABLED: 'true'
}

/**
 * The queries as users write them for an ALB (docs/metrics.md), in a namespace per use: the
 * live watch reads 1 s high-resolution periods, the replay 5 s ones (its 15 s probe times end a
 * period each). The stand-in knows a query by its namespace and the Id of its result.
 */
function queriesOf(namespace: string, period: number) {
  const metric = (id: string, name: string, stat: string, returned = false) => ({
    Id: id,
    MetricStat: {
      Metric: {
        Namespace: namespace,
        MetricName: name,
        Dimensions: [{ Name: 'LoadBalancer', Value: 'app/sandbox/50dc6c495c0c9188' }]
      },
      Period: period,
      Stat: stat
    },
    ReturnData: returned
  })
  const ratio = (id: string) => [
    { Id: id, Expression: 'FILL(m1,0)/m2', Label: 'error ratio' },
    metric('m1', 'HTTPCode_Target_5XX_Count', 'Sum'),
    metric('m2', 'RequestCount', 'Sum')
  ]
  return {
    errorRate: JSON.stringify(ratio('e')),
    fastErrorRate: JSON.stringify(ratio('f')),
    latency: JSON.stringify([metric('p', 'TargetResponseTime', 'p95', true)]),
    requestRate: JSON.stringify([
      { Id: 'r', Expression: 'm2/PERIOD(m2)' },
      metric('m2', 'RequestCount', 'Sum')
    ])
  }
}
const LIVE = queriesOf('Sandbox/Live', 1)
const PAST_QUERIES = queriesOf('Sandbox/Past', 5)

/** The PromQL behind each (namespace, result Id). */
function promqlOf(p: Production, namespace: string, id: string): string | undefined {
  const live: Record<string, string> = {
    e: p.queries.errorRate,
    p: p.queries.latency,
    r: p.queries.requestRate
  }
  const past: Record<string, string> = {
    e: DEFAULTS[Inputs.ErrorRateQuery],
    f: DEFAULTS[Inputs.ErrorRateFastQuery],
    p: DEFAULTS[Inputs.LatencyQuery],
    r: DEFAULTS[Inputs.RequestRateQuery]
  }
  return (namespace === 'Sandbox/Live' ? live : namespace === 'Sandbox/Past' ? past : {})[id]
}

let cloudwatch: Awaited<ReturnType<typeof startCloudWatchStandin>>
beforeAll(async () => {
  cloudwatch = await startCloudWatchStandin({
    accessKeyId: CREDENTIALS.AWS_ACCESS_KEY_ID,
    sessionToken: CREDENTIALS.AWS_SESSION_TOKEN,
    region: REGION,
    // Each period's value is what Prometheus says at the period's end.
    source: async (queries, resultId, periods) => {
      const namespace = queries.find((q: { MetricStat?: unknown }) => q.MetricStat)?.MetricStat
        ?.Metric?.Namespace
      const promql = promqlOf(production(), namespace, resultId)
      if (!promql || periods.length === 0) return periods.map(() => null)
      const params = new URLSearchParams({
        query: promql,
        start: String(periods[0].end / 1000),
        end: String(periods[periods.length - 1].end / 1000),
        step: String((periods[0].end - periods[0].start) / 1000)
      })
      const res = await fetch(`${production().prometheus.url}/api/v1/query_range?${params}`)
      const body = (await res.json()) as { data: { result: { values: [number, string][] }[] } }
      const byEnd = new Map(
        (body.data.result[0]?.values ?? []).map(([t, v]) => [Math.round(t * 1000), Number(v)])
      )
      return periods.map((b) => {
        const v = byEnd.get(b.end)
        return v !== undefined && Number.isFinite(v) ? v : null
      })
    }
  })
}, 30_000)
afterAll(async () => {
  await cloudwatch?.stop()
})
beforeEach(() => {
  cloudwatch.setFailure(undefined)
  cloudwatch.requests.length = 0
})

const liveInputs = (endpoint = cloudwatch.url) => ({
  'prometheus-url': '',
  'metrics-provider': 'cloudwatch',
  'cloudwatch-region': REGION,
  'cloudwatch-endpoint': endpoint,
  'cloudwatch-lag': '1s',
  'error-rate-query': LIVE.errorRate,
  'latency-query': LIVE.latency,
  'request-rate-query': LIVE.requestRate
})

/**
 * A reading lags by cloudwatch-lag plus a period: the check after Level 1 must look past it, or
 * it still sees the errors from before the rollback (the setup warns about this).
 */
const LAGGED_POLICY = E2E_POLICY.replace(/verify: \d+s/, 'verify: 7s')

const secrets = [CREDENTIALS.AWS_SECRET_ACCESS_KEY, CREDENTIALS.AWS_SESSION_TOKEN]

describe('end to end: metrics-provider cloudwatch', () => {
  it('a healthy deploy stays healthy; a 60% error step rolls back on error-rate-critical', async () => {
    const healthy = await runScenario(production, 'healthy', {
      inputs: { ...liveInputs(), 'watch-duration': '5s' },
      env: CREDENTIALS
    })
    expect(healthy.run.outputs).toMatchObject({ decision: 'healthy' })
    expect(callLines(healthy.production)).toEqual(['rollback.sh --list'])
    const { run, production: p } = await runScenario(production, 'errors', {
      inputs: liveInputs(),
      policy: LAGGED_POLICY,
      env: CREDENTIALS
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
    expect(log).toContain('metrics-provider: cloudwatch')
    expect(log).toMatch(/preflight: ok, all 3 queries returned data/)
    expect(log).not.toMatch(/rollback\.verify \S+ is shorter than CloudWatch's delay/)
    // Signed requests with the session token, GetMetricData only.
    expect(cloudwatch.requests.length).toBeGreaterThan(0)
    expect(
      cloudwatch.requests.every(
        (r) =>
          r.target === 'GraniteServiceVersion20100801.GetMetricData' &&
          r.token === CREDENTIALS.AWS_SESSION_TOKEN &&
          (r.authorization ?? '').includes(`/${REGION}/monitoring/aws4_request`)
      )
    ).toBe(true)
    for (const secret of secrets) expect(log).not.toContain(secret)
  })
})

describe.each<[string, CwFailure | 'refused', RegExp]>([
  ['a refused connection', 'refused', /CloudWatch did not answer \(ECONNREFUSED/],
  ['a 5xx', 500, /CloudWatch did not answer \(\w+ HTTP 500/],
  ['throttling', 'throttle', /CloudWatch throttled the request/],
  ['expired credentials', 'expired', /CloudWatch refused the credentials \(ExpiredToken/]
])('end to end: a CloudWatch outage (%s) during a 60%% error step', (_kind, failure, said) => {
  it('is unknown, never a rollback: inconclusive, nothing run on the host', async () => {
    if (failure !== 'refused') cloudwatch.setFailure(failure)
    const endpoint = failure === 'refused' ? await closedPortUrl() : cloudwatch.url
    const { run, production: p } = await runScenario(production, 'errors', {
      inputs: { ...liveInputs(endpoint), 'watch-duration': '4s' },
      env: CREDENTIALS
    })
    expect(run.outputs.decision).toBe('inconclusive')
    expect(callLines(p).filter((c) => !c.endsWith('--list'))).toEqual([])
    const log = visibleLog(run)
    expect(log).toMatch(said)
    for (const secret of secrets) expect(log).not.toContain(secret)
  })
})

describe('end to end: replay through CloudWatch', () => {
  it('the past deploys through the stand-in (answering from the same Prometheus) give the same rows as Prometheus', async () => {
    const callsBefore = production().calls().length
    const r: ActionRun = await runAction({
      inputs: {
        mode: 'replay',
        'prometheus-url': '',
        'metrics-provider': 'cloudwatch',
        'cloudwatch-region': REGION,
        'cloudwatch-endpoint': cloudwatch.url,
        // No lag: the period that ends at each replayed time holds Prometheus' value then.
        'cloudwatch-lag': '0s',
        'error-rate-query': PAST_QUERIES.errorRate,
        'error-rate-fast-query': PAST_QUERIES.fastErrorRate,
        'latency-query': PAST_QUERIES.latency,
        'request-rate-query': PAST_QUERIES.requestRate,
        'replay-deploys': PAST_LIST,
        'github-token': 'ghs_sandboxTokenNotASecretButTreatedAsOne'
      },
      apiUrl: production().github.url,
      env: CREDENTIALS,
      timeoutMs: 60_000
    })
    try {
      expect(r.code).toBe(0)
      expect(rows(r).map(withoutTime)).toEqual(EXPECTED)
      expect(r.summary).toContain('1 of 3 deploys would have rolled back: 1 P1; 1 warning')
      // Every query was read through the stand-in, each of its four results asked.
      const asked = new Set(
        cloudwatch.requests.flatMap((q) =>
          (q.body?.MetricDataQueries ?? [])
            .filter((m: { ReturnData?: boolean }) => m.ReturnData !== false)
            .map((m: { Id: string }) => m.Id)
        )
      )
      expect([...asked].sort()).toEqual(['e', 'f', 'p', 'r'])
      // Nothing ran on the host (the calls before are the live tests').
      expect(production().calls().slice(callsBefore)).toEqual([])
    } finally {
      r.cleanup()
    }
  })
})
