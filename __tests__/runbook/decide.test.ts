import { decide, evaluateRules } from '../../src/runbook/decide.js'
import { nextLevel } from '../../src/runbook/levels.js'
import { DEFAULT_POLICY } from '../../src/runbook/defaults.js'
import { RULE_CHAIN, RULES } from '../../src/runbook/rules.js'
import type {
  DecideContext,
  Decision,
  Policy,
  RollbackLevel,
  RuleId,
  Sample,
  Severity,
  Trend
} from '../../src/runbook/types.js'
import {
  MIN,
  SEC,
  T0,
  ctx,
  latencies,
  noisy,
  policy,
  ramp,
  rates,
  sample,
  series,
  steady,
  twoSpeed,
  type SampleSpec
} from '../../__fixtures__/samples.js'

interface Want {
  decision: Decision
  rule: RuleId
  severity?: Severity
  /** null: no level at all. */
  level?: RollbackLevel | null
  /** Fragments the reason must contain. */
  reason?: string[]
  trend?: Trend
  /** Offset from T0. */
  decideBy?: number
  evidence?: number
}

interface Row {
  name: string
  history: Sample[]
  now: number
  over?: Partial<DecideContext>
  pol?: Policy
  want: Want
}

function check({ history, now, over, pol, want }: Row): void {
  const v = decide(history, pol ?? DEFAULT_POLICY, ctx(now, over))
  expect({ decision: v.decision, rule: v.rule }).toEqual({
    decision: want.decision,
    rule: want.rule
  })
  if (want.severity) expect(v.severity).toBe(want.severity)
  if (want.level === null) expect(v.level).toBeUndefined()
  else if (want.level !== undefined) expect(v.level).toBe(want.level)
  for (const fragment of want.reason ?? []) expect(v.reason).toContain(fragment)
  if (want.trend) expect(v.trend).toBe(want.trend)
  if (want.decideBy !== undefined) expect(v.decideBy).toBe(T0 + want.decideBy)
  if (want.evidence !== undefined) expect(v.evidence).toHaveLength(want.evidence)
  // One sentence, no line breaks.
  expect(v.reason).not.toMatch(/\.\s|\n/)
  expect(v.reason.length).toBeGreaterThan(0)
}

/** Up since T0, then `specs`: a service that was up and went down. */
const upThen = (downFrom: number, specs: SampleSpec[]): Sample[] => [
  sample({ at: 0 }),
  ...series(specs, downFrom)
]
const down = (count: number): SampleSpec[] =>
  Array.from({ length: count }, () => ({ health: 'down' }))

describe('empty history', () => {
  it('healthy: no samples yet → continue', () => {
    const v = decide([], DEFAULT_POLICY, ctx(0))
    expect(v).toEqual({
      decision: 'continue',
      severity: 'none',
      rule: 'healthy',
      reason: 'no samples yet',
      evidence: []
    })
  })
})

describe('security-breach', () => {
  it.each<Row>([
    {
      name: 'security-breach: an alert isolates, never a rollback',
      history: [sample({ security: 'alert' })],
      now: 0,
      want: {
        decision: 'isolate',
        rule: 'security-breach',
        severity: 'P1',
        level: null,
        reason: [
          'do NOT roll back',
          'isolate',
          'preserve evidence',
          'security clearance',
          'Level 3'
        ],
        evidence: 1
      }
    },
    {
      name: 'security-breach: security alert + service down → isolate',
      history: [sample({ security: 'alert', health: 'down' })],
      now: 0,
      want: { decision: 'isolate', rule: 'security-breach', level: null }
    },
    {
      name: 'security-breach: security alert + data corruption → isolate',
      history: [sample({ security: 'alert', corruption: 'alert', errorRate: 0.7 })],
      now: 0,
      want: { decision: 'isolate', rule: 'security-breach' }
    },
    {
      name: 'security-breach: a failed level does not turn isolation into a rollback',
      history: [sample({ security: 'alert' })],
      now: 0,
      over: { failedLevels: [1] },
      want: { decision: 'isolate', rule: 'security-breach', level: null }
    },
    {
      name: 'security-breach: check ok is not a breach',
      history: [sample({ security: 'ok' })],
      now: 0,
      want: { decision: 'healthy', rule: 'healthy' }
    },
    {
      name: 'security-breach: check unknown is not a breach',
      history: [sample({ security: 'unknown' })],
      now: 0,
      want: { decision: 'healthy', rule: 'healthy' }
    }
  ])('$name', check)
})

describe('data-corruption', () => {
  it.each<Row>([
    {
      name: 'data-corruption: corruption detected → Level 3',
      history: [sample({ corruption: 'alert' })],
      now: 0,
      want: {
        decision: 'rollback',
        rule: 'data-corruption',
        severity: 'P1',
        level: 3,
        reason: ['data corruption detected', 'Level 3', '(P1)']
      }
    },
    {
      name: 'data-corruption: corruption + error rate 70% → Level 3',
      history: [sample({ corruption: 'alert', errorRate: 0.7 })],
      now: 0,
      want: { decision: 'rollback', rule: 'data-corruption', level: 3 }
    },
    {
      name: 'data-corruption: corruption + database failure + down → Level 3',
      history: [sample({ corruption: 'alert', database: 'alert', health: 'down' })],
      now: 0,
      want: { decision: 'rollback', rule: 'data-corruption', level: 3 }
    },
    {
      name: 'data-corruption: Level 3 failed → manual, no level left',
      history: [sample({ corruption: 'alert' })],
      now: 0,
      over: { failedLevels: [3] },
      want: {
        decision: 'manual',
        rule: 'data-corruption',
        level: null,
        reason: [
          'Level 3 failed',
          'next level 4 is above rollback.max-level 3',
          'manual intervention required'
        ]
      }
    },
    {
      name: 'data-corruption: rollback.max-level 2 → manual at Level 3',
      history: [sample({ corruption: 'alert' })],
      now: 0,
      pol: policy({ rollback: { maxLevel: 2 } }),
      want: {
        decision: 'manual',
        rule: 'data-corruption',
        level: 3,
        reason: ['Level 3 is above rollback.max-level 2: manual intervention required']
      }
    },
    {
      name: 'data-corruption: check unknown is not corruption',
      history: [sample({ corruption: 'unknown' })],
      now: 0,
      want: { decision: 'healthy', rule: 'healthy' }
    }
  ])('$name', check)
})

describe('database-failure', () => {
  it.each<Row>([
    {
      name: 'database-failure: database check fails → Level 2',
      history: [sample({ database: 'alert' })],
      now: 0,
      want: {
        decision: 'rollback',
        rule: 'database-failure',
        severity: 'P1',
        level: 2,
        reason: ['database check failed (P1)']
      }
    },
    {
      name: 'database-failure: database + service down → Level 2 (database first)',
      history: [sample({ database: 'alert', health: 'down' })],
      now: 0,
      want: { decision: 'rollback', rule: 'database-failure', level: 2 }
    },
    {
      name: 'database-failure: Level 2 failed → Level 3',
      history: [sample({ database: 'alert' })],
      now: 0,
      over: { failedLevels: [2] },
      want: {
        decision: 'rollback',
        rule: 'database-failure',
        level: 3,
        reason: ['Level 2 failed, escalating to Level 3']
      }
    },
    {
      name: 'database-failure: rollback.max-level 1 → manual',
      history: [sample({ database: 'alert' })],
      now: 0,
      pol: policy({ rollback: { maxLevel: 1 } }),
      want: { decision: 'manual', rule: 'database-failure', level: 2 }
    },
    {
      name: 'database-failure: check ok is not a failure',
      history: [sample({ database: 'ok' })],
      now: 0,
      want: { decision: 'healthy', rule: 'healthy' }
    }
  ])('$name', check)
})

describe('service-down', () => {
  it.each<Row>([
    {
      name: 'service-down: never up since the deploy → Level 1 now',
      history: series(down(2)),
      now: 30 * SEC,
      want: {
        decision: 'rollback',
        rule: 'service-down',
        severity: 'P1',
        level: 1,
        reason: ['health down (HTTP 503) confirmed by 2 re-probes; never up since the deploy (P1)'],
        evidence: 2
      }
    },
    {
      name: 'service-down: never up, even with a restart command → Level 1, no restart',
      history: series(down(1)),
      now: 0,
      over: { restartAvailable: true },
      want: { decision: 'rollback', rule: 'service-down', level: 1 }
    },
    {
      name: 'service-down: up before the deploy does not count as up since the deploy',
      history: [sample({ at: -2 * MIN }), sample({ at: 0, health: 'down' })],
      now: 0,
      over: { restartAvailable: true },
      want: { decision: 'rollback', rule: 'service-down', level: 1, reason: ['never up since'] }
    },
    {
      name: 'service-down: a single failed probe (not confirmed) is not down',
      history: [sample({ at: 0 }), sample({ at: 30 * SEC, health: 'down-unconfirmed' })],
      now: 30 * SEC,
      want: {
        decision: 'continue',
        rule: 'healthy',
        reason: ['health unknown for 1 consecutive sample']
      }
    },
    {
      name: 'service-down: probe + 1 re-probe failed of confirm 2 is not confirmed',
      history: [
        sample({ at: 0 }),
        sample({ at: 30 * SEC, health: { status: 'down', httpStatus: 503, failedAttempts: 2 } })
      ],
      now: 30 * SEC,
      want: { decision: 'continue', rule: 'healthy' }
    },
    {
      name: 'service-down: confirm 0 → one failed probe is confirmed',
      history: series(down(1)).map((s) => ({ ...s, health: { ...s.health, failedAttempts: 1 } })),
      now: 0,
      pol: policy({ health: { confirm: 0 } }),
      want: { decision: 'rollback', rule: 'service-down', level: 1 }
    },
    {
      name: 'service-down: was up, down 1m, restart available → restart first',
      history: upThen(MIN, down(1)),
      now: 2 * MIN,
      over: { restartAvailable: true },
      want: {
        decision: 'restart',
        rule: 'service-down',
        severity: 'P1',
        level: null,
        reason: ['down for 1m after being up', 'restart first']
      }
    },
    {
      name: 'service-down: was up, down 1m, restart already tried → Level 1',
      history: upThen(MIN, down(3)),
      now: 2 * MIN,
      over: { restartAvailable: true, restartsTried: ['service-down'] },
      want: {
        decision: 'rollback',
        rule: 'service-down',
        level: 1,
        reason: ['restart already tried'],
        evidence: 3
      }
    },
    {
      name: 'service-down: was up, down 1m, no restart command → Level 1',
      history: upThen(MIN, down(1)),
      now: 2 * MIN,
      want: { decision: 'rollback', rule: 'service-down', level: 1, reason: ['no restart command'] }
    },
    {
      name: 'service-down: was up, down exactly 2m → Level 1 (the 2-minute rule)',
      history: upThen(MIN, down(5)),
      now: 3 * MIN,
      over: { restartAvailable: true },
      want: { decision: 'rollback', rule: 'service-down', level: 1, reason: ['down for 2m after'] }
    },
    {
      name: 'service-down: was up, down 1m59s → restart still',
      history: upThen(MIN, down(4)),
      now: 2 * MIN + 59 * SEC,
      over: { restartAvailable: true },
      want: { decision: 'restart', rule: 'service-down' }
    },
    {
      name: 'service-down: was up, down 4m → Level 1',
      history: upThen(MIN, down(9)),
      now: 5 * MIN,
      want: { decision: 'rollback', rule: 'service-down', level: 1 }
    },
    {
      name: 'service-down: was up, down exactly 5m → Level 1',
      history: upThen(MIN, down(11)),
      now: 6 * MIN,
      want: { decision: 'rollback', rule: 'service-down', level: 1, reason: ['down for 5m after'] }
    },
    {
      name: 'service-down: was up, down 5m30s → Level 2',
      history: upThen(MIN, down(12)),
      now: 6 * MIN + 30 * SEC,
      want: {
        decision: 'rollback',
        rule: 'service-down',
        level: 2,
        reason: ['down for 5m30s after being up', 'more than 5m']
      }
    },
    {
      name: 'service-down: unknown health inside the streak neither breaks nor starts it',
      history: upThen(MIN, [
        { health: 'down' },
        { health: 'unknown' },
        { health: 'down-unconfirmed' },
        { health: 'down' }
      ]),
      now: 6 * MIN + 30 * SEC,
      want: { decision: 'rollback', rule: 'service-down', level: 2, evidence: 4 }
    },
    {
      name: 'service-down: unknown health before the first down does not start the streak',
      history: upThen(MIN, [{ health: 'unknown' }, { health: 'unknown' }, { health: 'down' }]),
      now: 2 * MIN + 30 * SEC,
      over: { restartAvailable: true },
      want: { decision: 'restart', rule: 'service-down', reason: ['down for 30s'], evidence: 1 }
    },
    {
      name: 'service-down: an up sample breaks the streak',
      history: upThen(MIN, [{ health: 'down' }, { health: 'up' }, { health: 'down' }]),
      now: 2 * MIN,
      over: { restartAvailable: true },
      want: { decision: 'restart', rule: 'service-down', evidence: 1 }
    },
    {
      name: 'service-down: a slow sample counts as up since the deploy',
      history: [
        sample({ at: 0, health: 'slow', p95: 0.3 }),
        sample({ at: 30 * SEC, health: 'down' })
      ],
      now: 30 * SEC,
      over: { restartAvailable: true },
      want: { decision: 'restart', rule: 'service-down' }
    },
    {
      name: 'service-down: Level 1 failed, down 3m → Level 2',
      history: upThen(MIN, down(7)),
      now: 4 * MIN,
      over: { failedLevels: [1], restartAvailable: true },
      want: {
        decision: 'rollback',
        rule: 'service-down',
        level: 2,
        reason: ['Level 1 failed, escalating to Level 2']
      }
    },
    {
      name: 'service-down: down + error rate 70% → service-down',
      history: series([{ health: 'down', errorRate: 0.7 }]),
      now: 0,
      want: { decision: 'rollback', rule: 'service-down', level: 1 }
    }
  ])('$name', check)

  it('service-down: restart first, then Level 1 once the restart was tried', () => {
    const history = upThen(MIN, down(2))
    const first = decide(history, DEFAULT_POLICY, ctx(90 * SEC, { restartAvailable: true }))
    expect(first.decision).toBe('restart')
    const after = decide(
      [...history, sample({ at: 2 * MIN, health: 'down' })],
      DEFAULT_POLICY,
      ctx(2 * MIN, { restartAvailable: true, restartsTried: ['service-down'] })
    )
    expect(after).toMatchObject({ decision: 'rollback', level: 1, rule: 'service-down' })
  })
})

describe('critical-errors', () => {
  it.each<Row>([
    {
      name: 'critical-errors: 3 critical errors in the log → Level 1 now',
      history: [sample({ critical: 3, medium: 2 })],
      now: 0,
      want: {
        decision: 'rollback',
        rule: 'critical-errors',
        severity: 'P1',
        level: 1,
        reason: ['3 critical errors in the host log (P1)']
      }
    },
    {
      name: 'critical-errors: 1 critical error is enough',
      history: [sample({ critical: 1 })],
      now: 0,
      want: { decision: 'rollback', rule: 'critical-errors', reason: ['1 critical error in'] }
    },
    {
      name: 'critical-errors: log lines stay out of the reason',
      history: [sample({ critical: 2 })],
      now: 0,
      want: { decision: 'rollback', rule: 'critical-errors' }
    },
    {
      name: 'critical-errors: 0 critical, only medium errors → healthy P4',
      history: [sample({ critical: 0, medium: 4 })],
      now: 0,
      want: { decision: 'healthy', rule: 'healthy', severity: 'P4' }
    },
    {
      name: 'critical-errors: critical errors beat a watching error rate',
      history: rates([0.2, 0.2], 0, { critical: 1 }),
      now: 30 * SEC,
      want: { decision: 'rollback', rule: 'critical-errors', level: 1 }
    }
  ])('$name', check)

  it('critical-errors: the untrusted top lines are not in the reason', () => {
    const v = decide([sample({ critical: 2 })], DEFAULT_POLICY, ctx(0))
    expect(v.reason).not.toContain('FATAL')
    expect(v.evidence[0].host.errorLog.top).toEqual(['FATAL: database connection failed'])
  })
})

describe('error-rate-critical', () => {
  it.each<Row>([
    {
      name: 'error-rate-critical: 62% → Level 1 now',
      history: rates([0.62]),
      now: 0,
      want: {
        decision: 'rollback',
        rule: 'error-rate-critical',
        severity: 'P1',
        level: 1,
        reason: ['error rate 62.0% > critical 50% (P1)'],
        evidence: 1
      }
    },
    {
      name: 'error-rate-critical: just above 50% (50.1%) → Level 1 now',
      history: rates([0.501]),
      now: 0,
      want: { decision: 'rollback', rule: 'error-rate-critical', reason: ['50.1% > critical 50%'] }
    },
    {
      name: 'error-rate-critical: exactly 50% does not breach (error-rate-high watches)',
      history: rates([0.5]),
      now: 0,
      want: { decision: 'continue', rule: 'error-rate-high', reason: ['50.0% > high 10%'] }
    },
    {
      name: 'error-rate-critical: no wait: breaching on the first sample is enough',
      history: rates([0.001, 0.001, 0.9]),
      now: MIN,
      want: { decision: 'rollback', rule: 'error-rate-critical', level: 1 }
    },
    {
      name: 'error-rate-critical: an unknown rate is not a breach',
      history: rates(['unknown']),
      now: 0,
      want: { decision: 'continue', rule: 'healthy' }
    },
    {
      name: 'error-rate-critical: baseline 58% already breaching → pre-existing',
      history: rates([0.62]),
      now: 0,
      over: { baseline: { errorRate: 0.58, p95: null } },
      want: {
        decision: 'pre-existing',
        rule: 'error-rate-critical',
        severity: 'P1',
        level: null,
        reason: [
          'error rate 62.0% > critical 50%, but it was already 58.0% before the deploy',
          'rolling back would not help'
        ]
      }
    },
    {
      name: 'error-rate-critical: baseline 3%, now 60% → rollback',
      history: rates([0.6]),
      now: 0,
      over: { baseline: { errorRate: 0.03, p95: 0.2 } },
      want: { decision: 'rollback', rule: 'error-rate-critical', level: 1 }
    },
    {
      name: 'error-rate-critical: baseline unknown blocks nothing',
      history: rates([0.6]),
      now: 0,
      over: { baseline: { errorRate: null, p95: null } },
      want: { decision: 'rollback', rule: 'error-rate-critical', level: 1 }
    },
    {
      name: 'error-rate-critical: fast 63% on 2 consecutive samples, steady 18% > high → Level 1 now',
      history: twoSpeed([
        [0.01, 0.01],
        [0.12, 0.6],
        [0.18, 0.63]
      ]),
      now: 2 * 30 * SEC,
      want: {
        decision: 'rollback',
        rule: 'error-rate-critical',
        severity: 'P1',
        level: 1,
        reason: [
          'fast error rate 63.0% > critical 50% on 2 consecutive samples and error rate 18.0% > high 10% (P1)'
        ],
        evidence: 2
      }
    },
    {
      name: 'error-rate-critical: fast above critical on one sample only → not yet (error-rate-high watches)',
      history: twoSpeed([
        [0.12, 0.3],
        [0.18, 0.63]
      ]),
      now: 30 * SEC,
      want: { decision: 'continue', rule: 'error-rate-high' }
    },
    {
      name: 'error-rate-critical: fast exactly 50% is not above critical',
      history: twoSpeed([
        [0.12, 0.5],
        [0.18, 0.5]
      ]),
      now: 30 * SEC,
      want: { decision: 'continue', rule: 'error-rate-high' }
    },
    {
      name: 'error-rate-critical: fast spikes to 90% twice while the steady rate is 3% → no breach (irate noise)',
      history: twoSpeed([
        [0.03, 0.9],
        [0.03, 0.9]
      ]),
      now: 30 * SEC,
      want: { decision: 'healthy', rule: 'healthy' }
    },
    {
      name: 'error-rate-critical: steady exactly at high (10%) does not open the fast path',
      history: twoSpeed([
        [0.1, 0.7],
        [0.1, 0.7]
      ]),
      now: 30 * SEC,
      want: { decision: 'continue', rule: 'error-rate-elevated' }
    },
    {
      name: 'error-rate-critical: an unknown fast sample breaks the run',
      history: twoSpeed([
        [0.15, 0.7],
        [0.16, 'unknown'],
        [0.18, 0.7]
      ]),
      now: 2 * 30 * SEC,
      want: { decision: 'continue', rule: 'error-rate-high' }
    },
    {
      name: 'error-rate-critical: fast not configured → the steady rate alone (18% is error-rate-high)',
      history: rates([0.12, 0.18]),
      now: 30 * SEC,
      want: { decision: 'continue', rule: 'error-rate-high' }
    },
    {
      name: 'error-rate-critical: fast off → the steady rate alone',
      history: twoSpeed([
        [0.12, 'off'],
        [0.18, 'off']
      ]),
      now: 30 * SEC,
      want: { decision: 'continue', rule: 'error-rate-high' }
    },
    {
      name: 'error-rate-critical: steady above critical still acts on one sample, whatever the fast rate',
      history: twoSpeed([[0.55, 0.2]]),
      now: 0,
      want: {
        decision: 'rollback',
        rule: 'error-rate-critical',
        reason: ['error rate 55.0% > critical 50% (P1)']
      }
    },
    {
      name: 'error-rate-critical: steady baseline 15% already above high → no fast path (error-rate-high pre-existing)',
      history: twoSpeed([
        [0.18, 0.7],
        [0.19, 0.8]
      ]),
      now: 30 * SEC,
      over: { baseline: { errorRate: 0.15, p95: null } },
      want: { decision: 'pre-existing', rule: 'error-rate-high' }
    },
    {
      name: 'error-rate-critical: steady baseline 2% → the fast path acts',
      history: twoSpeed([
        [0.18, 0.7],
        [0.19, 0.8]
      ]),
      now: 30 * SEC,
      over: { baseline: { errorRate: 0.02, p95: null } },
      want: { decision: 'rollback', rule: 'error-rate-critical', level: 1 }
    },
    {
      name: 'error-rate-critical: health.confirm 3 → the fast rate must hold on 3 samples',
      history: twoSpeed([
        [0.12, 0.7],
        [0.18, 0.7]
      ]),
      now: 30 * SEC,
      pol: policy({ health: { confirm: 3 } }),
      want: { decision: 'continue', rule: 'error-rate-high' }
    },
    {
      name: 'error-rate-critical: health.confirm 0 → one fast sample is enough',
      history: twoSpeed([[0.12, 0.7]]),
      now: 0,
      pol: policy({ health: { confirm: 0 } }),
      want: { decision: 'rollback', rule: 'error-rate-critical', evidence: 1 }
    },
    {
      name: 'error-rate-critical: Level 1 failed → Level 2',
      history: rates([0.7]),
      now: 0,
      over: { failedLevels: [1] },
      want: {
        decision: 'rollback',
        rule: 'error-rate-critical',
        level: 2,
        reason: ['error rate 70.0% > critical 50% (P1); Level 1 failed, escalating to Level 2']
      }
    },
    {
      name: 'error-rate-critical: Levels 1 and 2 failed → Level 3',
      history: rates([0.7]),
      now: 0,
      over: { failedLevels: [1, 2] },
      want: { decision: 'rollback', rule: 'error-rate-critical', level: 3 }
    },
    {
      name: 'error-rate-critical: max-level 1 and Level 1 failed → manual',
      history: rates([0.7]),
      now: 0,
      over: { failedLevels: [1] },
      pol: policy({ rollback: { maxLevel: 1 } }),
      want: {
        decision: 'manual',
        rule: 'error-rate-critical',
        level: 2,
        reason: [
          'Level 1 failed; next level 2 is above rollback.max-level 1: manual intervention required'
        ]
      }
    },
    {
      name: 'error-rate-critical: every level failed → manual without a level',
      history: rates([0.7]),
      now: 0,
      over: { failedLevels: [1, 2, 3] },
      want: { decision: 'manual', rule: 'error-rate-critical', level: null }
    }
  ])('$name', check)
})

describe('error-rate-high', () => {
  it.each<Row>([
    {
      name: 'error-rate-high: exactly 10% does not breach (elevated watches)',
      history: rates([0.1]),
      now: 0,
      want: { decision: 'continue', rule: 'error-rate-elevated' }
    },
    {
      name: 'error-rate-high: exactly 10% for 5m is still no rollback',
      history: rates(steady(0.1, 0, 5 * MIN)),
      now: 5 * MIN,
      want: { decision: 'continue', rule: 'error-rate-elevated', reason: ['10m left'] }
    },
    {
      name: 'error-rate-high: just above 10% (10.1%) opens a 5-minute window',
      history: rates([0.101]),
      now: 0,
      want: {
        decision: 'continue',
        rule: 'error-rate-high',
        severity: 'P2',
        reason: ['error rate 10.1% > high 10% (P2): watching the 5m window, 5m left'],
        decideBy: 5 * MIN
      }
    },
    {
      name: 'error-rate-high: 20% at 1m40s into the window → watching, 3m20s left',
      history: rates([0.001, ...steady(0.2, 0, 90 * SEC)]),
      now: 2 * MIN + 10 * SEC,
      want: {
        decision: 'continue',
        rule: 'error-rate-high',
        reason: ['3m20s left'],
        decideBy: 30 * SEC + 5 * MIN
      }
    },
    {
      name: 'error-rate-high: stable 20% at 4m30s → still watching',
      history: rates(steady(0.2, 0, 4.5 * MIN)),
      now: 4.5 * MIN,
      want: { decision: 'continue', rule: 'error-rate-high', reason: ['30s left'] }
    },
    {
      name: 'error-rate-high: stable 20% for 5m → Level 1',
      history: rates(steady(0.2, 0, 5 * MIN)),
      now: 5 * MIN,
      want: {
        decision: 'rollback',
        rule: 'error-rate-high',
        severity: 'P2',
        level: 1,
        trend: 'stable',
        reason: ['error rate 20.0% > high 10% for 5m, not improving (20.0% → 20.0%) (P2)'],
        evidence: 11
      }
    },
    {
      name: 'error-rate-high: worse 15% → 30% over 5m → Level 1',
      history: rates(ramp(0.15, 0.3, 11)),
      now: 5 * MIN,
      want: {
        decision: 'rollback',
        rule: 'error-rate-high',
        level: 1,
        trend: 'worse',
        reason: ['error rate 30.0% > high 10% for 5m, getting worse']
      }
    },
    {
      name: 'error-rate-high: improving 40% → 12% over 5m → keep monitoring',
      history: rates(ramp(0.4, 0.12, 11)),
      now: 5 * MIN,
      want: {
        decision: 'continue',
        rule: 'error-rate-high',
        trend: 'improving',
        reason: ['improving', 'keep monitoring'],
        decideBy: 10 * MIN
      }
    },
    {
      name: 'error-rate-high: noise of ±2% around 20% is not improving → Level 1',
      history: rates(noisy(0.2, 0.02, 11)),
      now: 5 * MIN,
      want: { decision: 'rollback', rule: 'error-rate-high', level: 1, trend: 'stable' }
    },
    {
      name: 'error-rate-high: noise of ±1% around 20% is not improving → Level 1',
      history: rates(noisy(0.2, 0.01, 11)),
      now: 5 * MIN,
      want: { decision: 'rollback', rule: 'error-rate-high', level: 1, trend: 'stable' }
    },
    {
      name: 'error-rate-high: the window slides: improving at 5m, stable from 5m to 10m → Level 1',
      history: rates([...steady(0.4, 0, 150 * SEC), ...steady(0.2, 180 * SEC, 10 * MIN)]),
      now: 10 * MIN,
      want: {
        decision: 'rollback',
        rule: 'error-rate-high',
        level: 1,
        trend: 'stable',
        evidence: 11
      }
    },
    {
      name: 'error-rate-high: the sliding window at 5m of the same series is improving',
      history: rates([...steady(0.4, 0, 150 * SEC), ...steady(0.2, 180 * SEC, 5 * MIN)]),
      now: 5 * MIN,
      want: { decision: 'continue', rule: 'error-rate-high', trend: 'improving' }
    },
    {
      name: 'error-rate-high: a measured dip to 8% ends the episode; the next breach restarts the window',
      history: rates([...steady(0.2, 0, 4 * MIN), 0.08, 0.2, 0.2]),
      now: 5.5 * MIN,
      want: {
        decision: 'continue',
        rule: 'error-rate-high',
        reason: ['4m30s left'],
        decideBy: 10 * MIN
      }
    },
    {
      name: 'error-rate-high: insufficient samples neither break nor start the episode',
      history: rates(['insufficient', 0.2, 'insufficient', 'insufficient', 0.2]),
      now: 2 * MIN,
      want: { decision: 'continue', rule: 'error-rate-high', decideBy: 30 * SEC + 5 * MIN }
    },
    {
      name: 'error-rate-high: a rate above critical inside the episode does not restart the window',
      history: rates([0.2, 0.6, 0.2]),
      now: MIN,
      want: { decision: 'continue', rule: 'error-rate-high', decideBy: 5 * MIN }
    },
    {
      name: 'error-rate-high: Prometheus unknown from mid-window on never rolls back (outage)',
      history: rates([...steady(0.2, 0, 150 * SEC), ...steady('unknown', 180 * SEC, 5 * MIN)]),
      now: 5 * MIN,
      want: {
        decision: 'inconclusive',
        rule: 'monitoring-outage',
        reason: ['error rate unknown for 5 consecutive samples']
      }
    },
    {
      name: 'error-rate-high: Prometheus unknown from mid-window on is not stable (trend unknown)',
      history: rates([...steady(0.2, 0, 150 * SEC), ...steady('unknown', 180 * SEC, 5 * MIN)]),
      now: 5 * MIN,
      pol: policy({ unknownLimit: 20 }),
      want: {
        decision: 'continue',
        rule: 'error-rate-high',
        trend: 'unknown',
        reason: [
          '(last measured)',
          'trend unknown',
          'never a rollback on a window that could not be read'
        ]
      }
    },
    {
      name: 'error-rate-high: the last third unknown (3 samples, under the limit) → trend unknown, watching',
      history: rates([...steady(0.2, 0, 210 * SEC), 'unknown', 'unknown', 'unknown']),
      now: 5 * MIN,
      want: { decision: 'continue', rule: 'error-rate-high', trend: 'unknown' }
    },
    {
      name: 'error-rate-high: a short unknown blip mid-window is excluded; known thirds still decide',
      history: rates([0.2, 0.2, 0.2, 0.2, 'unknown', 'unknown', 'unknown', 0.2, 0.2, 0.2, 0.2]),
      now: 5 * MIN,
      want: { decision: 'rollback', rule: 'error-rate-high', level: 1, trend: 'stable' }
    },
    {
      name: 'error-rate-high: baseline 12% already above high → pre-existing',
      history: rates([0.2]),
      now: 0,
      over: { baseline: { errorRate: 0.12, p95: null } },
      want: {
        decision: 'pre-existing',
        rule: 'error-rate-high',
        severity: 'P2',
        reason: ['20.0% > high 10%, but it was already 12.0% before the deploy']
      }
    },
    {
      name: 'error-rate-high: baseline 9% (under high) does not block',
      history: rates(steady(0.2, 0, 5 * MIN)),
      now: 5 * MIN,
      over: { baseline: { errorRate: 0.09, p95: null } },
      want: { decision: 'rollback', rule: 'error-rate-high', level: 1 }
    },
    {
      name: 'error-rate-high: baseline unknown blocks nothing',
      history: rates([0.2]),
      now: 0,
      over: { baseline: { errorRate: null, p95: null } },
      want: { decision: 'continue', rule: 'error-rate-high' }
    },
    {
      name: 'error-rate-high: Level 1 failed, stable for 5m → Level 2',
      history: rates(steady(0.2, 0, 5 * MIN)),
      now: 5 * MIN,
      over: { failedLevels: [1] },
      want: { decision: 'rollback', rule: 'error-rate-high', level: 2 }
    }
  ])('$name', check)
})

describe('latency-severe', () => {
  const slowHealth = (ms: number): SampleSpec => ({
    p95: 'off',
    health: { status: 'slow', httpStatus: 200, latencyMs: ms, failedAttempts: 0 }
  })
  it.each<Row>([
    {
      name: 'latency-severe: exactly 5s does not breach (latency-degraded watches)',
      history: latencies([5]),
      now: 0,
      want: { decision: 'continue', rule: 'latency-degraded' }
    },
    {
      name: 'latency-severe: just above 5s (5.01s) opens a 5-minute window',
      history: latencies([5.01]),
      now: 0,
      want: {
        decision: 'continue',
        rule: 'latency-severe',
        severity: 'P2',
        reason: ['p95 5.01s > severe 5s (P2): watching the 5m window, 5m left'],
        decideBy: 5 * MIN
      }
    },
    {
      name: 'latency-severe: 6.2s at 2m → watching, 3m left',
      history: latencies(steady(6.2, 0, 2 * MIN)),
      now: 2 * MIN,
      want: { decision: 'continue', rule: 'latency-severe', reason: ['3m left'] }
    },
    {
      name: 'latency-severe: 6.2s for 5m, not improving → Level 1',
      history: latencies(steady(6.2, 0, 5 * MIN)),
      now: 5 * MIN,
      want: {
        decision: 'rollback',
        rule: 'latency-severe',
        severity: 'P2',
        level: 1,
        trend: 'stable',
        reason: ['p95 6.20s > severe 5s for 5m, not improving (6.20s → 6.20s) (P2)']
      }
    },
    {
      name: 'latency-severe: worse 5.5s → 9s over 5m → Level 1',
      history: latencies(ramp(5.5, 9, 11)),
      now: 5 * MIN,
      want: { decision: 'rollback', rule: 'latency-severe', level: 1, trend: 'worse' }
    },
    {
      name: 'latency-severe: better 9s → 5.5s over 5m → keep watching',
      history: latencies(ramp(9, 5.5, 11)),
      now: 5 * MIN,
      want: { decision: 'continue', rule: 'latency-severe', trend: 'improving' }
    },
    {
      name: 'latency-severe: noise of ±2% around 6s is not better → Level 1',
      history: latencies(noisy(6, 0.02, 11)),
      now: 5 * MIN,
      want: { decision: 'rollback', rule: 'latency-severe', level: 1, trend: 'stable' }
    },
    {
      name: 'latency-severe: without Prometheus, health slow (6.2s) for 5m → Level 1',
      history: series(Array.from({ length: 11 }, () => slowHealth(6200))),
      now: 5 * MIN,
      want: {
        decision: 'rollback',
        rule: 'latency-severe',
        level: 1,
        reason: ['health latency 6.20s > severe 5s for 5m, not improving']
      }
    },
    {
      name: 'latency-severe: without Prometheus, health slow on the first sample → watching',
      history: series([{ p95: 'off' }, slowHealth(7000)]),
      now: 30 * SEC,
      want: {
        decision: 'continue',
        rule: 'latency-severe',
        reason: ['health latency 7.00s > severe 5s'],
        decideBy: 30 * SEC + 5 * MIN
      }
    },
    {
      name: 'latency-severe: health slow but p95 measured fine → p95 decides (healthy)',
      history: series([{ health: 'slow', p95: 0.4 }]),
      now: 0,
      want: { decision: 'healthy', rule: 'healthy', reason: ['p95 0.40s ≤ degraded 2s'] }
    },
    {
      name: 'latency-severe: baseline p95 6s already above severe → pre-existing',
      history: latencies([6.2]),
      now: 0,
      over: { baseline: { errorRate: null, p95: 6 } },
      want: {
        decision: 'pre-existing',
        rule: 'latency-severe',
        severity: 'P2',
        reason: ['p95 6.20s > severe 5s, but it was already 6.00s before the deploy']
      }
    },
    {
      name: 'latency-severe: error rate 20% and p95 8s in their windows → the error rate rule speaks',
      history: rates([0.2, 0.2], 0, { p95: 8 }),
      now: 30 * SEC,
      want: { decision: 'continue', rule: 'error-rate-high' }
    }
  ])('$name', check)
})

describe('cache-failure', () => {
  it.each<Row>([
    {
      name: 'cache-failure: restart available → restart first',
      history: [sample({ cache: 'alert' })],
      now: 0,
      over: { restartAvailable: true },
      want: {
        decision: 'restart',
        rule: 'cache-failure',
        severity: 'P2',
        level: null,
        reason: ['cache check failed (P2): restart first, then Level 1 if it still fails']
      }
    },
    {
      name: 'cache-failure: restart already tried, still failing → Level 1',
      history: [sample({ cache: 'alert' })],
      now: 0,
      over: { restartAvailable: true, restartsTried: ['cache-failure'] },
      want: {
        decision: 'rollback',
        rule: 'cache-failure',
        severity: 'P2',
        level: 1,
        reason: ['restart already tried']
      }
    },
    {
      name: 'cache-failure: no restart command → Level 1',
      history: [sample({ cache: 'alert' })],
      now: 0,
      want: {
        decision: 'rollback',
        rule: 'cache-failure',
        level: 1,
        reason: ['no restart command']
      }
    },
    {
      name: 'cache-failure: a restart tried for service-down does not count for the cache',
      history: [sample({ cache: 'alert' })],
      now: 0,
      over: { restartAvailable: true, restartsTried: ['service-down'] },
      want: { decision: 'restart', rule: 'cache-failure' }
    },
    {
      name: 'cache-failure: Level 1 already failed → Level 2, no restart',
      history: [sample({ cache: 'alert' })],
      now: 0,
      over: { restartAvailable: true, failedLevels: [1] },
      want: { decision: 'rollback', rule: 'cache-failure', level: 2 }
    },
    {
      name: 'cache-failure: acts even while error-rate-high is watching',
      history: rates([0.2, 0.2], 0, { cache: 'alert' }),
      now: 30 * SEC,
      over: { restartAvailable: true },
      want: { decision: 'restart', rule: 'cache-failure' }
    },
    {
      name: 'cache-failure: check ok is not a failure',
      history: [sample({ cache: 'ok' })],
      now: 0,
      want: { decision: 'healthy', rule: 'healthy' }
    }
  ])('$name', check)
})

describe('error-rate-elevated', () => {
  it.each<Row>([
    {
      name: 'error-rate-elevated: exactly 5% does not breach → healthy',
      history: rates([0.05]),
      now: 0,
      want: { decision: 'healthy', rule: 'healthy', reason: ['error rate 5.0% ≤ elevated 5%'] }
    },
    {
      name: 'error-rate-elevated: just above 5% (5.1%) opens a 15-minute window',
      history: rates([0.051]),
      now: 0,
      want: {
        decision: 'continue',
        rule: 'error-rate-elevated',
        severity: 'P3',
        reason: ['error rate 5.1% > elevated 5% (P3): watching the 15m window, 15m left'],
        decideBy: 15 * MIN
      }
    },
    {
      name: 'error-rate-elevated: 7% at 14m30s → still watching',
      history: rates(steady(0.07, 0, 14.5 * MIN)),
      now: 14.5 * MIN,
      want: { decision: 'continue', rule: 'error-rate-elevated', reason: ['30s left'] }
    },
    {
      name: 'error-rate-elevated: stable 7% for 15m → warn (consider rollback)',
      history: rates(steady(0.07, 0, 15 * MIN)),
      now: 15 * MIN,
      want: {
        decision: 'warn',
        rule: 'error-rate-elevated',
        severity: 'P3',
        level: null,
        trend: 'stable',
        reason: ['error rate 7.0% > elevated 5% for 15m, not improving', 'consider rollback']
      }
    },
    {
      name: 'error-rate-elevated: stable 7% for 15m with on-stable rollback → Level 1',
      history: rates(steady(0.07, 0, 15 * MIN)),
      now: 15 * MIN,
      pol: policy({ onStable: 'rollback' }),
      want: { decision: 'rollback', rule: 'error-rate-elevated', severity: 'P3', level: 1 }
    },
    {
      name: 'error-rate-elevated: worse 6% → 9.5% over 15m → Level 1',
      history: rates(ramp(0.06, 0.095, 31)),
      now: 15 * MIN,
      want: {
        decision: 'rollback',
        rule: 'error-rate-elevated',
        severity: 'P3',
        level: 1,
        trend: 'worse',
        reason: ['getting worse']
      }
    },
    {
      name: 'error-rate-elevated: improving 9.5% → 6% over 15m → keep monitoring',
      history: rates(ramp(0.095, 0.06, 31)),
      now: 15 * MIN,
      want: { decision: 'continue', rule: 'error-rate-elevated', trend: 'improving' }
    },
    {
      name: 'error-rate-elevated: noise of ±1% around 7% is stable → warn',
      history: rates(noisy(0.07, 0.01, 31)),
      now: 15 * MIN,
      want: { decision: 'warn', rule: 'error-rate-elevated', trend: 'stable' }
    },
    {
      name: 'error-rate-elevated: a burst above 10% does not break the 15-minute episode',
      history: rates([
        ...steady(0.07, 0, 5 * MIN),
        0.2,
        0.2,
        0.2,
        0.2,
        ...steady(0.07, 0, 7.5 * MIN)
      ]),
      now: 15 * MIN,
      want: { decision: 'warn', rule: 'error-rate-elevated', trend: 'stable', evidence: 31 }
    },
    {
      name: 'error-rate-elevated: unknown for the whole last third (unknown-limit 12) → never a rollback',
      history: rates([...steady(0.07, 0, 10 * MIN), ...steady('unknown', 0, 4.5 * MIN)]),
      now: 15 * MIN,
      pol: policy({ unknownLimit: 12 }),
      want: { decision: 'continue', rule: 'error-rate-elevated', trend: 'unknown', evidence: 31 }
    },
    {
      name: 'error-rate-elevated: baseline 7% already above elevated → pre-existing',
      history: rates([0.08]),
      now: 0,
      over: { baseline: { errorRate: 0.07, p95: null } },
      want: {
        decision: 'pre-existing',
        rule: 'error-rate-elevated',
        severity: 'P3',
        reason: ['8.0% > elevated 5%, but it was already 7.0% before the deploy']
      }
    }
  ])('$name', check)
})

describe('latency-degraded', () => {
  it.each<Row>([
    {
      name: 'latency-degraded: exactly 2s does not breach → healthy',
      history: latencies([2]),
      now: 0,
      want: { decision: 'healthy', rule: 'healthy', reason: ['p95 2.00s ≤ degraded 2s'] }
    },
    {
      name: 'latency-degraded: just above 2s (2.01s) opens a 15-minute window',
      history: latencies([2.01]),
      now: 0,
      want: {
        decision: 'continue',
        rule: 'latency-degraded',
        severity: 'P3',
        reason: ['p95 2.01s > degraded 2s (P3): watching the 15m window, 15m left'],
        decideBy: 15 * MIN
      }
    },
    {
      name: 'latency-degraded: 3s at 10m → watching, 5m left',
      history: latencies(steady(3, 0, 10 * MIN)),
      now: 10 * MIN,
      want: { decision: 'continue', rule: 'latency-degraded', reason: ['5m left'] }
    },
    {
      name: 'latency-degraded: 3s for 15m, not improving → warn (consider rollback)',
      history: latencies(steady(3, 0, 15 * MIN)),
      now: 15 * MIN,
      want: {
        decision: 'warn',
        rule: 'latency-degraded',
        severity: 'P3',
        trend: 'stable',
        reason: ['p95 3.00s > degraded 2s for 15m, not improving', 'consider rollback']
      }
    },
    {
      name: 'latency-degraded: 3s for 15m with on-stable rollback → Level 1',
      history: latencies(steady(3, 0, 15 * MIN)),
      now: 15 * MIN,
      pol: policy({ onStable: 'rollback' }),
      want: {
        decision: 'rollback',
        rule: 'latency-degraded',
        level: 1,
        reason: ['on-stable is rollback']
      }
    },
    {
      name: 'latency-degraded: worse 2.5s → 4.5s over 15m → Level 1',
      history: latencies(ramp(2.5, 4.5, 31)),
      now: 15 * MIN,
      want: {
        decision: 'rollback',
        rule: 'latency-degraded',
        severity: 'P3',
        level: 1,
        trend: 'worse'
      }
    },
    {
      name: 'latency-degraded: better 4.5s → 2.5s over 15m → keep monitoring',
      history: latencies(ramp(4.5, 2.5, 31)),
      now: 15 * MIN,
      want: { decision: 'continue', rule: 'latency-degraded', trend: 'improving' }
    },
    {
      name: 'latency-degraded: noise of ±2% around 3s is stable → warn',
      history: latencies(noisy(3, 0.02, 31)),
      now: 15 * MIN,
      want: { decision: 'warn', rule: 'latency-degraded', trend: 'stable' }
    },
    {
      name: 'latency-degraded: baseline p95 3s already above degraded → pre-existing',
      history: latencies([3.5]),
      now: 0,
      over: { baseline: { errorRate: null, p95: 3 } },
      want: {
        decision: 'pre-existing',
        rule: 'latency-degraded',
        severity: 'P3',
        reason: ['3.50s > degraded 2s, but it was already 3.00s before the deploy']
      }
    }
  ])('$name', check)
})

describe('monitoring-outage', () => {
  it.each<Row>([
    {
      name: 'monitoring-outage: error rate unknown for 4 samples → inconclusive',
      history: rates([0.001, 'unknown', 'unknown', 'unknown', 'unknown']),
      now: 2 * MIN,
      want: {
        decision: 'inconclusive',
        rule: 'monitoring-outage',
        severity: 'none',
        level: null,
        reason: [
          'error rate unknown for 4 consecutive samples (Prometheus: connection refused); monitoring outage, not a production breach'
        ],
        evidence: 4
      }
    },
    {
      name: 'monitoring-outage: error rate unknown for 3 samples → not yet (continue, never healthy)',
      history: rates([0.001, 'unknown', 'unknown', 'unknown']),
      now: 90 * SEC,
      want: {
        decision: 'continue',
        rule: 'healthy',
        reason: ['error rate unknown for 3 consecutive samples', 'under unknown-limit 4']
      }
    },
    {
      name: 'monitoring-outage: an all-unknown window → inconclusive, not healthy',
      history: series(
        Array.from({ length: 6 }, () => ({ errorRate: 'unknown', p95: 'unknown' }) as SampleSpec)
      ),
      now: 150 * SEC,
      want: {
        decision: 'inconclusive',
        rule: 'monitoring-outage',
        reason: ['error rate unknown for 6 consecutive samples', 'and p95 unknown for 6']
      }
    },
    {
      name: 'monitoring-outage: a measured sample resets the count',
      history: rates(['unknown', 'unknown', 'unknown', 0.001, 'unknown', 'unknown', 'unknown']),
      now: 3 * MIN,
      want: { decision: 'continue', rule: 'healthy' }
    },
    {
      name: 'monitoring-outage: insufficient traffic is not an outage',
      history: rates(steady('insufficient', 0, 5 * MIN)),
      now: 5 * MIN,
      want: {
        decision: 'healthy',
        rule: 'healthy',
        reason: ['error rate not judged (too little traffic)']
      }
    },
    {
      name: 'monitoring-outage: health unknown for 4 samples → inconclusive',
      history: series(Array.from({ length: 4 }, () => ({ health: 'unknown' }) as SampleSpec)),
      now: 90 * SEC,
      want: {
        decision: 'inconclusive',
        rule: 'monitoring-outage',
        reason: ['health unknown for 4 consecutive samples (probe aborted)']
      }
    },
    {
      name: 'monitoring-outage: 4 unconfirmed downs are unknown health, not down',
      history: series(
        Array.from({ length: 4 }, () => ({ health: 'down-unconfirmed' }) as SampleSpec)
      ),
      now: 90 * SEC,
      want: {
        decision: 'inconclusive',
        rule: 'monitoring-outage',
        reason: ['health unknown for 4']
      }
    },
    {
      name: 'monitoring-outage: p95 off (no Prometheus) is never counted',
      history: series(
        Array.from({ length: 6 }, () => ({ p95: 'off', errorRate: 'off' }) as SampleSpec)
      ),
      now: 150 * SEC,
      want: { decision: 'healthy', rule: 'healthy' }
    },
    {
      name: 'monitoring-outage: unknown-limit 2 → inconclusive after 2',
      history: rates([0.001, 'unknown', 'unknown']),
      now: MIN,
      pol: policy({ unknownLimit: 2 }),
      want: { decision: 'inconclusive', rule: 'monitoring-outage' }
    },
    {
      name: 'monitoring-outage: a firing rule wins over an outage of another signal',
      history: series([
        { p95: 'unknown' },
        { p95: 'unknown' },
        { p95: 'unknown' },
        { p95: 'unknown', errorRate: 0.7 }
      ]),
      now: 90 * SEC,
      want: { decision: 'rollback', rule: 'error-rate-critical' }
    }
  ])('$name', check)
})

describe('healthy', () => {
  it.each<Row>([
    {
      name: 'healthy: minor issues (error rate 1%, p95 0.4s) → healthy, fix forward',
      history: rates([0.01], 0, { p95: 0.4 }),
      now: 0,
      want: {
        decision: 'healthy',
        rule: 'healthy',
        severity: 'none',
        level: null,
        reason: ['health up in 120ms', 'error rate 1.0% ≤ elevated 5%', 'p95 0.40s ≤ degraded 2s']
      }
    },
    {
      name: 'healthy: non-user-facing errors in the log → P4, fix forward',
      history: [sample({ critical: 0, medium: 1, low: 5 })],
      now: 0,
      want: {
        decision: 'healthy',
        rule: 'healthy',
        severity: 'P4',
        reason: ['6 medium/low errors in the host log, fix forward (P4)']
      }
    },
    {
      name: 'healthy: a breach that ended is healthy again',
      history: rates([0.2, 0.2, 0.02]),
      now: MIN,
      want: { decision: 'healthy', rule: 'healthy' }
    }
  ])('$name', check)
})

describe('runbook decision matrix', () => {
  it.each<Row>([
    {
      name: 'service-down: Complete Service Down → Level 1 now (P1)',
      history: series(down(2)),
      now: 30 * SEC,
      want: { decision: 'rollback', rule: 'service-down', severity: 'P1', level: 1 }
    },
    {
      name: 'data-corruption: Data Corruption Detected → Level 3 (P1)',
      history: [sample({ corruption: 'alert' })],
      now: 0,
      want: { decision: 'rollback', rule: 'data-corruption', severity: 'P1', level: 3 }
    },
    {
      name: 'security-breach: Security Breach → isolate, Level 3 after security clearance (P1)',
      history: [sample({ security: 'alert' })],
      now: 0,
      want: { decision: 'isolate', rule: 'security-breach', severity: 'P1', level: null }
    },
    {
      name: 'database-failure: Database Failure → Level 2 (P1)',
      history: [sample({ database: 'alert' })],
      now: 0,
      want: { decision: 'rollback', rule: 'database-failure', severity: 'P1', level: 2 }
    },
    {
      name: 'error-rate-critical: Error Rate > 50% → Level 1 now (P1)',
      history: rates([0.55]),
      now: 0,
      want: { decision: 'rollback', rule: 'error-rate-critical', severity: 'P1', level: 1 }
    },
    {
      name: 'error-rate-high: Error Rate 10-50% not fixed in 5min → Level 1 (P2)',
      history: rates(steady(0.3, 0, 5 * MIN)),
      now: 5 * MIN,
      want: { decision: 'rollback', rule: 'error-rate-high', severity: 'P2', level: 1 }
    },
    {
      name: 'latency-severe: Response Time > 5s not better in 5min → Level 1 (P2)',
      history: latencies(steady(7, 0, 5 * MIN)),
      now: 5 * MIN,
      want: { decision: 'rollback', rule: 'latency-severe', severity: 'P2', level: 1 }
    },
    {
      name: 'cache-failure: Cache Failure → restart, then Level 1 (P2)',
      history: [sample({ cache: 'alert' })],
      now: 0,
      over: { restartAvailable: true },
      want: { decision: 'restart', rule: 'cache-failure', severity: 'P2' }
    },
    {
      name: 'error-rate-elevated: Error Rate 5-10% worsening over 15min → Level 1 (P3)',
      history: rates(ramp(0.055, 0.095, 31)),
      now: 15 * MIN,
      want: { decision: 'rollback', rule: 'error-rate-elevated', severity: 'P3', level: 1 }
    },
    {
      name: 'latency-degraded: Response Time 2-5s not improving in 15min → consider rollback (P3)',
      history: latencies(steady(2.5, 0, 15 * MIN)),
      now: 15 * MIN,
      want: { decision: 'warn', rule: 'latency-degraded', severity: 'P3' }
    },
    {
      name: 'healthy: Minor UI Issues → healthy, fix forward',
      history: rates([0.004], 0, { low: 2 }),
      now: 0,
      want: { decision: 'healthy', rule: 'healthy', severity: 'P4', level: null }
    },
    {
      name: 'healthy: Non-user-facing errors → healthy, fix forward',
      history: rates([0.01], 0, { medium: 3 }),
      now: 0,
      want: { decision: 'healthy', rule: 'healthy', severity: 'P4', level: null }
    }
  ])('$name', check)
})

describe('priority order', () => {
  it.each<Row>([
    {
      name: 'security-breach: security + down → isolate',
      history: [sample({ security: 'alert', health: 'down' })],
      now: 0,
      want: { decision: 'isolate', rule: 'security-breach' }
    },
    {
      name: 'data-corruption: corruption + error 70% → Level 3',
      history: [sample({ corruption: 'alert', errorRate: 0.7 })],
      now: 0,
      want: { decision: 'rollback', rule: 'data-corruption', level: 3 }
    },
    {
      name: 'database-failure: database + error 70% → Level 2',
      history: [sample({ database: 'alert', errorRate: 0.7 })],
      now: 0,
      want: { decision: 'rollback', rule: 'database-failure', level: 2 }
    },
    {
      name: 'critical-errors: critical errors + error 70% → critical-errors',
      history: [sample({ critical: 2, errorRate: 0.7 })],
      now: 0,
      want: { decision: 'rollback', rule: 'critical-errors', level: 1 }
    },
    {
      name: 'error-rate-critical: error 70% + p95 8s → error-rate-critical',
      history: [sample({ errorRate: 0.7, p95: 8 })],
      now: 0,
      want: { decision: 'rollback', rule: 'error-rate-critical', level: 1 }
    },
    {
      name: 'latency-degraded: a lower rule rolling back beats a higher rule that only warns',
      history: series(ramp(2.5, 4.5, 31).map((p95) => ({ p95, errorRate: 0.07 }) as SampleSpec)),
      now: 15 * MIN,
      want: { decision: 'rollback', rule: 'latency-degraded', level: 1 }
    },
    {
      name: 'error-rate-high: a higher rule inside its window holds back a lower warning',
      history: series(
        steady(3, 0, 15 * MIN).map(
          (p95, i) => ({ p95, errorRate: i === 30 ? 0.2 : 0.001 }) as SampleSpec
        )
      ),
      now: 15 * MIN,
      want: { decision: 'continue', rule: 'error-rate-high' }
    },
    {
      name: 'cache-failure: a pre-existing breach does not stop a lower rule from firing',
      history: [sample({ errorRate: 0.62, cache: 'alert' })],
      now: 0,
      over: { baseline: { errorRate: 0.58, p95: null } },
      want: { decision: 'rollback', rule: 'cache-failure', level: 1 }
    },
    {
      name: 'latency-severe: a watching rule wins over a pre-existing one',
      history: [sample({ errorRate: 0.62, p95: 6 })],
      now: 0,
      over: { baseline: { errorRate: 0.58, p95: null } },
      want: { decision: 'continue', rule: 'latency-severe' }
    },
    {
      name: 'monitoring-outage: an outage wins over a pre-existing breach',
      history: series(
        Array.from({ length: 4 }, () => ({ errorRate: 0.62, health: 'unknown' }) as SampleSpec)
      ),
      now: 90 * SEC,
      over: { baseline: { errorRate: 0.58, p95: null } },
      want: { decision: 'inconclusive', rule: 'monitoring-outage' }
    }
  ])('$name', check)

  it('priority order: evaluateRules reports every rule in the RULE_CHAIN order', () => {
    const all = evaluateRules([sample({ errorRate: 0.7, cache: 'alert' })], DEFAULT_POLICY, ctx(0))
    expect(all.map((r) => r.rule)).toEqual(RULE_CHAIN.map(({ id }) => id))
    expect(all.filter((r) => r.outcome).map((r) => r.rule)).toEqual([
      'error-rate-critical',
      'cache-failure'
    ])
  })
})

describe('final call (end of the watch)', () => {
  it.each<Row>([
    {
      name: 'error-rate-high: final inside the 5m window → warn, window did not complete',
      history: rates(steady(0.2, 0, 3 * MIN)),
      now: 3 * MIN,
      over: { final: true },
      want: {
        decision: 'warn',
        rule: 'error-rate-high',
        severity: 'P2',
        reason: [
          'error rate 20.0% > high 10% (P2): the watch ended 2m before the 5m window completed'
        ]
      }
    },
    {
      name: 'error-rate-high: final after the window, improving → warn, still over the limit',
      history: rates(ramp(0.4, 0.12, 11)),
      now: 5 * MIN,
      over: { final: true },
      want: {
        decision: 'warn',
        rule: 'error-rate-high',
        trend: 'improving',
        reason: ['still over the limit when the watch ended']
      }
    },
    {
      name: 'error-rate-high: final after the window, stable → Level 1 as usual',
      history: rates(steady(0.2, 0, 5 * MIN)),
      now: 5 * MIN,
      over: { final: true },
      want: { decision: 'rollback', rule: 'error-rate-high', level: 1 }
    },
    {
      name: 'latency-severe: final inside the window → warn',
      history: latencies(steady(6, 0, MIN)),
      now: MIN,
      over: { final: true },
      want: {
        decision: 'warn',
        rule: 'latency-severe',
        reason: ['4m before the 5m window completed']
      }
    },
    {
      name: 'error-rate-elevated: final at 10m, worse → Level 1',
      history: rates(ramp(0.055, 0.095, 21)),
      now: 10 * MIN,
      over: { final: true },
      want: { decision: 'rollback', rule: 'error-rate-elevated', level: 1, trend: 'worse' }
    },
    {
      name: 'error-rate-elevated: final at 10m, stable → warn (on-stable)',
      history: rates(steady(0.07, 0, 10 * MIN)),
      now: 10 * MIN,
      over: { final: true },
      want: {
        decision: 'warn',
        rule: 'error-rate-elevated',
        trend: 'stable',
        reason: ['consider rollback']
      }
    },
    {
      name: 'error-rate-elevated: final at 10m, stable with on-stable rollback → Level 1',
      history: rates(steady(0.07, 0, 10 * MIN)),
      now: 10 * MIN,
      over: { final: true },
      pol: policy({ onStable: 'rollback' }),
      want: { decision: 'rollback', rule: 'error-rate-elevated', level: 1 }
    },
    {
      name: 'error-rate-elevated: final at 10m, improving → warn, window did not complete',
      history: rates(ramp(0.095, 0.055, 21)),
      now: 10 * MIN,
      over: { final: true },
      want: {
        decision: 'warn',
        rule: 'error-rate-elevated',
        trend: 'improving',
        reason: ['the watch ended 5m before the 15m window completed']
      }
    },
    {
      name: 'latency-degraded: final at 2m, too few samples (trend unknown) → warn',
      history: latencies([3, 3]),
      now: 30 * SEC,
      over: { final: true },
      want: { decision: 'warn', rule: 'latency-degraded', trend: 'unknown' }
    },
    {
      name: 'healthy: final with an unknown signal under the limit → healthy, saying so',
      history: rates([0.001, 'unknown']),
      now: 30 * SEC,
      over: { final: true },
      want: { decision: 'healthy', rule: 'healthy', reason: ['error rate unknown'] }
    }
  ])('$name', check)
})

describe('nextLevel', () => {
  it.each<[string, RollbackLevel, RollbackLevel[], number, { level: number; manual: boolean }]>([
    ['nextLevel: nothing failed → the wanted level', 1, [], 3, { level: 1, manual: false }],
    ['nextLevel: Level 1 failed → Level 2', 1, [1], 3, { level: 2, manual: false }],
    ['nextLevel: Levels 1 and 2 failed → Level 3', 1, [1, 2], 3, { level: 3, manual: false }],
    ['nextLevel: wanted 3 beats a failed 1', 3, [1], 3, { level: 3, manual: false }],
    ['nextLevel: max-level 1 and Level 1 failed → manual', 1, [1], 1, { level: 2, manual: true }],
    ['nextLevel: Level 3 failed → manual', 1, [3], 3, { level: 4, manual: true }],
    ['nextLevel: max-level above 3 is capped at 3', 3, [3], 5, { level: 4, manual: true }]
  ])('%s', (_name, wanted, failed, max, expected) => {
    expect(nextLevel(wanted, failed, max)).toEqual(expected)
  })
})

describe('RULES', () => {
  it('RULES: the runbook rules in priority order, then the verdicts no rule produces', () => {
    expect(RULES.map((r) => r.id)).toEqual([
      ...RULE_CHAIN.map(({ id }) => id),
      'monitoring-outage',
      'healthy',
      'deploy-not-live'
    ])
    expect(RULES.map((r) => r.priority)).toEqual(RULES.map((_, i) => i + 1))
    for (const r of RULES) {
      expect(r.when(DEFAULT_POLICY).length).toBeGreaterThan(5)
      expect(r.does(DEFAULT_POLICY).length).toBeGreaterThan(5)
      expect(r.runbookRow.length).toBeGreaterThan(5)
    }
  })

  it.each<[RuleId, Severity, string]>([
    ['error-rate-critical', 'P1', 'error rate > 50%; with `error-rate-fast-query`'],
    [
      'error-rate-critical',
      'P1',
      'on 2 consecutive samples while the error rate > 10% → Level 1 now'
    ],
    ['error-rate-high', 'P2', '10% < error rate ≤ 50% → watch 5m'],
    ['latency-degraded', 'P3', '2s < p95 ≤ 5s → watch 15m'],
    ['service-down', 'P1', 'while down < 2m, Level 1 up to 5m, Level 2 after']
  ])('RULES: %s is %s and reads "%s"', (id, severity, text) => {
    const rule = RULES.find((r) => r.id === id)
    expect(rule?.severity).toBe(severity)
    expect(`${rule?.when(DEFAULT_POLICY)} → ${rule?.does(DEFAULT_POLICY)}`).toContain(text)
  })
})
