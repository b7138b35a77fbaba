// What an incident leaves for a person to decide, and the incident's state: the one record the
// action keeps on the first line of the incident body it owns (report/incident-state.ts writes and
// reads the text; runbook/trust.ts says when it may be believed). The watch folds each run into it
// with stateAfterRun(); a command folds what it did with stateAfterCommand(). Pure.
import { backupAgeBlock } from './backups.js'
import type { BackupChoice, Decision, RollbackLevel, RuleId, Severity } from './types.js'

/**
 * restore: a Level 3 restore the action blocked because its backup is older than
 * rollback.backup-max-age ("> 24 hours: escalate to management"); `approve` runs it.
 * consider-rollback: a P3 window ended stable (the runbook's "consider rollback"); `approve`
 * runs Level 1. security-clearance: isolated, waiting for the security team; `clear-security
 * target=ID` runs the clean recovery.
 */
export type PendingAction = 'restore' | 'consider-rollback' | 'security-clearance'
export const PENDING_ACTIONS: readonly PendingAction[] = [
  'restore',
  'consider-rollback',
  'security-clearance'
]

export type Pending =
  | { action: 'restore'; level: RollbackLevel; target: string }
  | { action: 'consider-rollback'; level: 1 }
  | { action: 'security-clearance' }

/** The parts of a finished watch that decide what is left pending. */
export interface RunOutcome {
  decision: Decision
  severity: Severity
  rule: RuleId
  rollbackStatus: string
  rollbackLevel?: RollbackLevel
  target?: BackupChoice
  backupMaxAgeMs: number
  dryRun: boolean
}

/** What the run leaves for a person to approve, if anything. */
export function pendingAfterRun(run: RunOutcome): Pending | undefined {
  if (run.dryRun) return undefined
  if (run.decision === 'isolate' || run.rule === 'security-breach')
    return { action: 'security-clearance' }
  const t = run.target
  if (
    run.rollbackStatus === 'blocked' &&
    run.rollbackLevel !== undefined &&
    t &&
    backupAgeBlock(run.rollbackLevel, t, run.backupMaxAgeMs) !== null
  )
    return { action: 'restore', level: run.rollbackLevel, target: t.id }
  if (run.decision === 'warn' && run.severity === 'P3')
    return { action: 'consider-rollback', level: 1 }
  return undefined
}

/** How many run ids and answered comment ids the state keeps (the newest). */
export const STATE_MEMORY = 50

/** The incident as the action recorded it. */
export interface IncidentState {
  environment: string
  /** The run that wrote the state last. */
  runId: string
  /** From the newest run that breached. */
  deployedAt?: number
  breachAt?: number
  sha?: string
  rule?: string
  /** A security incident (rule security-breach), until a command ran its clean recovery. */
  security: boolean
  /** A command has run a rollback on this incident. */
  commandRolledBack: boolean
  pending?: Pending
  /** Workflow runs that rolled back on this incident, oldest first (a re-run never rolls back twice). */
  rolledBack: { runId: string; level: RollbackLevel }[]
  /** Command comments already answered, oldest first (each comment runs once). */
  answered: number[]
}

/** What one watch run adds to the incident. */
export interface RunFacts {
  environment: string
  runId: string
  deployedAt: number
  breachAt?: number
  sha?: string
  rule: string
  security: boolean
  /** The level a rollback command ran at in this run, if one ran. */
  rolledBackAt?: RollbackLevel
  pending?: Pending
}

const newest = <T>(list: T[]): T[] => list.slice(-STATE_MEMORY)

/**
 * The state after a watch run: its deploy, rule and pending action replace the earlier ones (a
 * later breach is the newest truth); the runs that rolled back and the answered comments are kept.
 * `prev` is the trusted earlier state, or undefined (a new incident, or one whose body was not
 * trusted: nothing of it is carried over).
 */
export function stateAfterRun(prev: IncidentState | undefined, run: RunFacts): IncidentState {
  const rolledBack = [...(prev?.rolledBack ?? [])]
  if (run.rolledBackAt !== undefined && !rolledBack.some((r) => r.runId === run.runId))
    rolledBack.push({ runId: run.runId, level: run.rolledBackAt })
  return {
    environment: run.environment,
    runId: run.runId,
    deployedAt: run.deployedAt,
    ...(run.breachAt !== undefined ? { breachAt: run.breachAt } : {}),
    ...(run.sha ? { sha: run.sha } : {}),
    rule: run.rule,
    // An open security incident stays one until its clean recovery ran, whatever breaches next.
    security: run.security || (prev !== undefined && prev.security && !prev.commandRolledBack),
    commandRolledBack: false,
    ...(run.pending ? { pending: run.pending } : {}),
    rolledBack: newest(rolledBack),
    answered: newest([...(prev?.answered ?? [])])
  }
}

/**
 * The state after a command on the incident: the comment is answered; a command that ran a
 * rollback settles what was pending (a security incident is cleared once its clean recovery ran).
 */
export function stateAfterCommand(
  prev: IncidentState,
  command: { commentId: number; runId: string; rolledBackAt?: RollbackLevel }
): IncidentState {
  const answered = prev.answered.includes(command.commentId)
    ? prev.answered
    : [...prev.answered, command.commentId]
  const next: IncidentState = { ...prev, runId: command.runId, answered: newest(answered) }
  if (command.rolledBackAt !== undefined) {
    next.commandRolledBack = true
    delete next.pending
  }
  return next
}

/** The run's own rollback, when this workflow run already rolled back on the incident. */
export function rolledBackInRun(
  state: IncidentState | undefined,
  runId: string
): RollbackLevel | undefined {
  return state?.rolledBack.find((r) => r.runId === runId)?.level
}
