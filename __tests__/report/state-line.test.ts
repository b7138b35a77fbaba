// The incident's state line: the first line of the body the action owns, the only text it reads
// state from. The format every version reads (environment, run, rollback-done), the keys commands
// need (deploy, breach, sha, rule, pending, target), and the runs and comments it remembers.
import { stateAfterRun, type IncidentState } from '../../src/runbook/pending.js'
import { parseStateLine, renderStateLine } from '../../src/report/context.js'
import { withState } from '../../src/report/incident-state.js'
import { renderIncident, runFactsOf } from '../../src/report/incident.js'
import { ctx, serviceDownRecord } from '../../__fixtures__/records.js'

/** The marker pattern of the version before commands (its parser, kept here as the contract). */
const EARLIER_VERSION = /<!-- rollback-sentinel environment=(\S+) run=(\S+)((?: [a-z-]+=\S+)*) -->/

const base: IncidentState = {
  environment: 'production',
  runId: '1',
  security: false,
  commandRolledBack: false,
  rolledBack: [],
  answered: []
}

describe('parseStateLine', () => {
  it.each<[string, string, IncidentState | undefined]>([
    [
      'parseStateLine: a line of the earlier version reads as its run having rolled back',
      '<!-- rollback-sentinel environment=production run=4242 rollback-done=1 -->\nbody',
      { ...base, runId: '4242', rolledBack: [{ runId: '4242', level: 1 }] }
    ],
    [
      'parseStateLine: without rollback-done',
      '<!-- rollback-sentinel environment=staging%202 run=7 -->',
      { ...base, environment: 'staging 2', runId: '7' }
    ],
    [
      'parseStateLine: unknown keys are ignored, values that do not fit their key are dropped',
      '<!-- rollback-sentinel environment=production run=1 future-key=x target=b%3Breboot rule=Evil pending=restore pending-level=9 answered=abc,12 rolled-back=x;y:1,9:7 deployed-at=yesterday -->',
      { ...base, answered: [12] }
    ],
    [
      'parseStateLine: only the first line counts (a marker further down is text)',
      'Some words\n<!-- rollback-sentinel environment=production run=1 rollback-done=1 -->',
      undefined
    ],
    [
      'parseStateLine: a marker inside the first line, not the whole line, is not a state line',
      'x <!-- rollback-sentinel environment=production run=1 -->',
      undefined
    ],
    [
      'parseStateLine: a security incident of an earlier version still waits for clearance',
      '<!-- rollback-sentinel environment=production run=3 rule=security-breach -->',
      {
        ...base,
        runId: '3',
        rule: 'security-breach',
        security: true,
        pending: { action: 'security-clearance' }
      }
    ]
  ])('%s', (_name, text, state) => {
    expect(parseStateLine(text)).toEqual(state)
  })
})

describe('renderStateLine', () => {
  const full: IncidentState = {
    environment: 'prod eu',
    runId: '555',
    deployedAt: Date.parse('2026-11-27T12:00:00Z'),
    breachAt: Date.parse('2026-11-27T12:01:30Z'),
    sha: 'd6cd1e2bd19e03a81132a23b2025920577f84e37',
    rule: 'data-corruption',
    security: false,
    commandRolledBack: true,
    pending: { action: 'restore', level: 3, target: 'backup-20261126-030000' },
    rolledBack: [
      { runId: '554', level: 1 },
      { runId: '555', level: 3 }
    ],
    answered: [1001, 1002]
  }

  it('renderStateLine: every key round-trips through parseStateLine', () => {
    expect(parseStateLine(renderStateLine(full))).toEqual(full)
  })

  it('renderStateLine: the earlier version still finds the environment, the run and its rollback', () => {
    const m = EARLIER_VERSION.exec(renderStateLine(full))
    expect(m?.[1]).toBe('prod%20eu')
    expect(m?.[2]).toBe('555')
    expect(/rollback-done=([123])/.exec(m?.[3] ?? '')?.[1]).toBe('3')
  })

  it('renderStateLine: an empty run id still gives a readable line', () => {
    expect(parseStateLine(renderStateLine({ ...base, runId: '' }))?.runId).toBe('none')
  })

  it('renderStateLine: an environment with spaces, quotes or "-->" cannot end the comment early', () => {
    const line = renderStateLine({ ...base, environment: 'a --> <b> "c"' })
    expect(line.match(/-->/g)).toHaveLength(1)
    expect(parseStateLine(line)?.environment).toBe('a --> <b> "c"')
  })
})

describe('withState', () => {
  it('withState: replaces the first line and keeps the rest of the body as it is', () => {
    const body = `${renderStateLine(base)}\n## Report\n\n- [x] ticked by a person`
    const next = withState(body, { ...base, answered: [5] })
    expect(next.split('\n').slice(1).join('\n')).toBe('## Report\n\n- [x] ticked by a person')
    expect(parseStateLine(next)?.answered).toEqual([5])
  })

  it('withState: a body without a state line gets one in front', () => {
    expect(withState('text', base)).toBe(`${renderStateLine(base)}\ntext`)
  })
})

describe('the incident body', () => {
  it('renderIncident: the state line is the first line and records the deploy, breach, commit, rule and pending restore', () => {
    const record = {
      ...serviceDownRecord(),
      pending: { action: 'restore' as const, level: 3 as const, target: 'backup-20251201-030000' }
    }
    const state = parseStateLine(renderIncident(record, ctx()).body)
    expect(state).toEqual(stateAfterRun(undefined, runFactsOf(record, ctx())))
    expect(state).toMatchObject({
      deployedAt: record.deployedAt,
      sha: ctx().sha,
      rule: 'service-down',
      pending: { action: 'restore', level: 3, target: 'backup-20251201-030000' },
      rolledBack: [{ runId: ctx().runId, level: 1 }]
    })
  })
})
