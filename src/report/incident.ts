// The incident issue and its comments, from the runbook's Communication Templates. Pure: the
// incident workflow (issue.ts) posts what these return; the bodies are in bodies.ts.
import { endedUnrecovered } from '../runbook/outcome.js'
import type { RunRecord } from '../runbook/record.js'
import { failedBody, resolvedBody } from './bodies.js'
import { factsOf, type ReportContext } from './context.js'
import { defuse, fitBody, scrub, scrubDeep } from './markdown.js'
import {
  incidentLabels,
  LABEL_MAX,
  newStateLine,
  placeholderValues,
  unique
} from './placeholders.js'
import { actionLine, nowLine, statusLine } from './sections/status.js'
import { TEAM } from './sections/values.js'
import { renderTemplate, validateTemplate } from '../settings/template.js'
import { incidentTitle } from './title.js'

export type { ReportContext } from './context.js'
export { incidentLabels, placeholderValues, runFactsOf } from './placeholders.js'

export interface RenderedIssue {
  title: string
  labels: string[]
  assignees: string[]
  body: string
}

export interface RenderedComment {
  body: string
  labelsToAdd: string[]
}

/**
 * The incident issue: title, labels, assignees and body. A user template (ctx.template) replaces
 * the built-in body; its front-matter title, labels and assignees are templated and merged. The
 * issue opens with the acting subject (the body keeps it as its first line); the incident
 * workflow then moves the title to the state the run ended in (title.ts).
 */
export function renderIncident(recordIn: RunRecord, ctx: ReportContext): RenderedIssue {
  const record = scrubDeep(recordIn, ctx.secrets)
  const values = placeholderValues(record, ctx)
  let labels = incidentLabels(record, ctx)
  let assignees = [...ctx.issueAssignees]
  let body = values.report
  if (ctx.template) {
    const tpl = validateTemplate(ctx.template.text, ctx.template.path)
    labels = unique([
      ...labels,
      ...tpl.labels.map((l) => renderTemplate(l, values).slice(0, LABEL_MAX))
    ])
    assignees = [...assignees, ...tpl.assignees]
    body = renderTemplate(tpl.body, values)
  }
  // The state line is the body's first line, always: the only place the action reads state from.
  body = `${newStateLine(record, ctx)}\n${body}`
  return {
    title: incidentTitle(record, ctx, 'acting'),
    labels: labels.map((l) => scrub(l, ctx.secrets)),
    assignees: unique(assignees.map((a) => a.replace(/^@/, '').trim()).filter(Boolean)),
    body: fitBody(scrub(body, ctx.secrets))
  }
}

/**
 * The comment posted when verification ends: the runbook's "[RESOLVED] Rollback Complete -
 * Service Restored" (label `resolved`), or "Rollback FAILED - manual intervention required"
 * (label `rollback-failed`), or "Rollback BLOCKED" (label `rollback-blocked`). The issue is never
 * closed: people close it after the post-mortem.
 */
export function renderResolution(recordIn: RunRecord, ctx: ReportContext): RenderedComment {
  const record = scrubDeep(recordIn, ctx.secrets)
  const facts = factsOf(record)
  const r = record.rollback
  let body: string
  let labelsToAdd: string[]
  if (facts.kind === 'security') {
    body = [
      '## 🛡️ Security incident — no rollback ran',
      '',
      `- **Status:** ${statusLine(facts, record)}`,
      `- **Action:** ${defuse(actionLine(facts, record))}`,
      '- **Next Steps:** the security team decides; after clearance, Level 3 to the pre-breach backup',
      `- **Team:** ${TEAM}`
    ].join('\n')
    labelsToAdd = []
  } else if (r.status === 'succeeded') {
    body = resolvedBody(facts, record, ctx)
    labelsToAdd = ['resolved']
  } else if (endedUnrecovered(r.status)) {
    body = failedBody(facts, record, ctx)
    labelsToAdd = [`rollback-${r.status}`]
  } else {
    body = [
      `## ${r.status === 'skipped-dry-run' ? '🟡 Dry run — no rollback ran' : 'ℹ️ No rollback ran'}`,
      '',
      `- **Status:** ${statusLine(facts, record)}`,
      `- **Action:** ${actionLine(facts, record)}`,
      `- **Production now:** ${nowLine(facts, record)}`,
      `- **Team:** ${TEAM}`
    ].join('\n')
    labelsToAdd = []
  }
  return { body: fitBody(scrub(body, ctx.secrets)), labelsToAdd }
}

/**
 * A later breach for an environment that already has an open incident: one comment, no new issue.
 * `distrust`: why the incident's recorded state was not believed (it is rebuilt from this run).
 */
export function renderBreachComment(
  recordIn: RunRecord,
  ctx: ReportContext,
  distrust?: string
): string {
  const record = scrubDeep(recordIn, ctx.secrets)
  const values = placeholderValues(record, ctx)
  const body = [
    `## 🔴 New breach in run ${ctx.runId}: ${defuse(values.title)}`,
    '',
    `This environment already had this open incident, so run [${ctx.runId}](${values.run_url}) reports here instead of opening a new issue.`,
    ...(distrust
      ? [
          '',
          `> [!WARNING]\n> The record on this incident's first line was not trusted (${defuse(distrust)}): nothing pending on it is acted on, and it was rebuilt from this run alone. Give any earlier approval again as a fresh command.`
        ]
      : []),
    '',
    values.report
  ].join('\n')
  return fitBody(scrub(body, ctx.secrets))
}
