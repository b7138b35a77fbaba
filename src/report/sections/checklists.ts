// The runbook's pre-, during- and post-rollback checklists with what the action did ticked, the
// security steps, and the alert lines.
import { formatDuration } from '../../lib/duration.js'
import type { RemoteStep, RunRecord } from '../../runbook/record.js'
import { type Facts, type ReportContext } from '../context.js'
import { code, defuse, fence } from '../markdown.js'
import { remoteCommand, shq } from './commands.js'
import { pct, responseTime, stepResult } from './values.js'

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
