// Replays a recorded scenario (__fixtures__/scenarios/*.json, made by record-scenarios.ts
// against a real Prometheus and real test services) under a fake clock: the real watch(),
// decide(), readMetrics() and waitForVersion() run over what the real health probe and the real
// Prometheus adapter read at each probe slot, in milliseconds. Asking for anything the recording
// does not hold (another query, a moment past its end) throws: a replay never makes readings up.
import fs from 'node:fs'
import path from 'node:path'
import type { Clock, HealthProbe, Logger, MetricsSource } from '../src/adapters/ports.js'
import { formatDuration } from '../src/lib/duration.js'
import type { Baseline, HealthReading, MetricReading, Policy } from '../src/runbook/types.js'
import type { Settings } from '../src/settings/types.js'
import { watch, type WatchDeps, type WatchResult } from '../src/sampling/loop.js'
import { scenarioPolicy } from './scenarios.js'
import { testSettings } from './settings.js'

export const RECORDINGS_DIR = path.join(import.meta.dirname, 'scenarios')

export const QUERY_NAMES = ['errorRate', 'latency', 'requestRate'] as const
export type QueryName = (typeof QUERY_NAMES)[number]

/** A change the recorder made to the world, `t` ms after the recording's start (may be < 0). */
export interface TimelineChange {
  t: number
  what: string
  /** The test service's new state, when the change was one. */
  state?: Record<string, unknown>
}

/** What the real adapters read at one probe slot. */
export interface RecordedSlot {
  /** ms from the recording's start; slot k is at k × probeIntervalMs. */
  t: number
  /** How long after `t` the probes began (timer jitter). */
  lateMs: number
  /** What createHealthProbe(...).probe() returned (its quick re-probes included), body cut short. */
  health: HealthReading & { body?: string }
  /** How long that probe took, re-probes and the waits between them included. */
  probeMs: number
  /** createPrometheus(...).query(query, start + t) for each query. */
  metrics: Record<QueryName, MetricReading>
}

export interface Recording {
  scenario: string
  description: string
  recorded: { date: string; command: string; prometheus: string; node: string }
  /** Epoch ms of slot 0: the replay's clock starts here, and so does its watch. */
  startedAt: number
  probeIntervalMs: number
  /** The health policy the real probe ran with (re-probes, timeouts). */
  healthPolicy: Pick<Policy['health'], 'timeoutMs' | 'slowMs' | 'confirm' | 'confirmIntervalMs'>
  healthUrl: string
  prometheusUrl: string
  queries: Record<QueryName, string>
  timeline: TimelineChange[]
  slots: RecordedSlot[]
  /** Queries evaluated at moments before the start (measureBaseline's deployed-at − 1 m). */
  past: { t: number; metrics: Partial<Record<QueryName, MetricReading>> }[]
}

export function loadRecording(scenario: string): Recording {
  const file = path.join(RECORDINGS_DIR, `${scenario}.json`)
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Recording
}

/** The recording's last slot offset: how long a watch over it may run. */
export const recordedMs = (rec: Recording): number => rec.slots[rec.slots.length - 1].t

/** When a timeline change happened (epoch ms), found by its description. */
export function changeAt(rec: Recording, what: string | RegExp): number {
  const change = rec.timeline.find((c) =>
    typeof what === 'string' ? c.what === what : what.test(c.what)
  )
  if (!change) throw new Error(`${rec.scenario}: no timeline change ${String(what)}`)
  return rec.startedAt + change.t
}

/** A clock that only moves when slept on (or when a replayed probe takes its recorded time). */
export class ReplayClock implements Clock {
  constructor(public t: number) {}
  now = (): number => this.t
  sleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
    if (signal?.aborted) return
    this.t += Math.max(0, ms)
  }
}

function slotAt(rec: Recording, at: number, who: string): RecordedSlot {
  const offset = at - rec.startedAt
  const k = Math.floor(offset / rec.probeIntervalMs)
  const slot = rec.slots[k]
  if (offset < 0 || !slot)
    throw new Error(
      `${rec.scenario}: ${who} at +${offset} ms, outside the recording (0 to +${recordedMs(rec)} ms)`
    )
  return slot
}

/** The recorded health reading of the slot the clock is in; the probe takes its recorded time. */
export function replayHealth(rec: Recording, clock: ReplayClock): HealthProbe & { at: number[] } {
  const at: number[] = []
  return {
    at,
    async probe() {
      const slot = slotAt(rec, clock.now(), 'a health probe')
      at.push(clock.now())
      clock.t += slot.probeMs
      return structuredClone(slot.health)
    }
  }
}

/** The recorded answer to a query at `at`: the slot `at` falls in, or a recorded past moment. */
export function replayMetrics(rec: Recording): MetricsSource {
  const names = new Map(QUERY_NAMES.map((n) => [rec.queries[n], n]))
  return {
    async query(promql, at) {
      const name = names.get(promql)
      if (!name) throw new Error(`${rec.scenario}: query not recorded: ${promql}`)
      const past = rec.past.find((p) => rec.startedAt + p.t === at)?.metrics[name]
      const reading = past ?? slotAt(rec, at, `query ${name}`).metrics[name]
      return structuredClone(reading)
    }
  }
}

/**
 * Settings over a recording, through the real parseInputs: its URLs and queries, the scenario
 * policy, deployed-at = the recording's start. Throws when they could not replay it faithfully.
 */
export function replaySettings(
  rec: Recording,
  duration: string,
  opts: { inputs?: Record<string, string>; errorRateExtra?: string } = {}
): Settings {
  const settings = testSettings(
    {
      'health-url': rec.healthUrl,
      'prometheus-url': rec.prometheusUrl,
      'error-rate-query': rec.queries.errorRate,
      'latency-query': rec.queries.latency,
      'request-rate-query': rec.queries.requestRate,
      'probe-interval': formatDuration(rec.probeIntervalMs),
      'watch-duration': duration,
      ...opts.inputs
    },
    { now: rec.startedAt, policy: scenarioPolicy(opts.errorRateExtra) }
  )
  const { timeoutMs, slowMs, confirm, confirmIntervalMs } = settings.policy.health
  const health = { timeoutMs, slowMs, confirm, confirmIntervalMs }
  if (JSON.stringify(health) !== JSON.stringify(rec.healthPolicy))
    throw new Error(
      `${rec.scenario}: recorded with health ${JSON.stringify(rec.healthPolicy)}, replayed with ${JSON.stringify(health)}`
    )
  if (settings.probeIntervalMs !== rec.probeIntervalMs)
    throw new Error(`${rec.scenario}: recorded every ${rec.probeIntervalMs} ms`)
  if (settings.watchDurationMs > recordedMs(rec))
    throw new Error(`${rec.scenario}: watch-duration ${duration} is longer than the recording`)
  return settings
}

export interface Replay {
  clock: ReplayClock
  health: ReturnType<typeof replayHealth>
  metrics: MetricsSource
  /** The watch's log lines, stamped with the replay's offset from the start. */
  log: string[]
  deps: WatchDeps
}

/** A fake clock at the recording's start, and the adapters answering from the recording. */
export function replay(rec: Recording): Replay {
  const clock = new ReplayClock(rec.startedAt)
  const log: string[] = []
  const line = (l: string): void => void log.push(`+${clock.now() - rec.startedAt}ms ${l}`)
  const logger: Logger = { info: line, warning: line, error: line }
  const health = replayHealth(rec, clock)
  const metrics = replayMetrics(rec)
  return { clock, health, metrics, log, deps: { clock, health, metrics, logger } }
}

/** Runs the real watch over the recording, judging as the watch mode does. */
export async function replayWatch(
  rec: Recording,
  settings: Settings,
  baseline?: Baseline
): Promise<{ result: WatchResult } & Replay> {
  const r = replay(rec)
  const result = await watch(settings, r.deps, {
    durationMs: settings.watchDurationMs,
    phase: 'watch',
    baseline,
    memory: { restartsTried: [], failedLevels: [] },
    judge: true
  })
  return { result, ...r }
}
