// Rollback levels: which one to run next, and how long each may take (the Decision Matrix's
// "Max Time", as rollback.timeouts sets it).
import type { Policy, RollbackLevel } from './types.js'

/**
 * The level to run when a rule wants `wanted` and `failedLevels` already failed or did not
 * recover: max(wanted, highest failed + 1). `manual` when that is above `maxLevel` (never above 3):
 * no automatic level is left and a human must act. `level` may then be 4.
 */
export function nextLevel(
  wanted: RollbackLevel,
  failedLevels: readonly RollbackLevel[],
  maxLevel: number
): { level: number; manual: boolean } {
  const highestFailed = failedLevels.length > 0 ? Math.max(...failedLevels) : 0
  const level = Math.max(wanted, highestFailed + 1)
  return { level, manual: level > Math.min(maxLevel, 3) }
}

/** The level a person would try after `level` by hand (1 when none ran); none after Level 3. */
export function levelAfter(level: RollbackLevel | undefined): RollbackLevel | undefined {
  if (!level) return 1
  return level < 3 ? ((level + 1) as RollbackLevel) : undefined
}

/** How long a level may take (rollback.timeouts; the runbook's 5, 15 and 30 minutes). */
export function levelLimitMs(policy: Policy, level: RollbackLevel): number {
  return policy.rollback.timeoutsMs[level]
}
