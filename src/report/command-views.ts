// The replies that show what the host and production look like: one probe cycle (status) and the
// backup list (a target is needed). Pure; the shared parts (marker, footer) are in command-reply.ts.
import { dataLossNote, formatAge, type BackupList } from '../runbook/backups.js'
import type { Sample, Verdict } from '../runbook/types.js'
import type { RemoteStep } from '../runbook/record.js'
import { finish, type Reply, type ReplyContext } from './command-reply.js'
import { utc } from './context.js'
import { cell, code, defuse } from './markdown.js'
import { samplesTable } from './sections/samples.js'
import { describeSample } from './sections/values.js'

export function renderStatus(
  rc: ReplyContext,
  sample: Sample,
  verdict: Verdict,
  startedAt: number
): Reply {
  const reading =
    verdict.decision === 'healthy'
      ? 'healthy: no rule of the runbook breaches'
      : `\`${verdict.rule}\` (${verdict.severity}): ${defuse(verdict.reason)}`
  const checks = Object.entries(sample.host)
    .filter(([, r]) => r.status !== 'off')
    .map(
      ([name, r]) =>
        `| ${name} | ${r.status} | ${cell(('detail' in r ? r.detail : undefined) ?? ('reason' in r ? r.reason : undefined) ?? ('critical' in r ? `${r.critical} critical, ${r.medium} medium, ${r.low} low` : ''), 200)} |`
    )
  const head = [
    `## 📋 Status of ${defuse(rc.environment)} at ${utc(sample.at)}`,
    '',
    `**Now:** ${defuse(describeSample(sample))}.`,
    '',
    `**The runbook's rules on this one sample:** ${reading}. Window rules (the 5- and 15-minute rules) need a watch, not one sample.`,
    '',
    samplesTable([sample], startedAt),
    ...(checks.length
      ? [
          '',
          '**Host checks** (read-only):',
          '',
          '| Check | Result | Detail |',
          '|---|---|---|',
          ...checks
        ]
      : [])
  ]
  const ran = checks.length
    ? `_Only the ${checks.length} read-only host check(s) above ran on the host._`
    : '_The action ran nothing on the host._'
  return {
    body: finish(rc, head, [], ran),
    headline: `status: ${describeSample(sample)}`,
    labelsToAdd: []
  }
}

export function renderBackupList(
  rc: ReplyContext,
  why: string,
  listed: { step: RemoteStep; list?: BackupList; error?: string },
  deployedAt: number | undefined,
  now: number,
  verb: 'clear-security' | 'rollback'
): Reply {
  const head = [`## 📦 Backups on the host: choose the target`, '', why, '']
  const example = verb === 'clear-security' ? 'clear-security target=' : 'rollback level=3 target='
  if (!listed.list) {
    head.push(`❌ The backups could not be listed: ${defuse(listed.error ?? 'unknown error')}`)
  } else {
    const backups = [...listed.list.backups].sort((a, b) => b.takenAt - a.takenAt)
    head.push(
      backups.length
        ? [
            '| Backup | Taken (UTC) | Age | Before the deploy | Data loss (runbook) |',
            '|---|---|---|---|---|',
            ...backups.map(
              (b) =>
                `| ${code(b.id)} | ${utc(b.takenAt)} | ${formatAge(Math.max(0, now - b.takenAt))} | ${deployedAt === undefined ? '?' : b.takenAt < deployedAt ? 'yes' : 'no'} | ${dataLossNote(Math.max(0, now - b.takenAt))} |`
            )
          ].join('\n')
        : '_`--list` printed no backups._',
      ...(listed.list.rejected.length
        ? [
            '',
            `${listed.list.rejected.length} line(s) of \`--list\` were refused (unsafe ids) and are not shown.`
          ]
        : []),
      '',
      `Then: \`/rollback-sentinel ${example}<id>\``
    )
  }
  return {
    body: finish(rc, head, [listed.step]),
    headline: listed.list
      ? `listed ${listed.list.backups.length} backup(s): a target is needed`
      : `could not list the backups: ${listed.error}`,
    labelsToAdd: []
  }
}
