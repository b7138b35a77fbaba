// The incident issue and its comments, from the runbook's Communication Templates. Pure: the
// incident workflow (issue.ts) posts what these return; the bodies are in bodies.ts.
import { formatDuration } from '../core/duration.js'
import type { RunRecord } from '../record.js'
import { renderCharts } from './charts.js'
import {
  factsOf,
  type ReportContext,
  commitUrl,
  deploymentUrl,
  renderMarker,
  runUrl,
  utc
} from './context.js'
import { code, defuse, fitBody, scrub, scrubDeep } from './markdown.js'
import { renderTemplate, validateTemplate } from './templates.js'
import { alertLines, checklists, securitySteps } from './sections/checklists.js'
import { commandsSection } from './sections/commands.js'
import { samplesSection } from './sections/samples.js'
import {
  actionLine,
  etaLine,
  impactLine,
  nowLine,
  statusLine,
  title,
  todoList
} from './sections/status.js'
import { stepsSection } from './sections/steps.js'
import { timeline } from './sections/timeline.js'
import { TEAM, healthText, pct, secs } from './sections/values.js'
import { builtInBody, dataLossWithoutTarget, failedBody, resolvedBody } from './bodies.js'

export type { ReportContext } from './context.js'

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

/** GitHub's limits: a label name is at most 50 characters, a title at most 256. */
const LABEL_MAX = 50
const TITLE_MAX = 256

/**
 * The marker of this run: `rollback-done=<level>` when a rollback command ran, and what a command
 * on the issue needs: the deploy, the breach, the commit, the rule, what is pending, the target.
 */
export function markerFor(record: RunRecord, ctx: ReportContext): string {
  const facts = factsOf(record)
  const pending = record.pending
  return renderMarker({
    environment: record.environment,
    runId: ctx.runId,
    rollbackDone: facts.rollbackRan ? facts.level : undefined,
    deployedAt: record.deployedAt,
    breachAt: facts.breachAt,
    sha: ctx.sha || undefined,
    rule: facts.rule,
    pending: pending?.action,
    pendingLevel: pending?.action === 'restore' ? pending.level : undefined,
    target: pending?.action === 'restore' ? pending.target : record.rollback.target?.id
  })
}

/** issueLabels + severity + rollback-level-N (when a rollback ran) + environment:<env> (+ security). */
export function incidentLabels(record: RunRecord, ctx: ReportContext): string[] {
  const facts = factsOf(record)
  const labels = [...(ctx.issueLabels.length ? ctx.issueLabels : ['incident']), facts.severity]
  if (facts.kind === 'security') labels.push('security')
  if (facts.rollbackRan && facts.level) labels.push(`rollback-level-${facts.level}`)
  labels.push(`environment:${record.environment}`)
  return unique(labels.map((l) => l.trim().slice(0, LABEL_MAX)).filter(Boolean))
}

/** Every placeholder's value for this run (Markdown, not yet scrubbed). */
export function placeholderValues(record: RunRecord, ctx: ReportContext): Record<string, string> {
  const facts = factsOf(record)
  const r = record.rollback
  const b = facts.breachSample
  const values: Record<string, string> = {
    marker: markerFor(record, ctx),
    title: title(facts, record),
    environment: defuse(record.environment),
    severity: facts.severity,
    status: statusLine(facts, record),
    rule: facts.rule,
    reason: defuse(facts.final.reason),
    decision: facts.final.decision,
    level: facts.level ? String(facts.level) : 'none',
    action: actionLine(facts, record),
    eta: etaLine(facts, record, ctx),
    impact: impactLine(facts, record),
    now: nowLine(facts, record),
    todo: todoList(facts, record, ctx),
    rollback_status: r.status,
    deployed_at: utc(record.deployedAt),
    breach_at: facts.breachAt !== undefined ? utc(facts.breachAt) : 'unknown',
    decided_at: utc(facts.decidedAt),
    recovered_at: facts.recoveredAt !== undefined ? utc(facts.recoveredAt) : 'not recovered',
    downtime: facts.downtimeMs !== undefined ? formatDuration(facts.downtimeMs) : 'unknown',
    error_rate: b ? pct(b.errorRate) : 'unknown',
    p95: b ? secs(b.p95) : 'unknown',
    health: b ? defuse(healthText(b)) : 'unknown',
    target: r.target ? code(r.target.id) : 'none',
    backup_age: r.target?.ageMs != null ? formatDuration(r.target.ageMs) : 'unknown',
    data_loss: defuse(r.target?.dataLossNote ?? dataLossWithoutTarget(facts)),
    timeline: timeline(facts, record, ctx),
    samples_table: samplesSection(facts, record),
    charts: renderCharts(facts.allSamples, record.startedAt),
    checklist:
      facts.kind === 'security'
        ? `${securitySteps(record, ctx)}\n\n${checklists(facts, record, ctx)}`
        : checklists(facts, record, ctx),
    steps: stepsSection(record),
    alerts: alertLines(record),
    commands: commandsSection(facts, record, ctx),
    run_url: runUrl(ctx),
    commit_url: commitUrl(ctx),
    deployment_url: deploymentUrl(ctx, record.environment),
    sha: ctx.sha,
    short_sha: ctx.sha.slice(0, 7),
    host: ctx.host ? defuse(ctx.host) : 'not set',
    workflow: defuse(ctx.workflow),
    run_id: ctx.runId,
    run_attempt: ctx.runAttempt,
    repository: `${ctx.repo.owner}/${ctx.repo.repo}`,
    team: TEAM,
    report: ''
  }
  values.report = builtInBody(facts, record, ctx, values)
  return values
}

/**
 * The incident issue: title, labels, assignees and body. A user template (ctx.template) replaces
 * the built-in body; its front-matter title, labels and assignees are templated and merged.
 */
export function renderIncident(recordIn: RunRecord, ctx: ReportContext): RenderedIssue {
  const record = scrubDeep(recordIn, ctx.secrets)
  const values = placeholderValues(record, ctx)
  let issueTitle = values.title
  let labels = incidentLabels(record, ctx)
  let assignees = [...ctx.issueAssignees]
  let body = `${values.marker}\n${values.report}`
  if (ctx.template) {
    const tpl = validateTemplate(ctx.template.text, ctx.template.path)
    if (tpl.title) issueTitle = renderTemplate(tpl.title, values)
    labels = unique([
      ...labels,
      ...tpl.labels.map((l) => renderTemplate(l, values).slice(0, LABEL_MAX))
    ])
    assignees = [...assignees, ...tpl.assignees]
    body = renderTemplate(tpl.body, values)
    if (!/\{\{\s*marker\s*\}\}/.test(tpl.body)) body = `${values.marker}\n${body}`
  }
  return {
    title: oneLine(scrub(issueTitle, ctx.secrets)).slice(0, TITLE_MAX),
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
  const marker = markerFor(record, ctx)
  let body: string
  let labelsToAdd: string[]
  if (facts.kind === 'security') {
    body = [
      marker,
      '## 🛡️ Security incident — no rollback ran',
      '',
      `- **Status:** ${statusLine(facts, record)}`,
      `- **Action:** ${defuse(actionLine(facts, record))}`,
      '- **Next Steps:** the security team decides; after clearance, Level 3 to the pre-breach backup',
      `- **Team:** ${TEAM}`
    ].join('\n')
    labelsToAdd = []
  } else if (r.status === 'succeeded') {
    body = [marker, resolvedBody(facts, record, ctx)].join('\n')
    labelsToAdd = ['resolved']
  } else if (r.status === 'failed' || r.status === 'blocked' || r.status === 'manual') {
    body = [marker, failedBody(facts, record, ctx)].join('\n')
    labelsToAdd = [`rollback-${r.status}`]
  } else {
    body = [
      marker,
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

/** A later breach for an environment that already has an open incident: one comment, no new issue. */
export function renderBreachComment(recordIn: RunRecord, ctx: ReportContext): string {
  const record = scrubDeep(recordIn, ctx.secrets)
  const values = placeholderValues(record, ctx)
  const body = [
    values.marker,
    `## 🔴 New breach in run ${ctx.runId}: ${defuse(values.title)}`,
    '',
    `This environment already had this open incident, so run [${ctx.runId}](${values.run_url}) reports here instead of opening a new issue.`,
    '',
    values.report
  ].join('\n')
  return fitBody(scrub(body, ctx.secrets))
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}

function unique(list: string[]): string[] {
  return [...new Set(list)]
}
