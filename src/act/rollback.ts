// Runs the runbook's rollback on the deploy host (or every host of a fleet): the level's script,
// validation, smoke tests and a verification watch, then asks the core what follows (recovered,
// the next level up to policy.rollback.max-level, or a human: runbook/recovery.ts afterLevel). Every
// remote command is recorded as a RemoteStep.
import { endedUnrecovered } from '../runbook/outcome.js'
import { validateRemoteId } from '../adapters/shell.js'
import { levelLimitMs } from '../runbook/levels.js'
import { afterLevel, type Recovery } from '../runbook/recovery.js'
import type { RollbackLevel, Sample } from '../runbook/types.js'
import type { LevelAttempt, RollbackStatus } from '../runbook/record.js'
import { ansibleExecutor } from './ansible.js'
import { fleetExecutor } from './fleet.js'
import { oneHost, type LevelExecutor } from './level.js'
import type { RollbackInput, RollbackResult, VerifyResult } from './types.js'
import { describeResult, NO_HOST, silent, StepRunner } from './steps.js'

/**
 * Runs the rollback from `startLevel`, escalating on failure up to policy.rollback.maxLevel: on
 * the one host, or on every host of `fleet` (canary first, fleet.ts). Never throws for remote
 * failures: the outcome says what happened.
 */
export async function executeRollback(input: RollbackInput): Promise<RollbackResult> {
  const { settings, remote, clock, signal, stopSignal } = input
  const logger = input.logger ?? silent
  const { policy } = settings
  const maxLevel = policy.rollback.maxLevel
  const attempts: LevelAttempt[] = []
  const verificationSamples: Sample[] = []
  let level: RollbackLevel = input.startLevel
  let recoveredAt: number | undefined
  // Without a host nothing runs: the runner only collects (no) steps.
  const hosts: LevelExecutor = input.engine
    ? ansibleExecutor(input, input.engine, logger)
    : input.fleet && input.fleet.length > 1
      ? fleetExecutor(input, input.fleet, logger)
      : oneHost(input, new StepRunner(remote ?? NO_HOST, clock, logger, signal, stopSignal), logger)

  const result = (status: RollbackStatus, reason: string): RollbackResult => {
    if (endedUnrecovered(status)) logger.error(`Rollback ${status}: ${reason}`)
    else logger.info(`Rollback ${status}: ${reason}`)
    const target = hosts.target()
    const fleet = hosts.fleet?.()
    return {
      outcome: {
        status,
        level,
        ...(target ? { target } : {}),
        attempts,
        verificationSamples,
        reason,
        ...(recoveredAt !== undefined ? { recoveredAt } : {}),
        ...(fleet ? { fleet } : {})
      },
      steps: hosts.steps
    }
  }

  if (!remote && !input.fleet?.length && !input.engine)
    return result('blocked', 'rollback needed, no host configured (ssh-host)')
  // The settings refuse a bad target at setup; this is the last check before the host.
  if (settings.rollbackTarget) {
    try {
      validateRemoteId(settings.rollbackTarget, 'rollback-target')
    } catch (err) {
      return result('failed', (err as Error).message)
    }
  }
  if (level > maxLevel) {
    return result(
      'blocked',
      `Level ${level} needed but rollback.max-level is ${maxLevel}: manual intervention required`
    )
  }

  // Bounded: at most three levels.
  for (let round = 0; round < 3; round++) {
    const previous = attempts[attempts.length - 1]
    const escalated = previous
      ? `Level ${previous.level} did not recover (${previous.reason}); `
      : ''
    if (signal?.aborted) return result('failed', `${escalated}cancelled before Level ${level}`)
    if (previous) logger.warning(`Escalating to Level ${level}: ${previous.reason}`)

    const blocked = await hosts.prepare(level, attempts.length > 0)
    if (blocked) return result(blocked.status, `${escalated}${blocked.reason}`)
    if (settings.dryRun) return result('skipped-dry-run', hosts.dryRun(level))

    const startedAt = clock.now()
    const attempt = (scriptOk: boolean, recovered: boolean, reason: string): void => {
      attempts.push({ level, startedAt, endedAt: clock.now(), scriptOk, recovered, reason })
    }
    const onHost = await hosts.run(level)
    if (onHost.ran === 'ssh-broken') {
      const step = onHost.step
      const where = onHost.host ? ` on ${onHost.host}` : ''
      const note = onHost.note ? ` (${onHost.note})` : ''
      attempt(false, false, `${step.name}${where}: ssh: ${step.sshFailure}`)
      return result(
        'failed',
        `${escalated}Level ${level} ${step.name}${where}: ${step.sshFailure}${note}`
      )
    }
    if (onHost.ran === 'cancelled') {
      const how = describeResult(onHost.step, levelLimitMs(policy, level))
      const where = onHost.host ? ` on ${onHost.host}` : ''
      const note = onHost.note ? ` (${onHost.note})` : ''
      attempt(onHost.scriptOk, false, `cancelled during Level ${level}`)
      return result(
        'failed',
        `${escalated}cancelled during Level ${level}${note}: ${onHost.step.command}${where} ${how}; ` +
          'validation and verification did not run: check production'
      )
    }

    let recovery: Recovery
    if (onHost.ran === 'failed') {
      recovery = { recovered: false, reason: onHost.reason }
      attempt(onHost.scriptOk, false, onHost.reason)
    } else {
      let verdict: VerifyResult
      try {
        verdict = await input.verify(level)
      } catch (err) {
        verdict = {
          recovered: false,
          reason: `verification failed: ${(err as Error).message}`,
          samples: []
        }
      }
      verificationSamples.push(...verdict.samples)
      attempt(true, verdict.recovered, verdict.reason)
      recovery = verdict
      if (verdict.recovered) recoveredAt = verdict.recoveredAt ?? clock.now()
    }

    const next = afterLevel(
      {
        level,
        scriptOk: onHost.ran === 'ok' || onHost.scriptOk,
        hostChecksPassed: onHost.ran === 'ok' && onHost.hostChecksPassed
      },
      recovery,
      policy
    )
    if (next.next === 'recovered') {
      const target = hosts.target()
      return result(
        'succeeded',
        `Level ${level} rollback recovered production` +
          (target && level >= 2 ? ` (target ${target.id}: ${target.dataLossNote})` : '') +
          `: ${recovery.reason}`
      )
    }
    if (signal?.aborted) return result('failed', `cancelled after Level ${level}`)
    if (next.next === 'manual') {
      if (onHost.ran === 'ok' && recovery.cause === 'health-no-answer')
        return result('manual', next.reason)
      break
    }
    level = next.level
  }

  const last = attempts[attempts.length - 1]
  level = last ? last.level : maxLevel
  return result(
    'failed',
    `rollback failed at Level ${level}, manual intervention required` +
      (last ? ` (${last.reason})` : '')
  )
}
