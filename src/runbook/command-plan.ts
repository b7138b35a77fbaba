// What a valid, authorised command does on this incident: the runbook's human steps, decided from
// the issue (open, ours, this environment) and its trusted state (the deploy, the rule, what is
// pending), and the re-check of an approved restore at the moment it runs. Pure: table-tested in
// __tests__/runbook/commands.test.ts.
import { backupAgeBlock, dataLossNote, type Backup } from './backups.js'
import type { Command } from './commands.js'
import type { IncidentState, Pending } from './pending.js'
import type { BackupChoice, RollbackLevel } from './types.js'

export type CommandPlan =
  /** One level, as the watch runs it, without escalation. */
  | {
      kind: 'rollback'
      level: RollbackLevel
      target?: string
      /** The incident's deploy: the default target is the newest backup from before it. */
      deployedAt?: number
      /** The runbook step it carries out. */
      step: 'rollback' | 'approve-restore' | 'approve-consider' | 'clear-security'
    }
  /** `rollback.sh --list` with ages and data-loss notes, and why a target is needed. */
  | { kind: 'list-backups'; why: string }
  | { kind: 'status' }
  | { kind: 'help' }
  /** A reply and nothing else (e.g. nothing pending to approve). */
  | { kind: 'answer'; text: string }

export interface IssueFacts {
  number: number
  state: string
  pullRequest: boolean
  /** An issue the action's own account opened with a state line (report/incident-state.ts). */
  incident: boolean
  /** The environment on its state line. */
  environment?: string
}

/**
 * Whether a command on this issue is answered. `ignore`: not one of the action's incidents of this
 * environment, so nothing is written to it (an outsider's look-alike is never written to);
 * `refuse`: the action's own incident, but commands cannot act on it now (a reply says why).
 */
export function issueRefusal(
  issue: IssueFacts,
  environment: string
): { act: 'ignore' | 'refuse'; why: string } | null {
  if (issue.pullRequest)
    return {
      act: 'ignore',
      why: `#${issue.number} is a pull request: commands act on the incident issues rollback-sentinel opens`
    }
  if (!issue.incident)
    return {
      act: 'ignore',
      why: `#${issue.number} is not an incident issue that rollback-sentinel opened (opened by its own account, with its state line): nothing is written to it`
    }
  if (issue.environment !== environment)
    return {
      act: 'ignore',
      why: `#${issue.number} is the incident of another environment, and this workflow step acts on '${environment}': nothing runs (the command job of that environment answers)`
    }
  if (issue.state !== 'open')
    return {
      act: 'refuse',
      why: `#${issue.number} is ${issue.state}: commands act on open incidents only (reopen it first if production still needs a hand)`
    }
  return null
}

const CLEAR = 'clear-security target=ID'

/** What the command does on an incident in this state. */
export function planCommand(command: Command, state: IncidentState): CommandPlan {
  const awaitingClearance = state.security && !state.commandRolledBack
  switch (command.verb) {
    case 'help':
      return { kind: 'help' }
    case 'status':
      return { kind: 'status' }
    case 'rollback': {
      if (awaitingClearance)
        return {
          kind: 'answer',
          text: `This is a security incident: the runbook says DO NOT roll back until the security team clears it (a rollback may destroy forensic evidence). After clearance: \`/rollback-sentinel ${CLEAR}\` with the pre-breach backup.`
        }
      if (command.level >= 2 && !command.target && state.deployedAt === undefined)
        return {
          kind: 'list-backups',
          why: `This incident's record does not give the deploy time (opened by an earlier version, or its record was not trusted), so there is no "newest backup from before the deploy" to default to: repeat the command with \`target=ID\`.`
        }
      return {
        kind: 'rollback',
        level: command.level,
        ...(command.target ? { target: command.target } : {}),
        ...(state.deployedAt !== undefined ? { deployedAt: state.deployedAt } : {}),
        step: 'rollback'
      }
    }
    case 'clear-security':
      if (!state.security)
        return {
          kind: 'answer',
          text: `This is not a security incident (rule \`${state.rule ?? 'unknown'}\`): use \`/rollback-sentinel rollback level=1|2|3\` instead.`
        }
      if (!command.target)
        return {
          kind: 'list-backups',
          why: 'The clean recovery restores the newest backup from **before the breach began**, which the security team knows: repeat the command with `target=ID` from the list below.'
        }
      return {
        kind: 'rollback',
        level: 3,
        target: command.target,
        ...(state.deployedAt !== undefined ? { deployedAt: state.deployedAt } : {}),
        step: 'clear-security'
      }
    case 'approve': {
      const p = state.pending
      if (!p)
        return {
          kind: 'answer',
          text: 'Nothing is pending on this incident: no blocked restore and no "consider rollback" waits for approval. To roll back anyway: `/rollback-sentinel rollback level=1|2|3`.'
        }
      if (p.action === 'security-clearance')
        return {
          kind: 'answer',
          text: `This incident waits for the security team's clearance, which \`approve\` cannot give: once they have cleared it, \`/rollback-sentinel ${CLEAR}\` with the pre-breach backup runs the clean recovery.`
        }
      if (p.action === 'restore')
        return {
          kind: 'rollback',
          level: p.level,
          target: p.target,
          ...(state.deployedAt !== undefined ? { deployedAt: state.deployedAt } : {}),
          step: 'approve-restore'
        }
      return {
        kind: 'rollback',
        level: 1,
        ...(state.deployedAt !== undefined ? { deployedAt: state.deployedAt } : {}),
        step: 'approve-consider'
      }
    }
  }
}

/** What an approval or a clearance is about to restore, checked again at the moment it runs. */
export interface ApprovalCheck {
  level: RollbackLevel
  target: string
  /** The backups `rollback.sh --list` shows now. */
  backups: readonly Backup[]
  /** The incident's deploy, as the action recorded it. */
  deployedAt: number
  now: number
  backupMaxAgeMs: number
  /** The approval answers exactly this block (the pending restore of this level and target). */
  answersBlock: boolean
}

export type ApprovalResult =
  | { ok: true; target: BackupChoice }
  /** Refused; `pending`: the restore a person may now approve (a clearance held by age). */
  | { ok: false; reason: string; pending?: Pending }

/**
 * An approved restore runs only a backup the host lists now, taken before the incident's deploy,
 * and within backup-max-age unless the approval is the answer to exactly that block (the one
 * backup-age rule of backups.ts).
 */
export function checkApproval(c: ApprovalCheck): ApprovalResult {
  const backup = c.backups.find((b) => b.id === c.target)
  if (!backup)
    return {
      ok: false,
      reason: `backup ${c.target} is not among the ${c.backups.length} backup(s) that rollback.sh --list shows now: nothing ran`
    }
  if (backup.takenAt >= c.deployedAt)
    return {
      ok: false,
      reason: `backup ${c.target} was taken at ${new Date(backup.takenAt).toISOString()}, not before the incident's deploy (${new Date(c.deployedAt).toISOString()}): restoring it would bring the broken release back, so nothing ran`
    }
  const ageMs = Math.max(0, c.now - backup.takenAt)
  const target: BackupChoice = {
    id: backup.id,
    takenAt: backup.takenAt,
    ageMs,
    source: 'list',
    dataLossNote: dataLossNote(ageMs)
  }
  const tooOld = backupAgeBlock(c.level, target, c.backupMaxAgeMs)
  if (tooOld && !c.answersBlock)
    return {
      ok: false,
      reason: `${tooOld}: nothing ran; \`/rollback-sentinel approve\` runs exactly this restore`,
      pending: { action: 'restore', level: c.level, target: backup.id }
    }
  return { ok: true, target }
}
