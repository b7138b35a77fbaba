import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { gzipSync } from 'node:zlib'
import { DEFAULT_POLICY } from '../../src/runbook/defaults.js'
import type { Policy } from '../../src/runbook/types.js'
import { createHealthProbe, HEALTH_BODY_LIMIT } from '../../src/adapters/health.js'
import { classifyRequestError } from '../../src/adapters/http-failure.js'
import type { HealthSettings } from '../../src/settings/types.js'
import { closedPortUrl } from '../../sandbox/ports.js'

// A loopback server whose route picks the answer; every delayed answer is a timer we clear.
const seen: { method?: string; url?: string; headers: http.IncomingHttpHeaders }[] = []
const timers = new Set<NodeJS.Timeout>()
let flakyCount = 0
let server: http.Server
let base: string

function later(ms: number, fn: () => void): void {
  const t = setTimeout(() => {
    timers.delete(t)
    fn()
  }, ms)
  timers.add(t)
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push({ method: req.method, url: req.url, headers: req.headers })
    const path = (req.url ?? '/').split('?')[0]
    const send = (status: number, body: string, type = 'application/json') => {
      if (res.destroyed) return
      res.writeHead(status, { 'Content-Type': type })
      res.end(body)
    }
    switch (path) {
      case '/ok':
        return send(200, '{"status":"ok","version":"v2"}')
      case '/big':
        return send(200, 'x'.repeat(HEALTH_BODY_LIMIT + 1000), 'text/plain')
      case '/html':
        return send(200, '<!doctype html><html><body>It works</body></html>', 'text/html')
      case '/redirect':
        res.writeHead(302, { Location: '/ok' })
        return res.end()
      case '/loop':
        res.writeHead(302, { Location: '/loop' })
        return res.end()
      case '/huge':
        res.writeHead(200, { 'Content-Type': 'text/plain' })
        return res.end(Buffer.alloc(8 * 1024 * 1024 + 1, 'x'))
      case '/gzip':
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' })
        return res.end(gzipSync('{"status":"ok","version":"v3"}'))
      case '/partial':
        res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': '100' })
        res.write('abc')
        return later(20, () => req.socket.destroy())
      case '/503':
        return send(503, 'unavailable', 'text/plain')
      case '/500':
        return send(500, 'boom', 'text/plain')
      case '/404':
        return send(404, 'not found', 'text/plain')
      case '/401':
        return send(401, 'who are you', 'text/plain')
      case '/slow':
        return later(250, () => send(200, '{"status":"ok"}'))
      case '/hang':
        return later(5000, () => send(200, '{"status":"ok"}'))
      case '/reset':
        return req.socket.destroy()
      case '/flaky':
        flakyCount++
        return flakyCount === 1 ? send(503, 'warming up', 'text/plain') : send(200, '{"ok":1}')
      case '/head-only':
        return req.method === 'HEAD' ? send(200, '') : send(405, 'HEAD only', 'text/plain')
      case '/auth':
        return req.headers['authorization'] === 'Bearer s3cret' && req.headers['x-env'] === 'prod'
          ? send(200, '{"authorized":true}')
          : send(401, 'no', 'text/plain')
      default:
        return send(404, 'no route', 'text/plain')
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  for (const t of timers) clearTimeout(t)
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

beforeEach(() => {
  seen.length = 0
  flakyCount = 0
})

function policy(health: Partial<Policy['health']> = {}): Policy {
  return {
    ...DEFAULT_POLICY,
    health: {
      ...DEFAULT_POLICY.health,
      timeoutMs: 2000,
      slowMs: 150,
      confirm: 2,
      confirmIntervalMs: 700,
      ...health
    }
  }
}

function probeFor(
  path: string,
  opts: { health?: Partial<Policy['health']>; settings?: Partial<HealthSettings> } = {}
) {
  const sleeps: number[] = []
  const probe = createHealthProbe(
    { url: `${base}${path}`, method: 'GET', headers: {}, ...opts.settings },
    policy(opts.health),
    {
      sleep: async (ms: number) => {
        sleeps.push(ms)
      }
    }
  )
  return { probe, sleeps }
}

describe('health probe: one answer per case', () => {
  it('200 within slow is up with status, latency and body', async () => {
    // A slow limit that a loaded 2-core machine's first request cannot reach by accident.
    const { probe, sleeps } = probeFor('/ok', { health: { slowMs: 2_000, timeoutMs: 4_000 } })
    const r = await probe.probe()
    expect(r).toMatchObject({ status: 'up', httpStatus: 200, failedAttempts: 0 })
    expect(r.latencyMs).toBeGreaterThanOrEqual(0)
    expect(r.latencyMs).toBeLessThan(2_000)
    expect(r.body).toContain('"version":"v2"')
    expect(r.reason).toBeUndefined()
    expect(sleeps).toEqual([])
  })

  it('follows a redirect to the answer', async () => {
    const r = await probeFor('/redirect').probe.probe()
    expect(r).toMatchObject({ status: 'up', httpStatus: 200 })
  })

  it('more than 5 redirects is down "too many redirects"', async () => {
    const { probe } = probeFor('/loop', { health: { confirm: 0 } })
    expect(await probe.probe()).toEqual({
      status: 'down',
      reason: 'too many redirects (more than 5)',
      failedAttempts: 1,
      noAnswer: 'redirects'
    })
    expect(seen).toHaveLength(6)
  })

  it('a body above 8 MiB is down "response body too large"', async () => {
    const r = await probeFor('/huge', { health: { confirm: 0 } }).probe.probe()
    expect(r).toEqual({
      status: 'down',
      reason: 'response body too large',
      failedAttempts: 1,
      noAnswer: 'too-large'
    })
  })

  it('a gzip answer is decompressed', async () => {
    const r = await probeFor('/gzip').probe.probe()
    expect(r).toMatchObject({ status: 'up', httpStatus: 200 })
    expect(r.body).toBe('{"status":"ok","version":"v3"}')
    expect(seen[0].headers['accept-encoding']).toBe('gzip, compress, deflate, br')
  })

  it('a body cut off mid-way is down', async () => {
    const r = await probeFor('/partial', { health: { confirm: 0 } }).probe.probe()
    expect(r).toEqual({
      status: 'down',
      reason: 'request failed (ERR_BAD_RESPONSE): stream has been aborted',
      failedAttempts: 1,
      noAnswer: 'other'
    })
  })

  it('an HTML 200 is up (the status decides) and its body is returned', async () => {
    const r = await probeFor('/html').probe.probe()
    expect(r.status).toBe('up')
    expect(r.body).toContain('It works')
  })

  it('keeps only the first 64 KiB of the body', async () => {
    const r = await probeFor('/big').probe.probe()
    expect(r.body).toHaveLength(HEALTH_BODY_LIMIT)
  })

  it('an answer slower than slowMs is slow, not down', async () => {
    const r = await probeFor('/slow').probe.probe()
    expect(r.status).toBe('slow')
    expect(r.latencyMs).toBeGreaterThanOrEqual(150)
    expect(r.reason).toMatch(/^slow: answered in 0\.\d\ds \(slow above 150ms\)$/)
    expect(r.failedAttempts).toBe(0)
  })

  it.each([
    ['/503', 503, 'HTTP 503'],
    ['/500', 500, 'HTTP 500'],
    ['/404', 404, 'HTTP 404 — check health-url'],
    ['/401', 401, 'HTTP 401 — missing or wrong auth: check health-headers']
  ])('%s is down with reason %s', async (path, status, reason) => {
    const { probe, sleeps } = probeFor(path)
    const r = await probe.probe()
    expect(r).toMatchObject({ status: 'down', httpStatus: status, reason, failedAttempts: 3 })
    expect(r.noAnswer).toBeUndefined()
    expect(sleeps).toEqual([700, 700])
  })

  it('no answer within the timeout is down, saying so', async () => {
    const started = Date.now()
    const { probe } = probeFor('/hang', { health: { timeoutMs: 300, confirm: 0 } })
    const r = await probe.probe()
    expect(r).toEqual({
      status: 'down',
      reason: 'no answer within 300ms',
      failedAttempts: 1,
      noAnswer: 'timeout'
    })
    expect(Date.now() - started).toBeLessThan(2000)
  })

  it('a reset connection is down', async () => {
    const r = await probeFor('/reset', { health: { confirm: 0 } }).probe.probe()
    expect(r).toEqual({
      status: 'down',
      reason: 'connection reset',
      failedAttempts: 1,
      noAnswer: 'reset'
    })
  })

  it('a refused connection (nothing listening) is down', async () => {
    const url = await closedPortUrl()
    const probe = createHealthProbe({ url, method: 'GET', headers: {} }, policy({ confirm: 0 }), {
      sleep: async () => undefined
    })
    expect(await probe.probe()).toEqual({
      status: 'down',
      reason: 'connection refused',
      failedAttempts: 1,
      noAnswer: 'refused'
    })
  })

  it('a TLS failure (https to a plain HTTP port) is down with a TLS reason', async () => {
    const r = await probeFor('/ok', { health: { confirm: 0 } }).probe.probe()
    expect(r.status).toBe('up') // sanity: the same server over http
    const tls = createHealthProbe(
      { url: `${base.replace('http:', 'https:')}/ok`, method: 'GET', headers: {} },
      policy({ confirm: 0 }),
      { sleep: async () => undefined }
    )
    const t = await tls.probe()
    expect(t.status).toBe('down')
    expect(t.reason).toMatch(/^TLS failure/)
    expect(t.noAnswer).toBe('tls')
  })
})

describe('health probe: confirmation re-probes', () => {
  it('one failed probe then up is up, with failedAttempts 1', async () => {
    const { probe, sleeps } = probeFor('/flaky')
    const r = await probe.probe()
    expect(r).toMatchObject({ status: 'up', httpStatus: 200, failedAttempts: 1 })
    expect(sleeps).toEqual([700])
    expect(seen).toHaveLength(2)
  })

  it('down is confirmed after `confirm` re-probes, spaced confirmIntervalMs', async () => {
    const { probe, sleeps } = probeFor('/503', { health: { confirm: 4, confirmIntervalMs: 1234 } })
    const r = await probe.probe()
    expect(r).toMatchObject({ status: 'down', reason: 'HTTP 503', failedAttempts: 5 })
    expect(sleeps).toEqual([1234, 1234, 1234, 1234])
    expect(seen).toHaveLength(5)
  })

  it('confirm 0 probes once', async () => {
    const { probe, sleeps } = probeFor('/503', { health: { confirm: 0 } })
    expect(await probe.probe()).toMatchObject({ status: 'down', failedAttempts: 1 })
    expect(sleeps).toEqual([])
    expect(seen).toHaveLength(1)
  })
})

describe('health probe: request shape', () => {
  it('HEAD sends HEAD and is up with an empty body', async () => {
    const { probe } = probeFor('/head-only', { settings: { method: 'HEAD' } })
    const r = await probe.probe()
    expect(r).toMatchObject({ status: 'up', httpStatus: 200, body: '' })
    expect(seen.map((s) => s.method)).toEqual(['HEAD'])
  })

  it('sends the configured headers', async () => {
    const { probe } = probeFor('/auth', {
      settings: { headers: { Authorization: 'Bearer s3cret', 'X-Env': 'prod' } }
    })
    const r = await probe.probe()
    expect(r).toMatchObject({ status: 'up', httpStatus: 200, failedAttempts: 0 })
    expect(seen[0].headers['authorization']).toBe('Bearer s3cret')
    expect(seen[0].headers['x-env']).toBe('prod')
  })

  it('sends User-Agent rollback-sentinel on a new connection; configured headers override it', async () => {
    await probeFor('/ok').probe.probe()
    expect(seen[0].headers['user-agent']).toBe('rollback-sentinel')
    expect(seen[0].headers['connection']).toBe('close')
    seen.length = 0
    await probeFor('/ok', { settings: { headers: { 'user-agent': 'mine/1' } } }).probe.probe()
    expect(seen[0].headers['user-agent']).toBe('mine/1')
  })

  it('never puts header values in a reason', async () => {
    const { probe } = probeFor('/auth', {
      settings: { headers: { Authorization: 'Bearer wrong-secret' } },
      health: { confirm: 0 }
    })
    const r = await probe.probe()
    expect(r.status).toBe('down')
    expect(JSON.stringify({ ...r, body: undefined })).not.toContain('wrong-secret')
  })
})

describe('health probe: cancellation', () => {
  it('an abort during a request is unknown "cancelled", quickly', async () => {
    const { probe } = probeFor('/hang', { health: { timeoutMs: 10_000 } })
    const controller = new AbortController()
    const started = Date.now()
    setTimeout(() => controller.abort(), 50)
    const r = await probe.probe(controller.signal)
    expect(r).toEqual({ status: 'unknown', reason: 'cancelled', failedAttempts: 0 })
    expect(Date.now() - started).toBeLessThan(2000)
  })

  it('an abort during the wait between re-probes is unknown "cancelled"', async () => {
    const controller = new AbortController()
    const sleeps: number[] = []
    const probe = createHealthProbe({ url: `${base}/503`, method: 'GET', headers: {} }, policy(), {
      sleep: async (ms: number) => {
        sleeps.push(ms)
        controller.abort()
      }
    })
    const r = await probe.probe(controller.signal)
    expect(r).toEqual({ status: 'unknown', reason: 'cancelled', failedAttempts: 1 })
    expect(sleeps).toEqual([700])
    expect(seen).toHaveLength(1)
  })

  it('an already aborted signal sends nothing', async () => {
    const { probe } = probeFor('/ok')
    const r = await probe.probe(AbortSignal.abort())
    expect(r).toMatchObject({ status: 'unknown', reason: 'cancelled' })
    expect(seen).toHaveLength(0)
  })
})

describe('classifyRequestError', () => {
  const ctx = { url: 'https://prod.example.com/health?token=x', timeoutMs: 10_000 }
  // What node:http and httpRequest reject with: an Error with a `code`.
  const nodeError = (code: string, message = code) => Object.assign(new Error(message), { code })

  it.each([
    ['ECONNREFUSED', 'refused', 'connection refused'],
    ['ECONNRESET', 'reset', 'connection reset'],
    ['ENOTFOUND', 'dns', 'DNS lookup failed for prod.example.com (ENOTFOUND)'],
    ['EAI_AGAIN', 'dns', 'DNS lookup failed for prod.example.com (EAI_AGAIN)'],
    ['ECONNABORTED', 'timeout', 'no answer within 10s'],
    ['ETIMEDOUT', 'timeout', 'no answer within 10s'],
    ['ERR_FR_TOO_MANY_REDIRECTS', 'redirects', 'too many redirects (more than 5)'],
    ['EHOSTUNREACH', 'unreachable', 'host unreachable (EHOSTUNREACH)'],
    ['ERR_RESPONSE_TOO_LARGE', 'too-large', 'response body too large']
  ])('%s is %s', (code, kind, reason) => {
    expect(
      classifyRequestError(nodeError(code), { ...ctx, timedOut: false, cancelled: false })
    ).toEqual({ kind, reason })
  })

  it.each(['CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'ERR_TLS_CERT_ALTNAME_INVALID'])(
    '%s is a TLS failure',
    (code) => {
      const f = classifyRequestError(nodeError(code, 'certificate problem'), {
        ...ctx,
        timedOut: false,
        cancelled: false
      })
      expect(f.kind).toBe('tls')
      expect(f.reason).toContain(code)
    }
  )

  it('the caller cancelling wins over everything; our deadline reads as a timeout', () => {
    for (const canceled of [nodeError('ERR_CANCELED', 'canceled'), nodeError('ABORT_ERR')]) {
      expect(
        classifyRequestError(canceled, { ...ctx, timedOut: false, cancelled: true }).kind
      ).toBe('cancelled')
      expect(classifyRequestError(canceled, { ...ctx, timedOut: true, cancelled: false })).toEqual({
        kind: 'timeout',
        reason: 'no answer within 10s'
      })
    }
  })

  it('finds the code on the cause when the error itself has none', () => {
    const err = new Error('connect failed', { cause: { code: 'ECONNREFUSED' } })
    expect(classifyRequestError(err, { ...ctx, timedOut: false, cancelled: false }).kind).toBe(
      'refused'
    )
  })

  it('finds the code in an AggregateError (a name with several addresses)', () => {
    const err = new AggregateError([nodeError('ECONNREFUSED'), nodeError('ECONNREFUSED')])
    expect(classifyRequestError(err, { ...ctx, timedOut: false, cancelled: false })).toEqual({
      kind: 'refused',
      reason: 'connection refused'
    })
  })
})
