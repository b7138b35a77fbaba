// metrics-provider cloudwatch: each query input a JSON array of MetricDataQuery with one result,
// checked at parse time (a typo is bad input naming the input, not an unknown reading every
// cycle); the region, the endpoint (plain http only to loopback) and the lag.
import { parseCloudWatchQuery } from '../../src/settings/cloudwatch.js'
import { testSettings } from '../../__fixtures__/settings.js'

const M = (id: string, name: string, over: Record<string, unknown> = {}) => ({
  Id: id,
  MetricStat: {
    Metric: { Namespace: 'AWS/ApplicationELB', MetricName: name },
    Period: 60,
    Stat: 'Sum'
  },
  ReturnData: false,
  ...over
})
const RATIO = JSON.stringify([
  { Id: 'e', Expression: 'FILL(m1,0)/m2' },
  M('m1', 'HTTPCode_Target_5XX_Count'),
  M('m2', 'RequestCount')
])
const CW = {
  'metrics-provider': 'cloudwatch',
  'cloudwatch-region': 'eu-west-1',
  'error-rate-query': RATIO,
  'latency-query': JSON.stringify([M('p', 'TargetResponseTime', { ReturnData: true })]),
  'request-rate-query': JSON.stringify([
    { Id: 'r', Expression: 'm2/PERIOD(m2)' },
    M('m2', 'RequestCount')
  ])
}

function bad(inputs: Record<string, string>): string {
  try {
    testSettings(inputs)
  } catch (e) {
    return (e as Error).message
  }
  throw new Error('expected a bad input')
}

describe('parseCloudWatchQuery', () => {
  it('the result, its period (an expression takes its metrics’)', () => {
    expect(parseCloudWatchQuery('error-rate-query', RATIO)).toMatchObject({
      resultId: 'e',
      periodS: 60
    })
  })

  it.each([
    ['not JSON', '{Id: e}', /^error-rate-query is not JSON/],
    ['an object, not an array', '{"Id":"e"}', /must be a JSON array/],
    [
      'an Id with a capital',
      JSON.stringify([{ Id: 'E', Expression: 'x' }]),
      /must start with a lower-case letter/
    ],
    [
      'two results',
      JSON.stringify([
        { Id: 'a', Expression: '1' },
        { Id: 'b', Expression: '2' }
      ]),
      /returns 2 results/
    ],
    [
      'both Expression and MetricStat',
      JSON.stringify([{ ...M('a', 'X'), Expression: 'a', ReturnData: true }]),
      /exactly one of Expression and MetricStat/
    ],
    [
      'a period of 45 s',
      JSON.stringify([
        M('a', 'X', {
          ReturnData: true,
          MetricStat: { Metric: { Namespace: 'N', MetricName: 'X' }, Period: 45, Stat: 'Sum' }
        })
      ]),
      /Period must be 1, 5, 10, 30 or a multiple of 60/
    ],
    [
      'an unknown member',
      JSON.stringify([{ Id: 'a', Expression: '1', Statistic: 'Sum' }]),
      /has the member "Statistic"/
    ],
    [
      'a duplicate Id',
      JSON.stringify([{ Id: 'a', Expression: '1' }, { ...M('a', 'X') }]),
      /used twice/
    ]
  ])('%s is bad input naming the input', (_name, raw, message) => {
    expect(() => parseCloudWatchQuery('error-rate-query', raw)).toThrow(message)
  })
})

describe('metrics-provider cloudwatch', () => {
  it('region, lag (default 120 s), no endpoint: the SDK’s own', () => {
    const s = testSettings(CW)
    expect(s.metrics?.provider).toBe('cloudwatch')
    expect(s.cloudwatch).toEqual({ region: 'eu-west-1', lagMs: 120_000 })
  })

  it('a query is checked at parse time, naming its input', () => {
    expect(bad({ ...CW, 'latency-query': '[{"Id":"p"}]' })).toMatch(
      /^latency-query\[0\] needs exactly one/
    )
  })

  it('a region that is not one, plain http to another host: bad input', () => {
    expect(bad({ ...CW, 'cloudwatch-region': 'Europe' })).toMatch(
      /cloudwatch-region "Europe" is not an AWS region/
    )
    expect(bad({ ...CW, 'cloudwatch-endpoint': 'http://monitoring.example.com' })).toMatch(
      /plain http to monitoring\.example\.com/
    )
    expect(
      testSettings({ ...CW, 'cloudwatch-endpoint': 'http://127.0.0.1:4566' }).cloudwatch?.endpoint
    ).toBe('http://127.0.0.1:4566')
  })

  it('replay can read it (a range of GetMetricData)', () => {
    expect(
      testSettings({ ...CW, mode: 'replay', 'replay-deploys': '2026-11-25T12:00:00Z' }).metrics
        ?.provider
    ).toBe('cloudwatch')
  })

  it('a cloudwatch input beside another provider is a mistake', () => {
    expect(
      bad({ 'prometheus-url': 'http://127.0.0.1:9090', 'cloudwatch-region': 'eu-west-1' })
    ).toMatch(/^cloudwatch-region is set but metrics-provider is prometheus/)
  })
})
