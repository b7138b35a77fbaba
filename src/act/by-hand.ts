// What a person asks for on the host from the incident issue: one rollback level with no
// escalation (a person chose the level), and the backup list. The rollback itself is the watch's
// executeRollback, reached only through rollbackAtLevel, so that changes to the rollback loop
// (fleets) need one place adjusted here.
import type { Clock, Logger, Remote } from '../adapters/ports.js'
import { shellQuote } from '../adapters/shell.js'
import { parseBackupList, type BackupList } from '../runbook/backups.js'
import type { RollbackLevel } from '../runbook/types.js'
import type { RemoteStep } from '../runbook/record.js'
import { executeRollback } from './rollback.js'
import type { RollbackInput, RollbackResult } from './types.js'
import { describeResult, stepRunner } from './steps.js'

/** `--list` is read-only and should be quick (the same limit as the rollback's own listing). */
const LIST_TIMEOUT_MS = 60_000

export interface ByHandOptions {
  remote: Remote | undefined
  clock: Clock
  logger?: Logger
  signal?: AbortSignal
  stopSignal?: AbortSignal
}

export interface LevelByHand extends ByHandOptions {
  level: RollbackLevel
  /** A person's target; else the newest backup from before `deployedAt` (rollback.sh --list). */
  target?: string
  deployedAt: number
  settings: RollbackInput['settings']
  verify: RollbackInput['verify']
}

/**
 * Runs exactly `level` as the watch runs it (stop-command before Level 3, the script, validate,
 * smoke test, verification), with rollback.max-level capped at that level so nothing escalates.
 */
export function rollbackAtLevel(input: LevelByHand): Promise<RollbackResult> {
  const { settings, level } = input
  const policy = {
    ...settings.policy,
    rollback: { ...settings.policy.rollback, maxLevel: level }
  }
  return executeRollback({
    startLevel: level,
    settings: {
      ...settings,
      policy,
      rollbackTarget: input.target,
      deployedAt: input.deployedAt
    },
    remote: input.remote,
    clock: input.clock,
    verify: input.verify,
    logger: input.logger,
    signal: input.signal,
    stopSignal: input.stopSignal
  })
}

export interface ListedBackups {
  step: RemoteStep
  list?: BackupList
  /** Why there is no list: the command failed or SSH did. */
  error?: string
}

/** `bash <rollback-script> --list`, recorded as a step, parsed by the core. */
export async function listBackups(
  rollbackScript: string,
  opts: ByHandOptions
): Promise<ListedBackups> {
  const runner = stepRunner(opts.remote, opts)
  const script = `bash ${shellQuote(rollbackScript)}`
  if (!opts.remote)
    return {
      step: runner.skip('list-backups', `${script} --list`, 'no host configured (ssh-host)'),
      error: 'no host configured (ssh-host)'
    }
  const { step, result } = await runner.exec('list-backups', script, ['--list'], LIST_TIMEOUT_MS)
  if (step.status !== 'ok')
    return { step, error: `${step.command} ${describeResult(step, LIST_TIMEOUT_MS)}` }
  return { step, list: parseBackupList(result.stdout) }
}
