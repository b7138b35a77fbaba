// Shared by the HTTP adapters: one GET/HEAD over node:http(s) with one deadline per request
// (connect + headers + body + redirects), and one vocabulary for why a request got no answer.
// Reasons are short and never contain header values.
import http from 'node:http'
import https from 'node:https'
import { pipeline, Transform, type Readable } from 'node:stream'
import zlib from 'node:zlib'
import { formatDuration } from '../core/duration.js'

/** Why a request got no HTTP answer. `cancelled` is the caller's signal, never a probe failure. */
export type RequestFailureKind =
  | 'cancelled'
  | 'timeout'
  | 'refused'
  | 'reset'
  | 'dns'
  | 'tls'
  | 'unreachable'
  | 'redirects'
  | 'too-large'
  | 'other'

export interface RequestFailure {
  kind: RequestFailureKind
  reason: string
}

/** Node's certificate verification codes (tls.TLSSocket.authorizationError) and friends. */
const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'HOSTNAME_MISMATCH',
  'EPROTO'
])

interface ErrorLike {
  code?: unknown
  message?: unknown
  cause?: unknown
  errors?: unknown
}

function codeOf(err: unknown): string {
  // Node puts the socket error's code on the error itself; a wrapped error keeps it on `cause`.
  const e = (err ?? {}) as ErrorLike
  if (typeof e.code === 'string' && e.code) return e.code
  const c = (e.cause ?? {}) as ErrorLike
  if (typeof c.code === 'string' && c.code) return c.code
  // Happy Eyeballs (a name with several addresses) fails with an AggregateError.
  const errors = Array.isArray(e.errors) ? e.errors : Array.isArray(c.errors) ? c.errors : []
  const first = errors[0] as ErrorLike | undefined
  return typeof first?.code === 'string' ? first.code : ''
}

function messageOf(err: unknown): string {
  const e = (err ?? {}) as ErrorLike
  return typeof e.message === 'string' ? e.message : String(err)
}

/** The host part of a URL, for DNS messages (never the query string, which may hold tokens). */
function hostOf(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return 'the host'
  }
}

/**
 * Classifies a failed request. `timedOut` / `cancelled` say whether our own timer or the caller's
 * signal ended it: the request itself reports both as a cancellation.
 */
export function classifyRequestError(
  err: unknown,
  ctx: { url: string; timeoutMs: number; timedOut: boolean; cancelled: boolean }
): RequestFailure {
  if (ctx.cancelled) return { kind: 'cancelled', reason: 'cancelled' }
  const code = codeOf(err)
  const message = messageOf(err)
  const within = `no answer within ${formatDuration(ctx.timeoutMs)}`
  if (ctx.timedOut || code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT')
    return { kind: 'timeout', reason: within }
  if (code === 'ERR_CANCELED' || code === 'ABORT_ERR')
    return { kind: 'cancelled', reason: 'cancelled' }
  if (code === 'ECONNREFUSED') return { kind: 'refused', reason: 'connection refused' }
  if (code === 'ECONNRESET' || code === 'EPIPE' || /socket hang up/i.test(message))
    return { kind: 'reset', reason: 'connection reset' }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_FAIL' || code === 'EAI_NONAME')
    return { kind: 'dns', reason: `DNS lookup failed for ${hostOf(ctx.url)} (${code})` }
  if (
    TLS_CODES.has(code) ||
    code.startsWith('ERR_TLS_') ||
    code.startsWith('ERR_SSL_') ||
    /SSL routines|certificate/i.test(message)
  )
    return { kind: 'tls', reason: `TLS failure (${code || 'handshake'}): ${message}` }
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EADDRNOTAVAIL')
    return { kind: 'unreachable', reason: `host unreachable (${code})` }
  if (code === 'ERR_FR_TOO_MANY_REDIRECTS')
    return { kind: 'redirects', reason: 'too many redirects (more than 5)' }
  if (code === 'ERR_RESPONSE_TOO_LARGE')
    return { kind: 'too-large', reason: 'response body too large' }
  return { kind: 'other', reason: code ? `request failed (${code}): ${message}` : message }
}

/**
 * One deadline for the whole request plus the caller's signal, as one AbortSignal. Unlike a
 * socket idle timer it also bounds a body that trickles in, and a chain of redirects.
 */
export function requestDeadline(timeoutMs: number, outer?: AbortSignal) {
  const controller = new AbortController()
  let timedOut = false
  const onAbort = () => controller.abort()
  const timer = setTimeout(() => {
    timedOut = true
    controller.abort()
  }, timeoutMs)
  if (outer) {
    if (outer.aborted) controller.abort()
    else outer.addEventListener('abort', onAbort, { once: true })
  }
  return {
    signal: controller.signal,
    /** Our timer fired (and the caller did not cancel first). */
    get timedOut() {
      return timedOut && !outer?.aborted
    },
    get cancelled() {
      return outer?.aborted === true
    },
    dispose() {
      clearTimeout(timer)
      outer?.removeEventListener('abort', onAbort)
    }
  }
}

/** A GET or HEAD; its answer is any HTTP status (3xx with a Location is followed, up to 5). */
export interface HttpRequest {
  url: string
  method: 'GET' | 'HEAD'
  /** Sent as they are (later names win, case-insensitively); values are never logged. */
  headers: Record<string, string>
  /** Query parameters appended to the URL's own. */
  params?: Record<string, string>
  /** Larger bodies (after decompression) are refused rather than buffered without end. */
  maxBodyBytes: number
  /** Ends the request (see requestDeadline); it then rejects with code ERR_CANCELED. */
  signal: AbortSignal
}

export interface HttpAnswer {
  status: number
  /** UTF-8, without a byte-order mark; '' for HEAD. */
  body: string
}

const MAX_REDIRECTS = 5
const DEFAULT_ACCEPT = 'application/json, text/plain, */*'
const ACCEPT_ENCODING = 'gzip, compress, deflate, br'
/** Dropped when a redirect leaves the origin. */
const SENSITIVE = new Set(['authorization', 'proxy-authorization', 'cookie'])

function coded(message: string, code: string, cause?: unknown): Error {
  return Object.assign(new Error(message, cause === undefined ? undefined : { cause }), { code })
}

/** ':', '$', ',' stay readable and a space is '+'; everything else as encodeURIComponent. */
function encodeParam(value: string): string {
  return encodeURIComponent(value)
    .replace(/%3A/gi, ':')
    .replace(/%24/g, '$')
    .replace(/%2C/gi, ',')
    .replace(/%20/g, '+')
}

/** Control characters and characters that are not Latin-1 are dropped, as is edge whitespace. */
function headerValue(value: string): string {
  return String(value)
    .replace(/[^\t\x20-\x7e\x80-\xff]+/g, '')
    .replace(/^[\t ]+|[\t ]+$/g, '')
}

/** Removes a header case-insensitively, returning its last value. */
function takeHeader(headers: Record<string, string>, name: string): string | undefined {
  let value: string | undefined
  for (const key of Object.keys(headers))
    if (key.toLowerCase() === name) {
      value = headers[key]
      delete headers[key]
    }
  return value
}

function mergeHeaders(...sets: Record<string, string>[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const set of sets)
    for (const [name, value] of Object.entries(set)) {
      takeHeader(out, name.toLowerCase())
      out[name] = headerValue(value)
    }
  return out
}

function isSubdomain(sub: string, domain: string): boolean {
  const dot = sub.length - domain.length - 1
  return dot > 0 && sub[dot] === '.' && sub.endsWith(domain)
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part)
  } catch {
    return part
  }
}

/** A raw deflate stream (no zlib header) is read as zlib with a default header prepended. */
function zlibHeader(): Transform {
  let first = true
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (first && chunk.length > 0) {
        first = false
        if (chunk[0] !== 0x78) this.push(Buffer.from([0x78, 0x9c]))
      }
      done(null, chunk)
    }
  })
}

/** Decompressors for a Content-Encoding; an unknown encoding is read as it is. */
function decoders(encoding: string | undefined): Transform[] {
  const sync = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH }
  switch ((encoding ?? '').toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
    case 'compress':
    case 'x-compress':
      return [zlib.createUnzip(sync)]
    case 'deflate':
      return [zlibHeader(), zlib.createUnzip(sync)]
    case 'br':
      return [
        zlib.createBrotliDecompress({
          flush: zlib.constants.BROTLI_OPERATION_FLUSH,
          finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH
        })
      ]
    case 'zstd': {
      // Node >= 22.15 only; older versions read the body as it is.
      const z = zlib as unknown as {
        createZstdDecompress?: (o: object) => Transform
        constants: Record<string, number>
      }
      if (!z.createZstdDecompress) return []
      const flush = z.constants.ZSTD_e_flush
      return [z.createZstdDecompress({ flush, finishFlush: flush })]
    }
    default:
      return []
  }
}

interface Hop {
  url: URL
  /** Path and query as sent. */
  path: string
  headers: Record<string, string>
  auth?: string
}

/**
 * One GET/HEAD with node:http(s). A new connection per request (`agent: false`: a reused socket
 * would hide refused connections, and a stale one reads as "connection reset"), never a proxy
 * (no agent reads HTTP(S)_PROXY), `Accept-Encoding` answered by decompressing, redirects
 * followed up to 5 (credentials dropped when they leave the origin). Rejects with Node's own
 * error (`code` ECONNREFUSED, EPROTO, …) or one with code ERR_CANCELED, ERR_RESPONSE_TOO_LARGE,
 * ERR_FR_TOO_MANY_REDIRECTS, ERR_FR_REDIRECTION_FAILURE, ERR_BAD_RESPONSE or ERR_BAD_REQUEST.
 */
export function httpRequest(opts: HttpRequest): Promise<HttpAnswer> {
  return new Promise<HttpAnswer>((resolve, reject) => {
    const { method, signal, maxBodyBytes } = opts
    let settled = false
    let current: http.ClientRequest | undefined
    let reading: Readable | undefined
    let redirects = 0

    const finish = (err: unknown, answer?: HttpAnswer) => {
      if (settled) return
      settled = true
      signal.removeEventListener('abort', onAbort)
      if (err !== undefined) {
        reading?.destroy()
        current?.destroy()
        reject(err)
      } else resolve(answer as HttpAnswer)
    }
    const fail = (err: unknown) => finish(err)
    const onAbort = () => fail(coded('canceled', 'ERR_CANCELED'))
    if (signal.aborted) return onAbort()
    signal.addEventListener('abort', onAbort, { once: true })

    let first: Hop
    try {
      const url = new URL(opts.url)
      url.hash = ''
      // Appended as text: assigning url.search would re-encode the quote (') of a query.
      const query = Object.entries(opts.params ?? {})
        .map(([k, v]) => `${encodeParam(k)}=${encodeParam(v)}`)
        .join('&')
      const path = `${url.pathname}${url.search}${query ? `${url.search ? '&' : '?'}${query}` : ''}`
      const headers = mergeHeaders(
        { Accept: DEFAULT_ACCEPT, 'Accept-Encoding': ACCEPT_ENCODING },
        opts.headers
      )
      // Credentials in the URL win over a configured Authorization header.
      let auth: string | undefined
      if (url.username || url.password) {
        auth = `${decode(url.username)}:${decode(url.password)}`
        takeHeader(headers, 'authorization')
        url.username = ''
        url.password = ''
      }
      first = { url, path, headers, auth }
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        return fail(coded(`Unsupported protocol ${url.protocol}`, 'ERR_BAD_REQUEST'))
    } catch (err) {
      return fail(err)
    }

    const send = (hop: Hop) => {
      const { url } = hop
      const transport = url.protocol === 'https:' ? https : http
      let req: http.ClientRequest
      try {
        req = transport.request(
          {
            protocol: url.protocol,
            hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
            port: url.port,
            path: hop.path,
            method,
            headers: hop.headers,
            auth: hop.auth,
            agent: false
          },
          (res) => onResponse(hop, req, res)
        )
      } catch (err) {
        return fail(err)
      }
      current = req
      req.on('error', (err) => {
        if (req === current) fail(err)
      })
      req.end()
    }

    const onResponse = (hop: Hop, req: http.ClientRequest, res: http.IncomingMessage) => {
      if (settled || req !== current) {
        res.destroy()
        return
      }
      const status = res.statusCode ?? 0
      const location = res.headers.location
      if (location && status >= 300 && status < 400) {
        res.destroy()
        req.destroy()
        return redirect(hop, location)
      }
      const chain =
        method === 'HEAD' || status === 204 ? [] : decoders(res.headers['content-encoding'])
      let body: Readable = res
      if (chain.length > 0) {
        body = pipeline([res, ...chain], (err) => {
          if (err) fail(err)
        }) as unknown as Readable
      } else {
        // The far end closed mid-body.
        res.on('aborted', () => fail(coded('stream has been aborted', 'ERR_BAD_RESPONSE')))
        res.on('error', fail)
      }
      reading = body
      const chunks: Buffer[] = []
      let size = 0
      body.on('data', (chunk: Buffer) => {
        if (settled) return
        size += chunk.length
        if (size > maxBodyBytes)
          return fail(
            coded(`response body larger than ${maxBodyBytes} bytes`, 'ERR_RESPONSE_TOO_LARGE')
          )
        chunks.push(chunk)
      })
      body.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        finish(undefined, { status, body: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text })
      })
    }

    const redirect = (from: Hop, location: string) => {
      if (++redirects > MAX_REDIRECTS)
        return fail(coded('Maximum number of redirects exceeded', 'ERR_FR_TOO_MANY_REDIRECTS'))
      const failed = (cause: unknown) =>
        fail(
          coded(
            `Redirected request failed: ${cause instanceof Error ? cause.message : String(cause)}`,
            'ERR_FR_REDIRECTION_FAILURE',
            cause
          )
        )
      const headers = { ...from.headers }
      // A configured Host names the site a relative Location is on.
      const hostHeader = takeHeader(headers, 'host')?.trim()
      const currentHost = hostHeader || from.url.host
      let base = from.url
      let next: URL
      try {
        if (hostHeader && !/^\w+:/.test(location)) {
          base = new URL(from.url)
          base.host = hostHeader
        }
        next = new URL(location, base)
      } catch (err) {
        return failed(err)
      }
      if (next.protocol !== 'http:' && next.protocol !== 'https:')
        return failed(new Error(`Unsupported protocol ${next.protocol}`))
      next.hash = ''
      next.username = ''
      next.password = ''
      const downgrade = next.protocol !== from.url.protocol && next.protocol !== 'https:'
      const otherSite = next.host !== currentHost && !isSubdomain(next.host, currentHost)
      const otherOrigin = next.origin !== base.origin
      for (const name of Object.keys(headers)) {
        const lower = name.toLowerCase()
        if (
          ((downgrade || otherSite) && SENSITIVE.has(lower)) ||
          (otherOrigin && (lower === 'authorization' || lower === 'cookie'))
        )
          delete headers[name]
      }
      // Credentials from the URL go only to the origin they were written for.
      const auth = next.origin === first.url.origin ? first.auth : undefined
      send({ url: next, path: `${next.pathname}${next.search}`, headers, auth })
    }

    send(first)
  })
}
