// Figure 10: what each metric provider adds to a probe cycle, against its stand-in on loopback —
// Prometheus (the sandbox production's real one), Datadog (sandbox/datadog.js) and a JSON
// endpoint (sandbox/web-metrics.js). The stand-ins answer from a constant table, so the figure is
// the adapter's request, the HTTP round trip and the stand-in's own answer; a real vendor adds its
// network distance on top.
import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
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
      web: { url: web.url, ...WEB }
    }
    const { stdout } = await promisify(execFile)(
      actionNode(),
      [
        path.join(ROOT, 'scripts/bench-providers-child.js'),
        path.dirname(sources.file('adapters/http')),
        JSON.stringify(spec)
      ],
      { timeout: 300_000, maxBuffer: 16 * MB }
    )
    const { node, times } = JSON.parse(stdout.trim().split('\n').pop())
    const fmt = (ms) => `${ms.toFixed(2)} ms`
    const ids = { prometheus: '10a', datadog: '10b', web: '10c' }
    const against = {
      prometheus: "the sandbox production's Prometheus (real, [10s] PromQL defaults of the demo)",
      datadog:
        'the Datadog stand-in (GET /api/v1/query, pinned 15 s rollups, 10-minute look-back: 40 buckets per answer)',
      web: 'the JSON stand-in (one GET per query, value at data.value)'
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
        method: `${ms.length} cycles (after 20 warm-up) of the three queries read at once through src/adapters/${name}.ts (transpiled, Node ${node}) against ${against[name]} on 127.0.0.1; the three providers interleaved one cycle each`
      })
    }
  } finally {
    await removeSources()
    await stopWeb()
    await stopDatadog()
  }
}
