// A small builder for decide() tests: sample({ at, errorRate: 0.2 }) with every host check 'off'.
// Times are offsets in ms from T0, so rows read as "at 4m30s", not as epoch numbers.
import { DEFAULT_POLICY } from '../src/runbook/defaults.js'
import type {
  CheckStatus,
  DecideContext,
  HealthReading,
  MetricReading,
  Policy,
  Sample
} from '../src/runbook/types.js'

export const T0 = Date.UTC(2025, 11, 2, 12, 0, 0)
export const SEC = 1000
export const MIN = 60 * SEC
/** Probe interval of the tables. */
export const EVERY = 30 * SEC

export type HealthSpec = 'up' | 'slow' | 'down' | 'down-unconfirmed' | 'unknown' | HealthReading
export type MetricSpec = number | 'unknown' | 'insufficient' | 'off' | MetricReading

export interface SampleSpec {
  /** Offset from T0 in ms. */
  at?: number
  health?: HealthSpec
  errorRate?: MetricSpec
  /** The fast (irate) error rate; absent: not configured. */
  fast?: MetricSpec
  p95?: MetricSpec
  corruption?: CheckStatus
  database?: CheckStatus
  cache?: CheckStatus
  security?: CheckStatus
  /** Critical / medium / low error counts: makes the error-log breakdown 'measured'. */
  critical?: number
  medium?: number
  low?: number
}

export function health(spec: HealthSpec): HealthReading {
  switch (spec) {
    case 'up':
      return { status: 'up', httpStatus: 200, latencyMs: 120, failedAttempts: 0 }
    case 'slow':
      return { status: 'slow', httpStatus: 200, latencyMs: 6200, reason: 'slower than 5s' }
    case 'down':
      return { status: 'down', httpStatus: 503, reason: 'HTTP 503', failedAttempts: 3 }
    case 'down-unconfirmed':
      return { status: 'down', httpStatus: 503, reason: 'HTTP 503', failedAttempts: 1 }
    case 'unknown':
      return { status: 'unknown', reason: 'probe aborted' }
    default:
      return spec
  }
}

export function metric(spec: MetricSpec): MetricReading {
  if (typeof spec === 'number') return { status: 'measured', value: spec }
  if (spec === 'unknown') {
    return { status: 'unknown', value: null, reason: 'Prometheus: connection refused' }
  }
  if (spec === 'insufficient') {
    return { status: 'insufficient', value: 0, reason: 'below error-rate.min-requests' }
  }
  if (spec === 'off') return { status: 'off', value: null }
  return spec
}

export function sample(spec: SampleSpec = {}): Sample {
  const measuredLog =
    spec.critical !== undefined || spec.medium !== undefined || spec.low !== undefined
  return {
    at: T0 + (spec.at ?? 0),
    health: health(spec.health ?? 'up'),
    errorRate: metric(spec.errorRate ?? 0.001),
    ...(spec.fast !== undefined ? { fastErrorRate: metric(spec.fast) } : {}),
    p95: metric(spec.p95 ?? 0.3),
    requestRate: { status: 'measured', value: 20 },
    host: {
      corruption: { status: spec.corruption ?? 'off' },
      database: { status: spec.database ?? 'off' },
      cache: { status: spec.cache ?? 'off' },
      security: { status: spec.security ?? 'off' },
      errorLog: measuredLog
        ? {
            status: 'measured',
            critical: spec.critical ?? 0,
            medium: spec.medium ?? 0,
            low: spec.low ?? 0,
            top: ['FATAL: database connection failed']
          }
        : { status: 'off', critical: 0, medium: 0, low: 0, top: [] }
    }
  }
}

/** One sample per spec, EVERY apart from `start`, unless a spec says its own `at`. */
export function series(specs: SampleSpec[], start = 0, every = EVERY): Sample[] {
  return specs.map((s, i) => sample({ at: start + i * every, ...s }))
}

/** An error-rate series: one value per probe, EVERY apart. */
export function rates(values: MetricSpec[], start = 0, extra: SampleSpec = {}): Sample[] {
  return series(
    values.map((errorRate) => ({ ...extra, errorRate })),
    start
  )
}

/** Steady and fast error rates, pairwise: one [steady, fast] per probe, EVERY apart. */
export function twoSpeed(pairs: Array<[MetricSpec, MetricSpec]>, start = 0): Sample[] {
  return series(
    pairs.map(([errorRate, fast]) => ({ errorRate, fast })),
    start
  )
}

/** A p95 series: one value per probe, EVERY apart. */
export function latencies(values: MetricSpec[], start = 0, extra: SampleSpec = {}): Sample[] {
  return series(
    values.map((p95) => ({ ...extra, p95 })),
    start
  )
}

/** `value` on every probe from `from` to `to` (inclusive), EVERY apart. */
export function steady(value: MetricSpec, from: number, to: number): MetricSpec[] {
  return Array.from({ length: Math.floor((to - from) / EVERY) + 1 }, () => value)
}

/** `count` values going linearly from `a` to `b`. */
export function ramp(a: number, b: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => a + ((b - a) * i) / Math.max(1, count - 1))
}

/** `count` values alternating around `value` by ±`noise` (relative). */
export function noisy(value: number, noise: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => value * (1 + (i % 2 === 0 ? noise : -noise)))
}

/** The context at offset `now`; deployed a minute before T0, no restart, nothing failed. */
export function ctx(now: number, over: Partial<DecideContext> = {}): DecideContext {
  return {
    now: T0 + now,
    deployedAt: T0 - MIN,
    restartAvailable: false,
    restartsTried: [],
    failedLevels: [],
    ...over
  }
}

type PolicyPatch = {
  [K in keyof Policy]?: Policy[K] extends object ? Partial<Policy[K]> : Policy[K]
}

/** DEFAULT_POLICY with some sections patched. */
export function policy(patch: PolicyPatch = {}): Policy {
  const p = structuredClone(DEFAULT_POLICY) as Policy
  for (const [key, value] of Object.entries(patch)) {
    const k = key as keyof Policy
    const current = p[k]
    ;(p as unknown as Record<string, unknown>)[k] =
      typeof current === 'object' && current !== null ? { ...current, ...(value as object) } : value
  }
  return p
}
