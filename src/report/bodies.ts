// The bodies of the incident issue and of its resolution comments, from the runbook's
// Communication Templates (P1/P2/security, [RESOLVED], FAILED). Pure.
import { formatDuration } from '../lib/duration.js'
import { levelAfter } from '../runbook/levels.js'
import type { RunRecord } from '../runbook/record.js'
import { type Facts, type ReportContext, utc } from './context.js'
import { cell, code, defuse, fence } from './markdown.js'
import { backupSection } from './sections/backup.js'
import { postChecklistOnly } from './sections/checklists.js'
import { commandsSection } from './sections/commands.js'
import { fleetSection } from './sections/fleet.js'
import { samplesTable } from './sections/samples.js'
import { nowLine } from './sections/status.js'
import { lastLines } from './sections/steps.js'
import { ruleSection } from './sections/timeline.js'
import { TEAM, describeSample, responseTime, stepResult } from './sections/values.js'

/** The built-in issue body from the placeholders' values and the sections they were made of. */
export function builtInBody(
  facts: Facts,
  record: RunRecord,
  v: Record<string, string>,
  parts: { security: string; lists: string; links: string }
): string {
  // The subject the incident opened with stays here when the title moves on (resolved, failed).
  const head = [
    `**Subject:** ${defuse(v.title)}`,
    '',
    `- **Status:** ${v.status}`,
    `- **Action:** ${defuse(v.action)}`,
    `- **ETA:** ${v.eta}`,
    `- **Impact:** ${v.impact}`,
    `- **Error Rate:** ${v.error_rate} · **Response Time:** ${responseTime(facts.breachSample)}`,
    `- **Next Update:** ${nextUpdate(facts, record)}`,
    `- **Team:** ${TEAM}`,
    '',
    `**Production now:** ${v.now}`,
    '',
    '### What is left for a human',
    '',
    v.todo
  ]
  const sections: [string, string][] = []
  if (facts.kind === 'security') {
    sections.push(['## Security steps (runbook: Security Breach Decision)', parts.security])
    sections.push(['## Alert lines (untrusted text from the host)', v.alerts])
    sections.push(['## What the action ran', v.steps])
  }
  sections.push(['## Why: the rule that fired', ruleSection(facts, record)])
  sections.push(['## Timeline', v.timeline])
  if (record.rollback.fleet) sections.push(['## Hosts of the fleet', fleetSection(record)])
  if (facts.kind !== 'security') sections.push(['## What the action ran', v.steps])
  sections.push(['## Samples', v.samples_table])
  sections.push(['## Charts', v.charts])
  sections.push(['## Backup and data loss', backupSection(facts, record)])
  sections.push(['## Runbook checklists (ticked: done or verified by the action)', parts.lists])
  sections.push(['## Commands for a human', v.commands])
  sections.push(['## Links', parts.links])
  return [...head, '', ...sections.map(([h, text]) => `${h}\n\n${text}\n`)].join('\n')
}

/** Overrides for a reply to a command (a person chose the level; the next step is a command). */
export interface BodyOptions {
  nextSteps?: string
}

export function resolvedBody(
  facts: Facts,
  record: RunRecord,
  ctx: ReportContext,
  opts: BodyOptions = {}
): string {
  const r = record.rollback
  const minutes = facts.downtimeMs !== undefined ? Math.round(facts.downtimeMs / 60_000) : undefined
  const duration =
    facts.downtimeMs !== undefined && minutes !== undefined
      ? `${minutes < 1 ? '< 1 minute' : `${minutes} minute${minutes === 1 ? '' : 's'}`} downtime (${formatDuration(facts.downtimeMs)}: breach first seen ${utc(facts.breachAt ?? 0)} → recovered ${utc(facts.recoveredAt ?? 0)})`
      : 'unknown (no breach time recorded)'
  const last = facts.lastSample
  const dataLoss =
    facts.level === 1 || !r.target
      ? 'None (Level 1 switches traffic back; no data restored)'
      : `Data since backup ${code(r.target.id)} (taken ${r.target.takenAt === null ? 'at an unknown time' : utc(r.target.takenAt)}, ${r.target.ageMs === null ? 'age unknown' : `${formatDuration(r.target.ageMs)} old`}): ${defuse(r.target.dataLossNote)}`
  return [
    '## ✅ [RESOLVED] Rollback Complete - Service Restored',
    '',
    '- **Status:** RESOLVED',
    `- **Rollback Level:** ${r.level ?? facts.level}${r.attempts.length > 1 ? ` (tried ${r.attempts.map((a) => a.level).join(' → ')})` : ''}`,
    `- **Duration:** ${duration}`,
    `- **Service Status:** All systems healthy${last ? ` — ${defuse(describeSample(last))} at ${utc(last.at)}` : ''}`,
    `- **Data Loss:** ${dataLoss}`,
    '',
    '- **Root Cause:** Under investigation',
    `- **Next Steps:** ${opts.nextSteps ?? `find why \`${facts.rule}\` fired in ${ctx.sha.slice(0, 7)} before redeploying; tick the open checklist items; schedule the post-mortem; close this issue after it.`}`,
    '',
    `- **Team:** ${TEAM}`,
    '',
    '### Verification evidence',
    '',
    attemptsTable(record),
    '',
    samplesTable(record.rollback.verificationSamples.slice(-10), record.startedAt),
    '',
    postChecklistOnly(facts, record, ctx)
  ].join('\n')
}

export function failedBody(
  facts: Facts,
  record: RunRecord,
  ctx: ReportContext,
  opts: BodyOptions = {}
): string {
  const r = record.rollback
  // The last output of the rollback levels and their checks: what a human reads first.
  const tailSteps = record.steps
    .filter((s) => ['rollback', 'validate', 'smoke-test', 'list-backups'].includes(s.name))
    .slice(-3)
  const next = levelAfter(facts.level)
  const word = r.status === 'failed' ? 'FAILED' : r.status === 'manual' ? 'STOPPED' : 'BLOCKED'
  const heading =
    r.status === 'manual'
      ? '## ❓ Rollback STOPPED - manual confirmation required'
      : `## ❌ Rollback ${word} - manual intervention required`
  return [
    heading,
    '',
    `- **Status:** ${word} — production is NOT confirmed healthy`,
    `- **Rollback Level:** ${r.attempts.length ? r.attempts.map((a) => a.level).join(' → ') : 'none ran'}`,
    `- **Reason:** ${defuse(r.reason)}`,
    `- **Production now:** ${nowLine(facts, record)}`,
    `- **Next Steps:** ${opts.nextSteps ?? (next ? `Level ${next} by hand (command below), or fix forward` : 'restore by hand or fix forward (Level 3 was the last level)')}`,
    `- **Team:** ${TEAM}`,
    '',
    '### Attempts',
    '',
    attemptsTable(record),
    '',
    ...(r.fleet ? ['### Hosts of the fleet', '', fleetSection(record), ''] : []),
    '### Last output',
    '',
    tailSteps.length
      ? tailSteps
          .map(
            (s) =>
              `**${s.name}${s.level ? ` (Level ${s.level})` : ''}** ${code(s.command)} — ${cell(stepResult(s))}\n\n${s.outputTail.trim() ? fence(lastLines(s.outputTail, 30)) : '_no output_'}`
          )
          .join('\n\n')
      : '_No output was captured._',
    '',
    '### Commands for a human',
    '',
    commandsSection(facts, record, ctx)
  ].join('\n')
}

export function attemptsTable(record: RunRecord): string {
  const attempts = record.rollback.attempts
  if (attempts.length === 0) return '_No rollback level ran._'
  return [
    '| Level | Started (UTC) | Took | Script | Verified | Reason |',
    '|---|---|---|---|---|---|',
    ...attempts.map(
      (a) =>
        `| ${a.level} | ${utc(a.startedAt)} | ${formatDuration(a.endedAt - a.startedAt)} | ${a.scriptOk ? 'exit 0' : 'failed'} | ${a.recovered ? '✅ recovered' : '❌ not recovered'} | ${cell(a.reason)} |`
    )
  ].join('\n')
}

export function nextUpdate(facts: Facts, record: RunRecord): string {
  if (facts.rollbackRan)
    return 'the resolution comment on this issue, posted when verification ended'
  if (facts.kind === 'security') return 'from the security team, on this issue'
  if (record.dryRun) return 'none (dry run)'
  return 'a comment on this issue at the next breach of this environment'
}

export function dataLossWithoutTarget(facts: Facts): string {
  if (facts.kind === 'security')
    return 'no rollback yet (after clearance: data since the pre-breach backup)'
  return facts.level === 1 || !facts.level
    ? 'None (no data restored)'
    : 'unknown (no backup target)'
}
