// The replay's loop: each deploy's history read from Prometheus and judged by the watch's own
// judgement (runbook/judgement.ts) as soon as it is in, and only its summary row kept (the
// samples of 1,000 deploys held to the end would take most of a gigabyte). It runs in a worker
// thread in the action (replay-worker.ts) and in the action's thread under the tests; what it
// gives back is plain data, so that it can cross between threads.
import { performance } from 'node:perf_hooks'
import type { MetricsHistory } from '../adapters/ports.js'
import { formatDuration } from '../lib/duration.js'
import { judgeRecorded } from '../runbook/judgement.js'
import {
  ReplayCollector,
  replayTraceDeploy,
  type ChartedOutcome,
  type ReplayOutcome,
  type ReplayRow,
  type ReplayTraceDeploy
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

/** Deploys whose history is fetched at once: Prometheus serves them in parallel. */
const CONCURRENCY = 6

export type ListedDeploy = ReplayDeploy & { source: 'replay-deploys' | 'deployments-api' }

/** What a replay judges: plain data, so that it can cross to a worker thread. */
export interface ReplayJob {
  settings: Settings
  deploys: ListedDeploy[]
  /** The replay's start: no history is read past it. */
  now: number
}

/** One deploy judged, and how its history was read. */
export interface Judged {
  index: number
  /** Its line of the trace (with every sample and verdict under replay-trace: full). */
  entry: ReplayTraceDeploy
  samples: number
  /** Time spent judging and summarising it. */
  decideMs: number
  /** Range requests sent for it. */
  requests: number
  /** Its range readings, and those of them Prometheus gave no answer to (and the first reason). */
  readings: number
  silent: number
  silentReason?: string
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

/** Every deploy's row in list order, and the first that would have acted, whole, for charts. */
export interface Judgement {
  rows: ReplayRow[]
  charted: ChartedOutcome[]
}

/**
 * Reads and judges every deploy of `job`, `CONCURRENCY` at a time, handing each to `onJudged`
 * as soon as it is judged (in any order). Once `signal` is aborted, the reads in flight and
 * those left fail as cancelled and their deploys are judged on that.
 */
export async function judgeDeploys(
  job: ReplayJob,
  source: MetricsHistory,
  signal: AbortSignal,
  onJudged: (judged: Judged) => void
): Promise<Judgement> {
  const { settings, deploys, now } = job
  const queries = queriesOf(settings)
  const replay = settings.replay
  if (!queries || !replay) throw new Error('mode replay needs prometheus-url')
  const collector = new ReplayCollector()
  await inParallel(deploys, CONCURRENCY, async (d, index) => {
    const history = await fetchHistory(source, queries, replayRange(d.at, settings, now), {
      healthQuery: replay.healthQuery,
      confirm: settings.policy.health.confirm,
      confirmIntervalMs: settings.policy.health.confirmIntervalMs,
      signal
    })
    const t0 = performance.now()
    const outcome = judgeDeploy(d, history, settings)
    const row = collector.add(index, outcome)
    const entry = replayTraceDeploy(row, replay.trace === 'full' ? outcome : undefined)
    const decideMs = performance.now() - t0
    let requests = 0
    let silent = 0
    let silentReason: string | undefined
    const readings = readingsOf(history)
    for (const r of readings) {
      requests += r.requests
      if (!r.ok && !r.answered) {
        silent++
        silentReason ??= r.reason
      }
    }
    onJudged({
      index,
      entry,
      samples: outcome.samples.length,
      decideMs,
      requests,
      readings: readings.length,
      silent,
      ...(silentReason !== undefined ? { silentReason } : {})
    })
  })
  return { rows: collector.rows(), charted: collector.charted() }
}
