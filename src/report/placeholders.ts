// The values of the incident's {{placeholders}}, its hidden marker and its labels: what the
// issue, its comments and its title are rendered from. Pure.
import { formatDuration } from '../core/duration.js'
import type { RunRecord } from '../record.js'
import { builtInBody, dataLossWithoutTarget } from './bodies.js'
import { chartStory, renderCharts } from './chart-story.js'
import {
  commitUrl,
  deploymentUrl,
  factsOf,
  renderMarker,
  runUrl,
  type ReportContext,
  utc
} from './context.js'
import { code, defuse } from './markdown.js'
import { alertLines, checklists, securitySteps } from './sections/checklists.js'
import { commandsSection } from './sections/commands.js'
import { samplesSection } from './sections/samples.js'
import {
  actionLine,
  etaLine,
  impactLine,
  type IncidentState,
  nowLine,
  statusLine,
  title,
  todoList
} from './sections/status.js'
import { stepsSection } from './sections/steps.js'
import { timeline } from './sections/timeline.js'
import { TEAM, healthText, pct, secs } from './sections/values.js'

/** GitHub's limit for a label name. */
export const LABEL_MAX = 50

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

/**
 * Every placeholder's value for this run (Markdown, not yet scrubbed). `state` sets `{{title}}`:
 * the body is rendered with the acting subject, a later title with the incident's new state.
 */
export function placeholderValues(
  record: RunRecord,
  ctx: ReportContext,
  state: IncidentState = 'acting'
): Record<string, string> {
  const facts = factsOf(record)
  const r = record.rollback
  const b = facts.breachSample
  const values: Record<string, string> = {
    marker: markerFor(record, ctx),
    title: title(facts, record, state),
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
    charts: renderCharts(chartStory(facts, record, ctx)),
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

export function unique(list: string[]): string[] {
  return [...new Set(list)]
}
