// The replay's report: one row per deploy (what the watch would have decided, when, at which
// level, or why not), the totals, a chart per deploy that would have acted, and the trace of
// every sample and verdict. Pure rendering; publish.ts sends it.
import { formatDuration } from '../core/duration.js'
import { plural } from '../core/format.js'
import type { Baseline, Sample, Verdict, VerdictAt } from '../core/types.js'
import type { ReplayDeploy, Settings } from '../settings/types.js'
import type { RunRecord } from '../record.js'
import { chartStory, renderCharts } from './chart-story.js'
import { factsOf } from './context.js'
import { cell, defuse, scrub, scrubDeep } from './markdown.js'
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

export interface ReplayRun {
  environment: string
  generatedAt: number
  outcomes: ReplayOutcome[]
  notes: string[]
  timing: { prometheusMs: number; decideMs: number; requests: number; samples: number }
}

/** The verdicts that would have run something on the host. */
const ACTED = new Set<Verdict['decision']>(['rollback', 'manual', 'isolate'])

/** Charts are drawn for at most this many deploys (the summary has a size limit). */
export const MAX_CHARTED = 20

export function acted(o: ReplayOutcome): boolean {
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

export function replayTotals(outcomes: readonly ReplayOutcome[]): ReplayTotals {
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

function allUnknown(o: ReplayOutcome): boolean {
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

function row(o: ReplayOutcome, i: number): string {
  const v = o.final
  const at = decidedAt(o)
  const after =
    (ACTED.has(v.decision) || v.decision === 'warn') && at !== undefined
      ? `+${formatDuration(Math.max(0, at - o.deploy.at))}`
      : '—'
  const sha = o.deploy.sha ? `\`${o.deploy.sha.slice(0, 7)}\`` : '—'
  return `| ${i + 1} | ${utc(o.deploy.at)} | ${sha} | ${ICON[v.decision] ?? ''} ${v.decision} | ${v.severity} | \`${v.rule}\` | ${after} | ${cell(levelOrWhyNot(o), 160)} |`
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
  const totals = replayTotals(run.outcomes)
  const icon = totals.rollbacks > 0 ? '🔴' : totals.warnings > 0 ? '⚠️' : '✅'
  const p = settings.prometheus
  const parts: string[] = [
    `## 🔁 Replay of ${plural(run.outcomes.length, 'deploy')} of \`${cell(run.environment)}\``,
    '',
    `${icon} **${totals.sentence}.**`,
    '',
    `What the policy would have done on each deploy: a watch of ${formatDuration(settings.watchDurationMs)} every ${formatDuration(settings.probeIntervalMs)} after it, judged cycle by cycle from Prometheus' history with the same rules as a live watch. Nothing ran on a host and no issue was written.`,
    ''
  ]
  if (run.outcomes.length > 0) {
    parts.push(
      '| # | deployed at (UTC) | sha | verdict | severity | rule | decided after | level, or why not |',
      '|---|---|---|---|---|---|---|---|',
      ...run.outcomes.map(row),
      ''
    )
  } else parts.push('_No deploys to replay._', '')
  const reasons = run.outcomes
    .map((o, i) => ({ o, i }))
    .filter(({ o }) => o.final.decision !== 'healthy')
  if (reasons.length)
    parts.push(
      '### Reasons',
      '',
      ...reasons.map(({ o, i }) => `${i + 1}. ${defuse(o.final.reason)}`),
      ''
    )
  const charted = run.outcomes.map((o, i) => ({ o, i })).filter(({ o }) => acted(o))
  if (charted.length) {
    parts.push('### Charts of the deploys that would have acted', '')
    for (const { o, i } of charted.slice(0, MAX_CHARTED)) {
      const record = asRecord(o, run.environment)
      parts.push(
        `#### #${i + 1} ${utc(o.deploy.at)} — \`${o.final.rule}\`${o.final.level ? `, Level ${o.final.level}` : ''}`,
        '',
        renderCharts(chartStory(factsOf(record), record, { thresholds: settings.policy })),
        ''
      )
    }
    if (charted.length > MAX_CHARTED)
      parts.push(
        `_Charts of ${charted.length - MAX_CHARTED} more deploys are in the trace file._`,
        ''
      )
  }
  const failures = [...new Set(run.outcomes.flatMap((o) => o.failures))]
  const notes = [
    ...run.notes,
    ...(p
      ? [
          `queries: error rate \`${p.errorRateQuery}\`; fast error rate ${p.errorRateFastQuery ? `\`${p.errorRateFastQuery}\`` : 'off'}; p95 \`${p.latencyQuery}\`; request rate \`${p.requestRateQuery}\``
        ]
      : []),
    ...failures.map((f) => `a query could not be read: ${f}`),
    `time: Prometheus ${(run.timing.prometheusMs / 1000).toFixed(2)} s (${run.timing.requests} requests), decide ${(run.timing.decideMs / 1000).toFixed(2)} s (${run.timing.samples} samples)`
  ]
  parts.push('### Notes', '', ...notes.map((n) => `- ${defuse(n)}`), '')
  return scrub(parts.join('\n'), settings.secrets)
}

export interface ReplayTraceDeploy {
  deployedAt: number
  sha?: string
  source: string
  startedAt: number
  baseline?: Baseline
  final: TraceVerdict
  decidedAt?: number
  incomplete?: string
  failures: string[]
  samples: Sample[]
  verdicts: TraceVerdict[]
}

/** The replay as JSON: every sample and verdict of every deploy, the settings without secrets. */
export function buildReplayTrace(run: ReplayRun, settings: Settings) {
  const totals = replayTotals(run.outcomes)
  const deploys: ReplayTraceDeploy[] = run.outcomes.map((o) => {
    const at = decidedAt(o)
    return {
      deployedAt: o.deploy.at,
      sha: o.deploy.sha,
      source: o.deploy.source,
      startedAt: o.startedAt,
      baseline: o.baseline,
      final: traceVerdict(o.final, at ?? o.startedAt),
      decidedAt: at,
      incomplete: o.incomplete,
      failures: o.failures,
      samples: o.samples,
      verdicts: o.verdicts.map((v) => traceVerdict(v.verdict, v.at))
    }
  })
  const trace = {
    version: TRACE_VERSION,
    mode: 'replay' as const,
    environment: run.environment,
    generatedAt: run.generatedAt,
    settings: sanitizeSettings(settings),
    totals: {
      deploys: totals.deploys,
      rollbacks: totals.rollbacks,
      warnings: totals.warnings,
      bySeverity: totals.bySeverity,
      preExisting: totals.preExisting,
      inconclusive: totals.inconclusive,
      sentence: totals.sentence
    },
    timing: run.timing,
    notes: run.notes,
    deploys
  }
  return scrubDeep(JSON.parse(JSON.stringify(trace)) as typeof trace, settings.secrets)
}
