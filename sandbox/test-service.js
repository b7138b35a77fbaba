// The sandbox's production stand-in: a small HTTP service whose health, error rate and latency
// are set from outside (POST /control, setState(), or a watched JSON state file), with
// Prometheus metrics fed by a built-in synthetic traffic generator. Plain JavaScript: the demo
// runs it with `node sandbox/test-service.js --port N --state-file F`.
import fs from 'node:fs'
import http from 'node:http'
import { pathToFileURL } from 'node:url'
import { createMetrics } from './test-service/metrics.js'
import { watchStateFile } from './test-service/state-file.js'

export { DURATION_BUCKETS } from './test-service/metrics.js'

/**
 * @typedef {object} ServiceState
 * @property {string} version         reported by /health (for expected-version checks)
 * @property {number} errorRate       fraction 0..1 of requests that fail (deterministic)
 * @property {number} latencyMs       latency of every request (synthetic and /api)
 * @property {'up' | 'down' | 'slow' | 'refuse'} health
 *   up: 200; down: healthStatus; slow: 200 after healthDelayMs (6000 when 0); refuse: the
 *   socket is destroyed without an answer
 * @property {number} healthStatus    HTTP status of /health when down
 * @property {number} healthDelayMs   delay before /health answers (any health)
 * @property {number} errorStatus     HTTP status of a failed request (500)
 * @property {number} refuseNext      refuse this many /health requests, then answer (a blip)
 */

/** @type {ServiceState} */
export const DEFAULT_STATE = Object.freeze({
  version: 'v1',
  errorRate: 0,
  latencyMs: 20,
  health: 'up',
  healthStatus: 503,
  healthDelayMs: 0,
  errorStatus: 500,
  refuseNext: 0
})

const SLOW_DEFAULT_MS = 6000
const MAX_BODY = 64 * 1024

/**
 * @typedef {object} TestService
 * @property {string} url         http://127.0.0.1:PORT
 * @property {number} port
 * @property {string} metricsUrl  url + /metrics
 * @property {(partial: Partial<ServiceState>) => ServiceState} setState
 * @property {() => ServiceState} getState
 * @property {() => Promise<void>} stop
 */

/**
 * Starts the service on 127.0.0.1.
 * @param {{ port?: number, state?: Partial<ServiceState>, stateFile?: string, rps?: number }} [opts]
 *   rps: synthetic requests per second recorded into the metrics (0 = none)
 * @returns {Promise<TestService>}
 */
export async function startTestService({ port = 0, state = {}, stateFile, rps = 20 } = {}) {
  /** @type {ServiceState} */
  let current = { ...DEFAULT_STATE, ...state }

  const { registry, nextFails, record, startTraffic } = createMetrics(() => current)

  /** @type {Set<NodeJS.Timeout>} */
  const timers = new Set()
  /** @param {number} ms @param {() => void} fn */
  const later = (ms, fn) => {
    const t = setTimeout(() => {
      timers.delete(t)
      fn()
    }, ms)
    timers.add(t)
  }

  /** @param {http.ServerResponse} res @param {number} status @param {unknown} body */
  const json = (res, status, body) => {
    const text = JSON.stringify(body)
    res.writeHead(status, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(text)
    })
    res.end(text)
  }

  // With a state file: read it again if it changed (polled, and before every request, so that
  // a request right after rollback.sh switched the file sees the new state, as a restarted
  // service would).
  let readStateFile = () => {}

  /** @param {http.IncomingMessage} req @param {http.ServerResponse} res */
  const handle = async (req, res) => {
    readStateFile()
    const path = new URL(req.url ?? '/', 'http://localhost').pathname
    if (path === '/health') {
      const s = current
      // refuseNext: refuse exactly that many /health requests, then answer again (a blip).
      if (s.refuseNext > 0) {
        current = { ...current, refuseNext: s.refuseNext - 1 }
        req.socket.destroy()
        return
      }
      if (s.health === 'refuse') {
        req.socket.destroy()
        return
      }
      const wait = s.health === 'slow' ? s.healthDelayMs || SLOW_DEFAULT_MS : s.healthDelayMs
      const answer = () => {
        if (res.destroyed) return
        if (current.health === 'down')
          json(res, current.healthStatus, { status: 'down', version: current.version })
        else json(res, 200, { status: 'ok', version: current.version })
      }
      if (wait > 0) later(wait, answer)
      else answer()
      return
    }
    if (path === '/metrics') {
      const text = await registry.metrics()
      res.writeHead(200, { 'Content-Type': registry.contentType })
      res.end(text)
      return
    }
    if (path === '/api') {
      const started = Date.now()
      later(Math.max(0, current.latencyMs), () => {
        const failed = nextFails()
        record(failed, (Date.now() - started) / 1000)
        if (res.destroyed) return
        if (failed)
          json(res, current.errorStatus, { error: 'synthetic failure', version: current.version })
        else json(res, 200, { ok: true, version: current.version })
      })
      return
    }
    if (path === '/control') {
      if (req.method === 'GET') return json(res, 200, current)
      if (req.method !== 'POST') return json(res, 405, { error: 'use GET or POST' })
      let body = ''
      for await (const chunk of req) {
        body += chunk
        if (body.length > MAX_BODY) return json(res, 413, { error: 'body too large' })
      }
      let partial
      try {
        partial = JSON.parse(body)
      } catch {
        return json(res, 400, { error: 'body is not JSON' })
      }
      if (!partial || typeof partial !== 'object' || Array.isArray(partial))
        return json(res, 400, { error: 'body must be a JSON object' })
      return json(res, 200, setState(partial))
    }
    json(res, 404, { error: `no route ${path}` })
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) json(res, 500, { error: String(err) })
      else res.destroy()
    })
  })

  /** @param {Partial<ServiceState>} partial */
  function setState(partial) {
    current = { ...current, ...partial }
    return { ...current }
  }

  const intervals = []
  if (rps > 0) intervals.push(startTraffic(rps))
  if (stateFile) {
    const watch = watchStateFile(stateFile, setState)
    readStateFile = watch.poll
    intervals.push(watch.interval)
  }

  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject)
      resolve(undefined)
    })
  })
  const address = server.address()
  const boundPort = typeof address === 'object' && address ? address.port : port
  const url = `http://127.0.0.1:${boundPort}`

  let stopped
  return {
    url,
    port: boundPort,
    metricsUrl: `${url}/metrics`,
    setState,
    getState: () => ({ ...current }),
    stop() {
      stopped ??= new Promise((resolve) => {
        for (const i of intervals) clearInterval(i)
        for (const t of timers) clearTimeout(t)
        timers.clear()
        server.close(() => resolve(undefined))
        server.closeAllConnections()
      })
      return stopped
    }
  }
}

/** @param {string[]} argv */
function parseArgs(argv) {
  /** @type {{ port: number, stateFile?: string, rps: number }} */
  const opts = { port: 0, rps: 20 }
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]
    const value = argv[i + 1]
    if (flag === '--port') opts.port = Number(value)
    else if (flag === '--state-file') opts.stateFile = value
    else if (flag === '--rps') opts.rps = Number(value)
    else throw new Error(`unknown argument ${flag}: use --port N --state-file F --rps N`)
    if (value === undefined) throw new Error(`${flag} needs a value`)
    i++
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535)
    throw new Error('--port must be 0..65535')
  if (!Number.isFinite(opts.rps) || opts.rps < 0) throw new Error('--rps must be a number >= 0')
  return opts
}

const isMain = (() => {
  try {
    return (
      process.argv[1] && import.meta.url === pathToFileURL(fs.realpathSync(process.argv[1])).href
    )
  } catch {
    return false
  }
})()

if (isMain) {
  try {
    const service = await startTestService(parseArgs(process.argv.slice(2)))
    process.stdout.write(`listening ${service.url}\n`)
    const shutdown = () => service.stop().then(() => process.exit(0))
    process.once('SIGTERM', shutdown)
    process.once('SIGINT', shutdown)
  } catch (err) {
    process.stderr.write(`test-service: ${err instanceof Error ? err.message : String(err)}\n`)
    process.exit(2)
  }
}
