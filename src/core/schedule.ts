// The probe schedule is a pure function of the watch's start, so a 30-minute watch does not drift
// by the probes' own duration (Argo Rollouts' calculateNextReconcileTime, STYLE.md).

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
