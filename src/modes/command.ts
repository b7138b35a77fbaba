// mode: command — a comment on the incident issue (an issue_comment event) as the runbook's human
// steps. In order, before anything touches the host: the event; the grammar (not a command:
// nothing is written anywhere); exactly once (a reply to this comment already exists: nothing);
// a bad command, a bot, a role below commands.min-role, or an issue that is not this
// environment's open incident: a reply saying why. Then the 👀 reaction claims the comment, the
// core plans what to do from the issue's markers, command-run.ts carries it out, and the reply,
// the labels, the chat notice, the job summary and the outputs tell people.
import * as core from '@actions/core'
import type { GitHub } from '../adapters/github.js'
import { issueRefusal, planCommand } from '../core/command-plan.js'
import { readCommentEvent, type CommentEvent } from '../core/comment-event.js'
import { authorize, BadCommand, commandText, parseCommand, roleFrom } from '../core/commands.js'
import { answeredIn, incidentState, type IncidentMarker } from '../core/pending.js'
import { Outputs } from '../constants.js'
import {
  commandNotice,
  renderBadCommand,
  renderRefusal,
  type Reply,
  type ReplyContext
} from '../report/command-reply.js'
import { parseMarkers } from '../report/context.js'
import { incidentTitle } from '../report/title.js'
import { reportContext, writeSummary, writeTrace } from '../report/publish.js'
import { carryOut, type CarriedOut } from './command-run.js'
import { sendNotice } from './notify.js'
import type { ModeContext } from './watch.js'

/** The issue's markers that the action itself wrote, and the reply to this comment if any. */
interface Thread {
  markers: IncidentMarker[]
  answeredAt?: string
}

/**
 * Markers count only in the issue body and in comments by the account that opened the incident
 * (the action's own): anyone may comment, and a marker pasted by someone else must neither
 * suppress a command nor choose what `approve` restores.
 */
async function readThread(github: GitHub, event: CommentEvent): Promise<Thread> {
  const own = event.issue.author ?? 'github-actions[bot]'
  const markers = parseMarkers(event.issue.body)
  let answeredAt: string | undefined
  for (const c of await github.listComments(event.issue.number)) {
    if (c.author !== own) continue
    const found = parseMarkers(c.body)
    if (answeredIn(found, event.comment.id)) answeredAt = c.url
    markers.push(...found)
  }
  return { markers, answeredAt }
}

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

  const thread = await gh('read the issue comments', () => readThread(github, event))
  if (!thread) return
  if (thread.answeredAt) {
    ignore(
      `comment ${event.comment.id} was already answered (${thread.answeredAt}): nothing runs again`
    )
    await writeSummary(
      `## ⏭️ Already answered\n\nComment ${event.comment.id} on #${event.issue.number} was answered in ${thread.answeredAt}; a re-run does nothing.\n`,
      log
    )
    return
  }

  const user = event.comment.user
  const rc: ReplyContext = {
    report: reportContext(settings),
    environment: settings.environment,
    asker: { login: user.login, role: null },
    commentId: event.comment.id,
    commandLine: commandText(event.comment.body),
    ...(parsed instanceof BadCommand ? {} : { verb: parsed.verb })
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
    await writeSummary(reply.body.replace(/^<!--.*-->\n/, ''), log)
    const reportPath = done?.record ? writeTrace(settings, done.record) : undefined
    ctx.setOutputs({
      ...outputs(decision, reply.headline, event, done),
      [Outputs.ReportPath]: reportPath ?? ''
    })
  }
  const refuse = async (reply: Reply): Promise<void> => {
    log.warning(reply.headline)
    await post(reply, 'refused')
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
  const wrongIssue = issueRefusal(
    {
      number: event.issue.number,
      state: event.issue.state,
      pullRequest: event.issue.pullRequest,
      markerEnvironment: parseMarkers(event.issue.body)[0]?.environment
    },
    settings.environment
  )
  if (wrongIssue) return refuse(renderRefusal(rc, wrongIssue))

  // The claim: GitHub answers 200 instead of 201 when this account already reacted, i.e. an
  // earlier run took this comment and ended before it could reply. Acting again could run a
  // restore twice; a person decides instead.
  const claim = await gh('add the 👀 reaction', () => github.addReaction(event.comment.id, 'eyes'))
  if (!claim) return
  if (!claim.created) {
    await refuse(
      renderRefusal(
        rc,
        'an earlier run already took this comment (its 👀 reaction is there) but ended without a reply: it may have been cancelled mid-way. Nothing runs twice for one comment: check production and that run, then comment again to retry.'
      )
    )
    core.setFailed('this comment was already taken by an earlier run that left no reply')
    return
  }

  const state = incidentState(thread.markers, settings.environment, event.issue.labels)
  const plan = planCommand(parsed, state)
  log.info(`@${user.login} (${auth.role}): ${rc.commandLine} → ${plan.kind}`)
  const done = await carryOut(plan, rc, { ...ctx, state })
  await post(done.reply, 'command', done)
  const r = done.rollback
  if (ctx.cancel.signal.aborted)
    core.setFailed(`cancelled: ${r?.reason ?? 'the command did not finish'}`)
  else if (r && (r.status === 'failed' || r.status === 'blocked' || r.status === 'manual'))
    core.setFailed(`rollback ${r.status}: ${r.reason}`)
}
