// The runbook's template fields: the title, Status, Action, ETA, Impact, what production does now,
// and what is left for a human.
import { formatDuration } from '../../lib/duration.js'
import { levelAfter } from '../../runbook/levels.js'
import { ruleInfo } from '../../runbook/rules.js'
import type { RunRecord } from '../../runbook/record.js'
import { clock, type Facts, type ReportContext, utc } from '../context.js'
import { code, defuse } from '../markdown.js'
import { describeSample, pct, stepResult } from './values.js'

/**
 * What the incident title says: `acting` while the action acts (the runbook's P1/P2/P3 subject),
 * `resolved` after a verified recovery, `failed` when production is not confirmed healthy (failed,
 * blocked, or `manual`: a level ran cleanly but recovery could not be confirmed), `security` until
 * the security team clears it.
 */
export type IncidentState = 'acting' | 'resolved' | 'failed' | 'security'

/** The state a run leaves its incident in. */
export function incidentState(facts: Facts, record: RunRecord): IncidentState {
  if (facts.kind === 'security') return 'security'
  switch (record.rollback.status) {
    case 'succeeded':
      return 'resolved'
    case 'failed':
    case 'blocked':
    case 'manual':
      return 'failed'
    default:
      return 'acting'
  }
}

/** The runbook's subject for the incident in a state, with the environment and the rule. */
export function title(facts: Facts, record: RunRecord, state: IncidentState = 'acting'): string {
  const env = facts.environment
  const dry = record.dryRun ? ' (dry run)' : ''
  if (state === 'security' || (state === 'acting' && facts.kind === 'security'))
    return `[P1] Security Breach - Isolate, Do Not Roll Back: ${env}${dry}`
  if (state === 'resolved')
    return `[RESOLVED] Rollback Complete - Service Restored: ${env} — ${facts.rule}${dry}`
  if (state === 'failed')
    return `[P1] Rollback FAILED - manual intervention required: ${env} — ${facts.rule}${dry}`
  switch (facts.kind) {
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
        : `CRITICAL - ${ruleInfo(facts.rule).runbookRow}`
    case 'P2':
      return 'HIGH - Service degraded'
    case 'P3':
      return 'MEDIUM - Service degraded'
    default:
      return `LOW - ${ruleInfo(facts.rule).runbookRow}`
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

export function etaLine(facts: Facts, record: RunRecord, ctx: ReportContext): string {
  if (facts.kind === 'security')
    return 'Varies — clean recovery (Level 3) only after security clearance'
  if (!facts.level) return 'n/a (no rollback)'
  const base = `Service recovery in < ${minutes(ctx.levelLimitsMs[facts.level])} (Level ${facts.level} Max Time)`
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
  if (r.status === 'manual')
    return defuse(
      `❓ NOT confirmed — the host's checks pass but this runner cannot see production: ${r.reason}.${lastText}`
    )
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
    const next = levelAfter(facts.level)
    items.push(
      next
        ? `Next by hand: Level ${next} (command below), or fix forward.`
        : 'Level 3 was the last level: restore by hand or fix forward.'
    )
  } else if (r.status === 'manual') {
    items.push(
      `**Confirm production by hand:** Level ${facts.level} ran cleanly and the host's own checks pass, but this runner got no answer from the health URL, so the action did not escalate to a level that restores data.`
    )
    items.push(
      'Check the health URL from a machine that can reach it (proxy? internal CA? see docs/networks.md of rollback-sentinel); escalate by hand only if production is really down.'
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

/** "5 minutes" for whole minutes (the runbook's Max Time), else the duration as written. */
function minutes(ms: number): string {
  const m = ms / 60_000
  return Number.isInteger(m) ? `${m} minute${m === 1 ? '' : 's'}` : formatDuration(ms)
}
