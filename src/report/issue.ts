// The incident workflow on GitHub: find the environment's open incident, open one or comment on
// it, then post the resolution and its label, and let the title follow the incident's state
// (title.ts). One incident per environment (the hidden marker);
// a re-run of the same workflow run never posts (or rolls back) twice. Never throws for API
// failures: the outcome says what could not be written, and the caller fails the step after the
// rest of the report.
import { GitHubError, toGitHubError, type GitHub, type IssueInfo } from '../adapters/github.js'
import type { RollbackLevel } from '../core/types.js'
import type { IssueOutcome, RunRecord } from '../record.js'
import { factsOf, parseMarkers, type ReportContext } from './context.js'
import {
  incidentLabels,
  renderBreachComment,
  renderIncident,
  renderResolution
} from './incident.js'
import { incidentState, type IncidentState, incidentTitle } from './title.js'

export type ReportMode = 'incident' | 'warning'

/** The label of a security incident (incidentLabels adds it). */
const SECURITY_LABEL = 'security'

export interface OwnRollback {
  number: number
  url: string
  level: RollbackLevel
}

/** The open issue whose first hidden marker names this environment (newest first), if any. */
export function findOpenIncident(
  github: GitHub,
  environment: string
): Promise<IssueInfo | undefined> {
  return github.findOpenIssue((issue) => parseMarkers(issue.body)[0]?.environment === environment)
}

/**
 * Whether an earlier attempt of this workflow run already rolled back this environment: its
 * marker with `rollback-done=` on the open incident's body or one of its comments. Checked
 * BEFORE rolling back, so a re-run never rolls back twice.
 */
export async function findOwnRollback(
  github: GitHub,
  environment: string,
  runId: string
): Promise<OwnRollback | undefined> {
  const incident = await findOpenIncident(github, environment)
  if (!incident) return undefined
  const level = await ownRollbackLevel(github, incident, environment, runId)
  return level ? { number: incident.number, url: incident.url, level } : undefined
}

/** The level in this run's `rollback-done=` marker on the incident's body or comments. */
async function ownRollbackLevel(
  github: GitHub,
  incident: IssueInfo,
  environment: string,
  runId: string
): Promise<RollbackLevel | undefined> {
  const own = (text: string): RollbackLevel | undefined =>
    parseMarkers(text).find(
      (m) => m.runId === runId && m.environment === environment && m.rollbackDone
    )?.rollbackDone
  const inBody = own(incident.body)
  if (inBody) return inBody
  for (const c of await github.listComments(incident.number)) {
    const level = own(c.body)
    if (level) return level
  }
  return undefined
}

/**
 * Opens the incident (or comments on the environment's open one), then posts the resolution or
 * failure comment and its label when a rollback ran. The title follows: a new issue opens with
 * the acting subject, a later breach sets an open incident's title back to it, and the end state
 * (resolved, failed, security) retitles it last; an open security incident keeps the security
 * subject until people clear it. A failed retitle is a warning, like labels.
 */
export async function reportIncident(
  github: GitHub,
  record: RunRecord,
  ctx: ReportContext,
  mode: ReportMode = 'incident'
): Promise<IssueOutcome> {
  const needed = mode === 'incident'
  const warnings: string[] = []
  let number: number
  let url: string
  let created = false
  let shownTitle: string
  // An open security incident keeps the security subject until people clear it (the label goes).
  let held: IncidentState | undefined
  try {
    const existing = await findOpenIncident(github, record.environment)
    if (existing) {
      const own = await ownRollbackLevel(github, existing, record.environment, ctx.runId)
      if (own)
        return {
          needed,
          number: existing.number,
          url: existing.url,
          created: false,
          alreadyRolledBack: true,
          warnings
        }
      await github.comment(existing.number, renderBreachComment(record, ctx))
      number = existing.number
      url = existing.url
      const missing = incidentLabels(record, ctx).filter((l) => !existing.labels.includes(l))
      await tryPart(warnings, 'labels', () => github.addLabels(existing.number, missing))
      held = existing.labels.includes(SECURITY_LABEL) ? 'security' : undefined
      shownTitle = await retitle(
        github,
        warnings,
        existing,
        incidentTitle(record, ctx, held ?? 'acting')
      )
    } else {
      const issue = renderIncident(record, ctx)
      let made: IssueInfo
      try {
        made = await github.createIssue(issue)
      } catch (e) {
        // An assignee without access makes the whole create fail: open it unassigned instead.
        if (!(e instanceof GitHubError && e.status === 422 && issue.assignees.length)) throw e
        warnings.push(`assignees ${issue.assignees.join(', ')} could not be set: ${e.message}`)
        made = await github.createIssue({ ...issue, assignees: [] })
      }
      number = made.number
      url = made.url
      created = true
      shownTitle = made.title
    }
  } catch (e) {
    const err = e instanceof GitHubError ? e : toGitHubError(e, 'request', '(unknown)')
    return { needed, error: err.message, status: err.status, warnings }
  }
  if (mode === 'incident' && needsResolution(record)) {
    const resolution = renderResolution(record, ctx)
    await tryPart(warnings, 'resolution comment', () => github.comment(number, resolution.body))
    await tryPart(warnings, 'labels', () => github.addLabels(number, resolution.labelsToAdd))
  }
  const wanted = incidentTitle(record, ctx, held ?? incidentState(record))
  await retitle(github, warnings, { number, title: shownTitle }, wanted)
  return { needed, number, url, created, warnings }
}

/** Sets the title when it differs from the one shown; returns the title the issue now has. */
async function retitle(
  github: GitHub,
  warnings: string[],
  issue: { number: number; title: string },
  wanted: string
): Promise<string> {
  if (issue.title === wanted) return wanted
  let now = issue.title
  await tryPart(warnings, 'title', async () => {
    await github.setTitle(issue.number, wanted)
    now = wanted
  })
  return now
}

/** The resolution comment is posted when a rollback command ran (the verification has ended). */
export function needsResolution(record: RunRecord): boolean {
  const status = record.rollback.status
  return (
    factsOf(record).rollbackRan &&
    (status === 'succeeded' || status === 'failed' || status === 'blocked' || status === 'manual')
  )
}

async function tryPart(
  warnings: string[],
  what: string,
  fn: () => Promise<unknown>
): Promise<void> {
  try {
    await fn()
  } catch (e) {
    warnings.push(`${what}: ${e instanceof Error ? e.message : String(e)}`)
  }
}
