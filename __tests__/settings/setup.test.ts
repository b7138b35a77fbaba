// What the action says about its own setup before it watches.
import { cloudWatchEndpoint, describeSetup as notesOf } from '../../src/settings/setup.js'
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
      'ca-certificate: 1 CA certificate(s) trusted by the health probe and the metric provider, in addition to the default roots'
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

  describe('rollback.verify against CloudWatch delay (cloudwatch-lag + the longest period)', () => {
    const metric = (id: string, period: number, returned = false) => ({
      Id: id,
      MetricStat: {
        Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'RequestCount' },
        Period: period,
        Stat: 'Sum'
      },
      ReturnData: returned
    })
    const cw = (lag: string, periods: { error: number; latency: number }, replay = false) => ({
      'metrics-provider': 'cloudwatch',
      'cloudwatch-region': 'eu-west-1',
      'cloudwatch-lag': lag,
      'error-rate-query': JSON.stringify([
        { Id: 'e', Expression: 'FILL(m1,0)/m2' },
        metric('m1', periods.error),
        metric('m2', periods.error)
      ]),
      'latency-query': JSON.stringify([metric('p', periods.latency, true)]),
      'request-rate-query': JSON.stringify([metric('r', periods.error, true)]),
      'watch-duration': '1h',
      ...(replay ? { mode: 'replay', 'replay-deploys': '2026-11-01T10:00:00Z abc1234' } : {})
    })
    const verify = (v: string) => `rollback: { verify: ${v} }`

    it.each([
      // verify, cloudwatch-lag, error/latency periods, the warning (or none)
      ['5m', '2m', { error: 60, latency: 60 }, undefined],
      ['3m', '2m', { error: 60, latency: 60 }, undefined],
      [
        '2m',
        '2m',
        { error: 60, latency: 60 },
        "rollback.verify 2m is shorter than CloudWatch's delay 3m (cloudwatch-lag 2m + the 60 s period of error-rate-query)"
      ],
      [
        '5m',
        '2m',
        { error: 60, latency: 300 },
        "rollback.verify 5m is shorter than CloudWatch's delay 7m (cloudwatch-lag 2m + the 300 s period of latency-query)"
      ],
      [
        '30s',
        '0s',
        { error: 60, latency: 60 },
        "rollback.verify 30s is shorter than CloudWatch's delay 1m (cloudwatch-lag 0s + the 60 s period of error-rate-query)"
      ],
      ['10s', '5s', { error: 5, latency: 5 }, undefined]
    ])('verify %s, lag %s, periods %j → %s', (v, lag, periods, expected) => {
      const got = warnings(testSettings(cw(lag, periods), { policy: verify(v) })).filter((w) =>
        w.startsWith('rollback.verify')
      )
      if (expected === undefined) expect(got).toEqual([])
      else {
        expect(got).toEqual([expect.stringContaining(expected)])
        // What to change, with the value that would do.
        const delay = /delay (\S+)/.exec(expected)?.[1]
        expect(got[0]).toContain(`set rollback.verify in the policy to at least ${delay}`)
        expect(got[0]).toContain('or lower cloudwatch-lag')
      }
    })

    it('a replay rolls nothing back: no warning', () => {
      const got = warnings(
        testSettings(cw('2m', { error: 60, latency: 60 }, true), { policy: verify('1m') })
      )
      expect(got.filter((w) => w.startsWith('rollback.verify'))).toEqual([])
    })
  })

  it('the CloudWatch endpoint the route line names: the override, else the region given or AWS_REGION', () => {
    const base = {
      'metrics-provider': 'cloudwatch',
      'error-rate-query': '[{"Id":"e","Expression":"SEARCH(x)","Period":60}]',
      'latency-query': '[{"Id":"p","Expression":"SEARCH(y)","Period":60}]',
      'request-rate-query': '[{"Id":"r","Expression":"SEARCH(z)","Period":60}]'
    }
    const env = { AWS_REGION: 'us-east-2' }
    expect(cloudWatchEndpoint(testSettings(base), env)).toBe(
      'https://monitoring.us-east-2.amazonaws.com'
    )
    expect(
      cloudWatchEndpoint(testSettings({ ...base, 'cloudwatch-region': 'cn-north-1' }), env)
    ).toBe('https://monitoring.cn-north-1.amazonaws.com.cn')
    expect(
      cloudWatchEndpoint(
        testSettings({ ...base, 'cloudwatch-endpoint': 'https://vpce-1.monitoring.example' }),
        env
      )
    ).toBe('https://vpce-1.monitoring.example')
    expect(cloudWatchEndpoint(testSettings(base), {})).toBeUndefined()
    expect(cloudWatchEndpoint(testSettings(), env)).toBeUndefined()
  })
})
