// mode: replay — what the policy would have done on past deploys. Samples come from Prometheus'
// history (replay-samples.ts); the watch's own judgement (runbook/judgement.ts) judges them cycle by
// cycle. Nothing runs on a host and no issue is written: a replay is information, so it exits 0
// except on bad input and a Prometheus that answers nothing at all.
import * as core from '@actions/core'
import { performance } from 'node:perf_hooks'
import type { GitHub } from '../adapters/github.js'
import type { MetricsHistory } from '../adapters/ports.js'
import { formatDuration } from '../lib/duration.js'
import { judgeRecorded } from '../runbook/judgement.js'
import { Outputs } from '../settings/names.js'
import { PROVIDER_LABEL } from '../settings/metrics.js'
import { openReplayTrace, publishReplay } from '../report/publish.js'
import {
  ReplayCollector,
  replayTotals,
  replayTraceDeploy,
  replayTraceHead,
  type ReplayOutcome,
  type ReplayRow,
  type ReplayRun
} from '../report/replay.js'
import {
  fetchHistory,
  readingsOf,
  rebuildSamples,
  replayRange,
  type DeployHistory
} from '../sampling/history.js'
import { queriesOf } from '../sampling/probe.js'
import type { ReplayDeploy, Settings } from '../settings/types.js'
import type { ModeContext } from './contract.js'

/** Deploys whose history is fetched at once: Prometheus serves them in parallel. */
const CONCURRENCY = 6

export type ListedDeploy = ReplayDeploy & { source: 'replay-deploys' | 'deployments-api' }

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

/** Runs `work` over `items` with at most `limit` at once; `work` keeps what it needs. */
async function inParallel<T>(
  items: T[],
  limit: number,
  work: (item: T, i: number) => Promise<void>
) {
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      await work(items[i], i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
}

/** The samples, verdicts and final verdict of one deploy, as the watch would have judged them. */
export function judgeDeploy(
  deploy: ListedDeploy,
  history: DeployHistory,
  settings: Settings
): ReplayOutcome {
  const { policy } = settings
  const { baseline, samples } = rebuildSamples(history, policy, deploy.at)
  const startedAt = samples[0]?.at ?? deploy.at
  const judged = judgeRecorded(samples, {
    policy,
    deployedAt: deploy.at,
    // A restart would run on the host, and what it changed has no history: none in a replay.
    restartAvailable: false,
    baseline,
    plannedEnd: startedAt + settings.watchDurationMs
  })
  const readings = readingsOf(history)
  const failures = [...new Set(readings.flatMap((r) => (r.ok ? [] : [r.reason])))]
  const lastAt = samples[samples.length - 1]?.at ?? history.range.start
  const incomplete = startedAt + settings.watchDurationMs > lastAt + settings.probeIntervalMs
  return {
    deploy,
    startedAt,
    samples: judged.samples,
    verdicts: judged.verdicts,
    final: judged.final,
    baseline,
    failures,
    ...(incomplete
      ? {
          incomplete: `history ends ${formatDuration(Math.max(0, lastAt - deploy.at))} after the deploy (the watch is ${formatDuration(settings.watchDurationMs)})`
        }
      : {})
  }
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
  // Each deploy is judged as soon as its history is in, and only its summary row is kept: the
  // samples of 1,000 deploys held to the end would take most of a gigabyte.
  const collector = new ReplayCollector()
  let decideMs = 0
  let requests = 0
  let samples = 0
  let readings = 0
  let silent = 0
  let silentReason: string | undefined
  await inParallel(deploys, CONCURRENCY, async (d, i) => {
    const history = await fetchHistory(source, queries, replayRange(d.at, settings, now), {
      healthQuery: replay.healthQuery,
      confirm: settings.policy.health.confirm,
      confirmIntervalMs: settings.policy.health.confirmIntervalMs,
      signal: cancel.signal
    })
    const t0 = performance.now()
    const outcome = judgeDeploy(d, history, settings)
    const row = collector.add(i, outcome)
    trace.add(i, replayTraceDeploy(row, replay.trace === 'full' ? outcome : undefined))
    decideMs += performance.now() - t0
    samples += outcome.samples.length
    for (const r of readingsOf(history)) {
      readings++
      requests += r.requests
      if (!r.ok && !r.answered) {
        silent++
        silentReason ??= r.reason
      }
    }
  })
  const prometheusMs = Math.max(0, performance.now() - started - decideMs)
  core.endGroup()

  const rows = collector.rows()
  const run: ReplayRun = {
    environment: settings.environment,
    generatedAt: now,
    rows,
    charted: collector.charted(),
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
