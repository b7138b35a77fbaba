// The backup a Level 2/3 rollback restored, its age and the runbook's data-loss note.
import { DATA_LOSS_BANDS, dataLossBand } from '../../runbook/backups.js'
import { formatDuration } from '../../lib/duration.js'
import type { RunRecord } from '../../runbook/record.js'
import { type Facts, utc } from '../context.js'
import { code, defuse } from '../markdown.js'

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
  const row = dataLossBand(t.ageMs)
  lines.push(
    '',
    "The runbook's Data Loss Considerations:",
    '',
    '| Backup Age | Acceptable Data Loss? |',
    '|---|---|',
    ...DATA_LOSS_BANDS.map(({ age, note }, i) =>
      i === row ? `| **${age}** ◀ | **${note}** |` : `| ${age} | ${note} |`
    )
  )
  return lines.join('\n')
}
