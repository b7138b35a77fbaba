// mode: replay — what the policy would have done on past deploys. Samples come from Prometheus'
// history (replay-samples.ts); the watch's own judgement (core/judgement.ts) judges them cycle by
// cycle. Nothing runs on a host and no issue is written: a replay is information, so it exits 0
// except on bad input and a Prometheus that answers nothing at all.
import * as core from '@actions/core'
import { performance } from 'node:perf_hooks'
import type { GitHub } from '../adapters/github.js'
import type { MetricsHistory } from '../adapters/ports.js'
import { formatDuration } from '../core/duration.js'
import { judgeRecorded } from '../core/judgement.js'
import { Outputs } from '../constants.js'
import { publishReplay } from '../report/publish.js'
import { type ReplayOutcome, type ReplayRun, replayTotals } from '../report/replay.js'
import {
  fetchHistory,
  readingsOf,
  rebuildSamples,
  replayRange,
  type DeployHistory
} from '../replay-samples.js'
import { queriesOf } from '../samples.js'
import type { ReplayDeploy, Settings } from '../settings/types.js'
import type { ModeContext } from './watch.js'

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

/** Runs `work` over `items` with at most `limit` at once, keeping the order of the results. */
async function inParallel<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>) {
  const out: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await work(items[i])
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return out
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
  const source: MetricsHistory | undefined = adapters.prometheusHistory(settings)
  const queries = queriesOf(settings)
  const replay = settings.replay
  if (!source || !queries || !replay) {
    core.setFailed('bad input: mode replay needs prometheus-url')
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
  const fetchStart = performance.now()
  const histories = await inParallel(deploys, CONCURRENCY, (d) =>
    fetchHistory(source, queries, replayRange(d.at, settings, now), {
      healthQuery: replay.healthQuery,
      confirm: settings.policy.health.confirm,
      confirmIntervalMs: settings.policy.health.confirmIntervalMs,
      signal: cancel.signal
    })
  )
  const prometheusMs = performance.now() - fetchStart
  core.endGroup()

  const decideStart = performance.now()
  const outcomes = deploys.map((d, i) => judgeDeploy(d, histories[i], settings))
  const decideMs = performance.now() - decideStart

  const readings = histories.flatMap(readingsOf)
  const requests = readings.reduce((n, r) => n + r.requests, 0)
  const samples = outcomes.reduce((n, o) => n + o.samples.length, 0)
  const run: ReplayRun = {
    environment: settings.environment,
    generatedAt: now,
    outcomes,
    notes: ctx.notes,
    timing: { prometheusMs, decideMs, requests, samples }
  }
  for (const o of outcomes) log.info(replayLine(o))
  const totals = replayTotals(outcomes)
  log.info(
    `${totals.sentence}. Time: Prometheus ${(prometheusMs / 1000).toFixed(2)} s (${requests} requests), decide ${(decideMs / 1000).toFixed(2)} s (${samples} samples, ${samples > 0 && decideMs > 0 ? Math.round(samples / (decideMs / 1000)) : 0} samples/s)`
  )
  const reportPath = await publishReplay(settings, run, log)
  ctx.setOutputs({
    [Outputs.ReplayDeploys]: String(outcomes.length),
    [Outputs.ReplayRollbacks]: String(totals.rollbacks),
    [Outputs.ReplayWarnings]: String(totals.warnings),
    [Outputs.ReportPath]: reportPath ?? ''
  })
  if (cancel.signal.aborted) {
    core.setFailed('cancelled: the replay was stopped before it read every deploy')
    return
  }
  const silent = readings.length > 0 && readings.every((r) => !r.ok && !r.answered)
  if (silent) {
    const reason = readings.find((r) => !r.ok)
    core.setFailed(
      `replay: Prometheus answered nothing at all (${reason && !reason.ok ? reason.reason : 'no answer'}): check prometheus-url and the network`
    )
  }
}

function replayLine(o: ReplayOutcome): string {
  const when = new Date(o.deploy.at).toISOString()
  const sha = o.deploy.sha ? ` ${o.deploy.sha.slice(0, 7)}` : ''
  return `[replay ${when}${sha}] ${o.final.decision} (${o.final.rule}, ${o.final.severity}): ${o.final.reason}`
}
