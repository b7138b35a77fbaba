// The probes through a real forward proxy (Debian's tinyproxy) on loopback. The services answer
// only connections from the proxy: tinyproxy binds its outgoing connections to 127.0.0.3, and a
// connection from anywhere else is dropped, so a probe that is up went through the proxy.
import http from 'node:http'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import type net from 'node:net'
import { DEFAULT_POLICY } from '../../src/runbook/defaults.js'
import type { Policy } from '../../src/runbook/types.js'
import { createHealthProbe } from '../../src/adapters/health.js'
import type { NetworkOptions } from '../../src/adapters/http.js'
import { createPrometheus } from '../../src/adapters/prometheus.js'
import { closedPortUrl } from '../../sandbox/ports.js'
import { startTinyproxy } from '../../sandbox/tinyproxy.js'
import { createTestCa } from '../../sandbox/tls.js'

const PROXY_SOURCE = '127.0.0.3'
const SERVICE_HOST = '127.0.0.2'
const AT = 1_700_000_000_000
const VECTOR = JSON.stringify({
  status: 'success',
  data: { resultType: 'vector', result: [{ metric: {}, value: [AT / 1000, '0.125'] }] }
})

type Proxy = Awaited<ReturnType<typeof startTinyproxy>>
let ca: ReturnType<typeof createTestCa>
let open: Proxy
let guarded: Proxy
let httpsService: https.Server
let httpService: http.Server
let directService: https.Server
let httpsUrl: string
let httpUrl: string
let directPort: number
const servers: net.Server[] = []
const openSockets: net.Socket[] = []

function answer(req: http.IncomingMessage, res: http.ServerResponse): void {
  if (req.url === '/to-direct') {
    res.writeHead(302, { Location: `https://127.0.0.1:${directPort}/health` })
    res.end()
    return
  }
  if ((req.url ?? '').startsWith('/api/v1/query')) {
    res.writeHead(200, { 'Content-Type': 'application/json' })
    res.end(VECTOR)
    return
  }
  res.writeHead(200, { 'Content-Type': 'application/json' })
  res.end('{"status":"ok"}')
}

/** Drops every connection that does not come from `allowed`, before TLS or HTTP starts. */
function onlyFrom<T extends net.Server>(server: T, allowed: (address: string) => boolean): T {
  server.on('connection', (socket: net.Socket) => {
    if (!allowed(socket.remoteAddress ?? '')) socket.destroy()
  })
  servers.push(server)
  return server
}

async function listen(server: net.Server, host: string): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, host, resolve))
  return (server.address() as AddressInfo).port
}

beforeAll(async () => {
  ca = createTestCa()
  // Only the service's own address: the tunnelled TLS must be checked against the origin's
  // name, not the proxy's (127.0.0.1).
  const proxied = ca.issue({ altNames: [`IP:${SERVICE_HOST}`] })
  const direct = ca.issue({ altNames: ['IP:127.0.0.1', 'DNS:localhost'] })
  const viaProxy = (a: string) => a === PROXY_SOURCE
  httpsService = onlyFrom(https.createServer(proxied, answer), viaProxy)
  httpService = onlyFrom(http.createServer(answer), viaProxy)
  directService = onlyFrom(https.createServer(direct, answer), (a) => a !== PROXY_SOURCE)
  const httpsPort = await listen(httpsService, SERVICE_HOST)
  const httpPort = await listen(httpService, SERVICE_HOST)
  directPort = await listen(directService, '127.0.0.1')
  httpsUrl = `https://${SERVICE_HOST}:${httpsPort}`
  httpUrl = `http://${SERVICE_HOST}:${httpPort}`
  const connectPorts = [httpsPort, directPort]
  open = await startTinyproxy({ connectPorts, bind: PROXY_SOURCE })
  guarded = await startTinyproxy({
    connectPorts,
    bind: PROXY_SOURCE,
    basicAuth: { user: 'probe', password: 's3cret-pw' }
  })
}, 30_000)

afterAll(async () => {
  await Promise.all([open?.stop(), guarded?.stop()])
  for (const socket of openSockets) socket.destroy()
  for (const server of servers) {
    if ('closeAllConnections' in server) (server as unknown as http.Server).closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
  ca?.cleanup()
})

function policy(): Policy {
  return {
    ...DEFAULT_POLICY,
    health: { ...DEFAULT_POLICY.health, timeoutMs: 3000, confirm: 0 }
  }
}

function health(url: string, network: NetworkOptions) {
  return createHealthProbe(
    { url, method: 'GET', headers: {} },
    policy(),
    { sleep: async () => undefined },
    { caCertificates: ca.certPem, ...network }
  )
}

function prometheus(url: string, network: NetworkOptions) {
  return createPrometheus(
    { url, headers: {} },
    { timeoutMs: 3000, network: { caCertificates: ca.certPem, ...network } }
  )
}

const withCredentials = (url: string, user: string, password: string) =>
  url.replace('http://', `http://${user}:${encodeURIComponent(password)}@`)

describe('through the proxy', () => {
  it('sanity: without a proxy the services drop the connection (they answer the proxy only)', async () => {
    const r = await health(`${httpsUrl}/health`, { env: {} }).probe()
    expect(r).toMatchObject({ status: 'down', noAnswer: 'reset' })
  })

  it('an https health-url goes through HTTPS_PROXY with CONNECT and is up', async () => {
    const r = await health(`${httpsUrl}/health`, { env: { HTTPS_PROXY: open.url } }).probe()
    expect(r).toMatchObject({ status: 'up', httpStatus: 200, failedAttempts: 0 })
    expect(r.noAnswer).toBeUndefined()
    expect(open.requests()).toContain(`CONNECT ${httpsUrl.replace('https://', '')} HTTP/1.1`)
  })

  it('lowercase https_proxy is read too', async () => {
    const r = await health(`${httpsUrl}/health`, { env: { https_proxy: open.url } }).probe()
    expect(r.status).toBe('up')
  })

  it('an http Prometheus goes through HTTP_PROXY as a forwarded request', async () => {
    const r = await prometheus(httpUrl, { env: { HTTP_PROXY: open.url } }).query('up', AT)
    expect(r).toEqual({ status: 'measured', value: 0.125 })
    expect(open.requests().some((line) => line.startsWith(`GET ${httpUrl}/api/v1/query?`))).toBe(
      true
    )
  })

  it('an https Prometheus goes through HTTPS_PROXY with CONNECT', async () => {
    const r = await prometheus(httpsUrl, { env: { HTTPS_PROXY: open.url } }).query('up', AT)
    expect(r).toEqual({ status: 'measured', value: 0.125 })
  })

  it('an https URL does not use HTTP_PROXY', async () => {
    const r = await health(`${httpsUrl}/health`, { env: { HTTP_PROXY: open.url } }).probe()
    expect(r).toMatchObject({ status: 'down', noAnswer: 'reset' })
  })

  it('proxy credentials in the URL pass a proxy that requires them', async () => {
    const proxy = withCredentials(guarded.url, 'probe', 's3cret-pw')
    const h = await health(`${httpsUrl}/health`, { env: { HTTPS_PROXY: proxy } }).probe()
    expect(h.status).toBe('up')
    const p = await prometheus(httpUrl, { env: { HTTP_PROXY: proxy } }).query('up', AT)
    expect(p).toEqual({ status: 'measured', value: 0.125 })
  })
})

describe('NO_PROXY', () => {
  // The direct service drops connections from the proxy: up means the proxy was bypassed.
  const target = () => `https://127.0.0.1:${directPort}/health`

  it.each([
    ['host', () => '127.0.0.1'],
    ['host:port', () => `127.0.0.1:${directPort}`],
    ['*', () => '*'],
    ['a list with spaces', () => 'example.com, .corp.example ,127.0.0.1'],
    ['localhost for a localhost URL', () => 'localhost']
  ])('%s exempts the URL from the proxy', async (_form, noProxy) => {
    const url = noProxy() === 'localhost' ? target().replace('127.0.0.1', 'localhost') : target()
    const before = open.requests().length
    const r = await health(url, { env: { HTTPS_PROXY: open.url, NO_PROXY: noProxy() } }).probe()
    expect(r).toMatchObject({ status: 'up', httpStatus: 200 })
    expect(open.requests().length).toBe(before)
  })

  it('each redirect hop takes its own route: from the proxied service to one in NO_PROXY', async () => {
    const before = open.requests().length
    const r = await health(`${httpsUrl}/to-direct`, {
      env: { HTTPS_PROXY: open.url, NO_PROXY: '127.0.0.1' }
    }).probe()
    expect(r).toMatchObject({ status: 'up', httpStatus: 200 })
    // Only the first hop went through the proxy.
    expect(open.requests().slice(before)).toEqual([
      `CONNECT ${httpsUrl.replace('https://', '')} HTTP/1.1`
    ])
  })

  it('lowercase no_proxy is read too', async () => {
    const r = await health(target(), {
      env: { HTTPS_PROXY: open.url, no_proxy: '127.0.0.1' }
    }).probe()
    expect(r.status).toBe('up')
  })

  it.each([
    ['another port', () => '127.0.0.1:1'],
    ['another host', () => '127.0.0.10'],
    ['a domain the host is not in', () => '.example.com']
  ])('%s does not exempt it: the request goes through the proxy', async (_form, noProxy) => {
    const r = await health(target(), {
      env: { HTTPS_PROXY: open.url, NO_PROXY: noProxy() }
    }).probe()
    expect(r).toMatchObject({ status: 'down', noAnswer: 'reset' })
    expect(open.requests()).toContain(`CONNECT 127.0.0.1:${directPort} HTTP/1.1`)
  })
})

describe('when the proxy fails', () => {
  it('a 407 from the proxy is health down with noAnswer proxy, naming the proxy', async () => {
    const r = await health(`${httpsUrl}/health`, { env: { HTTPS_PROXY: guarded.url } }).probe()
    expect(r).toEqual({
      status: 'down',
      noAnswer: 'proxy',
      reason: `proxy ${guarded.url} answered 407 Proxy Authentication Required`,
      failedAttempts: 1
    })
  })

  it('a 407 is Prometheus unknown with a reason naming the proxy (CONNECT and forwarded)', async () => {
    for (const [url, env] of [
      [httpsUrl, { HTTPS_PROXY: guarded.url }],
      [httpUrl, { HTTP_PROXY: guarded.url }]
    ] as const) {
      const r = await prometheus(url, { env }).query('up', AT)
      expect(r).toEqual({
        status: 'unknown',
        value: null,
        reason: `Prometheus: proxy ${guarded.url} answered 407 Proxy Authentication Required`,
        // The proxy answered, Prometheus did not: the preflight says it did not answer.
        cause: 'unreachable'
      })
    }
  })

  it('wrong proxy credentials are refused, and the reason never shows them', async () => {
    const proxy = withCredentials(guarded.url, 'probe', 'wrong-pw')
    const r = await health(`${httpsUrl}/health`, { env: { HTTPS_PROXY: proxy } }).probe()
    expect(r).toMatchObject({ status: 'down', noAnswer: 'proxy' })
    // tinyproxy answers a wrong password with 401 rather than 407.
    expect(r.reason).toMatch(new RegExp(`^proxy ${guarded.url} answered 40[17] `))
    expect(JSON.stringify(r)).not.toMatch(/wrong-pw|probe:/)
  })

  it('a CONNECT the proxy refuses (port not allowed) is the proxy kind', async () => {
    const url = `https://127.0.0.1:${(await closedPortUrl()).split(':').pop()}/health`
    const r = await health(url, { env: { HTTPS_PROXY: open.url } }).probe()
    expect(r).toMatchObject({ status: 'down', noAnswer: 'proxy' })
    expect(r.reason).toMatch(new RegExp(`^proxy ${open.url} answered 403`))
  })

  it('a proxy that is down is the proxy kind, not a refusal by production', async () => {
    const down = await closedPortUrl()
    const r = await health(`${httpsUrl}/health`, { env: { HTTPS_PROXY: down } }).probe()
    expect(r).toEqual({
      status: 'down',
      noAnswer: 'proxy',
      reason: `proxy ${down}: connection refused`,
      failedAttempts: 1
    })
    const p = await prometheus(httpUrl, { env: { HTTP_PROXY: down } }).query('up', AT)
    expect(p.reason).toBe(`Prometheus: proxy ${down}: connection refused`)
  })

  it('a proxy that never answers is a timeout, and the connection to it is closed', async () => {
    const sockets = openSockets
    const closed: Promise<void>[] = []
    const silent = onlyFrom(
      (await import('node:net')).createServer((socket) => {
        sockets.push(socket)
        closed.push(new Promise((resolve) => socket.on('close', () => resolve())))
        socket.resume() // read the CONNECT, never answer it
      }),
      () => true
    )
    const port = await listen(silent, '127.0.0.1')
    const proxy = `http://127.0.0.1:${port}`
    const probe = createHealthProbe(
      { url: `${httpsUrl}/health`, method: 'GET', headers: {} },
      { ...policy(), health: { ...policy().health, timeoutMs: 300 } },
      { sleep: async () => undefined },
      { env: { HTTPS_PROXY: proxy } }
    )
    expect(await probe.probe()).toEqual({
      status: 'down',
      noAnswer: 'timeout',
      reason: `no answer within 300ms (proxy ${proxy} had not answered)`,
      failedAttempts: 1
    })
    expect(sockets).toHaveLength(1)
    // Bounded by jest's timeout: the probe's signal must have closed it, not the test.
    await Promise.all(closed)
  })

  it('a proxy variable that is not an http(s) proxy URL is the proxy kind, without its value', async () => {
    const r = await health(`${httpsUrl}/health`, {
      env: { HTTPS_PROXY: 'socks5://user:hidden@127.0.0.1:1080' }
    }).probe()
    expect(r).toMatchObject({ status: 'down', noAnswer: 'proxy' })
    expect(r.reason).toBe(
      'HTTPS_PROXY uses socks5://, which the probes do not support: use an http:// or https:// proxy'
    )
  })
})
