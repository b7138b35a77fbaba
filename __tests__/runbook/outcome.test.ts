// What a run comes to (src/runbook/outcome.ts): the exit status of a watch and of a command, which
// runs open an issue, what a verdict leads to on the host, which rollbacks wait for a person.
import type { Decision, Verdict } from '../../src/runbook/types.js'
import {
  commandFailure,
  endedUnrecovered,
  failureMessage,
  issueMode,
  responseTo
} from '../../src/runbook/outcome.js'
import { notDeployed, versionLive } from '../../src/runbook/deploy-live.js'
import {
  failedRecord,
  healthyRecord,
  securityRecord,
  serviceDownRecord,
  warnRecord
} from '../../__fixtures__/records.js'
import type { RollbackOutcome, RollbackStatus, RunRecord } from '../../src/runbook/record.js'

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

describe('issueMode: which runs open an issue', () => {
  const dry = serviceDownRecord({ dryRun: true })
  it.each<[string, RunRecord, 'incident' | 'warning' | undefined]>([
    ['a rollback', serviceDownRecord(), 'incident'],
    ['a failed rollback', failedRecord(), 'incident'],
    ['the security path', securityRecord(), 'incident'],
    ['healthy', healthyRecord(), undefined],
    ['a warning without issue-on-warning', warnRecord(), undefined],
    ['a warning with issue-on-warning', warnRecord(), 'warning'],
    ['a dry run', dry, undefined],
    ['cancelled during the watch', healthyRecord({ cancelled: true }), undefined],
    [
      'cancelled mid-rollback: the host was touched',
      { ...failedRecord(), cancelled: true },
      'incident'
    ],
    ['cancelled mid-security response', { ...securityRecord(), cancelled: true }, 'incident']
  ])('%s', (_name, record, expected) => {
    expect(issueMode(record, _name.includes('with issue-on-warning'))).toBe(expected)
  })
})

describe('endedUnrecovered: a rollback that waits for a person', () => {
  it.each<[RollbackOutcome['status'], boolean]>([
    ['failed', true],
    ['blocked', true],
    ['manual', true],
    ['succeeded', false],
    ['not-needed', false],
    ['skipped-dry-run', false]
  ])('endedUnrecovered: %s → %s', (status, expected) => {
    expect(endedUnrecovered(status)).toBe(expected)
  })
})

describe('responseTo: what a verdict leads to on the host', () => {
  const v = (decision: Verdict['decision'], level?: 1 | 2 | 3): Verdict => ({
    decision,
    severity: 'P1',
    rule: 'error-rate-critical',
    reason: 'r',
    ...(level ? { level } : {}),
    evidence: []
  })
  const prior = { number: 3, url: 'u', level: 1 as const }
  it.each<[string, Verdict, typeof prior | undefined, boolean, string]>([
    ['responseTo: rollback → the level', v('rollback', 2), undefined, false, 'rollback'],
    [
      'responseTo: rollback on a re-run of a run that rolled back → nothing again',
      v('rollback', 1),
      prior,
      false,
      'rerun'
    ],
    ['responseTo: isolate → the security path', v('isolate'), undefined, false, 'isolate'],
    ['responseTo: manual → a person', v('manual'), undefined, false, 'manual'],
    ['responseTo: healthy → nothing', v('healthy'), undefined, false, 'nothing'],
    ['responseTo: warn → nothing on the host', v('warn'), undefined, false, 'nothing'],
    [
      'responseTo: cancelled → nothing, whatever the verdict',
      v('rollback', 1),
      undefined,
      true,
      'nothing'
    ]
  ])('%s', (_name, verdict, p, cancelled, kind) => {
    expect(responseTo(verdict, p, cancelled).kind).toBe(kind)
  })
})

describe('commandFailure: the exit status of a command', () => {
  it.each<
    [string, Pick<RollbackOutcome, 'status' | 'reason'> | undefined, boolean, string | undefined]
  >([
    [
      'commandFailure: no rollback (status, help, a refusal) → success',
      undefined,
      false,
      undefined
    ],
    [
      'commandFailure: recovered → success',
      { status: 'succeeded', reason: 'ok' },
      false,
      undefined
    ],
    [
      'commandFailure: failed → fails',
      { status: 'failed', reason: 'x' },
      false,
      'rollback failed: x'
    ],
    [
      'commandFailure: blocked → fails',
      { status: 'blocked', reason: 'y' },
      false,
      'rollback blocked: y'
    ],
    [
      'commandFailure: cancelled → fails',
      { status: 'succeeded', reason: 'z' },
      true,
      'cancelled: z'
    ],
    [
      'commandFailure: cancelled before anything ran',
      undefined,
      true,
      'cancelled: the command did not finish'
    ]
  ])('%s', (_name, rollback, cancelled, expected) => {
    expect(commandFailure(rollback, cancelled)).toBe(expected)
  })
})

describe('deploy live: expected-version in the health body', () => {
  it.each<[string | undefined, boolean]>([
    ['{"version":"v2"}', true],
    ['{"version":"v1"}', false],
    [undefined, false]
  ])('versionLive: %s → %s', (body, live) => {
    expect(versionLive(body, 'v2')).toBe(live)
  })

  it('notDeployed: nothing to roll back, the step fails, the reason says how long and what was seen', () => {
    const v = notDeployed('v2', 20_000, 'HTTP 200 without it')
    expect(v).toMatchObject({ decision: 'not-deployed', rule: 'deploy-not-live', severity: 'none' })
    expect(v.reason).toBe(
      "expected-version 'v2' never appeared in the health response within health.version-wait 20s (last: HTTP 200 without it): the deploy did not take, so there is nothing to roll back"
    )
  })
})
