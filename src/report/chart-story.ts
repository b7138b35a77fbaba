// The charts of a run as a story a maintainer reads at a glance: the measured line against the
// thresholds that mattered (critical always, the window rule's when one opened or fired), the
// watch and the verification on one time axis, and the moments that count (breach, decision,
// rollback, recovered) named right under each chart: "breach +8 s · rollback +9 s · recovered +22 s".
import { percentLimit, secondsLimit } from '../runbook/format.js'
import type { Policy, RuleId } from '../runbook/types.js'
import type { RunRecord } from '../runbook/record.js'
import type { ChartStory, Moment, Threshold } from './charts.js'

export type { ChartStory, Moment } from './charts.js'
import type { Facts, ReportContext } from './context.js'

/** What the charts of this run show, from the record's facts and the policy's thresholds. */
export function chartStory(
  facts: Facts,
  record: RunRecord,
  ctx: Pick<ReportContext, 'thresholds'>
): ChartStory {
  return {
    samples: facts.allSamples,
    startedAt: record.startedAt,
    moments: momentsOf(facts),
    ...thresholdsOf(ctx.thresholds, rulesSeen(facts, record))
  }
}

/** The moments of the run, in time order. */
export function momentsOf(facts: Facts): Moment[] {
  const out: Moment[] = []
  if (facts.breachAt !== undefined) out.push({ name: 'breach', at: facts.breachAt })
  if (facts.final.decision !== 'healthy' && facts.breachAt !== undefined)
    out.push({ name: 'decision', at: facts.decidedAt })
  if (facts.initiatedAt !== undefined) out.push({ name: 'rollback', at: facts.initiatedAt })
  if (facts.recoveredAt !== undefined) out.push({ name: 'recovered', at: facts.recoveredAt })
  else if (facts.rollbackRan && facts.lastSample)
    out.push({ name: 'no recovery by', at: facts.lastSample.at })
  return out.sort((a, b) => a.at - b.at)
}

/** Every rule that opened a window or decided during the watch, and the rule that fired. */
function rulesSeen(facts: Facts, record: RunRecord): Set<RuleId> {
  return new Set([facts.rule, ...record.verdicts.map((v) => v.verdict.rule)])
}

function thresholdsOf(
  policy: Pick<Policy, 'errorRate' | 'latency'>,
  seen: Set<RuleId>
): Pick<ChartStory, 'errorThresholds' | 'latencyThresholds'> {
  const e = policy.errorRate
  const l = policy.latency
  const errorThresholds: Threshold[] = [
    { name: `critical ${percentLimit(e.critical)}`, value: e.critical }
  ]
  if (seen.has('error-rate-high'))
    errorThresholds.push({ name: `high ${percentLimit(e.high)}`, value: e.high })
  if (seen.has('error-rate-elevated'))
    errorThresholds.push({ name: `elevated ${percentLimit(e.elevated)}`, value: e.elevated })
  const latencyThresholds: Threshold[] = [
    { name: `severe ${secondsLimit(l.severe)}`, value: l.severe }
  ]
  if (seen.has('latency-degraded'))
    latencyThresholds.push({ name: `degraded ${secondsLimit(l.degraded)}`, value: l.degraded })
  return { errorThresholds, latencyThresholds }
}
