// A level on every host of a fleet (docs/fleets.md; the plan is runbook/fleet.ts): the canary
// runs it alone; if it succeeds, the other hosts follow in waves of rollback.max-parallel; a failure
// on any host starts no further host (the ones running finish), and the level loop in rollback.ts
// escalates the whole fleet, canary first. Each host has its own connection (and shared SSH
// master) and its own StepRunner, so cancellation reaches every host in flight.
import type { FleetMember, Logger } from '../adapters/ports.js'
import { formatCommandLine, shellQuote } from '../adapters/shell.js'
import { formatAge } from '../runbook/backups.js'
import {
  fleetLevelOutcome,
  fleetTargets,
  mayStartNextWave,
  planFleet,
  type FleetPlan,
  type HostLevelResult,
  type HostTarget
} from '../runbook/fleet.js'
import type { BackupChoice, Policy, RollbackLevel } from '../runbook/types.js'
import type { FleetLevelRecord, FleetRecord, RemoteStep } from '../runbook/record.js'
import {
  resolveTarget,
  rollbackArgv,
  runLevelOnHost,
  levelSteps,
  type LevelBlocked,
  type LevelExecutor,
  type LevelOnHost
} from './level.js'
import { inPool } from './pool.js'
import type { RollbackInput } from './types.js'
import { StepRunner } from './steps.js'

/** Each host's log lines carry its name: `[app-2] Level 1 rollback: …`. */
export function hostLogger(logger: Logger, host: string): Logger {
  return {
    info: (line) => logger.info(`[${host}] ${line}`),
    warning: (line) => logger.warning(`[${host}] ${line}`),
    error: (line) => logger.error(`[${host}] ${line}`)
  }
}

export function hostResult(host: string, r: LevelOnHost): HostLevelResult {
  switch (r.ran) {
    case 'ok':
      return { host, outcome: 'ok', scriptOk: true, hostChecksPassed: r.hostChecksPassed }
    case 'failed':
      return {
        host,
        outcome: 'failed',
        scriptOk: r.scriptOk,
        hostChecksPassed: false,
        reason: r.reason
      }
    case 'ssh-broken':
      return {
        host,
        outcome: 'ssh-broken',
        scriptOk: false,
        hostChecksPassed: false,
        reason: `${r.step.name}: ssh: ${r.step.sshFailure}`
      }
    case 'cancelled':
      return {
        host,
        outcome: 'cancelled',
        scriptOk: r.scriptOk,
        hostChecksPassed: false,
        reason: `cancelled during ${r.step.name}`
      }
  }
}

export function describeTarget(t: BackupChoice | undefined): string {
  if (!t) return ''
  return ` (target ${t.id}${t.ageMs !== null ? `, ${formatAge(t.ageMs)} old` : ''})`
}

/** The level loop's executor for a fleet: every level on every host, canary first. */
export function fleetExecutor(
  input: RollbackInput,
  fleet: readonly FleetMember[],
  logger: Logger
): LevelExecutor {
  const { settings, clock, signal, stopSignal } = input
  const { policy } = settings
  const labels = fleet.map((m) => m.label)
  const plan = planFleet(labels, policy.rollback.maxParallel)
  const waves = [[plan.canary], ...plan.waves]
  const logs = new Map(labels.map((h) => [h, hostLogger(logger, h)]))
  const runners = new Map(
    fleet.map((m) => [
      m.label,
      new StepRunner(m.remote, clock, logs.get(m.label) as Logger, signal, stopSignal, m.label)
    ])
  )
  const runner = (h: string) => runners.get(h) as StepRunner
  const log = (h: string) => logs.get(h) as Logger
  const record: FleetRecord = {
    hosts: labels,
    maxParallel: policy.rollback.maxParallel,
    levels: [],
    runs: []
  }
  let found: HostTarget[] | undefined
  let targets = new Map<string, BackupChoice>()
  const shape = `canary ${plan.canary} alone, then ${waves.length - 1} wave(s) of at most ${record.maxParallel}`

  return {
    get steps(): RemoteStep[] {
      // Merged by start time; sort is stable, so one host's steps keep their order.
      return [...runners.values()].flatMap((r) => r.steps).sort((a, b) => a.startedAt - b.startedAt)
    },
    target: () => targets.get(plan.canary),
    fleet: () => record,

    async prepare(level, escalating) {
      if (level < 2) return undefined
      if (!found) {
        logger.info(
          `Level ${level}: each of ${labels.length} hosts chooses its own target (--list)`
        )
        found = await inPool(labels, policy.rollback.maxParallel, async (host) => {
          const t = await resolveTarget(input, runner(host), log(host), level)
          return 'error' in t ? { host, error: t.error, ssh: t.ssh } : { host, target: t.target }
        })
      }
      const chosen = chooseTargets(found, level, policy, escalating)
      if ('status' in chosen) return chosen
      targets = chosen.targets
      return undefined
    },

    dryRun(level) {
      const script = `bash ${shellQuote(settings.scripts.rollback)}`
      const canary = runner(plan.canary)
      for (const s of levelSteps(settings, level, targets.get(plan.canary)))
        canary.dry(s.name, s.command, s.argv, level)
      logger.info(`[dry-run] Level ${level} on ${labels.length} hosts: ${shape}`)
      recordDryRun(record, waves, targets, level, clock.now(), logger)
      return (
        `dry run: would run Level ${level} on ${labels.length} hosts (${shape}): ` +
        formatCommandLine(script, rollbackArgv(level, targets.get(plan.canary))) +
        (level >= 2 ? ' with each host’s own target' : '')
      )
    },

    async run(level) {
      const levelRecord: FleetLevelRecord = { level, waves: [], notStarted: [] }
      record.levels.push(levelRecord)
      const results: HostLevelResult[] = []
      const onHost = new Map<string, LevelOnHost>()
      for (const [i, wave] of waves.entries()) {
        if (i > 0 && !mayStartNextWave(results)) break
        if (signal?.aborted) break
        logger.info(
          i === 0
            ? `Level ${level}: the canary ${plan.canary} first, alone`
            : `Level ${level}: wave ${i} of ${waves.length - 1}: ${wave.join(', ')}`
        )
        const startedAt = clock.now()
        const done = await Promise.all(
          wave.map(async (host) => {
            const t0 = clock.now()
            const target = targets.get(host)
            const r = await runLevelOnHost(runner(host), input, level, target, log(host))
            onHost.set(host, r)
            const result = hostResult(host, r)
            record.runs.push({
              host,
              level,
              wave: i,
              ...(target ? { target } : {}),
              outcome: result.outcome,
              startedAt: t0,
              endedAt: clock.now(),
              ...(result.reason ? { reason: result.reason } : {})
            })
            return result
          })
        )
        results.push(...done)
        levelRecord.waves.push({ index: i, hosts: wave, startedAt, endedAt: clock.now() })
      }
      return fleetLevelEnd({
        level,
        plan,
        hosts: labels.length,
        results,
        onHost,
        levelRecord,
        cancelled: signal?.aborted === true,
        lastRollback: (host) =>
          runner(host)
            .steps.filter((s) => s.name === 'rollback')
            .pop() as RemoteStep,
        logger
      })
    }
  }
}

/**
 * How a level ended on the fleet, from each host's result, as the level loop's LevelOnHost: the
 * worst host decides (runbook/fleet.ts fleetLevelOutcome), and the level's record notes who never
 * started. The built-in fan-out and the Ansible executor (ansible.ts) both end a level here.
 */
export function fleetLevelEnd(end: {
  level: RollbackLevel
  plan: FleetPlan
  hosts: number
  results: HostLevelResult[]
  onHost: Map<string, LevelOnHost>
  levelRecord: FleetLevelRecord
  /** The first cancel signal came. */
  cancelled: boolean
  /** A host's last rollback step (for a host cancelled between steps). */
  lastRollback: (host: string) => RemoteStep
  logger: Logger
}): LevelOnHost {
  const { level, plan, results, onHost, levelRecord } = end
  const out = fleetLevelOutcome(level, plan, results)
  levelRecord.notStarted = out.notStarted
  const note =
    `Level ${level} ran on ${results.length} of ${end.hosts} hosts` +
    (out.notStarted.length ? `, ${out.notStarted.length} not started` : '')
  const first = (outcome: HostLevelResult['outcome']) => {
    const host = results.find((r) => r.outcome === outcome)?.host as string
    return { host, r: onHost.get(host) as LevelOnHost }
  }
  if (out.outcome === 'ssh-broken') {
    const { host, r } = first('ssh-broken')
    if (r.ran === 'ssh-broken') return { ...r, host, note }
  }
  if (out.outcome === 'cancelled' || (end.cancelled && out.notStarted.length > 0)) {
    const cancelled = results.find((r) => r.outcome === 'cancelled')
    const host = cancelled?.host ?? plan.canary
    const r = onHost.get(host)
    const step = r && 'step' in r ? r.step : end.lastRollback(host)
    return { ran: 'cancelled', step, scriptOk: out.run.scriptOk, host, note }
  }
  if (out.outcome === 'failed' || out.reason)
    return { ran: 'failed', scriptOk: out.run.scriptOk, reason: out.reason ?? note }
  end.logger.info(`${note}: every host ok`)
  return { ran: 'ok', hostChecksPassed: out.run.hostChecksPassed }
}

/** Every host's own target (runbook/fleet.ts fleetTargets), or why the level cannot run. */
export function chooseTargets(
  found: readonly HostTarget[],
  level: RollbackLevel,
  policy: Policy,
  escalating: boolean
): { targets: Map<string, BackupChoice> } | LevelBlocked {
  const chosen = fleetTargets(found, level, policy)
  if (!('error' in chosen)) return { targets: chosen.targets }
  return {
    status: chosen.ssh || escalating ? 'failed' : 'blocked',
    reason:
      `Level ${level} needs a usable backup on every host: ${chosen.error}` +
      (chosen.ssh ? '' : ': a human must choose (rollback-target)')
  }
}

/** A dry run's plan in the fleet's record: each wave logged, each host's run 'planned'. */
export function recordDryRun(
  record: FleetRecord,
  waves: readonly string[][],
  targets: ReadonlyMap<string, BackupChoice>,
  level: RollbackLevel,
  now: number,
  logger: Logger
): void {
  record.levels.push({ level, waves: [], notStarted: [] })
  for (const [i, wave] of waves.entries()) {
    logger.info(
      `[dry-run]   ${i === 0 ? 'canary' : `wave ${i}`}: ${wave
        .map((h) => `${h}${describeTarget(targets.get(h))}`)
        .join(', ')}`
    )
    for (const host of wave)
      record.runs.push({
        host,
        level,
        wave: i,
        ...(targets.has(host) ? { target: targets.get(host) } : {}),
        outcome: 'planned',
        startedAt: now,
        endedAt: now
      })
  }
}
