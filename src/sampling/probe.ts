// The live source of samples: what one probe cycle reads from the health endpoint, Prometheus and
// the host. Replay reads the same queries from Prometheus' history instead; both hand samples to
// the same decide().
import { applyMinRequests, baselineOf } from '../runbook/metrics.js'
import type { Baseline, HostReadings, MetricReading, Policy, Sample } from '../runbook/types.js'
import type { HealthProbe, MetricsSource } from '../adapters/ports.js'
import type { MetricQueries, Settings } from '../settings/types.js'

/** The runbook's queries (settings.metrics.queries), whatever the provider. */
export type { MetricQueries } from '../settings/types.js'

export interface MetricReadings {
  errorRate: MetricReading
  fastErrorRate: MetricReading
  p95: MetricReading
  requestRate: MetricReading
}

/** Every host check off (no ssh-host, or none configured). */
export const HOST_OFF: HostReadings = {
  corruption: { status: 'off' },
  database: { status: 'off' },
  cache: { status: 'off' },
  security: { status: 'off' },
  errorLog: { status: 'off', critical: 0, medium: 0, low: 0, top: [] }
}

const OFF: MetricReading = { status: 'off', value: null, reason: 'no metric provider' }
const FAST_OFF: MetricReading = { status: 'off', value: null, reason: 'no error-rate-fast-query' }

/** The queries the settings configure, or undefined without Prometheus. */
export function queriesOf(settings: Pick<Settings, 'metrics'>): MetricQueries | undefined {
  return settings.metrics?.queries
}

/**
 * The queries of one sample, concurrently, with `error-rate.min-requests` applied (by the core) to
 * both error rates. Without Prometheus all of them are off.
 */
export async function readMetrics(
  source: MetricsSource | undefined,
  queries: MetricQueries | undefined,
  at: number,
  policy: Policy,
  signal?: AbortSignal
): Promise<MetricReadings> {
  if (!source || !queries)
    return { errorRate: OFF, fastErrorRate: FAST_OFF, p95: OFF, requestRate: OFF }
  const run = (q: string): Promise<MetricReading> =>
    q.trim()
      ? source.query(q, at, signal).catch((e: unknown): MetricReading => ({
          status: 'unknown',
          value: null,
          reason: `query failed: ${String(e)}`
        }))
      : Promise.resolve({ status: 'off', value: null, reason: 'no query configured' })
  const [errorRate, p95, requestRate, fastErrorRate] = await Promise.all([
    run(queries.errorRate),
    run(queries.latency),
    run(queries.requestRate),
    queries.fastErrorRate ? run(queries.fastErrorRate) : Promise.resolve(FAST_OFF)
  ])
  const min = policy.errorRate.minRequests
  return {
    errorRate: applyMinRequests(errorRate, requestRate, min),
    fastErrorRate: applyMinRequests(fastErrorRate, requestRate, min),
    p95,
    requestRate
  }
}

export interface SampleSources {
  health: HealthProbe
  metrics?: MetricsSource
  queries?: MetricQueries
  /** This cycle's host readings (run now, or carried over from the last cycle that ran them). */
  host(signal?: AbortSignal): Promise<HostReadings>
}

/** One probe cycle at `at`: health, metrics and host checks run concurrently. */
export async function probeOnce(
  sources: SampleSources,
  policy: Policy,
  at: number,
  signal?: AbortSignal
): Promise<Sample> {
  const [health, metrics, host] = await Promise.all([
    sources.health.probe(signal),
    readMetrics(sources.metrics, sources.queries, at, policy, signal),
    sources.host(signal)
  ])
  const { body: _body, ...reading } = health
  return { at, health: reading, ...metrics, host }
}

/** When the pre-deploy baseline is taken: a minute before the deploy. */
export const BASELINE_BEFORE_MS = 60_000

/** Pre-deploy values of the queries, evaluated at deployed-at minus 1 minute. Null = unknown. */
export async function measureBaseline(
  metrics: MetricsSource | undefined,
  queries: MetricQueries | undefined,
  deployedAt: number,
  signal?: AbortSignal
): Promise<Baseline | undefined> {
  if (!queries || !metrics) return undefined
  const at = deployedAt - BASELINE_BEFORE_MS
  const [errorRate, p95] = await Promise.all([
    metrics.query(queries.errorRate, at, signal),
    metrics.query(queries.latency, at, signal)
  ])
  return baselineOf(errorRate, p95)
}
