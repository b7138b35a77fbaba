// Figure 10's measuring side, run under the action's Node: the three providers' adapters (src/
// transpiled by sandbox/transpile.js) read the same three queries concurrently, as one probe
// cycle does, cycle after cycle, the providers interleaved one cycle each so that they share the
// machine's load. Prints one JSON line: per provider, the milliseconds of each measured cycle.
//
// argv: the transpiled adapters directory, then a JSON spec
//   { cycles, warmup, prometheus: {url, queries}, datadog: {url, apiKey, appKey, queries},
//     web: {url, token, queries} }
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'

const [dir, specJson] = process.argv.slice(2)
const spec = JSON.parse(specJson)
const load = (m) => import(pathToFileURL(path.join(dir, `${m}.js`)).href)
const { createPrometheus } = await load('prometheus')
const { createDatadog } = await load('datadog')
const { createWeb } = await load('web')

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

const times = { prometheus: [], datadog: [], web: [] }
for (let i = 0; i < spec.warmup + spec.cycles; i++)
  for (const name of Object.keys(providers)) {
    const ms = await cycle(name)
    if (i >= spec.warmup) times[name].push(ms)
  }
console.log(JSON.stringify({ node: process.version, times }))
