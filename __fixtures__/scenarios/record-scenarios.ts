// Records the watch scenarios that __tests__/scenarios/* replay: sandbox test services scraped by
// a real Prometheus (scrape 1s), each scenario's timeline played in real time, and at every probe
// slot what the REAL adapters read: createHealthProbe's reading (quick re-probes included) and
// createPrometheus(...).query(q, slot) for each query. One JSON file per scenario beside this one.
// Not part of the suite (its name is not *.test.ts): `npm run record-scenarios`, about 3 minutes.
// Needs the `prometheus` binary; README.md here says what each recording holds.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { jest } from '@jest/globals'
import { systemClock } from '../../src/adapters/clock.js'
import { createHealthProbe } from '../../src/adapters/health.js'
import type { HealthProbe, MetricsSource } from '../../src/adapters/ports.js'
import { createPrometheus } from '../../src/adapters/prometheus.js'
import type { MetricReading } from '../../src/runbook/types.js'
import { INSTALL_HINT, startPrometheus } from '../../sandbox/prometheus.js'
import { delay, findExecutable, waitUntil } from '../../sandbox/processes.js'
import { startTestService } from '../../sandbox/test-service.js'
import { queriesFor, scenarioPolicy, scheduledChanges } from '../scenarios.js'
import { testSettings } from '../settings.js'
import {
  QUERY_NAMES,
  RECORDINGS_DIR,
  type QueryName,
  type RecordedSlot,
  type Recording,
  type TimelineChange
} from '../replay.js'

jest.setTimeout(120_000)

type Service = Awaited<ReturnType<typeof startTestService>>
type Prom = Awaited<ReturnType<typeof startPrometheus>>
type State = Parameters<Service['setState']>[0]

const PROBE_INTERVAL_MS = 1_000
const BODY_KEPT = 120
const BAD_QUERY = 'sum(rate(http_requests_total[5s])'
/** measureBaseline's moment, with deployed-at = the recording's start. */
const BASELINE_T = -60_000

interface Plan {
  scenario: string
  description: string
  service: { state: State; rps?: number }
  /** Slots 0, 1 s, … up to this offset. */
  recordMs: number
  /** Service state changes at offsets from the start (< 0: before slot 0). */
  changes?: { t: number; what: string; state: State }[]
  /** Its own Prometheus, stopped at this offset. */
  stopPrometheusAt?: number
  badErrorRateQuery?: boolean
  /** Also record the baseline queries at deployed-at − 1 m (deployed-at = the start). */
  baseline?: boolean
  /** Waits (bounded) for the scenario's precondition before the timeline starts. */
  ready?: (metrics: MetricsSource, queries: Record<QueryName, string>) => Promise<void>
}

const pct = (f: number): string => `${Math.round(f * 1000) / 10}%`
/** 30% falling by a fifth every 6 s, floor 12%, from 3 s before slot 0: one step a second. */
const falling = Array.from({ length: 15 }, (_, i) => {
  const k = i + 1
  const f = Math.max(0.12, 0.3 * 0.8 ** (k / 6))
  return { t: -3_000 + k * 1_000, what: `error rate ${pct(f)}`, state: { errorRate: f } }
})
/** ~250 ms of refused connections around the probes at +2 s and +5 s. */
const blip: NonNullable<Plan['changes']> = [2_000, 5_000].flatMap((slot) => [
  {
    t: slot - 150,
    what: `health refused from ${slot - 150} ms`,
    state: { health: 'refuse' as const }
  },
  { t: slot + 100, what: `health up again at ${slot + 100} ms`, state: { health: 'up' as const } }
])

const PLANS: Plan[] = [
  {
    scenario: 'healthy',
    description: '1% errors throughout (noise), 50 req/s, p95 20 ms: a healthy service',
    service: { state: { errorRate: 0.01 } },
    recordMs: 10_000
  },
  {
    scenario: 'error-rate-critical',
    description: '0% errors, then 70% from +2 s',
    service: { state: { errorRate: 0 } },
    recordMs: 25_000,
    changes: [{ t: 2_000, what: 'error rate 0% → 70%', state: { errorRate: 0.7 } }]
  },
  {
    scenario: 'error-rate-high',
    description: '0% errors, then 20% from +2 s, sustained',
    service: { state: { errorRate: 0 } },
    recordMs: 30_000,
    changes: [{ t: 2_000, what: 'error rate 0% → 20%', state: { errorRate: 0.2 } }]
  },
  {
    scenario: 'error-rate-falling',
    description:
      '30% errors since the service started, falling from 3 s before slot 0 by a fifth every 6 s (one step a second), floor 12%',
    service: { state: { errorRate: 0.3 } },
    recordMs: 12_000,
    changes: falling,
    ready: async (metrics, queries) => {
      await waitUntil(
        async () => {
          const r = await metrics.query(queries.errorRate, Date.now())
          return r.status === 'measured' && (r.value as number) > 0.27
        },
        { timeoutMs: 20_000, intervalMs: 250, what: 'the 30% error rate in Prometheus' }
      )
    }
  },
  {
    scenario: 'service-down',
    description: '/health answers 503 from the start (errors 0%)',
    service: { state: { health: 'down' } },
    recordMs: 10_000
  },
  {
    scenario: 'health-blip',
    description:
      'healthy, but /health refuses connections from 150 ms before to 100 ms after the slots at +2 s and +5 s',
    service: { state: {} },
    recordMs: 8_000,
    changes: blip
  },
  {
    scenario: 'latency-severe',
    description: 'p95 20 ms, then every request takes 6 s from +2 s, sustained',
    service: { state: {} },
    recordMs: 25_000,
    changes: [{ t: 2_000, what: 'latency 20 ms → 6 s', state: { latencyMs: 6000 } }]
  },
  {
    scenario: 'bad-query',
    description: `70% errors, read with a bad error-rate query (${BAD_QUERY}); the other queries are fine`,
    service: { state: { errorRate: 0.7 } },
    recordMs: 7_000,
    badErrorRateQuery: true
  },
  {
    scenario: 'thin-traffic',
    description: '60% errors at 1 req/s (below min-requests 5)',
    service: { state: { errorRate: 0.6 }, rps: 1 },
    recordMs: 8_000
  },
  {
    scenario: 'version',
    description: '/health carries version v1, then v2 from +1.5 s',
    service: { state: { version: 'v1' } },
    recordMs: 5_000,
    changes: [{ t: 1_500, what: 'version v1 → v2', state: { version: 'v2' } }]
  },
  {
    scenario: 'prometheus-stopped',
    description: '1% errors; its own Prometheus is stopped at +3.5 s (between two slots)',
    service: { state: { errorRate: 0.01 } },
    recordMs: 12_000,
    stopPrometheusAt: 3_500
  },
  {
    scenario: 'pre-existing',
    description:
      '60% errors since long before the deploy (deployed-at = slot 0); the baseline queries read at deployed-at − 1 m',
    service: { state: { errorRate: 0.6 } },
    recordMs: 5_000,
    baseline: true,
    // measureBaseline asks for deployed-at − 1 m: wait until Prometheus holds that much history.
    ready: async (metrics, queries) => {
      await waitUntil(
        async () => {
          const r = await metrics.query(queries.errorRate, Date.now() + BASELINE_T)
          return r.status === 'measured' && (r.value as number) > 0.5
        },
        { timeoutMs: 90_000, intervalMs: 500, what: 'a minute of 60% errors in Prometheus' }
      )
    }
  }
]

const services = new Map<string, Service>()
const extra: { stop(): Promise<void> }[] = []
const { at, clear } = scheduledChanges()
let shared: Prom | undefined
let prometheusVersion = ''

function queriesOf(plan: Plan, service: Service): Record<QueryName, string> {
  const q = queriesFor(service)
  return {
    errorRate: plan.badErrorRateQuery ? BAD_QUERY : q['error-rate-query'],
    latency: q['latency-query'],
    requestRate: q['request-rate-query']
  }
}

function healthOf(service: Service) {
  const settings = testSettings(
    { 'health-url': `${service.url}/health` },
    { policy: scenarioPolicy() }
  )
  const probe = createHealthProbe(settings.health, settings.policy, { sleep: systemClock.sleep })
  const { timeoutMs, slowMs, confirm, confirmIntervalMs } = settings.policy.health
  return { probe, healthPolicy: { timeoutMs, slowMs, confirm, confirmIntervalMs } }
}

/** One slot: the health probe and the three queries concurrently, as a watch cycle runs them. */
async function readSlot(
  probe: HealthProbe,
  metrics: MetricsSource,
  queries: Record<QueryName, string>,
  start: number,
  t: number
): Promise<RecordedSlot> {
  const lateMs = Date.now() - (start + t)
  const began = performance.now()
  const [health, readings] = await Promise.all([
    probe.probe().then((r) => ({ r, ms: Math.round(performance.now() - began) })),
    Promise.all(QUERY_NAMES.map((n) => metrics.query(queries[n], start + t)))
  ])
  const { body, ...reading } = health.r
  return {
    t,
    lateMs,
    health: body === undefined ? reading : { ...reading, body: body.slice(0, BODY_KEPT) },
    probeMs: health.ms,
    metrics: Object.fromEntries(QUERY_NAMES.map((n, i) => [n, readings[i]])) as Record<
      QueryName,
      MetricReading
    >
  }
}

async function record(plan: Plan): Promise<Recording> {
  let service = services.get(plan.scenario)
  let prom = shared!
  if (plan.stopPrometheusAt !== undefined) {
    service = await startTestService({ state: plan.service.state, rps: plan.service.rps ?? 50 })
    extra.push(service)
    prom = await startPrometheus({ targets: [`127.0.0.1:${service.port}`], scrapeInterval: '1s' })
    extra.push(prom)
    await prom.waitForData(queriesFor(service)['error-rate-query'], { timeoutMs: 30_000 })
  }
  if (!service) throw new Error(`no service for ${plan.scenario}`)
  const queries = queriesOf(plan, service)
  const metrics = createPrometheus({ url: prom.url, headers: {} }, { timeoutMs: 2_000 })
  const { probe, healthPolicy } = healthOf(service)
  await plan.ready?.(metrics, queries)

  const lead = Math.max(0, ...(plan.changes ?? []).map((c) => -c.t)) + 1_000
  const start = Date.now() + lead
  const timeline: TimelineChange[] = []
  let stopping: Promise<void> | undefined
  for (const change of plan.changes ?? [])
    at(start + change.t - Date.now(), () => {
      service.setState(change.state)
      timeline.push({ t: Date.now() - start, what: change.what, state: change.state })
    })
  if (plan.stopPrometheusAt !== undefined)
    at(start + plan.stopPrometheusAt - Date.now(), () => {
      timeline.push({ t: Date.now() - start, what: 'Prometheus stopped' })
      stopping = prom.stop()
    })

  const past: Recording['past'] = []
  if (plan.baseline) {
    const [errorRate, latency] = await Promise.all([
      metrics.query(queries.errorRate, start + BASELINE_T),
      metrics.query(queries.latency, start + BASELINE_T)
    ])
    past.push({ t: BASELINE_T, metrics: { errorRate, latency } })
  }
  const slots: RecordedSlot[] = []
  for (let t = 0; t <= plan.recordMs; t += PROBE_INTERVAL_MS) {
    const wait = start + t - Date.now()
    if (wait > 0) await delay(wait, undefined)
    slots.push(await readSlot(probe, metrics, queries, start, t))
  }
  await stopping
  return {
    scenario: plan.scenario,
    description: plan.description,
    recorded: {
      date: new Date(start).toISOString(),
      command: 'npm run record-scenarios',
      prometheus: prometheusVersion,
      node: process.version
    },
    startedAt: start,
    probeIntervalMs: PROBE_INTERVAL_MS,
    healthPolicy,
    healthUrl: `${service.url}/health`,
    prometheusUrl: prom.url,
    queries,
    timeline: timeline.sort((a, b) => a.t - b.t),
    slots,
    past
  }
}

beforeAll(async () => {
  const binary = findExecutable('prometheus')
  if (!binary) throw new Error(`recording needs the prometheus binary on PATH: ${INSTALL_HINT}`)
  prometheusVersion =
    /version (\S+)/.exec(execFileSync(binary, ['--version'], { encoding: 'utf8' }))?.[1] ?? '?'
  for (const plan of PLANS) {
    if (plan.stopPrometheusAt !== undefined) continue
    const service = await startTestService({
      state: plan.service.state,
      rps: plan.service.rps ?? 50
    })
    services.set(plan.scenario, service)
  }
  shared = await startPrometheus({
    targets: [...services.values()].map((s) => `127.0.0.1:${s.port}`),
    scrapeInterval: '1s'
  })
  // The first scrape comes ~5.5 s after start and the first rate() ~1 s later, per target.
  for (const service of services.values())
    await shared.waitForData(queriesFor(service)['request-rate-query'], { timeoutMs: 30_000 })
  await shared.waitForData(queriesFor(services.get('latency-severe')!)['latency-query'], {
    timeoutMs: 15_000
  })
}, 90_000)

afterEach(() => clear())

afterAll(async () => {
  await shared?.stop()
  await Promise.all([...extra, ...services.values()].map((s) => s.stop()))
})

describe('record the watch scenarios against a real Prometheus', () => {
  it.each(PLANS.map((p) => [p.scenario, p] as const))('%s', async (_name, plan) => {
    const rec = await record(plan)
    expect(rec.slots).toHaveLength(plan.recordMs / PROBE_INTERVAL_MS + 1)
    // A slot that began late read the world late: keep the old file rather than a skewed one.
    expect(Math.max(...rec.slots.map((s) => s.lateMs))).toBeLessThan(100)
    fs.writeFileSync(path.join(RECORDINGS_DIR, `${plan.scenario}.json`), `${JSON.stringify(rec)}\n`)
  })
})
