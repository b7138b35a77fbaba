// The step's outputs and exit status, from the final verdict and what the action did
// (docs/outputs.md, "Verdicts and exit status"). Pure: table-tested in
// __tests__/exit-status.test.ts.
import { Outputs } from './constants.js'
import type { IssueOutcome, RemoteStep, RollbackOutcome, RunRecord } from './record.js'
import type { Settings } from './settings/types.js'

/** The exit status of the step: undefined for success, else the message it fails with. */
export function failureMessage(
  settings: Pick<Settings, 'failOnRollback' | 'failOnInconclusive'>,
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

/** The step's outputs for a watch that ran. */
export function watchOutputs(
  record: RunRecord,
  published: { issue?: IssueOutcome; reportPath?: string }
): Record<string, string> {
  const { final, rollback } = record
  const issue = published.issue
  return {
    [Outputs.Decision]: record.cancelled ? 'cancelled' : final.decision,
    [Outputs.Severity]: final.severity,
    [Outputs.Rule]: final.rule,
    [Outputs.Reason]: final.reason,
    [Outputs.Samples]: String(record.samples.length),
    [Outputs.RollbackLevel]: rollback.level ? String(rollback.level) : '',
    [Outputs.RollbackStatus]: rollback.status,
    [Outputs.RollbackTarget]: rollback.target?.id ?? '',
    [Outputs.RollbackHosts]: String(hostsOnFinalLevel(rollback, record.steps)),
    [Outputs.IssueNumber]: issue?.number ? String(issue.number) : '',
    [Outputs.IssueUrl]: issue?.url ?? '',
    [Outputs.ReportPath]: published.reportPath ?? ''
  }
}
