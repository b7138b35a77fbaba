// Mermaid `xychart-beta` line charts of the watch and the verification, on one time axis. GitHub
// renders them in issues and job summaries; only syntax that Mermaid has parsed since xychart
// appeared is used (`line "name" [...]`, an `%%{init}%%` directive), so an older renderer still
// draws them.
//
// Mermaid has no null: a sample whose value is unknown (could not be measured) is SKIPPED, not
// carried forward or drawn as 0. The x-axis labels are the time since the watch started, so a
// skipped sample shows as a jump in the labels (15, 30, 75 …) and the caption says how many were
// skipped. Carrying the last value would draw a measurement that never happened.
//
// Mermaid's default palette draws a first line in a pale lilac that is hard to see on white, so
// every chart sets its own: the measured line red when it crossed a threshold shown (blue when it
// did not), each threshold a flat series of its own in a colour that reads on light and dark.
import type { Sample } from '../core/types.js'

/** More points than this are bucketed; each bucket keeps its worst (highest) value so spikes stay. */
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

/**
 * One point per second label: samples that round to the same second (a verification probe right
 * after the last watch probe) would repeat a label, so they merge, keeping the higher value.
 */
export function uniqueSeconds(points: readonly ChartPoint[]): ChartPoint[] {
  const out: ChartPoint[] = []
  for (const p of [...points].sort((a, b) => a.t - b.t)) {
    const last = out[out.length - 1]
    if (last && last.t === p.t) last.value = Math.max(last.value, p.value)
    else out.push({ ...p })
  }
  return out
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

/** Seconds for a short run, minutes (m:ss) past three minutes. */
export function timeScale(spanSeconds: number): TimeScale {
  return spanSeconds > SECONDS_SCALE_MAX ? 'minutes' : 'seconds'
}

/** An x-axis label: "8" (seconds) or "12:30" (minutes). */
export function timeLabel(t: number, scale: TimeScale): string {
  if (scale === 'seconds') return String(t)
  const sign = t < 0 ? '-' : ''
  const abs = Math.abs(t)
  return `${sign}${Math.floor(abs / 60)}:${String(abs % 60).padStart(2, '0')}`
}

/** A moment as the caption says it: "+8 s" (seconds) or "+12:30" (minutes). */
export function timeOffset(t: number, scale: TimeScale): string {
  const sign = t < 0 ? '' : '+'
  return scale === 'seconds' ? `${sign}${t} s` : `${sign}${timeLabel(t, scale)}`
}

/** The measured line's colour: red when it crossed a threshold shown, else blue. */
export function lineColor(points: readonly ChartPoint[], thresholds: readonly Threshold[]): string {
  const lowest = Math.min(...thresholds.map((t) => t.value))
  return points.some((p) => p.value > lowest) ? COLORS.breached : COLORS.calm
}

/**
 * One ```mermaid block: the init directive with the palette, the measured line, then one flat
 * line per threshold. Null when the series has no point at all.
 */
export function xyChart(spec: ChartSpec): string | null {
  if (spec.points.length === 0) return null
  const points = downsample(uniqueSeconds(spec.points))
  const thresholds = spec.thresholds ?? []
  const scale = spec.scale ?? timeScale(points[points.length - 1].t)
  const max = Math.max(
    ...points.map((p) => p.value),
    ...thresholds.map((t) => t.value),
    spec.yAtLeast ?? 0
  )
  const top = niceCeiling(max)
  const labels = points.map((p) => `"${timeLabel(p.t, scale)}"`).join(', ')
  const palette = [lineColor(points, thresholds), ...COLORS.thresholds].join(',')
  const init = {
    themeVariables: { xyChart: { plotColorPalette: palette } },
    xyChart: { showLegend: true }
  }
  const axis =
    scale === 'seconds' ? 'seconds since the watch started' : 'minutes since the watch started'
  return [
    '```mermaid',
    `%%{init: ${JSON.stringify(init)}}%%`,
    'xychart-beta',
    `    title "${quote(spec.title)}"`,
    `    x-axis "${axis}" [${labels}]`,
    `    y-axis "${quote(spec.yLabel)}" ${formatNumber(spec.yMin ?? 0)} --> ${formatNumber(top)}`,
    `    line "${quote(spec.name)}" [${points.map((p) => formatNumber(p.value)).join(', ')}]`,
    ...thresholds.map(
      (t) => `    line "${quote(t.name)}" [${points.map(() => formatNumber(t.value)).join(', ')}]`
    ),
    '```'
  ].join('\n')
}

/** "red: error rate · grey: critical 50% · amber: high 10%" — the key for renderers without a legend. */
export function colorKey(spec: ChartSpec): string {
  const points = downsample(uniqueSeconds(spec.points))
  const thresholds = spec.thresholds ?? []
  const entries = [
    `${COLOR_WORDS[lineColor(points, thresholds)]}: ${spec.name}`,
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
