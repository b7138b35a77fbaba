// What the action says about its own setup before it watches.
import { describeSetup as notesOf } from '../../src/settings/setup.js'
import { testSettings } from '../../__fixtures__/settings.js'

/** The notes' texts, and the texts of those that are warnings. */
const describeSetup = (...a: Parameters<typeof notesOf>): string[] =>
  notesOf(...a).map((n) => n.text)
const warnings = (...a: Parameters<typeof notesOf>): string[] =>
  notesOf(...a)
    .filter((n) => n.warning)
    .map((n) => n.text)

describe('describeSetup', () => {
  it('says what a minimal setup cannot do', () => {
    const notes = describeSetup(testSettings())
    expect(notes).toEqual(
      expect.arrayContaining([
        expect.stringContaining('no metric provider (prometheus-url): only the health rules'),
        expect.stringContaining('no ssh-host: the action can only watch and report'),
        expect.stringContaining('no github-token')
      ])
    )
    expect(warnings(testSettings())).toEqual([])
  })

  it('warns that host checks without an ssh-host do not run', () => {
    expect(warnings(testSettings({}, { policy: 'host-checks: { database: "exit 1" }' }))).toEqual([
      'host-checks are set in the policy but there is no ssh-host: they do not run'
    ])
  })

  it('warns when a rule window is longer than the watch', () => {
    const settings = testSettings({
      'prometheus-url': 'http://127.0.0.1:9',
      'watch-duration': '4m'
    })
    const note = describeSetup(settings).find((n) => n.includes('is shorter than'))
    expect(note).toContain('watch-duration 4m is shorter than error-rate.high-window 5m')
    expect(note).toContain('error-rate.elevated-window 15m')
    expect(warnings(settings)).toContain(note)
  })

  it('says how many extra CA certificates the probes trust', () => {
    const settings = testSettings()
    settings.network = {
      caCertificates: '-----BEGIN CERTIFICATE-----\n…\n-----END CERTIFICATE-----\n'
    }
    expect(describeSetup(settings)).toContain(
      'ca-certificate: 1 CA certificate(s) trusted by the health and Prometheus probes, in addition to the default roots'
    )
    expect(describeSetup(testSettings()).some((n) => n.startsWith('ca-certificate'))).toBe(false)
  })

  it('warns loudly when host keys are not checked, and says a dry run runs nothing', () => {
    const settings = testSettings({
      'ssh-host': 'h',
      'ssh-user': 'u',
      'ssh-private-key':
        '-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----',
      'ssh-insecure-skip-host-key-check': 'true',
      'dry-run': 'true'
    })
    const notes = describeSetup(settings)
    expect(warnings(settings)).toEqual([expect.stringContaining('NOT verified')])
    expect(notes).toEqual(expect.arrayContaining([expect.stringContaining('dry run: no restart')]))
  })

  it('warns when rollback.verify is not much longer than datadog-lag', () => {
    const dd = {
      'metrics-provider': 'datadog',
      'datadog-api-key': 'k0123456789',
      'datadog-app-key': 'k9876543210',
      'error-rate-query': 'sum:a{*}',
      'latency-query': 'p95:b{*}',
      'request-rate-query': 'sum:c{*}',
      'watch-duration': '1h'
    }
    expect(warnings(testSettings({ ...dd, 'datadog-lag': '15m' }))).toEqual([
      expect.stringMatching(/^rollback\.verify \S+ is not much longer than datadog-lag 15m/)
    ])
    expect(warnings(testSettings(dd))).toEqual([])
  })
})
