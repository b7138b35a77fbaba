// The step's exit status, from the final verdict and what the action did (README "Verdicts and
// exit status"). Pure: table-tested in __tests__/outcome.test.ts.
import type { RunRecord } from './record.js'
import type { Settings } from './settings/types.js'

/** What a failed issue call leaves for the exit status. */
export interface IssueResult {
  error?: string
  /** Whether an issue was called for. */
  needed: boolean
}

/** The exit status of the step, from the final verdict and what the action did. */
export function failureMessage(
  settings: Pick<Settings, 'failOnRollback' | 'failOnInconclusive'>,
  record: RunRecord,
  issue: IssueResult | undefined
): string | undefined {
  const v = record.final
  const r = record.rollback
  if (record.cancelled)
    return r.status === 'not-needed'
      ? 'cancelled: the watch was stopped before it reached a verdict'
      : `cancelled while acting on the host: ${r.reason}`
  if (r.status === 'failed') return `rollback failed: ${r.reason}`
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
