// The incident workflow on GitHub: render the report once (incident.ts), find the environment's
// open incident, open one or comment on it, then post the resolution and its label, and let the
// title follow the incident's state. One incident per environment: an issue the action opened,
// whose body starts with the state line (incident-state.ts); a re-run of the same workflow run
// never posts (or rolls back) twice. Never throws for API failures: the outcome says what could
// not be written, and the caller fails the step after the rest of the report.
import {
  GitHubError,
  toGitHubError,
  type AccountInfo,
  type GitHub,
  type IssueInfo
} from '../adapters/github.js'
import { rolledBackInRun, stateAfterRun } from '../runbook/pending.js'
import type { IssueOutcome, OwnRollback } from '../runbook/record.js'
import { distrustNote, type RenderedReport } from './incident.js'
import { findIncident, saveState } from './incident-state.js'
import type { IncidentState } from './sections/status.js'

export type { OwnRollback } from '../runbook/record.js'

export type ReportMode = 'incident' | 'warning'

/**
 * Whether an earlier attempt of this workflow run already rolled back this environment, as the
 * open incident's trusted state records it. Checked BEFORE rolling back, so a re-run never rolls
 * back twice; an untrusted or unreadable record says nothing (the rollback runs).
 */
export async function findOwnRollback(
  github: GitHub,
  self: AccountInfo,
  environment: string,
  runId: string
): Promise<OwnRollback | undefined> {
  const incident = await findIncident(github, self, environment)
  const level = rolledBackInRun(incident?.recorded, runId)
  return incident && level ? { number: incident.number, url: incident.url, level } : undefined
}

/**
 * Opens the incident (or comments on the environment's open one), then posts the resolution or
 * failure comment and its label when a rollback ran. The title follows: a new issue opens with
 * the acting subject, a later breach sets an open incident's title back to it, and the end state
 * (resolved, failed, security) retitles it last; an open security incident keeps the security
 * subject until its clean recovery ran. A failed retitle is a warning, like labels. `report` is
 * the run's report, rendered once (incident.ts renderReport).
 */
export async function reportIncident(
  github: GitHub,
  report: RenderedReport,
  runId: string,
  self: AccountInfo | undefined,
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
    // Without knowing its own account the action cannot tell its incident from a look-alike:
    // it opens a new issue rather than write to one it cannot verify.
    const existing = self ? await findIncident(github, self, report.run.environment) : undefined
    if (!self)
      warnings.push(
        'the account the token writes as is unknown: opened a new issue instead of looking for the open incident'
      )
    if (existing) {
      if (rolledBackInRun(existing.recorded, runId))
        return {
          needed,
          number: existing.number,
          url: existing.url,
          created: false,
          alreadyRolledBack: true,
          warnings
        }
      const breach = existing.trust.trusted
        ? report.breachComment
        : withNote(report.breachComment, distrustNote(existing.trust.why))
      await github.comment(existing.number, breach)
      number = existing.number
      url = existing.url
      const missing = report.issue.labels.filter((l) => !existing.labels.includes(l))
      await tryPart(warnings, 'labels', () => github.addLabels(existing.number, missing))
      await tryPart(warnings, 'state', () =>
        saveState(github, existing, stateAfterRun(existing.recorded, report.run))
      )
      held = existing.recorded?.security ? 'security' : undefined
      shownTitle = await retitle(github, warnings, existing, report.titles[held ?? 'acting'])
    } else {
      const issue = report.issue
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
  const resolution = mode === 'incident' ? report.resolution : undefined
  if (resolution) {
    await tryPart(warnings, 'resolution comment', () => github.comment(number, resolution.body))
    await tryPart(warnings, 'labels', () => github.addLabels(number, resolution.labelsToAdd))
  }
  const wanted = report.titles[held ?? report.endState]
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

/** The breach comment with the note after its heading. */
function withNote(comment: string, note: string): string {
  const [heading, ...rest] = comment.split('\n')
  return [heading, '', note, ...rest].join('\n')
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
