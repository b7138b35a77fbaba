// Where the rendered report goes: the incident issue (GitHub), the job summary, annotations and
// the decision trace file. Rendering is pure (incident.ts, summary.ts, trace.ts); this file only
// sends it. A failed GitHub call never hides what the action did: the summary and the log carry
// the full report, and the exit status says the issue could not be written.
import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { AccountInfo, GitHub } from '../adapters/github.js'
import { redactUrl } from '../lib/urls.js'
import type { Logger } from '../adapters/ports.js'
import { issueMode } from '../runbook/outcome.js'
import type { IssueOutcome, RunRecord } from '../runbook/record.js'
import type { Settings, SshSettings } from '../settings/types.js'
import type { ReportContext } from './context.js'
import { renderReport } from './incident.js'
import { scrubDeep } from './markdown.js'
import { renderReplaySummary, replayTraceTail, type ReplayRun } from './replay.js'
import { reportIncident } from './issue.js'
import { renderSummary } from './summary.js'
import { runTrace } from './trace.js'

function jumpSpec(jump: NonNullable<SshSettings['jump']>, user: string): string {
  const host = jump.host.includes(':') ? `[${jump.host}]` : jump.host
  return `${jump.user ?? user}@${host}${jump.port === 22 ? '' : `:${jump.port}`}`
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
    ...(settings.ssh?.hosts && settings.ssh.hosts.length > 1
      ? { hosts: settings.ssh.hosts.map((h) => h.label) }
      : {}),
    ...(settings.ssh?.jump ? { jump: jumpSpec(settings.ssh.jump, settings.ssh.user) } : {}),
    appDir: settings.ssh?.appDir ?? settings.ansible?.credentials.appDir,
    rollbackScript: settings.scripts.rollback,
    validateScript: settings.scripts.validate,
    smokeTestScript: settings.scripts.smokeTest,
    // Shown forms only: the report never holds a URL's token or password.
    healthUrl: settings.health.url ? redactUrl(settings.health.url).shown : undefined,
    prometheusUrl: settings.prometheus ? redactUrl(settings.prometheus.url).shown : undefined,
    issueLabels: settings.github.issueLabels,
    issueAssignees: settings.github.issueAssignees,
    template: settings.github.issueTemplate,
    levelLimitsMs: settings.policy.rollback.timeoutsMs,
    thresholds: { errorRate: settings.policy.errorRate, latency: settings.policy.latency },
    secrets: settings.secrets
  }
}

/** The decision trace JSON under RUNNER_TEMP (its path is the report-path output). */
export function writeTrace(settings: Settings, record: RunRecord): string | undefined {
  return writeReportFile(settings, runTrace(record, settings))
}

function reportFileName(settings: Settings): string {
  const name = `rollback-sentinel-${settings.run.runId || 'local'}-${settings.run.runAttempt || '1'}.json`
  return path.join(settings.run.tempDir, name)
}

/** The decision trace file under RUNNER_TEMP (0600): its path, or undefined when it failed. */
function writeReportFile(settings: Settings, trace: unknown): string | undefined {
  const file = reportFileName(settings)
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
  const r = record.rollback
  if (r.status === 'failed' || r.status === 'manual')
    core.error(`rollback ${r.status}: ${r.reason}`, { title })
  else if (v.decision === 'rollback' || v.decision === 'isolate' || v.decision === 'manual')
    core.error(v.reason, { title })
  else if (v.decision === 'warn' || v.decision === 'inconclusive' || v.decision === 'pre-existing')
    core.warning(v.reason, { title })
}

/** Appends Markdown to the job summary; a runner without one (or a broken file) only warns. */
export async function writeSummary(markdown: string, log: Logger): Promise<void> {
  try {
    await core.summary.addRaw(markdown, true).write()
  } catch (e) {
    log.warning(`could not write the job summary: ${(e as Error).message}`)
  } finally {
    core.summary.emptyBuffer()
  }
}

export interface Published {
  issue?: IssueOutcome
  reportPath?: string
}

/** Sends the report: the issue when the run calls for one, the trace, the summary, annotations. */
export async function publish(
  settings: Settings,
  record: RunRecord,
  deps: { github?: GitHub; self?: AccountInfo; log: Logger }
): Promise<Published> {
  const { log } = deps
  const ctx = reportContext(settings)
  const mode = issueMode(record, settings.github.issueOnWarning)
  let issue: IssueOutcome | undefined
  if (mode) {
    const report = renderReport(record, ctx)
    issue = deps.github
      ? await reportIncident(deps.github, report, ctx.runId, deps.self, mode)
      : {
          needed: mode === 'incident',
          warnings: [],
          error: 'no github-token or GITHUB_REPOSITORY: no issue opened'
        }
    if (issue.error) {
      log.error(`the incident issue could not be opened: ${issue.error}`)
      // The log carries the full report the issue would have had.
      core.startGroup(`the incident report (not filed): ${report.issue.title}`)
      core.info(report.issue.body)
      core.endGroup()
    } else {
      for (const w of issue.warnings) log.warning(`incident #${issue.number}: ${w}`)
      log.info(
        issue.alreadyRolledBack
          ? `incident #${issue.number} already records this run's rollback: nothing posted (${issue.url})`
          : `${issue.created ? 'opened' : 'commented on'} incident #${issue.number}: ${issue.url}`
      )
    }
  }
  const reportPath = writeTrace(settings, record)
  if (reportPath) log.info(`decision trace: ${reportPath}`)
  await writeSummary(renderSummary(record, ctx, issue), log)
  annotate(record)
  return { issue, reportPath }
}

/** A replay's trace, written deploy by deploy as they are judged. */
export interface ReplayTraceWriter {
  /** The entry of the deploy at `index` (any order; written in list order). */
  add(index: number, entry: object): void
  /** Writes the closing fields and closes the file: its path, or undefined when it failed. */
  close(tail: object): string | undefined
}

/** Bytes gathered before one write. */
const FLUSH_BYTES = 1 << 20

/**
 * Opens the replay's trace under RUNNER_TEMP (0600): `head`'s fields, then `deploys` filled entry
 * by entry, then `tail`'s fields, as one compact JSON object. Deploys finish out of order: an
 * entry waits only for those listed before it. Secrets are scrubbed from every string of every
 * entry. A failed write is a warning, and no path.
 */
export function openReplayTrace(settings: Settings, head: object): ReplayTraceWriter {
  const file = reportFileName(settings)
  const secrets = settings.secrets
  let fd: number | undefined
  let failed = false
  let buffer = ''
  let next = 0
  let first = true
  const waiting = new Map<number, string>()
  const fail = (e: unknown) => {
    failed = true
    core.warning(`could not write the decision trace to ${file}: ${(e as Error).message}`)
    try {
      if (fd !== undefined) fs.closeSync(fd)
      // Half a trace is not JSON: none rather than a broken one at report-path.
      fs.rmSync(file, { force: true })
    } catch {
      // Nothing more to do: the warning says the trace is missing.
    }
    fd = undefined
  }
  const write = (text: string, force = false) => {
    if (failed) return
    buffer += text
    if (!force && buffer.length < FLUSH_BYTES) return
    try {
      if (fd !== undefined) fs.writeSync(fd, buffer)
    } catch (e) {
      fail(e)
    }
    buffer = ''
  }
  /** A JSON object's text without its closing brace: more fields may follow. */
  const open = (value: object) => JSON.stringify(scrubDeep(value, secrets)).slice(0, -1)
  try {
    fs.mkdirSync(settings.run.tempDir, { recursive: true })
    fd = fs.openSync(file, 'w', 0o600)
    write(`${open(head)}${Object.keys(head).length ? ',' : ''}"deploys":[`)
  } catch (e) {
    fail(e)
  }
  return {
    add(index, entry) {
      if (failed) return
      waiting.set(index, JSON.stringify(scrubDeep(entry, secrets)))
      for (let text = waiting.get(next); text !== undefined; text = waiting.get(next)) {
        waiting.delete(next++)
        write(first ? text : `,${text}`)
        first = false
      }
    },
    close(tail) {
      if (failed) return undefined
      // Entries still waiting follow a deploy that was never judged (cancelled): in list order.
      for (const [, text] of [...waiting].sort(([a], [b]) => a - b)) {
        write(first ? text : `,${text}`)
        first = false
      }
      waiting.clear()
      const rest = JSON.stringify(scrubDeep(tail, secrets)).slice(1)
      write(`]${rest === '}' ? '' : ','}${rest}\n`, true)
      if (failed || fd === undefined) return undefined
      try {
        fs.closeSync(fd)
      } catch (e) {
        fail(e)
        return undefined
      }
      fd = undefined
      return file
    }
  }
}

/** A replay's report: the trace's closing fields and the job summary; never an issue. */
export async function publishReplay(
  settings: Settings,
  run: ReplayRun,
  trace: ReplayTraceWriter,
  log: Logger
): Promise<string | undefined> {
  const reportPath = trace.close(replayTraceTail(run))
  if (reportPath) log.info(`decision trace: ${reportPath}`)
  await writeSummary(renderReplaySummary(run, settings), log)
  return reportPath
}
