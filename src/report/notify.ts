// What goes to the chat webhook (notify-webhook): the first lines of the runbook's P1, P2 or
// security template with the issue link. Pure; modes/notify.ts posts it. Plain text: Slack,
// Mattermost and Rocket.Chat all show a bare URL as a link.
import { endedUnrecovered } from '../runbook/outcome.js'
import type { IssueOutcome, RunRecord } from '../runbook/record.js'
import { factsOf, type ReportContext } from './context.js'
import { defuseChat, scrub, scrubDeep } from './markdown.js'
import { actionLine, etaLine, impactLine, statusLine, title } from './sections/status.js'

/**
 * The notice for a watch that opened or commented on a P1, P2 or security incident; undefined
 * when there is nothing to tell (no issue written, a P3/P4 warning, a re-run that posted nothing).
 */
export function incidentNotice(
  recordIn: RunRecord,
  ctx: ReportContext,
  issue: IssueOutcome | undefined
): string | undefined {
  if (!issue?.url || issue.error || issue.alreadyRolledBack) return undefined
  const record = scrubDeep(recordIn, ctx.secrets)
  const facts = factsOf(record)
  if (facts.kind !== 'P1' && facts.kind !== 'P2' && facts.kind !== 'security') return undefined
  const r = record.rollback
  const lines = [
    title(facts, record),
    `Status: ${statusLine(facts, record)}`,
    `Action: ${actionLine(facts, record)}`,
    ...(facts.kind === 'security' ? [] : [`ETA: ${etaLine(facts, record, ctx)}`]),
    `Impact: ${impactLine(facts, record)}`
  ]
  if (facts.kind === 'security')
    lines.push(
      'Next: the security team decides; after clearance a maintainer comments `/rollback-sentinel clear-security target=<pre-breach backup>` on the issue'
    )
  else if (r.status === 'succeeded') lines.push(`Result: RESOLVED: ${r.reason}`)
  else if (endedUnrecovered(r.status))
    lines.push(`Result: rollback ${r.status.toUpperCase()}: ${r.reason}`)
  lines.push(`${issue.created ? 'Incident' : 'Comment on the open incident'}: ${issue.url}`)
  return defuseChat(scrub(lines.join('\n'), ctx.secrets))
}
