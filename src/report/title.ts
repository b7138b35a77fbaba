// The incident issue's title, which follows the incident's state so that the issue list tells it
// at a glance: the runbook's P1/P2 subject while the action acts, "[RESOLVED] Rollback Complete -
// Service Restored" after a verified recovery, "Rollback FAILED - manual intervention required"
// when production is not confirmed healthy, the security subject until the security team clears
// it. The one place to ask for a title (the incident workflow, and command replies). Pure.
import type { RunRecord } from '../runbook/record.js'
import { factsOf, type ReportContext } from './context.js'
import { scrub, scrubDeep } from './markdown.js'
import { placeholderValues } from './placeholders.js'
import { incidentState as stateOf, type IncidentState, title } from './sections/status.js'
import { renderTemplate, validateTemplate } from '../settings/template.js'

export type { IncidentState } from './sections/status.js'

/** GitHub's limit for an issue title. */
const TITLE_MAX = 256

/** The state this run leaves its incident in (acting, resolved, failed or security). */
export function incidentState(record: RunRecord): IncidentState {
  return stateOf(factsOf(record), record)
}

/** The built-in subject for a state, without a user template: `[RESOLVED] … : production — rule`. */
export function incidentSubject(
  record: RunRecord,
  state: IncidentState = incidentState(record)
): string {
  return title(factsOf(record), record, state)
}

/**
 * The issue title for a state (default: the state the run left it in). A user template's
 * front-matter `title` is re-rendered with that state, so `{{title}}` follows it too. Scrubbed of
 * secrets, one line, at most 256 characters.
 */
export function incidentTitle(
  recordIn: RunRecord,
  ctx: ReportContext,
  state: IncidentState = incidentState(recordIn)
): string {
  const record = scrubDeep(recordIn, ctx.secrets)
  const facts = factsOf(record)
  const subject = title(facts, record, state)
  const templateTitle = ctx.template
    ? validateTemplate(ctx.template.text, ctx.template.path).title
    : undefined
  const text = templateTitle
    ? renderTemplate(templateTitle, placeholderValues(record, ctx, state))
    : subject
  return scrub(text, ctx.secrets).replace(/\s+/g, ' ').trim().slice(0, TITLE_MAX)
}
