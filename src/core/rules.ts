// The runbook's rules, one function per rule id, in priority order (DESIGN.md "Rules").
// Each rule looks at the history and says: not applicable (null), watching (inside its
// monitoring window), pre-existing (the breach was there before the deploy), or fires (a verdict).
// decide.ts picks among the outcomes; nothing here reads a clock or does I/O.
import { DEFAULT_POLICY } from './defaults.js'
import {
  formatDuration,
  percent,
  percentLimit,
  plural,
  seconds,
  secondsLimit,
  timeLeft
} from './format.js'
import { trendDetail, type TrendDetail } from './trend.js'
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

export interface RuleInfo {
  id: RuleId
  severity: Severity
  /** The runbook's condition and action, in one line. */
  summary: string
}

/** The rule table with the policy's numbers, in priority order; RULES uses the runbook's own. */
export function describeRules(policy: Policy): RuleInfo[] {
  const e = policy.errorRate
  const l = policy.latency
  const d = policy.down
  const consider = policy.onStable === 'rollback' ? 'Level 1' : 'warn ("consider rollback")'
  return [
    {
      id: 'security-breach',
      severity: 'P1',
      summary:
        'security alert on the host → isolate, preserve evidence, no rollback; Level 3 only after security clearance'
    },
    {
      id: 'data-corruption',
      severity: 'P1',
      summary: 'data corruption detected → stop, Level 3'
    },
    { id: 'database-failure', severity: 'P1', summary: 'database check fails → Level 2' },
    {
      id: 'service-down',
      severity: 'P1',
      summary: `health down, confirmed by ${plural(policy.health.confirm, 're-probe')} → never up since the deploy: Level 1 now; was up: restart while down < ${formatDuration(d.restartBeforeMs)}, Level 1 up to ${formatDuration(d.level2AfterMs)}, Level 2 after`
    },
    {
      id: 'critical-errors',
      severity: 'P1',
      summary:
        'critical errors in the host log (database connection, out of memory, segfault, auth down, payment) → Level 1 now'
    },
    {
      id: 'error-rate-critical',
      severity: 'P1',
      summary: `error rate > ${percentLimit(e.critical)} → Level 1 now`
    },
    {
      id: 'error-rate-high',
      severity: 'P2',
      summary: `${percentLimit(e.high)} < error rate ≤ ${percentLimit(e.critical)} → watch ${formatDuration(e.highWindowMs)}; improving: keep watching; stable or worse: Level 1`
    },
    {
      id: 'latency-severe',
      severity: 'P2',
      summary: `p95 (or health latency without Prometheus) > ${secondsLimit(l.severe)} → watch ${formatDuration(l.severeWindowMs)}; better: keep watching; not better: Level 1`
    },
    {
      id: 'cache-failure',
      severity: 'P2',
      summary: 'cache check fails → restart (if a restart command is set), then Level 1'
    },
    {
      id: 'error-rate-elevated',
      severity: 'P3',
      summary: `${percentLimit(e.elevated)} < error rate ≤ ${percentLimit(e.high)} → watch ${formatDuration(e.elevatedWindowMs)}; worse: Level 1; stable: ${consider}`
    },
    {
      id: 'latency-degraded',
      severity: 'P3',
      summary: `${secondsLimit(l.degraded)} < p95 ≤ ${secondsLimit(l.severe)} → watch ${formatDuration(l.degradedWindowMs)}; worse: Level 1; stable: ${consider}`
    },
    {
      id: 'monitoring-outage',
      severity: 'none',
      summary: `a signal unknown for ${plural(policy.unknownLimit, 'consecutive sample')} → inconclusive (monitoring trouble is not production trouble)`
    },
    { id: 'healthy', severity: 'none', summary: 'none of the above → fix forward, nothing runs' }
  ]
}

/** The rule table with the runbook's numbers (DEFAULT_POLICY), in priority order. */
export const RULES: readonly RuleInfo[] = describeRules(DEFAULT_POLICY)

/**
 * The level to run when a rule wants `wanted` and `failedLevels` already failed or did not
 * recover: max(wanted, highest failed + 1). `manual` when that is above `maxLevel` (never above 3):
 * no automatic level is left and a human must act. `level` may then be 4.
 */
export function nextLevel(
  wanted: RollbackLevel,
  failedLevels: readonly RollbackLevel[],
  maxLevel: number
): { level: number; manual: boolean } {
  const highestFailed = failedLevels.length > 0 ? Math.max(...failedLevels) : 0
  const level = Math.max(wanted, highestFailed + 1)
  return { level, manual: level > Math.min(maxLevel, 3) }
}

// ---------------------------------------------------------------------------------------------
// Helpers shared by the rules

function outcome(kind: RuleOutcome['kind'], verdict: Verdict): RuleOutcome {
  return { kind, verdict }
}

/** A rollback at `wanted`, escalated past failed levels, or 'manual' past rollback.max-level. */
function rollback(
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
function mayRestart(rule: RuleId, ctx: DecideContext): boolean {
  return ctx.restartAvailable && !ctx.restartsTried.includes(rule) && ctx.failedLevels.length === 0
}

function restartNote(rule: RuleId, ctx: DecideContext): string {
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
function severeLatencyOf(sample: Sample): number | null {
  if (sample.p95.status !== 'off') return measuredValue(sample.p95)
  const h = sample.health
  if ((h.status === 'up' || h.status === 'slow') && typeof h.latencyMs === 'number') {
    return Number.isFinite(h.latencyMs) ? h.latencyMs / 1000 : null
  }
  return null
}

function trendWords(detail: TrendDetail, show: (v: number) => string): string {
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

// ---------------------------------------------------------------------------------------------
// Instant rules: the newest sample decides

// rule: security-breach
function securityBreach({ newest }: RuleInput): RuleOutcome | null {
  if (newest.host.security.status !== 'alert') return null
  return outcome('fires', {
    decision: 'isolate',
    severity: 'P1',
    rule: 'security-breach',
    reason:
      'security alert on the host (P1): do NOT roll back (it may destroy forensic evidence); isolate, preserve evidence, notify the security team and wait for security clearance, then Level 3',
    evidence: [newest]
  })
}

// rule: data-corruption
function dataCorruption(input: RuleInput): RuleOutcome | null {
  const { newest } = input
  if (newest.host.corruption.status !== 'alert') return null
  const reason = 'data corruption detected on the host (P1): stop all services, then Level 3'
  return rollback('data-corruption', 'P1', 3, reason, [newest], input)
}

// rule: database-failure
function databaseFailure(input: RuleInput): RuleOutcome | null {
  const { newest } = input
  if (newest.host.database.status !== 'alert') return null
  return rollback('database-failure', 'P1', 2, 'database check failed (P1)', [newest], input)
}

// rule: service-down
function serviceDown(input: RuleInput): RuleOutcome | null {
  const { history, newest, policy, ctx } = input
  if (!isConfirmedDown(newest.health, policy)) return null
  // The streak: confirmed-down samples back to the last up/slow one; unknown health (and an
  // unconfirmed down) neither breaks nor starts it.
  let first = history.length - 1
  for (let i = history.length - 1; i >= 0; i--) {
    const h = history[i].health
    if (isConfirmedDown(h, policy)) first = i
    else if (h.status === 'up' || h.status === 'slow') break
  }
  const streak = history.slice(first)
  const downSince = history[first].at
  const downFor = ctx.now - downSince
  const h = newest.health
  const why = h.reason ?? (h.httpStatus !== undefined ? `HTTP ${h.httpStatus}` : 'no answer')
  const reprobes = (h.failedAttempts ?? 0) - 1
  const what = `health down (${why})${reprobes > 0 ? ` confirmed by ${plural(reprobes, 're-probe')}` : ''}`
  const everUp = history.some(
    (s) => s.at >= ctx.deployedAt && (s.health.status === 'up' || s.health.status === 'slow')
  )
  if (!everUp) {
    return rollback(
      'service-down',
      'P1',
      1,
      `${what}; never up since the deploy (P1)`,
      streak,
      input
    )
  }
  const d = policy.down
  const down = `${what}, down for ${formatDuration(downFor)} after being up`
  if (downFor < d.restartBeforeMs) {
    if (mayRestart('service-down', ctx)) {
      return outcome('fires', {
        decision: 'restart',
        severity: 'P1',
        rule: 'service-down',
        reason: `${down} (P1): down < ${formatDuration(d.restartBeforeMs)}, try a restart first, then Level 1 if it fails`,
        evidence: streak
      })
    }
    const reason = `${down} (P1): ${restartNote('service-down', ctx)}`
    return rollback('service-down', 'P1', 1, reason, streak, input)
  }
  if (downFor <= d.level2AfterMs) {
    const reason = `${down} (P1): ${formatDuration(d.restartBeforeMs)} or more, the 2-minute rule`
    return rollback('service-down', 'P1', 1, reason, streak, input)
  }
  const reason = `${down} (P1): more than ${formatDuration(d.level2AfterMs)}`
  return rollback('service-down', 'P1', 2, reason, streak, input)
}

// rule: critical-errors
function criticalErrors(input: RuleInput): RuleOutcome | null {
  const log = input.newest.host.errorLog
  if (log.status !== 'measured' || !(log.critical > 0)) return null
  // The top lines are untrusted text: they stay in the evidence, out of the reason.
  const reason = `${plural(log.critical, 'critical error')} in the host log (P1)`
  return rollback('critical-errors', 'P1', 1, reason, [input.newest], input)
}

// rule: error-rate-critical
function errorRateCritical(input: RuleInput): RuleOutcome | null {
  const { newest, policy, ctx } = input
  const rate = measuredValue(newest.errorRate)
  const limit = policy.errorRate.critical
  if (rate === null || !(rate > limit)) return null
  const cond = `error rate ${percent(rate)} > critical ${percentLimit(limit)}`
  const base = ctx.baseline?.errorRate ?? null
  if (base !== null && base > limit) {
    return outcome(
      'pre-existing',
      preExisting('error-rate-critical', 'P1', cond, percent(base), [newest])
    )
  }
  return rollback('error-rate-critical', 'P1', 1, `${cond} (P1)`, [newest], input)
}

function preExisting(
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

// rule: cache-failure
function cacheFailure(input: RuleInput): RuleOutcome | null {
  const { newest, ctx } = input
  if (newest.host.cache.status !== 'alert') return null
  if (mayRestart('cache-failure', ctx)) {
    return outcome('fires', {
      decision: 'restart',
      severity: 'P2',
      rule: 'cache-failure',
      reason: 'cache check failed (P2): restart first, then Level 1 if it still fails',
      evidence: [newest]
    })
  }
  const reason = `cache check failed (P2): ${restartNote('cache-failure', ctx)}`
  return rollback('cache-failure', 'P2', 1, reason, [newest], input)
}

// ---------------------------------------------------------------------------------------------
// Window rules: a breach opens an episode, watched for a window, then judged by its trend

interface WindowRule {
  id: RuleId
  severity: 'P2' | 'P3'
  /** Applies while the current value is in (threshold, upper]. */
  threshold: number
  upper: number
  limitName: string
  windowMs: number
  valueOf: (sample: Sample) => number | null
  label: (current: Sample) => string
  show: (value: number) => string
  showLimit: (value: number) => string
  baseline: number | null
}

/**
 * The episode: samples since the last measured value at or under the threshold (unknown and
 * insufficient readings neither break nor extend it); it starts at its first breaching sample.
 * The current value is the newest measured one, as long as the readings after it stay under
 * unknown-limit; past that the rule lapses and the monitoring-outage check speaks instead.
 */
function windowRule(spec: WindowRule, input: RuleInput): RuleOutcome | null {
  const { history, policy, ctx } = input
  const values = history.map(spec.valueOf)
  let last = values.length - 1
  while (last >= 0 && values[last] === null) last--
  if (last < 0 || values.length - 1 - last >= policy.unknownLimit) return null
  const current = values[last] as number
  if (!(current > spec.threshold) || current > spec.upper) return null

  const sev = spec.severity
  const stale = last < values.length - 1 ? ' (last measured)' : ''
  const cond = `${spec.label(history[last])} ${spec.show(current)}${stale} > ${spec.limitName} ${spec.showLimit(spec.threshold)}`
  if (spec.baseline !== null && spec.baseline > spec.threshold) {
    const verdict = preExisting(spec.id, sev, cond, spec.show(spec.baseline), [history[last]])
    return outcome('pre-existing', verdict)
  }

  let start = last
  for (let i = last; i >= 0; i--) {
    const v = values[i]
    if (v === null) continue
    if (v <= spec.threshold) break
    start = i
  }
  const startAt = history[start].at
  const elapsed = ctx.now - startAt
  const window = formatDuration(spec.windowMs)
  const tol = policy.trendTolerance

  if (elapsed < spec.windowMs) {
    const episode = history.slice(start)
    const decideBy = startAt + spec.windowMs
    if (!ctx.final) {
      return outcome('watching', {
        decision: 'continue',
        severity: sev,
        rule: spec.id,
        reason: `${cond} (${sev}): watching the ${window} window, ${timeLeft(decideBy - ctx.now)}`,
        evidence: episode,
        decideBy
      })
    }
    const ended = `the watch ended ${formatDuration(decideBy - ctx.now)} before the ${window} window completed`
    if (sev === 'P2') {
      return outcome('fires', warn(spec, `${cond} (${sev}): ${ended}`, episode))
    }
    // P3 at the end of the watch: judged on what was seen.
    const detail = trendDetail(episode.map(spec.valueOf), tol)
    const judged = `${cond} for ${formatDuration(elapsed)}, ${trendWords(detail, spec.show)} (${sev})`
    if (detail.trend === 'worse' || detail.trend === 'stable') {
      return judge(spec, detail, judged, episode, input)
    }
    return outcome('fires', warn(spec, `${judged}: ${ended}`, episode, detail))
  }

  const inWindow = history.filter((s, i) => i >= start && s.at >= ctx.now - spec.windowMs)
  const detail = trendDetail(inWindow.map(spec.valueOf), tol)
  const judged = `${cond} for ${formatDuration(elapsed)}, ${trendWords(detail, spec.show)} (${sev})`
  if (detail.trend === 'worse' || detail.trend === 'stable') {
    return judge(spec, detail, judged, inWindow, input)
  }
  if (ctx.final) {
    const why =
      detail.trend === 'improving'
        ? 'still over the limit when the watch ended'
        : 'the watch ended without a readable window'
    return outcome('fires', warn(spec, `${judged}: ${why}`, inWindow, detail))
  }
  const why =
    detail.trend === 'improving'
      ? 'keep monitoring'
      : 'keep watching, never a rollback on a window that could not be read'
  return outcome('watching', {
    decision: 'continue',
    severity: sev,
    rule: spec.id,
    reason: `${judged}: ${why}`,
    evidence: inWindow,
    decideBy: ctx.now + spec.windowMs,
    trend: detail.trend
  })
}

/** Stable or worse after the window: P2 rolls back; P3 rolls back on worse, on stable per policy. */
function judge(
  spec: WindowRule,
  detail: TrendDetail,
  judged: string,
  evidence: Sample[],
  input: RuleInput
): RuleOutcome {
  const extra = { trend: detail.trend }
  if (spec.severity === 'P3' && detail.trend === 'stable') {
    if (input.policy.onStable !== 'rollback') {
      return outcome(
        'fires',
        warn(
          spec,
          `${judged}: the runbook's "consider rollback", on-stable is warn`,
          evidence,
          detail
        )
      )
    }
    return rollback(
      spec.id,
      spec.severity,
      1,
      `${judged}: on-stable is rollback`,
      evidence,
      input,
      extra
    )
  }
  return rollback(spec.id, spec.severity, 1, judged, evidence, input, extra)
}

function warn(spec: WindowRule, reason: string, evidence: Sample[], detail?: TrendDetail): Verdict {
  return {
    decision: 'warn',
    severity: spec.severity,
    rule: spec.id,
    reason,
    evidence,
    ...(detail ? { trend: detail.trend } : {})
  }
}

const errorRateLabel = (): string => 'error rate'

// rule: error-rate-high
function errorRateHigh(input: RuleInput): RuleOutcome | null {
  const e = input.policy.errorRate
  return windowRule(
    {
      id: 'error-rate-high',
      severity: 'P2',
      threshold: e.high,
      upper: e.critical,
      limitName: 'high',
      windowMs: e.highWindowMs,
      valueOf: (s) => measuredValue(s.errorRate),
      label: errorRateLabel,
      show: percent,
      showLimit: percentLimit,
      baseline: input.ctx.baseline?.errorRate ?? null
    },
    input
  )
}

// rule: latency-severe
function latencySevere(input: RuleInput): RuleOutcome | null {
  const l = input.policy.latency
  return windowRule(
    {
      id: 'latency-severe',
      severity: 'P2',
      threshold: l.severe,
      upper: Infinity,
      limitName: 'severe',
      windowMs: l.severeWindowMs,
      valueOf: severeLatencyOf,
      label: (s) => (s.p95.status === 'off' ? 'health latency' : 'p95'),
      show: seconds,
      showLimit: secondsLimit,
      baseline: input.ctx.baseline?.p95 ?? null
    },
    input
  )
}

// rule: error-rate-elevated
function errorRateElevated(input: RuleInput): RuleOutcome | null {
  const e = input.policy.errorRate
  return windowRule(
    {
      id: 'error-rate-elevated',
      severity: 'P3',
      threshold: e.elevated,
      upper: e.high,
      limitName: 'elevated',
      windowMs: e.elevatedWindowMs,
      valueOf: (s) => measuredValue(s.errorRate),
      label: errorRateLabel,
      show: percent,
      showLimit: percentLimit,
      baseline: input.ctx.baseline?.errorRate ?? null
    },
    input
  )
}

// rule: latency-degraded
function latencyDegraded(input: RuleInput): RuleOutcome | null {
  const l = input.policy.latency
  return windowRule(
    {
      id: 'latency-degraded',
      severity: 'P3',
      threshold: l.degraded,
      upper: l.severe,
      limitName: 'degraded',
      windowMs: l.degradedWindowMs,
      valueOf: (s) => measuredValue(s.p95),
      label: () => 'p95',
      show: seconds,
      showLimit: secondsLimit,
      baseline: input.ctx.baseline?.p95 ?? null
    },
    input
  )
}

/** The rules in priority order, each under its id. */
export const RULE_CHAIN: ReadonlyArray<readonly [RuleId, Rule]> = [
  ['security-breach', securityBreach],
  ['data-corruption', dataCorruption],
  ['database-failure', databaseFailure],
  ['service-down', serviceDown],
  ['critical-errors', criticalErrors],
  ['error-rate-critical', errorRateCritical],
  ['error-rate-high', errorRateHigh],
  ['latency-severe', latencySevere],
  ['cache-failure', cacheFailure],
  ['error-rate-elevated', errorRateElevated],
  ['latency-degraded', latencyDegraded]
]
