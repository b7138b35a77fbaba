// One level on one host: the runbook's commands for it (stop-command before Level 3, the level's
// script, validate and smoke test), and the backup target a Level 2/3 restores, chosen from the
// host's own `--list`. rollback.ts runs the levels on one host; fleet.ts on every host of a fleet.
import type { Logger } from '../adapters/ports.js'
import { formatCommandLine, shellQuote } from '../adapters/shell.js'
import {
  backupAgeBlock,
  chooseBackup,
  formatAge,
  parseBackupList,
  targetFromInput
} from '../runbook/backups.js'
import { levelLimitMs } from '../runbook/levels.js'
import type { BackupChoice, RollbackLevel } from '../runbook/types.js'
import type { FleetRecord, RemoteStep, StepName } from '../runbook/record.js'
import { describeResult, type StepRunner } from './steps.js'
import type { RollbackInput } from './types.js'

/** `--list` is read-only and should be quick. */
export const LIST_TIMEOUT_MS = 60_000
/** `docker-compose down` and the like. */
export const STOP_TIMEOUT_MS = 2 * 60_000

export function rollbackArgv(level: RollbackLevel, target?: BackupChoice): string[] {
  if (level === 1) return ['--quick']
  return ['--level', String(level), '--target', (target as BackupChoice).id]
}

/** One command of a level, as every executor runs it (and a dry run lists it). */
export interface LevelStep {
  name: StepName
  /** Trusted text from the settings: a script as `bash 'path'`, or a configured command. */
  command: string
  argv: string[]
  timeoutMs: number
  /** An optional runbook script (its path): it runs only when the host has it. */
  optional?: string
  /** A failure is reported and the level goes on (stop-command before a restore). */
  tolerate?: boolean
}

/**
 * What a level runs on a host, in order: the runbook's "STOP ALL SERVICES IMMEDIATELY"
 * (stop-command) before a Level 3 restore, the level's script, then validate and the smoke test
 * with Level 1's limit (they check, they do not restore).
 */
export function levelSteps(
  settings: RollbackInput['settings'],
  level: RollbackLevel,
  target?: BackupChoice
): LevelStep[] {
  const { policy, scripts, commands } = settings
  const checkTimeoutMs = levelLimitMs(policy, 1)
  return [
    ...(level === 3 && commands.stop
      ? [
          {
            name: 'stop' as const,
            command: commands.stop,
            argv: [],
            timeoutMs: STOP_TIMEOUT_MS,
            tolerate: true
          }
        ]
      : []),
    {
      name: 'rollback',
      command: `bash ${shellQuote(scripts.rollback)}`,
      argv: rollbackArgv(level, target),
      timeoutMs: levelLimitMs(policy, level)
    },
    {
      name: 'validate',
      command: `bash ${shellQuote(scripts.validate)}`,
      argv: [],
      timeoutMs: checkTimeoutMs,
      optional: scripts.validate
    },
    {
      name: 'smoke-test',
      command: `bash ${shellQuote(scripts.smokeTest)}`,
      argv: [],
      timeoutMs: checkTimeoutMs,
      optional: scripts.smokeTest
    }
  ]
}

export type TargetResult = { target: BackupChoice } | { error: string; ssh: boolean }

export async function resolveTarget(
  input: RollbackInput,
  runner: StepRunner,
  logger: Logger,
  level: RollbackLevel
): Promise<TargetResult> {
  const { settings } = input
  const given = targetOfInput(input, logger)
  if (given) return { target: given }
  const script = `bash ${shellQuote(settings.scripts.rollback)}`
  const { step, result } = await runner.exec(
    'list-backups',
    script,
    ['--list'],
    LIST_TIMEOUT_MS,
    level
  )
  return targetFromListing(input, step, result.stdout, logger)
}

/** The rollback-target input's target, when it is set (every host takes it). */
export function targetOfInput(input: RollbackInput, logger: Logger): BackupChoice | undefined {
  const { settings, clock } = input
  if (!settings.rollbackTarget) return undefined
  const target = targetFromInput(settings.rollbackTarget, clock.now())
  logger.info(
    `Rollback target: ${target.id} (rollback-target)` +
      (target.ageMs !== null ? `, ${formatAge(target.ageMs)} old: ${target.dataLossNote}` : '')
  )
  return target
}

/** What `rollback.sh --list` (its step, and its output) gives: the backup to restore, or why none. */
export function targetFromListing(
  input: Pick<RollbackInput, 'settings' | 'clock'>,
  step: RemoteStep,
  stdout: string,
  logger: Logger
): TargetResult {
  const { settings, clock } = input
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
  const list = parseBackupList(stdout)
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

/**
 * How one level went on the host (or, from fleet.ts, on every host: `host` names the one that
 * decided, `note` says how far the fleet got), before any verification.
 */
export type LevelOnHost =
  | { ran: 'ok'; hostChecksPassed: boolean }
  /** The script, validate or smoke test failed: escalate. */
  | { ran: 'failed'; scriptOk: boolean; reason: string }
  /** SSH itself failed: escalating cannot help through a broken connection. */
  | { ran: 'ssh-broken'; step: RemoteStep; host?: string; note?: string }
  /** Cancelled while the script ran (it was let finish, or killed by a second signal). */
  | { ran: 'cancelled'; step: RemoteStep; scriptOk: boolean; host?: string; note?: string }

/** Why a level stopped before it could run: no usable target, or a target too old. */
export interface LevelBlocked {
  status: 'blocked' | 'failed'
  reason: string
}

/**
 * Runs a level wherever the rollback runs: on the one host (oneHost below), or on every host of a
 * fleet (fleet.ts). The level loop in rollback.ts asks it, level by level.
 */
export interface LevelExecutor {
  /** Every remote step so far, in the order they started. */
  readonly steps: RemoteStep[]
  /** The target the outcome reports: the host's (in a fleet: the canary's). */
  target(): BackupChoice | undefined
  /** Level 2/3: the target(s), chosen once and checked each level (backup-max-age at Level 3). */
  prepare(level: RollbackLevel, escalating: boolean): Promise<LevelBlocked | undefined>
  /** A dry run: records what would run; the outcome's reason. */
  dryRun(level: RollbackLevel): string
  run(level: RollbackLevel): Promise<LevelOnHost>
  /** The fleet's own record (waves, each host's run); undefined on one host. */
  fleet?(): FleetRecord
}

/** The executor of the one-host rollback (a fleet of one behaves exactly like it). */
export function oneHost(input: RollbackInput, runner: StepRunner, logger: Logger): LevelExecutor {
  const { settings } = input
  const { policy } = settings
  let target: BackupChoice | undefined
  return {
    get steps() {
      return runner.steps
    },
    target: () => target,
    async prepare(level, escalating) {
      if (level >= 2 && !target) {
        const t = await resolveTarget(input, runner, logger, level)
        if ('error' in t)
          return {
            status: t.ssh || escalating ? 'failed' : 'blocked',
            reason:
              `Level ${level} needs a backup target: ${t.error}` +
              (t.ssh ? '' : ': a human must choose (rollback-target)')
          }
        target = t.target
      }
      // The action chose this backup: the age rule holds it for a person (rollback-target is one).
      const tooOld =
        target && target.source === 'list'
          ? backupAgeBlock(level, target, policy.rollback.backupMaxAgeMs)
          : null
      if (tooOld) return { status: 'blocked', reason: `${tooOld}: a human must choose` }
      return undefined
    },
    dryRun(level) {
      const script = `bash ${shellQuote(settings.scripts.rollback)}`
      const argv = rollbackArgv(level, target)
      for (const s of levelSteps(settings, level, target))
        runner.dry(s.name, s.command, s.argv, level)
      return (
        `dry run: would run Level ${level}: ${formatCommandLine(script, argv)}` +
        (target ? ` (target ${target.id}: ${target.dataLossNote})` : '')
      )
    },
    run: (level) => runLevelOnHost(runner, input, level, target, logger)
  }
}

/** The level's steps (levelSteps) on one host: stop-command, the script, validate, smoke test. */
export async function runLevelOnHost(
  runner: StepRunner,
  input: RollbackInput,
  level: RollbackLevel,
  target: BackupChoice | undefined,
  logger: Logger
): Promise<LevelOnHost> {
  const { settings, signal } = input
  let passed = 0
  for (const s of levelSteps(settings, level, target)) {
    if (s.optional !== undefined) {
      const step = await runner.optionalScript(
        s.name,
        s.optional,
        s.timeoutMs,
        settings.policy.hostChecks.timeoutMs,
        level
      )
      if (step.status === 'ssh-error') return { ran: 'ssh-broken', step }
      if (step.status === 'ok') passed++
      else if (step.status !== 'skipped')
        return {
          ran: 'failed',
          scriptOk: true,
          reason: `${step.command} ${describeResult(step, s.timeoutMs)}`
        }
      continue
    }
    const run = await runner.run(s.name, s.command, s.argv, s.timeoutMs, level)
    if (run.status === 'ssh-error') return { ran: 'ssh-broken', step: run }
    if (s.tolerate) {
      if (run.status !== 'ok') logger.warning('stop-command failed: restoring anyway')
      continue
    }
    if (signal?.aborted) return { ran: 'cancelled', step: run, scriptOk: run.status === 'ok' }
    if (run.status !== 'ok')
      return {
        ran: 'failed',
        scriptOk: false,
        reason: `${run.command} ${describeResult(run, s.timeoutMs)}`
      }
  }
  return { ran: 'ok', hostChecksPassed: passed === 2 }
}
