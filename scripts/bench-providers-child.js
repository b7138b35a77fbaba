// Figure 10's measuring side, run under the action's Node: the providers' adapters (src/
// transpiled by sandbox/transpile.js) read the same three queries concurrently, as one probe
// cycle does, cycle after cycle, the providers interleaved one cycle each so that they share the
// machine's load. Prints one JSON line: per provider, the milliseconds of each measured cycle.
//
// argv: the transpiled adapters directory, then a JSON spec
//   { cycles, warmup, prometheus: {url, queries}, datadog: {url, apiKey, appKey, queries},
//     cloudwatch: {url, region, queries}, web: {url, token, queries} }
// (CloudWatch's credentials come from the environment, the SDK's default chain.)
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'

const [dir, specJson] = process.argv.slice(2)
const spec = JSON.parse(specJson)
const load = (m) => import(pathToFileURL(path.join(dir, `${m}.js`)).href)
const { createPrometheus } = await load('prometheus')
const { createDatadog } = await load('datadog')
const { createWeb } = await load('web')
const { createCloudWatch } = await load('cloudwatch')

const opts = { timeoutMs: 5_000 }
const providers = {
  prometheus: {
    source: createPrometheus({ url: spec.prometheus.url, headers: {} }, opts),
    queries: spec.prometheus.queries
  },
  datadog: {
    source: createDatadog(
      {
        apiUrl: spec.datadog.url,
        apiKey: spec.datadog.apiKey,
        appKey: spec.datadog.appKey,
        lagMs: 0
      },
      opts
    ),
    queries: spec.datadog.queries
  },
  cloudwatch: {
    source: createCloudWatch(
      { region: spec.cloudwatch.region, endpoint: spec.cloudwatch.url, lagMs: 0 },
      opts
    ),
    queries: spec.cloudwatch.queries
  },
  web: {
    source: createWeb(
      {
        url: `${spec.web.url}/metric?name={query}&time={time}`,
        headers: { Authorization: `Bearer ${spec.web.token}` },
        valuePath: 'data.value'
      },
      opts
    ),
    queries: spec.web.queries
  }
}

/** One cycle: the queries at once, as sampling/probe.ts reads them. Throws on a non-number. */
async function cycle(name) {
  const { source, queries } = providers[name]
  const t0 = performance.now()
  const readings = await Promise.all(queries.map((q) => source.query(q, Date.now())))
  const ms = performance.now() - t0
  const bad = readings.find((r) => r.status !== 'measured')
  if (bad) throw new Error(`${name}: ${bad.reason}`)
  return ms
}

// In the figures' order (10a … 10d).
const ORDER = ['prometheus', 'datadog', 'web', 'cloudwatch']
const times = Object.fromEntries(ORDER.map((name) => [name, []]))
for (let i = 0; i < spec.warmup + spec.cycles; i++)
  for (const name of ORDER) {
    const ms = await cycle(name)
    if (i >= spec.warmup) times[name].push(ms)
  }
console.log(JSON.stringify({ node: process.version, times }))
