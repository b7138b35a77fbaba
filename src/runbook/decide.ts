// decide(history, policy, ctx): the runbook's decision tree as a pure function, and the verdict
// a whole watch ends with. Every decision the watch, the verification and a replay make is here.
import { formatDuration, percent, percentLimit, plural, seconds, secondsLimit } from './format.js'
import { withUnreachableAsUnknown } from './reachability.js'
import { isUnknownHealth, type RuleInput, type RuleOutcome } from './rule-kit.js'
import { RULE_CHAIN } from './rules.js'
import type { DecideContext, Policy, RuleId, Sample, Severity, Verdict } from './types.js'

/** What every rule made of the history, in priority order (null: not applicable). */
export function evaluateRules(
  history: Sample[],
  policy: Policy,
  ctx: DecideContext
): Array<{ rule: RuleId; outcome: RuleOutcome | null }> {
  if (history.length === 0) return RULE_CHAIN.map(({ id }) => ({ rule: id, outcome: null }))
  const input: RuleInput = { history, newest: history[history.length - 1], policy, ctx }
  return RULE_CHAIN.map(({ id, evaluate }) => ({ rule: id, outcome: evaluate(input) }))
}

/**
 * The verdict for everything seen since the watch began (oldest first, the newest last).
 *
 * Precedence, one fixed order:
 * 1. the first rule (priority order) that acts: rollback, isolate, restart or manual;
 * 2. else the first rule that warns or is watching (a higher rule still inside its window holds
 *    back a lower rule's warning; a lower rule's rollback is not held back);
 * 3. else a monitoring outage (a signal unknown for unknown-limit consecutive samples);
 * 4. else the first pre-existing breach (there before the deploy: no rollback);
 * 5. else healthy; while a signal is unknown (below unknown-limit) 'continue' instead, since
 *    what could not be measured is never healthy (at the final call: healthy, saying so).
 *
 * Before the rules, health that failed only on the path from this runner while Prometheus shows
 * the service serving is read as unknown (reachability.ts).
 */
export function decide(samples: Sample[], policy: Policy, ctx: DecideContext): Verdict {
  if (samples.length === 0) {
    return {
      decision: 'continue',
      severity: 'none',
      rule: 'healthy',
      reason: 'no samples yet',
      evidence: []
    }
  }
  // A runner that cannot reach health-url while Prometheus shows traffic: health is unknown.
  const history = withUnreachableAsUnknown(samples, policy)
  const outcomes = evaluateRules(history, policy, ctx)
    .map((r) => r.outcome)
    .filter((o): o is RuleOutcome => o !== null)
  const acts = outcomes.find((o) => o.kind === 'fires' && o.verdict.decision !== 'warn')
  if (acts) return acts.verdict
  const soft = outcomes.find((o) => o.kind === 'watching' || o.kind === 'fires')
  if (soft) return soft.verdict
  const outage = monitoringOutage(history, policy)
  if (outage) return outage
  const pre = outcomes.find((o) => o.kind === 'pre-existing')
  if (pre) return pre.verdict
  return healthy(history, policy, ctx)
}

interface SignalRun {
  name: string
  count: number
  why: string
}

/**
 * Consecutive trailing samples in which a signal could not be measured: health unknown (or a down
 * the re-probes did not confirm), error rate or p95 'unknown'. 'off' signals are not counted, and
 * 'insufficient' (measured, too little traffic) is not an outage.
 */
export function unknownRuns(history: Sample[], policy: Policy): SignalRun[] {
  const newest = history[history.length - 1]
  const signals: Array<{ name: string; unknown: (s: Sample) => boolean; why: string | undefined }> =
    [
      {
        name: 'health',
        unknown: (s) => isUnknownHealth(s.health, policy),
        why: newest.health.reason
      }
    ]
  if (newest.errorRate.status !== 'off') {
    signals.push({
      name: 'error rate',
      unknown: (s) => s.errorRate.status === 'unknown',
      why: newest.errorRate.reason
    })
  }
  if (newest.p95.status !== 'off') {
    signals.push({
      name: 'p95',
      unknown: (s) => s.p95.status === 'unknown',
      why: newest.p95.reason
    })
  }
  return signals.map(({ name, unknown, why }) => {
    let count = 0
    while (count < history.length && unknown(history[history.length - 1 - count])) count++
    return { name, count, why: why ?? 'no reason given' }
  })
}

// rule: monitoring-outage
function monitoringOutage(history: Sample[], policy: Policy): Verdict | null {
  const limit = Math.max(1, policy.unknownLimit)
  const runs = unknownRuns(history, policy).filter((r) => r.count >= limit)
  if (runs.length === 0) return null
  const longest = Math.max(...runs.map((r) => r.count))
  const what = runs
    .map((r) => `${r.name} unknown for ${plural(r.count, 'consecutive sample')} (${r.why})`)
    .join(' and ')
  return {
    decision: 'inconclusive',
    severity: 'none',
    rule: 'monitoring-outage',
    reason: `${what}; monitoring outage, not a production breach`,
    evidence: history.slice(history.length - longest)
  }
}

// rule: healthy
function healthy(history: Sample[], policy: Policy, ctx: DecideContext): Verdict {
  const newest = history[history.length - 1]
  const unknown = unknownRuns(history, policy).filter((r) => r.count > 0)
  if (unknown.length > 0 && !ctx.final) {
    const what = unknown
      .map((r) => `${r.name} unknown for ${plural(r.count, 'consecutive sample')} (${r.why})`)
      .join(' and ')
    return {
      decision: 'continue',
      severity: 'none',
      rule: 'healthy',
      reason: `${what}, under unknown-limit ${policy.unknownLimit}: no verdict on what could not be measured yet`,
      evidence: [newest]
    }
  }
  const parts: string[] = []
  const h = newest.health
  if (h.status === 'up' || h.status === 'slow') {
    const ms = h.latencyMs !== undefined ? ` in ${formatDuration(h.latencyMs)}` : ''
    parts.push(`health ${h.status}${ms}`)
  } else if (h.status === 'down') {
    parts.push(
      `health down on ${h.failedAttempts ?? 0} of ${policy.health.confirm + 1} attempts (not confirmed)`
    )
  } else if (h.status === 'unknown') {
    parts.push(`health unknown (${h.reason ?? 'no reason given'})`)
  }
  const metric = (
    name: string,
    reading: Sample['errorRate'],
    show: string,
    limit: string
  ): string | null => {
    switch (reading.status) {
      case 'measured':
        return reading.value === null ? `${name} unknown` : `${name} ${show} ≤ ${limit}`
      case 'insufficient':
        return `${name} not judged (too little traffic)`
      case 'unknown':
        return `${name} unknown (${reading.reason ?? 'no reason given'})`
      default:
        return null
    }
  }
  const rate = newest.errorRate.value ?? 0
  const p95 = newest.p95.value ?? 0
  const e = metric(
    'error rate',
    newest.errorRate,
    percent(rate),
    `elevated ${percentLimit(policy.errorRate.elevated)}`
  )
  const l = metric(
    'p95',
    newest.p95,
    seconds(p95),
    `degraded ${secondsLimit(policy.latency.degraded)}`
  )
  if (e) parts.push(e)
  if (l) parts.push(l)
  const log = newest.host.errorLog
  const minor = log.status === 'measured' ? log.medium + log.low : 0
  let severity: Severity = 'none'
  let tail = 'no rule breached'
  if (minor > 0) {
    // The runbook's P4 rows: non-user-facing errors, minor issues: log, fix forward.
    severity = 'P4'
    tail = `${plural(minor, 'medium/low error')} in the host log, fix forward (P4)`
  }
  return {
    decision: 'healthy',
    severity,
    rule: 'healthy',
    reason: `${parts.join(', ')}: ${tail}`,
    evidence: [newest]
  }
}

/** Verdicts that end the watch: the action acts on them at once. */
const TERMINAL = new Set<Verdict['decision']>(['rollback', 'isolate', 'manual'])

export function isTerminal(verdict: Verdict): boolean {
  return TERMINAL.has(verdict.decision)
}

/**
 * The verdict a whole watch ends with, from its samples and the verdicts it gave cycle by cycle:
 * 1. a terminal verdict (rollback, isolate, manual) ends it as it is;
 * 2. no sample at all: inconclusive (or, cancelled, no verdict);
 * 3. else decide() once more as the final call (open windows judged as they stand); a watch that
 *    ends while still watching ends healthy, saying what it was watching; and a warning given
 *    earlier in the watch (a P3 "consider rollback") is not forgotten by a healthy end.
 */
export function finalVerdict(
  samples: Sample[],
  verdicts: readonly Verdict[],
  policy: Policy,
  ctx: DecideContext & { cancelled: boolean }
): Verdict {
  const last = verdicts[verdicts.length - 1]
  if (last && isTerminal(last)) return last
  if (samples.length === 0)
    return {
      decision: ctx.cancelled ? 'continue' : 'inconclusive',
      severity: 'none',
      rule: 'monitoring-outage',
      reason: ctx.cancelled
        ? 'cancelled before the first probe'
        : 'no probe completed during the watch',
      evidence: []
    }
  let final = decide(samples, policy, { ...ctx, final: true })
  if (final.decision === 'continue')
    final = { ...final, decision: 'healthy', reason: `watch ended while ${final.reason}` }
  const warned = [...verdicts].reverse().find((v) => v.decision === 'warn')
  if (final.decision === 'healthy' && warned) return warned
  return final
}
