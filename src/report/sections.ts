// The building blocks of the incident issue, its comments and the job summary. Pure functions of
// the RunRecord and the ReportContext; untrusted text is fenced or defused here.
import { formatDuration } from '../core/duration.js'
import type { HostCheckReading, MetricReading, RollbackLevel, Sample } from '../core/types.js'
import type { RemoteStep, RunRecord } from '../record.js'
import {
  clock,
  commitUrl,
  deploymentUrl,
  type Facts,
  LEVEL_MAX_MINUTES,
  type ReportContext,
  RULE_TEXT,
  runUrl,
  utc
} from './context.js'
import { cell, code, defuse, fence } from './markdown.js'

export const TEAM = 'rollback-sentinel'
/** Rows of the samples table around the breach. */
export const SAMPLE_ROWS = 30
const ROWS_BEFORE_BREACH = 8
const TAIL_LINES = 40

// ---- values ------------------------------------------------------------------------------

export function pct(m: MetricReading): string {
  if (m.status === 'measured' && m.value !== null) return `${(m.value * 100).toFixed(1)}%`
  if (m.status === 'insufficient') return 'too few requests'
  if (m.status === 'off') return '—'
  return 'unknown'
}

export function secs(m: MetricReading): string {
  if (m.status === 'measured' && m.value !== null) return `${m.value.toFixed(2)}s`
  if (m.status === 'off') return '—'
  return 'unknown'
}

const HEALTH_ICON = { up: '🟢', slow: '🟡', down: '🔴', unknown: '⚪' } as const

export function healthText(s: Sample): string {
  const h = s.health
  const detail = h.httpStatus !== undefined ? `HTTP ${h.httpStatus}` : h.reason
  return `${h.status}${detail ? ` (${detail})` : ''}`
}

/** "health down (HTTP 503), error rate 62.0%, p95 7.20s" */
export function describeSample(s: Sample): string {
  const parts = [`health ${healthText(s)}`]
  if (s.errorRate.status !== 'off') parts.push(`error rate ${pct(s.errorRate)}`)
  if (s.p95.status !== 'off') parts.push(`p95 ${secs(s.p95)}`)
  else if (s.health.latencyMs !== undefined)
    parts.push(`probe latency ${(s.health.latencyMs / 1000).toFixed(2)}s`)
  const alerts = hostAlerts(s)
  if (alerts.length) parts.push(`host alerts: ${alerts.join(', ')}`)
  return parts.join(', ')
}

export function responseTime(s: Sample | undefined): string {
  if (!s) return 'unknown'
  if (s.p95.status === 'measured') return `${secs(s.p95)} (p95)`
  if (s.health.latencyMs !== undefined)
    return `${(s.health.latencyMs / 1000).toFixed(2)}s (health probe)`
  return 'unknown'
}

function hostAlerts(s: Sample): string[] {
  const checks: [string, HostCheckReading][] = [
    ['corruption', s.host.corruption],
    ['database', s.host.database],
    ['cache', s.host.cache],
    ['security', s.host.security]
  ]
  const out = checks.filter(([, c]) => c.status === 'alert').map(([n]) => n)
  if (s.host.errorLog.status === 'measured' && s.host.errorLog.critical > 0)
    out.push(`${s.host.errorLog.critical} critical log errors`)
  return out
}

function hostCell(s: Sample): string {
  const checks: [string, HostCheckReading][] = [
    ['corruption', s.host.corruption],
    ['db', s.host.database],
    ['cache', s.host.cache],
    ['security', s.host.security]
  ]
  const parts: string[] = []
  let ok = 0
  for (const [name, c] of checks) {
    if (c.status === 'alert') parts.push(`⚠️ ${name}`)
    else if (c.status === 'unknown') parts.push(`? ${name}`)
    else if (c.status === 'ok') ok++
  }
  const log = s.host.errorLog
  if (log.status === 'measured') parts.push(`log ${log.critical}c/${log.medium}m/${log.low}l`)
  else if (log.status === 'unknown') parts.push('? log')
  if (parts.length === 0) return ok > 0 ? `${ok} ok` : '—'
  return (ok > 0 ? [...parts, `${ok} ok`] : parts).join(' · ')
}

// ---- the status block (the runbook's template fields) ------------------------------------

export function title(facts: Facts, record: RunRecord): string {
  const env = facts.environment
  const dry = record.dryRun ? ' (dry run)' : ''
  switch (facts.kind) {
    case 'security':
      return `[P1] Security Breach - Isolate, Do Not Roll Back: ${env}${dry}`
    case 'P1':
      return `[P1] Production Down - Rollback in Progress: ${env} — ${facts.rule}${dry}`
    case 'P2':
      return `[P2] Production Degraded - Monitoring/Rollback: ${env} — ${facts.rule}${dry}`
    case 'P3':
      return `[P3] Production Degraded - Monitoring, Consider Rollback: ${env} — ${facts.rule}${dry}`
    default:
      return `[P4] Production Needs Attention: ${env} — ${facts.rule}${dry}`
  }
}

export function statusLine(facts: Facts, record: RunRecord): string {
  switch (facts.kind) {
    case 'security': {
      const isolated = record.steps.some((s) => s.name === 'isolate' && s.status === 'ok')
      return isolated
        ? 'CRITICAL - Security alert, service isolated'
        : 'CRITICAL - Security alert (isolation NOT confirmed)'
    }
    case 'P1':
      return facts.rule === 'service-down'
        ? 'CRITICAL - Service is DOWN'
        : `CRITICAL - ${RULE_TEXT[facts.rule]}`
    case 'P2':
      return 'HIGH - Service degraded'
    case 'P3':
      return 'MEDIUM - Service degraded'
    default:
      return `LOW - ${RULE_TEXT[facts.rule]}`
  }
}

export function actionLine(facts: Facts, record: RunRecord): string {
  const r = record.rollback
  const levels = r.attempts.map((a) => a.level)
  const escalated = levels.length > 1 ? ` (escalated ${levels.join(' → ')})` : ''
  if (facts.kind === 'security') {
    const iso = record.steps.find((s) => s.name === 'isolate')
    const ev = record.steps.find((s) => s.name === 'evidence')
    const did = [
      iso
        ? `isolate command ${stepResult(iso)} at ${utc(iso.startedAt)}`
        : 'no isolate command configured',
      ev ? `evidence command ${stepResult(ev)}` : 'no evidence command configured'
    ]
    return `Isolate & investigate: ${did.join('; ')}. NO rollback ran.`
  }
  if (facts.rollbackRan && facts.initiatedAt !== undefined)
    return `Rollback Level ${levels[0] ?? facts.level} initiated at ${utc(facts.initiatedAt)}${escalated}`
  if (record.dryRun && facts.level)
    return `Dry run: Rollback Level ${facts.level} would have been initiated at ${utc(facts.decidedAt)} (nothing ran)`
  if (r.status === 'blocked') return `No rollback: blocked — ${r.reason}`
  switch (facts.final.decision) {
    case 'warn':
      return 'Monitoring; the runbook says "consider rollback" (no automatic rollback by policy)'
    case 'manual':
      return `No automatic rollback: ${r.reason || facts.final.reason}`
    case 'pre-existing':
      return 'No rollback: the breach was already there before the deploy'
    case 'inconclusive':
      return 'No rollback: monitoring could not measure (no verdict)'
    case 'not-deployed':
      return 'No rollback: the expected version never went live'
    default:
      return `No rollback ran (decision: ${facts.final.decision})`
  }
}

export function etaLine(facts: Facts, record: RunRecord): string {
  if (facts.kind === 'security')
    return 'Varies — clean recovery (Level 3) only after security clearance'
  if (!facts.level) return 'n/a (no rollback)'
  const max = LEVEL_MAX_MINUTES[facts.level]
  const base = `Service recovery in < ${max} minutes (Level ${facts.level} Max Time)`
  if (record.rollback.status === 'succeeded' && facts.recoveredAt !== undefined)
    return `${base} — recovered at ${utc(facts.recoveredAt)}`
  if (record.rollback.status === 'failed') return `${base} — NOT recovered`
  return base
}

export function impactLine(facts: Facts, record: RunRecord): string {
  const s = facts.breachSample
  if (facts.kind === 'security') {
    const lines = record.samples.reduce(
      (n, x) =>
        Math.max(n, x.host.security.status === 'alert' ? (x.host.security.lines?.length ?? 1) : 0),
      0
    )
    const isolated = record.steps.some((x) => x.name === 'isolate' && x.status === 'ok')
    return `Security alert on the host (${lines} alert line${lines === 1 ? '' : 's'}); ${isolated ? 'the service is isolated: users cannot reach it' : 'the service is NOT isolated'}`
  }
  if (!s) return defuse(facts.final.reason)
  const lead =
    s.health.status === 'down'
      ? 'Users cannot reach the service'
      : s.health.status === 'slow'
        ? 'Users see slow responses'
        : s.errorRate.status === 'measured' && (s.errorRate.value ?? 0) > 0
          ? `About ${pct(s.errorRate)} of requests fail`
          : 'Service degraded'
  return defuse(`${lead}: ${describeSample(s)} at ${utc(s.at)}`)
}

/** Whether production is healthy now, in one line. */
export function nowLine(facts: Facts, record: RunRecord): string {
  const r = record.rollback
  const last = facts.lastSample
  const lastText = last ? ` Last sample ${clock(last.at)} UTC: ${describeSample(last)}.` : ''
  if (facts.kind === 'security')
    return defuse(`⚠️ Isolated, waiting for the security team — no rollback ran.${lastText}`)
  if (r.status === 'succeeded')
    return defuse(
      `✅ Healthy — verification saw production recovered at ${facts.recoveredAt !== undefined ? utc(facts.recoveredAt) : 'the end of the watch'}.${lastText}`
    )
  if (r.status === 'failed')
    return defuse(
      `❌ NOT healthy — the rollback did not recover production: ${r.reason}.${lastText}`
    )
  if (r.status === 'blocked')
    return defuse(`❌ NOT confirmed healthy — rollback blocked: ${r.reason}.${lastText}`)
  if (r.status === 'skipped-dry-run') return defuse(`⚠️ Unknown — dry run, nothing ran.${lastText}`)
  if (!last) return '⚪ Unknown — no sample'
  const icon = last.health.status === 'up' ? '🟡' : last.health.status === 'unknown' ? '⚪' : '🔴'
  return defuse(`${icon} No rollback ran.${lastText}`)
}

/** What is left for a human, as a bullet list. */
export function todoList(facts: Facts, record: RunRecord, ctx: ReportContext): string {
  const r = record.rollback
  const sha = ctx.sha.slice(0, 7)
  const items: string[] = []
  if (facts.kind === 'security') {
    items.push(
      'Confirm the isolation held (service down, ports 80/443 dropped) — see the steps below.',
      'Notify the security team: call them, email security@company.com, post in #security-incidents.',
      '**Do NOT roll back** until the security team approves: a rollback may destroy forensic evidence.',
      'After clearance: clean recovery with Level 3 to the pre-breach backup (command below).'
    )
  } else if (r.status === 'succeeded') {
    items.push(
      `Production runs the previous version now: find why \`${facts.rule}\` fired in ${sha} before redeploying.`
    )
    if (facts.level && facts.level >= 2)
      items.push(
        `Level ${facts.level} restored data to backup ${r.target ? code(r.target.id) : '(unknown)'}: check what was lost (${defuse(r.target?.dataLossNote ?? 'see Backup and data loss')}).`
      )
    items.push('Tick the open checklist items below, then schedule the post-mortem.')
    items.push('Close this issue after the post-mortem (the action never closes it).')
  } else if (r.status === 'failed') {
    items.push(`**Production is still unhealthy — act now.** ${defuse(r.reason)}`)
    items.push('Read the failed steps and their output under "What the action ran".')
    const next = nextLevel(facts.level)
    items.push(
      next
        ? `Next by hand: Level ${next} (command below), or fix forward.`
        : 'Level 3 was the last level: restore by hand or fix forward.'
    )
  } else if (r.status === 'blocked') {
    items.push(`**Decide now:** the rollback was blocked — ${defuse(r.reason)}`)
    items.push('The commands below run the rollback by hand once you accept the backup.')
  } else if (record.dryRun && facts.level) {
    items.push(
      `Nothing ran (dry run): decide whether to roll back to Level ${facts.level} (command below).`
    )
  } else {
    switch (facts.final.decision) {
      case 'warn':
        items.push(
          'Keep watching: the runbook says monitor 15 min, then decide. Roll back with the Level 1 command below if it worsens.'
        )
        break
      case 'manual':
        items.push(`**Act now:** ${defuse(r.reason || facts.final.reason)}`)
        break
      case 'pre-existing':
        items.push('The breach predates the deploy: look for another cause (see the baseline).')
        break
      case 'inconclusive':
        items.push('Monitoring could not measure: check the health endpoint and Prometheus.')
        break
      default:
        items.push(`Look at \`${facts.rule}\`: ${defuse(facts.final.reason)}`)
    }
  }
  return items.map((i) => `- ${i}`).join('\n')
}

export function nextLevel(level: RollbackLevel | undefined): RollbackLevel | undefined {
  if (!level) return 1
  return level < 3 ? ((level + 1) as RollbackLevel) : undefined
}

export function stepResult(step: RemoteStep): string {
  if (step.status === 'ok') return 'ok (exit 0)'
  if (step.status === 'failed') return `FAILED (exit ${step.exitCode})`
  if (step.status === 'timeout') return 'TIMED OUT'
  if (step.status === 'ssh-error') return `SSH ERROR (${step.sshFailure ?? 'ssh failed'})`
  return step.status
}

// ---- rule and evidence -------------------------------------------------------------------

export function ruleSection(facts: Facts, record: RunRecord): string {
  const v = facts.final
  const rows = [
    '| Rule | Runbook row | Severity | Measured against threshold | Decision |',
    '|---|---|---|---|---|',
    `| \`${facts.rule}\` | ${RULE_TEXT[facts.rule]} | ${facts.severity} | ${cell(v.reason, 300)} | ${v.decision}${v.level ? ` (Level ${v.level})` : ''} |`
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

// ---- timeline ----------------------------------------------------------------------------

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
  for (const s of record.steps) {
    add(
      s.startedAt,
      `Ran \`${s.name}\`${s.level ? ` (Level ${s.level})` : ''}`,
      cell(s.note ?? s.sshFailure ?? s.status),
      s.exitCode === null ? '—' : String(s.exitCode),
      formatDuration(s.durationMs)
    )
  }
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

// ---- samples -----------------------------------------------------------------------------

/** The samples around the breach (at most SAMPLE_ROWS rows), the breach row marked. */
export function samplesAroundBreach(samples: readonly Sample[], breachAt?: number): Sample[] {
  if (samples.length <= SAMPLE_ROWS) return [...samples]
  let center =
    breachAt === undefined ? samples.length - 1 : samples.findIndex((s) => s.at >= breachAt)
  if (center < 0) center = samples.length - 1
  let start = Math.max(0, center - ROWS_BEFORE_BREACH)
  if (start + SAMPLE_ROWS > samples.length) start = samples.length - SAMPLE_ROWS
  return samples.slice(start, start + SAMPLE_ROWS)
}

export function samplesTable(
  samples: readonly Sample[],
  startedAt: number,
  markAt?: number
): string {
  if (samples.length === 0) return '_No samples._'
  return [
    '| Time (UTC) | +s | Health | Status | Latency | Error rate | p95 | Host checks |',
    '|---|---|---|---|---|---|---|---|',
    ...samples.map((s) => {
      const mark = markAt !== undefined && s.at === markAt ? ' ◀ breach' : ''
      const h = s.health
      return `| ${clock(s.at)}${mark} | ${Math.round((s.at - startedAt) / 1000)} | ${HEALTH_ICON[h.status]} ${cell(h.status === 'up' ? 'up' : healthText(s), 60)} | ${h.httpStatus ?? '—'} | ${h.latencyMs === undefined ? '—' : `${(h.latencyMs / 1000).toFixed(2)}s`} | ${pct(s.errorRate)} | ${secs(s.p95)} | ${cell(hostCell(s), 80)} |`
    })
  ].join('\n')
}

/** The samples table of the watch (around the breach) and of the verification after a rollback. */
export function samplesSection(facts: Facts, record: RunRecord): string {
  const around = samplesAroundBreach(record.samples, facts.breachAt)
  const markAt = facts.breachSample?.at
  const parts = [
    around.length < record.samples.length
      ? `${around.length} of ${record.samples.length} samples, around the breach (all of them are in the decision trace artifact).`
      : '',
    samplesTable(around, record.startedAt, markAt)
  ]
  const verify = record.rollback.verificationSamples
  if (verify.length > 0) {
    const shown = verify.slice(-15)
    parts.push(
      `**Verification after the rollback** (${shown.length < verify.length ? `last ${shown.length} of ${verify.length}` : `${verify.length}`} samples):`,
      samplesTable(shown, record.startedAt)
    )
  }
  return parts.filter(Boolean).join('\n\n')
}

// ---- steps -------------------------------------------------------------------------------

export function stepsSection(record: RunRecord): string {
  if (record.steps.length === 0) return '_The action ran nothing on the host._'
  const table = [
    '| # | Step | Level | Command | Exit | Result | Duration |',
    '|---|---|---|---|---|---|---|',
    ...record.steps.map(
      (s, i) =>
        `| ${i + 1} | ${s.name} | ${s.level ?? ''} | ${code(s.command)} | ${s.exitCode ?? '—'} | ${cell(stepResult(s))} | ${formatDuration(s.durationMs)} |`
    )
  ].join('\n')
  const tails = record.steps
    .map((s, i) => ({ s, i }))
    .filter(({ s }) => s.outputTail.trim() || s.note)
    .map(({ s, i }) => {
      const open = s.status === 'ok' ? '' : ' open'
      const note = s.note ? `\n${cell(s.note, 400)}\n` : ''
      const tail = s.outputTail.trim() ? `\n${fence(lastLines(s.outputTail, TAIL_LINES))}\n` : ''
      return `<details${open}><summary>${i + 1}. ${s.name}${s.level ? ` (Level ${s.level})` : ''}: ${cell(stepResult(s))} — last output</summary>\n${note}${tail}\n</details>`
    })
  return [table, ...tails].join('\n\n')
}

export function lastLines(text: string, n: number): string {
  const lines = text.replace(/\r\n?/g, '\n').replace(/\n+$/, '').split('\n')
  return lines.length > n
    ? [`… (${lines.length - n} earlier lines)`, ...lines.slice(-n)].join('\n')
    : lines.join('\n')
}

// ---- backup and data loss ----------------------------------------------------------------

const DATA_LOSS_ROWS: [string, string, number][] = [
  ['< 1 hour', 'Usually acceptable (recent backup)', 3_600_000],
  ['1-6 hours', 'Check with team - what transactions will be lost?', 6 * 3_600_000],
  ['6-24 hours', 'Significant loss - notify stakeholders', 24 * 3_600_000],
  ['> 24 hours', 'Major loss - escalate to management', Infinity]
]

export function backupSection(facts: Facts, record: RunRecord): string {
  const t = record.rollback.target
  const lines: string[] = []
  if (!t) {
    lines.push(
      facts.level === 1 || !facts.level
        ? 'No backup target: Level 1 is a traffic switch to the previous version (no data restored, no data loss).'
        : 'No backup target was identified.'
    )
    if (facts.kind === 'security')
      lines.push(
        'For the clean recovery after clearance, pick the newest backup taken **before** the breach (`--list`).'
      )
    return lines.join('\n\n')
  }
  lines.push(
    `- **Target:** ${code(t.id)} (${t.source === 'input' ? 'from the rollback-target input' : 'newest backup before the deploy, from `--list`'})`,
    `- **Taken at:** ${t.takenAt === null ? 'unknown' : utc(t.takenAt)}`,
    `- **Age:** ${t.ageMs === null ? 'unknown' : formatDuration(t.ageMs)}`,
    `- **Data loss:** ${defuse(t.dataLossNote)}`
  )
  const row = t.ageMs === null ? -1 : DATA_LOSS_ROWS.findIndex((r) => (t.ageMs ?? 0) < r[2])
  lines.push(
    '',
    "The runbook's Data Loss Considerations:",
    '',
    '| Backup Age | Acceptable Data Loss? |',
    '|---|---|',
    ...DATA_LOSS_ROWS.map(([age, text], i) =>
      i === row ? `| **${age}** ◀ | **${text}** |` : `| ${age} | ${text} |`
    )
  )
  return lines.join('\n')
}

// ---- checklists --------------------------------------------------------------------------

interface Item {
  text: string
  done: boolean
  note?: string
}

function items(list: Item[]): string {
  return list
    .map((i) => `- [${i.done ? 'x' : ' '}] ${i.text}${i.note ? ` — ${i.note}` : ''}`)
    .join('\n')
}

export interface ChecklistOptions {
  /** The resolution comment itself notifies the team of completion. */
  completionNotified?: boolean
}

export function checklists(
  facts: Facts,
  record: RunRecord,
  ctx: ReportContext,
  opts: ChecklistOptions = {}
): string {
  const steps = record.steps
  const ran = (name: string): RemoteStep | undefined => steps.find((s) => s.name === name)
  const okStep = (name: string): boolean => steps.some((s) => s.name === name && s.status === 'ok')
  const rollbackSteps = steps.filter((s) => s.name === 'rollback')
  const executed = facts.rollbackRan
  const recovered = record.rollback.status === 'succeeded'
  const last = record.rollback.verificationSamples[record.rollback.verificationSamples.length - 1]
  const security = facts.kind === 'security'
  const verifySpanMs =
    record.rollback.verificationSamples.length > 1
      ? last.at - record.rollback.verificationSamples[0].at
      : 0
  const assignees = ctx.issueAssignees.length
    ? `this issue, assigned to ${ctx.issueAssignees.map((a) => defuse(`@${a}`)).join(', ')}`
    : undefined

  const pre: Item[] = [
    {
      text: 'Severity assessed (P1/P2/P3/P4)',
      done: true,
      note: `${facts.severity} by rule \`${facts.rule}\``
    },
    {
      text: 'Impact understood (users, data, systems)',
      done: false,
      note: 'measured signals are below; confirm what users saw'
    },
    {
      text: 'Rollback level selected (1/2/3)',
      done: !security && facts.level !== undefined,
      note: security
        ? 'no rollback before security clearance'
        : facts.level
          ? `Level ${facts.level}`
          : undefined
    },
    {
      text: 'Backup target identified (for Level 2/3)',
      done: Boolean(record.rollback.target) || (facts.level === 1 && !security),
      note: record.rollback.target
        ? code(record.rollback.target.id)
        : facts.level === 1 && !security
          ? 'n/a for Level 1'
          : undefined
    },
    {
      text: 'Team notified (for P1/P2)',
      done: Boolean(assignees),
      note: assignees ?? 'this issue has no assignees: notify the team'
    },
    {
      text: 'Evidence preserved (for security incidents)',
      done: security ? okStep('evidence') : true,
      note: security
        ? ran('evidence')
          ? stepResult(ran('evidence') as RemoteStep)
          : 'no evidence command ran'
        : 'n/a'
    },
    { text: 'Ready to execute', done: executed, note: record.dryRun ? 'dry run' : undefined }
  ]
  const during: Item[] = [
    {
      text: 'Rollback command executed',
      done: executed,
      note: executed
        ? rollbackSteps.map((s) => `Level ${s.level ?? '?'}: ${stepResult(s)}`).join('; ')
        : security
          ? 'not before security clearance'
          : undefined
    },
    {
      text: 'Progress monitored',
      done: executed,
      note: executed ? 'output captured, time-limited' : undefined
    },
    {
      text: 'No unexpected errors',
      done:
        executed &&
        steps.every((s) => s.status === 'ok' || s.status === 'skipped' || s.status === 'dry-run')
    },
    {
      text: 'Services starting correctly',
      done: okStep('validate'),
      note: ran('validate') ? `validate ${stepResult(ran('validate') as RemoteStep)}` : undefined
    },
    {
      text: 'Health checks passing',
      done: recovered,
      note: recovered ? 'verification watch' : undefined
    }
  ]
  const errOk = recovered && last?.errorRate.status === 'measured'
  const p95Ok =
    recovered && (last?.p95.status === 'measured' || last?.health.latencyMs !== undefined)
  const corruptionOk = recovered && last?.host.corruption.status === 'ok'
  const post: Item[] = [
    { text: 'Services healthy', done: recovered },
    {
      text: 'Smoke tests passing',
      done: okStep('smoke-test'),
      note: ran('smoke-test')
        ? `smoke test ${stepResult(ran('smoke-test') as RemoteStep)}`
        : undefined
    },
    {
      text: 'Error rate normal',
      done: Boolean(errOk),
      note: errOk && last ? pct(last.errorRate) : recovered ? 'not measured' : undefined
    },
    {
      text: 'Response time normal',
      done: Boolean(p95Ok),
      note: p95Ok && last ? responseTime(last) : undefined
    },
    {
      text: 'Data integrity verified',
      done: Boolean(corruptionOk),
      note: corruptionOk
        ? 'corruption check ok'
        : 'no corruption check after the rollback: verify by hand'
    },
    {
      text: 'Team notified of completion',
      done: Boolean(opts.completionNotified && recovered),
      note: opts.completionNotified && recovered ? 'this comment' : undefined
    },
    {
      text: 'Monitoring for 15+ minutes',
      done: recovered && verifySpanMs >= 15 * 60_000,
      note: recovered ? `verification watched ${formatDuration(verifySpanMs)}` : undefined
    },
    { text: 'Incident report created', done: true, note: 'this issue' },
    { text: 'Post-mortem scheduled', done: false }
  ]
  return [
    '### Pre-Rollback Checklist',
    items(pre),
    '### During Rollback Checklist',
    items(during),
    '### Post-Rollback Checklist',
    items(post)
  ].join('\n\n')
}

export function postChecklistOnly(facts: Facts, record: RunRecord, ctx: ReportContext): string {
  const all = checklists(facts, record, ctx, { completionNotified: true })
  return all.slice(all.indexOf('### Post-Rollback Checklist'))
}

/** The runbook's Security Breach steps 1–5 as a checklist. */
export function securitySteps(record: RunRecord, ctx: ReportContext): string {
  const iso = record.steps.find((s) => s.name === 'isolate')
  const ev = record.steps.find((s) => s.name === 'evidence')
  const target = record.rollback.target?.id ?? '<pre-breach-backup>'
  const level3 = remoteCommand(
    ctx,
    `bash ${shq(ctx.rollbackScript)} --level 3 --target ${shq(target)}`
  )
  return [
    `- [${iso?.status === 'ok' ? 'x' : ' '}] **1. ISOLATE** (do this first): ${iso ? `${code(iso.command)} — ${stepResult(iso)}` : 'no isolate command configured — run `docker-compose down` and drop ports 80/443 by hand'}`,
    `- [${ev?.status === 'ok' ? 'x' : ' '}] **2. PRESERVE EVIDENCE**: ${ev ? `${code(ev.command)} — ${stepResult(ev)}` : 'no evidence command configured — `docker commit` the container and save `docker-compose logs` by hand'}`,
    '- [ ] **3. NOTIFY**: call the security team, email security@company.com, post in #security-incidents',
    '- [ ] **4. DO NOT PROCEED WITHOUT SECURITY TEAM APPROVAL**',
    `- [ ] **5. After clearance — clean recovery (Level 3)**: ${code(level3)}`,
    '',
    '> [!CAUTION]',
    '> **Do NOT rollback immediately - you may destroy forensic evidence!** The action ran **no rollback**.'
  ].join('\n')
}

/** The security alert lines seen during the watch (untrusted), fenced. */
export function alertLines(record: RunRecord, max = 50): string {
  const lines: string[] = []
  for (const s of record.samples) {
    if (s.host.security.status !== 'alert') continue
    for (const l of s.host.security.lines ??
      (s.host.security.detail ? [s.host.security.detail] : []))
      if (!lines.includes(l)) lines.push(l)
  }
  if (lines.length === 0) return '_No alert lines were captured._'
  const shown = lines.slice(0, max)
  const more =
    lines.length > max
      ? `\n\n_${lines.length - max} more lines in the decision trace artifact._`
      : ''
  return `${fence(shown.join('\n'))}${more}`
}

// ---- commands for a human ----------------------------------------------------------------

/** POSIX shell quoting: bare when safe, else single quotes. */
export function shq(text: string): string {
  // A <placeholder> for the reader to replace stays readable.
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(text) || /^<[a-z-]+>$/.test(text)) return text
  return `'${text.replace(/'/g, `'\\''`)}'`
}

/** A command run in app-dir on the deploy host, as a person types it. */
export function remoteCommand(ctx: ReportContext, command: string): string {
  const inner = ctx.appDir ? `cd ${shq(ctx.appDir)} && ${command}` : command
  if (!ctx.host) return inner
  const port = ctx.sshPort && ctx.sshPort !== 22 ? `-p ${ctx.sshPort} ` : ''
  return `ssh ${port}${ctx.host} ${shq(inner)}`
}

export function commandsSection(facts: Facts, record: RunRecord, ctx: ReportContext): string {
  const script = shq(ctx.rollbackScript)
  const target = record.rollback.target?.id
  const t = shq(target ?? '<backup-id>')
  const validate = shq(ctx.validateScript || 'deploy/rollback/validate_rollback.sh')
  const smoke = shq(ctx.smokeTestScript || 'deploy/smoke_tests.sh')
  const run = (c: string): string => remoteCommand(ctx, c)
  const health = ctx.healthUrl
    ? `curl -sS -i ${shq(stripUserinfo(ctx.healthUrl))}`
    : run('curl http://localhost:8080/status | jq')
  const lines = [
    ctx.host
      ? ''
      : `# No ssh-host was set: run these on the deploy host${ctx.appDir ? ` (in ${ctx.appDir})` : ''}.`,
    '# Check service health',
    health,
    '',
    '# Check error rate',
    promQuery(ctx, 'rate(http_requests_total{status=~"5.."}[5m])'),
    '',
    '# Check response time',
    promQuery(ctx, 'histogram_quantile(0.95, rate(http_request_duration_seconds_bucket[5m]))'),
    '',
    '# Check container status',
    run('docker-compose ps'),
    '',
    '# Check logs',
    run('docker-compose logs --tail=100'),
    '',
    `# Quick rollback (Level 1)${marker(facts, record, 1)}`,
    run(`bash ${script} --quick`),
    '',
    `# Level 2 rollback${marker(facts, record, 2)}`,
    run(`bash ${script} --level 2 --target ${t}`),
    '',
    `# Level 3 rollback${marker(facts, record, 3)}`,
    run(`bash ${script} --level 3 --target ${t}`),
    '',
    '# List backups',
    run(`bash ${script} --list`),
    '',
    '# Validate rollback',
    run(`bash ${validate}`),
    '',
    '# Smoke tests',
    run(`bash ${smoke}`)
  ].filter((l, i) => i > 0 || l)
  const note = target
    ? ''
    : '\n\nReplace `<backup-id>` with an id from `--list` (the newest one taken before the deploy).'
  return `${fence(lines.join('\n'), 'bash')}${note}`
}

/** The runbook's Prometheus query: against prometheus-url when known, else on the host. */
function promQuery(ctx: ReportContext, query: string): string {
  if (ctx.prometheusUrl)
    return `curl -sG ${shq(`${stripUserinfo(ctx.prometheusUrl).replace(/\/+$/, '')}/api/v1/query`)} --data-urlencode ${shq(`query=${query}`)}`
  return remoteCommand(ctx, `curl ${shq(`http://localhost:9090/api/v1/query?query=${query}`)}`)
}

function marker(facts: Facts, record: RunRecord, level: RollbackLevel): string {
  if (facts.kind === 'security')
    return level === 3
      ? ' — only after security clearance, to the pre-breach backup'
      : ' — NOT during a security incident'
  if (facts.rollbackRan && record.rollback.attempts.some((a) => a.level === level))
    return ' — the action ran this'
  if (record.rollback.status === 'failed' && level === nextLevel(facts.level))
    return ' — the next level'
  if (!facts.rollbackRan && facts.level === level) return ' — the level the rule calls for'
  return ''
}

function stripUserinfo(url: string): string {
  try {
    const u = new URL(url)
    u.username = ''
    u.password = ''
    return u.toString()
  } catch {
    return url
  }
}

// ---- links -------------------------------------------------------------------------------

export function linksSection(record: RunRecord, ctx: ReportContext): string {
  return [
    `- Workflow run: ${runUrl(ctx)} (${cell(ctx.workflow)}, attempt ${ctx.runAttempt})`,
    `- Commit: ${commitUrl(ctx)}`,
    `- Deployments of ${cell(record.environment)}: ${deploymentUrl(ctx, record.environment)}`,
    '- Decision trace: the artifact of the run (every sample, verdict and step)'
  ].join('\n')
}
