// What an incident leaves for a person to decide, and what an incident issue's hidden markers say
// about it. The watch asks pendingAfterRun() once it has acted and writes the answer into its
// marker; a command reads every marker of the issue back through incidentState(). Pure.
import type { BackupChoice, Decision, RollbackLevel, RuleId, Severity } from './types.js'

/**
 * restore: a Level 2/3 restore the action blocked because its backup is older than
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
    run.rollbackLevel >= 2 &&
    t &&
    t.ageMs !== null &&
    t.ageMs > run.backupMaxAgeMs
  )
    return { action: 'restore', level: run.rollbackLevel, target: t.id }
  if (run.decision === 'warn' && run.severity === 'P3')
    return { action: 'consider-rollback', level: 1 }
  return undefined
}

/** What one hidden marker says (report/context.ts renders and parses the text). */
export interface IncidentMarker {
  environment: string
  runId: string
  /** A rollback command ran in that run, at this level. */
  rollbackDone?: RollbackLevel
  /** Written by the watch (absent in markers of earlier versions). */
  deployedAt?: number
  breachAt?: number
  sha?: string
  rule?: string
  pending?: PendingAction
  /** The level of a pending restore. */
  pendingLevel?: RollbackLevel
  /** The backup target the run chose (or that a pending restore would use). */
  target?: string
  /** Set on the replies to commands: the id of the comment it answers. */
  comment?: number
  command?: string
}

export interface IncidentState {
  /** From the newest watch marker that says it. */
  deployedAt?: number
  breachAt?: number
  sha?: string
  rule?: string
  /** A security incident (rule security-breach, or the `security` label of earlier versions). */
  security: boolean
  /** A command has already run a rollback on this incident. */
  commandRolledBack: boolean
  pending?: Pending
}

function pendingOf(m: IncidentMarker): Pending | undefined {
  switch (m.pending) {
    case 'restore':
      return m.pendingLevel && m.pendingLevel >= 2 && m.target
        ? { action: 'restore', level: m.pendingLevel, target: m.target }
        : undefined
    case 'consider-rollback':
      return { action: 'consider-rollback', level: 1 }
    case 'security-clearance':
      return { action: 'security-clearance' }
    default:
      return undefined
  }
}

/**
 * The incident as its markers tell it, oldest first (the body, then the comments). A watch's
 * marker sets the deploy, the rule and what is pending (a later breach replaces them); a command's
 * reply that ran a rollback settles what was pending. Markers of other environments are ignored.
 */
export function incidentState(
  markers: readonly IncidentMarker[],
  environment: string,
  labels: readonly string[] = []
): IncidentState {
  const state: IncidentState = {
    security: labels.includes('security'),
    commandRolledBack: false
  }
  for (const m of markers) {
    if (m.environment !== environment) continue
    if (m.comment !== undefined) {
      if (m.rollbackDone) {
        state.commandRolledBack = true
        state.pending = undefined
      }
      continue
    }
    if (m.deployedAt !== undefined) state.deployedAt = m.deployedAt
    if (m.breachAt !== undefined) state.breachAt = m.breachAt
    if (m.sha) state.sha = m.sha
    if (m.rule) state.rule = m.rule
    if (m.rule === 'security-breach') state.security = true
    state.pending = pendingOf(m)
  }
  // A security incident opened by an earlier version carries no pending key: still waiting.
  if (state.security && !state.commandRolledBack && !state.pending)
    state.pending = { action: 'security-clearance' }
  return state
}

/** The reply that already answers this comment, if one exists (exactly once per comment). */
export function answeredIn(
  markers: readonly IncidentMarker[],
  commentId: number
): IncidentMarker | undefined {
  return markers.find((m) => m.comment === commentId)
}
