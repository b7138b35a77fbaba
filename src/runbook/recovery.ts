// After a rollback level: did production recover, and what comes next (docs/architecture.md "Settled details",
// "No data-loss level on a contradicted signal"). Pure.
//
// Recovered: at the end of rollback.verify, health was up on the last `health.confirm + 1` probes
// and the last sample breaches no error-rate or latency rule. Samples before that are recorded, not
// judged: a rate window still holds pre-rollback traffic for its own length.
import { percent, seconds } from './format.js'
import { nextLevel } from './levels.js'
import type { Policy, RollbackLevel, Sample } from './types.js'

/** Why verification did not see production recovered. */
export type NotRecoveredCause =
  | 'too-few-samples'
  /** Health got no HTTP answer at all (timeout, refused, DNS, TLS, proxy …), metrics fine. */
  | 'health-no-answer'
  /** Health answered badly (5xx, 4xx, slow) or a mix. */
  | 'health'
  | 'error-rate'
  | 'p95'

export interface Recovery {
  recovered: boolean
  reason: string
  cause?: NotRecoveredCause
}

export function judgeRecovery(samples: Sample[], policy: Policy): Recovery {
  const need = policy.health.confirm + 1
  if (samples.length < need)
    return {
      recovered: false,
      cause: 'too-few-samples',
      reason: `only ${samples.length} verification sample(s); need ${need} with health up`
    }
  const last = samples[samples.length - 1]
  const tail = samples.slice(-need)
  const notUp = tail.filter((s) => s.health.status !== 'up')
  if (notUp.length > 0) {
    const worst = notUp[notUp.length - 1].health
    const noAnswer = notUp.every((s) => s.health.status === 'down' && s.health.noAnswer)
    return {
      recovered: false,
      cause: noAnswer && !metricBreach(last, policy) ? 'health-no-answer' : 'health',
      reason: `health was ${worst.status}${worst.reason ? ` (${worst.reason})` : ''} in ${notUp.length} of the last ${need} probes`
    }
  }
  if (
    last.errorRate.status === 'measured' &&
    (last.errorRate.value ?? 0) > policy.errorRate.elevated
  )
    return {
      recovered: false,
      cause: 'error-rate',
      reason: `error rate ${percent(last.errorRate.value ?? 0)} > elevated ${percent(policy.errorRate.elevated)} at the end of verification`
    }
  if (last.p95.status === 'measured' && (last.p95.value ?? 0) > policy.latency.degraded)
    return {
      recovered: false,
      cause: 'p95',
      reason: `p95 ${seconds(last.p95.value ?? 0)} > degraded ${seconds(policy.latency.degraded)} at the end of verification`
    }
  const unknown = [
    last.errorRate.status === 'unknown' ? 'error rate' : '',
    last.p95.status === 'unknown' ? 'p95' : ''
  ].filter(Boolean)
  return {
    recovered: true,
    reason: `health up on the last ${need} probes${
      last.errorRate.status === 'measured'
        ? `, error rate ${percent(last.errorRate.value ?? 0)}`
        : ''
    }${last.p95.status === 'measured' ? `, p95 ${seconds(last.p95.value ?? 0)}` : ''}${
      unknown.length ? ` (${unknown.join(' and ')} unknown: judged on health)` : ''
    }`
  }
}

function metricBreach(s: Sample, policy: Policy): boolean {
  return (
    (s.errorRate.status === 'measured' && (s.errorRate.value ?? 0) > policy.errorRate.elevated) ||
    (s.p95.status === 'measured' && (s.p95.value ?? 0) > policy.latency.degraded)
  )
}

/** How a level ended on the host: its script, then validate and smoke test (if present). */
export interface LevelRun {
  level: RollbackLevel
  scriptOk: boolean
  /** Both validate-script and smoke-test-script ran on the host and exited 0. */
  hostChecksPassed: boolean
}

export type AfterLevel =
  | { next: 'recovered' }
  | { next: 'escalate'; level: RollbackLevel }
  | { next: 'manual'; reason: string }

/**
 * What follows a level that ran: recovered; the next level (1 → 2 → 3, up to rollback.max-level);
 * or a human. A level that ran cleanly on the host (script, validate and smoke test all exit 0)
 * whose verification failed only because health got no HTTP answer is not escalated: the host
 * says it is healthy, this runner cannot see it, and Levels 2 and 3 restore data (data loss).
 */
export function afterLevel(run: LevelRun, recovery: Recovery, policy: Policy): AfterLevel {
  if (run.scriptOk && recovery.recovered) return { next: 'recovered' }
  if (run.scriptOk && run.hostChecksPassed && recovery.cause === 'health-no-answer')
    return {
      next: 'manual',
      reason:
        `Level ${run.level} ran cleanly and validate/smoke tests pass on the host, but this runner ` +
        `gets no answer from health-url (${recovery.reason}): not escalating to a level that ` +
        'restores data on a signal the host contradicts; confirm production by hand'
    }
  const { level, manual } = nextLevel(run.level, [run.level], policy.rollback.maxLevel)
  if (manual)
    return {
      next: 'manual',
      reason: `Level ${run.level} did not recover production and rollback.max-level is ${policy.rollback.maxLevel}: manual intervention required`
    }
  return { next: 'escalate', level: level as RollbackLevel }
}
