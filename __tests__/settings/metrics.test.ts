// metrics-provider and each provider's inputs: the default, the refusals (each naming the input),
// the queries a non-Prometheus provider must write out, the secrets, replay.
import { parseInputs } from '../../src/settings/inputs.js'
import { testSettings } from '../../__fixtures__/settings.js'

function bad(inputs: Record<string, string>): string {
  try {
    testSettings(inputs)
  } catch (e) {
    return (e as Error).message
  }
  throw new Error('expected a bad input')
}

const PROM = { 'prometheus-url': 'http://127.0.0.1:9090' }

describe('metrics-provider', () => {
  it('defaults to prometheus where prometheus-url is set, and to none without it', () => {
    expect(testSettings(PROM).metrics?.provider).toBe('prometheus')
    expect(testSettings({}).metrics).toBeUndefined()
    expect(testSettings({ ...PROM, 'metrics-provider': 'Prometheus' }).metrics?.provider).toBe(
      'prometheus'
    )
  })

  it('prometheus without prometheus-url is bad input naming it', () => {
    expect(bad({ 'metrics-provider': 'prometheus' })).toBe(
      'prometheus-url is required with metrics-provider prometheus: the base URL of Prometheus'
    )
  })

  it('an unknown name is bad input listing the names', () => {
    expect(bad({ ...PROM, 'metrics-provider': 'graphite' })).toMatch(
      /^metrics-provider "graphite" is not one of prometheus/
    )
  })

  it('a replay needs a provider', () => {
    expect(() =>
      parseInputs((n) => ({ mode: 'replay' })[n] ?? '', {
        now: Date.now(),
        workspace: '/ws',
        readFile: () => {
          throw new Error('ENOENT')
        },
        fileExists: () => false,
        vars: {}
      })
    ).toThrow(/^a metric provider is required in mode replay/)
  })
})

const WEB = {
  'metrics-provider': 'web',
  'web-url': 'https://metrics.example.com/v1/value?name={query}&at={time}&token=webtok3n',
  'web-value-path': 'data.value',
  'web-headers': 'Authorization: Bearer web-header-secret',
  'error-rate-query': 'checkout.error_ratio',
  'latency-query': 'checkout.p95_seconds',
  'request-rate-query': 'checkout.rps'
}

describe('metrics-provider web', () => {
  it('reads the template, the path, the headers and the timeout; the secrets are collected', () => {
    const s = testSettings({ ...WEB, 'web-timeout': '4s' })
    expect(s.metrics).toEqual({
      provider: 'web',
      queries: {
        errorRate: 'checkout.error_ratio',
        latency: 'checkout.p95_seconds',
        requestRate: 'checkout.rps'
      }
    })
    expect(s.web).toEqual({
      url: WEB['web-url'],
      headers: { Authorization: 'Bearer web-header-secret' },
      valuePath: 'data.value',
      timeoutMs: 4_000
    })
    expect(s.prometheus).toBeUndefined()
    expect(s.secrets).toEqual(expect.arrayContaining(['webtok3n', 'Bearer web-header-secret']))
  })

  it('without web-url each query is its own URL, and its secrets are masked', () => {
    const s = testSettings({
      ...WEB,
      'web-url': '',
      'error-rate-query': 'https://m.example/errors?api_key=k3yvalue',
      'latency-query': 'https://m.example/p95',
      'request-rate-query': 'https://m.example/rps?t={time}'
    })
    expect(s.web?.url).toBeUndefined()
    expect(s.secrets).toContain('k3yvalue')
  })

  it.each([
    [
      { 'error-rate-query': '' },
      /^error-rate-query is required with metrics-provider web: the default is PromQL/
    ],
    [{ 'web-value-path': '' }, /^web-value-path is required with metrics-provider web/],
    [
      { 'web-value-path': 'data[*].v' },
      /^web-value-path 'data\[\*\]\.v' '\[\*\]' is neither an index/
    ],
    [{ 'web-url': 'https://m.example/v' }, /^web-url has no \{query\}/],
    [
      { 'web-url': 'https://m.example/v?q={query}&s={start}' },
      /^web-url has the placeholder \{start\}: only \{query\} and \{time\}/
    ],
    [{ 'web-url': 'ftp://m.example/{query}' }, /^web-url 'ftp:\/\/m\.example\/q' must be an http/],
    [
      {
        'web-url': '',
        'error-rate-query': 'https://m.example/errors',
        'latency-query': 'p95?token=zzz'
      },
      /^latency-query "p95\?token=\*\*\*" is not an http\(s\) URL/
    ],
    [{ 'web-timeout': 'soon' }, /^web-timeout 'soon' is not a duration/],
    [
      { 'prometheus-url': 'http://127.0.0.1:9090' },
      /^prometheus-url is set but metrics-provider is web/
    ],
    [{ mode: 'replay' }, /^metrics-provider web cannot be replayed/]
  ])('bad input %j', (over, message) => {
    expect(bad({ ...WEB, ...over })).toMatch(message)
  })

  it('web inputs beside Prometheus are a mistake', () => {
    expect(bad({ ...PROM, 'web-value-path': 'data.value' })).toBe(
      'web-value-path is set but metrics-provider is prometheus: web-value-path belongs to web; remove it or set metrics-provider: web'
    )
  })
})

const DD = {
  'metrics-provider': 'datadog',
  'datadog-api-key': 'ddapikey0123456789',
  'datadog-app-key': 'ddappkey0123456789',
  'error-rate-query':
    'default_zero(sum:trace.http.request.errors{service:web}.as_count().rollup(sum,60)) / sum:trace.http.request.hits{service:web}.as_count().rollup(sum,60)',
  'latency-query': 'p95:trace.http.request{service:web}.rollup(max,60)',
  'request-rate-query': 'sum:trace.http.request.hits{service:web}.as_rate().rollup(avg,60)'
}

describe('metrics-provider datadog', () => {
  it('reads the keys (secrets), the site, the override and the lag', () => {
    const s = testSettings(DD)
    expect(s.datadog).toEqual({
      apiUrl: 'https://api.datadoghq.com',
      apiKey: 'ddapikey0123456789',
      appKey: 'ddappkey0123456789',
      lagMs: 60_000
    })
    expect(s.secrets).toEqual(expect.arrayContaining(['ddapikey0123456789', 'ddappkey0123456789']))
    expect(
      testSettings({ ...DD, 'datadog-site': 'datadoghq.eu', 'datadog-lag': '15m' }).datadog
    ).toMatchObject({
      apiUrl: 'https://api.datadoghq.eu',
      lagMs: 900_000
    })
    expect(
      testSettings({ ...DD, 'datadog-api-url': 'http://127.0.0.1:8126', 'datadog-lag': '0s' })
        .datadog
    ).toMatchObject({
      apiUrl: 'http://127.0.0.1:8126',
      lagMs: 0
    })
    expect(testSettings({ ...DD, mode: 'replay', 'health-url': '' }).replay).toBeDefined()
  })

  it.each([
    [
      { 'datadog-api-key': '' },
      'datadog-api-key is required with metrics-provider datadog (a secret: ${{ secrets.… }})'
    ],
    [
      { 'datadog-app-key': 'two words' },
      'datadog-app-key holds a space or a line break: paste the key alone'
    ],
    [
      { 'datadog-site': 'datadoghq.org' },
      /^datadog-site "datadoghq.org" is not a Datadog site: one of datadoghq.com, us3/
    ],
    [
      { 'datadog-api-url': 'http://dd-proxy.internal:8080' },
      /^datadog-api-url 'http:\/\/dd-proxy.internal:8080' is plain http to dd-proxy.internal: the keys would cross the network in clear text/
    ],
    [{ 'datadog-lag': 'late' }, /^datadog-lag 'late' is not a duration/],
    [{ 'latency-query': '' }, /^latency-query is required with metrics-provider datadog/],
    [{ 'web-value-path': 'x' }, /^web-value-path is set but metrics-provider is datadog/]
  ])('bad input %j', (over, message) => {
    const got = bad({ ...DD, ...over })
    if (typeof message === 'string') expect(got).toBe(message)
    else expect(got).toMatch(message)
    expect(got).not.toContain('ddapikey0123456789')
  })
})
