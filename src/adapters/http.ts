// The HTTP client of the health probe and the metric providers: one GET/HEAD through axios with
// one deadline per request (connect + headers + body + redirects), a new connection per request
// (or, for the thousands of range queries of a replay, kept-alive direct connections), the
// runner's proxy variables, the extra CA of ca-certificate, and one vocabulary for why a request
// got no HTTP answer. Reasons are short and never contain header values or proxy credentials.
// routedAgents gives the same routes and trust to a client with its own HTTP stack (the AWS SDK).
import fs from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import type net from 'node:net'
import tls from 'node:tls'
import axios, { type AxiosRequestConfig } from 'axios'
import { HttpProxyAgent } from 'http-proxy-agent'
import { HttpsProxyAgent } from 'https-proxy-agent'
import { hideUrlSecrets } from '../lib/urls.js'
import {
  classifyRequestError,
  MAX_REDIRECTS,
  requestDeadline,
  type RequestFailure
} from './http-failure.js'
import { ProxyConfigError, proxyFor, type ProxyEnv, type ProxyRoute } from './proxy-env.js'

export interface NetworkOptions {
  /** PEM certificates trusted in addition to Node's own (the ca-certificate input). */
  caCertificates?: string
  /** Where HTTPS_PROXY, HTTP_PROXY and NO_PROXY are read; no proxy when absent. */
  env?: ProxyEnv
}

/** A GET or HEAD; its answer is any HTTP status (3xx with a Location is followed, up to 5). */
export interface HttpGet {
  url: string
  method: 'GET' | 'HEAD'
  /** Sent as they are (later names win, case-insensitively); values are never logged. */
  headers: Record<string, string>
  /** Query parameters appended to the URL's own. */
  params?: Record<string, string>
  /** Larger bodies (after decompression) are refused rather than buffered without end. */
  maxBodyBytes: number
  /** One deadline for the whole request, redirects and a trickling body included. */
  timeoutMs: number
  signal?: AbortSignal
}

/** Any HTTP status; the body is UTF-8 without a byte-order mark ('' for HEAD). */
export interface HttpAnswer {
  ok: true
  status: number
  body: string
  /** The answer's headers, names in lower case (a rate limit's reset, …). */
  headers?: Record<string, string>
}

export type HttpResult = HttpAnswer | ({ ok: false } & RequestFailure)

type CaSource = {
  getCACertificates?: (type: 'default') => string[]
  rootCertificates: readonly string[]
}

/**
 * The certificates Node trusts by default. Passing `ca` replaces them all, NODE_EXTRA_CA_CERTS
 * included, so ca-certificate is added to this list rather than given alone. Node >= 22.15 says
 * what it uses (bundled roots, NODE_EXTRA_CA_CERTS, the system store under --use-system-ca);
 * older versions: the bundled roots plus the NODE_EXTRA_CA_CERTS file, read as Node reads it.
 */
export function nodeDefaultCertificates(
  source: CaSource = tls,
  env: ProxyEnv = process.env,
  readFile: (file: string) => string = (file) => fs.readFileSync(file, 'utf8')
): string[] {
  if (typeof source.getCACertificates === 'function') return source.getCACertificates('default')
  const extraFile = env.NODE_EXTRA_CA_CERTS
  let extra: string[] = []
  if (extraFile)
    try {
      extra = [readFile(extraFile)]
    } catch {
      // Node itself only warns about an unreadable file and goes on with its roots.
    }
  return [...source.rootCertificates, ...extra]
}

/** The TLS options for origins (and an https:// proxy): undefined leaves Node's defaults. */
function tlsOptions(caCertificates?: string): tls.ConnectionOptions | undefined {
  if (!caCertificates?.trim()) return undefined
  // One secure context for the client: parsing ~150 roots per request would cost milliseconds.
  const ca = [...nodeDefaultCertificates(), caCertificates]
  return { secureContext: tls.createSecureContext({ ca }) }
}

type ConnectOpts = Parameters<HttpsProxyAgent<string>['connect']>[1]

/**
 * CONNECT through an HTTP(S) proxy with our trust for the origin's TLS, checked against the
 * origin's name: for an IP-literal origin the agent gives TLS no servername, and Node would
 * then check the certificate against the proxy's host.
 */
class TunnelAgent extends HttpsProxyAgent<string> {
  constructor(
    proxy: URL,
    private readonly originTls: tls.ConnectionOptions,
    signal?: AbortSignal
  ) {
    super(proxy, { keepAlive: false, ...originTls, ...(signal ? { signal } : {}) })
  }

  override connect(req: http.ClientRequest, opts: ConnectOpts): Promise<net.Socket> {
    const host = opts.host ?? ''
    return super.connect(req, {
      ...opts,
      ...this.originTls,
      checkServerIdentity: (_name: string, cert: tls.PeerCertificate) =>
        tls.checkServerIdentity(host, cert)
    } as ConnectOpts)
  }
}

/**
 * A tunnel whose refused CONNECT fails the request. HttpsProxyAgent hands the proxy's answer on
 * as the origin's (a 403 of the proxy would read as the origin refusing the credentials); the
 * probes tell the two apart from the agent's proxyConnect event, a client with its own HTTP
 * stack (the AWS SDK) cannot, so the request fails here with the proxy named instead.
 */
class StrictTunnelAgent extends TunnelAgent {
  constructor(
    proxy: URL,
    originTls: tls.ConnectionOptions,
    private readonly origin: string
  ) {
    super(proxy, originTls)
  }

  override async connect(req: http.ClientRequest, opts: ConnectOpts): Promise<net.Socket> {
    let refusal: ProxyConnectAnswer | undefined
    const seen = (answer: ProxyConnectAnswer) => {
      if (answer.statusCode !== undefined && answer.statusCode !== 200) refusal = answer
    }
    this.on('proxyConnect', seen)
    try {
      const socket = await super.connect(req, opts)
      if (!refusal) return socket
      socket.destroy()
      const text = refusal.statusText ? ` ${refusal.statusText}` : ''
      throw Object.assign(new Error(`proxy ${this.origin} answered ${refusal.statusCode}${text}`), {
        code: 'EPROXYREFUSED'
      })
    } finally {
      this.off('proxyConnect', seen)
    }
  }
}

/** What the proxy of the current hop said: CONNECT refused with this status, or nothing yet. */
interface HopState {
  route?: ProxyRoute
  /** The CONNECT tunnel (https targets) rather than a forwarded request (http targets). */
  tunnel: boolean
  connected: boolean
  refusal?: { status: number; text: string }
}

interface ProxyConnectAnswer {
  statusCode?: number
  statusText?: string
}

/** Agents shared by the requests of one client: kept-alive connections, direct routes only. */
interface Pool {
  http: http.Agent
  https: https.Agent
}

/**
 * The agent for one hop: a new connection, no pooling (a reused socket hides a refusal), unless
 * the client keeps connections alive and the hop is direct: a proxy's refusal is read per
 * connection, so a hop through a proxy always gets its own. The request's signal also closes a
 * connection to the proxy that is still waiting for its answer, which the aborted request no
 * longer owns.
 */
function agentFor(
  url: URL,
  network: NetworkOptions,
  tlsOpts: tls.ConnectionOptions | undefined,
  signal: AbortSignal,
  pool: Pool | undefined
) {
  const hop: HopState = { tunnel: url.protocol === 'https:', connected: false }
  hop.route = proxyFor(url, network.env ?? {})
  let agent: http.Agent
  if (!hop.route && pool) agent = url.protocol === 'https:' ? pool.https : pool.http
  else if (!hop.route)
    agent =
      url.protocol === 'https:'
        ? new https.Agent({ keepAlive: false, ...tlsOpts })
        : new http.Agent({ keepAlive: false })
  else {
    agent = hop.tunnel
      ? new TunnelAgent(hop.route.url, tlsOpts ?? {}, signal)
      : new HttpProxyAgent(hop.route.url, { keepAlive: false, ...tlsOpts, signal })
    agent.on('proxyConnect', (answer: ProxyConnectAnswer) => {
      hop.connected = true
      if (answer.statusCode !== undefined && answer.statusCode !== 200)
        hop.refusal = { status: answer.statusCode, text: answer.statusText ?? '' }
    })
  }
  return { agent, hop }
}

const client = axios.create({
  adapter: 'http',
  // Our agents decide about proxies: axios' own would read process.env.
  proxy: false,
  maxRedirects: MAX_REDIRECTS,
  decompress: true,
  responseType: 'text',
  responseEncoding: 'utf8',
  transformResponse: [(data: unknown) => data],
  // Every HTTP status is an answer; the probes judge it.
  validateStatus: () => true
})

function proxyAnswer(route: ProxyRoute, status: number, text: string): RequestFailure {
  return {
    kind: 'proxy',
    reason: `proxy ${route.origin} answered ${status}${text ? ` ${text}` : ''}`
  }
}

function answerHeaders(raw: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (raw && typeof raw === 'object')
    for (const [k, v] of Object.entries(raw as Record<string, unknown>))
      if (typeof v === 'string' || typeof v === 'number') out[k.toLowerCase()] = String(v)
  return out
}

/** The part of Node's Agent that http.request calls (undocumented in @types/node, stable). */
interface AddsRequests {
  addRequest(req: http.ClientRequest, options: Record<string, unknown>): void
}

/** The URL of the origin a request of http.request goes to, from its options. */
function originOf(secure: boolean, options: Record<string, unknown>): URL {
  const raw = String(options.host ?? options.hostname ?? 'localhost')
  const host = raw.includes(':') && !raw.startsWith('[') ? `[${raw}]` : raw
  const port = options.port !== undefined && options.port !== null ? `:${String(options.port)}` : ''
  return new URL(`${secure ? 'https' : 'http'}://${host}${port}/`)
}

/**
 * The `httpAgent` and `httpsAgent` for a client that brings its own HTTP stack (the AWS SDK's
 * NodeHttpHandler takes them as requestHandler options): each request is routed as the probes
 * route theirs — HTTPS_PROXY / HTTP_PROXY from `network.env` unless NO_PROXY exempts its host,
 * decided per request from the host it goes to — and ca-certificate is trusted besides Node's
 * own roots, for the origin and through a tunnel alike. Direct connections are kept alive; a
 * request through a proxy gets its own connection, and a refused CONNECT fails it naming the
 * proxy. A proxy variable that is not a proxy URL fails each request with ProxyConfigError.
 */
export function routedAgents(network: NetworkOptions = {}): {
  httpAgent: http.Agent
  httpsAgent: https.Agent
} {
  const tlsOpts = tlsOptions(network.caCertificates)
  const env = network.env ?? {}
  const direct = {
    http: new http.Agent({ keepAlive: true }),
    https: new https.Agent({ keepAlive: true, ...tlsOpts })
  }
  const pick = (secure: boolean, options: Record<string, unknown>): http.Agent => {
    const route = proxyFor(originOf(secure, options), env)
    if (!route) return secure ? direct.https : direct.http
    return secure
      ? new StrictTunnelAgent(route.url, tlsOpts ?? {}, route.origin)
      : new HttpProxyAgent(route.url, { keepAlive: false, ...tlsOpts })
  }
  // Throws ProxyConfigError out of http.request, which the SDK's handler rejects with.
  // http.request checks the agent's protocol, then hands it the request: these pass it on.
  class RoutedHttp extends http.Agent implements AddsRequests {
    addRequest(req: http.ClientRequest, options: Record<string, unknown>): void {
      const agent = pick(false, options) as unknown as AddsRequests
      agent.addRequest(req, { ...options, secureEndpoint: false })
    }
  }
  class RoutedHttps extends https.Agent implements AddsRequests {
    addRequest(req: http.ClientRequest, options: Record<string, unknown>): void {
      const agent = pick(true, options) as unknown as AddsRequests
      agent.addRequest(req, { ...options, secureEndpoint: true })
    }
  }
  return { httpAgent: new RoutedHttp(), httpsAgent: new RoutedHttps() }
}

export interface ClientOptions {
  /**
   * Reuse direct connections between requests (a replay's range queries: thousands of requests
   * to one Prometheus). Idle connections do not keep the process alive. The live probes keep a
   * new connection per request: each probe then measures the service as a new client sees it.
   */
  keepAlive?: boolean
}

/** A client with its trust and proxy routes fixed at creation; one call per request. */
export function createHttpClient(
  network: NetworkOptions = {},
  options: ClientOptions = {}
): (req: HttpGet) => Promise<HttpResult> {
  const tlsOpts = tlsOptions(network.caCertificates)
  const pool: Pool | undefined = options.keepAlive
    ? {
        http: new http.Agent({ keepAlive: true }),
        https: new https.Agent({ keepAlive: true, ...tlsOpts })
      }
    : undefined

  return async function request(req: HttpGet): Promise<HttpResult> {
    const deadline = requestDeadline(req.timeoutMs, req.signal)
    let hop: HopState | undefined
    const route = (url: URL) => {
      const made = agentFor(url, network, tlsOpts, deadline.signal, pool)
      hop = made.hop
      return made.agent
    }
    try {
      if (deadline.signal.aborted) return { ok: false, kind: 'cancelled', reason: 'cancelled' }
      const first = new URL(req.url)
      const agent = route(first)
      const config: AxiosRequestConfig = {
        url: req.url,
        method: req.method,
        headers: req.headers,
        params: req.params,
        maxContentLength: req.maxBodyBytes,
        signal: deadline.signal,
        httpAgent: first.protocol === 'http:' ? agent : undefined,
        httpsAgent: first.protocol === 'https:' ? agent : undefined,
        // Each hop decides its own route: NO_PROXY may exempt the host a redirect leads to.
        beforeRedirect: (options: Record<string, unknown>) => {
          const next = new URL(String(options.href))
          const nextAgent = route(next)
          options.agent = nextAgent
          options.agents = { [next.protocol.slice(0, -1)]: nextAgent }
        }
      }
      const res = await client.request<string>(config)
      const current = hop
      if (current?.route && current.refusal)
        return {
          ok: false,
          ...proxyAnswer(current.route, current.refusal.status, current.refusal.text)
        }
      // 407 comes only from a proxy: an http target's request was forwarded, not tunnelled.
      if (current?.route && res.status === 407)
        return { ok: false, ...proxyAnswer(current.route, 407, res.statusText) }
      return {
        ok: true,
        status: res.status,
        body: typeof res.data === 'string' ? res.data : '',
        headers: answerHeaders(res.headers)
      }
    } catch (err) {
      if (err instanceof ProxyConfigError) return { ok: false, kind: 'proxy', reason: err.message }
      const failure = classifyRequestError(err, {
        url: req.url,
        timeoutMs: req.timeoutMs,
        timedOut: deadline.timedOut,
        cancelled: deadline.cancelled,
        proxy: hop?.route ? { origin: hop.route.origin, connected: hop.connected } : undefined
      })
      // An error's own message can quote the URL, and a token in its query with it.
      return { ok: false, ...failure, reason: hideUrlSecrets(failure.reason, req.url) }
    } finally {
      deadline.dispose()
    }
  }
}
