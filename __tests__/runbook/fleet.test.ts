// The fleet's plan and what follows a level on several hosts (runbook/fleet.ts), and the rules' reasons
// naming the host an alert came from: pure, table-tested.
import { decide } from '../../src/runbook/decide.js'
import {
  fleetLevelOutcome,
  fleetTargets,
  mayStartNextWave,
  mergeHostReadings,
  planFleet,
  type HostLevelResult,
  type HostTarget
} from '../../src/runbook/fleet.js'
import { afterLevel } from '../../src/runbook/recovery.js'
import type { BackupChoice, HostReadings } from '../../src/runbook/types.js'
import { MIN, ctx, policy, sample } from '../../__fixtures__/samples.js'

const HOUR = 60 * MIN
const hosts = (n: number) => Array.from({ length: n }, (_, i) => `app-${i + 1}`)

describe('planFleet', () => {
  it.each<[string, number, number, string[][]]>([
    ['planFleet: one host is only the canary', 1, 4, []],
    ['planFleet: three hosts, max-parallel 4 → one wave of two', 3, 4, [['app-2', 'app-3']]],
    [
      'planFleet: six hosts, max-parallel 2 → waves of 2, 2, 1',
      6,
      2,
      [['app-2', 'app-3'], ['app-4', 'app-5'], ['app-6']]
    ],
    ['planFleet: max-parallel 1 → one host at a time', 3, 1, [['app-2'], ['app-3']]],
    [
      'planFleet: max-parallel larger than the fleet → one wave',
      4,
      50,
      [['app-2', 'app-3', 'app-4']]
    ]
  ])('%s', (_name, n, max, waves) => {
    const plan = planFleet(hosts(n), max)
    expect(plan.canary).toBe('app-1')
    expect(plan.waves).toEqual(waves)
  })

  it('planFleet: 50 hosts, max-parallel 10 → the canary, then ⌈49/10⌉ = 5 waves', () => {
    const plan = planFleet(hosts(50), 10)
    expect(plan.waves.map((w) => w.length)).toEqual([10, 10, 10, 10, 9])
    expect([plan.canary, ...plan.waves.flat()]).toEqual(hosts(50))
  })

  it('planFleet: no host is a programming error', () => {
    expect(() => planFleet([], 4)).toThrow()
  })
})

const ok = (host: string, checks = true): HostLevelResult => ({
  host,
  outcome: 'ok',
  scriptOk: true,
  hostChecksPassed: checks
})
const failed = (host: string, reason = 'bash rollback.sh --quick exit 1'): HostLevelResult => ({
  host,
  outcome: 'failed',
  scriptOk: false,
  hostChecksPassed: false,
  reason
})

describe('mayStartNextWave', () => {
  it.each<[string, HostLevelResult[], boolean]>([
    ['mayStartNextWave: nothing ran yet', [], true],
    ['mayStartNextWave: the canary ok', [ok('app-1')], true],
    ['mayStartNextWave: a failure anywhere stops new hosts', [ok('app-1'), failed('app-3')], false],
    [
      'mayStartNextWave: an ssh failure stops new hosts',
      [{ ...failed('app-2'), outcome: 'ssh-broken' }],
      false
    ],
    [
      'mayStartNextWave: a cancellation stops new hosts',
      [{ ...ok('app-1'), outcome: 'cancelled' }],
      false
    ]
  ])('%s', (_name, results, want) => expect(mayStartNextWave(results)).toBe(want))
})

describe('fleetLevelOutcome', () => {
  const plan = planFleet(hosts(5), 2)
  it.each<[string, HostLevelResult[], Record<string, unknown>]>([
    [
      'fleetLevelOutcome: every host ok → ok, checks passed',
      hosts(5).map((h) => ok(h)),
      {
        outcome: 'ok',
        failedHosts: [],
        notStarted: [],
        run: { level: 1, scriptOk: true, hostChecksPassed: true }
      }
    ],
    [
      'fleetLevelOutcome: the canary failed → failed, the rest not started, reason names it',
      [failed('app-1')],
      {
        outcome: 'failed',
        reason: 'on app-1: bash rollback.sh --quick exit 1 (4 not started)',
        failedHosts: ['app-1'],
        notStarted: ['app-2', 'app-3', 'app-4', 'app-5']
      }
    ],
    [
      'fleetLevelOutcome: two failures in a wave → the first named, the other listed',
      [ok('app-1'), failed('app-2'), failed('app-3', 'smoke exit 2')],
      {
        outcome: 'failed',
        reason: 'on app-2: bash rollback.sh --quick exit 1; also on app-3 (2 not started)',
        failedHosts: ['app-2', 'app-3']
      }
    ],
    [
      'fleetLevelOutcome: ssh-broken outranks a failed script',
      [
        ok('app-1'),
        failed('app-2'),
        { ...failed('app-3', 'rollback: ssh: connection refused'), outcome: 'ssh-broken' }
      ],
      { outcome: 'ssh-broken', reason: expect.stringMatching(/^on app-3: rollback: ssh/) }
    ]
  ])('%s', (_name, results, want) => {
    expect(fleetLevelOutcome(1, plan, results)).toMatchObject(want)
  })

  it('fleetLevelOutcome: validate/smoke absent on one host → hostChecksPassed false, still ok', () => {
    const out = fleetLevelOutcome(1, plan, [
      ok('app-1'),
      ok('app-2', false),
      ...hosts(5)
        .slice(2)
        .map((h) => ok(h))
    ])
    expect(out.outcome).toBe('ok')
    expect(out.run).toEqual({ level: 1, scriptOk: true, hostChecksPassed: false })
  })

  it('fleetLevelOutcome → afterLevel: a failure on any host escalates the whole fleet', () => {
    const out = fleetLevelOutcome(1, plan, [ok('app-1'), failed('app-2'), ok('app-3')])
    const next = afterLevel(out.run, { recovered: false, reason: out.reason as string }, policy())
    expect(next).toEqual({ next: 'escalate', level: 2 })
  })
})

function choice(id: string, ageMs: number | null, source: 'list' | 'input' = 'list'): BackupChoice {
  return { id, takenAt: null, ageMs, source, dataLossNote: 'note' }
}

describe('fleetTargets', () => {
  it.each<[string, HostTarget[], 2 | 3, Record<string, unknown>]>([
    [
      'fleetTargets: each host keeps its own target',
      [
        { host: 'app-1', target: choice('b-1', HOUR) },
        { host: 'app-2', target: choice('b-2', 2 * HOUR) }
      ],
      2,
      {
        targets: new Map([
          ['app-1', choice('b-1', HOUR)],
          ['app-2', choice('b-2', 2 * HOUR)]
        ])
      }
    ],
    [
      'fleetTargets: a host with no backup blocks, named',
      [
        { host: 'app-1', target: choice('b-1', HOUR) },
        { host: 'app-2', error: 'no backup from before the deploy', ssh: false }
      ],
      2,
      { error: 'app-2: no backup from before the deploy', ssh: false, hosts: ['app-2'] }
    ],
    [
      'fleetTargets: a host that could not list (ssh) fails, named',
      [{ host: 'app-3', error: 'could not list backups: connection refused', ssh: true }],
      2,
      { ssh: true, hosts: ['app-3'] }
    ],
    [
      'fleetTargets: Level 3 from a backup older than backup-max-age blocks that host',
      [
        { host: 'app-1', target: choice('b-1', HOUR) },
        { host: 'app-2', target: choice('b-old', 30 * HOUR) }
      ],
      3,
      {
        error: expect.stringMatching(/^app-2: backup b-old is 30h old > backup-max-age 24h/),
        hosts: ['app-2']
      }
    ],
    [
      'fleetTargets: Level 2 from an old backup is allowed (backup-max-age guards Level 3)',
      [{ host: 'app-2', target: choice('b-old', 30 * HOUR) }],
      2,
      { targets: expect.any(Map) }
    ],
    [
      'fleetTargets: a rollback-target (a person chose it) is never refused for its age',
      [{ host: 'app-2', target: choice('b-old', 30 * HOUR, 'input') }],
      3,
      { targets: expect.any(Map) }
    ]
  ])('%s', (_name, found, level, want) => {
    expect(fleetTargets(found, level, policy())).toMatchObject(want)
  })
})

function readings(over: Partial<HostReadings> = {}): HostReadings {
  return { ...sample().host, ...over }
}

describe('mergeHostReadings', () => {
  it('mergeHostReadings: one host is read as it is (no host named)', () => {
    const r = readings({ corruption: { status: 'alert', detail: 'marker' } })
    expect(mergeHostReadings([{ host: 'app-1', readings: r }])).toBe(r)
  })

  it.each<[string, HostReadings['corruption'][], Record<string, unknown>]>([
    [
      'mergeHostReadings: an alert on the third host counts and names it',
      [
        { status: 'ok' },
        { status: 'ok' },
        { status: 'alert', detail: 'corruption marker found (exit 0)' }
      ],
      { status: 'alert', host: 'app-3', detail: 'corruption marker found (exit 0)' }
    ],
    [
      'mergeHostReadings: alerts on two hosts → the first named, the other listed',
      [{ status: 'alert', detail: 'x' }, { status: 'ok' }, { status: 'alert', detail: 'y' }],
      { status: 'alert', host: 'app-1', detail: 'x (also on app-3)' }
    ],
    [
      'mergeHostReadings: an alert outranks an unknown elsewhere',
      [
        { status: 'unknown', detail: 'connection refused' },
        { status: 'alert', detail: 'x' },
        { status: 'ok' }
      ],
      { status: 'alert', host: 'app-2' }
    ],
    [
      'mergeHostReadings: a host whose check cannot run makes the check unknown, named',
      [{ status: 'ok' }, { status: 'unknown', detail: 'connection refused' }, { status: 'ok' }],
      { status: 'unknown', host: 'app-2', detail: 'connection refused' }
    ],
    [
      'mergeHostReadings: ok everywhere → ok on every host',
      [{ status: 'ok', detail: 'exit 0' }, { status: 'ok' }, { status: 'ok' }],
      { status: 'ok', detail: 'exit 0 on 3 hosts' }
    ],
    [
      'mergeHostReadings: off everywhere → off',
      [{ status: 'off' }, { status: 'off' }, { status: 'off' }],
      { status: 'off' }
    ]
  ])('%s', (_name, perHost, want) => {
    const merged = mergeHostReadings(
      perHost.map((c, i) => ({ host: `app-${i + 1}`, readings: readings({ corruption: c }) }))
    )
    expect(merged.corruption).toMatchObject(want)
  })

  it('mergeHostReadings: critical log lines on one host count, the host named; counts add up', () => {
    const log = (critical: number, medium: number) => ({
      status: 'measured' as const,
      critical,
      medium,
      low: 0,
      top: critical ? ['1× [critical] out of memory'] : []
    })
    const merged = mergeHostReadings([
      { host: 'app-1', readings: readings({ errorLog: log(0, 2) }) },
      { host: 'app-2', readings: readings({ errorLog: log(3, 1) }) },
      {
        host: 'app-3',
        readings: readings({
          errorLog: {
            status: 'unknown',
            critical: 0,
            medium: 0,
            low: 0,
            top: [],
            reason: 'timeout'
          }
        })
      }
    ])
    expect(merged.errorLog).toMatchObject({
      status: 'measured',
      critical: 3,
      medium: 3,
      hosts: ['app-2'],
      top: ['app-2: 1× [critical] out of memory']
    })
  })
})

describe('rules name the host an alert came from', () => {
  const fleetSample = (over: Partial<HostReadings>) => ({ ...sample(), host: readings(over) })
  it.each<[string, Partial<HostReadings>, string, string]>([
    [
      'data-corruption on the third host → Level 3, reason names it',
      { corruption: { status: 'alert', host: 'app-3.example.com' } },
      'data-corruption',
      'data-corruption on app-3.example.com: data corruption detected on the host (P1)'
    ],
    [
      'database-failure on one host → Level 2, reason names it',
      { database: { status: 'alert', host: 'app-2' } },
      'database-failure',
      'database-failure on app-2: database check failed (P1)'
    ],
    [
      'security-breach on one host → isolate, reason names it',
      { security: { status: 'alert', host: 'app-5' } },
      'security-breach',
      'security-breach on app-5: security alert on the host (P1)'
    ],
    [
      'critical-errors on two hosts → reason names both',
      {
        errorLog: {
          status: 'measured',
          critical: 2,
          medium: 0,
          low: 0,
          top: [],
          hosts: ['app-1', 'app-4']
        }
      },
      'critical-errors',
      'critical-errors on app-1, app-4: 2 critical errors in the host log (P1)'
    ]
  ])('%s', (_name, host, rule, reason) => {
    const v = decide([fleetSample(host)], policy(), ctx(0))
    expect(v.rule).toBe(rule)
    expect(v.reason.startsWith(reason)).toBe(true)
  })

  it('one host (no host on the reading): the reason reads as before', () => {
    const v = decide([sample({ corruption: 'alert' })], policy(), ctx(0))
    expect(v.reason).toBe(
      'data corruption detected on the host (P1): stop all services, then Level 3'
    )
  })
})
