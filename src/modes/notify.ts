// Posting to the chat webhook: a failure is a warning, never a failed rollback or command, and
// the URL never appears in what is logged (the webhook adapter's errors do not carry it).
import type { Logger } from '../adapters/ports.js'
import type { Webhook } from '../adapters/webhook.js'
import type { IssueOutcome, RunRecord } from '../runbook/record.js'
import { incidentNotice } from '../report/notify.js'
import { reportContext } from '../report/publish.js'
import type { Settings } from '../settings/types.js'

export async function sendNotice(
  webhook: Webhook | undefined,
  text: string | undefined,
  log: Logger
): Promise<void> {
  if (!webhook || !text) return
  try {
    await webhook.post(text)
    log.info('notify-webhook: posted')
  } catch (e) {
    log.warning(
      `notify-webhook: could not post (${(e as Error).message}); nothing else is affected`
    )
  }
}

/** The watch's notice when it opened or commented on a P1/P2/security incident. */
export async function notifyIncident(
  webhook: Webhook | undefined,
  settings: Settings,
  record: RunRecord,
  issue: IssueOutcome | undefined,
  log: Logger
): Promise<void> {
  if (!webhook) return
  await sendNotice(webhook, incidentNotice(record, reportContext(settings), issue), log)
}
