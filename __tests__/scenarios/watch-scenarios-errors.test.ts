// The runbook's error-rate scenarios, replayed: the real watch(), decide() and readMetrics() run
// under a fake clock over what the real health probe and a real Prometheus (Debian's 2.42, scrape
// 1s, [5s] rate windows) read at each probe slot while the scenario played in real time
// (__fixtures__/scenarios/: record-scenarios.ts and its README). The policy windows are a few
// seconds, so a "5-minute rule" is 8 s of recording, replayed in milliseconds.
import type { Sample } from '../../src/runbook/types.js'
import type { VerdictAt } from '../../src/runbook/record.js'
import { measureBaseline, queriesOf } from '../../src/sampling/probe.js'
import {
  changeAt,
  loadRecording,
  replay,
  replaySettings,
  replayWatch
} from '../../__fixtures__/replay.js'
import { BREACH, explain } from '../../__fixtures__/scenarios.js'

const HIGH_WINDOW_MS = 8_000
const PROBE_INTERVAL_MS = 1_000

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

describe('watch() over recorded Prometheus answers: error-rate scenarios', () => {
  it('a breach already there before deployed-at is pre-existing: no rollback', async () => {
    const rec = loadRecording('pre-existing')
    const settings = replaySettings(rec, '5s')
    // The real measureBaseline, at deployed-at − 1 m: the recording holds what Prometheus answered
    // there, after a minute of 60% errors.
    const baseline = await measureBaseline(
      replay(rec).metrics,
      queriesOf(settings),
      settings.deployedAt
    )
    expect(baseline!.errorRate).toBeGreaterThan(0.5)
    expect(baseline!.p95).not.toBeNull()

    const { result, log } = await replayWatch(rec, settings, baseline)
    await explain(log, () => {
      expect(result.samples).toHaveLength(6)
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
    const rec = loadRecording('healthy')
    const { result, log } = await replayWatch(rec, replaySettings(rec, '10s'))
    await explain(log, () => {
      expect(result.samples).toHaveLength(11)
      const measured = result.samples.map(rate).filter((v): v is number => v !== null)
      expect(measured).toHaveLength(11)
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

  it('70% errors: error-rate-critical, Level 1, on the first probe where Prometheus reads > 50%', async () => {
    const rec = loadRecording('error-rate-critical')
    const changedAt = changeAt(rec, 'error rate 0% → 70%')
    // When Prometheus itself first answered > 50%: the first recorded slot over it.
    const over = rec.slots.find(
      (s) =>
        s.metrics.errorRate.status === 'measured' && (s.metrics.errorRate.value as number) > 0.5
    )!
    const promSawAt = rec.startedAt + over.t
    const { result, log } = await replayWatch(rec, replaySettings(rec, '25s'))
    await explain(log, () => {
      expect(promSawAt).toBeGreaterThan(changedAt)
      expect(result.final).toMatchObject({
        decision: 'rollback',
        rule: 'error-rate-critical',
        severity: 'P1',
        level: 1
      })
      const decided = rollbackOf(result.verdicts)!
      expect(decided.verdict).toBe(result.final)
      // It stopped on the rollback: the decision sample is the last one, and the first over 50%.
      const decisionSample = result.samples[result.samples.length - 1]
      expect(result.samples.findIndex((s) => (rate(s) ?? 0) > 0.5)).toBe(result.samples.length - 1)
      expect(decisionSample.at).toBe(promSawAt)
      expect(decided.at - promSawAt).toBeLessThan(PROBE_INTERVAL_MS)
      // Nothing breached before the change.
      expect(
        result.samples.filter((s) => s.at < changedAt).every((s) => (rate(s) ?? 1) < 0.05)
      ).toBe(true)
      // The [5s] rate window dominates detection: seconds, not the runbook's minutes.
      expect(decided.at - changedAt).toBeLessThan(12_000)
      expect(result.final.reason).toMatch(/^error rate \d+\.\d% > critical 50% \(P1\)$/)
    })
  })

  it('20% sustained: error-rate-high only after high-window, Level 1', async () => {
    const rec = loadRecording('error-rate-high')
    const changedAt = changeAt(rec, 'error rate 0% → 20%')
    const { result, log } = await replayWatch(rec, replaySettings(rec, '30s'))
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
      // Not before the window, and on the first probe after it.
      expect(result.samples[result.samples.length - 1].at - first.at).toBe(HIGH_WINDOW_MS)
      expect(decided.at - first.at).toBeGreaterThanOrEqual(HIGH_WINDOW_MS)
      expect(decided.at - first.at).toBeLessThan(HIGH_WINDOW_MS + PROBE_INTERVAL_MS)
      // Inside the window it watched: continue on error-rate-high, never a rollback.
      const inside = result.verdicts.filter((v) => v.at >= first.at && v !== decided)
      expect(inside).toHaveLength(HIGH_WINDOW_MS / PROBE_INTERVAL_MS)
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
    const rec = loadRecording('error-rate-falling')
    // The fall began 3 s before the watch, so the [5s] rate is already falling at its first sample.
    expect(rec.timeline[0].t).toBeLessThan(0)
    const { result, log } = await replayWatch(rec, replaySettings(rec, '12s'))
    await explain(log, () => {
      expect(result.verdicts).toHaveLength(13)
      expect(result.verdicts.map((v) => v.verdict.decision)).not.toContain('rollback')
      const values = result.samples.map(rate)
      expect(values[0]).toBeGreaterThan(0.27)
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
      expect(result.final).toMatchObject({ decision: 'warn', rule: 'error-rate-high' })
      expect(result.final.reason).toContain('still over the limit when the watch ended')
    })
  })
})
