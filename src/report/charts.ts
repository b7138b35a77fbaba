// Mermaid `xychart-beta` line charts of the watch and the verification, on one time axis. GitHub
// renders them in issues and job summaries; only syntax that Mermaid has parsed since xychart
// appeared is used (`line "name" [...]`, a numeric x-axis, an `%%{init}%%` directive), so an older
// renderer still draws them.
//
// The x-axis is numeric time (seconds, or minutes past three minutes), not one label per sample:
// Mermaid draws category labels side by side however many there are, so a long watch smeared
// them into one unreadable line, and two samples in the same second repeated a label. Mermaid
// spaces the values of a numeric axis evenly, so the samples are put on an even grid of at most
// MAX_CHART_POINTS slots: a slot keeps the highest sample in it (a spike survives), and a slot
// without a sample (a gap between probes, an unknown value) lies on the straight line between its
// neighbours — exactly the line a chart draws between two points, so nothing is drawn that the
// samples do not show. Unknown values are never carried forward or drawn as 0; the caption says
// how many were skipped.
//
// Mermaid's default palette draws a first line in a pale lilac that is hard to see on white, so
// every chart sets its own: the measured line red when it crossed a threshold shown (blue when it
// did not), each threshold a flat series of its own in a colour that reads on light and dark.
import type { Sample } from '../runbook/types.js'

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

/** Slots of the time grid at most; each keeps its worst (highest) value so spikes stay. */
export const MAX_CHART_POINTS = 60

/** Up to this span the axis counts seconds; past it, minutes (m:ss). */
const SECONDS_SCALE_MAX = 180

export const COLORS = {
  /** The measured line when it crossed a threshold shown. */
  breached: '#e5383b',
  /** The measured line when it stayed under every threshold shown. */
  calm: '#2f81f7',
  /** Threshold lines, in the order they are given (critical first). */
  thresholds: ['#8c959f', '#d29922', '#a371f7']
} as const

export const COLOR_WORDS: Readonly<Record<string, string>> = {
  [COLORS.breached]: 'red',
  [COLORS.calm]: 'blue',
  [COLORS.thresholds[0]]: 'grey',
  [COLORS.thresholds[1]]: 'amber',
  [COLORS.thresholds[2]]: 'purple'
}

export interface ChartPoint {
  /** Seconds since the watch started. */
  t: number
  value: number
}

export interface Threshold {
  /** e.g. "critical 50%" */
  name: string
  /** In the chart's unit. */
  value: number
}

export type TimeScale = 'seconds' | 'minutes'

export interface ChartSpec {
  title: string
  yLabel: string
  /** The measured series' name, e.g. "error rate". */
  name: string
  points: ChartPoint[]
  /** How many samples had no value (skipped). */
  skipped: number
  /** Flat lines across the chart (the rule thresholds), critical first. */
  thresholds?: Threshold[]
  scale?: TimeScale
  /** Lower bound of the y-axis; the upper bound is max(value, thresholds) with some headroom. */
  yMin?: number
  /** A y-axis upper bound that the axis reaches at least. */
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

/** A series on an even time grid: slot k is at `start + k × step` seconds. */
export interface TimeGrid {
  start: number
  step: number
  values: number[]
}

/**
 * The points on an even grid of at most `max` slots, one slot per second at the finest: each slot
 * keeps the highest point in it, an empty slot lies on the line between its neighbours.
 */
export function timeGrid(points: readonly ChartPoint[], max = MAX_CHART_POINTS): TimeGrid {
  const sorted = [...points].sort((a, b) => a.t - b.t)
  const start = sorted[0].t
  const span = sorted[sorted.length - 1].t - start
  const slots = Math.max(2, Math.min(max, span + 1))
  const step = Math.max(span, 1) / (slots - 1)
  const values: (number | undefined)[] = Array.from({ length: slots }, () => undefined)
  for (const p of sorted) {
    const k = Math.round((p.t - start) / step)
    values[k] = Math.max(values[k] ?? -Infinity, p.value)
  }
  // A single point: the second slot repeats it, so the line has a length.
  if (values[slots - 1] === undefined && sorted.length === 1) values[slots - 1] = values[0]
  return { start, step, values: interpolateGaps(values) }
}

/** Empty slots on the straight line between the filled slots around them. */
function interpolateGaps(values: readonly (number | undefined)[]): number[] {
  const out = [...values]
  let last = -1
  for (let k = 0; k < out.length; k++) {
    if (out[k] === undefined) continue
    for (let g = last + 1; g < k && last >= 0; g++) {
      const a = out[last] as number
      const b = out[k] as number
      out[g] = a + ((b - a) * (g - last)) / (k - last)
    }
    last = k
  }
  return out as number[]
}

/** Seconds for a short run, minutes past three minutes. */
export function timeScale(spanSeconds: number): TimeScale {
  return spanSeconds > SECONDS_SCALE_MAX ? 'minutes' : 'seconds'
}

/** A moment as the caption says it: "+8 s" (seconds) or "+12:30" (minutes). */
export function timeOffset(t: number, scale: TimeScale): string {
  if (scale === 'seconds') return `${t < 0 ? '' : '+'}${t} s`
  const abs = Math.abs(t)
  return `${t < 0 ? '-' : '+'}${Math.floor(abs / 60)}:${String(abs % 60).padStart(2, '0')}`
}

/** The measured line's colour: red when it crossed a threshold shown, else blue. */
export function lineColor(points: readonly ChartPoint[], thresholds: readonly Threshold[]): string {
  const lowest = Math.min(...thresholds.map((t) => t.value))
  return points.some((p) => p.value > lowest) ? COLORS.breached : COLORS.calm
}

/**
 * One ```mermaid block: the init directive with the palette, the measured line, then one flat
 * line per threshold, on a numeric time axis. Null when the series has no point at all.
 */
export function xyChart(spec: ChartSpec): string | null {
  if (spec.points.length === 0) return null
  const grid = timeGrid(spec.points)
  const thresholds = spec.thresholds ?? []
  const end = grid.start + grid.step * (grid.values.length - 1)
  const scale = spec.scale ?? timeScale(end)
  const unit = scale === 'seconds' ? 1 : 60
  const max = Math.max(...grid.values, ...thresholds.map((t) => t.value), spec.yAtLeast ?? 0)
  const palette = [lineColor(spec.points, thresholds), ...COLORS.thresholds].join(',')
  const init = {
    themeVariables: { xyChart: { plotColorPalette: palette } },
    xyChart: { showLegend: true }
  }
  const flat = (value: number): string => grid.values.map(() => formatNumber(value)).join(', ')
  return [
    '```mermaid',
    `%%{init: ${JSON.stringify(init)}}%%`,
    'xychart-beta',
    `    title "${quote(spec.title)}"`,
    `    x-axis "${scale} since the watch started" ${formatNumber(round(grid.start / unit, 4))} --> ${formatNumber(round(end / unit, 4))}`,
    `    y-axis "${quote(spec.yLabel)}" ${formatNumber(spec.yMin ?? 0)} --> ${formatNumber(niceCeiling(max))}`,
    `    line "${quote(spec.name)}" [${grid.values.map((v) => formatNumber(round(v, 4))).join(', ')}]`,
    ...thresholds.map((t) => `    line "${quote(t.name)}" [${flat(t.value)}]`),
    '```'
  ].join('\n')
}

/** "red: error rate · grey: critical 50% · amber: high 10%" — the key for renderers without a legend. */
export function colorKey(spec: ChartSpec): string {
  const thresholds = spec.thresholds ?? []
  const entries = [
    `${COLOR_WORDS[lineColor(spec.points, thresholds)]}: ${spec.name}`,
    ...thresholds.map((t, i) => `${COLOR_WORDS[COLORS.thresholds[i % 3]]}: ${t.name}`)
  ]
  return entries.join(' · ')
}

export function niceCeiling(value: number): number {
  if (value <= 0) return 1
  const magnitude = 10 ** Math.floor(Math.log10(value))
  // Fine steps, so a 55% peak gets a 0–60 axis rather than 0–100.
  for (const step of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) {
    const candidate = step * magnitude
    if (candidate >= value * 1.05) return round(candidate, 6)
  }
  return round(10 * magnitude, 6)
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits
  return Math.round(value * f) / f
}

function formatNumber(value: number): string {
  return String(round(value, 6))
}

function quote(text: string): string {
  return text.replace(/"/g, "'")
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
