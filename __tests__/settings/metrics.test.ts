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
