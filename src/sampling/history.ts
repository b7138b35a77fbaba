// The replay's source of samples: the watch's queries read from Prometheus' history
// (query_range) instead of live, rebuilt into the samples the watch would have seen — the same
// readings, `error-rate.min-requests` applied by the same core function, the same baseline a
// minute before the deploy. Health and host checks have no history: off (or health from
// replay-health-query). Fetching is one function; rebuilding is pure (tested without Prometheus).
import { applyMinRequests, baselineOf } from '../runbook/metrics.js'
import { maxExtensionMs } from '../runbook/schedule.js'
import type { Baseline, HealthReading, MetricReading, Policy, Sample } from '../runbook/types.js'
import type { MetricsHistory, RangeReading, TimeRange } from '../adapters/ports.js'
import { BASELINE_BEFORE_MS, HOST_OFF, type MetricQueries } from './probe.js'

/** What Prometheus holds for one deploy: each query over the deploy's range. */
export interface DeployHistory {
  range: TimeRange
  errorRate: RangeReading
  p95: RangeReading
  requestRate: RangeReading
  /** Undefined: error-rate-fast-query is off. */
  fastErrorRate?: RangeReading
  /**
   * replay-health-query at the probe times (index 0) and at each quick re-probe after them
   * (index j: j × health.confirm-interval later). Undefined: health is off.
   */
  health?: RangeReading[]
}

export interface ReplayTiming {
  watchDurationMs: number
  probeIntervalMs: number
  policy: Policy
}

/**
 * The times a replay of a deploy reads: from a minute before it (the baseline) at probe-interval
 * steps, to the latest the watch could have run (its planned end plus the longest P2 window),
 * but not past `now`.
 */
export function replayRange(deployedAt: number, t: ReplayTiming, now: number): TimeRange {
  const start = deployedAt - BASELINE_BEFORE_MS
  const hardEnd = deployedAt + t.watchDurationMs + t.probeIntervalMs + maxExtensionMs(t.policy)
  return { start, end: Math.max(start, Math.min(hardEnd, now)), stepMs: t.probeIntervalMs }
}

const OFF_HEALTH: HealthReading = { status: 'off', reason: 'not probed in a replay (no history)' }
const FAST_OFF: MetricReading = { status: 'off', value: null, reason: 'no error-rate-fast-query' }

/** One query's readings by time; a time without a point is unknown, saying why. */
function lookup(range: RangeReading, what: string): (at: number) => MetricReading {
  if (!range.ok) {
    const reading: MetricReading = { status: 'unknown', value: null, reason: range.reason }
    return () => reading
  }
  const byTime = new Map(range.points.map((p) => [p.at, p.reading]))
  const missing: MetricReading = {
    status: 'unknown',
    value: null,
    reason:
      range.points.length === 0
        ? `no data in Prometheus for ${what} over the whole range (retention, or the query matches nothing)`
        : `no data in Prometheus for ${what} at this time`
  }
  return (at) => byTime.get(at) ?? missing
}

/**
 * Health from replay-health-query: 1 is up, 0 is down. A 0 is confirmed down, as a live probe
 * is, only when the query also reads 0 at each quick re-probe time after it; a re-probe reading 1
 * makes it up with the failed attempts counted, as the live probe does.
 */
export function healthFromHistory(readings: MetricReading[], confirm: number): HealthReading {
  const first = readings[0]
  const value = (r: MetricReading | undefined) =>
    r && r.status === 'measured' && r.value !== null ? r.value : null
  const v0 = value(first)
  if (v0 === null)
    return { status: 'unknown', reason: `replay-health-query: ${first?.reason ?? 'no data'}` }
  if (v0 >= 1) return { status: 'up', failedAttempts: 0 }
  if (v0 > 0)
    return {
      status: 'unknown',
      reason: `replay-health-query read ${v0}: expected 1 (up) or 0 (down), e.g. min(up{job="app"})`
    }
  let failed = 1
  for (let j = 1; j <= confirm; j++) {
    const v = value(readings[j])
    if (v !== null && v >= 1) return { status: 'up', failedAttempts: failed }
    if (v === null || v > 0) break
    failed++
  }
  return {
    status: 'down',
    failedAttempts: failed,
    reason:
      failed >= confirm + 1
        ? `replay-health-query read 0 (down)${confirm > 0 ? ` and on ${confirm} re-probe time(s) after` : ''}`
        : 'replay-health-query read 0 (down), not confirmed at the re-probe times'
  }
}

/**
 * The watch's samples of one deploy rebuilt from its history: one per probe time from the first
 * at or after the deploy, and the baseline from the readings a minute before it.
 */
export function rebuildSamples(
  history: DeployHistory,
  policy: Policy,
  deployedAt: number
): { baseline: Baseline; samples: Sample[] } {
  const { range } = history
  const errorRate = lookup(history.errorRate, 'the error rate')
  const p95 = lookup(history.p95, 'p95')
  const requestRate = lookup(history.requestRate, 'the request rate')
  const fast = history.fastErrorRate ? lookup(history.fastErrorRate, 'the fast error rate') : null
  const health = history.health?.map((r, j) => ({
    read: lookup(r, 'replay-health-query'),
    offset: j * policy.health.confirmIntervalMs
  }))
  const baseline = baselineOf(errorRate(range.start), p95(range.start))
  const samples: Sample[] = []
  const min = policy.errorRate.minRequests
  for (let at = range.start; at <= range.end && range.stepMs > 0; at += range.stepMs) {
    if (at < deployedAt) continue
    const rps = requestRate(at)
    samples.push({
      at,
      health: health
        ? healthFromHistory(
            health.map((h) => h.read(at + h.offset)),
            policy.health.confirm
          )
        : OFF_HEALTH,
      errorRate: applyMinRequests(errorRate(at), rps, min),
      fastErrorRate: fast ? applyMinRequests(fast(at), rps, min) : FAST_OFF,
      p95: p95(at),
      requestRate: rps,
      host: HOST_OFF
    })
  }
  return { baseline, samples }
}

/** Reads every query of one deploy over its range, concurrently. Never throws. */
export async function fetchHistory(
  source: MetricsHistory,
  queries: MetricQueries,
  range: TimeRange,
  opts: { healthQuery?: string; confirm: number; confirmIntervalMs: number; signal?: AbortSignal }
): Promise<DeployHistory> {
  const read = (q: string, shift = 0) =>
    source.queryRange(
      q,
      { ...range, start: range.start + shift, end: range.end + shift },
      opts.signal
    )
  const healthQuery = opts.healthQuery
  const [errorRate, p95, requestRate, fastErrorRate, health] = await Promise.all([
    read(queries.errorRate),
    read(queries.latency),
    read(queries.requestRate),
    queries.fastErrorRate ? read(queries.fastErrorRate) : Promise.resolve(undefined),
    healthQuery
      ? Promise.all(
          Array.from({ length: opts.confirm + 1 }, (_, j) =>
            read(healthQuery, j * opts.confirmIntervalMs)
          )
        )
      : Promise.resolve(undefined)
  ])
  return {
    range,
    errorRate,
    p95,
    requestRate,
    ...(fastErrorRate ? { fastErrorRate } : {}),
    ...(health ? { health } : {})
  }
}

/** Every range reading of a history, for counting requests and failures. */
export function readingsOf(history: DeployHistory): RangeReading[] {
  return [
    history.errorRate,
    history.p95,
    history.requestRate,
    ...(history.fastErrorRate ? [history.fastErrorRate] : []),
    ...(history.health ?? [])
  ]
}
