// The Datadog stand-in speaks Datadog's shapes: its answers (200 with null points, 400, 403, 429)
// are validated against the v1 API description (an extract of DataDog/datadog-api-client-typescript,
// see __fixtures__/datadog-openapi/README.md), with every object closed (a field the description
// does not name fails), and the request the provider sends carries the parameters and headers
// the description requires. The provider's list of sites is the description's.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { Ajv } from 'ajv'
import { createDatadog } from '../../src/adapters/datadog.js'
import { DATADOG_SITES } from '../../src/settings/types.js'
import { startDatadogStandin } from '../../sandbox/datadog.js'

const spec = JSON.parse(
  fs.readFileSync(path.join(process.cwd(), '__fixtures__/datadog-openapi/extract.json'), 'utf8')
) as {
  servers: { variables: { site: { enum: string[] } } }[]
  paths: Record<string, Record<string, Operation>>
  components: {
    schemas: Record<string, unknown>
    responses: Record<string, Response>
    securitySchemes: Record<string, { in: string; name: string }>
  }
}
interface Response {
  $ref?: string
  content?: Record<string, { schema: unknown }>
}
interface Operation {
  operationId: string
  parameters: { in: string; name: string; required?: boolean; schema: { type: string } }[]
  responses: Record<string, Response>
}

/** Every object schema closed: the stand-in may send only what the description names. */
function closed(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closed)
  if (!node || typeof node !== 'object') return node
  const out = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, closed(v)])) as Record<
    string,
    unknown
  >
  if (out.type === 'object' && out.properties && out.additionalProperties === undefined)
    out.additionalProperties = false
  return out
}
const ajv = new Ajv({ strict: false, allErrors: true })
ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) })
ajv.addFormat('double', { type: 'number', validate: () => true })
ajv.addSchema({ components: closed(spec.components) } as object, 'datadog')
const op = spec.paths['/api/v1/query'].get

function validate(status: number, body: unknown): string[] {
  let response = op.responses[String(status)]
  if (!response) return [`status ${status} is not declared`]
  if (response.$ref) response = spec.components.responses[response.$ref.split('/').pop() as string]
  const schema = response.content?.['application/json'].schema as { $ref: string }
  const check = ajv.compile({ $ref: `datadog${schema.$ref}` })
  return check(body) ? [] : (check.errors ?? []).map((e) => `${e.instancePath} ${e.message}`)
}

const API_KEY = 'k-api-0123456789'
const APP_KEY = 'k-app-0123456789'
let standin: Awaited<ReturnType<typeof startDatadogStandin>>
beforeAll(async () => {
  standin = await startDatadogStandin({
    apiKey: API_KEY,
    appKey: APP_KEY,
    source: (_q, buckets) => [{ values: buckets.map((_b, i) => (i % 3 === 0 ? null : 0.25)) }]
  })
})
afterAll(async () => {
  await standin.stop()
})

async function get(params: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await fetch(`${standin.url}/api/v1/query?${new URLSearchParams(params)}`, {
    headers: { 'DD-API-KEY': API_KEY, 'DD-APPLICATION-KEY': APP_KEY, ...headers }
  })
  return { status: res.status, body: (await res.json()) as unknown, headers: res.headers }
}
const Q = 'sum:trace.http.request.errors{service:web}.as_count().rollup(sum,60)'
const now = Math.floor(Date.now() / 1000)

describe('the Datadog stand-in against the v1 description', () => {
  it('200: a series with null points is a MetricsQueryResponse, and a bad one would not be', async () => {
    const ok = await get({ from: String(now - 600), to: String(now), query: Q })
    expect(ok.status).toBe(200)
    expect(validate(200, ok.body)).toEqual([])
    const series = (ok.body as { series: { pointlist: unknown[][]; interval: number }[] }).series
    expect(series[0].interval).toBe(60)
    expect(series[0].pointlist.some((p) => p[1] === null)).toBe(true)
    // The check can fail: string timestamps, an unknown field.
    const wrong = structuredClone(ok.body) as { series: { pointlist: unknown[][] }[] }
    wrong.series[0].pointlist[0][0] = String(wrong.series[0].pointlist[0][0])
    expect(validate(200, wrong).length).toBeGreaterThan(0)
    expect(validate(200, { ...(ok.body as object), invented: 1 })).toEqual([
      ' must NOT have additional properties'
    ])
  })

  it('400, 403 and 429 are APIErrorResponse; the 429 carries the rate-limit headers', async () => {
    const parse = await get({ from: String(now - 60), to: String(now), query: 'rate(x[1m])' })
    expect(parse.status).toBe(400)
    expect(validate(400, parse.body)).toEqual([])
    const denied = await get(
      { from: String(now - 60), to: String(now), query: Q },
      { 'DD-APPLICATION-KEY': 'wrong' }
    )
    expect(denied.status).toBe(403)
    expect(validate(403, denied.body)).toEqual([])
    standin.setFailure({ status: 429, resetS: 12 })
    const limited = await get({ from: String(now - 60), to: String(now), query: Q })
    standin.setFailure(undefined)
    expect(limited.status).toBe(429)
    expect(validate(429, limited.body)).toEqual([])
    expect(limited.headers.get('x-ratelimit-reset')).toBe('12')
    for (const h of ['limit', 'period', 'remaining', 'name'])
      expect(limited.headers.get(`x-ratelimit-${h}`)).toBeTruthy()
  })

  it('the provider sends what the description requires: integer from/to, query, both key headers', async () => {
    standin.requests.length = 0
    await createDatadog(
      { apiUrl: standin.url, apiKey: API_KEY, appKey: APP_KEY, lagMs: 60_000 },
      { timeoutMs: 2_000 }
    ).query(Q, Date.now())
    const sent = standin.requests[0]
    for (const p of op.parameters.filter((x) => x.in === 'query' && x.required)) {
      expect(sent.query[p.name]).toBeDefined()
      if (p.schema.type === 'integer') expect(sent.query[p.name]).toMatch(/^\d+$/)
    }
    const schemes = spec.components.securitySchemes
    expect(schemes.apiKeyAuth).toMatchObject({ in: 'header', name: 'DD-API-KEY' })
    expect(schemes.appKeyAuth).toMatchObject({ in: 'header', name: 'DD-APPLICATION-KEY' })
    expect([sent.apiKey, sent.appKey]).toEqual([API_KEY, APP_KEY])
  })

  it('datadog-site accepts exactly the public sites the description lists', () => {
    expect([...DATADOG_SITES].sort()).toEqual(
      [...new Set(spec.servers[0].variables.site.enum)].sort()
    )
  })
})
