// The response to a verdict: what runs on the host when the core says rollback, isolate, restart
// or manual. The core has decided; this module only carries it out, through the act layer, each
// command inside the cancellation's actOnHost so a first cancel lets it finish.
import * as core from '@actions/core'
import { runRestart, runSecurityPath } from './act/host-actions.js'
import { executeRollback, type VerifyResult } from './act/rollback.js'
import type { Clock, HostConnection, Logger } from './adapters/ports.js'
import type { Cancellation } from './cancellation.js'
import type { RollbackLevel, Verdict } from './core/types.js'
import type { RemoteStep, RollbackOutcome } from './record.js'
import type { OwnRollback } from './report/issue.js'
import type { Settings } from './settings/types.js'

export const NOT_NEEDED: RollbackOutcome = {
  status: 'not-needed',
  attempts: [],
  verificationSamples: [],
  reason: 'no rollback needed'
}

export interface ResponseDeps {
  settings: Settings
  remote: HostConnection | undefined
  clock: Clock
  log: Logger
  cancel: Cancellation
  /** The verification watch after a level ran on the host. */
  verify(level: RollbackLevel): Promise<VerifyResult>
}

export interface Response {
  rollback: RollbackOutcome
  steps: RemoteStep[]
}

/** The restart-first step of service-down and cache-failure, run when the watch asks for it. */
export async function restart(deps: Omit<ResponseDeps, 'verify'>): Promise<RemoteStep> {
  const { settings, remote, clock, log, cancel } = deps
  log.info('restart-first (runbook): running restart-command, then re-probing')
  return cancel.actOnHost('the restart', () =>
    runRestart(remote, settings, {
      clock,
      logger: log,
      signal: cancel.signal,
      stopSignal: cancel.stopSignal
    })
  )
}

/**
 * Carries out the watch's final verdict: a rollback (escalating as the core says), the security
 * path, or nothing. `prior`: this workflow run already rolled back (a re-run): never again.
 */
export async function respond(
  final: Verdict,
  prior: OwnRollback | undefined,
  deps: ResponseDeps
): Promise<Response> {
  const { settings, remote, clock, log, cancel } = deps
  if (cancel.signal.aborted) return { rollback: NOT_NEEDED, steps: [] }
  const opts = { clock, logger: log, signal: cancel.signal, stopSignal: cancel.stopSignal }
  if (final.decision === 'rollback' && prior)
    return {
      rollback: {
        ...NOT_NEEDED,
        status: 'blocked',
        level: prior.level,
        reason: `this workflow run already rolled back (Level ${prior.level}, incident #${prior.number}): not rolling back again on a re-run`
      },
      steps: []
    }
  if (final.decision === 'rollback' && final.level) {
    const startLevel = final.level
    core.startGroup(`rollback: Level ${startLevel}`)
    try {
      const result = await cancel.actOnHost(`the Level ${startLevel} rollback`, () =>
        executeRollback({ startLevel, settings, remote, verify: deps.verify, ...opts })
      )
      return { rollback: result.outcome, steps: result.steps }
    } finally {
      core.endGroup()
    }
  }
  if (final.decision === 'isolate') {
    core.startGroup('security: evidence and isolation (no rollback)')
    try {
      const steps = await cancel.actOnHost('the security response', () =>
        runSecurityPath(remote, settings, opts)
      )
      return {
        rollback: {
          ...NOT_NEEDED,
          status: 'blocked',
          reason: 'security alert: no rollback until the security team clears it (then Level 3)'
        },
        steps
      }
    } finally {
      core.endGroup()
    }
  }
  if (final.decision === 'manual')
    return { rollback: { ...NOT_NEEDED, status: 'blocked', reason: final.reason }, steps: [] }
  return { rollback: NOT_NEEDED, steps: [] }
}
