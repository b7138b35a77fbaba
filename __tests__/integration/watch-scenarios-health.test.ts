// The runbook's latency, health and monitoring-trouble scenarios end to end, with nothing faked:
// a real Prometheus (Debian's 2.42, scrape 1s) scrapes real test services, and the real watch()
// drives the real health probe, the real Prometheus adapter and the real clock. Rate windows are
// [5s] and the policy windows a few seconds. Each scenario has its own service (its own Prometheus
// `instance`), started in beforeAll, except the Prometheus outage, which gets a Prometheus of its own.
// Needs the `prometheus` binary: a missing binary fails, it is not skipped.
import { jest } from '@jest/globals'
import { systemClock } from '../../src/adapters/clock.js'
import { createHealthProbe } from '../../src/adapters/health.js'
import type { Logger, MetricsSource } from '../../src/adapters/ports.js'
import { createPrometheus } from '../../src/adapters/prometheus.js'
import type { Sample } from '../../src/core/types.js'
import type { Settings } from '../../src/settings/types.js'
import { waitForVersion, watch, type WatchDeps, type WatchResult } from '../../src/watch.js'
import { INSTALL_HINT, startPrometheus } from '../../sandbox/prometheus.js'
import { findExecutable } from '../../sandbox/processes.js'
import { startTestService } from '../../sandbox/test-service.js'
import { testSettings } from '../support/settings.js'
import { BREACH, explain, queriesFor, scheduledChanges } from '../support/scenarios.js'

jest.setTimeout(60_000)

type Service = Awaited<ReturnType<typeof startTestService>>
type Prom = Awaited<ReturnType<typeof startPrometheus>>

const SEVERE_WINDOW_MS = 8_000
const PROBE_INTERVAL_MS = 1_000
const UNKNOWN_LIMIT = 4 // the runbook default, kept
/** Short windows through the policy file: every other key keeps the runbook's number. */
function policy(errorRateExtra = ''): string {
  return [
    `error-rate: { high-window: 8s, elevated-window: 16s${errorRateExtra ? `, ${errorRateExtra}` : ''} }`,
    'latency: { severe-window: 8s, degraded-window: 16s }',
    'health: { confirm: 2, confirm-interval: 200ms, timeout: 2s, slow: 1500ms, version-wait: 3s }'
  ].join('\n')
}
/** Decisions that mean a rule breached (a verdict other than continue/healthy/inconclusive). */

let prometheus: Prom | undefined
const services: Record<string, Service> = {}
const controllers = new Set<AbortController>()
const { at, clear: clearScheduled } = scheduledChanges()

function settingsFor(
  service: Service,
  duration: string,
  opts: { inputs?: Record<string, string>; prom?: Prom; errorRateExtra?: string } = {}
): Settings {
  return testSettings(
    {
      'health-url': `${service.url}/health`,
      'prometheus-url': (opts.prom ?? prometheus!).url,
      ...queriesFor(service),
      'probe-interval': '1s',
      'watch-duration': duration,
      ...opts.inputs
    },
    { now: Date.now(), policy: policy(opts.errorRateExtra) }
  )
}

function metricsFor(settings: Settings): MetricsSource {
  return createPrometheus(settings.prometheus!, { timeoutMs: settings.policy.health.timeoutMs })
}

function depsFor(settings: Settings, log: string[], controller: AbortController): WatchDeps {
  const line = (l: string): void => void log.push(`${new Date().toISOString()} ${l}`)
  const logger: Logger = { info: line, warning: line, error: line }
  return {
    clock: systemClock,
    health: createHealthProbe(settings.health, settings.policy, { sleep: systemClock.sleep }),
    metrics: metricsFor(settings),
    logger,
    signal: controller.signal
  }
}

/** Runs the real watch; the log lines are kept to explain a failure. */
async function runWatch(settings: Settings): Promise<{ result: WatchResult; log: string[] }> {
  const log: string[] = []
  const controller = new AbortController()
  controllers.add(controller)
  try {
    const result = await watch(settings, depsFor(settings, log, controller), {
      durationMs: settings.watchDurationMs,
      phase: 'watch',
      memory: { restartsTried: [], failedLevels: [] },
      judge: true
    })
    return { result, log }
  } finally {
    controllers.delete(controller)
  }
}

const p95Of = (s: Sample): number | null =>
  s.p95.status === 'measured' ? (s.p95.value as number) : null

function noBreach(result: WatchResult): void {
  for (const { verdict } of result.verdicts) {
    expect(BREACH).not.toContain(verdict.decision)
    expect(['healthy', 'monitoring-outage']).toContain(verdict.rule)
  }
}

beforeAll(async () => {
  if (!findExecutable('prometheus'))
    throw new Error(`these scenarios need the prometheus binary on PATH: ${INSTALL_HINT}`)
  services.latency = await startTestService({ rps: 50 })
  services.blip = await startTestService({ rps: 50 })
  services.down = await startTestService({ state: { health: 'down' }, rps: 50 })
  services.badQuery = await startTestService({ state: { errorRate: 0.7 }, rps: 50 })
  services.thin = await startTestService({ state: { errorRate: 0.6 }, rps: 1 })
  services.version = await startTestService({ state: { version: 'v1' }, rps: 50 })
  prometheus = await startPrometheus({
    targets: Object.values(services).map((s) => `127.0.0.1:${s.port}`),
    scrapeInterval: '1s'
  })
  // The first scrape comes ~5.5 s after start and the first rate() ~1 s later, per target.
  for (const service of Object.values(services))
    await prometheus.waitForData(queriesFor(service)['request-rate-query'], { timeoutMs: 30_000 })
  await prometheus.waitForData(queriesFor(services.latency)['latency-query'], { timeoutMs: 15_000 })
}, 90_000)

afterEach(() => {
  for (const c of controllers) c.abort()
  clearScheduled()
})

afterAll(async () => {
  await prometheus?.stop()
  await Promise.all(Object.values(services).map((s) => s.stop()))
})

describe('watch() against a real Prometheus: latency, health and monitoring trouble', () => {
  it('health down from the start: service-down, Level 1 on the first cycle, never up since the deploy', async () => {
    const settings = settingsFor(services.down, '10s')
    const { result, log } = await runWatch(settings)
    await explain(log, () => {
      expect(result.samples).toHaveLength(1)
      expect(result.samples[0].health).toMatchObject({
        status: 'down',
        httpStatus: 503,
        reason: 'HTTP 503',
        failedAttempts: 3 // the probe and its 2 quick re-probes
      })
      expect(result.final).toMatchObject({
        decision: 'rollback',
        rule: 'service-down',
        severity: 'P1',
        level: 1
      })
      expect(result.final.reason).toContain('never up since the deploy')
      expect(result.final.reason).toContain('confirmed by 2 re-probes')
      // Decided within the first cycle (the re-probes take 2 × 200 ms).
      expect(result.verdicts).toHaveLength(1)
      expect(result.verdicts[0].at - result.startedAt).toBeLessThan(PROBE_INTERVAL_MS)
    })
  })

  it('one failed health probe among good ones: no service-down, final healthy', async () => {
    const service = services.blip
    const settings = settingsFor(service, '8s')
    // ~350 ms of refused connections around the probes at +2 s and +5 s: the first attempt fails,
    // a quick re-probe 200 ms later (of the 2 allowed) finds the service up again.
    const startedAt = Date.now()
    for (const slot of [2, 5]) {
      at(slot * PROBE_INTERVAL_MS - 150, () => service.setState({ health: 'refuse' }))
      at(slot * PROBE_INTERVAL_MS + 200, () => service.setState({ health: 'up' }))
    }
    const { result, log } = await runWatch(settings)
    await explain(log, () => {
      expect(Math.abs(result.startedAt - startedAt)).toBeLessThan(50)
      expect(result.samples.length).toBeGreaterThanOrEqual(8)
      expect(result.samples.every((s) => s.health.status === 'up')).toBe(true)
      // The blip was seen (and absorbed by the re-probes) at least once.
      const blips = result.samples.filter((s) => (s.health.failedAttempts ?? 0) > 0)
      expect(blips.length).toBeGreaterThanOrEqual(1)
      for (const s of blips) expect(s.health.failedAttempts).toBeLessThanOrEqual(2)
      expect(result.verdicts.map((v) => v.verdict.rule)).not.toContain('service-down')
      noBreach(result)
      expect(result.final).toMatchObject({ decision: 'healthy', rule: 'healthy' })
    })
  })

  it('p95 6 s sustained: latency-severe only after severe-window, Level 1', async () => {
    const service = services.latency
    const settings = settingsFor(service, '25s')
    let changedAt = 0
    at(2_000, () => {
      changedAt = Date.now()
      service.setState({ latencyMs: 6000 })
    })
    const { result, log } = await runWatch(settings)
    await explain(log, () => {
      expect(result.final).toMatchObject({
        decision: 'rollback',
        rule: 'latency-severe',
        severity: 'P2',
        level: 1
      })
      const decided = result.verdicts.find((v) => v.verdict.decision === 'rollback')!
      // The episode: back from the decision to the last sample at or under 5 s.
      let start = result.samples.length - 1
      while (start > 0 && (p95Of(result.samples[start - 1]) ?? 6) > 5) start--
      const first = result.samples[start]
      expect(first.at).toBeGreaterThanOrEqual(changedAt)
      expect(p95Of(first)).toBeGreaterThan(5)
      expect(decided.at - first.at).toBeGreaterThanOrEqual(SEVERE_WINDOW_MS)
      expect(decided.at - first.at).toBeLessThan(SEVERE_WINDOW_MS + 3 * PROBE_INTERVAL_MS)
      const inside = result.verdicts.filter((v) => v.at >= first.at && v !== decided)
      expect(inside.length).toBeGreaterThanOrEqual(6)
      for (const { verdict } of inside)
        expect(verdict).toMatchObject({ decision: 'continue', rule: 'latency-severe' })
      const episode = result.samples.slice(start)
      expect(episode.every((s) => (p95Of(s) ?? 6) > 5 && (p95Of(s) ?? 6) <= 6)).toBe(true)
      expect(result.final.reason).toMatch(/^p95 \d\.\d\ds > severe 5s for \d+s, /)
    })
  })

  it('Prometheus stopped mid-watch: error rate unknown, then inconclusive after unknown-limit samples, never a rollback', async () => {
    // A Prometheus of its own, since this one is stopped.
    const service = await startTestService({ state: { errorRate: 0.01 }, rps: 50 })
    let own: Prom | undefined
    let stopping: Promise<void> | undefined
    try {
      own = await startPrometheus({ targets: [`127.0.0.1:${service.port}`], scrapeInterval: '1s' })
      await own.waitForData(queriesFor(service)['error-rate-query'], { timeoutMs: 30_000 })
      const settings = settingsFor(service, '12s', { prom: own })
      let stoppedAt = 0
      // Between two probe slots (1 s apart), so the stop rarely lands inside one cycle's queries.
      at(3_500, () => {
        stoppedAt = Date.now()
        stopping = own!.stop()
      })
      const { result, log } = await runWatch(settings)
      await explain(log, () => {
        expect(stoppedAt).toBeGreaterThan(0)
        // The cycle that meets the stop may still get one of its concurrent queries answered, so
        // the outage starts at the first sample with any Prometheus value unknown.
        const unknownAt = (s: Sample): boolean =>
          s.errorRate.status === 'unknown' || s.p95.status === 'unknown'
        const firstUnknown = result.samples.findIndex(unknownAt)
        expect(firstUnknown).toBeGreaterThanOrEqual(2)
        expect(result.samples[firstUnknown].at).toBeGreaterThanOrEqual(stoppedAt - 50)
        for (const s of result.samples.slice(0, firstUnknown)) {
          expect(s.errorRate.status).toBe('measured')
          expect(s.p95.status).toBe('measured')
        }
        const after = result.samples.slice(firstUnknown + 1)
        expect(after.length).toBeGreaterThanOrEqual(UNKNOWN_LIMIT + 1)
        expect(after.every((s) => s.errorRate.status === 'unknown')).toBe(true)
        expect(after.every((s) => s.p95.status === 'unknown')).toBe(true)
        expect(after[after.length - 1].errorRate.reason).toBe('Prometheus: connection refused')
        // Before: measured and healthy; then continue while under unknown-limit; then inconclusive.
        const decisions = result.verdicts.map((v) => v.verdict.decision)
        expect(decisions.slice(0, firstUnknown).every((d) => d === 'healthy')).toBe(true)
        expect(decisions.slice(firstUnknown, firstUnknown + UNKNOWN_LIMIT - 1)).toEqual(
          Array(UNKNOWN_LIMIT - 1).fill('continue')
        )
        expect(decisions.indexOf('inconclusive')).toBe(firstUnknown + UNKNOWN_LIMIT - 1)
        expect(
          decisions.slice(firstUnknown + UNKNOWN_LIMIT - 1).every((d) => d === 'inconclusive')
        ).toBe(true)
        noBreach(result)
        expect(result.final).toMatchObject({ decision: 'inconclusive', rule: 'monitoring-outage' })
        expect(result.final.reason).toMatch(/error rate unknown for \d+ consecutive samples/)
        expect(result.final.reason).toContain('connection refused')
        expect(result.final.reason).toContain('monitoring outage, not a production breach')
      })
    } finally {
      await stopping
      await own?.stop()
      await service.stop()
    }
  })

  it("bad PromQL: the error rate is unknown, quoting Prometheus' message and naming the query; never a breach at 70% errors", async () => {
    const bad = 'sum(rate(http_requests_total[5s])'
    const settings = settingsFor(services.badQuery, '7s', { inputs: { 'error-rate-query': bad } })
    const { result, log } = await runWatch(settings)
    await explain(log, () => {
      expect(result.samples.length).toBeGreaterThanOrEqual(6)
      for (const s of result.samples) {
        expect(s.errorRate).toMatchObject({ status: 'unknown', value: null })
        expect(s.errorRate.reason).toMatch(
          /^Prometheus bad_data for query "sum\(rate\(http_requests_total\[5s\]\)": ".*parse error.*"$/
        )
        // The other queries are fine.
        expect(s.requestRate.status).toBe('measured')
        expect(s.p95.status).toBe('measured')
      }
      noBreach(result)
      expect(result.verdicts[UNKNOWN_LIMIT - 1].verdict.decision).toBe('inconclusive')
      expect(result.final).toMatchObject({ decision: 'inconclusive', rule: 'monitoring-outage' })
      expect(result.final.reason).toContain('bad_data')
    })
  })

  it('traffic below min-requests: error rate insufficient, never a breach at 60% errors, not an outage', async () => {
    const settings = settingsFor(services.thin, '8s', { errorRateExtra: 'min-requests: 5' })
    const { result, log } = await runWatch(settings)
    await explain(log, () => {
      expect(result.samples.length).toBeGreaterThanOrEqual(UNKNOWN_LIMIT + 3)
      for (const s of result.samples) {
        expect(s.requestRate.status).toBe('measured')
        expect(s.requestRate.value).toBeLessThan(5)
        expect(s.errorRate.status).toBe('insufficient')
        expect(s.errorRate.reason).toContain('insufficient data')
        expect(s.errorRate.reason).toContain('< min-requests 5')
      }
      // The ratio itself is there and far above critical: it is just not judged.
      const values = result.samples.map((s) => s.errorRate.value).filter((v) => v !== null)
      expect(values.length).toBeGreaterThanOrEqual(1)
      expect(Math.max(...(values as number[]))).toBeGreaterThan(0.5)
      noBreach(result)
      expect(result.verdicts.map((v) => v.verdict.rule)).not.toContain('monitoring-outage')
      expect(result.final).toMatchObject({ decision: 'healthy', rule: 'healthy' })
      expect(result.final.reason).toContain('error rate not judged (too little traffic)')
    })
  })
})

describe('waitForVersion against the real test service', () => {
  it('waits until /health carries the new version', async () => {
    const service = services.version
    service.setState({ version: 'v1' })
    const settings = settingsFor(service, '10s', { inputs: { 'expected-version': 'v2' } })
    const log: string[] = []
    const controller = new AbortController()
    controllers.add(controller)
    const start = Date.now()
    at(1_500, () => service.setState({ version: 'v2' }))
    const r = await waitForVersion(settings, depsFor(settings, log, controller))
    const took = Date.now() - start
    await explain(log, () => {
      expect(r.verdict).toBeNull()
      // Probes at +0, +1 s, +2 s: the third sees v2.
      expect(took).toBeGreaterThanOrEqual(1_500)
      expect(took).toBeLessThan(1_500 + 2 * PROBE_INTERVAL_MS)
      expect(log.join('\n')).toContain("expected-version 'v2' is live")
    })
  })

  it('never: not-deployed once health.version-wait (3 s) has passed', async () => {
    const settings = settingsFor(services.version, '10s', { inputs: { 'expected-version': 'v9' } })
    const log: string[] = []
    const controller = new AbortController()
    controllers.add(controller)
    const start = Date.now()
    const r = await waitForVersion(settings, depsFor(settings, log, controller))
    const took = Date.now() - start
    await explain(log, () => {
      expect(r.verdict).toMatchObject({
        decision: 'not-deployed',
        rule: 'deploy-not-live',
        severity: 'none'
      })
      expect(r.verdict!.level).toBeUndefined()
      expect(r.verdict!.reason).toContain(
        "expected-version 'v9' never appeared in the health response within health.version-wait 3s"
      )
      expect(r.verdict!.reason).toContain('last: HTTP 200 without it')
      expect(took).toBeGreaterThanOrEqual(3_000 - PROBE_INTERVAL_MS)
      expect(took).toBeLessThan(3_000 + PROBE_INTERVAL_MS)
    })
  })
})
