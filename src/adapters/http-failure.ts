// Why an HTTP request got no answer, in the probes' one vocabulary (timeout, refused, reset, dns,
// tls, proxy, unreachable, redirects, too-large), and the one deadline each request lives under.
// Reasons are short and never contain header values or proxy credentials.
import { formatDuration } from '../lib/duration.js'
import type { NoAnswerKind } from '../runbook/types.js'

/** Why a request got no HTTP answer. `cancelled` is the caller's signal, never a probe failure. */
export type RequestFailureKind = NoAnswerKind | 'cancelled'

export interface RequestFailure {
  kind: RequestFailureKind
  reason: string
}

/** How the probes reach the network (main.ts passes the runner's environment). */
/** Redirects followed before a request fails as `redirects`. */
export const MAX_REDIRECTS = 5

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

/** Verification failures that trusting the right CA fixes. */
const UNKNOWN_CA_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_UNTRUSTED'
])
const TRUST_HINT = 'trust its CA with ca-certificate (or NODE_EXTRA_CA_CERTS)'

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

function tlsReason(code: string, message: string): string {
  const head = `TLS failure (${code || 'handshake'})`
  if (UNKNOWN_CA_CODES.has(code))
    return `${head}: the certificate is signed by an unknown CA (${message}); ${TRUST_HINT}`
  if (code === 'DEPTH_ZERO_SELF_SIGNED_CERT')
    return `${head}: the certificate is self-signed (${message}); ${TRUST_HINT}`
  return `${head}: ${message}`
}

/** The proxy of the request when it had one: `connected` once the proxy itself answered. */
export interface ProxyHop {
  origin: string
  connected: boolean
}

/**
 * Classifies a failed request. `timedOut` / `cancelled` say whether our own timer or the caller's
 * signal ended it: the request itself reports both as a cancellation. A connection failure
 * before a proxy answered is the proxy's, not production's.
 */
export function classifyRequestError(
  err: unknown,
  ctx: { url: string; timeoutMs: number; timedOut: boolean; cancelled: boolean; proxy?: ProxyHop }
): RequestFailure {
  if (ctx.cancelled) return { kind: 'cancelled', reason: 'cancelled' }
  const code = codeOf(err)
  const message = messageOf(err)
  if (
    ctx.timedOut ||
    code === 'ECONNABORTED' ||
    code === 'ETIMEDOUT' ||
    code === 'ESOCKETTIMEDOUT'
  ) {
    // Still a timeout: a proxy waits for the origin before it answers a CONNECT.
    const waiting =
      ctx.proxy && !ctx.proxy.connected ? ` (proxy ${ctx.proxy.origin} had not answered)` : ''
    return {
      kind: 'timeout',
      reason: `no answer within ${formatDuration(ctx.timeoutMs)}${waiting}`
    }
  }
  if (code === 'ERR_CANCELED' || code === 'ABORT_ERR')
    return { kind: 'cancelled', reason: 'cancelled' }
  if (ctx.proxy && !ctx.proxy.connected) {
    const failure = classifyRequestError(err, { ...ctx, url: ctx.proxy.origin, proxy: undefined })
    return { kind: 'proxy', reason: `proxy ${ctx.proxy.origin}: ${failure.reason}` }
  }
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
    return { kind: 'tls', reason: tlsReason(code, message) }
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EADDRNOTAVAIL')
    return { kind: 'unreachable', reason: `host unreachable (${code})` }
  if (code === 'ERR_FR_TOO_MANY_REDIRECTS')
    return { kind: 'redirects', reason: `too many redirects (more than ${MAX_REDIRECTS})` }
  if (code === 'ERR_RESPONSE_TOO_LARGE' || /^maxContentLength size of \d+ exceeded/.test(message))
    return { kind: 'too-large', reason: 'response body too large' }
  return { kind: 'other', reason: code ? `request failed (${code}): ${message}` : message }
}

/**
 * One deadline for the whole request plus the caller's signal, as one AbortSignal. Unlike a
 * socket idle timer (axios' `timeout`) it also bounds a body that trickles in, and a chain of
 * redirects.
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
