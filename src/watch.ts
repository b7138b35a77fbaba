// The watch loop: probes → Sample → history → decide, on the core's fixed schedule.
// All effects come in through `deps`; a fake clock runs a 15-minute watch in milliseconds.
import { decide } from './core/decide.js'
import { formatDuration } from './core/duration.js'
import { nextProbeAt } from './core/schedule.js'
import type {
  Baseline,
  HostReadings,
  MetricReading,
  RollbackLevel,
  RuleId,
  Sample,
  Verdict
} from './core/types.js'
import type { Clock, HealthProbe, Logger, MetricsSource } from './adapters/ports.js'
import { readMetrics } from './samples.js'
import type { VerdictAt } from './record.js'
import type { Settings } from './settings/types.js'

export const HOST_OFF: HostReadings = {
  corruption: { status: 'off' },
  database: { status: 'off' },
  cache: { status: 'off' },
  security: { status: 'off' },
  errorLog: { status: 'off', critical: 0, medium: 0, low: 0, top: [] }
}

export interface WatchDeps {
  clock: Clock
  health: HealthProbe
  metrics?: MetricsSource
  /** Host checks over SSH; undefined when none are configured or there is no host. */
  hostChecks?: (signal?: AbortSignal) => Promise<HostReadings>
  logger: Logger
  /** Aborted on SIGINT/SIGTERM: the loop stops within one second. */
  signal?: AbortSignal
  /** Runs the restart command when decide asks for it (restart-first rules). */
  restart?: (verdict: Verdict) => Promise<void>
}

/** What the action has already done, shared between the watch and the verification watches. */
export interface ActionMemory {
  restartsTried: RuleId[]
  failedLevels: RollbackLevel[]
}

export interface WatchOptions {
  durationMs: number
  /** Label for the log lines ("watch", "verify L1"). */
  phase: string
  baseline?: Baseline
  memory: ActionMemory
  /** Verification watches record samples but do not act on them. */
  judge: boolean
}

export interface WatchResult {
  samples: Sample[]
  verdicts: VerdictAt[]
  final: Verdict
  cancelled: boolean
  startedAt: number
  endedAt: number
}

const TERMINAL = new Set(['rollback', 'isolate', 'manual'])

function pct(m: MetricReading): string {
  if (m.status === 'off') return 'off'
  if (m.status !== 'measured' && m.value === null) return 'unknown'
  const v = `${((m.value ?? 0) * 100).toFixed(1)}%`
  return m.status === 'insufficient' ? `${v} (insufficient data)` : v
}

function secs(m: MetricReading): string {
  if (m.status === 'off') return 'off'
  if (m.status !== 'measured') return 'unknown'
  return `${(m.value ?? 0).toFixed(2)}s`
}

/** One log line per cycle: time, health, error rate, p95, verdict. */
export function cycleLine(phase: string, startedAt: number, s: Sample, v?: Verdict): string {
  const h = s.health
  const health = `${h.status}${h.httpStatus ? ` ${h.httpStatus}` : ''}${
    h.latencyMs !== undefined ? ` ${Math.round(h.latencyMs)}ms` : ''
  }${h.status !== 'up' && h.reason ? ` (${h.reason})` : ''}`
  const host = Object.entries(s.host)
    .filter(
      ([, r]) =>
        r.status === 'alert' || (r.status === 'measured' && 'critical' in r && r.critical > 0)
    )
    .map(([k]) => k)
  const verdict = v ? ` → ${v.decision} (${v.rule})` : ''
  return `[${phase} +${formatDuration(Math.max(0, s.at - startedAt))}] health ${health} | error rate ${pct(
    s.errorRate
  )} | p95 ${secs(s.p95)}${host.length ? ` | host alerts: ${host.join(', ')}` : ''}${verdict}`
}

/** Probes one cycle: health, metrics and host checks run concurrently. */
export async function probeOnce(settings: Settings, deps: WatchDeps, at: number): Promise<Sample> {
  const queries = settings.prometheus
    ? {
        errorRate: settings.prometheus.errorRateQuery,
        latency: settings.prometheus.latencyQuery,
        requestRate: settings.prometheus.requestRateQuery
      }
    : undefined
  const [health, metrics, host] = await Promise.all([
    deps.health.probe(deps.signal),
    readMetrics(deps.metrics, queries, at, settings.policy, deps.signal),
    deps.hostChecks ? deps.hostChecks(deps.signal) : Promise.resolve(HOST_OFF)
  ])
  const { body: _body, ...reading } = health
  return { at, health: reading, ...metrics, host }
}

/** Pre-deploy values of the queries, evaluated at deployed-at minus 1 minute. Null = unknown. */
export async function measureBaseline(
  settings: Settings,
  metrics: MetricsSource | undefined,
  signal?: AbortSignal
): Promise<Baseline | undefined> {
  if (!settings.prometheus || !metrics) return undefined
  const at = settings.deployedAt - 60_000
  const [errorRate, p95] = await Promise.all([
    metrics.query(settings.prometheus.errorRateQuery, at, signal),
    metrics.query(settings.prometheus.latencyQuery, at, signal)
  ])
  return {
    errorRate: errorRate.status === 'measured' ? errorRate.value : null,
    p95: p95.status === 'measured' ? p95.value : null
  }
}

/**
 * Before the watch: wait until the health body contains expected-version (the deploy took).
 * Returns null when it did, or a not-deployed verdict when it never did within health.version-wait.
 */
export async function waitForVersion(
  settings: Settings,
  deps: WatchDeps
): Promise<{ verdict: Verdict | null; sample?: Sample }> {
  const expected = settings.expectedVersion
  if (!expected) return { verdict: null }
  const start = deps.clock.now()
  const deadline = start + settings.policy.health.versionWaitMs
  const interval = Math.min(settings.probeIntervalMs, 5000)
  let lastSeen: string
  for (let k = 0; ; k++) {
    if (deps.signal?.aborted) return { verdict: null }
    const reading = await deps.health.probe(deps.signal)
    if (reading.body !== undefined && reading.body.includes(expected)) {
      deps.logger.info(
        `expected-version '${expected}' is live (after ${formatDuration(deps.clock.now() - start)})`
      )
      return { verdict: null }
    }
    lastSeen =
      reading.body !== undefined
        ? `HTTP ${reading.httpStatus ?? '?'} without it`
        : (reading.reason ?? reading.status)
    const next = nextProbeAt(start, interval, deps.clock.now() + 1)
    if (next > deadline) break
    await deps.clock.sleep(next - deps.clock.now(), deps.signal)
  }
  return {
    verdict: {
      decision: 'not-deployed',
      severity: 'none',
      rule: 'deploy-not-live',
      reason: `expected-version '${expected}' never appeared in the health response within health.version-wait ${formatDuration(
        settings.policy.health.versionWaitMs
      )} (last: ${lastSeen}): the deploy did not take, so there is nothing to roll back`,
      evidence: []
    }
  }
}

/**
 * Watches for `durationMs`, cycles at start + k × probe-interval. Stops early on a terminal verdict
 * (rollback, isolate, manual) when judging. A P1/P2 rule whose window is still open at the planned
 * end is seen through: the watch extends to its decideBy (by at most that window).
 */
export async function watch(
  settings: Settings,
  deps: WatchDeps,
  opts: WatchOptions
): Promise<WatchResult> {
  const { clock, logger } = deps
  const startedAt = clock.now()
  let plannedEnd = startedAt + opts.durationMs
  const hardEnd =
    plannedEnd +
    Math.max(settings.policy.errorRate.highWindowMs, settings.policy.latency.severeWindowMs)
  const samples: Sample[] = []
  const verdicts: VerdictAt[] = []
  const context = (final: boolean) => ({
    now: clock.now(),
    deployedAt: settings.deployedAt,
    restartAvailable: Boolean(settings.commands.restart && settings.ssh),
    restartsTried: opts.memory.restartsTried,
    failedLevels: opts.memory.failedLevels,
    baseline: opts.baseline,
    final
  })
  let last: Verdict | undefined
  let lastAt = -Infinity

  for (let k = 0; k < 1_000_000; k++) {
    if (deps.signal?.aborted) break
    // The next slot after the one just probed (a 0 ms probe must not probe its slot twice).
    const at = nextProbeAt(startedAt, settings.probeIntervalMs, Math.max(clock.now(), lastAt + 1))
    lastAt = at
    if (at > plannedEnd) {
      // Open P1/P2 window at the planned end: see it through.
      // Only a window not yet judged (no trend yet): an improving trend was judged and is not
      // extended; the final call then says it is still over the limit.
      const open =
        last?.decision === 'continue' && last.decideBy !== undefined && last.trend === undefined
      const severe = last?.severity === 'P1' || last?.severity === 'P2'
      if (
        opts.judge &&
        open &&
        severe &&
        last!.decideBy! <= hardEnd &&
        last!.decideBy! > plannedEnd
      ) {
        logger.info(
          `${last!.rule} window still open at the end of the watch: extending by ${formatDuration(last!.decideBy! - plannedEnd)} to decide`
        )
        plannedEnd = last!.decideBy!
      } else break
    }
    if (at > clock.now()) await clock.sleep(at - clock.now(), deps.signal)
    if (deps.signal?.aborted) break
    const sample = await probeOnce(settings, deps, at)
    samples.push(sample)
    if (!opts.judge) {
      logger.info(cycleLine(opts.phase, startedAt, sample))
      continue
    }
    const verdict = decide(samples, settings.policy, context(false))
    verdicts.push({ at: clock.now(), verdict })
    last = verdict
    logger.info(cycleLine(opts.phase, startedAt, sample, verdict))
    if (verdict.decision !== 'continue' && verdict.decision !== 'healthy')
      logger.info(`  ${verdict.rule}: ${verdict.reason}`)
    if (TERMINAL.has(verdict.decision)) break
    if (verdict.decision === 'restart' && deps.restart) {
      opts.memory.restartsTried.push(verdict.rule)
      await deps.restart(verdict)
    }
  }

  const cancelled = Boolean(deps.signal?.aborted)
  let final: Verdict
  if (!opts.judge) {
    final = last ?? {
      decision: 'continue',
      severity: 'none',
      rule: 'healthy',
      reason: 'verification',
      evidence: []
    }
  } else if (last && TERMINAL.has(last.decision)) {
    final = last
  } else if (samples.length === 0) {
    final = {
      decision: cancelled ? 'continue' : 'inconclusive',
      severity: 'none',
      rule: 'monitoring-outage',
      reason: cancelled
        ? 'cancelled before the first probe'
        : 'no probe completed during the watch',
      evidence: []
    }
  } else {
    final = decide(samples, settings.policy, context(true))
    if (final.decision === 'continue') {
      final = { ...final, decision: 'healthy', reason: `watch ended while ${final.reason}` }
    }
    const warned = [...verdicts].reverse().find((v) => v.verdict.decision === 'warn')
    if (final.decision === 'healthy' && warned) final = warned.verdict
  }
  return { samples, verdicts, final, cancelled, startedAt, endedAt: clock.now() }
}
