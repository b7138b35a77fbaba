// The watch's judgement over recorded samples (a replay): the same decisions, cycle by cycle, as
// the live watch makes: a terminal verdict ends it, a P1/P2 window open at the end is seen
// through, a restart is remembered, the final verdict closes it.
import { judgeRecorded, startJudgement } from '../../src/runbook/judgement.js'
import { DEFAULT_POLICY } from '../../src/runbook/defaults.js'
import { MIN, SEC, T0, policy, rates, sample, series } from '../../__fixtures__/samples.js'

const EVERY = 30 * SEC
const base = { policy: DEFAULT_POLICY, deployedAt: T0, restartAvailable: false }

describe('judgeRecorded', () => {
  it('judgeRecorded: a terminal verdict ends the watch; later samples are not judged', () => {
    const r = judgeRecorded(rates([0.01, 0.7, 0.01, 0.01]), { ...base, plannedEnd: T0 + 10 * MIN })
    expect(r.samples).toHaveLength(2)
    expect(r.final).toMatchObject({ decision: 'rollback', rule: 'error-rate-critical', level: 1 })
    expect(r.verdicts.map((v) => v.at - T0)).toEqual([0, EVERY])
  })

  it('judgeRecorded: a P2 window open at the planned end is seen through (extendedEnd), then judged', () => {
    // 20% from 2 min on, a 3-minute watch: the 5-minute window ends at 7 min.
    const values = Array.from({ length: 20 }, (_, i) => (i >= 4 ? 0.2 : 0.01))
    const r = judgeRecorded(rates(values), { ...base, plannedEnd: T0 + 3 * MIN })
    expect(r.final).toMatchObject({ decision: 'rollback', rule: 'error-rate-high', severity: 'P2' })
    expect(r.samples[r.samples.length - 1].at - T0).toBe(7 * MIN)
  })

  it('judgeRecorded: a P3 window open at the end is judged as it stands, no extension', () => {
    const values = Array.from({ length: 20 }, (_, i) => (i >= 2 ? 0.07 : 0.01))
    const r = judgeRecorded(rates(values), { ...base, plannedEnd: T0 + 3 * MIN })
    expect(r.samples).toHaveLength(7)
    expect(r.final).toMatchObject({ decision: 'warn', rule: 'error-rate-elevated', severity: 'P3' })
  })

  it('judgeRecorded: a restart is remembered: down again on the next cycle is Level 1', () => {
    const history = series([{}, { health: 'down' }, { health: 'down' }])
    const r = judgeRecorded(history, { ...base, restartAvailable: true, plannedEnd: T0 + 5 * MIN })
    expect(r.verdicts.map((v) => v.verdict.decision)).toEqual(['healthy', 'restart', 'rollback'])
    expect(r.final.reason).toContain('restart already tried')
  })

  it('judgeRecorded: health off (a replay) is never an outage', () => {
    const off = { status: 'off' as const, reason: 'not probed in a replay' }
    const history = Array.from({ length: 10 }, (_, i) => ({
      ...sample({ at: i * EVERY }),
      health: off
    }))
    const r = judgeRecorded(history, { ...base, plannedEnd: T0 + 10 * EVERY })
    expect(r.final).toMatchObject({ decision: 'healthy', rule: 'healthy' })
    expect(r.final.reason).not.toContain('health')
  })

  it('judgeRecorded: the baseline makes a breach that was already there pre-existing', () => {
    const r = judgeRecorded(rates([0.7, 0.7]), {
      ...base,
      plannedEnd: T0 + EVERY,
      baseline: { errorRate: 0.65, p95: null }
    })
    expect(r.final).toMatchObject({ decision: 'pre-existing', rule: 'error-rate-critical' })
  })
})

describe('startJudgement', () => {
  it('startJudgement: admits the planned end, not past it without an open P1/P2 window', () => {
    const j = startJudgement({
      ...base,
      policy: policy(),
      memory: { restartsTried: [], failedLevels: [] },
      plannedEnd: T0 + MIN
    })
    expect(j.admits(T0 + MIN).admitted).toBe(true)
    j.judge(sample({ at: MIN }), T0 + MIN)
    expect(j.admits(T0 + MIN + EVERY)).toEqual({ admitted: false })
  })
})
