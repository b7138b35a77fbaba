// The step's outputs for a watch that ran (the names are action.yml's, in settings/names.ts).
import { hostsOnFinalLevel } from '../runbook/outcome.js'
import type { IssueOutcome, RunRecord } from '../runbook/record.js'
import { Outputs } from '../settings/names.js'

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
