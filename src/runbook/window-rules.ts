// The runbook's window rules (the 5- and 15-minute rules): a breach opens an episode, watched for
// its window, then judged by its trend (docs/architecture.md "Settled details").
import { formatDuration, percent, percentLimit, seconds, secondsLimit, timeLeft } from './format.js'
import { trendDetail, type TrendDetail } from './trend.js'
import type { RuleId, Sample, Verdict } from './types.js'
import {
  measuredValue,
  outcome,
  preExisting,
  rollback,
  severeLatencyOf,
  trendWords,
  type RuleInput,
  type RuleOutcome
} from './rule-kit.js'
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
export function errorRateHigh(input: RuleInput): RuleOutcome | null {
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
export function latencySevere(input: RuleInput): RuleOutcome | null {
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
export function errorRateElevated(input: RuleInput): RuleOutcome | null {
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
export function latencyDegraded(input: RuleInput): RuleOutcome | null {
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
