// The CloudWatch provider's requests (the AWS SDK's own HTTP stack) take the routes and the trust
// of the other providers: HTTPS_PROXY through a real forward proxy (Debian's tinyproxy) with
// CONNECT, NO_PROXY exempting the endpoint's host, and ca-certificate trusted for the endpoint's
// TLS, through the tunnel too. The stand-ins speak HTTPS with certificates of a test CA, and each
// drops connections from any source but one: the proxied one answers only the proxy (which binds
// its outgoing connections to 127.0.0.3), the direct one only 127.0.0.1. A measured reading
// therefore went the way the test says.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { createCloudWatch } from '../../src/adapters/cloudwatch.js'
import type { NetworkOptions } from '../../src/adapters/http.js'
import { startCloudWatchStandin } from '../../sandbox/cloudwatch.js'
import { startTinyproxy } from '../../sandbox/tinyproxy.js'
import { createTestCa } from '../../sandbox/tls.js'

const PROXY_SOURCE = '127.0.0.3'
const KEY_ID = 'AKIANETWORK0EXAMPLE1'
const SECRET = 'networkSecretAccessKey0123456789abcdefghij'
const NOW = Date.parse('2026-11-25T12:00:30Z')
const QUERY = JSON.stringify([
  {
    Id: 'e',
    MetricStat: {
      Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'HTTPCode_Target_5XX_Count' },
      Period: 60,
      Stat: 'Sum'
    }
  }
])

type Standin = Awaited<ReturnType<typeof startCloudWatchStandin>>
let ca: ReturnType<typeof createTestCa>
let proxied: Standin
let direct: Standin
let proxy: Awaited<ReturnType<typeof startTinyproxy>>
const saved = { ...process.env }

beforeAll(async () => {
  ca = createTestCa()
  const common = {
    accessKeyId: KEY_ID,
    region: 'eu-west-1',
    now: () => NOW,
    source: (_q: unknown[], _id: string, periods: unknown[]) => periods.map(() => 0.02)
  }
  proxied = await startCloudWatchStandin({
    ...common,
    host: '127.0.0.2',
    // Only the endpoint's own name: the tunnelled TLS is checked against it, not the proxy's.
    tls: ca.issue({ altNames: ['IP:127.0.0.2'] }),
    onlyFrom: PROXY_SOURCE
  })
  direct = await startCloudWatchStandin({
    ...common,
    tls: ca.issue({ altNames: ['IP:127.0.0.1'] }),
    onlyFrom: '127.0.0.1'
  })
  // CONNECT only to the proxied stand-in's port: any other is refused (403).
  proxy = await startTinyproxy({ connectPorts: [proxied.port], bind: PROXY_SOURCE })
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: KEY_ID,
    AWS_SECRET_ACCESS_KEY: SECRET,
    AWS_REGION: 'eu-west-1',
    AWS_EC2_METADATA_DISABLED: 'true'
  })
  delete process.env.AWS_SESSION_TOKEN
}, 30_000)

afterAll(async () => {
  process.env = saved
  await proxy?.stop()
  await proxied?.stop()
  await direct?.stop()
  ca?.cleanup()
})

beforeEach(() => {
  proxied.requests.length = 0
  direct.requests.length = 0
})

const read = (endpoint: string, network: NetworkOptions) =>
  createCloudWatch(
    { region: 'eu-west-1', endpoint, lagMs: 60_000 },
    { timeoutMs: 1_500, network }
  ).query(QUERY, NOW)

const hostPort = (url: string) => url.replace('https://', '')

describe('CloudWatch through HTTPS_PROXY', () => {
  it('sanity: straight to the proxied stand-in, the connection is dropped: unknown, unreachable', async () => {
    const r = await read(proxied.url, { caCertificates: ca.certPem, env: {} })
    expect(r).toMatchObject({ status: 'unknown', cause: 'unreachable' })
    expect(proxied.requests).toHaveLength(0)
  })

  it('through the proxy with CONNECT, the endpoint checked against the test CA: measured', async () => {
    const before = proxy.requests().length
    const r = await read(proxied.url, {
      caCertificates: ca.certPem,
      env: { HTTPS_PROXY: proxy.url }
    })
    expect(r).toEqual({ status: 'measured', value: 0.02 })
    expect(proxy.requests().slice(before)).toContain(`CONNECT ${hostPort(proxied.url)} HTTP/1.1`)
    // The signed request reached the stand-in inside the tunnel.
    expect(proxied.requests[0]?.authorization).toMatch(/\/eu-west-1\/monitoring\/aws4_request/)
  })

  it('lowercase https_proxy is read too; HTTP_PROXY alone is not used for https', async () => {
    expect(
      await read(proxied.url, { caCertificates: ca.certPem, env: { https_proxy: proxy.url } })
    ).toMatchObject({ status: 'measured' })
    expect(
      await read(proxied.url, { caCertificates: ca.certPem, env: { HTTP_PROXY: proxy.url } })
    ).toMatchObject({ status: 'unknown', cause: 'unreachable' })
  })

  it('NO_PROXY naming the endpoint host goes direct (the direct stand-in drops the proxy)', async () => {
    const before = proxy.requests().length
    const r = await read(direct.url, {
      caCertificates: ca.certPem,
      env: { HTTPS_PROXY: proxy.url, NO_PROXY: 'example.com, 127.0.0.1' }
    })
    expect(r).toEqual({ status: 'measured', value: 0.02 })
    expect(proxy.requests().length).toBe(before)
    expect(direct.requests).toHaveLength(1)
  })

  it('a CONNECT the proxy refuses is unknown and names the proxy, never refused credentials', async () => {
    const r = await read(direct.url, {
      caCertificates: ca.certPem,
      env: { HTTPS_PROXY: proxy.url }
    })
    expect(r).toMatchObject({ status: 'unknown', cause: 'unreachable' })
    expect(r.reason).toContain(`proxy ${proxy.url} answered 403`)
    expect(direct.requests).toHaveLength(0)
  })

  it('a proxy variable that is no proxy URL is unknown, without quoting it', async () => {
    const r = await read(proxied.url, {
      caCertificates: ca.certPem,
      env: { HTTPS_PROXY: 'socks5://user:pw-not-shown@127.0.0.1:1080' }
    })
    expect(r).toMatchObject({ status: 'unknown', cause: 'unreachable' })
    expect(r.reason).toMatch(/HTTPS_PROXY uses socks5:/)
    expect(r.reason).not.toContain('pw-not-shown')
  })
})

describe('CloudWatch and ca-certificate', () => {
  it('an endpoint whose certificate only the test CA vouches for: unknown without it, measured with it', async () => {
    const without = await read(direct.url, { env: {} })
    expect(without).toMatchObject({ status: 'unknown', cause: 'unreachable' })
    expect(without.reason).toMatch(/certificate|CERT/i)
    expect(direct.requests).toHaveLength(0)
    expect(await read(direct.url, { caCertificates: ca.certPem, env: {} })).toEqual({
      status: 'measured',
      value: 0.02
    })
    expect(direct.requests).toHaveLength(1)
  })
})
