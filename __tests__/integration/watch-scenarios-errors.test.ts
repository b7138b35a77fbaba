// The runbook's error-rate scenarios end to end, with nothing faked: a real Prometheus (Debian's
// 2.42, scrape 1s) scrapes real test services, and the real watch() drives the real health probe,
// the real Prometheus adapter and the real clock. Rate windows are [5s] and the policy windows a few
// seconds, so a "5-minute rule" runs in 8 s. Each scenario has its own service (its own Prometheus
// `instance`), all started in beforeAll, so no scenario waits for Prometheus' first scrape.
// Needs the `prometheus` binary: a missing binary fails, it is not skipped.
import { jest } from '@jest/globals'
import { systemClock } from '../../src/adapters/clock.js'
import { createHealthProbe } from '../../src/adapters/health.js'
import type { Logger, MetricsSource } from '../../src/adapters/ports.js'
import { createPrometheus } from '../../src/adapters/prometheus.js'
import type { Baseline, MetricReading, Sample } from '../../src/core/types.js'
import type { VerdictAt } from '../../src/record.js'
import type { Settings } from '../../src/settings/types.js'
import { measureBaseline, queriesOf } from '../../src/samples.js'
import { watch, type WatchResult } from '../../src/watch.js'
import { INSTALL_HINT, startPrometheus } from '../../sandbox/prometheus.js'
import { findExecutable } from '../../sandbox/processes.js'
import { startTestService } from '../../sandbox/test-service.js'
import { testSettings } from '../support/settings.js'
import { BREACH, explain, queriesFor, scheduledChanges } from '../support/scenarios.js'

jest.setTimeout(60_000)

type Service = Awaited<ReturnType<typeof startTestService>>
type Prom = Awaited<ReturnType<typeof startPrometheus>>

const HIGH_WINDOW_MS = 8_000
const PROBE_INTERVAL_MS = 1_000
/** Short windows through the policy file: every other key keeps the runbook's number. */
const POLICY = [
  'error-rate: { high-window: 8s, elevated-window: 16s }',
  'latency: { severe-window: 8s, degraded-window: 16s }',
  'health: { confirm: 2, confirm-interval: 200ms, timeout: 2s, slow: 1500ms }'
].join('\n')
/** Decisions that mean a rule breached (a verdict other than continue/healthy/inconclusive). */

let prometheus: Prom | undefined
let promStartedAt = 0
const services: Record<string, Service> = {}
const controllers = new Set<AbortController>()
const { at, clear: clearScheduled } = scheduledChanges()

function settingsFor(service: Service, duration: string, inputs: Record<string, string> = {}) {
  return testSettings(
    {
      'health-url': `${service.url}/health`,
      'prometheus-url': prometheus!.url,
      ...queriesFor(service),
      'probe-interval': '1s',
      'watch-duration': duration,
      ...inputs
    },
    { now: Date.now(), policy: POLICY }
  )
}

function metricsFor(settings: Settings): MetricsSource {
  return createPrometheus(settings.prometheus!, { timeoutMs: settings.policy.health.timeoutMs })
}

/** Runs the real watch; the log lines are kept to explain a failure. */
async function runWatch(
  settings: Settings,
  baseline?: Baseline
): Promise<{ result: WatchResult; log: string[] }> {
  const log: string[] = []
  const line = (l: string): void => void log.push(`${new Date().toISOString()} ${l}`)
  const logger: Logger = { info: line, warning: line, error: line }
  const controller = new AbortController()
  controllers.add(controller)
  try {
    const result = await watch(
      settings,
      {
        clock: systemClock,
        health: createHealthProbe(settings.health, settings.policy, { sleep: systemClock.sleep }),
        metrics: metricsFor(settings),
        logger,
        signal: controller.signal
      },
      {
        durationMs: settings.watchDurationMs,
        phase: 'watch',
        baseline,
        memory: { restartsTried: [], failedLevels: [] },
        judge: true
      }
    )
    return { result, log }
  } finally {
    controllers.delete(controller)
  }
}

/** Polls an instant query (bounded in rounds and time) until `accept` holds; returns the value. */
async function waitForValue(
  metrics: MetricsSource,
  query: string,
  accept: (v: number) => boolean,
  timeoutMs = 20_000
): Promise<number> {
  const deadline = Date.now() + timeoutMs
  let last: MetricReading | undefined
  for (let i = 0; i < Math.ceil(timeoutMs / 250) && Date.now() < deadline; i++) {
    last = await metrics.query(query, Date.now())
    if (last.status === 'measured' && accept(last.value as number)) return last.value as number
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw new Error(`timed out waiting on ${query} (last: ${JSON.stringify(last)})`)
}

const rate = (s: Sample): number | null =>
  s.errorRate.status === 'measured' ? (s.errorRate.value as number) : null
const rollbackOf = (verdicts: VerdictAt[]): VerdictAt | undefined =>
  verdicts.find((v) => v.verdict.decision === 'rollback')

/** The first sample of the episode that ends at the last sample: back to the last one ≤ limit. */
function episodeStart(samples: Sample[], limit: number): Sample {
  let start = samples.length - 1
  for (let i = samples.length - 1; i >= 0; i--) {
    const v = rate(samples[i])
    if (v === null) continue
    if (v <= limit) break
    start = i
  }
  return samples[start]
}

beforeAll(async () => {
  if (!findExecutable('prometheus'))
    throw new Error(`these scenarios need the prometheus binary on PATH: ${INSTALL_HINT}`)
  const initial = {
    healthy: { errorRate: 0.01 },
    critical: { errorRate: 0 },
    high: { errorRate: 0 },
    falling: { errorRate: 0.3 },
    preExisting: { errorRate: 0.6 }
  }
  for (const [name, state] of Object.entries(initial))
    services[name] = await startTestService({ state, rps: 50 })
  promStartedAt = Date.now()
  prometheus = await startPrometheus({
    targets: Object.values(services).map((s) => `127.0.0.1:${s.port}`),
    scrapeInterval: '1s'
  })
  // The first scrape comes ~5.5 s after start and the first rate() ~1 s later, per target.
  for (const service of Object.values(services)) {
    await prometheus.waitForData(queriesFor(service)['request-rate-query'], { timeoutMs: 30_000 })
    await prometheus.waitForData(queriesFor(service)['error-rate-query'], { timeoutMs: 15_000 })
  }
}, 90_000)

afterEach(() => {
  for (const c of controllers) c.abort()
  clearScheduled()
})

afterAll(async () => {
  await prometheus?.stop()
  await Promise.all(Object.values(services).map((s) => s.stop()))
})

describe('watch() against a real Prometheus: error-rate scenarios', () => {
  it('a breach already there before deployed-at is pre-existing: no rollback', async () => {
    const service = services.preExisting
    const settings = settingsFor(service, '5s')
    const metrics = metricsFor(settings)
    const q = settings.prometheus!
    // The real measureBaseline evaluates at deployed-at minus 1 minute. This Prometheus holds
    // less than a minute of data, so that baseline is unmeasurable (no baseline: blocks nothing).
    if (Date.now() - promStartedAt < 55_000) {
      expect(await measureBaseline(metrics, queriesOf(settings), settings.deployedAt)).toEqual({
        errorRate: null,
        p95: null
      })
    }
    // Shortcut (instead of waiting 60+ s for a real deployed-at − 1m baseline): the service has
    // failed 60% of its requests since it started, so we read the same queries measureBaseline
    // runs at a real earlier moment we know was breaching, and pass those as the baseline.
    let tBreaching = 0
    let before: MetricReading = { status: 'unknown', value: null }
    // Right after beforeAll the series may be younger than a second: wait (bounded) until a
    // moment in the past reads as breaching.
    for (let i = 0; i < 40 && before.status !== 'measured'; i++) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, 250))
      tBreaching = Date.now() - 1_000
      before = await metrics.query(q.errorRateQuery, tBreaching)
    }
    const p95 = await metrics.query(q.latencyQuery, tBreaching)
    expect(before.status).toBe('measured')
    expect(before.value).toBeGreaterThan(0.5)
    const baseline: Baseline = {
      errorRate: before.value,
      p95: p95.status === 'measured' ? p95.value : null
    }

    const { result, log } = await runWatch(settings, baseline)
    await explain(log, () => {
      expect(result.samples.length).toBeGreaterThanOrEqual(5)
      expect(result.samples.every((s) => (rate(s) ?? 0) > 0.5)).toBe(true)
      expect(result.verdicts.map((v) => v.verdict.decision)).not.toContain('rollback')
      expect(
        result.verdicts.every(
          (v) => v.verdict.decision === 'pre-existing' && v.verdict.rule === 'error-rate-critical'
        )
      ).toBe(true)
      expect(result.final).toMatchObject({
        decision: 'pre-existing',
        rule: 'error-rate-critical',
        severity: 'P1'
      })
      expect(result.final.level).toBeUndefined()
      expect(result.final.reason).toMatch(/already \d+\.\d% before the deploy/)
    })
  })

  it('healthy with 1% noise: healthy throughout, no breach ever', async () => {
    const settings = settingsFor(services.healthy, '10s')
    const { result, log } = await runWatch(settings)
    await explain(log, () => {
      expect(result.samples.length).toBeGreaterThanOrEqual(9)
      const measured = result.samples.map(rate).filter((v): v is number => v !== null)
      expect(measured.length).toBeGreaterThanOrEqual(9)
      // The noise is there (not a silent 0) and stays under elevated (5%).
      expect(Math.max(...measured)).toBeGreaterThan(0)
      expect(Math.max(...measured)).toBeLessThan(0.05)
      for (const { verdict } of result.verdicts) {
        expect(verdict.rule).toBe('healthy')
        expect(BREACH).not.toContain(verdict.decision)
      }
      expect(result.final).toMatchObject({ decision: 'healthy', rule: 'healthy' })
      expect(result.cancelled).toBe(false)
    })
  })

  it('70% errors: error-rate-critical, Level 1, within two probe intervals of Prometheus seeing > 50%', async () => {
    const service = services.critical
    const settings = settingsFor(service, '25s')
    const metrics = metricsFor(settings)
    const query = settings.prometheus!.errorRateQuery
    let changedAt = 0
    at(2_000, () => {
      changedAt = Date.now()
      service.setState({ errorRate: 0.7 })
    })
    // Our own poller: when does Prometheus itself first answer > 50%?
    let promSawAt = 0
    let stop = false
    const poller = (async () => {
      for (let i = 0; i < 200 && !stop && promSawAt === 0; i++) {
        const r = await metrics.query(query, Date.now())
        if (r.status === 'measured' && (r.value as number) > 0.5) promSawAt = Date.now()
        else await new Promise((resolve) => setTimeout(resolve, 100))
      }
    })()
    const { result, log } = await runWatch(settings)
    stop = true
    await poller
    await explain(log, () => {
      expect(changedAt).toBeGreaterThan(0)
      expect(promSawAt).toBeGreaterThan(changedAt)
      expect(result.final).toMatchObject({
        decision: 'rollback',
        rule: 'error-rate-critical',
        severity: 'P1',
        level: 1
      })
      const decided = rollbackOf(result.verdicts)!
      expect(decided.verdict).toBe(result.final)
      // It stopped on the rollback: the decision sample is the last one.
      const decisionSample = result.samples[result.samples.length - 1]
      const firstOver = result.samples.findIndex((s) => (rate(s) ?? 0) > 0.5)
      expect(firstOver).toBeGreaterThanOrEqual(result.samples.length - 2)
      // Nothing breached before the change; the decision came after it.
      expect(
        result.samples.filter((s) => s.at < changedAt).every((s) => (rate(s) ?? 1) < 0.05)
      ).toBe(true)
      expect(decisionSample.at).toBeGreaterThanOrEqual(changedAt)
      expect(decided.at - promSawAt).toBeLessThanOrEqual(2 * PROBE_INTERVAL_MS)
      // The [5s] rate window dominates detection: seconds, not the runbook's minutes.
      expect(decided.at - changedAt).toBeLessThan(12_000)
      expect(result.final.reason).toMatch(/^error rate \d+\.\d% > critical 50% \(P1\)$/)
    })
  })

  it('20% sustained: error-rate-high only after high-window, Level 1', async () => {
    const service = services.high
    const settings = settingsFor(service, '30s')
    let changedAt = 0
    at(2_000, () => {
      changedAt = Date.now()
      service.setState({ errorRate: 0.2 })
    })
    const { result, log } = await runWatch(settings)
    await explain(log, () => {
      expect(result.final).toMatchObject({
        decision: 'rollback',
        rule: 'error-rate-high',
        severity: 'P2',
        level: 1
      })
      const decided = rollbackOf(result.verdicts)!
      const first = episodeStart(result.samples, 0.1)
      expect(first.at).toBeGreaterThanOrEqual(changedAt)
      // Not before the window, and on the first probe after it (one spare interval for load).
      expect(decided.at - first.at).toBeGreaterThanOrEqual(HIGH_WINDOW_MS)
      expect(decided.at - first.at).toBeLessThan(HIGH_WINDOW_MS + 3 * PROBE_INTERVAL_MS)
      // Inside the window it watched: continue on error-rate-high, never a rollback.
      const inside = result.verdicts.filter((v) => v.at >= first.at && v !== decided)
      expect(inside.length).toBeGreaterThanOrEqual(6)
      for (const { verdict } of inside) {
        expect(verdict).toMatchObject({ decision: 'continue', rule: 'error-rate-high' })
        expect(verdict.decideBy).toBe(first.at + HIGH_WINDOW_MS)
      }
      expect(['stable', 'worse']).toContain(result.final.trend)
      const episode = result.samples.filter((s) => s.at >= first.at)
      expect(episode.every((s) => (rate(s) ?? 0.2) > 0.1 && (rate(s) ?? 0.2) <= 0.5)).toBe(true)
    })
  })

  it('20% falling steadily (30% → 12%): keeps watching with trend improving, no rollback', async () => {
    const service = services.falling
    const settings = settingsFor(service, '12s')
    const metrics = metricsFor(settings)
    // The service has run at 30% since beforeAll: Prometheus reads it before the watch starts.
    await waitForValue(metrics, settings.prometheus!.errorRateQuery, (v) => v > 0.27)
    // 30% falling by a fifth every 6 s (a step each second), floor 12%, from 3 s before the watch
    // (so the [5s] rate is already falling at its first sample): each high-window's last third
    // is ~20% below its first third (trend-tolerance 10%), and the rate stays > 10% to the end.
    const start = Date.now()
    const fraction = (): number => Math.max(0.12, 0.3 * 0.8 ** ((Date.now() - start) / 6_000))
    for (let k = 1; k <= 30; k++) at(k * 1_000, () => service.setState({ errorRate: fraction() }))
    await new Promise((resolve) => setTimeout(resolve, 3_000))
    const { result, log } = await runWatch(settings)
    await explain(log, () => {
      expect(result.verdicts.length).toBeGreaterThanOrEqual(12)
      expect(result.verdicts.map((v) => v.verdict.decision)).not.toContain('rollback')
      const values = result.samples.map(rate)
      expect(values.every((v) => v === null || (v > 0.1 && v <= 0.5))).toBe(true)
      expect(values[values.length - 1]!).toBeLessThan(values[0]! * 0.8)
      const first = result.samples[0]
      for (const { at: when, verdict } of result.verdicts) {
        expect(verdict).toMatchObject({ decision: 'continue', rule: 'error-rate-high' })
        // Past the window the trend is judged, and judged improving.
        if (when - first.at >= HIGH_WINDOW_MS) expect(verdict.trend).toBe('improving')
      }
      const judged = result.verdicts.filter((v) => v.verdict.trend === 'improving')
      expect(judged.length).toBeGreaterThanOrEqual(3)
      expect(result.final.decision).not.toBe('rollback')
      expect(result.final).toMatchObject({ decision: 'warn', rule: 'error-rate-high' })
      expect(result.final.reason).toContain('still over the limit when the watch ended')
    })
  })
})
