// The probes against https services whose certificates a test CA signed (openssl): untrusted
// without ca-certificate, trusted with it, and Node's own trust (NODE_EXTRA_CA_CERTS) kept.
import { execFile } from 'node:child_process'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import tls from 'node:tls'
import { promisify } from 'node:util'
import { DEFAULT_POLICY } from '../../src/runbook/defaults.js'
import { createHealthProbe } from '../../src/adapters/health.js'
import { nodeDefaultCertificates, type NetworkOptions } from '../../src/adapters/http.js'
import { createPrometheus } from '../../src/adapters/prometheus.js'
import { createTestCa } from '../../sandbox/tls.js'
import { transpileSources } from '../../sandbox/transpile.js'

const AT = 1_700_000_000_000
type Ca = ReturnType<typeof createTestCa>
let internal: Ca
let other: Ca
const servers: https.Server[] = []

/** An https server on 127.0.0.1 answering a health body and a Prometheus vector. */
async function serve(cert: { key: string; cert: string }): Promise<string> {
  const server = https.createServer(cert, (req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' })
    res.end(
      (req.url ?? '').startsWith('/api/v1/query')
        ? JSON.stringify({
            status: 'success',
            data: { resultType: 'vector', result: [{ metric: {}, value: [AT / 1000, '0.5'] }] }
          })
        : '{"status":"ok"}'
    )
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}`
}

let internalUrl: string
let otherUrl: string
let wrongNameUrl: string

beforeAll(async () => {
  internal = createTestCa({ name: 'internal CA' })
  other = createTestCa({ name: 'other CA' })
  internalUrl = await serve(internal.issue({ altNames: ['IP:127.0.0.1'] }))
  otherUrl = await serve(other.issue({ altNames: ['IP:127.0.0.1'] }))
  wrongNameUrl = await serve(internal.issue({ altNames: ['DNS:prod.example.com'] }))
}, 30_000)

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
  internal?.cleanup()
  other?.cleanup()
})

const probe = (url: string, network: NetworkOptions) =>
  createHealthProbe(
    { url: `${url}/health`, method: 'GET', headers: {} },
    { ...DEFAULT_POLICY, health: { ...DEFAULT_POLICY.health, timeoutMs: 3000, confirm: 0 } },
    { sleep: async () => undefined },
    network
  ).probe()

const query = (url: string, network: NetworkOptions) =>
  createPrometheus({ url, headers: {} }, { timeoutMs: 3000, network }).query('up', AT)

describe('an https service whose certificate an internal CA signed', () => {
  it('without ca-certificate the health probe is down with noAnswer tls: unknown CA', async () => {
    const r = await probe(internalUrl, {})
    expect(r).toMatchObject({ status: 'down', noAnswer: 'tls', failedAttempts: 1 })
    expect(r.httpStatus).toBeUndefined()
    expect(r.reason).toMatch(
      /^TLS failure \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\): the certificate is signed by an unknown CA .*ca-certificate/
    )
  })

  it('with ca-certificate it is up', async () => {
    const r = await probe(internalUrl, { caCertificates: internal.certPem })
    expect(r).toMatchObject({ status: 'up', httpStatus: 200, failedAttempts: 0 })
    expect(r.noAnswer).toBeUndefined()
  })

  it('ca-certificate may hold several certificates', async () => {
    const both = `${other.certPem}\n${internal.certPem}`
    expect((await probe(internalUrl, { caCertificates: both })).status).toBe('up')
    expect((await probe(otherUrl, { caCertificates: both })).status).toBe('up')
  })

  it('trusting the CA does not trust a certificate for another name', async () => {
    const r = await probe(wrongNameUrl, { caCertificates: internal.certPem })
    expect(r).toMatchObject({ status: 'down', noAnswer: 'tls' })
    expect(r.reason).toMatch(/^TLS failure \(ERR_TLS_CERT_ALTNAME_INVALID\)/)
  })

  it('a Prometheus over https is unknown naming the unknown CA without it, measured with it', async () => {
    const without = await query(internalUrl, {})
    expect(without).toMatchObject({ status: 'unknown', value: null })
    expect(without.reason).toMatch(/^Prometheus: TLS failure .*signed by an unknown CA/)
    expect(await query(internalUrl, { caCertificates: internal.certPem })).toEqual({
      status: 'measured',
      value: 0.5
    })
  })
})

describe("nodeDefaultCertificates: what ca-certificate is added to (passing `ca` replaces Node's own)", () => {
  const roots = ['ROOT-A', 'ROOT-B']

  it('asks Node when it can say (Node >= 22.15: roots, NODE_EXTRA_CA_CERTS, the system store)', () => {
    const source = { rootCertificates: roots, getCACertificates: () => ['FROM-NODE'] }
    expect(nodeDefaultCertificates(source, {})).toEqual(['FROM-NODE'])
  })

  it('otherwise the bundled roots plus the NODE_EXTRA_CA_CERTS file', () => {
    const read = (file: string) => (file === '/extra.pem' ? 'EXTRA-PEM' : '')
    expect(
      nodeDefaultCertificates(
        { rootCertificates: roots },
        { NODE_EXTRA_CA_CERTS: '/extra.pem' },
        read
      )
    ).toEqual(['ROOT-A', 'ROOT-B', 'EXTRA-PEM'])
  })

  it('an unreadable NODE_EXTRA_CA_CERTS leaves the roots, as Node itself does', () => {
    const read = () => {
      throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' })
    }
    expect(
      nodeDefaultCertificates({ rootCertificates: roots }, { NODE_EXTRA_CA_CERTS: '/nope' }, read)
    ).toEqual(roots)
  })

  it('on this Node it includes the bundled roots', () => {
    const all = nodeDefaultCertificates()
    expect(all.length).toBeGreaterThanOrEqual(tls.rootCertificates.length)
    expect(all).toEqual(expect.arrayContaining([tls.rootCertificates[0]]))
  })
})

describe('NODE_EXTRA_CA_CERTS set for the process (a child node, as the runner would start it)', () => {
  it('a bare `ca` drops it; ca-certificate keeps it next to the internal CA', async () => {
    const sources = transpileSources()
    try {
      // The child trusts `other` through NODE_EXTRA_CA_CERTS and `internal` through ca-certificate.
      const script = `
        import https from 'node:https'
        import { createHttpClient } from ${JSON.stringify(sources.file('adapters/http'))}
        const [otherUrl, internalUrl, internalPem] = process.argv.slice(1)
        const bareCa = await new Promise((resolve) => {
          https
            .get(otherUrl, { ca: internalPem, agent: false }, (res) => resolve(res.statusCode))
            .on('error', (e) => resolve(e.code))
        })
        const request = createHttpClient({ caCertificates: internalPem })
        const get = (url) =>
          request({ url, method: 'GET', headers: {}, maxBodyBytes: 1000, timeoutMs: 5000 })
        const nothingAdded = await new Promise((resolve) => {
          https.get(otherUrl, { agent: false }, (res) => resolve(res.statusCode)).on('error', (e) => resolve(e.code))
        })
        console.log(JSON.stringify({ bareCa, nothingAdded, extra: await get(otherUrl), internal: await get(internalUrl) }))
      `
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--input-type=module', '-e', script, otherUrl, internalUrl, internal.certPem],
        { env: { ...process.env, NODE_EXTRA_CA_CERTS: other.certFile }, timeout: 20_000 }
      )
      const seen = JSON.parse(stdout.trim().split('\n').pop() ?? '{}')
      expect(seen.nothingAdded).toBe(200) // Node trusts NODE_EXTRA_CA_CERTS by itself
      expect(seen.bareCa).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE') // `ca` alone drops it
      expect(seen.extra).toMatchObject({ ok: true, status: 200 })
      expect(seen.internal).toMatchObject({ ok: true, status: 200 })
    } finally {
      sources.cleanup()
    }
  }, 30_000)
})
