// Runs the runbook's rollback on the deploy host: the level's script, validation, smoke tests and a
// verification watch, then asks the core what follows (recovered, the next level up to
// policy.rollback.max-level, or a human: core/recovery.ts afterLevel). Every remote command is
// recorded as a RemoteStep.
import type { Clock, Logger, Remote } from '../adapters/ports.js'
import { formatCommandLine, shellQuote, validateRemoteId } from '../adapters/shell.js'
import {
  chooseBackup,
  dataLossNote,
  formatAge,
  parseBackupList,
  targetFromInput
} from '../core/backups.js'
import { levelLimitMs } from '../core/levels.js'
import { afterLevel, type Recovery } from '../core/recovery.js'
import type { BackupChoice, RollbackLevel, Sample } from '../core/types.js'
import type { LevelAttempt, RemoteStep, RollbackOutcome, RollbackStatus } from '../record.js'
import type { Settings } from '../settings/types.js'
import { describeResult, NO_HOST, silent, StepRunner } from './steps.js'

/** `--list` is read-only and should be quick. */
const LIST_TIMEOUT_MS = 60_000
/** `docker-compose down` and the like. */
const STOP_TIMEOUT_MS = 2 * 60_000

export interface VerifyResult extends Recovery {
  samples: Sample[]
  recoveredAt?: number
}

export type RollbackSettings = Pick<
  Settings,
  'scripts' | 'rollbackTarget' | 'commands' | 'dryRun' | 'deployedAt' | 'policy'
>

export interface RollbackInput {
  startLevel: RollbackLevel
  settings: RollbackSettings
  remote: Remote | undefined
  clock: Clock
  /** The verification watch after a level's script, validation and smoke tests passed. */
  verify: (level: RollbackLevel) => Promise<VerifyResult>
  logger?: Logger
  /** Cancellation: no new command starts once it aborts (the one in flight goes on). */
  signal?: AbortSignal
  /** Kills the command in flight (default: `signal`). */
  stopSignal?: AbortSignal
}

export interface RollbackResult {
  outcome: RollbackOutcome
  steps: RemoteStep[]
}

function rollbackArgv(level: RollbackLevel, target?: BackupChoice): string[] {
  if (level === 1) return ['--quick']
  return ['--level', String(level), '--target', (target as BackupChoice).id]
}

type TargetResult = { target: BackupChoice } | { error: string; ssh: boolean }

async function resolveTarget(
  input: RollbackInput,
  runner: StepRunner,
  logger: Logger,
  level: RollbackLevel
): Promise<TargetResult> {
  const { settings, clock } = input
  if (settings.rollbackTarget) {
    const target = targetFromInput(settings.rollbackTarget, clock.now())
    logger.info(
      `Rollback target: ${target.id} (rollback-target)` +
        (target.ageMs !== null ? `, ${formatAge(target.ageMs)} old: ${target.dataLossNote}` : '')
    )
    return { target }
  }
  const script = `bash ${shellQuote(settings.scripts.rollback)}`
  const { step, result } = await runner.exec(
    'list-backups',
    script,
    ['--list'],
    LIST_TIMEOUT_MS,
    level
  )
  if (step.status === 'ssh-error') {
    return { error: `could not list backups: ${step.sshFailure}`, ssh: true }
  }
  if (step.status !== 'ok') {
    const last = step.outputTail.split('\n').pop()
    return {
      error: `${step.command} failed (${describeResult(step, LIST_TIMEOUT_MS)})${last ? `: ${last}` : ''}`,
      ssh: false
    }
  }
  const list = parseBackupList(result.stdout)
  for (const r of list.rejected.slice(0, 5)) logger.warning(`--list: ${r.reason}`)
  const target = chooseBackup(list.backups, settings.deployedAt, clock.now())
  if (!target) {
    const refused = list.rejected.length ? `, ${list.rejected.length} line(s) refused` : ''
    return {
      error:
        `no backup from before the deploy (deployed-at ${new Date(settings.deployedAt).toISOString()}) ` +
        `among ${list.backups.length} listed by ${step.command}${refused}`,
      ssh: false
    }
  }
  logger.info(
    `Rollback target: ${target.id}, the newest backup before the deploy, ` +
      `${formatAge(target.ageMs as number)} old: ${target.dataLossNote}`
  )
  return { target }
}

/** How one level went on the host, before any verification. */
type LevelOnHost =
  | { ran: 'ok'; hostChecksPassed: boolean }
  /** The script, validate or smoke test failed: escalate. */
  | { ran: 'failed'; scriptOk: boolean; reason: string }
  /** SSH itself failed: escalating cannot help through a broken connection. */
  | { ran: 'ssh-broken'; step: RemoteStep }
  /** Cancelled while the script ran (it was let finish, or killed by a second signal). */
  | { ran: 'cancelled'; step: RemoteStep; scriptOk: boolean }

/** stop-command (Level 3), the level's script, then validate and smoke test (when present). */
async function runLevelOnHost(
  runner: StepRunner,
  input: RollbackInput,
  level: RollbackLevel,
  target: BackupChoice | undefined,
  logger: Logger
): Promise<LevelOnHost> {
  const { settings, signal } = input
  const { policy } = settings
  // Data corruption: the runbook's "STOP ALL SERVICES IMMEDIATELY" before the restore.
  if (level === 3 && settings.commands.stop) {
    const stop = await runner.run('stop', settings.commands.stop, [], STOP_TIMEOUT_MS, 3)
    if (stop.status === 'ssh-error') return { ran: 'ssh-broken', step: stop }
    if (stop.status !== 'ok') logger.warning('stop-command failed: restoring anyway')
  }
  const script = `bash ${shellQuote(settings.scripts.rollback)}`
  const limit = levelLimitMs(policy, level)
  const run = await runner.run('rollback', script, rollbackArgv(level, target), limit, level)
  if (run.status === 'ssh-error') return { ran: 'ssh-broken', step: run }
  if (signal?.aborted) return { ran: 'cancelled', step: run, scriptOk: run.status === 'ok' }
  if (run.status !== 'ok')
    return {
      ran: 'failed',
      scriptOk: false,
      reason: `${run.command} ${describeResult(run, limit)}`
    }

  // Validation and smoke tests get Level 1's limit: they check, they do not restore.
  const checkTimeoutMs = levelLimitMs(policy, 1)
  let passed = 0
  for (const [name, path] of [
    ['validate', settings.scripts.validate],
    ['smoke-test', settings.scripts.smokeTest]
  ] as const) {
    const step = await runner.optionalScript(
      name,
      path,
      checkTimeoutMs,
      policy.hostChecks.timeoutMs,
      level
    )
    if (step.status === 'ssh-error') return { ran: 'ssh-broken', step }
    if (step.status === 'ok') passed++
    else if (step.status !== 'skipped')
      return {
        ran: 'failed',
        scriptOk: true,
        reason: `${step.command} ${describeResult(step, checkTimeoutMs)}`
      }
  }
  return { ran: 'ok', hostChecksPassed: passed === 2 }
}

/**
 * Runs the rollback from `startLevel`, escalating on failure up to policy.rollback.maxLevel.
 * Never throws for remote failures: the outcome says what happened.
 */
export async function executeRollback(input: RollbackInput): Promise<RollbackResult> {
  const { settings, remote, clock, signal, stopSignal } = input
  const logger = input.logger ?? silent
  const { policy } = settings
  const maxLevel = policy.rollback.maxLevel
  const attempts: LevelAttempt[] = []
  const verificationSamples: Sample[] = []
  let target: BackupChoice | undefined
  let level: RollbackLevel = input.startLevel
  let recoveredAt: number | undefined
  // Without a host nothing runs: the runner only collects (no) steps.
  const runner = new StepRunner(remote ?? NO_HOST, clock, logger, signal, stopSignal)

  const result = (status: RollbackStatus, reason: string): RollbackResult => {
    if (status === 'failed' || status === 'blocked' || status === 'manual')
      logger.error(`Rollback ${status}: ${reason}`)
    else logger.info(`Rollback ${status}: ${reason}`)
    return {
      outcome: {
        status,
        level,
        ...(target ? { target } : {}),
        attempts,
        verificationSamples,
        reason,
        ...(recoveredAt !== undefined ? { recoveredAt } : {})
      },
      steps: runner.steps
    }
  }

  if (!remote) return result('blocked', 'rollback needed, no host configured (ssh-host)')
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

    if (level >= 2 && !target) {
      const t = await resolveTarget(input, runner, logger, level)
      if ('error' in t) {
        const stuck = t.ssh || attempts.length > 0
        return result(
          stuck ? 'failed' : 'blocked',
          `${escalated}Level ${level} needs a backup target: ${t.error}` +
            (t.ssh ? '' : ': a human must choose (rollback-target)')
        )
      }
      target = t.target
    }
    if (level === 3 && target && target.source === 'list' && target.ageMs !== null) {
      if (target.ageMs > policy.rollback.backupMaxAgeMs) {
        return result(
          'blocked',
          `${escalated}backup ${target.id} is ${formatAge(target.ageMs)} old > backup-max-age ` +
            `${formatAge(policy.rollback.backupMaxAgeMs)}: a human must choose ` +
            `(runbook: ${dataLossNote(target.ageMs)})`
        )
      }
    }

    if (settings.dryRun) {
      const script = `bash ${shellQuote(settings.scripts.rollback)}`
      const argv = rollbackArgv(level, target)
      if (level === 3 && settings.commands.stop) runner.dry('stop', settings.commands.stop, [], 3)
      runner.dry('rollback', script, argv, level)
      runner.dry('validate', `bash ${shellQuote(settings.scripts.validate)}`, [], level)
      runner.dry('smoke-test', `bash ${shellQuote(settings.scripts.smokeTest)}`, [], level)
      return result(
        'skipped-dry-run',
        `dry run: would run Level ${level}: ${formatCommandLine(script, argv)}` +
          (target ? ` (target ${target.id}: ${target.dataLossNote})` : '')
      )
    }

    const startedAt = clock.now()
    const attempt = (scriptOk: boolean, recovered: boolean, reason: string): void => {
      attempts.push({ level, startedAt, endedAt: clock.now(), scriptOk, recovered, reason })
    }
    const onHost = await runLevelOnHost(runner, input, level, target, logger)
    if (onHost.ran === 'ssh-broken') {
      const step = onHost.step
      attempt(false, false, `${step.name}: ssh: ${step.sshFailure}`)
      return result('failed', `${escalated}Level ${level} ${step.name}: ${step.sshFailure}`)
    }
    if (onHost.ran === 'cancelled') {
      const how = describeResult(onHost.step, levelLimitMs(policy, level))
      attempt(onHost.scriptOk, false, `cancelled during Level ${level}`)
      return result(
        'failed',
        `${escalated}cancelled during Level ${level}: ${onHost.step.command} ${how}; ` +
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
    if (next.next === 'recovered')
      return result(
        'succeeded',
        `Level ${level} rollback recovered production` +
          (target && level >= 2 ? ` (target ${target.id}: ${target.dataLossNote})` : '') +
          `: ${recovery.reason}`
      )
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
