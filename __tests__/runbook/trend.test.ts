import { trendDetail } from '../../src/runbook/trend.js'
import type { Trend } from '../../src/runbook/types.js'

const TOL = 0.1

describe('trend', () => {
  it.each<[string, Array<number | null>, Trend]>([
    ['trend: flat is stable', [0.2, 0.2, 0.2, 0.2, 0.2, 0.2], 'stable'],
    ['trend: last third 30% lower is improving', [0.3, 0.3, 0.25, 0.25, 0.21, 0.21], 'improving'],
    ['trend: last third 30% higher is worse', [0.2, 0.2, 0.23, 0.25, 0.26, 0.26], 'worse'],
    ['trend: noise of +-2% is stable', [0.2, 0.196, 0.204, 0.196, 0.204, 0.196], 'stable'],
    ['trend: drift of 2% down is stable', [0.2, 0.2, 0.199, 0.198, 0.196, 0.196], 'stable'],
    ['trend: drift of 2% up is stable', [0.2, 0.2, 0.201, 0.202, 0.204, 0.204], 'stable'],
    ['trend: just under 10% lower is stable', [1, 1, 1, 0.91], 'stable'],
    ['trend: just over 10% lower is improving', [1, 1, 1, 0.89], 'improving'],
    ['trend: just under 10% higher is stable', [1, 1, 1, 1.09], 'stable'],
    ['trend: just over 10% higher is worse', [1, 1, 1, 1.11], 'worse'],
    ['trend: the middle third does not count', [0.2, 5, 0.2], 'stable'],
    ['trend: nulls are excluded from the means', [0.2, null, 0.2, 0.5, null, 0.2], 'stable'],
    ['trend: empty window is unknown', [], 'unknown'],
    ['trend: fewer than 3 samples is unknown', [0.2, 0.4], 'unknown'],
    ['trend: first third all unknown is unknown', [null, null, 0.2, 0.2, 0.2, 0.2], 'unknown'],
    ['trend: last third all unknown is unknown', [0.2, 0.2, 0.2, 0.2, null, null], 'unknown'],
    ['trend: all unknown is unknown, not stable', [null, null, null, null, null, null], 'unknown'],
    ['trend: from 0 to 0 is stable', [0, 0, 0], 'stable'],
    ['trend: any rise from 0 is worse', [0, 0, 0.01], 'worse']
  ])('%s', (_name, values, expected) => {
    expect(trendDetail(values, TOL).trend).toBe(expected)
  })

  it('trend: reports the means of the first and last thirds (11 samples: 3 each)', () => {
    const d = trendDetail([1, 2, 3, 9, 9, 9, 9, 9, 4, 5, 6], TOL)
    expect(d).toEqual({ trend: 'worse', firstMean: 2, lastMean: 5 })
  })

  it('trend: a larger tolerance turns a 15% change into stable', () => {
    expect(trendDetail([1, 1, 1.15], 0.2).trend).toBe('stable')
    expect(trendDetail([1, 1, 1.15], 0.1).trend).toBe('worse')
  })
})
