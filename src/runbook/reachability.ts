// rule: unreachable-from-runner (docs/networks.md).
// A runner behind a proxy, or one that does not trust the service's CA, gets no HTTP answer from
// health-url while production serves its users normally. When health has failed at the level of
// the path (DNS, TLS, proxy) on every probe since the watch started, and Prometheus shows the
// service serving traffic normally, the health reading tells nothing about production: it is
// unknown, with a reason that says so. Enough of those make the watch inconclusive (a monitoring
// outage), never a rollback. An HTTP answer (5xx) is still down, and so is a service that was up
// and then fails at transport level.
import { compactNumber, percent } from './format.js'
import { measuredValue } from './rule-kit.js'
import type { HealthReading, NoAnswerKind, Policy, Sample } from './types.js'

/** Failures of the path from the runner, not answers from production. */
const PATH_FAILURES: readonly NoAnswerKind[] = ['dns', 'tls', 'proxy']

export function isPathFailure(health: HealthReading): boolean {
  return (
    health.status === 'down' &&
    health.noAnswer !== undefined &&
    PATH_FAILURES.includes(health.noAnswer)
  )
}

/**
 * "212 req/s at 0.4% errors" when Prometheus shows the service serving traffic normally: a
 * request rate above 0 and at least error-rate.min-requests, and an error rate below
 * error-rate.elevated. Null otherwise (no Prometheus, unknown, too little traffic, errors).
 */
export function servingNormally(sample: Sample, policy: Policy): string | null {
  const rps = measuredValue(sample.requestRate)
  const errors = measuredValue(sample.errorRate)
  if (rps === null || errors === null) return null
  if (!(rps > 0) || rps < policy.errorRate.minRequests) return null
  if (!(errors < policy.errorRate.elevated)) return null
  return `${compactNumber(rps)} req/s at ${percent(errors)} errors`
}

/** Prometheus measured a breach this cycle (then a failed health probe may well be real). */
function metricsBreach(sample: Sample, policy: Policy): boolean {
  const errors = measuredValue(sample.errorRate)
  return errors !== null && errors >= policy.errorRate.elevated
}

/**
 * The history as the rules should read it: each sample whose health failed at path level, in an
 * unbroken run of such failures from the first sample of the watch, has health `unknown` when
 * Prometheus shows normal traffic in that sample, or when an earlier sample of the run already
 * did and this one's metrics show no breach (Prometheus could not be read this cycle). The first
 * HTTP answer, or up, ends the run for good: from then on a failure is read as it is.
 */
export function withUnreachableAsUnknown(history: Sample[], policy: Policy): Sample[] {
  let established = false
  let i = 0
  const out: Sample[] = []
  for (; i < history.length; i++) {
    const s = history[i]
    if (!isPathFailure(s.health)) break
    const serving = servingNormally(s, policy)
    if (!serving && !(established && !metricsBreach(s, policy))) {
      out.push(s)
      continue
    }
    established = true
    const evidence = serving
      ? `Prometheus shows ${serving}`
      : 'Prometheus showed normal traffic earlier and could not be read this cycle'
    out.push({
      ...s,
      health: {
        ...s.health,
        status: 'unknown',
        reason: `health-url unreachable from this runner: ${s.health.reason ?? s.health.noAnswer}; ${evidence}`
      }
    })
  }
  if (!established) return history
  return [...out, ...history.slice(i)]
}
