// mode: command — a comment on the incident issue (an issue_comment event) as the runbook's human
// steps. In order, before anything touches the host: the event; the grammar (not a command:
// nothing is written anywhere); exactly once (a reply to this comment already exists: nothing);
// a bad command, a bot, a role below commands.min-role, or an issue that is not this
// environment's open incident: a reply saying why. Then the 👀 reaction claims the comment, the
// core plans what to do from the issue's markers, command-run.ts carries it out, and the reply,
// the labels, the chat notice, the job summary and the outputs tell people.
import * as core from '@actions/core'
import { listBackups } from '../act/by-hand.js'
import {
  checkApproval,
  issueRefusal,
  planCommand,
  type ApprovalResult,
  type CommandPlan
} from '../runbook/command-plan.js'
import { readCommentEvent, type CommentEvent } from '../runbook/comment-event.js'
import {
  authorize,
  BadCommand,
  canonicalCommand,
  parseCommand,
  roleFrom
} from '../runbook/commands.js'
import { stateAfterCommand, type IncidentState, type Pending } from '../runbook/pending.js'
import { commandFailure } from '../runbook/outcome.js'
import type { RollbackLevel } from '../runbook/types.js'
import { Outputs } from '../settings/names.js'
import {
  commandNotice,
  renderBadCommand,
  renderRefusal,
  renderWillRun,
  type Reply,
  type ReplyContext
} from '../report/command-reply.js'
import { factsOf } from '../report/context.js'
import { learnSelf, readIncident, saveState, type Incident } from '../report/incident-state.js'
import { incidentTitle } from '../report/title.js'
import { reportContext, writeSummary, writeTrace } from '../report/publish.js'
import { carryOut, type CarriedOut } from './command-run.js'
import { sendNotice } from './notify.js'
import type { ModeContext } from './contract.js'

function outputs(
  decision: 'command' | 'refused' | 'ignored',
  reason: string,
  event?: CommentEvent,
  done?: CarriedOut
): Record<string, string> {
  const r = done?.rollback
  return {
    [Outputs.Decision]: decision,
    [Outputs.Reason]: reason,
    [Outputs.RollbackLevel]: r?.level ? String(r.level) : '',
    [Outputs.RollbackStatus]: r?.status ?? 'not-needed',
    [Outputs.RollbackTarget]: r?.target?.id ?? '',
    [Outputs.IssueNumber]: event ? String(event.issue.number) : '',
    [Outputs.IssueUrl]: event?.issue.url ?? ''
  }
}

export async function commandMode(ctx: ModeContext): Promise<void> {
  const { settings, adapters, log } = ctx
  const setup = (message: string): void => {
    ctx.setOutputs({ [Outputs.Decision]: 'bad-input' })
    core.setFailed(`bad input: ${message}`)
  }
  const { eventName, eventPath } = settings.run
  if (eventName !== 'issue_comment')
    return setup(
      `mode 'command' runs on issue_comment events, and this run's event is '${eventName || '(unknown)'}': trigger its workflow with on: issue_comment (see examples/incident-commands.yml)`
    )
  let raw: unknown
  try {
    raw = adapters.readEvent(eventPath)
  } catch (e) {
    return setup(
      `the event (GITHUB_EVENT_PATH '${eventPath}') cannot be read: ${(e as Error).message}`
    )
  }
  const read = readCommentEvent(raw)
  if ('error' in read) return setup(read.error)
  const { event } = read
  const ignore = (reason: string): void => {
    log.info(reason)
    ctx.setOutputs(outputs('ignored', reason, event))
  }
  if (event.action !== 'created')
    return ignore(
      `comment ${event.action || 'changed'}, not created: a command runs when it is made`
    )
  const parsed = parseCommand(event.comment.body)
  if (parsed === null)
    return ignore(
      'the comment is not a command (its first line does not start with /rollback-sentinel): nothing to do'
    )

  const github = adapters.github(settings, log)
  if (!github)
    return setup(
      'mode command needs github-token (issues: write) and GITHUB_REPOSITORY to read and answer the issue'
    )
  const gh = async <T>(what: string, fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await fn()
    } catch (e) {
      ctx.setOutputs(outputs('refused', `GitHub: ${(e as Error).message}`, event))
      core.setFailed(`could not ${what}: ${(e as Error).message}; nothing ran on the host`)
      return undefined
    }
  }

  const self = await learnSelf(github, (line) => log.warning(line))
  if (!self) {
    ctx.setOutputs(outputs('refused', 'the account the action writes as is unknown', event))
    core.setFailed(
      'could not learn which account the token writes as, so the incident cannot be told from a look-alike: nothing ran (check github-token)'
    )
    return
  }
  const found = event.issue.pullRequest
    ? { incident: undefined }
    : await gh('read the issue', async () => ({
        incident: await readIncident(github, self, event.issue.number, event.issue.labels)
      }))
  if (!found) return
  const { incident } = found
  const where = issueRefusal(
    {
      number: event.issue.number,
      state: incident?.state ?? event.issue.state,
      pullRequest: event.issue.pullRequest,
      incident: incident !== undefined,
      environment: incident?.environment
    },
    settings.environment
  )
  if (where?.act === 'ignore') return ignore(where.why)
  const own = incident as Incident

  const user = event.comment.user
  const rc: ReplyContext = {
    report: reportContext(settings),
    environment: settings.environment,
    asker: { login: user.login, role: null },
    commentId: event.comment.id,
    ...(parsed instanceof BadCommand ? {} : { asked: canonicalCommand(parsed), verb: parsed.verb })
  }
  /** The state to build on: the trusted record, or nothing of it (said in the reply). */
  const base: IncidentState = own.recorded ?? {
    environment: settings.environment,
    runId: settings.run.runId,
    security: own.labels.includes('security'),
    commandRolledBack: false,
    rolledBack: [],
    answered: []
  }
  /** Records the answered comment (and a rollback) in the incident's state line. */
  const record = async (rolledBackAt?: RollbackLevel, pending?: Pending): Promise<void> => {
    const next = stateAfterCommand(base, {
      commentId: event.comment.id,
      runId: settings.run.runId,
      ...(rolledBackAt ? { rolledBackAt } : {})
    })
    if (pending) next.pending = pending
    await saveState(github, own, next).catch((e: Error) =>
      log.warning(`the incident's state line could not be updated: ${e.message}`)
    )
  }
  /** Replies, then labels, the chat notice, the job summary, the trace and the outputs. */
  const post = async (
    reply: Reply,
    decision: 'command' | 'refused',
    done?: CarriedOut
  ): Promise<void> => {
    let url: string | undefined
    try {
      url = (await github.comment(event.issue.number, reply.body)).url
      log.info(`replied on #${event.issue.number}: ${url}`)
    } catch (e) {
      const ran = done?.rollback ? ' after the command ran (the job summary has its result)' : ''
      core.startGroup('the reply (not posted)')
      core.info(reply.body)
      core.endGroup()
      core.setFailed(`the reply could not be posted${ran}: ${(e as Error).message}`)
    }
    if (url && reply.labelsToAdd.length)
      await github
        .addLabels(event.issue.number, reply.labelsToAdd)
        .catch((e: Error) =>
          log.warning(`labels ${reply.labelsToAdd.join(', ')} could not be added: ${e.message}`)
        )
    // The title follows the incident's state: a command that rolled back ends it resolved or not.
    const status = done?.rollback?.status
    if (url && done?.record && status && status !== 'skipped-dry-run' && status !== 'not-needed') {
      const title = incidentTitle(
        done.record,
        rc.report,
        status === 'succeeded' ? 'resolved' : 'failed'
      )
      await github
        .setTitle(event.issue.number, title)
        .catch((e: Error) => log.warning(`the title could not be changed: ${e.message}`))
    }
    if (decision === 'command')
      await sendNotice(
        adapters.webhook(settings, log),
        commandNotice(rc, event.issue.number, reply, url ?? event.issue.url),
        log
      )
    await writeSummary(reply.body, log)
    const reportPath = done?.record ? writeTrace(settings, done.record) : undefined
    ctx.setOutputs({
      ...outputs(decision, reply.headline, event, done),
      [Outputs.ReportPath]: reportPath ?? ''
    })
  }
  const refuse = async (reply: Reply, pending?: Pending): Promise<void> => {
    log.warning(reply.headline)
    await post(reply, 'refused')
    await record(undefined, pending)
  }

  // The claim and the receipt: the action's own 👀 on the comment. GitHub answers 200 instead of
  // 201 when this account already reacted: an earlier run took this comment. Its state line says
  // whether that run answered; if not, it ended mid-way, and a person decides (nothing runs twice).
  const claim = await gh('add the 👀 reaction', () => github.addReaction(event.comment.id, 'eyes'))
  if (!claim) return
  if (!claim.created) {
    if (own.recorded?.answered.includes(event.comment.id)) {
      ignore(`comment ${event.comment.id} was already answered: nothing runs again`)
      await writeSummary(
        `## ⏭️ Already answered\n\nComment ${event.comment.id} on #${event.issue.number} was answered by an earlier run; a re-run does nothing.\n`,
        log
      )
      return
    }
    await refuse(
      renderRefusal(
        rc,
        'an earlier run already took this comment (its 👀 reaction is there) but did not record an answer: it may have been cancelled mid-way. Nothing runs twice for one comment: check production and that run, then comment again to retry.'
      )
    )
    core.setFailed('this comment was already taken by an earlier run that left no answer')
    return
  }

  if (parsed instanceof BadCommand) return refuse(renderBadCommand(rc, parsed.message))
  const bot = user.type.toLowerCase() === 'bot'
  const permission = bot
    ? null
    : await gh('read the commenter\u2019s permission', () => github.getPermission(user.login))
  if (permission === undefined) return
  rc.asker.role = roleFrom(permission)
  const auth = authorize(user, rc.asker.role, settings.policy.commands.minRole)
  if (!auth.allowed) return refuse(renderRefusal(rc, auth.reason))
  if (where) return refuse(renderRefusal(rc, where.why))
  if (!own.trust.trusted && (parsed.verb === 'approve' || parsed.verb === 'clear-security'))
    return refuse(
      renderRefusal(
        rc,
        `this incident's record is not trusted (${own.trust.why}), and \`${parsed.verb}\` acts only on what the action itself recorded. Give the explicit command instead: \`/rollback-sentinel rollback level=N target=ID\` (\`rollback level=3\` without a target lists the backups).`
      )
    )

  const plan = planCommand(parsed, base)
  log.info(`@${user.login} (${auth.role}): ${rc.asked} → ${plan.kind}`)
  let runPlan = plan
  if (
    plan.kind === 'rollback' &&
    (plan.step === 'approve-restore' || plan.step === 'clear-security')
  ) {
    const checked = await recheck(plan, ctx, base)
    if (!checked.ok) return refuse(renderRefusal(rc, checked.reason), checked.pending)
    runPlan = { ...plan, target: checked.target.id }
    await github
      .comment(event.issue.number, renderWillRun(rc, plan.level, checked.target, plan.step))
      .catch((e: Error) => log.warning(`the "will run" reply could not be posted: ${e.message}`))
  }
  const done = await carryOut(runPlan, rc, { ...ctx, state: base })
  await post(done.reply, 'command', done)
  const r = done.rollback
  const ranLevel = done.record && factsOf(done.record).rollbackRan ? r?.level : undefined
  await record(ranLevel)
  const failure = commandFailure(r, ctx.cancel.signal.aborted)
  if (failure) core.setFailed(failure)
}

/**
 * The re-check of an approval or a clearance at the moment it runs: the host's `--list` now, the
 * incident's deploy, backup-max-age (runbook/command-plan.ts checkApproval).
 */
async function recheck(
  plan: Extract<CommandPlan, { kind: 'rollback' }>,
  ctx: ModeContext,
  state: IncidentState
): Promise<ApprovalResult> {
  const { settings, adapters, remote, cancel, log } = ctx
  if (state.deployedAt === undefined || !plan.target)
    return {
      ok: false,
      reason:
        "this incident's record does not give the deploy time, so the target cannot be checked against it: give the explicit command `/rollback-sentinel rollback level=N target=ID`"
    }
  core.startGroup('approval: rollback.sh --list (the target is checked again)')
  const listed = await cancel.actOnHost('the backup listing', () =>
    listBackups(settings.scripts.rollback, {
      remote,
      clock: adapters.clock,
      logger: log,
      signal: cancel.signal,
      stopSignal: cancel.stopSignal
    })
  )
  core.endGroup()
  if (!listed.list)
    return {
      ok: false,
      reason: `the backups could not be listed to check the target: ${listed.error}`
    }
  const p = state.pending
  return checkApproval({
    level: plan.level,
    target: plan.target,
    backups: listed.list.backups,
    deployedAt: state.deployedAt,
    now: adapters.clock.now(),
    backupMaxAgeMs: settings.policy.rollback.backupMaxAgeMs,
    answersBlock:
      plan.step === 'approve-restore' &&
      p?.action === 'restore' &&
      p.level === plan.level &&
      p.target === plan.target
  })
}
