// The replay's report: one row per deploy (what the watch would have decided, when, at which
// level, or why not), the totals, a chart per deploy that would have acted, and the trace of
// every sample and verdict. Pure rendering; publish.ts sends it.
import { formatDuration } from '../lib/duration.js'
import { plural } from '../runbook/format.js'
import type { Baseline, Sample, Verdict, VerdictAt } from '../runbook/types.js'
import type { ReplayDeploy, ReplayTraceDetail, Settings } from '../settings/types.js'
import type { RunRecord } from '../runbook/record.js'
import { chartStory } from './chart-story.js'
import { renderCharts } from './charts.js'
import { factsOf } from './context.js'
import { cell, defuse, scrub } from './markdown.js'
import { sanitizeSettings, traceVerdict, TRACE_VERSION, type TraceVerdict } from './trace.js'

export interface ReplayOutcome {
  deploy: ReplayDeploy & { source: 'replay-deploys' | 'deployments-api' }
  /** The first probe time of the replayed watch (the first step at or after the deploy). */
  startedAt: number
  /** The samples the watch would have judged. */
  samples: Sample[]
  verdicts: VerdictAt[]
  final: Verdict
  baseline?: Baseline
  /** Why queries could not be read (each reason once). */
  failures: string[]
  /** Set when the history ends before the watch would have ended (a recent deploy). */
  incomplete?: string
}

/** One deploy's summary: what the job summary and the default trace show. Holds no sample. */
export interface ReplayRow {
  /** The deploy's place in the list (0-based; the summary's # is index + 1). */
  index: number
  deploy: ReplayOutcome['deploy']
  startedAt: number
  /** The last probe time the replay judged. */
  endedAt: number
  decidedAt?: number
  final: TraceVerdict
  /** The level it would have run, or why not (the summary's last column). */
  levelOrWhyNot: string
  baseline?: Baseline
  failures: string[]
  incomplete?: string
  /** Neither the error rate nor p95 had a point at any probe time. */
  noData: boolean
  counts: { samples: number; verdicts: number; insufficient: number; unknown: number }
}

export interface ChartedOutcome {
  index: number
  outcome: ReplayOutcome
}

export interface ReplayRun {
  environment: string
  generatedAt: number
  /** One per deploy, in the order they were listed. */
  rows: ReplayRow[]
  /** The first deploys that would have acted (at most MAX_CHARTED), whole, for their charts. */
  charted: ChartedOutcome[]
  /** What the trace holds per deploy (replay-trace). */
  trace: ReplayTraceDetail
  notes: string[]
  timing: { prometheusMs: number; decideMs: number; requests: number; samples: number }
}

/** The verdicts that would have run something on the host. */
const ACTED = new Set<Verdict['decision']>(['rollback', 'manual', 'isolate'])

/**
 * GitHub refuses a job summary over 1 MiB per step. At most this many charts, table rows and
 * reasons keep a replay's summary near half of it whatever the number of deploys; the trace at
 * report-path has a line for every deploy.
 */
export const MAX_CHARTED = 20
export const MAX_ROWS = 1000
export const MAX_REASONS = 200
/** Longer reasons are cut in the summary (the trace keeps them whole). */
const REASON_CHARS = 400
/** This many deploys without data before the oldest with data collapse into one line. */
const MIN_COLLAPSED = 2

export function acted(o: { final: Pick<Verdict, 'decision'> }): boolean {
  return ACTED.has(o.final.decision)
}

/** When the final verdict was given: the cycle that gave it, else the end of the watch. */
export function decidedAt(o: ReplayOutcome): number | undefined {
  const given = o.verdicts.find((v) => v.verdict === o.final)
  if (given) return given.at
  return o.samples[o.samples.length - 1]?.at
}

export interface ReplayTotals {
  deploys: number
  rollbacks: number
  warnings: number
  bySeverity: Record<string, number>
  preExisting: number
  inconclusive: number
  /** "3 of 20 deploys would have rolled back: 2 P1, 1 P2; 1 warning" */
  sentence: string
}

export function replayTotals(
  outcomes: readonly { final: Pick<Verdict, 'decision' | 'severity'> }[]
): ReplayTotals {
  const rolled = outcomes.filter(
    (o) => o.final.decision === 'rollback' || o.final.decision === 'manual'
  )
  const bySeverity: Record<string, number> = {}
  for (const o of rolled) bySeverity[o.final.severity] = (bySeverity[o.final.severity] ?? 0) + 1
  const count = (d: Verdict['decision']) => outcomes.filter((o) => o.final.decision === d).length
  const warnings = count('warn')
  const severities = ['P1', 'P2', 'P3']
    .filter((s) => bySeverity[s])
    .map((s) => `${bySeverity[s]} ${s}`)
  const isolated = count('isolate')
  let sentence = `${rolled.length} of ${plural(outcomes.length, 'deploy')} would have rolled back${severities.length ? `: ${severities.join(', ')}` : ''}; ${warnings === 0 ? 'no warnings' : plural(warnings, 'warning')}`
  if (isolated) sentence += `; ${isolated} isolated (security)`
  const preExisting = count('pre-existing')
  const inconclusive = count('inconclusive')
  if (preExisting) sentence += `; ${preExisting} pre-existing`
  if (inconclusive) sentence += `; ${inconclusive} inconclusive`
  return {
    deploys: outcomes.length,
    rollbacks: rolled.length,
    warnings,
    bySeverity,
    preExisting,
    inconclusive,
    sentence
  }
}

/** The last column: the level it would have run, or why not. */
export function levelOrWhyNot(o: ReplayOutcome): string {
  const v = o.final
  switch (v.decision) {
    case 'rollback':
      return `Level ${v.level ?? 1}`
    case 'manual':
      return `manual (past rollback.max-level${v.level ? `, Level ${v.level} next` : ''})`
    case 'isolate':
      return 'isolate (no rollback)'
    case 'pre-existing':
      return 'pre-existing: breached before the deploy'
    case 'inconclusive':
      return allUnknown(o)
        ? 'no data: Prometheus has no history for this time'
        : 'inconclusive: monitoring outage'
    case 'warn':
      return v.severity === 'P3'
        ? 'none: the runbook\'s "consider rollback"'
        : 'none: the watch ended inside the window'
    default: {
      const insufficient = o.samples.filter((s) => s.errorRate.status === 'insufficient').length
      if (o.samples.length > 0 && insufficient * 2 >= o.samples.length)
        return `insufficient data: ${insufficient} of ${o.samples.length} samples below min-requests`
      return o.incomplete ? `— (${o.incomplete})` : '—'
    }
  }
}

function allUnknown(o: Pick<ReplayOutcome, 'samples'>): boolean {
  return (
    o.samples.length > 0 &&
    o.samples.every((s) => s.errorRate.status === 'unknown' && s.p95.status === 'unknown')
  )
}

const ICON: Partial<Record<Verdict['decision'], string>> = {
  rollback: '🔴',
  manual: '❌',
  isolate: '🛡️',
  warn: '⚠️',
  'pre-existing': '⚪',
  inconclusive: '❔',
  healthy: '✅'
}

const utc = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/:\d{2}(\.\d+)?Z$/, '')

function row(r: ReplayRow): string {
  const v = r.final
  const after =
    (ACTED.has(v.decision) || v.decision === 'warn') && r.decidedAt !== undefined
      ? `+${formatDuration(Math.max(0, r.decidedAt - r.deploy.at))}`
      : '—'
  const sha = r.deploy.sha ? `\`${r.deploy.sha.slice(0, 7)}\`` : '—'
  return `| ${r.index + 1} | ${utc(r.deploy.at)} | ${sha} | ${ICON[v.decision] ?? ''} ${v.decision} | ${v.severity} | \`${v.rule}\` | ${after} | ${cell(r.levelOrWhyNot, 160)} |`
}

/**
 * A deploy's summary row, made as soon as it is judged so that its samples can go. Pure: the
 * outcome is not kept.
 */
export function summarizeOutcome(o: ReplayOutcome, index: number): ReplayRow {
  const decided = decidedAt(o)
  let insufficient = 0
  let unknown = 0
  for (const s of o.samples) {
    if (s.errorRate.status === 'insufficient') insufficient++
    if (s.errorRate.status === 'unknown' && s.p95.status === 'unknown') unknown++
  }
  return {
    index,
    deploy: o.deploy,
    startedAt: o.startedAt,
    endedAt: o.samples[o.samples.length - 1]?.at ?? o.startedAt,
    ...(decided !== undefined ? { decidedAt: decided } : {}),
    final: traceVerdict(o.final, decided ?? o.startedAt),
    levelOrWhyNot: levelOrWhyNot(o),
    ...(o.baseline ? { baseline: o.baseline } : {}),
    failures: o.failures,
    ...(o.incomplete ? { incomplete: o.incomplete } : {}),
    noData: allUnknown(o),
    counts: { samples: o.samples.length, verdicts: o.verdicts.length, insufficient, unknown }
  }
}

/**
 * Takes each deploy's outcome as it is judged, in any order: keeps its summary row, and the whole
 * outcome only while it is among the first MAX_CHARTED that would have acted (for their charts).
 * Memory stays a row per deploy however many are replayed.
 */
export class ReplayCollector {
  private readonly byIndex: ReplayRow[] = []
  private readonly chart: ChartedOutcome[] = []

  constructor(private readonly maxCharted = MAX_CHARTED) {}

  add(index: number, outcome: ReplayOutcome): ReplayRow {
    const summary = summarizeOutcome(outcome, index)
    this.byIndex[index] = summary
    if (acted(outcome) && this.maxCharted > 0) {
      // Keep the lowest indices: deploys finish out of order.
      const at = this.chart.findIndex((c) => c.index > index)
      const pos = at < 0 ? this.chart.length : at
      if (pos < this.maxCharted) {
        this.chart.splice(pos, 0, { index, outcome })
        if (this.chart.length > this.maxCharted) this.chart.pop()
      }
    }
    return summary
  }

  /** The rows in list order (a deploy never judged, e.g. on cancellation, has none). */
  rows(): ReplayRow[] {
    return this.byIndex.filter((r): r is ReplayRow => r !== undefined)
  }

  /** The outcomes held for charts, in list order. */
  charted(): ChartedOutcome[] {
    return [...this.chart]
  }
}

/** Where Prometheus' data begins: the deploys without data before the oldest one with data. */
export function noDataBefore(rows: readonly ReplayRow[]): {
  collapsed: ReplayRow[]
  /** The oldest deploy with data; undefined when none has any. */
  dataFrom?: number
} {
  let dataFrom: number | undefined
  for (const r of rows)
    if (!r.noData && (dataFrom === undefined || r.deploy.at < dataFrom)) dataFrom = r.deploy.at
  const collapsed = rows.filter(
    (r) => r.noData && (dataFrom === undefined || r.deploy.at < dataFrom)
  )
  return collapsed.length >= MIN_COLLAPSED ? { collapsed, dataFrom } : { collapsed: [], dataFrom }
}

function countsByDecision(rows: readonly ReplayRow[]): string {
  const by = new Map<string, number>()
  for (const r of rows) by.set(r.final.decision, (by.get(r.final.decision) ?? 0) + 1)
  return [...by].map(([d, n]) => `${n.toLocaleString('en-US')} ${d}`).join(', ')
}

/**
 * The rows the table shows: every one when they fit, else the deploys that did not end healthy
 * first, then the healthy ones, in list order.
 */
function shownRows(rows: readonly ReplayRow[]): ReplayRow[] {
  if (rows.length <= MAX_ROWS) return [...rows]
  const notable = rows.filter((r) => r.final.decision !== 'healthy')
  const healthy = rows.filter((r) => r.final.decision === 'healthy')
  return [...notable, ...healthy].slice(0, MAX_ROWS).sort((a, b) => a.index - b.index)
}

/** A replayed deploy as the report's RunRecord (nothing ran), so its chart tells the same story. */
function asRecord(o: ReplayOutcome, environment: string): RunRecord {
  const last = o.samples[o.samples.length - 1]
  return {
    environment,
    startedAt: o.startedAt,
    endedAt: last?.at ?? o.startedAt,
    deployedAt: o.deploy.at,
    samples: o.samples,
    verdicts: o.verdicts,
    final: o.final,
    baseline: o.baseline,
    breachFirstSeenAt: o.final.evidence[0]?.at,
    firedRule: o.final.rule,
    steps: [],
    rollback: { status: 'not-needed', attempts: [], verificationSamples: [], reason: 'replay' },
    notes: [],
    dryRun: true,
    cancelled: false
  }
}

export function renderReplaySummary(run: ReplayRun, settings: Settings): string {
  const { rows } = run
  const totals = replayTotals(rows)
  const icon = totals.rollbacks > 0 ? '🔴' : totals.warnings > 0 ? '⚠️' : '✅'
  const p = settings.metrics?.queries
  const parts: string[] = [
    `## 🔁 Replay of ${plural(rows.length, 'deploy')} of \`${cell(run.environment)}\``,
    '',
    `${icon} **${totals.sentence}.**`,
    '',
    `What the policy would have done on each deploy: a watch of ${formatDuration(settings.watchDurationMs)} every ${formatDuration(settings.probeIntervalMs)} after it, judged cycle by cycle from Prometheus' history with the same rules as a live watch. Nothing ran on a host and no issue was written.`,
    ''
  ]
  const { collapsed, dataFrom } = noDataBefore(rows)
  if (collapsed.length) {
    const newest = Math.max(...collapsed.map((r) => r.deploy.at))
    parts.push(
      dataFrom !== undefined
        ? `⚪ ${plural(collapsed.length, 'deploy')} before ${utc(dataFrom)} UTC have no data in Prometheus (retention?): the history this Prometheus holds begins between ${utc(newest)} and ${utc(dataFrom)}.`
        : `⚪ All ${plural(collapsed.length, 'deploy')}, up to ${utc(newest)} UTC, have no data in Prometheus (retention, or do the queries match nothing?).`,
      ''
    )
  }
  const hidden = new Set(collapsed.map((r) => r.index))
  const listed = rows.filter((r) => !hidden.has(r.index))
  const shown = shownRows(listed)
  if (shown.length > 0) {
    parts.push(
      '| # | deployed at (UTC) | sha | verdict | severity | rule | decided after | level, or why not |',
      '|---|---|---|---|---|---|---|---|',
      ...shown.map(row),
      ''
    )
    if (shown.length < listed.length) {
      const shownSet = new Set(shown.map((r) => r.index))
      const rest = listed.filter((r) => !shownSet.has(r.index))
      parts.push(
        `_… and ${rest.length.toLocaleString('en-US')} more (${countsByDecision(rest)}): every deploy is a line of the trace at \`report-path\`._`,
        ''
      )
    }
  } else if (rows.length === 0) parts.push('_No deploys to replay._', '')
  const reasons = shown.filter((r) => r.final.decision !== 'healthy')
  if (reasons.length) {
    parts.push(
      '### Reasons',
      '',
      ...reasons
        .slice(0, MAX_REASONS)
        .map((r) => `${r.index + 1}. ${defuse(cut(r.final.reason, REASON_CHARS))}`),
      ''
    )
    if (reasons.length > MAX_REASONS)
      parts.push(
        `_… and ${(reasons.length - MAX_REASONS).toLocaleString('en-US')} more reasons in the trace._`,
        ''
      )
  }
  const actedCount = rows.filter(acted).length
  if (run.charted.length) {
    parts.push('### Charts of the deploys that would have acted', '')
    for (const { index: i, outcome: o } of run.charted.slice(0, MAX_CHARTED)) {
      const record = asRecord(o, run.environment)
      parts.push(
        `#### #${i + 1} ${utc(o.deploy.at)} — \`${o.final.rule}\`${o.final.level ? `, Level ${o.final.level}` : ''}`,
        '',
        renderCharts(chartStory(factsOf(record), record, { thresholds: settings.policy })),
        ''
      )
    }
    const more = actedCount - Math.min(run.charted.length, MAX_CHARTED)
    if (more > 0)
      parts.push(
        run.trace === 'full'
          ? `_${plural(more, 'more deploy')} would have acted: their samples are in the trace file._`
          : `_${plural(more, 'more deploy')} would have acted: see their rows; \`replay-trace: full\` keeps their samples in the trace file._`,
        ''
      )
  }
  const failures = [...new Set(rows.flatMap((r) => r.failures))]
  const notes = [
    ...run.notes,
    ...(p
      ? [
          `queries: error rate \`${p.errorRate}\`; fast error rate ${p.fastErrorRate ? `\`${p.fastErrorRate}\`` : 'off'}; p95 \`${p.latency}\`; request rate \`${p.requestRate}\``
        ]
      : []),
    ...failures
      .slice(0, MAX_FAILURES)
      .map((f) => `a query could not be read: ${cut(f, REASON_CHARS)}`),
    ...(failures.length > MAX_FAILURES
      ? [
          `${failures.length - MAX_FAILURES} more reasons a query could not be read are in the trace`
        ]
      : []),
    `time: Prometheus ${(run.timing.prometheusMs / 1000).toFixed(2)} s (${run.timing.requests} requests), decide ${(run.timing.decideMs / 1000).toFixed(2)} s (${run.timing.samples} samples)`
  ]
  parts.push('### Notes', '', ...notes.map((n) => `- ${defuse(n)}`), '')
  return scrub(parts.join('\n'), settings.secrets)
}

/** Distinct failure reasons listed in the notes. */
const MAX_FAILURES = 20

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

/** One deploy of the trace: its summary, and with replay-trace full its samples and verdicts. */
export interface ReplayTraceDeploy {
  deployedAt: number
  sha?: string
  source: string
  startedAt: number
  endedAt: number
  baseline?: Baseline
  final: TraceVerdict
  decidedAt?: number
  levelOrWhyNot: string
  incomplete?: string
  failures: string[]
  noData: boolean
  counts: ReplayRow['counts']
  samples?: Sample[]
  verdicts?: TraceVerdict[]
}

/** A deploy's entry in the trace; `outcome` (its samples and verdicts) only for replay-trace full. */
export function replayTraceDeploy(row: ReplayRow, outcome?: ReplayOutcome): ReplayTraceDeploy {
  return {
    deployedAt: row.deploy.at,
    ...(row.deploy.sha ? { sha: row.deploy.sha } : {}),
    source: row.deploy.source,
    startedAt: row.startedAt,
    endedAt: row.endedAt,
    ...(row.baseline ? { baseline: row.baseline } : {}),
    final: row.final,
    ...(row.decidedAt !== undefined ? { decidedAt: row.decidedAt } : {}),
    levelOrWhyNot: row.levelOrWhyNot,
    ...(row.incomplete ? { incomplete: row.incomplete } : {}),
    failures: row.failures,
    noData: row.noData,
    counts: row.counts,
    ...(outcome
      ? {
          samples: outcome.samples,
          verdicts: outcome.verdicts.map((v) => traceVerdict(v.verdict, v.at))
        }
      : {})
  }
}

/** What the trace says before its deploys: known when the replay starts. */
export function replayTraceHead(
  environment: string,
  generatedAt: number,
  detail: ReplayTraceDetail,
  settings: Settings
) {
  return {
    version: TRACE_VERSION,
    mode: 'replay' as const,
    environment,
    generatedAt,
    detail,
    settings: sanitizeSettings(settings)
  }
}

/** What the trace says after its deploys: known when the last one is judged. */
export function replayTraceTail(run: ReplayRun) {
  const totals = replayTotals(run.rows)
  const { collapsed, dataFrom } = noDataBefore(run.rows)
  return {
    totals: {
      deploys: totals.deploys,
      rollbacks: totals.rollbacks,
      warnings: totals.warnings,
      bySeverity: totals.bySeverity,
      preExisting: totals.preExisting,
      inconclusive: totals.inconclusive,
      sentence: totals.sentence
    },
    ...(dataFrom !== undefined ? { dataFrom } : {}),
    noDataBefore: collapsed.length,
    timing: run.timing,
    notes: run.notes
  }
}
