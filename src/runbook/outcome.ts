// What a run comes to, decided once each: whether a rollback ended without recovery, what a
// verdict leads to on the host, whether the run calls for an incident issue, and the exit status
// of a watch and of a command. Pure: table-tested in __tests__/runbook/outcome.test.ts.
import type { IssueOutcome, OwnRollback, RemoteStep, RollbackOutcome, RunRecord } from './record.js'
import type { RollbackLevel, Verdict } from './types.js'

/**
 * A rollback that ended without a recovery and waits for a person: it failed, could not start
 * (blocked), or stopped so as not to lose data on a contradicted signal (manual).
 */
export function endedUnrecovered(status: RollbackOutcome['status']): boolean {
  return status === 'failed' || status === 'blocked' || status === 'manual'
}

/** What a final verdict leads to on the host. */
export type Response =
  | { kind: 'nothing' }
  /** This workflow run already rolled back (a re-run): never again. */
  | { kind: 'rerun'; prior: OwnRollback }
  | { kind: 'rollback'; level: RollbackLevel }
  /** The security path: evidence, isolation, no rollback. */
  | { kind: 'isolate' }
  /** A person must act (the verdict says why). */
  | { kind: 'manual' }

export function responseTo(
  final: Verdict,
  prior: OwnRollback | undefined,
  cancelled: boolean
): Response {
  if (cancelled) return { kind: 'nothing' }
  if (final.decision === 'rollback' && prior) return { kind: 'rerun', prior }
  if (final.decision === 'rollback' && final.level) return { kind: 'rollback', level: final.level }
  if (final.decision === 'isolate') return { kind: 'isolate' }
  if (final.decision === 'manual') return { kind: 'manual' }
  return { kind: 'nothing' }
}

/** Which issue the run calls for: an incident, a P3 warning (issue-on-warning), or none. */
export function issueMode(
  record: Pick<RunRecord, 'dryRun' | 'cancelled' | 'rollback' | 'final'>,
  issueOnWarning: boolean
): 'incident' | 'warning' | undefined {
  if (record.dryRun) return undefined
  // Cancelled mid-rollback (or mid-security response): production was touched, so say so.
  if (record.cancelled) return record.rollback.status === 'not-needed' ? undefined : 'incident'
  switch (record.final.decision) {
    case 'rollback':
    case 'isolate':
    case 'manual':
      return 'incident'
    case 'warn':
      return issueOnWarning ? 'warning' : undefined
    default:
      return undefined
  }
}

/** The exit status of a command that ran: undefined for success, else the message it fails with. */
export function commandFailure(
  rollback: Pick<RollbackOutcome, 'status' | 'reason'> | undefined,
  cancelled: boolean
): string | undefined {
  if (cancelled) return `cancelled: ${rollback?.reason ?? 'the command did not finish'}`
  if (rollback && endedUnrecovered(rollback.status))
    return `rollback ${rollback.status}: ${rollback.reason}`
  return undefined
}

/** The policy of the step's exit status (the inputs fail-on-rollback and fail-on-inconclusive). */
export interface FailurePolicy {
  failOnRollback: boolean
  failOnInconclusive: boolean
}

/** The exit status of the step: undefined for success, else the message it fails with. */
export function failureMessage(
  settings: FailurePolicy,
  record: RunRecord,
  issue: Pick<IssueOutcome, 'error' | 'needed'> | undefined
): string | undefined {
  const v = record.final
  const r = record.rollback
  if (record.cancelled)
    return r.status === 'not-needed'
      ? 'cancelled: the watch was stopped before it reached a verdict'
      : `cancelled while acting on the host: ${r.reason}`
  if (r.status === 'failed') return `rollback failed: ${r.reason}`
  if (r.status === 'manual') return `rollback stopped for a human: ${r.reason}`
  let message: string | undefined
  switch (v.decision) {
    case 'rollback':
      if (r.status === 'blocked') message = `rollback needed but blocked: ${r.reason}`
      else if (settings.failOnRollback)
        message = `rolled back (${v.rule}, Level ${r.level ?? v.level}, ${r.status}): ${v.reason}`
      break
    case 'isolate':
      message = `security alert: ${v.reason}`
      break
    case 'manual':
      message = `manual intervention required: ${v.reason}`
      break
    case 'not-deployed':
      message = v.reason
      break
    case 'inconclusive':
      if (settings.failOnInconclusive) message = `inconclusive: ${v.reason}`
      break
  }
  if (!message && issue?.error && issue.needed)
    message = `the incident issue could not be opened: ${issue.error}`
  return message
}

/**
 * How many hosts ran the rollback's final level: its script started there (not skipped, not a
 * dry run, not refused by SSH). One host counts as one; a fleet's steps name their hosts.
 */
export function hostsOnFinalLevel(rollback: RollbackOutcome, steps: readonly RemoteStep[]): number {
  if (!rollback.level) return 0
  const ran = steps.filter(
    (s) =>
      s.name === 'rollback' &&
      s.level === rollback.level &&
      !['skipped', 'dry-run', 'ssh-error'].includes(s.status)
  )
  return new Set(ran.map((s) => s.host ?? '')).size
}
