// The watch loop: it collects samples on the core's fixed schedule and asks the core what they
// mean (decide, the final verdict, whether to extend, when host checks are due). It decides
// nothing itself. All effects come in through `deps`; a fake clock runs a 15-minute watch in
// milliseconds.
import { notDeployed, versionLive } from '../runbook/deploy-live.js'
import { formatDuration } from '../lib/duration.js'
import { percent, readingText, seconds } from '../runbook/format.js'
import { startJudgement, type ActionMemory } from '../runbook/judgement.js'
import { cycleIndex, hostChecksDue, nextProbeAt } from '../runbook/schedule.js'
import type { Baseline, HostReadings, Sample, Verdict, VerdictAt } from '../runbook/types.js'
import type { Clock, HealthProbe, Logger, MetricsSource } from '../adapters/ports.js'
import { HOST_OFF, probeOnce, queriesOf } from './probe.js'
import type { Settings } from '../settings/types.js'

export type { ActionMemory } from '../runbook/judgement.js'

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

/** How much of the window is left at a sample: "13m30s left", or how far past its planned end. */
export function windowLeft(at: number, endsAt: number): string {
  const left = endsAt - at
  return left >= 0 ? `${formatDuration(left)} left` : `extended by ${formatDuration(-left)}`
}

/** One log line per cycle: time, time left in the window, health, error rate, p95, verdict. */
export function cycleLine(
  phase: string,
  startedAt: number,
  s: Sample,
  v?: Verdict,
  endsAt?: number
): string {
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
  const left = endsAt === undefined ? '' : `, ${windowLeft(s.at, endsAt)}`
  return `[${phase} +${formatDuration(Math.max(0, s.at - startedAt))}${left}] health ${health} | error rate ${readingText(
    s.errorRate,
    percent
  )} | p95 ${readingText(s.p95, seconds)}${host.length ? ` | host alerts: ${host.join(', ')}` : ''}${verdict}`
}

/**
 * Watches for `durationMs`, cycles at start + k × probe-interval. Stops early on a terminal verdict
 * (rollback, isolate, manual) when judging, and runs past its planned end when the core says a
 * P1/P2 window must be seen through.
 */
export async function watch(
  settings: Settings,
  deps: WatchDeps,
  opts: WatchOptions
): Promise<WatchResult> {
  const { clock, logger } = deps
  const { policy, probeIntervalMs } = settings
  const startedAt = clock.now()
  const plannedEnd = startedAt + opts.durationMs
  // The judgement decides; this loop only probes on its schedule and carries out restarts.
  const judgement = opts.judge
    ? startJudgement({
        policy,
        deployedAt: settings.deployedAt,
        restartAvailable: Boolean(settings.commands.restart && settings.ssh),
        baseline: opts.baseline,
        memory: opts.memory,
        plannedEnd
      })
    : undefined
  const samples: Sample[] = judgement?.samples ?? []
  let lastHost: HostReadings | undefined
  const sources = {
    health: deps.health,
    metrics: deps.metrics,
    queries: queriesOf(settings),
    host: HOST_OFF
  }
  let lastAt = -Infinity

  for (let k = 0; k < 1_000_000; k++) {
    if (deps.signal?.aborted) break
    // The next slot after the one just probed (a 0 ms probe must not probe its slot twice).
    const at = nextProbeAt(startedAt, probeIntervalMs, Math.max(clock.now(), lastAt + 1))
    lastAt = at
    const admission = judgement ? judgement.admits(at) : { admitted: at <= plannedEnd }
    if (!admission.admitted) break
    if ('extension' in admission && admission.extension)
      logger.info(
        `${admission.extension.rule} window still open at the end of the watch: extending by ${formatDuration(admission.extension.byMs)} to decide`
      )
    if (at > clock.now()) await clock.sleep(at - clock.now(), deps.signal)
    if (deps.signal?.aborted) break
    const due = hostChecksDue(cycleIndex(startedAt, probeIntervalMs, at), policy.hostChecks.every)
    const sample = await probeOnce(
      {
        ...sources,
        host: async (signal) => {
          if (!deps.hostChecks) return HOST_OFF
          if (due || !lastHost) lastHost = await deps.hostChecks(signal)
          return lastHost
        }
      },
      policy,
      at,
      deps.signal
    )
    if (!judgement) {
      samples.push(sample)
      logger.info(cycleLine(opts.phase, startedAt, sample, undefined, plannedEnd))
      continue
    }
    const verdict = judgement.judge(sample, clock.now())
    logger.info(cycleLine(opts.phase, startedAt, sample, verdict, plannedEnd))
    if (
      verdict.decision !== 'healthy' &&
      (verdict.decision !== 'continue' || verdict.severity === 'none')
    )
      logger.info(`  ${verdict.rule}: ${verdict.reason}`)
    if (judgement.ended) break
    if (verdict.decision === 'restart' && deps.restart) await deps.restart(verdict)
  }

  const cancelled = Boolean(deps.signal?.aborted)
  const final = judgement
    ? judgement.final(clock.now(), cancelled)
    : {
        decision: 'continue' as const,
        severity: 'none' as const,
        rule: 'healthy' as const,
        reason: 'verification',
        evidence: []
      }
  return {
    samples,
    verdicts: judgement?.verdicts ?? [],
    final,
    cancelled,
    startedAt,
    endedAt: clock.now()
  }
}

/**
 * Before the watch: wait until the health body contains expected-version (the deploy took).
 * Returns null when it did, or a not-deployed verdict when it never did within health.version-wait.
 */
export async function waitForVersion(
  settings: Settings,
  deps: Pick<WatchDeps, 'clock' | 'health' | 'logger' | 'signal'>
): Promise<{ verdict: Verdict | null }> {
  const expected = settings.expectedVersion
  if (!expected) return { verdict: null }
  const start = deps.clock.now()
  const deadline = start + settings.policy.health.versionWaitMs
  const interval = Math.min(settings.probeIntervalMs, 5000)
  let lastSeen = 'no answer'
  for (let k = 0; k < 100_000; k++) {
    if (deps.signal?.aborted) return { verdict: null }
    const reading = await deps.health.probe(deps.signal)
    if (versionLive(reading.body, expected)) {
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
  return { verdict: notDeployed(expected, settings.policy.health.versionWaitMs, lastSeen) }
}
