// A CloudWatch stand-in on 127.0.0.1: GetMetricData as @aws-sdk/client-cloudwatch sends it — AWS
// JSON 1.0 (awsQueryCompatible): `POST /`, `Content-Type: application/x-amz-json-1.0`,
// `X-Amz-Target: GraniteServiceVersion20100801.GetMetricData`, a SigV4 `Authorization` scoped
// to <region>/monitoring, epoch-second timestamps — answering in the shapes of CloudWatch's
// Smithy model (checked by __tests__/sandbox/cloudwatch-standin-smithy.test.ts against
// __fixtures__/cloudwatch-smithy/). Errors come as `{"__type","message"}` with the
// `x-amzn-query-error` header the SDK turns into the Query error code (ExpiredToken, Throttling).
//
// Periods: the result query's Period (its own, or its metrics'); datapoints are stamped with the
// period's start, newest first, and a period with no value has no datapoint (as an ALB metric
// with no traffic). More than `pageSize` datapoints: StatusCode PartialData and a NextToken.
// The numbers come from `source(queries, resultId, buckets)`, given by the test.
//
// `tls` (a key and certificate, e.g. from sandbox/tls.js): HTTPS instead of HTTP; `host`: another
// loopback address to listen on; `onlyFrom`: connections from any other source address are
// dropped before TLS or HTTP starts (a request that was answered came that way, e.g. through a
// proxy that binds its outgoing connections to one address).
import http from 'node:http'
import https from 'node:https'
import { listenOnLoopback } from './ports.js'

const TARGET = 'GraniteServiceVersion20100801.GetMetricData'

/**
 * @typedef {{ start: number, end: number, complete: boolean }} PeriodAsk  ms; complete: ended by now
 * @typedef {'expired' | 'throttle' | 'denied' | 500 | 'hang'} CwFailure
 */

/** The result query's period in seconds: its own, its MetricStat's, or the one of its metrics. */
export function periodOf(queries, resultId) {
  const own = (q) => q?.Period ?? q?.MetricStat?.Period
  const result = queries.find((q) => q.Id === resultId)
  return own(result) ?? queries.map(own).find((p) => p !== undefined) ?? 60
}

/**
 * @param {{
 *   accessKeyId: string,
 *   sessionToken?: string,
 *   region: string,
 *   source: (queries: any[], resultId: string, periods: PeriodAsk[]) => (number | null)[] | Promise<(number | null)[]>,
 *   now?: () => number,
 *   pageSize?: number,
 *   tls?: { key: string, cert: string },
 *   host?: string,
 *   onlyFrom?: string
 * }} opts
 */
export async function startCloudWatchStandin(opts) {
  const now = opts.now ?? Date.now
  const pageSize = opts.pageSize ?? 100_800
  /** @type {{ target?: string, contentType?: string, authorization?: string, token?: string, queryMode?: string, body: any }[]} */
  const requests = []
  /** @type {CwFailure | undefined} */
  let failure
  const hanging = new Set()

  /** @type {import('node:http').RequestListener} */
  const answer = (req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', async () => {
      let body
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}')
      } catch {
        body = undefined
      }
      const h = req.headers
      requests.push({
        target: /** @type {string | undefined} */ (h['x-amz-target']),
        contentType: /** @type {string | undefined} */ (h['content-type']),
        authorization: /** @type {string | undefined} */ (h.authorization),
        token: /** @type {string | undefined} */ (h['x-amz-security-token']),
        queryMode: /** @type {string | undefined} */ (h['x-amzn-query-mode']),
        body
      })
      const send = (status, payload, extra = {}) => {
        res.writeHead(status, {
          'Content-Type': 'application/x-amz-json-1.0',
          'x-amzn-RequestId': `standin-${requests.length}`,
          ...extra
        })
        res.end(JSON.stringify(payload))
      }
      const error = (status, type, code, message, fault = 'Sender') =>
        send(
          status,
          { __type: `com.amazonaws.cloudwatch#${type}`, message },
          { 'x-amzn-query-error': `${code};${fault}` }
        )
      if (failure === 'hang') return void hanging.add(res)
      if (failure === 500)
        return error(
          500,
          'InternalServiceFault',
          'InternalServiceError',
          'Internal service error',
          'Receiver'
        )
      if (req.method !== 'POST' || req.url !== '/')
        return error(404, 'UnknownOperationException', 'UnknownOperation', 'Not found')
      if (
        h['x-amz-target'] !== TARGET ||
        !String(h['content-type']).startsWith('application/x-amz-json-1.0')
      )
        return error(
          400,
          'UnknownOperationException',
          'UnknownOperation',
          `unknown target ${h['x-amz-target']}`
        )
      const auth = String(h.authorization ?? '')
      const scope = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(auth)
      if (!auth.startsWith('AWS4-HMAC-SHA256 ') || !scope)
        return error(
          400,
          'MissingAuthenticationTokenException',
          'MissingAuthenticationToken',
          'Request is missing Authentication Token'
        )
      if (
        scope[1] !== opts.accessKeyId ||
        (opts.sessionToken && h['x-amz-security-token'] !== opts.sessionToken)
      )
        return error(
          403,
          'InvalidClientTokenIdException',
          'InvalidClientTokenId',
          'The security token included in the request is invalid.'
        )
      if (scope[2] !== opts.region || scope[3] !== 'monitoring')
        return error(
          403,
          'SignatureDoesNotMatchException',
          'SignatureDoesNotMatch',
          `Credential should be scoped to a valid region and service monitoring`
        )
      if (failure === 'expired')
        return error(
          400,
          'ExpiredTokenException',
          'ExpiredToken',
          'The security token included in the request is expired'
        )
      if (failure === 'denied')
        return error(
          400,
          'AccessDeniedException',
          'AccessDenied',
          'User is not authorized to perform: cloudwatch:GetMetricData'
        )
      if (failure === 'throttle')
        return error(400, 'ThrottlingException', 'Throttling', 'Rate exceeded')
      if (
        !body ||
        typeof body.StartTime !== 'number' ||
        typeof body.EndTime !== 'number' ||
        !Array.isArray(body.MetricDataQueries)
      )
        return error(
          400,
          'MissingRequiredParameterException',
          'MissingParameter',
          'StartTime, EndTime and MetricDataQueries are required (epoch seconds)'
        )
      const returned = body.MetricDataQueries.filter((q) => q.ReturnData !== false)
      const results = []
      let nextToken
      const offset = body.NextToken
        ? Number(Buffer.from(String(body.NextToken), 'base64').toString('utf8'))
        : 0
      if (!Number.isInteger(offset) || offset < 0)
        return error(
          400,
          'InvalidNextToken',
          'InvalidNextToken',
          'The service couldn’t process your request because the NextToken is not valid.'
        )
      for (const q of returned) {
        const period = periodOf(body.MetricDataQueries, q.Id)
        const periods = []
        for (let t = Math.floor(body.StartTime / period) * period; t < body.EndTime; t += period)
          periods.push({
            start: t * 1000,
            end: (t + period) * 1000,
            complete: (t + period) * 1000 <= now()
          })
        let values
        try {
          values = await opts.source(body.MetricDataQueries, q.Id, periods)
        } catch (e) {
          return error(
            500,
            'InternalServiceFault',
            'InternalServiceError',
            String(e instanceof Error ? e.message : e),
            'Receiver'
          )
        }
        const points = periods
          .map((p, i) => [p.start / 1000, values[i]])
          .filter(([, v]) => typeof v === 'number' && Number.isFinite(v))
        if (body.ScanBy !== 'TimestampAscending') points.reverse()
        const page = points.slice(offset, offset + pageSize)
        const more = offset + pageSize < points.length
        if (more) nextToken = Buffer.from(String(offset + pageSize)).toString('base64')
        results.push({
          Id: q.Id,
          Label: q.Label ?? q.Id,
          Timestamps: page.map(([t]) => t),
          Values: page.map(([, v]) => v),
          StatusCode: more ? 'PartialData' : 'Complete',
          Messages: []
        })
      }
      send(200, {
        MetricDataResults: results,
        Messages: [],
        ...(nextToken ? { NextToken: nextToken } : {})
      })
    })
  }
  const server = opts.tls ? https.createServer(opts.tls, answer) : http.createServer(answer)
  /** Connections dropped for coming from elsewhere than `onlyFrom`. */
  let dropped = 0
  if (opts.onlyFrom)
    server.on('connection', (socket) => {
      if (socket.remoteAddress !== opts.onlyFrom) {
        dropped++
        socket.destroy()
      }
    })
  const listening = await listenOnLoopback(server, hanging, {
    host: opts.host,
    https: Boolean(opts.tls)
  })
  return {
    ...listening,
    requests,
    dropped: () => dropped,
    /** @param {CwFailure | undefined} f */
    setFailure(f) {
      failure = f
    }
  }
}
