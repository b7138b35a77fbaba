// The one path by which the action reads issue text, and the one place it writes its state. An
// incident is an issue the action's own account opened whose body starts with the environment's
// state line; the state is believed only as runbook/trust.ts rules (not edited by anyone else).
// Comments are never read. A look-alike (someone else's issue with a state line) is never an
// incident: the action neither reads nor writes it.
import type { AccountInfo, GitHub, IssueSnapshot } from '../adapters/github.js'
import type { IncidentState } from '../runbook/pending.js'
import { openedBySelf, trustOf, type Trust } from '../runbook/trust.js'
import { parseStateLine, renderStateLine } from './context.js'

export interface Incident {
  number: number
  url: string
  title: string
  labels: string[]
  state: 'open' | 'closed'
  /** The body as read (what a state update rewrites). */
  body: string
  trust: Trust
  /** The recorded state, only when trusted. */
  recorded?: IncidentState
  /** The environment on the body's state line (trusted or not). */
  environment?: string
}

function incidentOf(
  self: AccountInfo,
  snap: IssueSnapshot,
  labels: string[]
): Incident | undefined {
  if (!openedBySelf(self, snap.author)) return undefined
  const line = parseStateLine(snap.body)
  if (!line) return undefined
  const trust = trustOf(self, {
    place: 'body',
    author: snap.author,
    editor: snap.editor,
    edited: snap.edited
  })
  return {
    number: snap.number,
    url: snap.url,
    title: snap.title,
    labels,
    state: snap.state,
    body: snap.body,
    trust,
    environment: line.environment,
    ...(trust.trusted ? { recorded: line } : {})
  }
}

/**
 * The environment's open incident: the newest open issue the action's account opened whose first
 * line is a state line of this environment, read again with its editor. Look-alikes opened by
 * anyone else are skipped without being read further.
 */
export async function findIncident(
  github: GitHub,
  self: AccountInfo,
  environment: string
): Promise<Incident | undefined> {
  const found = await github.findOpenIssue(
    (i) =>
      i.authorId === self.id &&
      i.state === 'open' &&
      parseStateLine(i.body)?.environment === environment
  )
  if (!found) return undefined
  const snap = await github.issueSnapshot(found.number)
  if (!snap || snap.state !== 'open') return undefined
  const incident = incidentOf(self, snap, found.labels)
  return incident?.environment === environment ? incident : undefined
}

/** The issue a command was made on, when it is one of the action's incidents (any environment). */
export async function readIncident(
  github: GitHub,
  self: AccountInfo,
  issueNumber: number,
  labels: string[]
): Promise<Incident | undefined> {
  const snap = await github.issueSnapshot(issueNumber)
  return snap ? incidentOf(self, snap, labels) : undefined
}

/** The body with its first line replaced by the state line. */
export function withState(body: string, state: IncidentState): string {
  const line = renderStateLine(state)
  const rest = parseStateLine(body) ? body.replace(/^[^\n]*(\n|$)/, '') : body
  return rest ? `${line}\n${rest}` : line
}

/** Writes the state line into the incident's body (the rest of the body is kept as it is). */
export async function saveState(
  github: GitHub,
  incident: Pick<Incident, 'number' | 'body'>,
  state: IncidentState
): Promise<void> {
  await github.setBody(incident.number, withState(incident.body, state))
}

/**
 * The account the action writes as, asked once per run; undefined (and a warning) when GitHub
 * cannot say: then nothing on any issue is trusted and no existing issue is written to.
 */
export async function learnSelf(
  github: GitHub,
  warn: (line: string) => void
): Promise<AccountInfo | undefined> {
  try {
    return await github.viewer()
  } catch (e) {
    warn(
      `could not learn which account the token writes as (GraphQL viewer): ${(e as Error).message}; nothing on the incident issue is trusted this run`
    )
    return undefined
  }
}
