// The CloudWatch provider through @aws-sdk/client-cloudwatch against the stand-in of
// sandbox/cloudwatch.js on loopback: the request as the SDK signs and encodes it (JSON 1.0,
// SigV4 scoped to the region and `monitoring`, the session token), the newest period that ended
// by now − lag as the reading, PartialData pages followed, no datapoints (no FILL) as no data,
// and every outage — expired or refused credentials, throttling, a refused connection — unknown
// with a reason that holds no key.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import {
  classifyCloudWatchError,
  createCloudWatch,
  cwReading
} from '../../src/adapters/cloudwatch.js'
import { closedPortUrl } from '../../sandbox/ports.js'
import fs from 'node:fs'
import path from 'node:path'
import { startCloudWatchStandin } from '../../sandbox/cloudwatch.js'
import { smithyViolations } from '../../sandbox/smithy-json.js'

const model = JSON.parse(
  fs.readFileSync(
    path.join(process.cwd(), '__fixtures__/cloudwatch-smithy/get-metric-data.json'),
    'utf8'
  )
)

const KEY_ID = 'AKIASTANDIN0EXAMPLE1'
const SECRET = 'standinSecretAccessKey0123456789abcdefghij'
const TOKEN = 'standinSessionToken0123456789'
/** 30 s into a minute: the period of this minute is filling. */
const NOW = Date.parse('2026-11-25T12:00:30Z')
const M = (id: string, name: string, stat = 'Sum') => ({
  Id: id,
  MetricStat: {
    Metric: {
      Namespace: 'AWS/ApplicationELB',
      MetricName: name,
      Dimensions: [{ Name: 'LoadBalancer', Value: 'app/shop/50dc6c495c0c9188' }]
    },
    Period: 60,
    Stat: stat
  },
  ReturnData: false
})
const ERROR_RATIO = JSON.stringify([
  { Id: 'e', Expression: 'FILL(m1,0)/m2', Label: 'error ratio' },
  M('m1', 'HTTPCode_Target_5XX_Count'),
  M('m2', 'RequestCount')
])
const NO_FILL = JSON.stringify([
  { Id: 'e', Expression: 'm1/m2' },
  M('m1', 'HTTPCode_Target_5XX_Count'),
  M('m2', 'RequestCount')
])
const P95 = JSON.stringify([{ ...M('p', 'TargetResponseTime', 'p95'), ReturnData: true }])

let standin: Awaited<ReturnType<typeof startCloudWatchStandin>>
const saved = { ...process.env }
beforeAll(async () => {
  standin = await startCloudWatchStandin({
    accessKeyId: KEY_ID,
    sessionToken: TOKEN,
    region: 'eu-west-1',
    now: () => NOW,
    pageSize: 4,
    // A step: 2% errors until 11:57, then 60%; the filling period reads 0 (as a live one would).
    source: (queries, id, periods) => {
      const expr = queries.find((q: { Id: string }) => q.Id === id)?.Expression
      if (expr === 'm1/m2') return periods.map(() => null)
      if (id === 'p') return periods.map((p) => (p.complete ? 0.25 : null))
      return periods.map((p) =>
        !p.complete ? 0 : p.start < Date.parse('2026-11-25T11:57:00Z') ? 0.02 : 0.6
      )
    }
  })
  // As aws-actions/configure-aws-credentials leaves them.
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: KEY_ID,
    AWS_SECRET_ACCESS_KEY: SECRET,
    AWS_SESSION_TOKEN: TOKEN,
    AWS_REGION: 'eu-west-1',
    AWS_EC2_METADATA_DISABLED: 'true'
  })
})
afterAll(async () => {
  process.env = saved
  await standin.stop()
})
beforeEach(() => {
  standin.setFailure(undefined)
  standin.requests.length = 0
})

const cw = (over: { endpoint?: string; lagMs?: number; region?: string } = {}) =>
  createCloudWatch(
    { region: 'eu-west-1', endpoint: standin.url, lagMs: 60_000, ...over },
    { timeoutMs: 2_000 }
  )

describe('CloudWatch provider: the request', () => {
  it('JSON 1.0 to GetMetricData, SigV4 scoped to the region and monitoring, the session token, epoch seconds', async () => {
    const r = await cw().query(ERROR_RATIO, NOW)
    expect(r.status).toBe('measured')
    const req = standin.requests[0]
    expect(req.target).toBe('GraniteServiceVersion20100801.GetMetricData')
    expect(req.contentType).toMatch(/^application\/x-amz-json-1\.0/)
    expect(req.authorization).toMatch(
      new RegExp(`^AWS4-HMAC-SHA256 Credential=${KEY_ID}/\\d{8}/eu-west-1/monitoring/aws4_request`)
    )
    expect(req.authorization).not.toContain(SECRET)
    expect(req.token).toBe(TOKEN)
    // Judged at now − lag (11:59:30): the look-back ends there, whole seconds.
    expect(req.body.EndTime).toBe(Date.parse('2026-11-25T11:59:30Z') / 1000)
    expect(req.body.EndTime - req.body.StartTime).toBe(600)
    expect(req.body.ScanBy).toBe('TimestampDescending')
    expect(req.body.MetricDataQueries.map((q: { Id: string }) => q.Id)).toEqual(['e', 'm1', 'm2'])
    // The body the SDK encoded is a GetMetricDataInput of CloudWatch's Smithy model.
    expect(
      smithyViolations(model, 'com.amazonaws.cloudwatch#GetMetricDataInput', req.body)
    ).toEqual([])
    expect(req.queryMode).toBe('true')
  })
})

describe('CloudWatch provider: the readings', () => {
  it('the newest period that ended by now − lag, across PartialData pages', async () => {
    // 11:59:30 judged: the 11:58 period is the newest complete one (0.6); 10 periods, 3 pages of 4.
    expect(await cw().query(ERROR_RATIO, NOW)).toEqual({ status: 'measured', value: 0.6 })
    expect(standin.requests.length).toBe(3)
    expect(standin.requests[1].body.NextToken).toBeTruthy()
    // Before the step: 0.02.
    expect(await cw().query(ERROR_RATIO, Date.parse('2026-11-25T11:57:30Z'))).toEqual({
      status: 'measured',
      value: 0.02
    })
    expect(await cw().query(P95, NOW)).toEqual({ status: 'measured', value: 0.25 })
  })

  it('no datapoints (no FILL over a metric sent only when non-zero): unknown, no data, says FILL', async () => {
    const r = await cw().query(NO_FILL, NOW)
    expect(r).toMatchObject({ status: 'unknown', cause: 'no-data' })
    expect(r.reason).toContain('FILL(m, 0)')
  })

  it.each([
    ['expired', 'credentials', /ExpiredToken/],
    ['denied', 'credentials', /AccessDenied/],
    ['throttle', 'rate-limited', /Throttling/],
    [500, 'unreachable', /did not answer/]
  ] as const)(
    '%s: unknown (%s), never a number, no key in the reason',
    async (failure, cause, said) => {
      standin.setFailure(failure)
      const r = await cw().query(ERROR_RATIO, NOW)
      expect(r).toMatchObject({ status: 'unknown', value: null, cause })
      expect(r.reason).toMatch(said)
      for (const secret of [SECRET, TOKEN]) expect(r.reason).not.toContain(secret)
    }
  )

  it('credentials that expire mid-watch: measured, then unknown, then measured once renewed', async () => {
    const source = cw()
    expect((await source.query(ERROR_RATIO, NOW)).status).toBe('measured')
    standin.setFailure('expired')
    expect(await source.query(ERROR_RATIO, NOW)).toMatchObject({
      status: 'unknown',
      cause: 'credentials'
    })
    standin.setFailure(undefined)
    expect((await source.query(ERROR_RATIO, NOW)).status).toBe('measured')
  })

  it('a refused connection: unknown, unreachable', async () => {
    const r = await cw({ endpoint: await closedPortUrl() }).query(ERROR_RATIO, NOW)
    expect(r).toMatchObject({ status: 'unknown', cause: 'unreachable' })
  })

  it('a range picks for each time the period an instant reading at that time would', async () => {
    const start = Date.parse('2026-11-25T11:56:30Z')
    const range = await cw().queryRange(ERROR_RATIO, {
      start,
      end: start + 3 * 60_000,
      stepMs: 60_000
    })
    expect(range.ok).toBe(true)
    if (!range.ok) return
    const values = range.points.map((p) => p.reading.value)
    const instants = []
    for (const p of range.points) instants.push((await cw().query(ERROR_RATIO, p.at)).value)
    expect(values).toEqual(instants)
    // Judged a minute back: 11:55:30 … 11:58:30; the step shows from the 11:57 period.
    expect(values).toEqual([0.02, 0.02, 0.02, 0.6])
  })
})

describe('classifyCloudWatchError and cwReading', () => {
  it.each([
    [{ name: 'ExpiredToken', $metadata: { httpStatusCode: 400 } }, 'credentials'],
    [
      {
        name: 'CredentialsProviderError',
        message: 'Could not load credentials from any providers'
      },
      'credentials'
    ],
    [{ name: 'Throttling', $metadata: { httpStatusCode: 400 } }, 'rate-limited'],
    [{ name: 'InvalidParameterValue', $metadata: { httpStatusCode: 400 } }, 'rejected'],
    [{ name: 'Error', code: 'ECONNREFUSED' }, 'unreachable'],
    [{ name: 'TimeoutError' }, 'unreachable'],
    [{ name: 'InternalServiceError', $metadata: { httpStatusCode: 500 } }, 'unreachable'],
    // The proxy on the way, not CloudWatch: never read as refused credentials.
    [
      { name: 'Error', code: 'EPROXYREFUSED', message: 'proxy http://p:3128 answered 403' },
      'unreachable'
    ],
    [{ name: 'UnknownError', $metadata: { httpStatusCode: 407 } }, 'unreachable'],
    [{ name: 'ProxyConfigError', message: 'HTTPS_PROXY names no proxy host' }, 'unreachable'],
    [{ name: 'AbortError' }, undefined]
  ])('%j → %s', (e, cause) => {
    expect(classifyCloudWatchError(e).cause).toBe(cause)
  })

  it('a filling period is never read: the newest that ended by the judged time', () => {
    const b = (min: number, value: number) => ({
      start: Date.parse(`2026-11-25T11:${min}:00Z`),
      end: Date.parse(`2026-11-25T11:${min}:00Z`) + 60_000,
      value
    })
    expect(cwReading([b(58, 0.6), b(59, 0)], Date.parse('2026-11-25T11:59:30Z'), 'e')).toEqual({
      status: 'measured',
      value: 0.6
    })
  })
})
