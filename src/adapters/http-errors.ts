// Shared by the HTTP adapters: one deadline per request (connect + headers + body) and one
// vocabulary for why a request got no answer. Reasons are short and never contain header values.
import http from 'node:http'
import https from 'node:https'
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
  // axios copies the socket error's code; older paths keep it only on `cause`.
  const e = (err ?? {}) as ErrorLike
  if (typeof e.code === 'string' && e.code !== 'ERR_BAD_REQUEST' && e.code !== 'ERR_NETWORK')
    return e.code
  const c = (e.cause ?? {}) as ErrorLike
  if (typeof c.code === 'string') return c.code
  // Happy Eyeballs (a name with several addresses) fails with an AggregateError.
  const first = (Array.isArray(c.errors) ? c.errors[0] : undefined) as ErrorLike | undefined
  if (typeof first?.code === 'string') return first.code
  return typeof e.code === 'string' ? e.code : ''
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
 * Classifies a failed request. `deadline` says whether our own timer or the caller's signal
 * ended it: axios reports both as a cancellation.
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
  if (code === 'ERR_CANCELED') return { kind: 'cancelled', reason: 'cancelled' }
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
  if (/maxContentLength/.test(message))
    return { kind: 'too-large', reason: 'response body too large' }
  return { kind: 'other', reason: code ? `request failed (${code}): ${message}` : message }
}

/**
 * One deadline for the whole request plus the caller's signal, as one AbortSignal. axios'
 * own `timeout` is a socket idle timer; this one also bounds a body that trickles in.
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

/**
 * A new connection for every request (Node 20's global agent keeps sockets alive). A probe must
 * see what a new client sees: a reused socket would hide refused connections, and a stale one
 * reads as "connection reset" when the far end has just gone away.
 */
export const freshConnections = {
  httpAgent: new http.Agent({ keepAlive: false }),
  httpsAgent: new https.Agent({ keepAlive: false })
}

/** Integers as they are, other numbers with 3 significant digits: 0.4, 0.123, 12.5, 1234. */
export function formatNumber(v: number): string {
  if (Number.isInteger(v) || Math.abs(v) >= 1000) return String(Math.round(v))
  return String(Number(v.toPrecision(3)))
}
