// The runbook's latency, health and monitoring-trouble scenarios, replayed: the real watch(),
// decide(), readMetrics() and waitForVersion() run under a fake clock over what the real health
// probe and a real Prometheus (Debian's 2.42, scrape 1s, [5s] rate windows) read at each probe slot
// while the scenario played in real time (__fixtures__/scenarios/: record-scenarios.ts and
// its README). The real-Prometheus answers themselves are tested in
// __tests__/adapters/prometheus.integration.test.ts, the real probe's in __tests__/adapters/health.test.ts.
import type { Sample } from '../../src/runbook/types.js'
import { waitForVersion, type WatchResult } from '../../src/sampling/loop.js'
import {
  changeAt,
  loadRecording,
  replay,
  replaySettings,
  replayWatch,
  type Recording
} from '../../__fixtures__/replay.js'
import { BREACH, explain } from '../../__fixtures__/scenarios.js'

const SEVERE_WINDOW_MS = 8_000
const PROBE_INTERVAL_MS = 1_000
const UNKNOWN_LIMIT = 4 // the runbook default, kept

const p95Of = (s: Sample): number | null =>
  s.p95.status === 'measured' ? (s.p95.value as number) : null

function noBreach(result: WatchResult): void {
  for (const { verdict } of result.verdicts) {
    expect(BREACH).not.toContain(verdict.decision)
    expect(['healthy', 'monitoring-outage']).toContain(verdict.rule)
  }
}

/** The slots (epoch ms) that fell inside a "refused" stretch of the recording's timeline. */
function refusedSlots(rec: Recording): number[] {
  const refused = rec.timeline.filter((c) => c.state?.health === 'refuse')
  return rec.slots
    .filter((slot) =>
      refused.some((from) => {
        const until = rec.timeline.find((c) => c.t > from.t && c.state?.health === 'up')
        return slot.t >= from.t && slot.t < (until?.t ?? Infinity)
      })
    )
    .map((slot) => rec.startedAt + slot.t)
}

describe('watch() over recorded Prometheus answers: latency, health and monitoring trouble', () => {
  it('health down from the start: service-down, Level 1 on the first cycle, never up since the deploy', async () => {
    const rec = loadRecording('service-down')
    const { result, log } = await replayWatch(rec, replaySettings(rec, '10s'))
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
      // Decided within the first cycle, after the re-probes' 2 × 200 ms.
      expect(result.verdicts).toHaveLength(1)
      expect(result.verdicts[0].at - result.startedAt).toBeGreaterThanOrEqual(2 * 200)
      expect(result.verdicts[0].at - result.startedAt).toBeLessThan(PROBE_INTERVAL_MS)
    })
  })

  it('one failed health probe among good ones: no service-down, final healthy', async () => {
    // ~250 ms of refused connections around the probes at +2 s and +5 s: the first attempt fails,
    // a quick re-probe 200 ms later (of the 2 allowed) finds the service up again.
    const rec = loadRecording('health-blip')
    const { result, log } = await replayWatch(rec, replaySettings(rec, '8s'))
    await explain(log, () => {
      expect(result.startedAt).toBe(rec.startedAt)
      expect(result.samples).toHaveLength(9)
      expect(result.samples.every((s) => s.health.status === 'up')).toBe(true)
      // The blips were seen, on the probes inside the refused stretches, and absorbed.
      const blips = result.samples.filter((s) => (s.health.failedAttempts ?? 0) > 0)
      expect(blips.map((s) => s.at)).toEqual(refusedSlots(rec))
      expect(blips).toHaveLength(2)
      for (const s of blips) expect(s.health.failedAttempts).toBeLessThanOrEqual(2)
      expect(result.verdicts.map((v) => v.verdict.rule)).not.toContain('service-down')
      noBreach(result)
      expect(result.final).toMatchObject({ decision: 'healthy', rule: 'healthy' })
    })
  })

  it('p95 6 s sustained: latency-severe only after severe-window, Level 1', async () => {
    const rec = loadRecording('latency-severe')
    const changedAt = changeAt(rec, 'latency 20 ms → 6 s')
    const { result, log } = await replayWatch(rec, replaySettings(rec, '25s'))
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
      // Not before the window, and on the first probe after it.
      expect(result.samples[result.samples.length - 1].at - first.at).toBe(SEVERE_WINDOW_MS)
      expect(decided.at - first.at).toBeGreaterThanOrEqual(SEVERE_WINDOW_MS)
      expect(decided.at - first.at).toBeLessThan(SEVERE_WINDOW_MS + PROBE_INTERVAL_MS)
      const inside = result.verdicts.filter((v) => v.at >= first.at && v !== decided)
      expect(inside).toHaveLength(SEVERE_WINDOW_MS / PROBE_INTERVAL_MS)
      for (const { verdict } of inside)
        expect(verdict).toMatchObject({ decision: 'continue', rule: 'latency-severe' })
      const episode = result.samples.slice(start)
      expect(episode.every((s) => (p95Of(s) ?? 6) > 5 && (p95Of(s) ?? 6) <= 6)).toBe(true)
      expect(result.final.reason).toMatch(/^p95 \d\.\d\ds > severe 5s for \d+s, /)
    })
  })

  it('Prometheus stopped mid-watch: error rate unknown, then inconclusive after unknown-limit samples, never a rollback', async () => {
    const rec = loadRecording('prometheus-stopped')
    // Between two probe slots (1 s apart), so the stop does not land inside one cycle's queries.
    const stoppedAt = changeAt(rec, 'Prometheus stopped')
    const { result, log } = await replayWatch(rec, replaySettings(rec, '12s'))
    await explain(log, () => {
      const unknownAt = (s: Sample): boolean =>
        s.errorRate.status === 'unknown' || s.p95.status === 'unknown'
      const firstUnknown = result.samples.findIndex(unknownAt)
      expect(firstUnknown).toBeGreaterThanOrEqual(2)
      // The first probe after the stop is the first to miss Prometheus.
      expect(result.samples[firstUnknown].at).toBeGreaterThanOrEqual(stoppedAt)
      expect(result.samples[firstUnknown].at).toBeLessThan(stoppedAt + PROBE_INTERVAL_MS)
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
  })

  it("bad PromQL: the error rate is unknown, quoting Prometheus' message and naming the query; never a breach at 70% errors", async () => {
    const rec = loadRecording('bad-query')
    const settings = replaySettings(rec, '7s')
    expect(settings.metrics!.queries.errorRate).toBe('sum(rate(http_requests_total[5s])')
    const { result, log } = await replayWatch(rec, settings)
    await explain(log, () => {
      expect(result.samples).toHaveLength(8)
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
    const rec = loadRecording('thin-traffic')
    const settings = replaySettings(rec, '8s', { errorRateExtra: 'min-requests: 5' })
    const { result, log } = await replayWatch(rec, settings)
    await explain(log, () => {
      expect(result.samples).toHaveLength(9)
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

describe('waitForVersion over the recorded test service', () => {
  it('waits until /health carries the new version', async () => {
    const rec = loadRecording('version')
    const settings = replaySettings(rec, '5s', { inputs: { 'expected-version': 'v2' } })
    const { clock, health, log, deps } = replay(rec)
    const r = await waitForVersion(settings, deps)
    const took = clock.now() - rec.startedAt
    const changed = changeAt(rec, 'version v1 → v2') - rec.startedAt
    await explain(log, () => {
      expect(r.verdict).toBeNull()
      // Probes at +0, +1 s, +2 s: the third sees v2.
      expect(health.at.map((t) => t - rec.startedAt)).toEqual([0, 1_000, 2_000])
      expect(took).toBeGreaterThanOrEqual(changed)
      expect(took).toBeLessThan(changed + PROBE_INTERVAL_MS)
      expect(log.join('\n')).toContain("expected-version 'v2' is live")
    })
  })

  it('never: not-deployed once health.version-wait (3 s) has passed', async () => {
    const rec = loadRecording('version')
    const settings = replaySettings(rec, '5s', { inputs: { 'expected-version': 'v9' } })
    const { clock, health, log, deps } = replay(rec)
    const r = await waitForVersion(settings, deps)
    const took = clock.now() - rec.startedAt
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
      // One probe a second up to the deadline, none after it.
      expect(health.at.map((t) => t - rec.startedAt)).toEqual([0, 1_000, 2_000, 3_000])
      expect(took).toBeGreaterThanOrEqual(3_000)
      expect(took).toBeLessThan(3_000 + PROBE_INTERVAL_MS)
    })
  })
})
