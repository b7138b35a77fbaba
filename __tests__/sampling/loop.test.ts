// The watch loop with a fake clock: a 15-minute watch runs in milliseconds.
import type { Clock, HealthProbe, Logger, MetricsSource } from '../../src/adapters/ports.js'
import type { HealthReading, MetricReading } from '../../src/runbook/types.js'
import {
  waitForVersion,
  watch,
  type ActionMemory,
  type WatchDeps
} from '../../src/sampling/loop.js'
import { TEST_NOW, testSettings } from '../../__fixtures__/settings.js'

class FakeClock implements Clock {
  t: number
  sleeps: number[] = []
  constructor(t: number) {
    this.t = t
  }
  now = (): number => this.t
  sleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
    this.sleeps.push(ms)
    if (signal?.aborted) return
    this.t += ms
  }
}

function fakeHealth(
  clock: FakeClock,
  costMs: number,
  reading: () => HealthReading & { body?: string }
): HealthProbe & { times: number[] } {
  const times: number[] = []
  return {
    times,
    probe: async () => {
      times.push(clock.t)
      clock.t += costMs // the probe's own duration
      return reading()
    }
  }
}

function fakeMetrics(
  values: (at: number, q: string) => MetricReading
): MetricsSource & { calls: number } {
  const source = {
    calls: 0,
    query: async (q: string, at: number) => {
      source.calls++
      return values(at, q)
    }
  }
  return source
}

const quiet: Logger = { info: () => {}, warning: () => {}, error: () => {} }
const memory = (): ActionMemory => ({ restartsTried: [], failedLevels: [] })
const up: HealthReading = { status: 'up', httpStatus: 200, latencyMs: 30 }

describe('watch', () => {
  it('keeps the cadence: 100 cycles start at start + k × interval, whatever the probes cost', async () => {
    const clock = new FakeClock(TEST_NOW)
    const settings = testSettings({ 'watch-duration': '1500s', 'probe-interval': '15s' })
    const health = fakeHealth(clock, 1_234, () => up)
    const result = await watch(
      settings,
      { clock, health, logger: quiet },
      { durationMs: settings.watchDurationMs, phase: 'watch', memory: memory(), judge: true }
    )
    expect(result.samples).toHaveLength(101)
    const drift = result.samples.map((s, k) => s.at - (TEST_NOW + k * 15_000))
    expect(Math.max(...drift.map(Math.abs))).toBe(0)
    expect(health.times.slice(0, 100).every((t, k) => t === TEST_NOW + k * 15_000)).toBe(true)
    expect(result.final.decision).toBe('healthy')
  })

  it('skips the slots a slow cycle overran instead of bunching probes', async () => {
    const clock = new FakeClock(TEST_NOW)
    const settings = testSettings({ 'watch-duration': '60s', 'probe-interval': '10s' })
    const health = fakeHealth(clock, 25_000, () => up)
    const result = await watch(
      settings,
      { clock, health, logger: quiet },
      { durationMs: 60_000, phase: 'watch', memory: memory(), judge: true }
    )
    expect(result.samples.map((s) => s.at - TEST_NOW)).toEqual([0, 30_000, 60_000])
  })

  it('runs a 15-minute watch in milliseconds and stops early on error-rate-critical', async () => {
    const clock = new FakeClock(TEST_NOW)
    const settings = testSettings({ 'prometheus-url': 'http://127.0.0.1:9' })
    const metrics = fakeMetrics((at, q) =>
      q.includes('5..')
        ? { status: 'measured', value: at >= TEST_NOW + 60_000 ? 0.7 : 0.01 }
        : { status: 'measured', value: 0.1 }
    )
    const t0 = Date.now()
    const result = await watch(
      settings,
      { clock, health: fakeHealth(clock, 5, () => up), metrics, logger: quiet },
      { durationMs: settings.watchDurationMs, phase: 'watch', memory: memory(), judge: true }
    )
    expect(Date.now() - t0).toBeLessThan(2_000)
    expect(result.final).toMatchObject({
      decision: 'rollback',
      level: 1,
      rule: 'error-rate-critical'
    })
    // The breach is judged on the first cycle that sees it: 60 s in, the 5th cycle at 15 s.
    expect(result.samples[result.samples.length - 1].at).toBe(TEST_NOW + 60_000)
  })

  it('takes a Prometheus outage for inconclusive, never for a rollback', async () => {
    const clock = new FakeClock(TEST_NOW)
    const settings = testSettings({
      'prometheus-url': 'http://127.0.0.1:9',
      'watch-duration': '5m'
    })
    const metrics = fakeMetrics((at) =>
      at >= TEST_NOW + 60_000
        ? { status: 'unknown', value: null, reason: 'connection refused' }
        : { status: 'measured', value: 0.01 }
    )
    const result = await watch(
      settings,
      { clock, health: fakeHealth(clock, 5, () => up), metrics, logger: quiet },
      { durationMs: settings.watchDurationMs, phase: 'watch', memory: memory(), judge: true }
    )
    expect(result.verdicts.some((v) => v.verdict.decision === 'rollback')).toBe(false)
    expect(result.final).toMatchObject({ decision: 'inconclusive', rule: 'monitoring-outage' })
    expect(result.final.reason).toContain('connection refused')
  })

  it('stops within the cycle when cancelled and reports it', async () => {
    const clock = new FakeClock(TEST_NOW)
    const controller = new AbortController()
    const settings = testSettings({ 'watch-duration': '15m' })
    const health = fakeHealth(clock, 5, () => {
      if (health.times.length === 3) controller.abort()
      return up
    })
    const result = await watch(
      settings,
      { clock, health, logger: quiet, signal: controller.signal },
      { durationMs: settings.watchDurationMs, phase: 'watch', memory: memory(), judge: true }
    )
    expect(result.cancelled).toBe(true)
    expect(result.samples).toHaveLength(3)
  })

  it('asks for a restart once, then rolls back when the service stays down', async () => {
    const clock = new FakeClock(TEST_NOW)
    const settings = testSettings(
      {
        'deployed-at': new Date(TEST_NOW - 60_000).toISOString(),
        'ssh-host': 'h',
        'ssh-user': 'u',
        'ssh-private-key':
          '-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----',
        'ssh-known-hosts': 'h ssh-ed25519 AAAA',
        'restart-command': 'docker-compose restart godot'
      },
      { now: TEST_NOW }
    )
    const down: HealthReading = {
      status: 'down',
      httpStatus: 503,
      reason: 'HTTP 503',
      failedAttempts: 3
    }
    const health = fakeHealth(clock, 5, () => (health.times.length <= 2 ? up : down))
    const restarts: string[] = []
    const deps: WatchDeps = {
      clock,
      health,
      logger: quiet,
      restart: async (v) => void restarts.push(v.rule)
    }
    const mem = memory()
    const result = await watch(settings, deps, {
      durationMs: settings.watchDurationMs,
      phase: 'watch',
      memory: mem,
      judge: true
    })
    expect(restarts).toEqual(['service-down'])
    expect(mem.restartsTried).toEqual(['service-down'])
    expect(result.final).toMatchObject({ decision: 'rollback', level: 1, rule: 'service-down' })
  })

  it('verification watches record samples without judging them', async () => {
    const clock = new FakeClock(TEST_NOW)
    const settings = testSettings({ 'probe-interval': '5s' })
    const down: HealthReading = {
      status: 'down',
      httpStatus: 503,
      reason: 'HTTP 503',
      failedAttempts: 3
    }
    const result = await watch(
      settings,
      { clock, health: fakeHealth(clock, 5, () => down), logger: quiet },
      { durationMs: 20_000, phase: 'verify L1', memory: memory(), judge: false }
    )
    expect(result.samples).toHaveLength(5)
    expect(result.verdicts).toHaveLength(0)
  })
})

describe('waitForVersion', () => {
  it('passes once the health body carries the expected version', async () => {
    const clock = new FakeClock(TEST_NOW)
    const settings = testSettings({ 'expected-version': 'abc123', 'probe-interval': '2s' })
    const health = fakeHealth(clock, 5, () => ({
      ...up,
      body: health.times.length >= 3 ? '{"version":"abc123"}' : '{"version":"old"}'
    }))
    const r = await waitForVersion(settings, { clock, health, logger: quiet })
    expect(r.verdict).toBeNull()
    expect(health.times).toHaveLength(3)
  })

  it('says the deploy did not take when the version never appears', async () => {
    const clock = new FakeClock(TEST_NOW)
    const settings = testSettings(
      { 'expected-version': 'abc123' },
      { policy: 'health: { version-wait: 30s }' }
    )
    const health = fakeHealth(clock, 5, () => ({ ...up, body: '{"version":"old"}' }))
    const r = await waitForVersion(settings, { clock, health, logger: quiet })
    expect(r.verdict).toMatchObject({ decision: 'not-deployed', rule: 'deploy-not-live' })
    expect(r.verdict?.reason).toContain("expected-version 'abc123' never appeared")
    expect(clock.t - TEST_NOW).toBeLessThanOrEqual(30_000 + 5)
  })
})
