// What a valid, authorised command does on this incident: the runbook's human steps, decided from
// the issue (open, ours, this environment) and what its markers say (the deploy, the rule, what
// is pending). Pure: table-tested in __tests__/core/commands.test.ts.
import type { Command } from './commands.js'
import type { IncidentState } from './pending.js'
import type { RollbackLevel } from './types.js'

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
  /** The environment of the first marker in the issue body; undefined: no marker. */
  markerEnvironment?: string
}

/** Why commands cannot act on this issue, or null when it is an open incident of `environment`. */
export function issueRefusal(issue: IssueFacts, environment: string): string | null {
  if (issue.pullRequest)
    return `#${issue.number} is a pull request: commands act on the incident issues rollback-sentinel opens`
  if (issue.markerEnvironment === undefined)
    return `#${issue.number} is not an incident issue of rollback-sentinel (its body has no rollback-sentinel marker): nothing runs`
  if (issue.markerEnvironment !== environment)
    return `#${issue.number} is the incident of environment '${issue.markerEnvironment}', and this workflow step acts on '${environment}': nothing runs (run the command job of that environment)`
  if (issue.state !== 'open')
    return `#${issue.number} is ${issue.state}: commands act on open incidents only (reopen it first if production still needs a hand)`
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
          why: `This incident's marker does not record the deploy time (it was opened by an earlier version), so there is no "newest backup from before the deploy" to default to: repeat the command with \`target=ID\`.`
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
