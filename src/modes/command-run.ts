// mode: command, once a command has passed every check: carry out the core's plan (a level, the
// backup list, one probe cycle, help or an answer) and render its reply. Host commands run inside
// the cancellation's actOnHost, like the watch's response, and through the same act/ layer.
import * as core from '@actions/core'
import { listBackups, rollbackAtLevel } from '../act/by-hand.js'
import { runHostChecks } from '../act/host-checks.js'
import type { Adapters } from '../adapters/all.js'
import type { HostConnection, Logger } from '../adapters/ports.js'
import type { Cancellation } from '../act/cancellation.js'
import type { CommandPlan } from '../runbook/command-plan.js'
import { decide } from '../runbook/decide.js'
import type { IncidentState } from '../runbook/pending.js'
import type { RollbackOutcome, RunRecord } from '../runbook/record.js'
import {
  commandRecord,
  renderAnswer,
  renderHelp,
  renderRollbackReply,
  type Reply,
  type ReplyContext
} from '../report/command-reply.js'
import { renderBackupList, renderStatus } from '../report/command-views.js'
import { HOST_OFF, probeOnce, queriesOf } from '../sampling/probe.js'
import { configuredHostChecks } from '../settings/policy.js'
import type { Settings } from '../settings/types.js'
import type { WatchDeps } from '../sampling/loop.js'
import { verifier } from '../sampling/verify.js'

export interface RunDeps {
  settings: Settings
  adapters: Adapters
  remote: HostConnection | undefined
  cancel: Cancellation
  log: Logger
  state: IncidentState
}

export interface CarriedOut {
  reply: Reply
  /** Set when a rollback level was attempted. */
  rollback?: RollbackOutcome
  record?: RunRecord
}

function watchDeps(deps: RunDeps): WatchDeps {
  const { settings, adapters, remote, cancel, log } = deps
  const checksOn = remote !== undefined && configuredHostChecks(settings.policy).length > 0
  return {
    clock: adapters.clock,
    health: adapters.healthProbe(settings),
    metrics: adapters.metrics(settings),
    hostChecks: checksOn
      ? (signal) => runHostChecks(remote, settings.policy, { signal })
      : undefined,
    logger: log,
    signal: cancel.signal
  }
}

export async function carryOut(
  plan: CommandPlan,
  rc: ReplyContext,
  deps: RunDeps
): Promise<CarriedOut> {
  const { settings, adapters, remote, cancel, log, state } = deps
  const { clock } = adapters
  const hostOpts = {
    remote,
    clock,
    logger: log,
    signal: cancel.signal,
    stopSignal: cancel.stopSignal
  }
  switch (plan.kind) {
    case 'help':
      return { reply: renderHelp(rc, settings.policy.commands.minRole, state) }
    case 'answer':
      return { reply: renderAnswer(rc, plan.text) }
    case 'list-backups': {
      core.startGroup('backups: rollback.sh --list')
      const listed = await cancel.actOnHost('the backup listing', () =>
        listBackups(settings.scripts.rollback, hostOpts)
      )
      core.endGroup()
      const verb = rc.verb === 'clear-security' ? 'clear-security' : 'rollback'
      return {
        reply: renderBackupList(rc, plan.why, listed, state.deployedAt, clock.now(), verb)
      }
    }
    case 'status': {
      core.startGroup('status: one probe cycle')
      const w = watchDeps(deps)
      const now = clock.now()
      const sample = await probeOnce(
        {
          health: w.health,
          metrics: w.metrics,
          queries: queriesOf(settings),
          host: (signal) => (w.hostChecks ? w.hostChecks(signal) : Promise.resolve(HOST_OFF))
        },
        settings.policy,
        now,
        cancel.signal
      )
      const verdict = decide([sample], settings.policy, {
        now: clock.now(),
        deployedAt: state.deployedAt ?? now,
        restartAvailable: false,
        restartsTried: [],
        failedLevels: []
      })
      core.endGroup()
      return { reply: renderStatus(rc, sample, verdict, now) }
    }
    case 'rollback': {
      const startedAt = clock.now()
      const w = watchDeps(deps)
      const verify = verifier(settings, w, { restartsTried: [], failedLevels: [] }, log)
      core.startGroup(`rollback: Level ${plan.level} (${plan.step}, asked on the issue)`)
      let result
      try {
        result = await cancel.actOnHost(`the Level ${plan.level} rollback`, () =>
          rollbackAtLevel({
            level: plan.level,
            target: plan.target,
            deployedAt: plan.deployedAt ?? startedAt,
            settings,
            verify,
            ...hostOpts
          })
        )
      } finally {
        core.endGroup()
      }
      const input = {
        outcome: result.outcome,
        steps: result.steps,
        startedAt,
        endedAt: clock.now(),
        state,
        step: plan.step,
        dryRun: settings.dryRun
      }
      return {
        reply: renderRollbackReply(rc, input),
        rollback: result.outcome,
        record: { ...commandRecord(rc, input), cancelled: cancel.signal.aborted }
      }
    }
  }
}
