// What every rule of the runbook is made of: its input, its outcome, and the helpers the rules
// share (escalated rollbacks, restart-first, confirmed down, trend words). Pure.
import { nextLevel } from './levels.js'
import { type TrendDetail } from './trend.js'
import type {
  DecideContext,
  HealthReading,
  MetricReading,
  Policy,
  RollbackLevel,
  RuleId,
  Sample,
  Severity,
  Verdict
} from './types.js'

export interface RuleInput {
  /** Every sample since the watch began, oldest first; never empty here. */
  history: Sample[]
  newest: Sample
  policy: Policy
  ctx: DecideContext
}

/**
 * fires: the rule decided (rollback, isolate, restart, manual or warn).
 * watching: inside its monitoring window (verdict.decision is 'continue', with decideBy).
 * pre-existing: the breach was already there before the deploy (no rollback).
 */
export interface RuleOutcome {
  kind: 'fires' | 'watching' | 'pre-existing'
  verdict: Verdict
}

export type Rule = (input: RuleInput) => RuleOutcome | null

// ---------------------------------------------------------------------------------------------
// Helpers shared by the rules

export function outcome(kind: RuleOutcome['kind'], verdict: Verdict): RuleOutcome {
  return { kind, verdict }
}

/** A rollback at `wanted`, escalated past failed levels, or 'manual' past rollback.max-level. */
export function rollback(
  rule: RuleId,
  severity: Severity,
  wanted: RollbackLevel,
  reason: string,
  evidence: Sample[],
  { policy, ctx }: RuleInput,
  extra: Partial<Verdict> = {}
): RuleOutcome {
  const maxLevel = Math.min(policy.rollback.maxLevel, 3)
  const failed = ctx.failedLevels
  const { level, manual } = nextLevel(wanted, failed, maxLevel)
  const highestFailed = failed.length > 0 ? Math.max(...failed) : 0
  if (manual) {
    const why =
      highestFailed > 0
        ? `Level ${highestFailed} failed; next level ${level} is above rollback.max-level ${maxLevel}`
        : `Level ${level} is above rollback.max-level ${maxLevel}`
    return outcome('fires', {
      decision: 'manual',
      severity,
      rule,
      reason: `${reason}; ${why}: manual intervention required`,
      ...(level <= 3 ? { level: level as RollbackLevel } : {}),
      evidence,
      ...extra
    })
  }
  const escalated =
    level > wanted ? `; Level ${highestFailed} failed, escalating to Level ${level}` : ''
  return outcome('fires', {
    decision: 'rollback',
    severity,
    rule,
    reason: `${reason}${escalated}`,
    level: level as RollbackLevel,
    evidence,
    ...extra
  })
}

/** Restart first: only once per rule, only when a restart command exists and no level failed yet. */
export function mayRestart(rule: RuleId, ctx: DecideContext): boolean {
  return ctx.restartAvailable && !ctx.restartsTried.includes(rule) && ctx.failedLevels.length === 0
}

export function restartNote(rule: RuleId, ctx: DecideContext): string {
  if (ctx.failedLevels.length > 0) return 'a rollback level already failed'
  if (!ctx.restartAvailable) return 'no restart command'
  return ctx.restartsTried.includes(rule) ? 'restart already tried' : 'restart not tried'
}

/** The value of a measured reading; null for unknown, insufficient, off, or a non-number. */
export function measuredValue(reading: MetricReading): number | null {
  if (reading.status !== 'measured') return null
  const v = reading.value
  return typeof v === 'number' && Number.isFinite(v) ? v : null
}

/** Down on the first probe and on every quick re-probe: a single failed probe never decides. */
export function isConfirmedDown(health: HealthReading, policy: Policy): boolean {
  return health.status === 'down' && (health.failedAttempts ?? 0) >= policy.health.confirm + 1
}

/** Health that tells nothing: unknown, or a down that the re-probes did not confirm. */
export function isUnknownHealth(health: HealthReading, policy: Policy): boolean {
  return (
    health.status === 'unknown' || (health.status === 'down' && !isConfirmedDown(health, policy))
  )
}

/** The severe-latency signal: p95 from Prometheus, or health latency when p95 is 'off'. */
export function severeLatencyOf(sample: Sample): number | null {
  if (sample.p95.status !== 'off') return measuredValue(sample.p95)
  const h = sample.health
  if ((h.status === 'up' || h.status === 'slow') && typeof h.latencyMs === 'number') {
    return Number.isFinite(h.latencyMs) ? h.latencyMs / 1000 : null
  }
  return null
}

export function trendWords(detail: TrendDetail, show: (v: number) => string): string {
  const span =
    detail.firstMean !== null && detail.lastMean !== null
      ? ` (${show(detail.firstMean)} → ${show(detail.lastMean)})`
      : ''
  switch (detail.trend) {
    case 'improving':
      return `improving${span}`
    case 'stable':
      return `not improving${span}`
    case 'worse':
      return `getting worse${span}`
    default:
      return 'trend unknown (a third of the window has no reading)'
  }
}

export function preExisting(
  rule: RuleId,
  severity: Severity,
  cond: string,
  before: string,
  evidence: Sample[]
): Verdict {
  return {
    decision: 'pre-existing',
    severity,
    rule,
    reason: `${cond}, but it was already ${before} before the deploy (pre-existing, ${severity}): rolling back would not help`,
    evidence
  }
}
