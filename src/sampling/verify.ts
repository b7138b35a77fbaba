// The verification watch after a rollback level, shared by every mode that rolls back: a watch of
// rollback.verify that records samples without acting on them, judged by the core
// (judgeRecovery). A level that did not recover is remembered, so the next decision knows it.
import * as core from '@actions/core'
import type { Logger } from '../adapters/ports.js'
import { formatDuration } from '../lib/duration.js'
import { judgeRecovery, type Recovery } from '../runbook/recovery.js'
import type { RollbackLevel, Sample } from '../runbook/types.js'
import type { Settings } from '../settings/types.js'
import { watch, type ActionMemory, type WatchDeps } from './loop.js'

export interface VerifyResult extends Recovery {
  samples: Sample[]
  recoveredAt?: number
}

export function verifier(
  settings: Settings,
  deps: WatchDeps,
  memory: ActionMemory,
  log: Logger
): (level: RollbackLevel) => Promise<VerifyResult> {
  return async (level) => {
    // Its own log section: the runner does not nest groups, so the rollback group pauses.
    core.endGroup()
    core.startGroup(`verification after Level ${level}`)
    log.info(
      `verification after Level ${level}: watching ${formatDuration(settings.policy.rollback.verifyMs)}`
    )
    const v = await watch(settings, deps, {
      durationMs: settings.policy.rollback.verifyMs,
      phase: `verify L${level}`,
      memory,
      judge: false
    })
    const judged = judgeRecovery(v.samples, settings.policy)
    log.info(
      `verification after Level ${level}: ${judged.recovered ? 'recovered' : 'NOT recovered'}: ${judged.reason}`
    )
    if (!judged.recovered) memory.failedLevels.push(level)
    core.endGroup()
    core.startGroup(`rollback: after Level ${level}`)
    return {
      ...judged,
      samples: v.samples,
      recoveredAt: judged.recovered ? deps.clock.now() : undefined
    }
  }
}
