// The runbook's instant rules: the newest sample decides (docs/runbook-mapping.md, in priority order).
import { formatDuration, percent, percentLimit, plural } from './format.js'
import type { Sample } from './types.js'
import {
  isConfirmedDown,
  mayRestart,
  measuredValue,
  outcome,
  preExisting,
  restartNote,
  rollback,
  type RuleInput,
  type RuleOutcome
} from './rule-kit.js'
import type { RuleId } from './types.js'
// ---------------------------------------------------------------------------------------------
// Instant rules: the newest sample decides

/** In a fleet the reason names the host the alert came from: `data-corruption on app-2: …`. */
function onHost(rule: RuleId, hosts: string | string[] | undefined, reason: string): string {
  const list = typeof hosts === 'string' ? [hosts] : (hosts ?? [])
  return list.length ? `${rule} on ${list.join(', ')}: ${reason}` : reason
}

// rule: security-breach
export function securityBreach({ newest }: RuleInput): RuleOutcome | null {
  if (newest.host.security.status !== 'alert') return null
  return outcome('fires', {
    decision: 'isolate',
    severity: 'P1',
    rule: 'security-breach',
    reason: onHost(
      'security-breach',
      newest.host.security.host,
      'security alert on the host (P1): do NOT roll back (it may destroy forensic evidence); isolate, preserve evidence, notify the security team and wait for security clearance, then Level 3'
    ),
    evidence: [newest]
  })
}

// rule: data-corruption
export function dataCorruption(input: RuleInput): RuleOutcome | null {
  const { newest } = input
  if (newest.host.corruption.status !== 'alert') return null
  const reason = onHost(
    'data-corruption',
    newest.host.corruption.host,
    'data corruption detected on the host (P1): stop all services, then Level 3'
  )
  return rollback('data-corruption', 'P1', 3, reason, [newest], input)
}

// rule: database-failure
export function databaseFailure(input: RuleInput): RuleOutcome | null {
  const { newest } = input
  if (newest.host.database.status !== 'alert') return null
  const reason = onHost('database-failure', newest.host.database.host, 'database check failed (P1)')
  return rollback('database-failure', 'P1', 2, reason, [newest], input)
}

// rule: service-down
export function serviceDown(input: RuleInput): RuleOutcome | null {
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
export function criticalErrors(input: RuleInput): RuleOutcome | null {
  const log = input.newest.host.errorLog
  if (log.status !== 'measured' || !(log.critical > 0)) return null
  // The top lines are untrusted text: they stay in the evidence, out of the reason.
  const reason = onHost(
    'critical-errors',
    log.hosts,
    `${plural(log.critical, 'critical error')} in the host log (P1)`
  )
  return rollback('critical-errors', 'P1', 1, reason, [input.newest], input)
}

// rule: error-rate-critical
// Two speeds: the steady error rate (error-rate-query) above critical acts at once, as the runbook
// says. A `[1m]` rate needs about 50 s to show a step to 60% as more than 50%, so when the fast
// error rate (error-rate-fast-query, irate) is configured, it acts sooner: the fast rate above
// critical on health.confirm consecutive samples (irate alone is noisy) while the steady rate is
// above high (the deploy really moved it). Where the steady rate was already above high before
// the deploy, that guard tells nothing new and only the steady path applies.
export function errorRateCritical(input: RuleInput): RuleOutcome | null {
  const { newest, policy, ctx } = input
  const rate = measuredValue(newest.errorRate)
  const limit = policy.errorRate.critical
  const base = ctx.baseline?.errorRate ?? null
  if (rate !== null && rate > limit) {
    const cond = `error rate ${percent(rate)} > critical ${percentLimit(limit)}`
    if (base !== null && base > limit) {
      return outcome(
        'pre-existing',
        preExisting('error-rate-critical', 'P1', cond, percent(base), [newest])
      )
    }
    return rollback('error-rate-critical', 'P1', 1, `${cond} (P1)`, [newest], input)
  }
  const fast = fastBreach(input, rate, base)
  if (!fast) return null
  const high = policy.errorRate.high
  const reason = `fast error rate ${percent(fast.newest)} > critical ${percentLimit(limit)} on ${plural(fast.evidence.length, 'consecutive sample')} and error rate ${percent(rate as number)} > high ${percentLimit(high)} (P1)`
  return rollback('error-rate-critical', 'P1', 1, reason, fast.evidence, input)
}

/** The fast path of error-rate-critical: its evidence, or null when it does not hold. */
function fastBreach(
  { history, newest, policy }: RuleInput,
  rate: number | null,
  base: number | null
): { newest: number; evidence: Sample[] } | null {
  const { critical, high } = policy.errorRate
  if (!newest.fastErrorRate || newest.fastErrorRate.status === 'off') return null
  if (rate === null || !(rate > high)) return null
  if (base !== null && base > high) return null
  const need = Math.max(1, policy.health.confirm)
  if (history.length < need) return null
  const evidence = history.slice(history.length - need)
  const fast = evidence.map((s) => (s.fastErrorRate ? measuredValue(s.fastErrorRate) : null))
  if (!fast.every((v) => v !== null && v > critical)) return null
  return { newest: fast[fast.length - 1] as number, evidence }
}

// rule: cache-failure
export function cacheFailure(input: RuleInput): RuleOutcome | null {
  const { newest, ctx } = input
  if (newest.host.cache.status !== 'alert') return null
  if (mayRestart('cache-failure', ctx)) {
    return outcome('fires', {
      decision: 'restart',
      severity: 'P2',
      rule: 'cache-failure',
      reason: onHost(
        'cache-failure',
        newest.host.cache.host,
        'cache check failed (P2): restart first, then Level 1 if it still fails'
      ),
      evidence: [newest]
    })
  }
  const reason = onHost(
    'cache-failure',
    newest.host.cache.host,
    `cache check failed (P2): ${restartNote('cache-failure', ctx)}`
  )
  return rollback('cache-failure', 'P2', 1, reason, [newest], input)
}
