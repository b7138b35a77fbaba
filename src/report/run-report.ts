// The report phase's thin adapter: the incident issue (GitHub), the job summary, annotations and
// the decision trace file. Rendering is pure (incident.ts, summary.ts, trace.ts); this file only
// decides where the rendered text goes. A failed GitHub call never hides what the action did:
// the summary and the log carry the full report and the step fails saying so.
import * as fs from 'node:fs'
import * as path from 'node:path'
import * as core from '../adapters/runner.js'
import type { Logger } from '../adapters/ports.js'
import type { GitHub, OwnRollback, ReportOutcome } from '../adapters/github.js'
import type { RunRecord } from '../record.js'
import type { Settings } from '../settings/types.js'
import type { ReportContext } from './context.js'
import { renderIncident } from './incident.js'
import { renderSummary, type IssueOutcome } from './summary.js'
import { buildTrace, sanitizeSettings } from './trace.js'

export interface ReportResult {
  number?: number
  url?: string
  reportPath?: string
  /** Why the issue could not be written. */
  error?: string
  /** Whether an issue was called for (a failed call then fails the step). */
  needed: boolean
}

export function reportContext(settings: Settings): ReportContext {
  return {
    repo: { owner: settings.github.owner, repo: settings.github.repo },
    serverUrl: settings.github.serverUrl,
    runId: settings.run.runId,
    runAttempt: settings.run.runAttempt,
    sha: settings.run.sha,
    workflow: settings.run.workflow,
    host: settings.ssh ? `${settings.ssh.user}@${settings.ssh.host}` : undefined,
    sshPort: settings.ssh && settings.ssh.port !== 22 ? settings.ssh.port : undefined,
    appDir: settings.ssh?.appDir,
    rollbackScript: settings.scripts.rollback,
    validateScript: settings.scripts.validate,
    smokeTestScript: settings.scripts.smokeTest,
    healthUrl: settings.health.url,
    prometheusUrl: settings.prometheus?.url,
    issueLabels: settings.github.issueLabels,
    issueAssignees: settings.github.issueAssignees,
    template: settings.github.issueTemplate,
    secrets: settings.secrets
  }
}

// Octokit is loaded only when an issue is called for (its chunk is the largest).
const loadGitHub = () => import('../adapters/github.js')

async function github(settings: Settings, log: Logger): Promise<GitHub | undefined> {
  const g = settings.github
  if (!g.token || !g.owner || !g.repo) return undefined
  const { createGitHub } = await loadGitHub()
  return createGitHub({
    token: g.token,
    apiUrl: g.apiUrl,
    owner: g.owner,
    repo: g.repo,
    log: (line) => log.info(`github: ${line}`)
  })
}

/** Which issue the run calls for: an incident, a P3 warning (issue-on-warning), or none. */
export function issueMode(
  settings: Settings,
  record: RunRecord
): 'incident' | 'warning' | undefined {
  if (record.dryRun) return undefined
  // Cancelled mid-rollback (or mid-security response): production was touched, so say so.
  if (record.cancelled) return record.rollback.status === 'not-needed' ? undefined : 'incident'
  switch (record.final.decision) {
    case 'rollback':
    case 'isolate':
    case 'manual':
      return 'incident'
    case 'warn':
      return settings.github.issueOnWarning ? 'warning' : undefined
    default:
      return undefined
  }
}

/** Re-run of the same workflow run: an open incident carrying this run's rollback-done marker. */
async function ownRollback(settings: Settings, log: Logger): Promise<OwnRollback | undefined> {
  if (!settings.run.runId) return undefined
  const client = await github(settings, log)
  if (!client) return undefined
  try {
    const { findOwnRollback } = await loadGitHub()
    return await findOwnRollback(client, settings.environment, settings.run.runId)
  } catch (e) {
    log.warning(`could not check for an earlier attempt's rollback: ${(e as Error).message}`)
    return undefined
  }
}

function writeTrace(settings: Settings, record: RunRecord): string | undefined {
  const trace = buildTrace(record, sanitizeSettings(settings), settings.secrets)
  const name = `rollback-sentinel-${settings.run.runId || 'local'}-${settings.run.runAttempt || '1'}.json`
  const file = path.join(settings.run.tempDir, name)
  try {
    fs.mkdirSync(settings.run.tempDir, { recursive: true })
    fs.writeFileSync(file, JSON.stringify(trace, null, 2) + '\n', { mode: 0o600 })
    return file
  } catch (e) {
    core.warning(`could not write the decision trace to ${file}: ${(e as Error).message}`)
    return undefined
  }
}

function annotate(record: RunRecord): void {
  const v = record.final
  const title = `rollback-sentinel: ${v.rule}`
  if (record.rollback.status === 'failed')
    core.error(`rollback failed: ${record.rollback.reason}`, { title })
  else if (v.decision === 'rollback' || v.decision === 'isolate' || v.decision === 'manual')
    core.error(v.reason, { title })
  else if (v.decision === 'warn' || v.decision === 'inconclusive' || v.decision === 'pre-existing')
    core.warning(v.reason, { title })
}

async function publish(settings: Settings, record: RunRecord, log: Logger): Promise<ReportResult> {
  const ctx = reportContext(settings)
  const mode = issueMode(settings, record)
  let outcome: ReportOutcome | undefined
  if (mode) {
    const client = await github(settings, log)
    outcome = client
      ? await (await loadGitHub()).reportIncident(client, record, ctx, mode)
      : { error: 'no github-token or GITHUB_REPOSITORY: no issue opened' }
    if ('error' in outcome) {
      log.error(`the incident issue could not be opened: ${outcome.error}`)
      // The log carries the full report the issue would have had.
      const issue = renderIncident(record, ctx)
      core.startGroup(`the incident report (not filed): ${issue.title}`)
      core.info(issue.body)
      core.endGroup()
    } else {
      for (const w of outcome.warnings) log.warning(`incident #${outcome.number}: ${w}`)
      log.info(
        outcome.alreadyRolledBack
          ? `incident #${outcome.number} already records this run's rollback: nothing posted (${outcome.url})`
          : `${outcome.created ? 'opened' : 'commented on'} incident #${outcome.number}: ${outcome.url}`
      )
    }
  }

  const reportPath = writeTrace(settings, record)
  if (reportPath) log.info(`decision trace: ${reportPath}`)
  const issueForSummary: IssueOutcome | undefined = outcome
    ? 'error' in outcome
      ? { error: outcome.error }
      : { number: outcome.number, url: outcome.url }
    : undefined
  const summary = renderSummary(record, ctx, issueForSummary)
  {
    try {
      core.appendSummary(summary)
    } catch (e) {
      log.warning(`could not write the job summary: ${(e as Error).message}`)
    }
  }
  annotate(record)
  return {
    number: outcome && !('error' in outcome) ? outcome.number : undefined,
    url: outcome && !('error' in outcome) ? outcome.url : undefined,
    error: outcome && 'error' in outcome ? outcome.error : undefined,
    reportPath,
    needed: mode === 'incident'
  }
}

export const report = {
  findOwnRollback: (
    settings: Settings,
    log: Logger = { info: core.info, warning: core.warning, error: core.error }
  ) => ownRollback(settings, log),
  publish
}
