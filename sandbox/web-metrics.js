// A JSON metrics endpoint for the web provider (metrics-provider web), on 127.0.0.1: the shape an
// internal service might publish, `GET /metric?name=NAME[&time=UNIX_SECONDS]` →
// `{"data":{"name":NAME,"time":UNIX_SECONDS,"value":NUMBER|null}}`. The numbers come from
// `source(name, atMs)`, given by the test (a fixed table, or a real Prometheus behind it), and
// are written as they come: a string or null stays a string or null, as a sloppy endpoint
// would send it.
import http from 'node:http'
import { listenOnLoopback } from './ports.js'

/**
 * @typedef {'unavailable' | 'html' | 'hang'} WebFailure
 *   unavailable: 503 with a JSON error; html: 200 with a login page; hang: no answer at all
 */

/**
 * @param {{
 *   source: (name: string, atMs: number) => unknown | Promise<unknown>,
 *   token?: string
 * }} opts
 *   token: requests must carry `Authorization: Bearer TOKEN` (else 401)
 */
export async function startWebMetrics({ source, token }) {
  /** @type {{ method: string, url: string, authorization?: string }[]} */
  const requests = []
  /** @type {WebFailure | undefined} */
  let failure
  /** @type {Set<import('node:http').ServerResponse>} */
  const hanging = new Set()

  const server = http.createServer(async (req, res) => {
    requests.push({
      method: req.method ?? '',
      url: req.url ?? '',
      authorization: req.headers.authorization
    })
    const json = (status, body) => {
      res.writeHead(status, { 'Content-Type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    if (failure === 'hang') {
      hanging.add(res)
      return
    }
    if (failure === 'unavailable') return json(503, { error: 'metrics store unavailable' })
    if (failure === 'html') {
      res.writeHead(200, { 'Content-Type': 'text/html' })
      return res.end('<!doctype html><title>Sign in</title>')
    }
    if (token && req.headers.authorization !== `Bearer ${token}`)
      return json(401, { error: 'unauthorized' })
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const name = url.searchParams.get('name')
    if (req.method !== 'GET' || url.pathname !== '/metric' || !name)
      return json(404, { error: 'GET /metric?name=NAME' })
    const time = url.searchParams.get('time')
    const at = time !== null ? Number(time) * 1000 : Date.now()
    try {
      const value = await source(name, at)
      json(200, { data: { name, time: Math.floor(at / 1000), value: value ?? null } })
    } catch (e) {
      json(500, { error: String(e instanceof Error ? e.message : e) })
    }
  })
  const listening = await listenOnLoopback(server, hanging)
  return {
    ...listening,
    requests,
    /** @param {WebFailure | undefined} f */
    setFailure(f) {
      failure = f
    }
  }
}
