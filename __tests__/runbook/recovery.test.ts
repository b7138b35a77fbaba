// After a rollback level: recovered or not (docs/architecture.md "Settled details"), and what follows — the next
// level, or a human (rollback.max-level; no data-loss level on a signal the host contradicts).
import { afterLevel, judgeRecovery, type Recovery } from '../../src/runbook/recovery.js'
import type { HealthReading } from '../../src/runbook/types.js'
import { policy, sample, series, type SampleSpec } from '../../__fixtures__/samples.js'

const P = policy()
const noAnswer = (kind: 'tls' | 'refused' | 'timeout'): HealthReading => ({
  status: 'down',
  reason: kind,
  noAnswer: kind,
  failedAttempts: 3
})

describe('judgeRecovery', () => {
  it.each<[string, SampleSpec[], Partial<Recovery>]>([
    ['recovered: health up on the last 3 probes, rates normal', [{}, {}, {}], { recovered: true }],
    [
      'recovered: earlier samples are recorded, not judged',
      [{ errorRate: 0.6, health: 'down' }, {}, {}, {}],
      { recovered: true }
    ],
    ['too few samples', [{}, {}], { recovered: false, cause: 'too-few-samples' }],
    [
      'health down (HTTP 503) in the tail',
      [{}, {}, { health: 'down' }],
      { recovered: false, cause: 'health' }
    ],
    [
      'health slow in the tail',
      [{}, { health: 'slow' }, {}],
      { recovered: false, cause: 'health' }
    ],
    [
      'health with no answer at all (TLS), rates normal',
      [{}, {}, { health: noAnswer('tls') }],
      { recovered: false, cause: 'health-no-answer' }
    ],
    [
      'health with no answer, but the error rate breaches: not only the health probe',
      [{}, {}, { health: noAnswer('refused'), errorRate: 0.3 }],
      { recovered: false, cause: 'health' }
    ],
    [
      'error rate above elevated at the end',
      [{}, {}, { errorRate: 0.08 }],
      { recovered: false, cause: 'error-rate' }
    ],
    ['p95 above degraded at the end', [{}, {}, { p95: 2.5 }], { recovered: false, cause: 'p95' }],
    [
      'unknown rates: judged on health, saying so',
      [{}, {}, { errorRate: 'unknown' }],
      {
        recovered: true,
        reason: 'health up on the last 3 probes, p95 0.30s (error rate unknown: judged on health)'
      }
    ]
  ])('judgeRecovery: %s', (_name, specs, expected) => {
    expect(judgeRecovery(series(specs), P)).toMatchObject(expected)
  })
})

describe('afterLevel', () => {
  const recovered: Recovery = { recovered: true, reason: 'ok' }
  const notRecovered: Recovery = { recovered: false, cause: 'health', reason: 'health was down' }
  const unreachable: Recovery = {
    recovered: false,
    cause: 'health-no-answer',
    reason: 'health was down (TLS)'
  }
  it.each<
    [
      string,
      Parameters<typeof afterLevel>[0],
      Recovery,
      number,
      ReturnType<typeof afterLevel>['next'],
      number?
    ]
  >([
    [
      'recovered',
      { level: 1, scriptOk: true, hostChecksPassed: true },
      recovered,
      3,
      'recovered',
      0
    ],
    [
      'not recovered → the next level',
      { level: 1, scriptOk: true, hostChecksPassed: true },
      notRecovered,
      3,
      'escalate',
      2
    ],
    [
      'a failed script → the next level',
      { level: 2, scriptOk: false, hostChecksPassed: false },
      notRecovered,
      3,
      'escalate',
      3
    ],
    [
      'Level 3 did not recover → a human',
      { level: 3, scriptOk: true, hostChecksPassed: true },
      notRecovered,
      3,
      'manual',
      0
    ],
    [
      'past rollback.max-level → a human',
      { level: 1, scriptOk: true, hostChecksPassed: true },
      notRecovered,
      1,
      'manual',
      0
    ],
    [
      'no data-loss level on a contradicted signal: clean level, host checks pass, only no answer from health → a human',
      { level: 1, scriptOk: true, hostChecksPassed: true },
      unreachable,
      3,
      'manual',
      0
    ],
    [
      'the host did not confirm (validate/smoke absent or failed) → escalate as usual',
      { level: 1, scriptOk: true, hostChecksPassed: false },
      unreachable,
      3,
      'escalate',
      2
    ],
    [
      'a failed script with no answer from health → escalate as usual',
      { level: 1, scriptOk: false, hostChecksPassed: false },
      unreachable,
      3,
      'escalate',
      2
    ]
  ])('afterLevel: %s', (_name, run, recovery, maxLevel, next, level) => {
    const p = policy({ rollback: { maxLevel: maxLevel as 1 | 2 | 3 } })
    const got = afterLevel(run, recovery, p)
    expect(got.next).toBe(next)
    if (level) expect(got).toMatchObject({ level })
  })

  it('afterLevel: the contradicted-signal stop says why, in words a person acts on', () => {
    const got = afterLevel({ level: 1, scriptOk: true, hostChecksPassed: true }, unreachable, P)
    expect(got).toEqual({
      next: 'manual',
      reason: expect.stringMatching(
        /^Level 1 ran cleanly and validate\/smoke tests pass on the host, but this runner gets no answer from health-url .*not escalating/
      )
    })
  })
})

it('a sample helper sanity check: series puts samples EVERY apart', () => {
  expect(series([{}, {}]).map((s) => s.at - sample().at)).toEqual([0, 30_000])
})
