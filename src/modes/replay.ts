// mode: replay — what the policy would have done on past deploys. Samples come from Prometheus'
// history (sampling/history.ts); the watch's own judgement (runbook/judgement.ts) judges them cycle by
// cycle. Nothing runs on a host and no issue is written: a replay is information, so it exits 0
// except on bad input and a Prometheus that answers nothing at all.
import * as core from '@actions/core'
import { performance } from 'node:perf_hooks'
import type { GitHub } from '../adapters/github.js'
import type { MetricsHistory } from '../adapters/ports.js'
import { formatDuration } from '../lib/duration.js'
import { Outputs } from '../settings/names.js'
import { PROVIDER_LABEL } from '../settings/metrics.js'
import { openReplayTrace, publishReplay } from '../report/publish.js'
import { replayTotals, replayTraceHead, type ReplayRow, type ReplayRun } from '../report/replay.js'
import { queriesOf } from '../sampling/probe.js'
import type { Settings } from '../settings/types.js'
import type { ModeContext } from './contract.js'
import { judgeDeploys, type Judged, type ListedDeploy, type ReplayJob } from './replay-judge.js'
import { judgeInWorker } from './replay-worker.js'

/** The deploys to replay: replay-deploys, else the Deployments API's latest. Throws on failure. */
async function deploysOf(settings: Settings, github: GitHub | undefined): Promise<ListedDeploy[]> {
  const replay = settings.replay
  if (!replay) return []
  if (replay.deploys) return replay.deploys.map((d) => ({ ...d, source: 'replay-deploys' }))
  if (!github)
    throw new Error(
      'no github-token or GITHUB_REPOSITORY to list the deployments: list the deploys in replay-deploys instead'
    )
  const listed = await github.listDeployments(settings.environment, replay.count)
  return listed.map((d) => ({
    at: d.createdAt,
    ...(d.sha ? { sha: d.sha } : {}),
    source: 'deployments-api'
  }))
}

export async function replayMode(ctx: ModeContext): Promise<void> {
  const { settings, adapters, log, cancel } = ctx
  const source: MetricsHistory | undefined = adapters.metricsHistory(settings)
  const queries = queriesOf(settings)
  const replay = settings.replay
  if (!source || !queries || !replay) {
    core.setFailed('bad input: mode replay needs a metric provider (prometheus-url)')
    ctx.setOutputs({ [Outputs.Decision]: 'bad-input' })
    return
  }
  const github = adapters.github(settings, log)
  let deploys: ListedDeploy[]
  try {
    deploys = await deploysOf(settings, github)
  } catch (e) {
    core.setFailed(
      `replay: could not list the deployments of environment '${settings.environment}': ${(e as Error).message}`
    )
    return
  }
  log.info(
    `replaying ${deploys.length} deploy(s) of '${settings.environment}' (${deploys[0]?.source ?? 'none'}): watch ${formatDuration(settings.watchDurationMs)} every ${formatDuration(settings.probeIntervalMs)}`
  )

  core.startGroup('replay: Prometheus history')
  const now = adapters.clock.now()
  const started = performance.now()
  const trace = openReplayTrace(
    settings,
    replayTraceHead(settings.environment, now, replay.trace, settings)
  )
  let decideMs = 0
  let requests = 0
  let samples = 0
  let readings = 0
  let silent = 0
  let silentReason: string | undefined
  const onJudged = (j: Judged) => {
    trace.add(j.index, j.entry)
    decideMs += j.decideMs
    samples += j.samples
    requests += j.requests
    readings += j.readings
    silent += j.silent
    silentReason ??= j.silentReason
  }
  const job: ReplayJob = { settings, deploys, now }
  const { rows, charted } = ctx.entry
    ? await judgeInWorker(ctx.entry, job, cancel.signal, onJudged)
    : await judgeDeploys(job, source, cancel.signal, onJudged)
  const prometheusMs = Math.max(0, performance.now() - started - decideMs)
  core.endGroup()

  const run: ReplayRun = {
    environment: settings.environment,
    generatedAt: now,
    rows,
    charted,
    trace: replay.trace,
    notes: ctx.notes,
    timing: { prometheusMs, decideMs, requests, samples }
  }
  for (const r of rows) log.info(replayLine(r))
  const totals = replayTotals(rows)
  const reportStart = performance.now()
  const reportPath = await publishReplay(settings, run, trace, log)
  const reportMs = performance.now() - reportStart
  log.info(
    `${totals.sentence}. Time: Prometheus ${(prometheusMs / 1000).toFixed(2)} s (${requests} requests), decide ${(decideMs / 1000).toFixed(2)} s (${samples} samples, ${samples > 0 && decideMs > 0 ? Math.round(samples / (decideMs / 1000)) : 0} samples/s), report ${(reportMs / 1000).toFixed(2)} s; peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`
  )
  ctx.setOutputs({
    [Outputs.ReplayDeploys]: String(rows.length),
    [Outputs.ReplayRollbacks]: String(totals.rollbacks),
    [Outputs.ReplayWarnings]: String(totals.warnings),
    [Outputs.ReportPath]: reportPath ?? ''
  })
  if (cancel.signal.aborted) {
    core.setFailed('cancelled: the replay was stopped before it read every deploy')
    return
  }
  if (readings > 0 && silent === readings) {
    const provider = PROVIDER_LABEL[settings.metrics?.provider ?? 'prometheus']
    core.setFailed(
      `replay: ${provider.label} answered nothing at all (${silentReason ?? 'no answer'}): check ${provider.where} and the network`
    )
  }
}

function replayLine(r: ReplayRow): string {
  const when = new Date(r.deploy.at).toISOString()
  const sha = r.deploy.sha ? ` ${r.deploy.sha.slice(0, 7)}` : ''
  return `[replay ${when}${sha}] ${r.final.decision} (${r.final.rule}, ${r.final.severity}): ${r.final.reason}`
}
