// Whom the action believes on the incident issue: the one rule of trust. The issue is the action's
// control plane (whether a run already rolled back, what is pending, whether the incident is a
// security one), so its state is read only from text the action itself wrote:
//
//   the first line of the BODY of an issue that the action's own account opened, when nobody
//   but that account has edited the body since.
//
// Everything else on the issue (comments, including the action's own, and any other line of the
// body) is a log for people and is never read back as state. "The action's own account" is the
// numeric id of the identity its token writes as (GraphQL `viewer.databaseId`), never a login:
// `github-actionz[bot]` is a different account, and a login can be renamed. Pure.

/** An account as GitHub reports it: the numeric id decides, the login is for messages. */
export interface Account {
  id: number
  login: string
}

/** Where a text on the issue stands. */
export type Place = 'body' | 'comment'

/** A text on the issue and who wrote and last edited it, as GitHub reports them. */
export interface Written {
  place: Place
  /** The account that wrote it; null: a deleted account ("ghost") or unknown. */
  author: Account | null
  /** The account that last edited it; null: never edited (or the editor is unknown). */
  editor: Account | null
  /** GitHub says it was edited (`lastEditedAt` set). */
  edited: boolean
}

export type Trust = { trusted: true } | { trusted: false; why: string }

const who = (a: Account | null): string => (a ? `@${a.login}` : 'an unknown account')

/**
 * The rule. `self` is the account the action's token writes as; undefined when the action could
 * not learn it (then nothing on the issue is trusted: fail closed).
 */
export function trustOf(self: Account | undefined, text: Written): Trust {
  if (!self)
    return {
      trusted: false,
      why: 'the action could not learn which account it writes as, so it trusts nothing on the issue'
    }
  if (text.place !== 'body')
    return {
      trusted: false,
      why: 'comments are a log for people: state is read only from the incident body'
    }
  if (!text.author || text.author.id !== self.id)
    return {
      trusted: false,
      why: `the issue was opened by ${who(text.author)}, not by the account the action writes as (@${self.login})`
    }
  if (text.edited && (!text.editor || text.editor.id !== self.id))
    return {
      trusted: false,
      why: `the incident body was edited by ${who(text.editor)} after the action wrote it`
    }
  return { trusted: true }
}

/** Whether an issue is one the action opened: only such an issue is ever written to. */
export function openedBySelf(self: Account | undefined, author: Account | null): boolean {
  return self !== undefined && author !== null && author.id === self.id
}
