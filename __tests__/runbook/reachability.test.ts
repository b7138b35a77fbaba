// rule: unreachable-from-runner — a runner that cannot reach health-url (DNS, TLS, proxy) while
// Prometheus shows the service serving normally is a monitoring problem, never a rollback.
import { decide } from '../../src/runbook/decide.js'
import {
  isPathFailure,
  servingNormally,
  withUnreachableAsUnknown
} from '../../src/runbook/reachability.js'
import type { HealthReading, NoAnswerKind, Sample } from '../../src/runbook/types.js'
import { ctx, EVERY, policy, sample, type SampleSpec } from '../../__fixtures__/samples.js'

const P = policy()

function pathDown(
  kind: NoAnswerKind,
  reason = 'TLS certificate signed by an unknown CA'
): HealthReading {
  return { status: 'down', reason, noAnswer: kind, failedAttempts: 3 }
}

/** n samples, EVERY apart, health failing with `kind` and Prometheus as given. */
function run(n: number, kind: NoAnswerKind, extra: SampleSpec = {}): Sample[] {
  return Array.from({ length: n }, (_, i) =>
    withTraffic(sample({ at: i * EVERY, health: pathDown(kind), errorRate: 0.004, ...extra }))
  )
}

function withTraffic(s: Sample, rps = 212): Sample {
  return { ...s, requestRate: { status: 'measured', value: rps } }
}

describe('unreachable-from-runner', () => {
  it.each<[string, HealthReading, boolean]>([
    ['unreachable-from-runner: a TLS failure is a path failure', pathDown('tls'), true],
    ['unreachable-from-runner: a DNS failure is a path failure', pathDown('dns'), true],
    ['unreachable-from-runner: a proxy failure (407) is a path failure', pathDown('proxy'), true],
    [
      'unreachable-from-runner: refused is not (the port answered: nobody listens)',
      pathDown('refused'),
      false
    ],
    ['unreachable-from-runner: a timeout is not', pathDown('timeout'), false],
    [
      'unreachable-from-runner: an HTTP 503 is not',
      { status: 'down', httpStatus: 503, failedAttempts: 3 },
      false
    ],
    ['unreachable-from-runner: up is not', { status: 'up', httpStatus: 200 }, false]
  ])('%s', (_name, health, expected) => {
    expect(isPathFailure(health)).toBe(expected)
  })

  it.each<[string, SampleSpec, number, string | null]>([
    [
      'unreachable-from-runner: 212 req/s at 0.4% errors is serving',
      { errorRate: 0.004 },
      212,
      '212 req/s at 0.4% errors'
    ],
    ['unreachable-from-runner: no traffic is not serving', { errorRate: 0 }, 0, null],
    [
      'unreachable-from-runner: errors at elevated (5%) are not normal',
      { errorRate: 0.05 },
      212,
      null
    ],
    [
      'unreachable-from-runner: errors just under elevated are normal',
      { errorRate: 0.0499 },
      212,
      '212 req/s at 5.0% errors'
    ],
    [
      'unreachable-from-runner: an unknown error rate shows nothing',
      { errorRate: 'unknown' },
      212,
      null
    ],
    [
      'unreachable-from-runner: too little traffic (insufficient) shows nothing',
      { errorRate: 'insufficient' },
      212,
      null
    ],
    ['unreachable-from-runner: no Prometheus shows nothing', { errorRate: 'off' }, 212, null]
  ])('%s', (_name, spec, rps, expected) => {
    expect(servingNormally(withTraffic(sample(spec), rps), P)).toBe(expected)
  })

  it('unreachable-from-runner: below min-requests is not serving', () => {
    const p = policy({ errorRate: { minRequests: 300 } })
    expect(servingNormally(withTraffic(sample({ errorRate: 0.004 }), 212), p)).toBeNull()
    expect(servingNormally(withTraffic(sample({ errorRate: 0.004 }), 300), p)).toBe(
      '300 req/s at 0.4% errors'
    )
  })

  it('unreachable-from-runner: health becomes unknown, with a reason that says why', () => {
    const [first] = withUnreachableAsUnknown(run(1, 'tls'), P)
    expect(first.health.status).toBe('unknown')
    expect(first.health.reason).toBe(
      'health-url unreachable from this runner: TLS certificate signed by an unknown CA; Prometheus shows 212 req/s at 0.4% errors'
    )
  })

  it('unreachable-from-runner: the verdict is never a rollback: continue, then inconclusive at unknown-limit', () => {
    const history = run(P.unknownLimit, 'proxy')
    const early = decide(history.slice(0, 1), P, ctx(0))
    expect(early.decision).toBe('continue')
    expect(early.reason).toContain('health-url unreachable from this runner')
    const late = decide(history, P, ctx((P.unknownLimit - 1) * EVERY))
    expect(late).toMatchObject({ decision: 'inconclusive', rule: 'monitoring-outage' })
    expect(late.reason).toContain('Prometheus shows 212 req/s')
  })

  it('unreachable-from-runner: without the rule this history would roll back (service-down)', () => {
    const history = run(1, 'dns', { errorRate: 'off' })
    expect(decide(history, P, ctx(0))).toMatchObject({ decision: 'rollback', rule: 'service-down' })
  })

  it('unreachable-from-runner: a Prometheus blip inside an established run keeps health unknown', () => {
    const history = run(3, 'tls')
    history[1] = { ...history[1], errorRate: { status: 'unknown', value: null, reason: 'refused' } }
    const view = withUnreachableAsUnknown(history, P)
    expect(view.map((s) => s.health.status)).toEqual(['unknown', 'unknown', 'unknown'])
    expect(view[1].health.reason).toContain('could not be read this cycle')
  })

  it('unreachable-from-runner: a blip before any normal reading proves nothing: health stays down', () => {
    const history = run(2, 'tls')
    history[0] = { ...history[0], errorRate: { status: 'unknown', value: null, reason: 'refused' } }
    expect(withUnreachableAsUnknown(history, P).map((s) => s.health.status)).toEqual([
      'down',
      'unknown'
    ])
  })

  it('unreachable-from-runner: Prometheus measuring errors ends it: the failure is read as down', () => {
    const history = run(3, 'tls')
    history[2] = { ...history[2], errorRate: { status: 'measured', value: 0.3 } }
    const view = withUnreachableAsUnknown(history, P)
    expect(view.map((s) => s.health.status)).toEqual(['unknown', 'unknown', 'down'])
  })

  it('unreachable-from-runner: a service that was up and then fails at transport level is down', () => {
    const history = [
      withTraffic(sample({ at: 0, health: 'up' })),
      ...run(2, 'tls').map((s) => ({ ...s, at: s.at + EVERY }))
    ]
    expect(withUnreachableAsUnknown(history, P)).toBe(history)
    expect(decide(history, P, ctx(2 * EVERY)).rule).toBe('service-down')
  })

  it('unreachable-from-runner: an HTTP answer (502) is down even while Prometheus shows traffic', () => {
    const history = [withTraffic(sample({ health: 'down', errorRate: 0.004 }))]
    expect(decide(history, P, ctx(0))).toMatchObject({ decision: 'rollback', rule: 'service-down' })
  })
})
