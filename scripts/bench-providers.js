// Figure 10: what each metric provider adds to a probe cycle, against its stand-in on loopback —
// Prometheus (the sandbox production's real one), Datadog (sandbox/datadog.js), CloudWatch
// (sandbox/cloudwatch.js, through the AWS SDK: SigV4 signing, JSON 1.0) and a JSON endpoint
// (sandbox/web-metrics.js). The stand-ins answer from a constant table, so the figure is the
// adapter's request, the HTTP round trip and the stand-in's own answer; a real vendor adds its
// network distance on top.
import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { startCloudWatchStandin } from '../sandbox/cloudwatch.js'
import { startDatadogStandin } from '../sandbox/datadog.js'
import { actionNode, ROOT } from '../sandbox/run-action.js'
import { transpileSources } from '../sandbox/transpile.js'
import { startWebMetrics } from '../sandbox/web-metrics.js'
import { median } from './bench-lib.js'

const MB = 1_000_000
const DD = {
  apiKey: 'bench-dd-api-key-0123456789',
  appKey: 'bench-dd-app-key-0123456789',
  queries: [
    'default_zero(sum:sandbox.http.errors{env:production}.as_count().rollup(sum,15)) / sum:sandbox.http.hits{env:production}.as_count().rollup(sum,15)',
    'p95:sandbox.http.request{env:production}.rollup(max,15)',
    'sum:sandbox.http.hits{env:production}.as_rate().rollup(avg,15)'
  ]
}
/** An ALB's three signals as docs/metrics.md writes them (standard 60 s periods). */
const cwMetric = (id, name, stat, returned = false) => ({
  Id: id,
  MetricStat: {
    Metric: {
      Namespace: 'AWS/ApplicationELB',
      MetricName: name,
      Dimensions: [{ Name: 'LoadBalancer', Value: 'app/sandbox/50dc6c495c0c9188' }]
    },
    Period: 60,
    Stat: stat
  },
  ReturnData: returned
})
const CW = {
  region: 'eu-west-1',
  credentials: {
    AWS_ACCESS_KEY_ID: 'AKIABENCHSTANDIN0EXA',
    AWS_SECRET_ACCESS_KEY: 'benchSecretAccessKey0123456789abcdefghijk',
    AWS_EC2_METADATA_DISABLED: 'true'
  },
  queries: [
    [
      { Id: 'e', Expression: 'FILL(m1,0)/m2' },
      cwMetric('m1', 'HTTPCode_Target_5XX_Count', 'Sum'),
      cwMetric('m2', 'RequestCount', 'Sum')
    ],
    [cwMetric('p', 'TargetResponseTime', 'p95', true)],
    [{ Id: 'r', Expression: 'm2/PERIOD(m2)' }, cwMetric('m2', 'RequestCount', 'Sum')]
  ].map((q) => JSON.stringify(q))
}
const WEB = {
  token: 'bench-web-token',
  queries: ['error_ratio', 'p95_seconds', 'requests_per_second']
}

const p95 = (xs) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))]

/** @param {{ record: Function, track: Function, startTrackedProduction: Function, bold: Function, cycles: number }} ctx */
export async function providersBench(ctx) {
  console.log(
    ctx.bold('\n10. Metric providers: the time one probe cycle spends reading its queries')
  )
  const { production } = await ctx.startTrackedProduction({ rateWindow: '10s' })
  const datadog = await startDatadogStandin({
    apiKey: DD.apiKey,
    appKey: DD.appKey,
    source: (query, buckets) => [
      { values: buckets.map(() => (query.startsWith('p95') ? 0.12 : 0.01)) }
    ]
  })
  const stopDatadog = ctx.track(() => datadog.stop())
  const cloudwatch = await startCloudWatchStandin({
    accessKeyId: CW.credentials.AWS_ACCESS_KEY_ID,
    region: CW.region,
    source: (_queries, id, periods) => periods.map(() => (id === 'p' ? 0.12 : 0.01))
  })
  const stopCloudWatch = ctx.track(() => cloudwatch.stop())
  const web = await startWebMetrics({ source: () => 0.01, token: WEB.token })
  const stopWeb = ctx.track(() => web.stop())
  const sources = transpileSources()
  const removeSources = ctx.track(async () => sources.cleanup())
  try {
    const q = production.queries
    const spec = {
      cycles: ctx.cycles,
      warmup: 20,
      prometheus: {
        url: production.prometheus.url,
        queries: [q.errorRate, q.latency, q.requestRate]
      },
      datadog: { url: datadog.url, ...DD },
      cloudwatch: { url: cloudwatch.url, region: CW.region, queries: CW.queries },
      web: { url: web.url, ...WEB }
    }
    const { stdout } = await promisify(execFile)(
      actionNode(),
      [
        path.join(ROOT, 'scripts/bench-providers-child.js'),
        path.dirname(sources.file('adapters/http')),
        JSON.stringify(spec)
      ],
      // The SDK's default credential chain reads them from the environment, as in a workflow.
      { timeout: 300_000, maxBuffer: 16 * MB, env: { ...process.env, ...CW.credentials } }
    )
    const { node, times } = JSON.parse(stdout.trim().split('\n').pop())
    const fmt = (ms) => `${ms.toFixed(2)} ms`
    const ids = { prometheus: '10a', datadog: '10b', web: '10c', cloudwatch: '10d' }
    const against = {
      prometheus: "the sandbox production's Prometheus (real, [10s] PromQL defaults of the demo)",
      datadog:
        'the Datadog stand-in (GET /api/v1/query, pinned 15 s rollups, 10-minute look-back: 40 buckets per answer)',
      web: 'the JSON stand-in (one GET per query, value at data.value)',
      cloudwatch:
        'the CloudWatch stand-in (GetMetricData through the AWS SDK: SigV4, JSON 1.0; 60 s periods, 10-minute look-back: 10 periods per answer)'
    }
    for (const [name, ms] of Object.entries(times)) {
      console.log(
        `  ${name}: median ${fmt(median(ms))}, p95 ${fmt(p95(ms))} over ${ms.length} cycles`
      )
      ctx.record({
        id: ids[name],
        name: `metrics read per probe cycle, ${name}`,
        value: `median ${fmt(median(ms))}, p95 ${fmt(p95(ms))}`,
        target: '',
        ok: null,
        method: `${ms.length} cycles (after 20 warm-up) of the three queries read at once through src/adapters/${name}.ts (transpiled, Node ${node}) against ${against[name]} on 127.0.0.1; the providers interleaved one cycle each`
      })
    }
  } finally {
    await removeSources()
    await stopWeb()
    await stopCloudWatch()
    await stopDatadog()
  }
}
