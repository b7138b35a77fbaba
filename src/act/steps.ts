// Every command the action runs on the host goes through a StepRunner, which records it as a
// RemoteStep (command, exit code, duration, output tail) for the report, and honours cancellation
// in two stages: once `signal` aborts nothing new starts; `stopSignal` kills the command in flight.
import type { Clock, Logger, Remote, RemoteResult } from '../adapters/ports.js'
import { formatCommandLine, shellQuote } from '../adapters/shell.js'
import { formatDuration } from '../lib/duration.js'
import type { RollbackLevel } from '../runbook/types.js'
import type { RemoteStep, StepName } from '../runbook/record.js'

const OUTPUT_TAIL_LINES = 40

export interface StepOptions {
  clock: Clock
  logger?: Logger
  /** Cancellation: no new command starts once it aborts (the one in flight goes on). */
  signal?: AbortSignal
  /** Kills the command in flight (default: `signal`). */
  stopSignal?: AbortSignal
  timeoutMs?: number
  /** In a fleet: the host's label, put on its steps. */
  host?: string
}

/** Stands in when there is no host; never asked to run anything (callers check first). */
export const NO_HOST: Remote = {
  run: () => Promise.reject(new Error('no host configured (ssh-host)')),
  dispose: async () => {}
}

export const silent: Logger = { info: () => {}, warning: () => {}, error: () => {} }

/**
 * One line of a host's output as the step log shows it while the command runs: `  | line` on one
 * host; in a fleet the line as it is, which the host's logger (fleet.ts hostLogger) puts after
 * `[host] `. Either prefix keeps the host's text from starting a log line with `::` (a workflow
 * command); control characters go. Secrets are masked by the runner, which masks every
 * registered value in every log line.
 */
export function liveLine(line: string, inFleet = false): string {
  // eslint-disable-next-line no-control-regex
  const text = line.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
  return inFleet ? text : `  | ${text}`
}

export function tail(r: RemoteResult): string {
  const text = [r.stdout, r.stderr].filter((s) => s.trim() !== '').join('\n')
  return text.split(/\r?\n/).slice(-OUTPUT_TAIL_LINES).join('\n').trimEnd()
}

export function statusOf(r: RemoteResult): RemoteStep['status'] {
  if (r.sshFailure) return 'ssh-error'
  if (r.timedOut) return 'timeout'
  return r.exitCode === 0 ? 'ok' : 'failed'
}

/** "exit 3", "timed out at its 5m limit", "ssh: connection refused". */
export function describeResult(step: RemoteStep, timeoutMs: number): string {
  if (step.status === 'ssh-error') return `ssh: ${step.sshFailure}`
  if (step.status === 'timeout') return `killed at its ${formatDuration(timeoutMs)} limit`
  if (step.status === 'skipped') return `skipped (${step.note})`
  return step.exitCode === null
    ? `no exit code (${step.note ?? 'cancelled'})`
    : `exit ${step.exitCode}`
}

/**
 * Records every remote command it runs (or, in a dry run, would run). Once `signal` aborts it
 * starts nothing new (a cancelled step is recorded instead); `stopSignal` kills the one in flight.
 */
export class StepRunner {
  readonly steps: RemoteStep[] = []
  private readonly stopSignal?: AbortSignal
  constructor(
    private readonly remote: Remote,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly signal?: AbortSignal,
    stopSignal?: AbortSignal,
    /** In a fleet: the host's label, put on every step it records. */
    private readonly host?: string
  ) {
    this.stopSignal = stopSignal ?? signal
  }

  private where(): { host?: string } {
    return this.host ? { host: this.host } : {}
  }

  /** Runs without recording (for `test -f` probes). */
  raw(command: string, timeoutMs: number): Promise<RemoteResult> {
    return this.remote.run(command, [], { timeoutMs, signal: this.stopSignal })
  }

  async run(
    name: StepName,
    command: string,
    argv: string[],
    timeoutMs: number,
    level?: RollbackLevel
  ): Promise<RemoteStep> {
    return (await this.exec(name, command, argv, timeoutMs, level)).step
  }

  /** Runs and records a step; also hands back the full result (for `--list` parsing). */
  async exec(
    name: StepName,
    command: string,
    argv: string[],
    timeoutMs: number,
    level?: RollbackLevel
  ): Promise<{ step: RemoteStep; result: RemoteResult }> {
    const line = formatCommandLine(command, argv)
    const startedAt = this.clock.now()
    if (this.signal?.aborted) {
      const result = { exitCode: null, stdout: '', stderr: '', durationMs: 0, timedOut: false }
      return { step: this.skip(name, line, 'cancelled', level), result }
    }
    this.logger.info(`${level ? `Level ${level} ` : ''}${name}: ${line}`)
    const r = await this.remote.run(command, argv, {
      timeoutMs,
      signal: this.stopSignal,
      onLine: (l) => this.logger.info(liveLine(l, this.host !== undefined))
    })
    const step: RemoteStep = {
      name,
      ...(level ? { level } : {}),
      ...this.where(),
      command: line,
      startedAt,
      durationMs: r.durationMs,
      exitCode: r.exitCode,
      status: statusOf(r),
      outputTail: tail(r),
      ...(r.sshFailure ? { sshFailure: r.sshFailure } : {}),
      ...(this.stopSignal?.aborted && r.exitCode === null && !r.timedOut
        ? { note: 'cancelled' }
        : {})
    }
    this.steps.push(step)
    const how = `${name} → ${describeResult(step, timeoutMs)} after ${formatDuration(r.durationMs)}`
    if (step.status === 'ok') this.logger.info(`  ${how}`)
    else this.logger.warning(`  ${how}`)
    return { step, result: r }
  }

  dry(name: StepName, command: string, argv: string[], level?: RollbackLevel): RemoteStep {
    const line = formatCommandLine(command, argv)
    this.logger.info(`[dry-run] would run: ${line}`)
    const step: RemoteStep = {
      name,
      ...(level ? { level } : {}),
      ...this.where(),
      command: line,
      startedAt: this.clock.now(),
      durationMs: 0,
      exitCode: null,
      status: 'dry-run',
      outputTail: ''
    }
    this.steps.push(step)
    return step
  }

  skip(name: StepName, command: string, note: string, level?: RollbackLevel): RemoteStep {
    this.logger.info(`${level ? `Level ${level} ` : ''}${name}: ${command} skipped (${note})`)
    const step: RemoteStep = {
      name,
      ...(level ? { level } : {}),
      ...this.where(),
      command,
      startedAt: this.clock.now(),
      durationMs: 0,
      exitCode: null,
      status: 'skipped',
      outputTail: '',
      note
    }
    this.steps.push(step)
    return step
  }

  /**
   * A runbook script the host may not have (validate_rollback.sh, smoke_tests.sh): `test -f`
   * first; absent → a skipped step, present → `bash <script>`.
   */
  async optionalScript(
    name: StepName,
    script: string,
    timeoutMs: number,
    probeTimeoutMs: number,
    level?: RollbackLevel
  ): Promise<RemoteStep> {
    const command = `bash ${shellQuote(script)}`
    const probe = await this.raw(`test -f ${shellQuote(script)}`, probeTimeoutMs)
    if (probe.exitCode === 0) return this.run(name, command, [], timeoutMs, level)
    if (probe.exitCode === 1) return this.skip(name, command, 'absent on host', level)
    // The probe itself failed (SSH, time limit, cancellation): record that, as the step.
    const step: RemoteStep = {
      name,
      ...(level ? { level } : {}),
      ...this.where(),
      command,
      startedAt: this.clock.now(),
      durationMs: probe.durationMs,
      exitCode: probe.exitCode,
      status: statusOf(probe) === 'ok' ? 'failed' : statusOf(probe),
      outputTail: tail(probe),
      note: `could not check that ${script} exists`,
      ...(probe.sshFailure ? { sshFailure: probe.sshFailure } : {})
    }
    this.steps.push(step)
    this.logger.warning(`  ${name} → ${describeResult(step, probeTimeoutMs)}`)
    return step
  }
}

/** A StepRunner for `remote` (or none: it then only records skipped steps) with these options. */
export function stepRunner(remote: Remote | undefined, opts: StepOptions): StepRunner {
  return new StepRunner(
    remote ?? NO_HOST,
    opts.clock,
    opts.logger ?? silent,
    opts.signal,
    opts.stopSignal,
    opts.host
  )
}
