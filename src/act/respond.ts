// The response to a verdict: what runs on the host when the core says rollback, isolate, restart
// or manual. The core has decided; this module only carries it out, through the act layer, each
// command inside the cancellation's actOnHost so a first cancel lets it finish.
import * as core from '@actions/core'
import { hostLogger } from './fleet.js'
import { runRestart, runSecurityPath } from './host-actions.js'
import { inPool } from './pool.js'
import { executeRollback } from './rollback.js'
import type { VerifyResult } from './types.js'
import type { Clock, FleetEngine, FleetMember, HostConnection, Logger } from '../adapters/ports.js'
import type { StepOptions } from './steps.js'
import type { Cancellation } from './cancellation.js'
import type { RollbackLevel, Verdict } from '../runbook/types.js'
import { responseTo } from '../runbook/outcome.js'
import type { OwnRollback, RemoteStep, RollbackOutcome } from '../runbook/record.js'
import type { Settings } from '../settings/types.js'

export const NOT_NEEDED: RollbackOutcome = {
  status: 'not-needed',
  attempts: [],
  verificationSamples: [],
  reason: 'no rollback needed'
}

export interface ResponseDeps {
  settings: Settings
  remote: HostConnection | undefined
  /** Every host of a fleet, the canary first; with more than one, everything runs on each. */
  fleet: FleetMember<HostConnection>[]
  /** executor: ansible: the rollback's levels run through it. */
  engine?: FleetEngine
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

/**
 * Runs on the one host, or on every host of a fleet (rollback.max-parallel at once: a restart or
 * the security path is no version change, so no canary), each host's steps named by it.
 */
async function onEveryHost(
  deps: Omit<ResponseDeps, 'verify'>,
  fn: (remote: HostConnection | undefined, opts: StepOptions) => Promise<RemoteStep[]>
): Promise<RemoteStep[]> {
  const { settings, remote, fleet, clock, log, cancel } = deps
  const opts = { clock, logger: log, signal: cancel.signal, stopSignal: cancel.stopSignal }
  if (fleet.length <= 1) return fn(remote, opts)
  const each = await inPool(fleet, settings.policy.rollback.maxParallel, (m) =>
    fn(m.remote, { ...opts, logger: hostLogger(log, m.label), host: m.label })
  )
  return each.flat()
}

/** The restart-first step of service-down and cache-failure, run when the watch asks for it. */
export async function restart(deps: Omit<ResponseDeps, 'verify'>): Promise<RemoteStep[]> {
  const { settings, log, cancel, fleet } = deps
  log.info(
    `restart-first (runbook): running restart-command${fleet.length > 1 ? ` on ${fleet.length} hosts` : ''}, then re-probing`
  )
  return cancel.actOnHost('the restart', () =>
    onEveryHost(deps, async (remote, opts) => [await runRestart(remote, settings, opts)])
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
  const opts = { clock, logger: log, signal: cancel.signal, stopSignal: cancel.stopSignal }
  const response = responseTo(final, prior, cancel.signal.aborted)
  switch (response.kind) {
    case 'rerun':
      return {
        rollback: {
          ...NOT_NEEDED,
          status: 'blocked',
          level: response.prior.level,
          reason: `this workflow run already rolled back (Level ${response.prior.level}, incident #${response.prior.number}): not rolling back again on a re-run`
        },
        steps: []
      }
    case 'rollback': {
      const startLevel = response.level
      core.startGroup(`rollback: Level ${startLevel}`)
      try {
        const result = await cancel.actOnHost(`the Level ${startLevel} rollback`, () =>
          executeRollback({
            startLevel,
            settings,
            remote,
            fleet: deps.fleet,
            ...(deps.engine ? { engine: deps.engine } : {}),
            verify: deps.verify,
            ...opts
          })
        )
        return { rollback: result.outcome, steps: result.steps }
      } finally {
        core.endGroup()
      }
    }
    case 'isolate': {
      core.startGroup('security: evidence and isolation (no rollback)')
      try {
        const steps = await cancel.actOnHost('the security response', () =>
          onEveryHost(deps, (host, hostOpts) => runSecurityPath(host, settings, hostOpts))
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
    case 'manual':
      return { rollback: { ...NOT_NEEDED, status: 'blocked', reason: final.reason }, steps: [] }
    case 'nothing':
      return { rollback: NOT_NEEDED, steps: [] }
  }
}
