// The charts of a run as a story a maintainer reads at a glance: the measured line against the
// thresholds that mattered (critical always, the window rule's when one opened or fired), the
// watch and the verification on one time axis, and the moments that count (breach, decision,
// rollback, recovered) named right under each chart: "breach +8 s · rollback +9 s · recovered +22 s".
import { percentLimit, secondsLimit } from '../runbook/format.js'
import type { Policy, RuleId, Sample } from '../runbook/types.js'
import type { RunRecord } from '../runbook/record.js'
import {
  type ChartSpec,
  colorKey,
  round,
  series,
  type Threshold,
  timeOffset,
  timeScale,
  type TimeScale,
  xyChart
} from './charts.js'
import type { Facts, ReportContext } from './context.js'

export interface Moment {
  /** e.g. "breach", "rollback", "recovered". */
  name: string
  /** Epoch ms. */
  at: number
}

export interface ChartStory {
  /** Watch and verification samples, by time. */
  samples: readonly Sample[]
  startedAt: number
  moments: Moment[]
  /** Error-rate thresholds as fractions (0..1), critical first. */
  errorThresholds: Threshold[]
  /** Latency thresholds in seconds, severe first. */
  latencyThresholds: Threshold[]
}

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

/**
 * "breach & decision +8 s · rollback +9 s · recovered +22 s": moments that fall on the same
 * label are named together. Empty when the run had no moment worth naming.
 */
export function momentsCaption(
  moments: readonly Moment[],
  startedAt: number,
  scale: TimeScale
): string {
  const groups: { names: string[]; label: string }[] = []
  for (const m of moments) {
    const label = timeOffset(Math.round((m.at - startedAt) / 1000), scale)
    const last = groups[groups.length - 1]
    if (last && last.label === label) last.names.push(m.name)
    else groups.push({ names: [m.name], label })
  }
  return groups.map((g) => `${g.names.join(' & ')} ${g.label}`).join(' · ')
}

/**
 * The error-rate chart (%) and the latency chart (p95 in s, or the health probe's own latency
 * when no p95 was measured), each with its thresholds and a caption naming the moments.
 */
export function renderCharts(story: ChartStory): string {
  const sorted = [...story.samples].sort((a, b) => a.at - b.at)
  const span =
    sorted.length > 0 ? Math.round((sorted[sorted.length - 1].at - story.startedAt) / 1000) : 0
  const scale = timeScale(span)
  const moments = momentsCaption(story.moments, story.startedAt, scale)
  const parts: string[] = []

  const errors = series(sorted, story.startedAt, (s) =>
    s.errorRate.status === 'measured' && s.errorRate.value !== null
      ? round(s.errorRate.value * 100, 2)
      : null
  )
  const errorSpec: ChartSpec = {
    title: 'Error rate (%)',
    yLabel: 'error rate (%)',
    name: 'error rate',
    ...errors,
    thresholds: story.errorThresholds.map((t) => ({ ...t, value: round(t.value * 100, 4) })),
    scale,
    yAtLeast: 1
  }
  const errorChart = xyChart(errorSpec)
  parts.push(
    errorChart
      ? withCaption(errorChart, moments, errorSpec, skipped(errors.skipped, 'error rate'))
      : '_No error-rate measurement during the watch (no Prometheus, or it could not be queried)._'
  )

  const p95 = series(sorted, story.startedAt, (s) =>
    s.p95.status === 'measured' && s.p95.value !== null ? round(s.p95.value, 3) : null
  )
  const usesProbe = p95.points.length === 0
  const latency = usesProbe
    ? series(sorted, story.startedAt, (s) =>
        s.health.latencyMs !== undefined ? round(s.health.latencyMs / 1000, 3) : null
      )
    : p95
  const latencySpec: ChartSpec = {
    title: usesProbe ? 'Health probe latency (s)' : 'p95 latency (s)',
    yLabel: usesProbe ? 'latency (s)' : 'p95 (s)',
    name: usesProbe ? 'probe latency' : 'p95',
    ...latency,
    thresholds: story.latencyThresholds,
    scale,
    yAtLeast: 1
  }
  const latencyChart = xyChart(latencySpec)
  const note = usesProbe ? "No p95 was measured, so this is the health probe's own latency." : ''
  parts.push(
    latencyChart
      ? withCaption(
          latencyChart,
          moments,
          latencySpec,
          skipped(latency.skipped, usesProbe ? 'probe latency' : 'p95'),
          note
        )
      : '_No latency measurement during the watch._'
  )
  return parts.join('\n\n')
}

/** The chart, then one caption line right under it: the moments, then the colour key. */
function withCaption(chart: string, moments: string, spec: ChartSpec, ...notes: string[]): string {
  const key = colorKey(spec)
  const lead = moments ? `**${moments}** — ${key}` : key
  return `${chart}\n\n${[`${lead}.`, ...notes.filter(Boolean)].join(' ')}`
}

function skipped(count: number, what: string): string {
  return count > 0
    ? `_${count} sample${count === 1 ? '' : 's'} without a ${what} value skipped (Mermaid has no gaps; see the x-axis times)._`
    : ''
}
