// The web provider against the JSON endpoint of sandbox/web-metrics.js on loopback: a number is a
// value; a string, null, a missing key, an error status, a refused connection, a timeout, a
// login page or a wrong token are unknown with a reason, never a breach and never healthy.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { createWeb, readWebValue, webQueryUrl } from '../../src/adapters/web.js'
import { closedPortUrl } from '../../sandbox/ports.js'
import { startWebMetrics } from '../../sandbox/web-metrics.js'

const AT = 1_700_000_000_123
const TOKEN = 'web-token-not-a-secret'
const VALUES: Record<string, unknown> = {
  healthy: 0.01,
  errors: 0.6,
  stringy: '0.6',
  nothing: null,
  infinite: 'Infinity'
}

let standin: Awaited<ReturnType<typeof startWebMetrics>>
beforeAll(async () => {
  standin = await startWebMetrics({ source: (name) => VALUES[name], token: TOKEN })
})
afterAll(async () => {
  await standin.stop()
})
beforeEach(() => {
  standin.setFailure(undefined)
  standin.requests.length = 0
})

function web(over: Partial<Parameters<typeof createWeb>[0]> = {}, timeoutMs = 2_000) {
  return createWeb(
    {
      url: `${standin.url}/metric?name={query}&time={time}`,
      headers: { Authorization: `Bearer ${TOKEN}` },
      valuePath: 'data.value',
      ...over
    },
    { timeoutMs }
  )
}

describe('web provider', () => {
  it('a healthy value and a 60% error value are read as numbers, at the time asked', async () => {
    await expect(web().query('healthy', AT)).resolves.toEqual({ status: 'measured', value: 0.01 })
    await expect(web().query('errors', AT)).resolves.toEqual({ status: 'measured', value: 0.6 })
    expect(standin.requests[0]).toMatchObject({
      method: 'GET',
      url: '/metric?name=healthy&time=1700000000',
      authorization: `Bearer ${TOKEN}`
    })
  })

  it('a query is URL-encoded into the template; without a template the query is the URL', () => {
    expect(webQueryUrl('https://m.example/v?q={query}&t={time}', 'a b&c=d', AT)).toBe(
      'https://m.example/v?q=a%20b%26c%3Dd&t=1700000000'
    )
    expect(webQueryUrl(undefined, 'https://m.example/errors?at={time}', AT)).toBe(
      'https://m.example/errors?at=1700000000'
    )
  })

  it('a string, null, a missing key or a non-finite value is unknown', async () => {
    const stringy = await web().query('stringy', AT)
    expect(stringy).toEqual({
      status: 'unknown',
      value: null,
      reason: 'the value at data.value is the string "0.6", not a JSON number'
    })
    expect((await web().query('nothing', AT)).reason).toBe(
      'the value at data.value is null (no data)'
    )
    expect((await web().query('unlisted', AT)).reason).toBe(
      'the value at data.value is null (no data)'
    )
    expect(await web({ valuePath: 'data.p95' }).query('healthy', AT)).toMatchObject({
      status: 'unknown',
      reason: 'no value at data.p95 in the answer (data.p95: no such key)'
    })
    expect((await web().query('infinite', AT)).status).toBe('unknown')
    expect(readWebValue(JSON.parse('{"v": 1e400}'), 'v').status).toBe('unknown')
    expect(readWebValue({ v: true }, 'v').reason).toBe('the value at v is boolean, not a number')
  })

  it('a 5xx, a login page, a wrong token, a refused connection and a timeout are unknown', async () => {
    standin.setFailure('unavailable')
    expect((await web().query('errors', AT)).reason).toMatch(
      /^HTTP 503 from http:\/\/127\.0\.0\.1:\d+\/metric\?name=errors&time=1700000000: \{"error":"metrics store unavailable"\}$/
    )
    standin.setFailure('html')
    expect((await web().query('errors', AT)).reason).toMatch(
      /answered with something that is not JSON: <!doctype html>/
    )
    standin.setFailure(undefined)
    const denied = await web({ headers: { Authorization: 'Bearer expired' } }).query('errors', AT)
    expect(denied.status).toBe('unknown')
    expect(denied.reason).toMatch(/^HTTP 401 from .* — check web-headers$/)
    expect(denied.reason).not.toContain('expired')
    const refused = await web({ url: `${await closedPortUrl()}/metric?name={query}` }).query(
      'errors',
      AT
    )
    expect(refused).toMatchObject({ status: 'unknown', value: null })
    expect(refused.reason).toMatch(/^web: connection refused/)
    standin.setFailure('hang')
    const started = Date.now()
    const slow = await web({}, 300).query('errors', AT)
    expect(slow.status).toBe('unknown')
    expect(slow.reason).toMatch(/^web: .*(timed out|no answer)/)
    expect(Date.now() - started).toBeLessThan(2_000)
  })

  it('has no history: a range is a failure that says so', async () => {
    await expect(
      web().queryRange('errors', { start: 0, end: 60_000, stepMs: 1_000 })
    ).resolves.toEqual({
      ok: false,
      reason: 'the web provider has no history to read (mode replay is not available with it)',
      answered: false,
      requests: 0
    })
  })
})
