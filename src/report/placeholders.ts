// The values of the incident's {{placeholders}}, its state line and its labels: what the
// issue, its comments and its title are rendered from. Pure.
import { formatDuration } from '../lib/duration.js'
import type { RunFacts } from '../runbook/pending.js'
import type { RunRecord } from '../runbook/record.js'
import { builtInBody, dataLossWithoutTarget } from './bodies.js'
import { chartStory } from './chart-story.js'
import { renderCharts } from './charts.js'
import {
  commitUrl,
  deploymentUrl,
  factsOf,
  type Facts,
  runUrl,
  type ReportContext,
  utc
} from './context.js'
import { code, defuse } from './markdown.js'
import { alertLines, checklists, securitySteps } from './sections/checklists.js'
import { commandsSection, linksSection } from './sections/commands.js'
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
 * What this run adds to the incident's state line: the rollback it ran (a re-run never rolls back
 * twice), and what a command on the issue needs: the deploy, the breach, the commit, the rule and
 * what is pending.
 */
export function runFactsOf(record: RunRecord, ctx: ReportContext): RunFacts {
  const facts = factsOf(record)
  return {
    environment: record.environment,
    runId: ctx.runId,
    deployedAt: record.deployedAt,
    ...(facts.breachAt !== undefined ? { breachAt: facts.breachAt } : {}),
    ...(ctx.sha ? { sha: ctx.sha } : {}),
    rule: facts.rule,
    security: facts.kind === 'security',
    ...(facts.rollbackRan && facts.level ? { rolledBackAt: facts.level } : {}),
    ...(record.pending ? { pending: record.pending } : {})
  }
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
  // The sections the body and the placeholders share, computed once.
  const security = facts.kind === 'security' ? securitySteps(record, ctx) : ''
  const lists = checklists(facts, record, ctx)
  const commands = commandsSection(facts, record, ctx)
  const links = linksSection(record, ctx)
  const values: Record<string, string> = {
    // The state line is always the body's first line (incident.ts), never where a template puts it.
    marker: '',
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
    checklist: security ? `${security}\n\n${lists}` : lists,
    steps: stepsSection(record),
    alerts: alertLines(record),
    commands,
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
  values.report = builtInBody(facts, record, values, { security, lists, links })
  return values
}

export function unique(list: string[]): string[] {
  return [...new Set(list)]
}

/** Everything the incident report is built from, computed in one pass over the record. */
export interface ReportParts {
  facts: Facts
  values: Record<string, string>
  labels: string[]
  run: RunFacts
  /** The built-in subject of each state the incident can show. */
  subjects: Record<IncidentState, string>
}

export function reportParts(record: RunRecord, ctx: ReportContext): ReportParts {
  const facts = factsOf(record)
  const states: IncidentState[] = ['acting', 'resolved', 'failed', 'security']
  const labels = incidentLabels(record, ctx)
  const run = runFactsOf(record, ctx)
  const subjects = Object.fromEntries(states.map((st) => [st, title(facts, record, st)])) as Record<
    IncidentState,
    string
  >
  return { facts, values: placeholderValues(record, ctx), labels, run, subjects }
}
