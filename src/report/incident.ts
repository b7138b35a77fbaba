// The incident issue and its comments, from the runbook's Communication Templates. Pure: the
// incident workflow (issue.ts) posts what these return; the bodies are in bodies.ts.
import { endedUnrecovered } from '../runbook/outcome.js'
import type { RunRecord } from '../runbook/record.js'
import { failedBody, resolvedBody } from './bodies.js'
import { factsOf, renderStateLine, type Facts, type ReportContext } from './context.js'
import { defuse, fitBody, scrub, scrubDeep } from './markdown.js'
import { stateAfterRun, type RunFacts } from '../runbook/pending.js'
import { renderTemplated, validateTemplate } from '../settings/template.js'
import { LABEL_MAX, reportParts, unique } from './placeholders.js'
import {
  actionLine,
  incidentState as stateOf,
  nowLine,
  statusLine,
  type IncidentState
} from './sections/status.js'
import { TEAM } from './sections/values.js'

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

/** Everything a watch's incident report says, rendered once (report/issue.ts sends it). */
export interface RenderedReport {
  /** The new issue, if one is opened. */
  issue: RenderedIssue
  /** The comment for a later breach on an open incident (before any distrust note). */
  breachComment: string
  /** The resolution comment, when the run calls for one (a rollback command ran). */
  resolution?: RenderedComment
  /** The title for each state the incident can show. */
  titles: Record<IncidentState, string>
  /** The state this run leaves the incident in. */
  endState: IncidentState
  /** What this run adds to the incident's state line. */
  run: RunFacts
}

/** GitHub's limit for an issue title. */
const TITLE_MAX = 256

/**
 * The whole incident report of a run, in one pass: the record is scrubbed of secrets once, the
 * placeholders are computed once, every text is built from them, and every text is scrubbed and
 * fitted to GitHub's limits once at the end.
 */
export function renderReport(recordIn: RunRecord, ctx: ReportContext): RenderedReport {
  const record = scrubDeep(recordIn, ctx.secrets)
  const { facts, values, labels, run, subjects } = reportParts(record, ctx)
  const tpl = ctx.template ? validateTemplate(ctx.template.text, ctx.template.path) : undefined
  const templated = tpl ? renderTemplated(tpl, values, subjects) : undefined
  const titles = templated?.titles ?? subjects
  const resolution = needsResolution(record) ? resolutionOf(facts, record, ctx) : undefined
  const breach = breachOf(values, ctx)
  const secrets = ctx.secrets
  const clean = (text: string): string => fitBody(scrub(text, secrets))
  const assignees = [...ctx.issueAssignees, ...(tpl?.assignees ?? [])]
  return {
    issue: {
      title: titles.acting,
      labels: unique([
        ...labels,
        ...(templated?.labels ?? []).map((l) => l.slice(0, LABEL_MAX))
      ]).map((l) => scrub(l, secrets)),
      assignees: unique(assignees.map((a) => a.replace(/^@/, '').trim()).filter(Boolean)),
      body: clean(
        `${renderStateLine(stateAfterRun(undefined, run))}\n${templated?.body ?? values.report}`
      )
    },
    breachComment: clean(breach),
    ...(resolution
      ? { resolution: { body: clean(resolution.body), labelsToAdd: resolution.labelsToAdd } }
      : {}),
    titles: Object.fromEntries(
      Object.entries<string>(titles).map(([k, t]) => [
        k,
        scrub(t, secrets).replace(/\s+/g, ' ').trim().slice(0, TITLE_MAX)
      ])
    ) as Record<IncidentState, string>,
    endState: stateOf(facts, record),
    run
  }
}

/**
 * The incident issue: title, labels, assignees and body. A user template (ctx.template) replaces
 * the built-in body; its front-matter title, labels and assignees are templated and merged. The
 * issue opens with the acting subject (the body keeps it as its first line); the incident
 * workflow then moves the title to the state the run ended in.
 */
export function renderIncident(record: RunRecord, ctx: ReportContext): RenderedIssue {
  return renderReport(record, ctx).issue
}

/** The resolution comment is posted when a rollback command ran (the verification has ended). */
export function needsResolution(record: RunRecord): boolean {
  const status = record.rollback.status
  return factsOf(record).rollbackRan && (status === 'succeeded' || endedUnrecovered(status))
}

/**
 * The comment posted when verification ends: the runbook's "[RESOLVED] Rollback Complete -
 * Service Restored" (label `resolved`), or "Rollback FAILED - manual intervention required"
 * (label `rollback-failed`), or "Rollback BLOCKED" (label `rollback-blocked`). The issue is never
 * closed: people close it after the post-mortem.
 */
export function renderResolution(recordIn: RunRecord, ctx: ReportContext): RenderedComment {
  const record = scrubDeep(recordIn, ctx.secrets)
  const r = resolutionOf(factsOf(record), record, ctx)
  return { body: fitBody(scrub(r.body, ctx.secrets)), labelsToAdd: r.labelsToAdd }
}

function resolutionOf(facts: Facts, record: RunRecord, ctx: ReportContext): RenderedComment {
  const r = record.rollback
  if (facts.kind === 'security')
    return {
      body: [
        '## 🛡️ Security incident — no rollback ran',
        '',
        `- **Status:** ${statusLine(facts, record)}`,
        `- **Action:** ${defuse(actionLine(facts, record))}`,
        '- **Next Steps:** the security team decides; after clearance, Level 3 to the pre-breach backup',
        `- **Team:** ${TEAM}`
      ].join('\n'),
      labelsToAdd: []
    }
  if (r.status === 'succeeded')
    return { body: resolvedBody(facts, record, ctx), labelsToAdd: ['resolved'] }
  if (endedUnrecovered(r.status))
    return { body: failedBody(facts, record, ctx), labelsToAdd: [`rollback-${r.status}`] }
  return {
    body: [
      `## ${r.status === 'skipped-dry-run' ? '🟡 Dry run — no rollback ran' : 'ℹ️ No rollback ran'}`,
      '',
      `- **Status:** ${statusLine(facts, record)}`,
      `- **Action:** ${actionLine(facts, record)}`,
      `- **Production now:** ${nowLine(facts, record)}`,
      `- **Team:** ${TEAM}`
    ].join('\n'),
    labelsToAdd: []
  }
}

/**
 * A later breach for an environment that already has an open incident: one comment, no new issue.
 * (The note that an earlier record was not trusted is added by the incident workflow.)
 */
export function renderBreachComment(recordIn: RunRecord, ctx: ReportContext): string {
  return renderReport(recordIn, ctx).breachComment
}

function breachOf(values: Record<string, string>, ctx: ReportContext): string {
  return [
    `## 🔴 New breach in run ${ctx.runId}: ${defuse(values.title)}`,
    '',
    `This environment already had this open incident, so run [${ctx.runId}](${values.run_url}) reports here instead of opening a new issue.`,
    '',
    values.report
  ].join('\n')
}

/** Said in the breach comment when the open incident's record was not believed. */
export function distrustNote(why: string): string {
  return `> [!WARNING]\n> The record on this incident's first line was not trusted (${defuse(why)}): nothing pending on it is acted on, and it was rebuilt from this run alone. Give any earlier approval again as a fresh command.`
}
