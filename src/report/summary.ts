// The job summary: what the run saw and did, on the run page (publish.ts writes it with
// core.summary).
import { formatDuration } from '../lib/duration.js'
import type { IssueOutcome, RunRecord } from '../runbook/record.js'
import { chartStory } from './chart-story.js'
import { renderCharts } from './charts.js'
import { type Facts, factsOf, type ReportContext, clock } from './context.js'
import { cell, defuse, scrub, scrubDeep } from './markdown.js'
import { samplesSection } from './sections/samples.js'
import { nowLine, todoList } from './sections/status.js'
import { fleetSection } from './sections/fleet.js'
import { stepsSection } from './sections/steps.js'
import { describeSample } from './sections/values.js'

/** The verdict banner, e.g. "## 🔴 Rolled back to Level 1 — production recovered". */
export function banner(record: RunRecord): string {
  const facts = factsOf(record)
  const r = record.rollback
  const level = r.level ?? facts.level
  if (record.cancelled) {
    if (r.status === 'not-needed') return '## ⏹️ Cancelled — the watch did not finish'
    return facts.kind === 'security'
      ? '## ⏹️ Cancelled during the security response — check the host'
      : `## ⏹️ Cancelled during the Level ${level} rollback — check production`
  }
  if (facts.kind === 'security')
    return '## 🛡️ Security alert — isolate, no rollback (waiting for security clearance)'
  if (r.status === 'succeeded') return `## 🔴 Rolled back to Level ${level} — production recovered`
  if (r.status === 'failed')
    return `## ❌ Rollback to Level ${level} failed — manual intervention required`
  if (r.status === 'blocked') return `## ❌ Rollback blocked — manual decision required`
  if (r.status === 'manual')
    return `## ❓ Level ${level} ran cleanly, recovery not confirmed from this runner — manual confirmation required`
  if (r.status === 'skipped-dry-run')
    return `## 🟡 Dry run: would roll back to Level ${level} — nothing ran`
  switch (record.final.decision) {
    case 'healthy':
      return '## ✅ Healthy'
    case 'warn':
      return `## ⚠️ Warning: \`${facts.rule}\` — the runbook says consider a rollback`
    case 'inconclusive':
      return '## ⚠️ Inconclusive: monitoring outage'
    case 'pre-existing':
      return `## ⚠️ Pre-existing: \`${facts.rule}\` was already breached before the deploy — no rollback`
    case 'manual':
      return `## ❌ Manual action required — no automatic rollback${level ? ` past Level ${level}` : ''}`
    case 'not-deployed':
      return '## ⚠️ Not deployed: the expected version never went live'
    case 'rollback':
      return `## 🔴 Rollback to Level ${level} decided`
    default:
      return `## ⚠️ Watch ended with decision \`${record.final.decision}\``
  }
}

export function renderSummary(
  recordIn: RunRecord,
  ctx: ReportContext,
  issue?: IssueOutcome
): string {
  const record = scrubDeep(recordIn, ctx.secrets)
  const facts = factsOf(record)
  const v = record.final
  const parts: string[] = [banner(record), '']
  parts.push(
    '| | |',
    '|---|---|',
    `| Environment | ${cell(record.environment)} |`,
    `| Watched | ${formatDuration(record.endedAt - record.startedAt)}, ${record.samples.length} samples |`,
    `| Rule | \`${v.rule}\`${facts.rule !== v.rule ? ` (fired: \`${facts.rule}\`)` : ''} |`,
    `| Severity | ${v.severity} |`,
    `| Decision | ${v.decision}${v.level ? ` (Level ${v.level})` : ''} |`,
    `| Reason | ${cell(v.reason, 300)} |`,
    `| Production now | ${cell(nowLine(facts, record), 300)} |`,
    ''
  )
  if (v.decision !== 'healthy')
    parts.push('### What is left for a human', '', todoList(facts, record, ctx), '')
  if (v.decision === 'pre-existing' || record.baseline)
    parts.push(baselineSection(facts, record), '')
  parts.push('### Charts', '', renderCharts(chartStory(facts, record, ctx)), '')
  parts.push('### Samples', '', samplesSection(facts, record), '')
  if (record.rollback.fleet) parts.push('### Fleet', '', fleetSection(record), '')
  parts.push('### Actions taken', '', stepsSection(record), '')
  if (record.preflight?.length)
    parts.push(
      '### Preflight',
      '',
      ...record.preflight.map(
        (f) => `- ${f.severity === 'error' ? '❌' : '⚠️'} ${defuse(f.title)}: ${defuse(f.message)}`
      ),
      ''
    )
  if (record.notes.length)
    parts.push('### Notes', '', ...record.notes.map((n) => `- ${defuse(n)}`), '')
  if (issue) {
    parts.push(
      '### Incident issue',
      '',
      issue.error !== undefined
        ? `❌ The incident issue could not be opened or updated: ${cell(issue.error, 400)}`
        : `[#${issue.number}](${issue.url})`,
      ''
    )
  }
  return scrub(parts.join('\n'), ctx.secrets)
}

function baselineSection(facts: Facts, record: RunRecord): string {
  const b = record.baseline
  const now = facts.lastSample
  const pctOf = (x: number | null | undefined): string =>
    x === null || x === undefined ? 'unknown' : `${(x * 100).toFixed(1)}%`
  const secOf = (x: number | null | undefined): string =>
    x === null || x === undefined ? 'unknown' : `${x.toFixed(2)}s`
  const nowErr = now?.errorRate.status === 'measured' ? now.errorRate.value : null
  const nowP95 = now?.p95.status === 'measured' ? now.p95.value : null
  return [
    '### Baseline vs now',
    '',
    b
      ? '| | Before the deploy | Now |'
      : '_No baseline: nothing could be measured from before the deploy._',
    ...(b
      ? [
          '|---|---|---|',
          `| Error rate | ${pctOf(b.errorRate)} | ${pctOf(nowErr)} |`,
          `| p95 | ${secOf(b.p95)} | ${secOf(nowP95)} |`
        ]
      : []),
    now ? `\nLast sample ${clock(now.at)} UTC: ${defuse(describeSample(now))}.` : ''
  ].join('\n')
}
