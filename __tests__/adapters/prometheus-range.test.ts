// query_range for replays: the split at Prometheus' 11,000 points, the matrix answer, and the
// requests a range becomes, against a loopback stand-in (the real Prometheus is in the replay
// end-to-end test).
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  createPrometheus,
  MAX_RANGE_POINTS,
  readMatrix,
  splitRange
} from '../../src/adapters/prometheus.js'
import { closedPortUrl } from '../../sandbox/ports.js'

const T = 1_700_000_000_000

describe('splitRange', () => {
  it.each([
    ['splitRange: 61 points fit one request', { start: T, end: T + 900_000, stepMs: 15_000 }, 1],
    [
      'splitRange: exactly 11,000 points fit one request',
      { start: T, end: T + (MAX_RANGE_POINTS - 1) * 1000, stepMs: 1000 },
      1
    ],
    [
      'splitRange: 11,001 points need two',
      { start: T, end: T + MAX_RANGE_POINTS * 1000, stepMs: 1000 },
      2
    ],
    [
      'splitRange: a day at 1 s is 86,401 points: 8 requests',
      { start: T, end: T + 86_400_000, stepMs: 1000 },
      8
    ],
    ['splitRange: an end before the start has none', { start: T, end: T - 1, stepMs: 1000 }, 0],
    ['splitRange: a zero step has none', { start: T, end: T + 1000, stepMs: 0 }, 0]
  ])('%s', (_name, range, requests) => {
    const parts = splitRange(range)
    expect(parts).toHaveLength(requests)
    // The same grid, no gap and no overlap, every part within the limit.
    let next = range.start
    for (const p of parts) {
      expect(p.start).toBe(next)
      expect(p.stepMs).toBe(range.stepMs)
      expect((p.end - p.start) / p.stepMs + 1).toBeLessThanOrEqual(MAX_RANGE_POINTS)
      next = p.end + p.stepMs
    }
    if (requests > 0) expect(parts[parts.length - 1].end).toBeLessThanOrEqual(range.end)
    if (requests > 0) expect(parts[parts.length - 1].end + range.stepMs).toBeGreaterThan(range.end)
  })
})

describe('readMatrix', () => {
  const matrix = (...series: Array<Array<[number, string]>>) => ({
    status: 'success',
    data: { resultType: 'matrix', result: series.map((values) => ({ metric: {}, values })) }
  })
  it('readMatrix: one series → a point per value, NaN unknown, times in ms', () => {
    const r = readMatrix(
      matrix([
        [T / 1000, '0.25'],
        [T / 1000 + 15.5, 'NaN']
      ]),
      'q'
    )
    expect(r).toEqual({
      points: [
        { at: T, reading: { status: 'measured', value: 0.25 } },
        { at: T + 15_500, reading: expect.objectContaining({ status: 'unknown' }) }
      ]
    })
  })
  it('readMatrix: no series → no point (the rebuild says there is no data)', () => {
    expect(readMatrix(matrix(), 'q')).toEqual({ points: [] })
  })
  it('readMatrix: several series → a failure that says to aggregate', () => {
    expect(readMatrix(matrix([], []), 'q')).toEqual({
      failure: 'query returned 2 series; aggregate it (e.g. sum(...))'
    })
  })
  it("readMatrix: Prometheus' own error, in its words", () => {
    expect(
      readMatrix({ status: 'error', errorType: 'bad_data', error: 'parse error' }, 'q')
    ).toEqual({ failure: 'Prometheus bad_data for query "q": "parse error"' })
  })
})

describe('queryRange against a loopback stand-in', () => {
  const seen: URLSearchParams[] = []
  const sockets: string[] = []
  const encodings: string[] = []
  let server: http.Server
  let base: string
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x')
      if (url.pathname !== '/prom/api/v1/query_range') {
        res.writeHead(404).end('not found')
        return
      }
      seen.push(url.searchParams)
      sockets.push(`${req.socket.remotePort}`)
      encodings.push(String(req.headers['accept-encoding']))
      const start = Number(url.searchParams.get('start'))
      const end = Number(url.searchParams.get('end'))
      const step = Number(url.searchParams.get('step'))
      const values: Array<[number, string]> = []
      for (let t = start; t <= end + 1e-9; t += step) values.push([t, '1'])
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(
        JSON.stringify({
          status: 'success',
          data: { resultType: 'matrix', result: [{ metric: {}, values }] }
        })
      )
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/prom`
  })
  afterAll(() => {
    server.closeAllConnections()
    return new Promise<void>((r) => server.close(() => r()))
  })

  it('queryRange: 25,000 points become 3 requests on one grid, every point back', async () => {
    const prom = createPrometheus({ url: base, headers: {} }, { timeoutMs: 5000 })
    const r = await prom.queryRange('up', { start: T, end: T + 24_999 * 1000, stepMs: 1000 })
    expect(r.ok && r.points.length).toBe(25_000)
    expect(r.requests).toBe(3)
    expect(seen.map((p) => [p.get('start'), p.get('step')])).toEqual([
      [String(T / 1000) + '.000', '1'],
      [String(T / 1000 + 11_000) + '.000', '1'],
      [String(T / 1000 + 22_000) + '.000', '1']
    ])
  })

  it('queryRange: one kept-alive connection for request after request, answers asked uncompressed', async () => {
    sockets.length = 0
    encodings.length = 0
    const prom = createPrometheus({ url: base, headers: {} }, { timeoutMs: 5000 })
    for (let i = 0; i < 5; i++) {
      const r = await prom.queryRange('up', { start: T, end: T + 60_000, stepMs: 15_000 })
      expect(r.ok && r.points.length).toBe(5)
    }
    expect(new Set(sockets).size).toBe(1)
    expect(encodings).toEqual(Array(5).fill('identity'))
  })

  it('the instant queries of the live watch keep a new connection per request, compressed', async () => {
    const conns: string[] = []
    const accepts: string[] = []
    const live = http.createServer((req, res) => {
      conns.push(`${req.socket.remotePort}`)
      accepts.push(String(req.headers['accept-encoding']))
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{"status":"success","data":{"resultType":"scalar","result":[1,"0.5"]}}')
    })
    await new Promise<void>((r) => live.listen(0, '127.0.0.1', r))
    try {
      const url = `http://127.0.0.1:${(live.address() as AddressInfo).port}`
      const prom = createPrometheus({ url, headers: {} }, { timeoutMs: 5000 })
      for (let i = 0; i < 3; i++) expect((await prom.query('up', T)).value).toBe(0.5)
      expect(new Set(conns).size).toBe(3)
      expect(accepts.every((a) => a.includes('gzip'))).toBe(true)
    } finally {
      live.closeAllConnections()
      await new Promise<void>((r) => live.close(() => r()))
    }
  })

  it('queryRange: a 404 names prometheus-url (Prometheus answered)', async () => {
    const prom = createPrometheus({ url: `${base}/wrong`, headers: {} }, { timeoutMs: 5000 })
    const r = await prom.queryRange('up', { start: T, end: T + 60_000, stepMs: 15_000 })
    expect(r).toMatchObject({ ok: false, answered: true })
    expect(!r.ok && r.reason).toMatch(
      /^HTTP 404 from Prometheus at .*query_range — check prometheus-url$/
    )
  })

  it('queryRange: a refused connection did not answer at all', async () => {
    const prom = createPrometheus({ url: await closedPortUrl(), headers: {} }, { timeoutMs: 5000 })
    const r = await prom.queryRange('up', { start: T, end: T + 60_000, stepMs: 15_000 })
    expect(r).toEqual({
      ok: false,
      answered: false,
      reason: 'Prometheus: connection refused',
      requests: 1
    })
  })
})
