// The replies to commands on the incident issue. Pure. A reply names who asked and with what (the
// command as the action understood it, never the comment's own text), says what ran on the host
// (commands, exit codes, durations) and links the run. A rollback reply is the runbook's
// [RESOLVED] or "Rollback FAILED" template. Replies carry no marker: comments are a log, never
// read back (the exactly-once receipt is the action's reaction on the command comment).
import { endedUnrecovered } from '../runbook/outcome.js'
import { VERB_USAGE, VERBS, type Role } from '../runbook/commands.js'
import { levelAfter } from '../runbook/levels.js'
import type { IncidentState, Pending } from '../runbook/pending.js'
import { ruleInfo, RULES } from '../runbook/rules.js'
import { formatAge } from '../runbook/backups.js'
import type { BackupChoice, RollbackLevel, RuleId } from '../runbook/types.js'
import type { RemoteStep, RollbackOutcome, RunRecord } from '../runbook/record.js'
import { failedBody, resolvedBody } from './bodies.js'
import { factsOf, runUrl, utc, type ReportContext } from './context.js'
import { cell, code, defuse, defuseChat, fitBody, scrub, scrubDeep } from './markdown.js'
import { stepsTable } from './sections/steps.js'

export interface ReplyContext {
  report: ReportContext
  environment: string
  asker: { login: string; role: Role | null }
  commentId: number
  /** The command as the action writes it (canonicalCommand); undefined for a bad command. */
  asked?: string
  /** The verb when the line parsed. */
  verb?: string
}

export interface Reply {
  body: string
  /** One line for the log, the chat webhook and the outputs' reason. */
  headline: string
  labelsToAdd: string[]
}

const SUCCESS_LABEL = 'resolved'

/** Who asked, with what, what ran on the host, and the run. */
function footer(rc: ReplyContext, steps: readonly RemoteStep[], noSteps?: string): string {
  const role = rc.asker.role ? ` (${rc.asker.role})` : ''
  return [
    '### What ran',
    '',
    steps.length === 0 && noSteps ? noSteps : stepsTable(steps),
    '',
    `Asked by @${rc.asker.login}${role} with ${rc.asked ? code(rc.asked) : 'a comment that is not a valid command'} · run [${rc.report.runId || 'local'}](${runUrl(rc.report)})`
  ].join('\n')
}

export function finish(
  rc: ReplyContext,
  head: string[],
  steps: readonly RemoteStep[],
  noSteps?: string
): string {
  const body = [...head, '', footer(rc, steps, noSteps)].join('\n')
  return fitBody(scrub(body, rc.report.secrets))
}

/** Not allowed (role, bot) or not on this issue: nothing ran. */
export function renderRefusal(rc: ReplyContext, reason: string): Reply {
  const headline = `refused: ${reason}`
  return {
    body: finish(rc, ['## 🚫 Not run', '', defuse(reason)], []),
    headline,
    labelsToAdd: []
  }
}

/** A first line that starts with /rollback-sentinel but is not a command: what was wrong. */
export function renderBadCommand(rc: ReplyContext, problem: string): Reply {
  return {
    body: finish(
      rc,
      [
        '## ❓ Not a valid command',
        '',
        `A comment from @${rc.asker.login} starts with \`/rollback-sentinel\` but is not one of the commands below: ${defuse(problem)}.`,
        '',
        '**Usage**',
        '',
        usageList()
      ],
      []
    ),
    headline: `bad command: ${problem}`,
    labelsToAdd: []
  }
}

function usageList(): string {
  return VERBS.map((v) => `- \`/rollback-sentinel ${VERB_USAGE[v]}\``).join('\n')
}

const WHAT_RUNS: Record<(typeof VERBS)[number], string> = {
  rollback:
    "that level as the watch runs it (stop-command before Level 3, validate, smoke test, verification); default target: the newest backup from before the incident's deploy; no automatic escalation",
  'clear-security':
    "security incidents only, after the security team's clearance: stop-command, then Level 3 to the pre-breach backup, validation, verification; without target the reply lists the backups",
  approve:
    'what the incident left pending: a restore blocked by backup-max-age, or the P3 "consider rollback" (Level 1)',
  status: 'one probe cycle (health, Prometheus, read-only host checks), shown in the reply',
  help: 'this list'
}

export function pendingText(p: Pending | undefined): string {
  if (!p) return 'nothing'
  if (p.action === 'restore')
    return `a Level ${p.level} restore to ${code(p.target)} blocked by \`rollback.backup-max-age\` (\`approve\` runs it)`
  if (p.action === 'consider-rollback')
    return 'the runbook\'s P3 "consider rollback" (`approve` runs Level 1)'
  return "the security team's clearance (then `clear-security target=ID`)"
}

export function renderHelp(rc: ReplyContext, minRole: string, state: IncidentState): Reply {
  const rows = VERBS.map(
    (v) => `| \`/rollback-sentinel ${VERB_USAGE[v]}\` | ${cell(WHAT_RUNS[v], 400)} |`
  )
  const head = [
    '## ℹ️ Commands on this incident',
    '',
    'The first line of a comment: `/rollback-sentinel <verb> [key=value …]`.',
    '',
    '| Command | What runs |',
    '|---|---|',
    ...rows,
    '',
    `**Who may:** people whose role in this repository is **${minRole}** or higher (policy \`commands.min-role\`); comments by bots are never acted on.`,
    '',
    `**Pending on this incident:** ${pendingText(state.pending)}.`,
    '',
    'Each comment runs once (a re-run of the workflow finds this reply and does nothing); commands wait for a running deploy or rollback of the same environment.'
  ]
  return { body: finish(rc, head, []), headline: 'help', labelsToAdd: [] }
}

/** A reply with nothing to run (nothing pending, a security incident, …). */
export function renderAnswer(rc: ReplyContext, text: string): Reply {
  return {
    body: finish(rc, ['## ℹ️ Nothing ran', '', text], []),
    headline: `nothing ran: ${text.replace(/`/g, '')}`,
    labelsToAdd: []
  }
}

export interface RollbackReplyInput {
  outcome: RollbackOutcome
  steps: RemoteStep[]
  startedAt: number
  endedAt: number
  state: IncidentState
  /** The runbook step the command carried out. */
  step: 'rollback' | 'approve-restore' | 'approve-consider' | 'clear-security'
  dryRun: boolean
}

const isRule = (r: string | undefined): r is RuleId => RULES.some((x) => x.id === r)

/** The run of a command as the report's RunRecord, so the runbook's templates render it. */
export function commandRecord(rc: ReplyContext, input: RollbackReplyInput): RunRecord {
  const { outcome, state } = input
  const rule: RuleId = isRule(state.rule)
    ? state.rule
    : state.security
      ? 'security-breach'
      : 'healthy'
  const level = outcome.level
  return {
    environment: rc.environment,
    startedAt: input.startedAt,
    endedAt: input.endedAt,
    deployedAt: state.deployedAt ?? input.startedAt,
    samples: [],
    verdicts: [],
    final: {
      decision: 'rollback',
      severity: ruleInfo(rule).severity,
      rule,
      reason: `${rc.asked ?? 'a command'} by @${rc.asker.login}`,
      ...(level ? { level } : {}),
      evidence: []
    },
    breachFirstSeenAt: state.breachAt,
    firedRule: rule,
    steps: input.steps,
    rollback: outcome,
    notes: [],
    dryRun: input.dryRun,
    cancelled: false
  }
}

const STEP_TITLE: Record<RollbackReplyInput['step'], string> = {
  rollback: 'Rollback requested on the incident',
  'approve-restore': 'Approved: the restore that backup-max-age blocked',
  'approve-consider': 'Approved: the runbook\'s "consider rollback" (Level 1)',
  'clear-security': 'Security clearance given: clean recovery (runbook Security Breach step 5)'
}

export function renderRollbackReply(rc: ReplyContext, input: RollbackReplyInput): Reply {
  const record = scrubDeep(commandRecord(rc, input), rc.report.secrets)
  const facts = factsOf(record)
  const r = record.rollback
  const level = r.level
  const intro = `**${STEP_TITLE[input.step]}** by @${rc.asker.login}: ${defuse(r.reason)}`
  const next = level ? levelAfter(level) : undefined
  let head: string[]
  let labelsToAdd: string[] = []
  let headline: string
  if (r.status === 'succeeded') {
    head = [
      intro,
      '',
      resolvedBody(facts, record, rc.report, {
        nextSteps:
          'find the cause before redeploying; tick the open checklist items; schedule the post-mortem; close this issue after it.'
      })
    ]
    labelsToAdd = [SUCCESS_LABEL]
    headline = `RESOLVED: ${r.reason}`
  } else if (endedUnrecovered(r.status)) {
    const tryNext =
      r.status === 'blocked'
        ? 'choose the backup yourself: `/rollback-sentinel rollback level=N target=ID` (see `--list`), or fix forward'
        : next
          ? `\`/rollback-sentinel rollback level=${next}\` (add \`target=ID\` for a given backup), or fix forward`
          : 'restore by hand or fix forward (Level 3 is the last level)'
    head = [intro, '', failedBody(facts, record, rc.report, { nextSteps: tryNext })]
    labelsToAdd = [`rollback-${r.status}`]
    headline = `rollback ${r.status.toUpperCase()}: ${r.reason}`
  } else {
    head = [intro, '', '## 🟡 Dry run — nothing ran on the host']
    headline = `dry run: ${r.reason}`
  }
  return { body: finish(rc, head, record.steps), headline, labelsToAdd }
}

/** The chat notice for a command's result. */
export function commandNotice(
  rc: ReplyContext,
  issueNumber: number,
  reply: Reply,
  url: string
): string {
  return defuseChat(
    scrub(
      `rollback-sentinel (${rc.environment}) #${issueNumber}: @${rc.asker.login} ran ${rc.asked ?? 'a command'}\n${reply.headline.slice(0, 500)}\n${url}`,
      rc.report.secrets
    )
  )
}

/** Said before an approved restore runs: exactly what will run, on which backup. */
export function renderWillRun(
  rc: ReplyContext,
  level: RollbackLevel,
  target: BackupChoice,
  step: RollbackReplyInput['step']
): string {
  const head = [
    `## ▶️ Running now: Level ${level} to ${code(target.id)}`,
    '',
    `**${STEP_TITLE[step]}** by @${rc.asker.login}. Checked again just now: \`rollback.sh --list\` shows ${code(target.id)}, taken ${target.takenAt !== null ? utc(target.takenAt) : 'at an unknown time'}, before the incident's deploy; ${target.ageMs !== null ? `${formatAge(target.ageMs)} old` : 'age unknown'} (runbook: ${target.dataLossNote}).`,
    '',
    `What runs: ${level === 3 ? 'stop-command (if set), then ' : ''}\`${rc.report.rollbackScript} --level ${level} --target ${target.id}\`, validate, smoke test, verification. The result follows in the next reply.`
  ]
  return finish(rc, head, [], '_Nothing has run on the host yet._')
}
