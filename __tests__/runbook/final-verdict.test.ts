// The verdict a whole watch ends with (runbook/decide.ts finalVerdict): what the watch loop used to
// decide by itself, now a pure function replay can call on samples alone.
import { finalVerdict } from '../../src/runbook/decide.js'
import type { Verdict } from '../../src/runbook/types.js'
import { ctx, EVERY, MIN, policy, rates, sample, steady } from '../../__fixtures__/samples.js'

const P = policy()
const end = (now: number, cancelled = false) => ({ ...ctx(now), cancelled })
const v = (over: Partial<Verdict>): Verdict => ({
  decision: 'healthy',
  severity: 'none',
  rule: 'healthy',
  reason: 'ok',
  evidence: [],
  ...over
})

describe('finalVerdict', () => {
  it('finalVerdict: a terminal verdict ends the watch as it is', () => {
    const rollback = v({
      decision: 'rollback',
      rule: 'error-rate-critical',
      severity: 'P1',
      level: 1
    })
    expect(finalVerdict([sample()], [v({}), rollback], P, end(0))).toBe(rollback)
  })

  it('finalVerdict: no sample at all is inconclusive (a monitoring outage)', () => {
    expect(finalVerdict([], [], P, end(0))).toMatchObject({
      decision: 'inconclusive',
      rule: 'monitoring-outage',
      reason: 'no probe completed during the watch'
    })
  })

  it('finalVerdict: cancelled before the first probe has no verdict', () => {
    expect(finalVerdict([], [], P, end(0, true))).toMatchObject({
      decision: 'continue',
      reason: 'cancelled before the first probe'
    })
  })

  it('finalVerdict: still watching when the watch ends → healthy, saying what it watched', () => {
    // A P3 window improving at the end is a warning; an unknown signal under the limit is healthy.
    const history = rates([0.001, 'unknown'])
    const got = finalVerdict(history, [v({ decision: 'continue' })], P, end(EVERY))
    expect(got.decision).toBe('healthy')
    expect(got.reason).toContain('error rate unknown')
  })

  it('finalVerdict: an earlier warning is not forgotten by a healthy end', () => {
    const warned = v({ decision: 'warn', rule: 'error-rate-elevated', severity: 'P3' })
    const history = rates(steady(0.001, 0, 2 * MIN))
    expect(finalVerdict(history, [warned, v({})], P, end(2 * MIN))).toBe(warned)
  })

  it('finalVerdict: an open P3 window is judged as it stands (stable → warn)', () => {
    const history = rates(steady(0.07, 0, 10 * MIN))
    expect(finalVerdict(history, [], P, end(10 * MIN))).toMatchObject({
      decision: 'warn',
      rule: 'error-rate-elevated'
    })
  })
})
