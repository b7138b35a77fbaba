// The metric provider's preflight as a table: the readings of the configured queries in, the
// findings (kind, severity, the input named) out.
import { metricsPassedLine, metricsPreflightFindings } from '../../src/runbook/metrics-preflight.js'
import type { MetricsProbe } from '../../src/runbook/metrics-preflight.js'
import { preflightFailure } from '../../src/runbook/preflight.js'
import type { MetricReading, UnknownCause } from '../../src/runbook/types.js'

const CTX = {
  label: 'Datadog',
  where: 'datadog-site (or datadog-api-url)',
  credentials: 'datadog-api-key and datadog-app-key (and datadog-site)'
}
const ok = (value: number): MetricReading => ({ status: 'measured', value })
const bad = (reason: string, cause?: UnknownCause): MetricReading => ({
  status: 'unknown',
  value: null,
  reason,
  ...(cause ? { cause } : {})
})
const INPUTS = ['error-rate-query', 'latency-query', 'request-rate-query', 'error-rate-fast-query']
const probes = (...readings: MetricReading[]): MetricsProbe[] =>
  readings.map((reading, i) => ({ input: INPUTS[i], reading }))
const refused = bad('Datadog refused the keys (HTTP 403 Forbidden)', 'credentials')
const down = bad('Datadog: connection refused', 'unreachable')

type Row = [string, MetricsProbe[], Array<[string, 'error' | 'warning', string]>]
const TABLE: Row[] = [
  ['every query returned data', probes(ok(0.01), ok(0.2), ok(40), ok(0)), []],
  ['a zero is data, not nothing', probes(ok(0), ok(0), ok(0)), []],
  [
    'refused keys: one finding for the provider, not one per query',
    probes(refused, refused, refused),
    [['metrics-credentials', 'error', 'Datadog refused the credentials']]
  ],
  [
    'the provider does not answer at all: one finding',
    probes(down, down, down, down),
    [['metrics-unreachable', 'error', 'Datadog did not answer']]
  ],
  [
    'one query returned nothing: that input is named',
    probes(ok(0.01), bad('no series: the query matched nothing', 'no-data'), ok(40)),
    [['metrics-no-data', 'error', 'latency-query returned nothing']]
  ],
  [
    'the fast query returning nothing only warns: error-rate-query still judges',
    probes(ok(0.01), ok(0.2), ok(40), bad('a null point', 'no-data')),
    [['metrics-no-data', 'warning', 'error-rate-fast-query returned nothing']]
  ],
  [
    'a query the provider cannot run',
    probes(bad('Datadog could not run the query', 'rejected'), ok(0.2), ok(40)),
    [['metrics-rejected', 'error', 'Datadog could not run error-rate-query']]
  ],
  [
    'a rate limit is a warning for the queries it hit (it clears itself)',
    probes(ok(0.01), bad('Datadog rate limit (HTTP 429)', 'rate-limited'), ok(40)),
    [['metrics-rate-limited', 'warning', 'Datadog is rate limiting']]
  ],
  [
    'one query unreachable while others answered: named, not "did not answer"',
    probes(ok(0.01), down, ok(40)),
    [['metrics-failed', 'error', 'latency-query could not be read']]
  ],
  [
    'a failure of no known cause',
    probes(ok(0.01), ok(0.2), bad('query returned 3 series')),
    [['metrics-failed', 'error', 'request-rate-query could not be read']]
  ],
  [
    'a cancelled watch says nothing about the provider',
    probes(bad('cancelled'), bad('cancelled'), bad('cancelled')),
    []
  ]
]

describe('metricsPreflightFindings', () => {
  it.each(TABLE)('%s', (_name, given, expected) => {
    const found = metricsPreflightFindings(given, CTX)
    expect(found.map((f) => [f.kind, f.severity, f.title])).toEqual(expected)
    for (const f of found) expect(f.host).toBeUndefined()
  })

  it('messages say what to fix and carry the reason', () => {
    const [keys] = metricsPreflightFindings(probes(refused, refused, refused), CTX)
    expect(keys.message).toContain('HTTP 403')
    expect(keys.message).toContain('datadog-api-key and datadog-app-key')
    const [empty] = metricsPreflightFindings(
      probes(ok(0), bad('no series: the query matched nothing', 'no-data'), ok(1)),
      CTX
    )
    expect(empty.message).toMatch(/^latency-query returned no data from Datadog \(no series/)
  })

  it('under preflight: fail the step fails at the end for an error finding, not for a warning', () => {
    const errors = metricsPreflightFindings(probes(refused, refused, refused), CTX)
    expect(preflightFailure('fail', errors)).toMatch(
      /^preflight: Datadog refused the credentials \(the metric rules cannot judge; set preflight: warn/
    )
    expect(preflightFailure('warn', errors)).toBeUndefined()
    const warnings = metricsPreflightFindings(
      probes(ok(0.01), bad('limited', 'rate-limited'), ok(40)),
      CTX
    )
    expect(preflightFailure('fail', warnings)).toBeUndefined()
  })

  it('the passed line lists the inputs checked', () => {
    expect(metricsPassedLine(probes(ok(0), ok(0), ok(0)), 'Datadog')).toBe(
      'Datadog preflight: ok, all 3 queries returned data (error-rate-query, latency-query, request-rate-query)'
    )
  })
})
