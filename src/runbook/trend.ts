import type { Trend } from './types.js'

export interface TrendDetail {
  trend: Trend
  /** Mean of the known values in the first third of the window; null when it has none. */
  firstMean: number | null
  /** Mean of the known values in the last third of the window; null when it has none. */
  lastMean: number | null
}

/**
 * Improving, stable or worse, by the DESIGN's settled definition.
 *
 * The window's samples are cut into thirds by position (each end third holds floor(n / 3)
 * samples, the middle takes the rest). The mean of the known values (null = unknown, excluded) of
 * the last third is compared with the mean of the first third, relative to the first:
 *
 * - last < first × (1 − tolerance) → 'improving' (for error rates and latencies lower is better)
 * - last > first × (1 + tolerance) → 'worse'
 * - anything between → 'stable', so noise of ±1–2% is never a trend at the default 10%
 * - fewer than 3 samples, or a third without a single known value → 'unknown': a window that
 *   could not be read is not stable, and no rule may roll back on it.
 *
 * A first mean of 0 makes both bounds 0: any rise from zero is 'worse', staying at zero is
 * 'stable' (values are rates and latencies, never negative).
 */
export function trendDetail(values: ReadonlyArray<number | null>, tolerance: number): TrendDetail {
  const third = Math.floor(values.length / 3)
  if (third === 0) return { trend: 'unknown', firstMean: null, lastMean: null }
  const firstMean = mean(values.slice(0, third))
  const lastMean = mean(values.slice(values.length - third))
  if (firstMean === null || lastMean === null) return { trend: 'unknown', firstMean, lastMean }
  let trend: Trend = 'stable'
  if (lastMean < firstMean * (1 - tolerance)) trend = 'improving'
  else if (lastMean > firstMean * (1 + tolerance)) trend = 'worse'
  return { trend, firstMean, lastMean }
}

function mean(values: ReadonlyArray<number | null>): number | null {
  const known = values.filter((v): v is number => v !== null && Number.isFinite(v))
  if (known.length === 0) return null
  return known.reduce((sum, v) => sum + v, 0) / known.length
}
