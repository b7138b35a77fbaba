// The CloudWatch stand-in speaks CloudWatch's shapes: its GetMetricData answers (Complete and
// PartialData pages) are validated against the operation's output in CloudWatch's Smithy model
// (an extract of aws/api-models-aws, see __fixtures__/cloudwatch-smithy/README.md) under the
// JSON encoding the SDK speaks (timestamps as epoch seconds; a member the model does not name
// fails), and the request the provider's SDK sends is validated against the operation's input.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startCloudWatchStandin } from '../../sandbox/cloudwatch.js'
import { smithyViolations } from '../../sandbox/smithy-json.js'

interface Shape {
  type: string
  input?: { target: string }
  output?: { target: string }
}
const model = JSON.parse(
  fs.readFileSync(
    path.join(process.cwd(), '__fixtures__/cloudwatch-smithy/get-metric-data.json'),
    'utf8'
  )
) as {
  source: string
  service: { traits: Record<string, { name?: string }> }
  operation: string
  shapes: Record<string, Shape>
}
/** Where `value` breaks the shape `id` in AWS JSON 1.0 (empty: it does not). */
const violations = (id: string, value: unknown) => smithyViolations(model, id, value)

const op = model.shapes[model.operation]
const KEY_ID = 'AKIASTANDIN0EXAMPLE2'
const AUTH = `AWS4-HMAC-SHA256 Credential=${KEY_ID}/20261125/eu-west-1/monitoring/aws4_request, SignedHeaders=host;x-amz-date, Signature=00`
const NOW = Date.parse('2026-11-25T12:00:30Z')
let standin: Awaited<ReturnType<typeof startCloudWatchStandin>>
beforeAll(async () => {
  standin = await startCloudWatchStandin({
    accessKeyId: KEY_ID,
    region: 'eu-west-1',
    now: () => NOW,
    pageSize: 4,
    source: (_q, _id, periods) => periods.map((p, i) => (i % 3 === 0 ? null : p.start / 1e15))
  })
})
afterAll(async () => {
  await standin.stop()
})

async function post(body: unknown) {
  const res = await fetch(standin.url + '/', {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.0',
      'X-Amz-Target': 'GraniteServiceVersion20100801.GetMetricData',
      Authorization: AUTH
    },
    body: JSON.stringify(body)
  })
  return { status: res.status, headers: res.headers, json: (await res.json()) as unknown }
}
const REQUEST = {
  StartTime: NOW / 1000 - 600,
  EndTime: NOW / 1000,
  ScanBy: 'TimestampDescending',
  MetricDataQueries: [
    { Id: 'e', Expression: 'FILL(m1,0)/m2' },
    {
      Id: 'm1',
      MetricStat: {
        Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'HTTPCode_Target_5XX_Count' },
        Period: 60,
        Stat: 'Sum'
      },
      ReturnData: false
    },
    {
      Id: 'm2',
      MetricStat: {
        Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'RequestCount' },
        Period: 60,
        Stat: 'Sum'
      },
      ReturnData: false
    }
  ]
}

describe('the CloudWatch stand-in against the Smithy model of GetMetricData', () => {
  it('the extract is the operation, its source recorded, signed as monitoring', () => {
    expect(model.source).toMatch(
      /^aws\/api-models-aws .*cloudwatch-2010-08-01\.json @[0-9a-f]{40}$/
    )
    expect(op.input?.target).toBe('com.amazonaws.cloudwatch#GetMetricDataInput')
    expect(model.service.traits['aws.auth#sigv4'].name).toBe('monitoring')
  })

  it('the request the stand-in is sent here is a valid GetMetricDataInput', () => {
    expect(violations(op.input!.target, REQUEST)).toEqual([])
  })

  it('a PartialData page and the last page are valid GetMetricDataOutput, the pages newest first', async () => {
    const first = await post(REQUEST)
    expect(first.status).toBe(200)
    expect(violations(op.output!.target, first.json)).toEqual([])
    const page1 = first.json as {
      NextToken?: string
      MetricDataResults: { StatusCode: string; Timestamps: number[] }[]
    }
    expect(page1.MetricDataResults[0].StatusCode).toBe('PartialData')
    expect(page1.NextToken).toBeTruthy()
    const ts = page1.MetricDataResults[0].Timestamps
    expect([...ts].sort((a, b) => b - a)).toEqual(ts)
    let token = page1.NextToken
    let last: unknown
    for (let i = 0; token && i < 10; i++) {
      const next = await post({ ...REQUEST, NextToken: token })
      expect(violations(op.output!.target, next.json)).toEqual([])
      token = (next.json as { NextToken?: string }).NextToken
      last = next.json
    }
    expect(token).toBeUndefined()
    expect(
      (last as { MetricDataResults: { StatusCode: string }[] }).MetricDataResults[0].StatusCode
    ).toBe('Complete')
  })

  it('the validator is not a rubber stamp: ISO timestamps, an unknown status, an extra member fail', () => {
    const good = {
      MetricDataResults: [
        { Id: 'e', Timestamps: [1764676800], Values: [0.5], StatusCode: 'Complete' }
      ]
    }
    expect(violations(op.output!.target, good)).toEqual([])
    const iso = structuredClone(good) as { MetricDataResults: Record<string, unknown>[] }
    iso.MetricDataResults[0].Timestamps = ['2026-11-25T12:00:00Z']
    expect(violations(op.output!.target, iso)).not.toEqual([])
    const status = structuredClone(good) as { MetricDataResults: Record<string, unknown>[] }
    status.MetricDataResults[0].StatusCode = 'Partial'
    expect(violations(op.output!.target, status)).not.toEqual([])
    expect(violations(op.output!.target, { ...good, Extra: 1 })).not.toEqual([])
    expect(violations(op.input!.target, { ...REQUEST, StartTime: undefined })).not.toEqual([])
  })

  it('errors: {"__type","message"} with the x-amzn-query-error code the SDK reads', async () => {
    standin.setFailure('expired')
    try {
      const r = await post(REQUEST)
      expect(r.status).toBe(400)
      expect(r.json).toEqual({
        __type: expect.stringMatching(/#ExpiredTokenException$/),
        message: expect.any(String)
      })
      expect(r.headers.get('x-amzn-query-error')).toBe('ExpiredToken;Sender')
    } finally {
      standin.setFailure(undefined)
    }
  })
})
