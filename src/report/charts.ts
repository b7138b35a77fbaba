// Mermaid `xychart-beta` line charts of the watch. GitHub renders them in issues and job summaries.
//
// Mermaid has no null: a sample whose value is unknown (could not be measured) is SKIPPED, not
// carried forward or drawn as 0. The x-axis labels are the seconds since the watch started, so a
// skipped sample shows as a jump in the labels (15, 30, 75 …) and the caption says how many were
// skipped. Carrying the last value would draw a measurement that never happened.
import type { Sample } from '../core/types.js'

/** More points than this are bucketed; each bucket keeps its worst (highest) value so spikes stay. */
export const MAX_CHART_POINTS = 60

export interface ChartPoint {
  /** Seconds since the watch started. */
  t: number
  value: number
}

export interface ChartSpec {
  title: string
  yLabel: string
  points: ChartPoint[]
  /** How many samples had no value (skipped). */
  skipped: number
  /** Lower bound of the y-axis; the upper bound is max(value) with some headroom. */
  yMin?: number
  /** A y-axis upper bound that the axis reaches at least (e.g. the threshold). */
  yAtLeast?: number
}

/** Points of one series, unknown values skipped. */
export function series(
  samples: readonly Sample[],
  startedAt: number,
  pick: (s: Sample) => number | null
): { points: ChartPoint[]; skipped: number } {
  const points: ChartPoint[] = []
  let skipped = 0
  for (const s of samples) {
    const v = pick(s)
    if (v === null || !Number.isFinite(v)) skipped++
    else points.push({ t: Math.round((s.at - startedAt) / 1000), value: v })
  }
  return { points, skipped }
}

/** At most `max` points: consecutive buckets, each labelled by its first point, keeping its max. */
export function downsample(points: readonly ChartPoint[], max = MAX_CHART_POINTS): ChartPoint[] {
  if (points.length <= max) return [...points]
  const size = Math.ceil(points.length / max)
  const out: ChartPoint[] = []
  for (let i = 0; i < points.length; i += size) {
    const bucket = points.slice(i, i + size)
    out.push({ t: bucket[0].t, value: Math.max(...bucket.map((p) => p.value)) })
  }
  return out
}

/** One ```mermaid xychart-beta block, or null when the series has no point at all. */
export function xyChart(spec: ChartSpec): string | null {
  if (spec.points.length === 0) return null
  const points = downsample(spec.points)
  const max = Math.max(...points.map((p) => p.value), spec.yAtLeast ?? 0)
  const top = niceCeiling(max)
  const labels = points.map((p) => `"${p.t}"`).join(', ')
  const values = points.map((p) => formatNumber(p.value)).join(', ')
  return [
    '```mermaid',
    'xychart-beta',
    `    title "${quote(spec.title)}"`,
    `    x-axis "seconds since the watch started" [${labels}]`,
    `    y-axis "${quote(spec.yLabel)}" ${formatNumber(spec.yMin ?? 0)} --> ${formatNumber(top)}`,
    `    line [${values}]`,
    '```'
  ].join('\n')
}

/**
 * The two charts of the report: error rate (%) and p95 latency (s). When no p95 was measured
 * (no Prometheus), the health probe's latency is charted instead, so a health-only setup still
 * gets a latency chart. Samples of the verification watch after a rollback are included.
 */
export function renderCharts(samples: readonly Sample[], startedAt: number): string {
  const sorted = [...samples].sort((a, b) => a.at - b.at)
  const parts: string[] = []

  const errors = series(sorted, startedAt, (s) =>
    s.errorRate.status === 'measured' && s.errorRate.value !== null
      ? round(s.errorRate.value * 100, 2)
      : null
  )
  const errorChart = xyChart({
    title: 'Error rate (%)',
    yLabel: 'error rate (%)',
    ...errors,
    yAtLeast: 1
  })
  parts.push(
    errorChart
      ? `${errorChart}\n${skippedCaption(errors.skipped, 'error rate')}`
      : '_No error-rate measurement during the watch (no Prometheus, or it could not be queried)._'
  )

  const p95 = series(sorted, startedAt, (s) =>
    s.p95.status === 'measured' && s.p95.value !== null ? round(s.p95.value, 3) : null
  )
  if (p95.points.length > 0) {
    const chart = xyChart({ title: 'p95 latency (s)', yLabel: 'p95 (s)', ...p95, yAtLeast: 1 })
    parts.push(`${chart}\n${skippedCaption(p95.skipped, 'p95')}`)
  } else {
    const probe = series(sorted, startedAt, (s) =>
      s.health.latencyMs !== undefined ? round(s.health.latencyMs / 1000, 3) : null
    )
    const chart = xyChart({
      title: 'Health probe latency (s)',
      yLabel: 'latency (s)',
      ...probe,
      yAtLeast: 1
    })
    parts.push(
      chart
        ? `${chart}\n${skippedCaption(probe.skipped, 'probe latency')} No p95 was measured, so this is the health probe's own latency.`
        : '_No latency measurement during the watch._'
    )
  }
  return parts.join('\n\n')
}

function skippedCaption(skipped: number, what: string): string {
  return skipped > 0
    ? `_${skipped} sample${skipped === 1 ? '' : 's'} without a ${what} value skipped (Mermaid has no gaps; see the x-axis seconds)._`
    : ''
}

function niceCeiling(value: number): number {
  if (value <= 0) return 1
  const magnitude = 10 ** Math.floor(Math.log10(value))
  for (const step of [1, 2, 2.5, 5, 10]) {
    const candidate = step * magnitude
    if (candidate >= value * 1.05) return round(candidate, 6)
  }
  return round(10 * magnitude, 6)
}

function round(value: number, digits: number): number {
  const f = 10 ** digits
  return Math.round(value * f) / f
}

function formatNumber(value: number): string {
  return String(round(value, 6))
}

function quote(text: string): string {
  return text.replace(/"/g, "'")
}
