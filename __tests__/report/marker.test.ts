// The hidden marker: the format every version reads (environment, run, rollback-done) and the keys
// added for commands (deploy, breach, sha, rule, pending, target; comment and command on replies).
import { parseMarkers, renderMarker, type Marker } from '../../src/report/context.js'
import { markerFor } from '../../src/report/incident.js'
import { ctx, serviceDownRecord } from './fixtures.js'

/** The marker pattern of the version before commands (its parser, kept here as the contract). */
const EARLIER_VERSION = /<!-- rollback-sentinel environment=(\S+) run=(\S+)((?: [a-z-]+=\S+)*) -->/

describe('parseMarkers', () => {
  it.each<[string, string, Marker[]]>([
    [
      'parseMarkers: a marker of the earlier version',
      '<!-- rollback-sentinel environment=production run=4242 rollback-done=1 -->\nbody',
      [{ environment: 'production', runId: '4242', rollbackDone: 1 }]
    ],
    [
      'parseMarkers: without rollback-done',
      '<!-- rollback-sentinel environment=staging%202 run=7 -->',
      [{ environment: 'staging 2', runId: '7' }]
    ],
    [
      'parseMarkers: a command reply',
      '<!-- rollback-sentinel environment=production run=900 rollback-done=3 comment=1001 command=clear-security -->',
      [
        {
          environment: 'production',
          runId: '900',
          rollbackDone: 3,
          comment: 1001,
          command: 'clear-security'
        }
      ]
    ],
    [
      'parseMarkers: unknown keys are ignored, values that do not fit their key are dropped',
      '<!-- rollback-sentinel environment=production run=1 future-key=x target=b%3Breboot rule=Evil pending=nope pending-level=9 comment=abc deployed-at=yesterday -->',
      [{ environment: 'production', runId: '1' }]
    ]
  ])('%s', (_name, text, markers) => {
    expect(parseMarkers(text)).toEqual(markers)
  })
})

describe('renderMarker', () => {
  const full: Marker = {
    environment: 'prod eu',
    runId: '555',
    rollbackDone: 3,
    deployedAt: Date.parse('2026-11-27T12:00:00Z'),
    breachAt: Date.parse('2026-11-27T12:01:30Z'),
    sha: 'd6cd1e2bd19e03a81132a23b2025920577f84e37',
    rule: 'data-corruption',
    pending: 'restore',
    pendingLevel: 3,
    target: 'backup-20261126-030000',
    comment: 1234,
    command: 'approve'
  }

  it('renderMarker: every key round-trips through parseMarkers', () => {
    expect(parseMarkers(renderMarker(full))).toEqual([full])
  })

  it('renderMarker: the earlier version still finds the environment and the run in a new marker', () => {
    const m = EARLIER_VERSION.exec(renderMarker(full))
    expect(m?.[1]).toBe('prod%20eu')
    expect(m?.[2]).toBe('555')
    expect(/rollback-done=([123])/.exec(m?.[3] ?? '')?.[1]).toBe('3')
  })

  it('renderMarker: an empty run id still gives a readable marker', () => {
    expect(parseMarkers(renderMarker({ environment: 'production', runId: '' }))).toEqual([
      { environment: 'production', runId: 'none' }
    ])
  })
})

describe('markerFor', () => {
  it('markerFor: the watch records its deploy, breach, commit, rule and a pending restore', () => {
    const record = {
      ...serviceDownRecord(),
      pending: { action: 'restore' as const, level: 3 as const, target: 'backup-20251201-030000' }
    }
    expect(parseMarkers(markerFor(record, ctx()))[0]).toMatchObject({
      deployedAt: record.deployedAt,
      sha: ctx().sha,
      rule: 'service-down',
      pending: 'restore',
      pendingLevel: 3,
      target: 'backup-20251201-030000'
    })
  })
})
