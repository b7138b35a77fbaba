// Real runners' networks end to end through the bundle: a health endpoint the runner reaches only
// through its proxy (a real tinyproxy, CONNECT, an internal CA given as ca-certificate) is
// healthy; the same endpoint without the CA is unreachable from the runner while Prometheus shows
// the service serving, which is a monitoring problem (inconclusive), never a rollback; a replay
// reads Prometheus' history through the same proxy and CA from its worker thread.
import { jest } from '@jest/globals'
import fs from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import type net from 'node:net'
import { runAction } from '../../sandbox/run-action.js'
import { startTinyproxy } from '../../sandbox/tinyproxy.js'
import { createTestCa } from '../../sandbox/tls.js'
import {
  callLines,
  E2E_TIMEOUT,
  githubCalls,
  runScenario,
  useProduction,
  visibleLog
} from './harness.js'

jest.setTimeout(E2E_TIMEOUT)

const production = useProduction()
/** The address the proxy's own connections come from; the front answers nobody else. */
const PROXY_SOURCE = '127.0.0.3'
const FRONT_HOST = '127.0.0.2'

let ca: ReturnType<typeof createTestCa>
let proxy: Awaited<ReturnType<typeof startTinyproxy>>
let front: https.Server
let frontUrl: string

/**
 * An https front for the sandbox service's /health and its Prometheus' API, with a certificate
 * the test CA signed, answering only connections from the proxy (behind a corporate proxy).
 */
beforeAll(async () => {
  ca = createTestCa({ name: 'Acme internal CA' })
  front = https.createServer(ca.issue({ altNames: [`IP:${FRONT_HOST}`] }), (req, res) => {
    const p = production()
    const target = req.url?.startsWith('/api/v1/')
      ? `${p.prometheus.url}${req.url}`
      : `${p.healthUrl}`
    const upstream = http.get(target, (answer) => {
      res.writeHead(answer.statusCode ?? 502, { 'Content-Type': 'application/json' })
      answer.pipe(res)
    })
    upstream.on('error', () => res.writeHead(502).end())
  })
  front.on('connection', (socket: net.Socket) => {
    if (socket.remoteAddress !== PROXY_SOURCE) socket.destroy()
  })
  await new Promise<void>((resolve) => front.listen(0, FRONT_HOST, resolve))
  const port = (front.address() as AddressInfo).port
  frontUrl = `https://${FRONT_HOST}:${port}/health`
  proxy = await startTinyproxy({ connectPorts: [port], bind: PROXY_SOURCE })
}, 60_000)

afterAll(async () => {
  await proxy?.stop()
  await new Promise((resolve) => front?.close(resolve))
  ca?.cleanup()
})

/** The runner's proxy variables: Prometheus, sshd and the GitHub stand-in on 127.0.0.1 bypass it. */
const proxyEnv = () => ({ HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1,localhost' })

describe('end to end: networks', () => {
  it('healthy: a service reached only through the runner proxy, with an internal CA: nothing runs, no issue, exit 0; CONNECT through the proxy', async () => {
    const { run, production: p } = await runScenario(production, 'healthy', {
      inputs: { 'health-url': frontUrl, 'ca-certificate': ca.certPem, 'watch-duration': '5s' },
      env: proxyEnv()
    })
    expect(run.outputs).toMatchObject({ decision: 'healthy', 'rollback-status': 'not-needed' })
    expect(run.code).toBe(0)
    expect(visibleLog(run)).toContain(`health-url: through proxy ${proxy.url}`)
    expect(proxy.requests().some((r) => r.startsWith(`CONNECT ${FRONT_HOST}:`))).toBe(true)
    // Only the preflight's read-only --list ran on the host.
    expect(callLines(p)).toEqual(['rollback.sh --list'])
    expect(githubCalls(p).filter((c) => c.startsWith('POST'))).toEqual([])
    expect(Number(run.outputs.samples)).toBeGreaterThanOrEqual(5)
  })

  it('unreachable-from-runner: TLS fails on every probe while Prometheus shows traffic → inconclusive, never a rollback', async () => {
    const { run, production: p } = await runScenario(production, 'healthy', {
      inputs: { 'health-url': frontUrl, 'watch-duration': '6s' },
      env: proxyEnv()
    })
    expect(run.outputs).toMatchObject({
      decision: 'inconclusive',
      rule: 'monitoring-outage',
      'rollback-status': 'not-needed'
    })
    expect(run.outputs.reason).toContain('health-url unreachable from this runner')
    expect(run.outputs.reason).toMatch(/Prometheus shows \d+(\.\d+)? req\/s at \d+\.\d% errors/)
    // Only the preflight's read-only --list ran on the host.
    expect(callLines(p)).toEqual(['rollback.sh --list'])
    expect(p.github.issues).toHaveLength(0)
  })

  it('replay: Prometheus reached only through the runner proxy, with an internal CA: read from the worker thread, exit 0', async () => {
    const p = production()
    // Prometheus holds the service's error rate and latency from here on.
    await p.reset()
    const front = new URL(frontUrl)
    const deployedAt = Date.now() - 2_000
    const before = proxy.requests().length
    const run = await runAction({
      inputs: {
        mode: 'replay',
        'prometheus-url': `${front.protocol}//${front.host}`,
        'ca-certificate': ca.certPem,
        'error-rate-query': p.queries.errorRate,
        'latency-query': p.queries.latency,
        'request-rate-query': p.queries.requestRate,
        'watch-duration': '5s',
        'probe-interval': '1s',
        'replay-deploys': new Date(deployedAt).toISOString()
      },
      env: proxyEnv(),
      timeoutMs: 60_000
    })
    try {
      expect(run.code).toBe(0)
      expect(visibleLog(run)).toContain(`prometheus-url: through proxy ${proxy.url}`)
      expect(
        proxy
          .requests()
          .slice(before)
          .some((r) => r.startsWith(`CONNECT ${FRONT_HOST}:`))
      ).toBe(true)
      const trace = JSON.parse(fs.readFileSync(run.outputs['report-path'], 'utf8'))
      // Every query answered, with points: read through the tunnel, the CA trusted.
      expect(trace.deploys[0]).toMatchObject({ noData: false, failures: [] })
    } finally {
      run.cleanup()
    }
  })
})
