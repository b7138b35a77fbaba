// "Recovered" after a rollback, as DESIGN.md settles it: at the end of rollback.verify, health was
// up on the last `health.confirm + 1` probes and the last sample breaches no error-rate or latency
// rule. Samples before that are recorded, not judged: a rate window still holds pre-rollback
// traffic for its own length.
import { formatPercent, formatSeconds } from './format.js'
import type { Policy, Sample } from './types.js'

export interface Recovery {
  recovered: boolean
  reason: string
}

export function judgeRecovery(samples: Sample[], policy: Policy): Recovery {
  const need = policy.health.confirm + 1
  if (samples.length < need)
    return {
      recovered: false,
      reason: `only ${samples.length} verification sample(s); need ${need} with health up`
    }
  const tail = samples.slice(-need)
  const notUp = tail.filter((s) => s.health.status !== 'up')
  if (notUp.length > 0) {
    const last = notUp[notUp.length - 1].health
    return {
      recovered: false,
      reason: `health was ${last.status}${last.reason ? ` (${last.reason})` : ''} in ${notUp.length} of the last ${need} probes`
    }
  }
  const last = samples[samples.length - 1]
  if (
    last.errorRate.status === 'measured' &&
    (last.errorRate.value ?? 0) > policy.errorRate.elevated
  )
    return {
      recovered: false,
      reason: `error rate ${formatPercent(last.errorRate.value ?? 0)} > elevated ${formatPercent(policy.errorRate.elevated)} at the end of verification`
    }
  if (last.p95.status === 'measured' && (last.p95.value ?? 0) > policy.latency.degraded)
    return {
      recovered: false,
      reason: `p95 ${formatSeconds(last.p95.value ?? 0)} > degraded ${formatSeconds(policy.latency.degraded)} at the end of verification`
    }
  const unknown = [
    last.errorRate.status === 'unknown' ? 'error rate' : '',
    last.p95.status === 'unknown' ? 'p95' : ''
  ].filter(Boolean)
  return {
    recovered: true,
    reason: `health up on the last ${need} probes${
      last.errorRate.status === 'measured'
        ? `, error rate ${formatPercent(last.errorRate.value ?? 0)}`
        : ''
    }${last.p95.status === 'measured' ? `, p95 ${formatSeconds(last.p95.value ?? 0)}` : ''}${
      unknown.length ? ` (${unknown.join(' and ')} unknown: judged on health)` : ''
    }`
  }
}
