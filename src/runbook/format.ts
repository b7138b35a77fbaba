// How numbers read in a verdict's reason: measured values with fixed decimals, policy limits as
// written (10%, 5s), time as offsets from ctx.now (the core reads no clock, so no wall times).
import { formatDuration } from '../lib/duration.js'
import type { MetricReading } from './types.js'

export { formatDuration }

/** A measured fraction: 0.62 → "62.0%". */
export function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`
}

/** A policy limit as people write it: 0.5 → "50%", 0.125 → "12.5%". */
export function percentLimit(fraction: number): string {
  return `${trim(fraction * 100)}%`
}

/** A measured latency in seconds: 6.2 → "6.20s". */
export function seconds(value: number): string {
  return `${value.toFixed(2)}s`
}

/** A latency limit as people write it: 5 → "5s", 2.5 → "2.5s". */
export function secondsLimit(value: number): string {
  return `${trim(value)}s`
}

/** Time until a deadline: 100000 → "1m40s left"; a deadline already reached → "due now". */
export function timeLeft(ms: number): string {
  return ms > 0 ? `${formatDuration(ms)} left` : 'due now'
}

/** Integers as they are, other numbers with 3 significant digits: 0.4, 0.123, 12.5, 1234. */
export function compactNumber(v: number): string {
  if (Number.isInteger(v) || Math.abs(v) >= 1000) return String(Math.round(v))
  return String(Number(v.toPrecision(3)))
}

/** "3 samples", "1 sample". */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`
}

// Up to 3 decimals, without trailing zeros or float noise (0.1 * 100 = 10.000000000000002).
function trim(value: number): string {
  return String(Number(value.toFixed(3)))
}

/**
 * A metric reading as text: the value shown with `show` ("12.3%", "0.42s"), "unknown", "off" (or
 * `offText`), and for too little traffic the value with "(too few requests)".
 */
export function readingText(
  m: MetricReading,
  show: (value: number) => string,
  offText = 'off'
): string {
  if (m.status === 'off') return offText
  if (m.status === 'measured' && m.value !== null) return show(m.value)
  if (m.status === 'insufficient')
    return m.value !== null ? `${show(m.value)} (too few requests)` : 'too few requests'
  return 'unknown'
}
