// Why and when: the rule that fired against its threshold, and the timeline of the run.
import { formatDuration } from '../../lib/duration.js'
import { ruleInfo } from '../../runbook/rules.js'
import type { RunRecord } from '../../runbook/record.js'
import { clock, type Facts, type ReportContext } from '../context.js'
import { cell, code } from '../markdown.js'
import { timelineStep, waveRows } from './fleet.js'
import { describeSample } from './values.js'

export function ruleSection(facts: Facts, record: RunRecord): string {
  const v = facts.final
  const rows = [
    '| Rule | Runbook row | Severity | Measured against threshold | Decision |',
    '|---|---|---|---|---|',
    `| \`${facts.rule}\` | ${ruleInfo(facts.rule).runbookRow} | ${facts.severity} | ${cell(v.reason, 300)} | ${v.decision}${v.level ? ` (Level ${v.level})` : ''} |`
  ]
  const extra: string[] = []
  if (v.trend && v.trend !== 'unknown') extra.push(`Trend over the rule's window: **${v.trend}**.`)
  if (record.baseline) {
    const b = record.baseline
    extra.push(
      `Baseline before the deploy: error rate ${b.errorRate === null ? 'unknown' : `${(b.errorRate * 100).toFixed(1)}%`}, p95 ${b.p95 === null ? 'unknown' : `${b.p95.toFixed(2)}s`}.`
    )
  }
  if (v.evidence.length > 0)
    extra.push(
      `Evidence: ${v.evidence.length} sample${v.evidence.length === 1 ? '' : 's'} from ${clock(v.evidence[0].at)} to ${clock(v.evidence[v.evidence.length - 1].at)} UTC.`
    )
  return [...rows, '', ...extra].join('\n').trim()
}

export function timeline(facts: Facts, record: RunRecord, ctx: ReportContext): string {
  interface Row {
    at: number
    event: string
    exit: string
    duration: string
    detail: string
  }
  const rows: Row[] = []
  const add = (at: number, event: string, detail = '', exit = '', duration = ''): void => {
    rows.push({ at, event, exit, duration, detail })
  }
  add(record.deployedAt, 'Deployed', `commit ${code(ctx.sha.slice(0, 7))}`)
  add(record.startedAt, 'Watch started', `environment ${cell(record.environment)}`)
  if (facts.breachAt !== undefined)
    add(
      facts.breachAt,
      `Breach first seen: \`${facts.rule}\``,
      facts.breachSample ? cell(describeSample(facts.breachSample)) : ''
    )
  const window = record.verdicts.find(
    (v) => v.verdict.rule === facts.rule && v.verdict.decision === 'continue' && v.verdict.decideBy
  )
  if (window?.verdict.decideBy)
    add(window.at, 'Monitoring window opened', `decide by ${clock(window.verdict.decideBy)} UTC`)
  add(
    facts.decidedAt,
    `Decision: **${facts.final.decision}**${facts.final.level ? ` Level ${facts.final.level}` : ''}`,
    cell(facts.final.reason, 200)
  )
  const fleet = record.rollback.fleet
  // A fleet's steps are in the per-host table: the timeline shows the canary's and the failures,
  // and the waves.
  for (const s of fleet ? record.steps.filter((s) => timelineStep(fleet, s)) : record.steps) {
    add(
      s.startedAt,
      `Ran \`${s.name}\`${s.level ? ` (Level ${s.level})` : ''}${s.host ? ` on ${code(s.host)}` : ''}`,
      cell(s.note ?? s.sshFailure ?? s.status),
      s.exitCode === null ? '—' : String(s.exitCode),
      formatDuration(s.durationMs)
    )
  }
  for (const w of fleet ? waveRows(fleet) : [])
    add(w.at, w.event, w.detail, '', formatDuration(w.durationMs))
  for (const a of record.rollback.attempts) {
    add(
      a.endedAt,
      `Level ${a.level} verification: ${a.recovered ? '**recovered**' : '**not recovered**'}`,
      cell(a.reason),
      '',
      formatDuration(a.endedAt - a.startedAt)
    )
  }
  if (facts.recoveredAt !== undefined)
    add(facts.recoveredAt, '**Recovered**', 'health up, rates normal')
  add(record.endedAt, 'Watch ended', record.cancelled ? 'cancelled' : '')
  rows.sort((a, b) => a.at - b.at)
  const table = [
    '| Time (UTC) | Since deploy | Event | Exit | Duration | Detail |',
    '|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${clock(r.at)} | ${offset(r.at - record.deployedAt)} | ${r.event} | ${r.exit} | ${r.duration} | ${r.detail} |`
    )
  ]
  const downtime =
    facts.downtimeMs !== undefined
      ? `**Total downtime:** ${formatDuration(facts.downtimeMs)} (breach first seen ${clock(facts.breachAt ?? 0)} → recovered ${clock(facts.recoveredAt ?? 0)} UTC)`
      : facts.breachAt !== undefined && record.rollback.status !== 'not-needed'
        ? `**Total downtime:** not over — no recovery seen (breach first seen ${clock(facts.breachAt)} UTC, ${formatDuration(Math.max(0, record.endedAt - facts.breachAt))} before the watch ended)`
        : ''
  return [table.join('\n'), downtime].filter(Boolean).join('\n\n')
}

function offset(ms: number): string {
  return ms < 0 ? `-${formatDuration(-ms)}` : `+${formatDuration(ms)}`
}
