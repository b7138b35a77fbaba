// Runs the runbook's rollback on the deploy host: the level's script, validation, smoke tests and a
// verification watch, escalating 1 → 2 → 3 up to policy.rollback.maxLevel ("Rollback Level
// Selection"). Also the two other things the action may run there: a restart and the security path
// (preserve evidence, isolate). Every remote command is recorded as a RemoteStep.
import type { Logger, Clock, Remote, RemoteResult } from '../adapters/ports.js'
import type { RollbackLevel, Sample } from '../core/types.js'
import type { Settings } from '../settings/types.js'
import type {
  BackupChoice,
  LevelAttempt,
  RemoteStep,
  RollbackOutcome,
  RollbackStatus,
  StepName
} from '../record.js'
import { formatDuration } from '../core/duration.js'
import { formatCommandLine, shellQuote, validateRemoteId } from '../adapters/shell.js'
import {
  chooseBackup,
  dataLossNote,
  formatAge,
  parseBackupList,
  targetFromInput
} from './backups.js'

const OUTPUT_TAIL_LINES = 40
/** `--list` is read-only and should be quick. */
const LIST_TIMEOUT_MS = 60_000
/** The runbook's "Try quick restart (1 minute)". */
const RESTART_TIMEOUT_MS = 60_000
/** `docker-compose down` and the like. */
const STOP_TIMEOUT_MS = 2 * 60_000
/** Evidence (e.g. `docker commit`, `logs > file`) and isolation commands. */
const SECURITY_TIMEOUT_MS = 5 * 60_000

export interface VerifyResult {
  recovered: boolean
  reason: string
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

export interface StepOptions {
  clock: Clock
  logger?: Logger
  /** Cancellation: no new command starts once it aborts (the one in flight goes on). */
  signal?: AbortSignal
  /** Kills the command in flight (default: `signal`). */
  stopSignal?: AbortSignal
  timeoutMs?: number
}

/** Stands in when there is no host; never asked to run anything (callers check first). */
const NO_HOST: Remote = {
  run: () => Promise.reject(new Error('no host configured (ssh-host)')),
  dispose: async () => {}
}

const silent: Logger = { info: () => {}, warning: () => {}, error: () => {} }

function tail(r: RemoteResult): string {
  const text = [r.stdout, r.stderr].filter((s) => s.trim() !== '').join('\n')
  return text.split(/\r?\n/).slice(-OUTPUT_TAIL_LINES).join('\n').trimEnd()
}

function statusOf(r: RemoteResult): RemoteStep['status'] {
  if (r.sshFailure) return 'ssh-error'
  if (r.timedOut) return 'timeout'
  return r.exitCode === 0 ? 'ok' : 'failed'
}

/** "exit 3", "timed out at its 5m limit", "ssh: connection refused". */
function describeResult(step: RemoteStep, timeoutMs: number): string {
  if (step.status === 'ssh-error') return `ssh: ${step.sshFailure}`
  if (step.status === 'timeout') return `killed at its ${formatDuration(timeoutMs)} limit`
  if (step.status === 'skipped') return `skipped (${step.note})`
  return step.exitCode === null
    ? `no exit code (${step.note ?? 'cancelled'})`
    : `exit ${step.exitCode}`
}

/**
 * Records every remote command it runs (or, in a dry run, would run). Once `signal` aborts it
 * starts nothing new (a cancelled step is recorded instead); `stopSignal` kills the one in flight.
 */
class StepRunner {
  readonly steps: RemoteStep[] = []
  private readonly stopSignal?: AbortSignal
  constructor(
    private readonly remote: Remote,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly signal?: AbortSignal,
    stopSignal?: AbortSignal
  ) {
    this.stopSignal = stopSignal ?? signal
  }

  /** Runs without recording (for `test -f` probes). */
  raw(command: string, timeoutMs: number): Promise<RemoteResult> {
    return this.remote.run(command, [], { timeoutMs, signal: this.stopSignal })
  }

  async run(
    name: StepName,
    command: string,
    argv: string[],
    timeoutMs: number,
    level?: RollbackLevel
  ): Promise<RemoteStep> {
    return (await this.exec(name, command, argv, timeoutMs, level)).step
  }

  /** Runs and records a step; also hands back the full result (for `--list` parsing). */
  async exec(
    name: StepName,
    command: string,
    argv: string[],
    timeoutMs: number,
    level?: RollbackLevel
  ): Promise<{ step: RemoteStep; result: RemoteResult }> {
    const line = formatCommandLine(command, argv)
    const startedAt = this.clock.now()
    if (this.signal?.aborted) {
      const result = { exitCode: null, stdout: '', stderr: '', durationMs: 0, timedOut: false }
      return { step: this.skip(name, line, 'cancelled', level), result }
    }
    this.logger.info(`${level ? `Level ${level} ` : ''}${name}: ${line}`)
    const r = await this.remote.run(command, argv, { timeoutMs, signal: this.stopSignal })
    const step: RemoteStep = {
      name,
      ...(level ? { level } : {}),
      command: line,
      startedAt,
      durationMs: r.durationMs,
      exitCode: r.exitCode,
      status: statusOf(r),
      outputTail: tail(r),
      ...(r.sshFailure ? { sshFailure: r.sshFailure } : {}),
      ...(this.stopSignal?.aborted && r.exitCode === null && !r.timedOut
        ? { note: 'cancelled' }
        : {})
    }
    this.steps.push(step)
    const how = `${name} → ${describeResult(step, timeoutMs)} after ${formatDuration(r.durationMs)}`
    if (step.status === 'ok') this.logger.info(`  ${how}`)
    else this.logger.warning(`  ${how}`)
    return { step, result: r }
  }

  dry(name: StepName, command: string, argv: string[], level?: RollbackLevel): RemoteStep {
    const line = formatCommandLine(command, argv)
    this.logger.info(`[dry-run] would run: ${line}`)
    const step: RemoteStep = {
      name,
      ...(level ? { level } : {}),
      command: line,
      startedAt: this.clock.now(),
      durationMs: 0,
      exitCode: null,
      status: 'dry-run',
      outputTail: ''
    }
    this.steps.push(step)
    return step
  }

  skip(name: StepName, command: string, note: string, level?: RollbackLevel): RemoteStep {
    this.logger.info(`${level ? `Level ${level} ` : ''}${name}: ${command} skipped (${note})`)
    const step: RemoteStep = {
      name,
      ...(level ? { level } : {}),
      command,
      startedAt: this.clock.now(),
      durationMs: 0,
      exitCode: null,
      status: 'skipped',
      outputTail: '',
      note
    }
    this.steps.push(step)
    return step
  }

  /**
   * A runbook script the host may not have (validate_rollback.sh, smoke_tests.sh): `test -f`
   * first; absent → a skipped step, present → `bash <script>`.
   */
  async optionalScript(
    name: StepName,
    script: string,
    timeoutMs: number,
    probeTimeoutMs: number,
    level?: RollbackLevel
  ): Promise<RemoteStep> {
    const command = `bash ${shellQuote(script)}`
    const probe = await this.raw(`test -f ${shellQuote(script)}`, probeTimeoutMs)
    if (probe.exitCode === 0) return this.run(name, command, [], timeoutMs, level)
    if (probe.exitCode === 1) return this.skip(name, command, 'absent on host', level)
    // The probe itself failed (SSH, time limit, cancellation): record that, as the step.
    const step: RemoteStep = {
      name,
      ...(level ? { level } : {}),
      command,
      startedAt: this.clock.now(),
      durationMs: probe.durationMs,
      exitCode: probe.exitCode,
      status: statusOf(probe) === 'ok' ? 'failed' : statusOf(probe),
      outputTail: tail(probe),
      note: `could not check that ${script} exists`,
      ...(probe.sshFailure ? { sshFailure: probe.sshFailure } : {})
    }
    this.steps.push(step)
    this.logger.warning(`  ${name} → ${describeResult(step, probeTimeoutMs)}`)
    return step
  }
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
  if (settings.rollbackTarget !== undefined && settings.rollbackTarget !== '') {
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
    if (status === 'failed' || status === 'blocked') logger.error(`Rollback ${status}: ${reason}`)
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
  // Refused before any connection (the settings parser refuses it earlier still).
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

  const script = `bash ${shellQuote(settings.scripts.rollback)}`
  const probeTimeoutMs = policy.hostChecks.timeoutMs
  const checkTimeoutMs = policy.rollback.timeoutsMs[1]

  // Bounded: at most three levels.
  for (; level <= maxLevel; level = (level + 1) as RollbackLevel) {
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

    const argv = rollbackArgv(level, target)
    if (settings.dryRun) {
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
    const attempt = (scriptOk: boolean, recovered: boolean, reason: string): LevelAttempt => {
      const a = { level, startedAt, endedAt: clock.now(), scriptOk, recovered, reason }
      attempts.push(a)
      return a
    }
    const sshBroken = (step: RemoteStep) => {
      attempt(false, false, `${step.name}: ssh: ${step.sshFailure}`)
      // Escalating cannot help through a broken connection: stop and say why.
      return result('failed', `${escalated}Level ${level} ${step.name}: ${step.sshFailure}`)
    }

    // Data corruption: the runbook's "STOP ALL SERVICES IMMEDIATELY" before the restore.
    if (level === 3 && settings.commands.stop) {
      const stop = await runner.run('stop', settings.commands.stop, [], STOP_TIMEOUT_MS, 3)
      if (stop.status === 'ssh-error') return sshBroken(stop)
      if (stop.status !== 'ok') logger.warning('stop-command failed: restoring anyway')
    }

    const limit = policy.rollback.timeoutsMs[level]
    const run = await runner.run('rollback', script, argv, limit, level)
    if (run.status === 'ssh-error') return sshBroken(run)
    if (signal?.aborted) {
      // Cancelled while the script ran: it was let finish (or killed by a second signal).
      const how = describeResult(run, limit)
      attempt(run.status === 'ok', false, `cancelled during Level ${level}`)
      return result(
        'failed',
        `${escalated}cancelled during Level ${level}: ${run.command} ${how}; ` +
          'validation and verification did not run: check production'
      )
    }
    if (run.status !== 'ok') {
      attempt(false, false, `${run.command} ${describeResult(run, limit)}`)
      continue
    }

    let checksFailed: string | undefined
    for (const [name, path] of [
      ['validate', settings.scripts.validate],
      ['smoke-test', settings.scripts.smokeTest]
    ] as const) {
      const step = await runner.optionalScript(name, path, checkTimeoutMs, probeTimeoutMs, level)
      if (step.status === 'ssh-error') return sshBroken(step)
      if (step.status !== 'ok' && step.status !== 'skipped') {
        checksFailed = `${step.command} ${describeResult(step, checkTimeoutMs)}`
        break
      }
    }
    if (checksFailed) {
      attempt(true, false, checksFailed)
      continue
    }

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
    if (verdict.recovered) {
      recoveredAt = verdict.recoveredAt ?? clock.now()
      return result(
        'succeeded',
        `Level ${level} rollback recovered production` +
          (target && level >= 2 ? ` (target ${target.id}: ${target.dataLossNote})` : '') +
          `: ${verdict.reason}`
      )
    }
    if (signal?.aborted) return result('failed', `cancelled after Level ${level}`)
  }

  const last = attempts[attempts.length - 1]
  level = last ? last.level : maxLevel
  return result(
    'failed',
    `rollback failed at Level ${level}, manual intervention required` +
      (last ? ` (${last.reason})` : '')
  )
}

/**
 * The runbook's "Try quick restart" (restart-command), dry-run aware. A skipped step when there
 * is no restart command or no host.
 */
export async function runRestart(
  remote: Remote | undefined,
  settings: Pick<Settings, 'commands' | 'dryRun'>,
  opts: StepOptions
): Promise<RemoteStep> {
  const logger = opts.logger ?? silent
  const command = settings.commands.restart
  const runner = new StepRunner(remote ?? NO_HOST, opts.clock, logger, opts.signal, opts.stopSignal)
  if (!command) return runner.skip('restart', '', 'no restart-command configured')
  if (!remote) return runner.skip('restart', command, 'no host configured (ssh-host)')
  if (settings.dryRun) return runner.dry('restart', command, [])
  return runner.run('restart', command, [], opts.timeoutMs ?? RESTART_TIMEOUT_MS)
}

/**
 * The runbook's security path without the rollback ("DO NOT ROLLBACK YET"): evidence-command,
 * then isolate-command, each when set, dry-run aware. Evidence comes first here because the
 * usual isolation (`docker-compose down`) removes the containers whose logs and state the
 * evidence command saves; isolation still runs when evidence fails.
 */
export async function runSecurityPath(
  remote: Remote | undefined,
  settings: Pick<Settings, 'commands' | 'dryRun'>,
  opts: StepOptions
): Promise<RemoteStep[]> {
  const logger = opts.logger ?? silent
  const runner = new StepRunner(remote ?? NO_HOST, opts.clock, logger, opts.signal, opts.stopSignal)
  for (const [name, command] of [
    ['evidence', settings.commands.evidence],
    ['isolate', settings.commands.isolate]
  ] as const) {
    if (!command) continue
    if (!remote) runner.skip(name, command, 'no host configured (ssh-host)')
    else if (settings.dryRun) runner.dry(name, command, [])
    else await runner.run(name, command, [], opts.timeoutMs ?? SECURITY_TIMEOUT_MS)
  }
  return runner.steps
}
