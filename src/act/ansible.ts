// executor: ansible: a level on every host through ansible-playbook (adapters/ansible), with the
// same decisions as the built-in fan-out (fleet.ts): the canary alone, then waves of
// rollback.max-parallel (Ansible's `serial`), no further wave after a failure, each host's own
// target at Level 2/3, and the same steps, commands, limits, record and report. Ansible runs the
// commands; the action reads each host's result from the callback plugin, never the exit code.
import type { EngineEvent, FleetEngine, Logger, PlayStep } from '../adapters/ports.js'
import { formatCommandLine, formatRemoteCommand, shellQuote } from '../adapters/shell.js'
import { optionalScriptText, remoteResultOf } from '../adapters/ansible/results.js'
import { formatDuration } from '../lib/duration.js'
import { planFleet, type HostLevelResult, type HostTarget } from '../runbook/fleet.js'
import type { BackupChoice, RollbackLevel } from '../runbook/types.js'
import type { FleetLevelRecord, FleetRecord, RemoteStep } from '../runbook/record.js'
import { chooseTargets, fleetLevelEnd, hostLogger, hostResult, recordDryRun } from './fleet.js'
import {
  LIST_TIMEOUT_MS,
  levelSteps,
  rollbackArgv,
  targetFromListing,
  targetOfInput,
  type LevelExecutor,
  type LevelOnHost,
  type LevelStep
} from './level.js'
import { describeResult, liveLine, NO_HOST, statusOf, StepRunner, tail } from './steps.js'
import type { RollbackInput } from './types.js'

/** One step of a level as the action means it (the same as runLevelOnHost's). */
type StepSpec = Omit<LevelStep, 'argv'> & {
  /** Per host label (Level 2/3 targets). */
  argv: (host: string) => string[]
}

/** What one host did in a play: its steps by index, when it started and ended. */
interface HostPlay {
  steps: Map<number, { step: RemoteStep; stdout: string }>
  /** Steps started (the callback's start) and when, epoch ms. */
  started: Map<number, number>
  stopped: boolean
  startedAt?: number
  endedAt?: number
}

export function ansibleExecutor(
  input: RollbackInput,
  engine: FleetEngine,
  logger: Logger
): LevelExecutor {
  const { settings, clock, signal, stopSignal } = input
  const { policy } = settings
  const hosts = engine.hosts
  const labels = hosts.map((h) => h.label)
  const labelOf = new Map(hosts.map((h) => [h.name, h.label]))
  const nameOf = new Map(hosts.map((h) => [h.label, h.name]))
  const inFleet = hosts.length > 1
  const plan = planFleet(labels, policy.rollback.maxParallel)
  const waves = [[plan.canary], ...plan.waves]
  const waveOf = new Map(waves.flatMap((w, i) => w.map((h) => [h, i] as const)))
  const logs = new Map(labels.map((h) => [h, inFleet ? hostLogger(logger, h) : logger]))
  const log = (h: string) => logs.get(h) as Logger
  const steps: RemoteStep[] = []
  const record: FleetRecord = {
    hosts: labels,
    maxParallel: policy.rollback.maxParallel,
    levels: [],
    runs: []
  }
  let found: HostTarget[] | undefined
  let targets = new Map<string, BackupChoice>()
  const script = `bash ${shellQuote(settings.scripts.rollback)}`
  const appDir = settings.ssh?.appDir ?? settings.ansible?.credentials.appDir ?? ''

  const playStep = (spec: StepSpec): PlayStep => {
    const text = (argv: string[]) =>
      spec.optional !== undefined
        ? optionalScriptText(appDir, spec.optional, spec.timeoutMs)
        : formatRemoteCommand({ appDir, command: spec.command, argv, timeoutMs: spec.timeoutMs })
    const perHost = Object.fromEntries(labels.map((l) => [nameOf.get(l), text(spec.argv(l))]))
    const same = new Set(Object.values(perHost)).size === 1
    return {
      command: text(spec.argv(labels[0])),
      ...(same ? {} : { perHost }),
      limitS: Math.ceil(spec.timeoutMs / 1000),
      ...(spec.optional !== undefined ? { optional: true } : {}),
      ...(spec.tolerate ? { tolerate: true } : {})
    }
  }

  /** Runs the specs on every host (waves: canary first; else all at once) and records each step. */
  async function play(
    specs: StepSpec[],
    level: RollbackLevel,
    inWaves: boolean
  ): Promise<{ byHost: Map<string, HostPlay>; broken?: string }> {
    const byHost = new Map<string, HostPlay>(
      labels.map((l) => [l, { steps: new Map(), started: new Map(), stopped: false }])
    )
    const bound =
      specs.reduce((sum, s) => sum + s.timeoutMs + 40_000, 0) * (inWaves ? waves.length : 1)
    let waveShown = -1
    const onEvent = (e: EngineEvent) => {
      const host = labelOf.get(e.host ?? '')
      if (!host || !e.task) return
      const h = byHost.get(host) as HostPlay
      // A host that never started: its later steps are skipped too, and say nothing.
      if (h.stopped) return
      const at = (s: number | null | undefined) => Math.round((s ?? Date.now() / 1000) * 1000)
      const i = Number(e.task.replace('rs-step-', ''))
      if (e.event === 'start' && i === 0 && inWaves && waveOf.get(host) !== waveShown) {
        waveShown = waveOf.get(host) as number
        logger.info(
          waveShown === 0
            ? `Level ${level}: the canary ${plan.canary} first, alone (Ansible)`
            : `Level ${level}: wave ${waveShown} of ${waves.length - 1}: ${waves[waveShown].join(', ')} (Ansible)`
        )
      }
      // The first step skipped: a failure or a cancel came first; this host never started.
      if (i === 0 && e.event === 'result' && e.status === 'skipped') {
        h.stopped = true
        h.started.delete(0)
        h.startedAt = undefined
        return
      }
      const spec = specs[i]
      if (!spec) return
      const line = formatCommandLine(spec.command, spec.argv(host))
      if (e.event === 'start') {
        h.startedAt ??= at(e.t)
        h.started.set(i, at(e.t))
        log(host).info(`Level ${level} ${spec.name}: ${line}`)
        return
      }
      if (e.event !== 'result') return
      h.startedAt ??= at(e.start)
      h.endedAt = at(e.end)
      const r = remoteResultOf(e, Math.ceil(spec.timeoutMs / 1000))
      const absent = r.absent
      const skipped = e.status === 'skipped'
      const step: RemoteStep = {
        name: spec.name,
        level,
        ...(inFleet ? { host } : {}),
        command: line,
        startedAt: at(e.start),
        durationMs: r.durationMs,
        exitCode: skipped || absent ? null : r.exitCode,
        status: skipped || absent ? 'skipped' : statusOf(r),
        outputTail: skipped || absent ? '' : tail(r),
        ...(r.sshFailure ? { sshFailure: r.sshFailure } : {}),
        ...(skipped ? { note: 'cancelled' } : absent ? { note: 'absent on host' } : {})
      }
      h.steps.set(i, { step, stdout: r.stdout })
      steps.push(step)
      for (const l of tail(r).split('\n'))
        if (l.trim() !== '' && !skipped && !absent) log(host).info(liveLine(l, inFleet))
      const how = `${spec.name} → ${describeResult(step, spec.timeoutMs)} after ${formatDuration(step.durationMs)}`
      if (step.status === 'ok' || step.status === 'skipped') log(host).info(`  ${how}`)
      else log(host).warning(`  ${how}`)
    }
    const run = await engine.run(
      {
        serial: inWaves ? [1, policy.rollback.maxParallel] : [Math.max(1, labels.length)],
        steps: specs.map(playStep),
        timeoutMs: bound
      },
      { signal, stopSignal, onEvent }
    )
    // A step that started and has no result: Ansible was interrupted (the second cancel signal)
    // while it ran. Recorded as over SSH: no exit code, cancelled.
    for (const [host, h] of byHost)
      for (const [i, startedAt] of h.started) {
        if (h.steps.has(i)) continue
        const spec = specs[i]
        const step: RemoteStep = {
          name: spec.name,
          level,
          ...(inFleet ? { host } : {}),
          command: formatCommandLine(spec.command, spec.argv(host)),
          startedAt,
          durationMs: Math.max(0, clock.now() - startedAt),
          exitCode: null,
          status: 'failed',
          outputTail: '',
          note: 'cancelled'
        }
        h.steps.set(i, { step, stdout: '' })
        h.endedAt = clock.now()
        steps.push(step)
        log(host).warning(
          `  ${spec.name} → ${describeResult(step, spec.timeoutMs)}: Ansible was stopped`
        )
      }
    const anyResult = [...byHost.values()].some((h) => h.steps.size > 0 || h.stopped)
    if (!anyResult && !signal?.aborted)
      return {
        byHost,
        broken:
          `ansible-playbook ran nothing (exit ${run.exitCode ?? run.signal})` +
          (run.outputTail ? `: ${run.outputTail.split('\n').slice(-3).join(' / ')}` : '')
      }
    return { byHost }
  }

  /** How the level went on one host, as runLevelOnHost would say it; undefined: not started. */
  function levelOnHost(specs: StepSpec[], h: HostPlay): LevelOnHost | undefined {
    if (h.steps.size === 0) return undefined
    let passed = 0
    let scriptOk = false
    for (const [i, spec] of specs.entries()) {
      const got = h.steps.get(i)
      if (!got) {
        if (spec.name === 'rollback' || signal?.aborted) {
          const step = h.steps.get(i - 1)?.step ?? [...h.steps.values()][0].step
          return signal?.aborted
            ? { ran: 'cancelled', step, scriptOk }
            : { ran: 'failed', scriptOk, reason: `${spec.name}: no result from Ansible` }
        }
        continue
      }
      const { step } = got
      if (step.status === 'ssh-error') return { ran: 'ssh-broken', step }
      if (step.note === 'cancelled') return { ran: 'cancelled', step, scriptOk }
      if (spec.tolerate) {
        if (step.status !== 'ok')
          log(step.host ?? plan.canary).warning('stop-command failed: restoring anyway')
        continue
      }
      if (spec.name === 'rollback') {
        if (step.status !== 'ok')
          return {
            ran: 'failed',
            scriptOk: false,
            reason: `${step.command} ${describeResult(step, spec.timeoutMs)}`
          }
        scriptOk = true
        continue
      }
      if (step.status === 'ok') passed++
      else if (step.status !== 'skipped')
        return {
          ran: 'failed',
          scriptOk: true,
          reason: `${step.command} ${describeResult(step, spec.timeoutMs)}`
        }
    }
    if (signal?.aborted) {
      const last = [...h.steps.values()].pop()?.step as RemoteStep
      return { ran: 'cancelled', step: last, scriptOk }
    }
    return { ran: 'ok', hostChecksPassed: passed === 2 }
  }

  /** The level's steps (level.ts levelSteps), each host's argv with its own target. */
  function levelSpecs(level: RollbackLevel): StepSpec[] {
    const onHost = (host: string) => levelSteps(settings, level, targets.get(host))
    return onHost(plan.canary).map((s, i) => ({ ...s, argv: (host) => onHost(host)[i].argv }))
  }

  const brokenStep = (why: string, level: RollbackLevel): RemoteStep => {
    const step: RemoteStep = {
      name: 'rollback',
      level,
      command: 'ansible-playbook',
      startedAt: clock.now(),
      durationMs: 0,
      exitCode: null,
      status: 'ssh-error',
      outputTail: '',
      sshFailure: why
    }
    steps.push(step)
    return step
  }

  return {
    get steps() {
      return [...steps].sort((a, b) => a.startedAt - b.startedAt)
    },
    target: () => targets.get(plan.canary),
    ...(inFleet ? { fleet: () => record } : {}),

    async prepare(level, escalating) {
      if (level < 2) return undefined
      if (!found) {
        const given = targetOfInput(input, logger)
        if (given) found = labels.map((host) => ({ host, target: given }))
        else {
          logger.info(
            `Level ${level}: each of ${labels.length} host(s) chooses its own target (--list, through Ansible)`
          )
          const spec: StepSpec = {
            name: 'list-backups',
            command: script,
            argv: () => ['--list'],
            timeoutMs: LIST_TIMEOUT_MS
          }
          const { byHost, broken } = await play([spec], level, false)
          found = labels.map((host) => {
            const got = (byHost.get(host) as HostPlay).steps.get(0)
            if (broken || !got)
              return { host, error: broken ?? 'no result from Ansible', ssh: true }
            const t = targetFromListing(input, got.step, got.stdout, log(host))
            return 'error' in t ? { host, ...t } : { host, target: t.target }
          })
        }
      }
      const chosen = chooseTargets(found, level, policy, escalating)
      if ('status' in chosen) return chosen
      targets = chosen.targets
      return undefined
    },

    dryRun(level) {
      const dry = new StepRunner(NO_HOST, clock, log(plan.canary), undefined, undefined)
      for (const spec of levelSpecs(level))
        dry.dry(spec.name, spec.command, spec.argv(plan.canary), level)
      steps.push(...dry.steps.map((s) => (inFleet ? { ...s, host: plan.canary } : s)))
      recordDryRun(record, waves, targets, level, clock.now(), logger)
      return (
        `dry run: would run Level ${level} through Ansible on ${labels.length} host(s) ` +
        `(canary ${plan.canary} alone, then ${waves.length - 1} wave(s) of at most ${record.maxParallel}): ` +
        formatCommandLine(script, rollbackArgv(level, targets.get(plan.canary))) +
        (level >= 2 && inFleet ? ' with each host’s own target' : '')
      )
    },

    async run(level) {
      const levelRecord: FleetLevelRecord = { level, waves: [], notStarted: [] }
      record.levels.push(levelRecord)
      const specs = levelSpecs(level)
      const { byHost, broken } = await play(specs, level, true)
      if (broken) return { ran: 'ssh-broken', step: brokenStep(broken, level) }
      const results: HostLevelResult[] = []
      const onHost = new Map<string, LevelOnHost>()
      for (const [i, wave] of waves.entries()) {
        const ran = wave.filter((host) => (byHost.get(host) as HostPlay).steps.size > 0)
        if (ran.length === 0) continue
        const times = ran.map((host) => byHost.get(host) as HostPlay)
        levelRecord.waves.push({
          index: i,
          hosts: wave,
          startedAt: Math.min(...times.map((t) => t.startedAt ?? clock.now())),
          endedAt: Math.max(...times.map((t) => t.endedAt ?? clock.now()))
        })
        for (const host of ran) {
          const h = byHost.get(host) as HostPlay
          const r = levelOnHost(specs, h) as LevelOnHost
          onHost.set(host, r)
          const result = hostResult(host, r)
          results.push(result)
          const target = targets.get(host)
          record.runs.push({
            host,
            level,
            wave: i,
            ...(target ? { target } : {}),
            outcome: result.outcome,
            startedAt: h.startedAt ?? clock.now(),
            endedAt: h.endedAt ?? clock.now(),
            ...(result.reason ? { reason: result.reason } : {})
          })
        }
      }
      const lastRollback = (host: string) =>
        steps.filter((s) => s.name === 'rollback' && (!inFleet || s.host === host)).pop() ??
        brokenStep('cancelled before the rollback started', level)
      if (!inFleet) {
        const only = onHost.get(plan.canary)
        if (only) return only
        return signal?.aborted
          ? { ran: 'cancelled', step: lastRollback(plan.canary), scriptOk: false }
          : {
              ran: 'ssh-broken',
              step: brokenStep('Ansible reported no result for the host', level)
            }
      }
      return fleetLevelEnd({
        level,
        plan,
        hosts: labels.length,
        results,
        onHost,
        levelRecord,
        cancelled: signal?.aborted === true,
        lastRollback,
        logger
      })
    }
  }
}
