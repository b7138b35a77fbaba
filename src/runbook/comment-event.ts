// The issue_comment event (the JSON at GITHUB_EVENT_PATH) as mode command uses it: the comment, its
// author and the issue it was made on. Pure: the parsed JSON comes in, a typed event or the reason
// it cannot be used goes out.
import type { Commenter } from './commands.js'

export interface CommentEvent {
  /** created, edited or deleted: only created comments are commands. */
  action: string
  comment: {
    id: number
    body: string
    url: string
    user: Commenter
  }
  issue: {
    number: number
    url: string
    state: string
    body: string
    labels: string[]
    pullRequest: boolean
    /** Who opened it: for an incident, the account the action writes as. */
    author?: string
  }
}

/** A GitHub login (bots end in `[bot]`). */
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$/

type Json = Record<string, unknown>
const obj = (v: unknown): Json | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)
const int = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : undefined

/** The event, or why it is not an issue_comment event this mode can act on. */
export function readCommentEvent(json: unknown): { event: CommentEvent } | { error: string } {
  const root = obj(json)
  const comment = obj(root?.comment)
  const issue = obj(root?.issue)
  if (!root || !comment || !issue)
    return {
      error: 'the event has no comment and issue: is the workflow triggered by issue_comment?'
    }
  const user = obj(comment.user)
  const login = str(user?.login)
  const id = int(comment.id)
  const number = int(issue.number)
  if (id === undefined || number === undefined || !login || !LOGIN.test(login))
    return { error: 'the issue_comment event lacks the comment id, the issue number or the author' }
  const labels = Array.isArray(issue.labels)
    ? issue.labels
        .map((l) => (typeof l === 'string' ? l : str(obj(l)?.name)))
        .filter((l): l is string => Boolean(l))
    : []
  const author = str(obj(issue.user)?.login)
  return {
    event: {
      action: str(root.action) ?? '',
      comment: {
        id,
        body: str(comment.body) ?? '',
        url: str(comment.html_url) ?? '',
        user: { login, type: str(user?.type) ?? 'User' }
      },
      issue: {
        number,
        url: str(issue.html_url) ?? '',
        state: str(issue.state) ?? 'open',
        body: str(issue.body) ?? '',
        labels,
        pullRequest: issue.pull_request !== undefined && issue.pull_request !== null,
        ...(author ? { author } : {})
      }
    }
  }
}
