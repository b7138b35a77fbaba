// The probe schedule is a pure function of the watch's start, so a 30-minute watch does not drift
// by the probes' own duration (as Argo Rollouts' calculateNextReconcileTime does); when host
// checks run; and how far a watch is extended to see a breach through.
import type { Policy, Verdict } from './types.js'

/**
 * The index of the slot at or before `at`: floor((at − start) / interval). Negative before the
 * start. Useful for "host checks every N cycles" (`cycleIndex(...) % every === 0`).
 */
export function cycleIndex(start: number, intervalMs: number, at: number): number {
  if (!(intervalMs > 0)) return 0
  return Math.floor((at - start) / intervalMs)
}

/**
 * The smallest `start + k × interval` (k ≥ 0, integer) that is ≥ `now`. A cycle that overran skips
 * the slots it missed instead of bunching probes. A slot equal to `now` is returned as is: a
 * caller that has just probed that very slot (a zero-duration cycle under a fake clock) should ask
 * for `now + 1`. A non-positive interval has no slots: `max(start, now)`.
 */
export function nextProbeAt(start: number, intervalMs: number, now: number): number {
  if (now <= start) return start
  if (!(intervalMs > 0)) return now
  return start + Math.ceil((now - start) / intervalMs) * intervalMs
}

/** Host checks run on the cycles where `cycle % host-checks.every === 0` (the first one included). */
export function hostChecksDue(cycle: number, every: number): boolean {
  return cycle <= 0 || cycle % Math.max(1, every) === 0
}

/**
 * The end of a watch that reached its planned end while a P1/P2 rule's window was still open and
 * not yet judged (no trend yet): the window's decision time, so the breach is seen through — but
 * never past `hardEnd` (the planned end plus the longest P2 window). Null: end as planned. An
 * improving trend was already judged and is not extended; P3 windows are judged as they stand.
 */
export function extendedEnd(
  last: Verdict | undefined,
  plannedEnd: number,
  hardEnd: number
): number | null {
  if (!last || last.decision !== 'continue' || last.decideBy === undefined) return null
  if (last.trend !== undefined) return null
  if (last.severity !== 'P1' && last.severity !== 'P2') return null
  if (last.decideBy <= plannedEnd || last.decideBy > hardEnd) return null
  return last.decideBy
}

/** How far past its planned end a watch may be extended: the longest P2 window. */
export function maxExtensionMs(policy: Policy): number {
  return Math.max(policy.errorRate.highWindowMs, policy.latency.severeWindowMs)
}
