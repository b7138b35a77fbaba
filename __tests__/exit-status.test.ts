// The step's exit status (docs/outputs.md, "Verdicts and exit status"): which runs fail the step
// and why.
import type { Decision, Verdict } from '../src/core/types.js'
import { failureMessage } from '../src/exit-status.js'
import type { RollbackStatus, RunRecord } from '../src/record.js'

function record(
  decision: Decision,
  status: RollbackStatus = 'not-needed',
  cancelled = false
): RunRecord {
  const final: Verdict = {
    decision,
    severity: 'P1',
    rule: 'error-rate-critical',
    reason: 'error rate 62.0% > critical 50% (P1)',
    evidence: [],
    level: 1
  }
  return {
    environment: 'production',
    startedAt: 0,
    endedAt: 1,
    deployedAt: 0,
    samples: [],
    verdicts: [],
    final,
    steps: [],
    rollback: {
      status,
      level: status === 'not-needed' ? undefined : 1,
      attempts: [],
      verificationSamples: [],
      reason: 'backup is 30h old'
    },
    notes: [],
    dryRun: false,
    cancelled
  }
}

const DEFAULTS = { failOnRollback: true, failOnInconclusive: true }

describe('failureMessage (exit status)', () => {
  it.each<[string, RunRecord, typeof DEFAULTS, RegExp | undefined]>([
    ['healthy passes', record('healthy'), DEFAULTS, undefined],
    ['warn passes', record('warn'), DEFAULTS, undefined],
    ['pre-existing passes', record('pre-existing'), DEFAULTS, undefined],
    [
      'a rollback fails the step by default',
      record('rollback', 'succeeded'),
      DEFAULTS,
      /^rolled back \(error-rate-critical, Level 1, succeeded\)/
    ],
    [
      'a rollback passes with fail-on-rollback false',
      record('rollback', 'succeeded'),
      { ...DEFAULTS, failOnRollback: false },
      undefined
    ],
    [
      'a failed rollback always fails',
      record('rollback', 'failed'),
      { ...DEFAULTS, failOnRollback: false },
      /^rollback failed: backup is 30h old/
    ],
    [
      'a blocked rollback always fails',
      record('rollback', 'blocked'),
      { ...DEFAULTS, failOnRollback: false },
      /^rollback needed but blocked/
    ],
    [
      'a dry-run rollback fails like a rollback',
      record('rollback', 'skipped-dry-run'),
      DEFAULTS,
      /skipped-dry-run/
    ],
    ['isolate fails', record('isolate', 'blocked'), DEFAULTS, /^security alert/],
    ['manual fails', record('manual', 'blocked'), DEFAULTS, /^manual intervention required/],
    ['not-deployed fails', record('not-deployed'), DEFAULTS, /error rate/],
    ['inconclusive fails by default', record('inconclusive'), DEFAULTS, /^inconclusive/],
    [
      'inconclusive passes with fail-on-inconclusive false',
      record('inconclusive'),
      { ...DEFAULTS, failOnInconclusive: false },
      undefined
    ],
    [
      'cancellation fails whatever the verdict',
      record('healthy', 'not-needed', true),
      DEFAULTS,
      /^cancelled: the watch was stopped before it reached a verdict$/
    ],
    [
      'cancellation mid-rollback fails and says the host was touched',
      record('rollback', 'failed', true),
      { ...DEFAULTS, failOnRollback: false },
      /^cancelled while acting on the host: backup is 30h old$/
    ]
  ])('%s', (_name, rec, opts, expected) => {
    const message = failureMessage(opts, rec, undefined)
    if (expected) expect(message).toMatch(expected)
    else expect(message).toBeUndefined()
  })

  it('fails a run whose incident issue could not be opened, after everything else', () => {
    const issue = { error: 'GitHub API 403 on POST /repos/o/r/issues', needed: true }
    expect(
      failureMessage({ ...DEFAULTS, failOnRollback: false }, record('rollback', 'succeeded'), issue)
    ).toBe('the incident issue could not be opened: GitHub API 403 on POST /repos/o/r/issues')
    expect(failureMessage(DEFAULTS, record('rollback', 'succeeded'), issue)).toMatch(/^rolled back/)
    expect(
      failureMessage(DEFAULTS, record('healthy'), { error: 'x', needed: false })
    ).toBeUndefined()
  })
})
