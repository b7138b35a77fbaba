// executor: ansible's level loop (act/ansible.ts) over a scripted engine: the same decisions,
// record and reasons as the built-in fan-out, from each host's results alone.
import { jest } from '@jest/globals'
import { executeRollback } from '../../src/act/rollback.js'
import type { RollbackInput, VerifyResult } from '../../src/act/types.js'
import type {
  Clock,
  EngineEvent,
  EnginePlay,
  EngineRun,
  FleetEngine,
  Logger
} from '../../src/adapters/ports.js'
import { DEFAULT_POLICY } from '../../src/runbook/defaults.js'

const NOW = Date.UTC(2026, 11, 2, 12, 0, 0)
const clock: Clock = { now: () => NOW, sleep: async () => {} }
let lines: string[]
const logger: Logger = {
  info: (l) => lines.push(l),
  warning: (l) => lines.push(`WARN ${l}`),
  error: (l) => lines.push(`ERROR ${l}`)
}
beforeEach(() => {
  lines = []
})

/** What a host answers to a step's text: an exit code (and output), or unreachable. */
type Answer = { rc: number; stdout?: string; stderr?: string } | 'unreachable'

/**
 * An engine that plays Ansible's part: serial batches in order, steps in order per host, a
 * failed/unreachable step stops that host, and every later batch skips its first step (the
 * callback's stop file).
 */
function fakeEngine(
  names: string[],
  answer: (host: string, text: string, step: number) => Answer
): FleetEngine & { plays: EnginePlay[] } {
  const hosts = names.map((n, i) => ({ name: `h${i + 1}`, label: n }))
  const plays: EnginePlay[] = []
  return {
    dir: '/nowhere',
    hosts,
    plays,
    prepare: async () => ({ version: '2.14.18', hosts }),
    async run(play, opts): Promise<EngineRun> {
      plays.push(play)
      const events: EngineEvent[] = []
      const emit = (e: EngineEvent) => {
        events.push(e)
        opts.onEvent?.(e)
      }
      const batches: string[][] = []
      const order = hosts.map((h) => h.name)
      for (let i = 0, b = 0; i < order.length; b++) {
        const size = play.serial[Math.min(b, play.serial.length - 1)]
        batches.push(order.slice(i, i + size))
        i += size
      }
      let stopped = false
      for (const batch of batches) {
        if (stopped) {
          for (const host of batch)
            emit({ event: 'result', host, task: 'rs-step-0', status: 'skipped' })
          continue
        }
        for (const host of batch) {
          for (const [i, step] of play.steps.entries()) {
            const text = step.perHost?.[host] ?? step.command
            emit({ event: 'start', host, task: `rs-step-${i}`, t: NOW / 1000 })
            const a = answer(host, text, i)
            const base = {
              event: 'result' as const,
              host,
              task: `rs-step-${i}`,
              start: NOW / 1000,
              end: NOW / 1000 + 1
            }
            if (a === 'unreachable') {
              emit({ ...base, status: 'unreachable', msg: 'Host key verification failed.' })
              stopped = true
              break
            }
            const failed = a.rc !== 0 && !(step.optional && a.rc === 200)
            emit({
              ...base,
              status: failed ? 'failed' : 'ok',
              rc: a.rc,
              stdout: a.stdout ?? '',
              stderr: a.stderr ?? ''
            })
            if (failed && !step.tolerate) {
              stopped = true
              break
            }
          }
        }
      }
      emit({ event: 'stats' })
      return { exitCode: stopped ? 2 : 0, signal: null, events, outputTail: '', finished: true }
    },
    dispose: async () => {},
    disposeSync: () => {}
  }
}

const verify = jest.fn(async (): Promise<VerifyResult> => ({
  recovered: true,
  reason: 'health up',
  samples: []
}))

function run(engine: FleetEngine, over: Partial<RollbackInput> = {}) {
  const policy = structuredClone(DEFAULT_POLICY)
  policy.rollback.maxParallel = 2
  return executeRollback({
    startLevel: 1,
    settings: {
      scripts: {
        rollback: 'deploy/rollback/rollback.sh',
        validate: 'deploy/rollback/validate_rollback.sh',
        smokeTest: 'deploy/smoke_tests.sh'
      },
      commands: {},
      dryRun: false,
      deployedAt: NOW - 600_000,
      policy
    },
    remote: undefined,
    engine,
    clock,
    verify,
    logger,
    ...over
  })
}

const ok: Answer = { rc: 0, stdout: 'done' }

describe('executor: ansible', () => {
  it('Level 1 on every host, canary alone, then waves of max-parallel; each host’s steps and the fleet record', async () => {
    const engine = fakeEngine(['app-1', 'app-2', 'app-3', 'app-4'], () => ok)
    const { outcome, steps } = await run(engine)
    expect(outcome.status).toBe('succeeded')
    expect(engine.plays[0].serial).toEqual([1, 2])
    expect(engine.plays[0].steps[0].command).toBe(
      'timeout -k 5 300 bash deploy/rollback/rollback.sh --quick'
    )
    expect(outcome.fleet?.runs.map((r) => [r.host, r.wave, r.outcome])).toEqual([
      ['app-1', 0, 'ok'],
      ['app-2', 1, 'ok'],
      ['app-3', 1, 'ok'],
      ['app-4', 2, 'ok']
    ])
    expect(steps.filter((s) => s.name === 'rollback').map((s) => s.host)).toEqual([
      'app-1',
      'app-2',
      'app-3',
      'app-4'
    ])
    expect(lines).toContain('[app-2] Level 1 rollback: bash deploy/rollback/rollback.sh --quick')
    expect(lines).toContain('[app-2] done')
  })

  it('a failing canary: no other host starts, the reason names it, and the fleet escalates to Level 2', async () => {
    const engine = fakeEngine(['app-1', 'app-2', 'app-3'], (host, text) =>
      host === 'h1' && text.includes('--quick')
        ? { rc: 1, stderr: 'broken' }
        : text.includes('--list')
          ? { rc: 0, stdout: 'b-1  2026-12-02T11:00:00Z' }
          : ok
    )
    const { outcome } = await run(engine)
    expect(outcome.attempts[0].reason).toBe(
      'on app-1: bash deploy/rollback/rollback.sh --quick exit 1 (2 not started)'
    )
    expect(outcome.fleet?.levels[0].notStarted).toEqual(['app-2', 'app-3'])
    // Level 2: each host's own target from its own --list (one play, all at once), then the level.
    expect(engine.plays[1].serial).toEqual([3])
    expect(engine.plays[2].steps[0].perHost ?? engine.plays[2].steps[0].command).toEqual(
      'timeout -k 5 900 bash deploy/rollback/rollback.sh --level 2 --target b-1'
    )
    expect(outcome).toMatchObject({ status: 'succeeded', level: 2 })
  })

  it('each host restores its own backup at Level 2', async () => {
    const engine = fakeEngine(['app-1', 'app-2'], (host, text) =>
      text.includes('--list') ? { rc: 0, stdout: `b-${host}  2026-12-02T11:00:00Z` } : ok
    )
    const { outcome } = await run(engine, { startLevel: 2 })
    expect(outcome.status).toBe('succeeded')
    expect(engine.plays[1].steps[0].perHost).toEqual({
      h1: 'timeout -k 5 900 bash deploy/rollback/rollback.sh --level 2 --target b-h1',
      h2: 'timeout -k 5 900 bash deploy/rollback/rollback.sh --level 2 --target b-h2'
    })
  })

  it('an unreachable host: ssh-broken, no escalation, the rest not started', async () => {
    const engine = fakeEngine(['app-1', 'app-2', 'app-3', 'app-4'], (host) =>
      host === 'h2' ? 'unreachable' : ok
    )
    const { outcome } = await run(engine)
    expect(outcome.status).toBe('failed')
    expect(outcome.reason).toBe(
      'Level 1 rollback on app-2: host key verification failed (pin the host with ssh-known-hosts / ssh-keyscan) (Level 1 ran on 3 of 4 hosts, 1 not started)'
    )
    expect(engine.plays).toHaveLength(1)
  })

  it('absent validate and smoke scripts are skipped steps, not failures', async () => {
    const engine = fakeEngine(['app-1'], (_h, _t, step) =>
      step === 0 ? ok : { rc: 200, stderr: 'rollback-sentinel: absent on host' }
    )
    const { outcome, steps } = await run(engine)
    expect(outcome.status).toBe('succeeded')
    expect(steps.map((s) => [s.name, s.status, s.note])).toEqual([
      ['rollback', 'ok', undefined],
      ['validate', 'skipped', 'absent on host'],
      ['smoke-test', 'skipped', 'absent on host']
    ])
    // One host: no fleet record and no host on the steps, as with the built-in executor.
    expect(outcome.fleet).toBeUndefined()
    expect(steps[0].host).toBeUndefined()
  })

  it('an engine that runs nothing (Ansible broken) fails the rollback without escalating', async () => {
    const engine = fakeEngine(['app-1', 'app-2'], () => ok)
    engine.run = async () => ({
      exitCode: 4,
      signal: null,
      events: [],
      outputTail: 'ERROR! the playbook: x could not be found',
      finished: false
    })
    const { outcome } = await run(engine)
    expect(outcome.status).toBe('failed')
    expect(outcome.reason).toContain(
      'ansible-playbook ran nothing (exit 4): ERROR! the playbook: x could not be found'
    )
    expect(outcome.attempts).toHaveLength(1)
  })
})
