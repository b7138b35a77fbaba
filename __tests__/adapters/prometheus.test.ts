import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { MetricReading } from '../../src/runbook/types.js'
import { createPrometheus, promTime, queryEndpoint } from '../../src/adapters/prometheus.js'
import { closedPortUrl } from '../../sandbox/ports.js'

// A loopback stand-in for Prometheus under a path prefix (/prom). The query text picks the answer.
const AT = 1_700_000_000_123
const requests: {
  path: string
  query: string | null
  time: string | null
  auth?: string
  token?: string
}[] = []
const timers = new Set<NodeJS.Timeout>()
let server: http.Server
let base: string

const vector = (...values: string[]) => ({
  status: 'success',
  data: {
    resultType: 'vector',
    result: values.map((v, i) => ({ metric: { instance: `i${i}` }, value: [AT / 1000, v] }))
  }
})

const ANSWERS: Record<string, { status: number; body: unknown; type?: string; delayMs?: number }> =
  {
    one: { status: 200, body: vector('0.25') },
    zero: { status: 200, body: vector('0') },
    scalar: {
      status: 200,
      body: { status: 'success', data: { resultType: 'scalar', result: [AT / 1000, '4.5'] } }
    },
    empty: { status: 200, body: vector() },
    multi: { status: 200, body: vector('1', '2', '3') },
    nan: { status: 200, body: vector('NaN') },
    pinf: { status: 200, body: vector('+Inf') },
    ninf: { status: 200, body: vector('-Inf') },
    matrix: {
      status: 200,
      body: { status: 'success', data: { resultType: 'matrix', result: [] } }
    },
    'sum(rate(x[1m]': {
      status: 400,
      body: {
        status: 'error',
        errorType: 'bad_data',
        error: '1:16: parse error: unclosed left parenthesis'
      }
    },
    'up{job="a}': {
      status: 400,
      body: {
        status: 'error',
        errorType: 'bad_data',
        error: '1:4: parse error: unterminated quoted string "a}'
      }
    },
    html: {
      status: 200,
      body: '<!DOCTYPE html><html><body>Sign in</body></html>',
      type: 'text/html'
    },
    e500: { status: 500, body: 'internal error\n', type: 'text/plain' },
    e502: { status: 502, body: '<html><body>Bad Gateway</body></html>', type: 'text/html' },
    e401: { status: 401, body: 'Unauthorized', type: 'text/plain' },
    e403: { status: 403, body: 'Forbidden', type: 'text/plain' },
    slow: { status: 200, body: vector('1'), delayMs: 3000 }
  }

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    const query = url.searchParams.get('query')
    requests.push({
      path: url.pathname,
      query,
      time: url.searchParams.get('time'),
      auth: req.headers['authorization'],
      ...(url.searchParams.has('token') ? { token: url.searchParams.get('token') ?? '' } : {})
    })
    if (url.pathname !== '/prom/api/v1/query') {
      res.writeHead(404, { 'Content-Type': 'text/plain' })
      return res.end('404 page not found')
    }
    if (query === 'authed')
      return answer(req.headers['authorization'] === 'Bearer t0k' ? ANSWERS.one : ANSWERS.e401, res)
    const a = ANSWERS[query ?? ''] ?? ANSWERS.empty
    if (a.delayMs) {
      const t = setTimeout(() => {
        timers.delete(t)
        answer(a, res)
      }, a.delayMs)
      timers.add(t)
    } else answer(a, res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/prom`
})

function answer(a: (typeof ANSWERS)[string], res: http.ServerResponse): void {
  if (res.destroyed) return
  res.writeHead(a.status, { 'Content-Type': a.type ?? 'application/json' })
  res.end(typeof a.body === 'string' ? a.body : JSON.stringify(a.body))
}

afterAll(async () => {
  for (const t of timers) clearTimeout(t)
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

beforeEach(() => {
  requests.length = 0
})

const source = (headers: Record<string, string> = {}) =>
  createPrometheus({ url: base, headers }, { timeoutMs: 500 })

describe('Prometheus query: the request', () => {
  it('sends the query and the time in unix seconds with ms decimals, under the path prefix', async () => {
    const q = '(sum(rate(http_requests_total{status=~"5.."}[1m])) or vector(0)) / sum(rate(x[1m]))'
    await source().query(q, AT)
    expect(requests).toEqual([
      { path: '/prom/api/v1/query', query: q, time: '1700000000.123', auth: undefined }
    ])
  })

  it.each([
    ['http://h:9090', 'http://h:9090/api/v1/query'],
    ['http://h:9090/', 'http://h:9090/api/v1/query'],
    ['https://h/prometheus', 'https://h/prometheus/api/v1/query'],
    ['https://h/prometheus/', 'https://h/prometheus/api/v1/query'],
    ['https://h/prometheus?token=t0k#x', 'https://h/prometheus/api/v1/query?token=t0k']
  ])('base %s queries %s', (url, endpoint) => {
    expect(queryEndpoint(url)).toBe(endpoint)
  })

  it('a trailing slash on the base reaches the same endpoint', async () => {
    const r = await createPrometheus({ url: `${base}/`, headers: {} }, { timeoutMs: 500 }).query(
      'one',
      AT
    )
    expect(r).toEqual({ status: 'measured', value: 0.25 })
    expect(requests[0].path).toBe('/prom/api/v1/query')
  })

  it('promTime keeps milliseconds', () => {
    expect(promTime(1_700_000_000_000)).toBe('1700000000.000')
    expect(promTime(5)).toBe('0.005')
  })

  it('sends prometheus-headers', async () => {
    expect(await source({ Authorization: 'Bearer t0k' }).query('authed', AT)).toEqual({
      status: 'measured',
      value: 0.25
    })
    expect(requests[0].auth).toBe('Bearer t0k')
  })
})

describe('Prometheus query: the answers', () => {
  it.each<[string, MetricReading | RegExp]>([
    ['one', { status: 'measured', value: 0.25 }],
    ['zero', { status: 'measured', value: 0 }],
    ['scalar', { status: 'measured', value: 4.5 }],
    ['empty', /^empty result \(no series\)/],
    ['multi', /^query returned 3 series; aggregate it \(e\.g\. sum\(\.\.\.\)\)$/],
    ['nan', /^value is NaN: no traffic in the rate window/],
    ['pinf', /^value is \+Inf/],
    ['ninf', /^value is -Inf/],
    ['matrix', /range vector/],
    [
      'sum(rate(x[1m]',
      /^Prometheus bad_data for query "sum\(rate\(x\[1m\]": "1:16: parse error: unclosed left parenthesis"$/
    ],
    [
      'up{job="a}',
      /^Prometheus bad_data for query "up\{job=\\"a\}": "1:4: parse error: unterminated quoted string \\"a\}"$/
    ],
    ['html', /^Prometheus answered with HTML, not JSON — check prometheus-url/],
    ['e500', /^HTTP 500 from Prometheus: internal error$/],
    ['e502', /^HTTP 502 from Prometheus/],
    ['e401', /^HTTP 401 from Prometheus — check prometheus-headers$/],
    ['e403', /^HTTP 403 from Prometheus — check prometheus-headers$/],
    ['authed', /^HTTP 401 .* check prometheus-headers$/]
  ])('%s', async (query, expected) => {
    const r = await source().query(query, AT)
    if (expected instanceof RegExp) {
      expect(r.status).toBe('unknown')
      expect(r.value).toBeNull()
      expect(r.reason).toMatch(expected)
    } else expect(r).toEqual(expected)
  })

  it('a wrong path is a 404 that names prometheus-url', async () => {
    const r = await createPrometheus(
      { url: base.replace('/prom', '/nope'), headers: {} },
      { timeoutMs: 500 }
    ).query('one', AT)
    expect(r).toMatchObject({ status: 'unknown', value: null })
    expect(r.reason).toMatch(
      /^HTTP 404 from Prometheus at .*\/nope\/api\/v1\/query — check prometheus-url$/
    )
  })

  it("prometheus-url's own query (a token) goes with every request, and never into a reason", async () => {
    const prom = createPrometheus({ url: `${base}?token=s3cr3t`, headers: {} }, { timeoutMs: 500 })
    expect(await prom.query('one', AT)).toMatchObject({ status: 'measured', value: 0.25 })
    expect(requests).toEqual([
      { path: '/prom/api/v1/query', query: 'one', time: '1700000000.123', token: 's3cr3t' }
    ])
    const nope = await createPrometheus(
      { url: `${base.replace('/prom', '/nope')}?token=s3cr3t`, headers: {} },
      { timeoutMs: 500 }
    ).query('one', AT)
    expect(nope.reason).toMatch(
      /^HTTP 404 from Prometheus at http:\/\/127\.0\.0\.1:\d+\/nope\/api\/v1\/query\?token=\*\*\* — check prometheus-url$/
    )
  })

  it('no answer within the timeout is unknown, quickly', async () => {
    const started = Date.now()
    const r = await source().query('slow', AT)
    expect(r).toEqual({
      status: 'unknown',
      value: null,
      reason: 'Prometheus: no answer within 500ms',
      cause: 'unreachable'
    })
    expect(Date.now() - started).toBeLessThan(2000)
  })

  it('a refused connection is unknown "connection refused"', async () => {
    const r = await createPrometheus(
      { url: await closedPortUrl(), headers: {} },
      { timeoutMs: 500 }
    ).query('one', AT)
    expect(r).toEqual({
      status: 'unknown',
      value: null,
      reason: 'Prometheus: connection refused',
      cause: 'unreachable'
    })
  })

  it('cancellation is unknown "cancelled"', async () => {
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 50)
    const r = await createPrometheus({ url: base, headers: {} }, { timeoutMs: 5000 }).query(
      'slow',
      AT,
      controller.signal
    )
    expect(r).toEqual({ status: 'unknown', value: null, reason: 'cancelled' })
  })
})
