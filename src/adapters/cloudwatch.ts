// AWS CloudWatch through GetMetricData (@aws-sdk/client-cloudwatch: SigV4, the default credential
// chain — the environment aws-actions/configure-aws-credentials leaves, OIDC web identity
// included — retries, and the wire protocol as AWS moves it). Each query is a JSON array of
// MetricDataQuery with one result (metric math such as FILL(m1,0)/m2 included); its datapoints
// are period buckets stamped with their start. As with Datadog the newest bucket is still
// filling, so a reading at `at` is the newest bucket that ended by `at − lag`. PartialData pages
// are followed (a bounded number). Refused or expired credentials, throttling, an unreachable
// endpoint and an empty result are unknown readings with a reason: never a breach.
import type { MetricReading, UnknownCause } from '../runbook/types.js'
import { parseCloudWatchQuery, type CwParsed } from '../settings/cloudwatch.js'
import type { CloudWatchSettings } from '../settings/types.js'
import { routedAgents, type NetworkOptions } from './http.js'
import type { MetricsHistory, MetricsSource, RangePoint, RangeReading, TimeRange } from './ports.js'

const MIN_LOOKBACK_MS = 10 * 60_000
/** PartialData pages followed per request before the reading gives up (a bound, not a limit AWS sets). */
export const MAX_PAGES = 10
/** A replay's request covers at most this much (CloudWatch allows 100,800 datapoints a call). */
const RANGE_CHUNK_MS = 6 * 60 * 60_000

const unknown = (reason: string, cause?: UnknownCause): MetricReading => ({
  status: 'unknown',
  value: null,
  reason,
  ...(cause ? { cause } : {})
})

/** The error names the SDK raises (from the wire code or its own), by what they mean to a reading. */
const CREDENTIAL_ERRORS = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'AccessDenied',
  'AccessDeniedException',
  'MissingAuthenticationToken',
  'CredentialsProviderError'
])
const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded'
])
const REJECTED = new Set([
  'InvalidParameterValue',
  'InvalidParameterValueException',
  'InvalidParameterCombination',
  'InvalidParameterCombinationException',
  'MissingParameter',
  'MissingRequiredParameterException',
  'ValidationError',
  'ValidationException',
  'InvalidNextToken'
])

function short(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim()
  return one.length > 120 ? `${one.slice(0, 120)}…` : one
}

/** What a failed GetMetricData means: the reason shown (no key, no token) and its cause. */
export function classifyCloudWatchError(e: unknown): { reason: string; cause?: UnknownCause } {
  const err = (e ?? {}) as {
    name?: unknown
    message?: unknown
    code?: unknown
    $metadata?: { httpStatusCode?: number }
  }
  const name = typeof err.name === 'string' ? err.name : 'Error'
  const message = typeof err.message === 'string' ? short(err.message) : ''
  const status = err.$metadata?.httpStatusCode
  if (name === 'AbortError') return { reason: 'cancelled' }
  // The proxy on the way, not CloudWatch: its refusal is no answer from CloudWatch.
  if (err.code === 'EPROXYREFUSED' || name === 'ProxyConfigError')
    return { reason: `CloudWatch not reached: ${message}`, cause: 'unreachable' }
  if (status === 407)
    return {
      reason:
        'CloudWatch not reached: the proxy asks for credentials (HTTP 407); give them in the proxy URL',
      cause: 'unreachable'
    }
  if (CREDENTIAL_ERRORS.has(name) || status === 401 || status === 403)
    return {
      reason: `CloudWatch refused the credentials (${name}${message ? `: ${message}` : ''}) — an expired session (the role's session lasts 1 h by default: role-duration-seconds) or a role without cloudwatch:GetMetricData`,
      cause: 'credentials'
    }
  if (THROTTLING.has(name))
    return {
      reason: `CloudWatch throttled the request (${name}); the SDK's retries did not clear it`,
      cause: 'rate-limited'
    }
  if (REJECTED.has(name))
    return {
      reason: `CloudWatch could not run the query (${name}${message ? `: ${message}` : ''})`,
      cause: 'rejected'
    }
  if (
    name === 'TimeoutError' ||
    typeof err.code === 'string' ||
    (status !== undefined && status >= 500) ||
    status === undefined
  )
    return {
      reason: `CloudWatch did not answer (${typeof err.code === 'string' ? err.code : name}${status ? ` HTTP ${status}` : ''}${message ? `: ${message}` : ''})`,
      cause: 'unreachable'
    }
  return {
    reason: `CloudWatch: ${name}${status ? ` (HTTP ${status})` : ''}${message ? `: ${message}` : ''}`
  }
}

/** A bucket of the result: its start, its end, its value. */
interface Bucket {
  start: number
  end: number
  value: number
}

/** The shapes the action reads of GetMetricData's output. */
export interface CwOutput {
  MetricDataResults?: Array<{
    Id?: string
    Timestamps?: Array<Date | number>
    Values?: number[]
    StatusCode?: string
    Messages?: Array<{ Code?: string; Value?: string }>
  }>
  NextToken?: string
  Messages?: Array<{ Code?: string; Value?: string }>
}

/** One page's datapoints of the result, or why the page has none it can give. */
export function readPage(
  out: CwOutput,
  parsed: Pick<CwParsed, 'resultId' | 'periodS'>
): { buckets: Bucket[]; partial: boolean } | { failure: string } {
  const result = out.MetricDataResults?.find((r) => r.Id === parsed.resultId)
  if (!result) return { buckets: [], partial: Boolean(out.NextToken) }
  const status = result.StatusCode
  if (status === 'InternalError' || status === 'Forbidden') {
    const said = [...(result.Messages ?? []), ...(out.Messages ?? [])]
      .map((m) => `${m.Code ?? ''} ${m.Value ?? ''}`.trim())
      .filter(Boolean)
    return {
      failure: `CloudWatch answered ${status} for ${parsed.resultId}${said.length ? `: ${short(said.join('; '))}` : ''}`
    }
  }
  const ts = result.Timestamps ?? []
  const vs = result.Values ?? []
  const buckets: Bucket[] = []
  for (let i = 0; i < Math.min(ts.length, vs.length); i++) {
    const t = ts[i] instanceof Date ? (ts[i] as Date).getTime() : Number(ts[i]) * 1000
    const v = vs[i]
    if (!Number.isFinite(t) || typeof v !== 'number' || !Number.isFinite(v)) continue
    buckets.push({ start: t, end: t + parsed.periodS * 1000, value: v })
  }
  return { buckets, partial: status === 'PartialData' || Boolean(out.NextToken) }
}

/** The reading at `judged`: the newest bucket that ended by then. */
export function cwReading(buckets: Bucket[], judged: number, resultId: string): MetricReading {
  let newest: Bucket | undefined
  for (const b of buckets) if (b.end <= judged && (!newest || b.start > newest.start)) newest = b
  if (!newest)
    return unknown(
      buckets.length === 0
        ? `no datapoints for ${resultId}: a metric emitted only when non-zero (an ALB's HTTPCode_Target_5XX_Count) needs FILL(m, 0) in the expression`
        : `no complete period ended by ${new Date(judged).toISOString()} (now − cloudwatch-lag): the data is late`,
      'no-data'
    )
  return { status: 'measured', value: newest.value }
}

export interface CloudWatchCall {
  (
    input: {
      StartTime: Date
      EndTime: Date
      MetricDataQueries: CwParsed['queries']
      ScanBy: 'TimestampDescending'
      NextToken?: string
    },
    signal?: AbortSignal
  ): Promise<CwOutput>
}

/**
 * The SDK's client, loaded when a watch first reads (a run without CloudWatch never loads it).
 * Its HTTP stack is the SDK's own (NodeHttpHandler); its agents are ours, so the requests go
 * through HTTPS_PROXY (unless NO_PROXY names the endpoint's host) and trust ca-certificate as
 * the other providers' do.
 */
export function sdkCall(
  settings: CloudWatchSettings,
  timeoutMs: number,
  network: NetworkOptions = {}
): CloudWatchCall {
  let client:
    | Promise<{
        send: (input: Parameters<CloudWatchCall>[0], signal?: AbortSignal) => Promise<CwOutput>
      }>
    | undefined
  return async (input, signal) => {
    client ??= import('@aws-sdk/client-cloudwatch').then((sdk) => {
      const c = new sdk.CloudWatchClient({
        ...(settings.region ? { region: settings.region } : {}),
        ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
        // One retry on a throttle or a 5xx: the next cycle asks again anyway.
        maxAttempts: 2,
        requestHandler: {
          requestTimeout: timeoutMs,
          connectionTimeout: timeoutMs,
          ...routedAgents(network)
        }
      })
      return {
        send: (i, s) =>
          c.send(
            // Unit is checked by CloudWatch itself (an unknown one is its InvalidParameterValue).
            new sdk.GetMetricDataCommand(
              i as ConstructorParameters<typeof sdk.GetMetricDataCommand>[0]
            ),
            s ? { abortSignal: s } : {}
          ) as Promise<CwOutput>
      }
    })
    return (await client).send(input, signal)
  }
}

export function createCloudWatch(
  settings: CloudWatchSettings,
  opts: { timeoutMs: number; network?: NetworkOptions; call?: CloudWatchCall }
): MetricsSource & MetricsHistory {
  const call = opts.call ?? sdkCall(settings, opts.timeoutMs, opts.network)
  const parsedOf = new Map<string, CwParsed>()
  let sent = 0
  const parse = (q: string): CwParsed => {
    let p = parsedOf.get(q)
    if (!p) {
      p = parseCloudWatchQuery('the CloudWatch query', q)
      parsedOf.set(q, p)
    }
    return p
  }
  const lookback = (p: CwParsed) => Math.max(MIN_LOOKBACK_MS, 3 * p.periodS * 1000)

  /** Every page of one request, or why it has no datapoints to give. */
  async function fetchBuckets(
    p: CwParsed,
    from: number,
    to: number,
    signal?: AbortSignal
  ): Promise<{ buckets: Bucket[] } | { failure: string; cause?: UnknownCause }> {
    const buckets: Bucket[] = []
    let token: string | undefined
    for (let page = 0; page < MAX_PAGES; page++) {
      let out: CwOutput
      try {
        sent++
        out = await call(
          {
            // CloudWatch rounds StartTime down to the period; EndTime is exclusive.
            StartTime: new Date(Math.floor(from / 1000) * 1000),
            EndTime: new Date(Math.ceil(to / 1000) * 1000),
            MetricDataQueries: p.queries,
            ScanBy: 'TimestampDescending',
            ...(token ? { NextToken: token } : {})
          },
          signal
        )
      } catch (e) {
        if (signal?.aborted) return { failure: 'cancelled' }
        return {
          failure: classifyCloudWatchError(e).reason,
          cause: classifyCloudWatchError(e).cause
        }
      }
      const read = readPage(out, p)
      if ('failure' in read) return { failure: read.failure }
      buckets.push(...read.buckets)
      token = out.NextToken
      if (!token) return { buckets }
    }
    return {
      failure: `CloudWatch still had PartialData after ${MAX_PAGES} pages: narrow the query`
    }
  }

  return {
    async query(query: string, at: number, signal?: AbortSignal): Promise<MetricReading> {
      let p: CwParsed
      try {
        p = parse(query)
      } catch (e) {
        return unknown((e as Error).message, 'rejected')
      }
      const judged = at - settings.lagMs
      const got = await fetchBuckets(p, judged - lookback(p), judged, signal)
      if ('failure' in got) return unknown(got.failure, got.cause)
      return cwReading(got.buckets, judged, p.resultId)
    },

    async queryRange(query: string, range: TimeRange, signal?: AbortSignal): Promise<RangeReading> {
      const { start, end, stepMs } = range
      const points: RangePoint[] = []
      if (!(stepMs > 0) || !(end >= start)) return { ok: true, points, requests: 0 }
      let p: CwParsed
      try {
        p = parse(query)
      } catch (e) {
        return { ok: false, reason: (e as Error).message, answered: false, requests: 0 }
      }
      const before = sent
      for (let chunkStart = start; chunkStart <= end; chunkStart += RANGE_CHUNK_MS) {
        const times: number[] = []
        const first = start + Math.ceil((chunkStart - start) / stepMs) * stepMs
        for (let t = first; t <= end && t < chunkStart + RANGE_CHUNK_MS; t += stepMs) times.push(t)
        if (times.length === 0) continue
        const got = await fetchBuckets(
          p,
          times[0] - settings.lagMs - lookback(p),
          times[times.length - 1] - settings.lagMs,
          signal
        )
        if ('failure' in got)
          return {
            ok: false,
            reason: got.failure,
            answered: got.cause !== 'unreachable',
            requests: sent - before
          }
        for (const t of times)
          points.push({ at: t, reading: cwReading(got.buckets, t - settings.lagMs, p.resultId) })
      }
      return { ok: true, points, requests: sent - before }
    }
  }
}
