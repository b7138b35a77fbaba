// The small interfaces the effects live behind. main.ts builds the real ones; tests pass
// real loopback servers or fakes.
import type { HealthReading, MetricReading } from '../runbook/types.js'

export interface Clock {
  now(): number
  /** Resolves after ms, or early (without throwing) when the signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

export interface HealthProbe {
  /**
   * One cycle: the probe plus up to policy.health.confirm quick re-probes when it fails.
   * Never throws. `body` is the response body (for expected-version), untrusted text.
   */
  probe(signal?: AbortSignal): Promise<HealthReading & { body?: string }>
}

export interface MetricsSource {
  /** An instant query evaluated at `at` (epoch ms). Never throws: failures are unknown readings. */
  query(promql: string, at: number, signal?: AbortSignal): Promise<MetricReading>
}

/** A range of evaluation times: start, start + step, … up to end (epoch ms). */
export interface TimeRange {
  start: number
  end: number
  stepMs: number
}

export interface RangePoint {
  at: number
  reading: MetricReading
}

/**
 * What a range query read: the points Prometheus returned (a time without a value has none), or
 * why nothing could be read. `answered` tells a Prometheus that said no (bad PromQL, 401, …) from
 * one that could not be reached at all.
 */
export type RangeReading =
  | { ok: true; points: RangePoint[]; requests: number; note?: string }
  | { ok: false; reason: string; answered: boolean; requests: number }

export interface MetricsHistory {
  /** The query evaluated at every step of the range. Never throws. */
  queryRange(promql: string, range: TimeRange, signal?: AbortSignal): Promise<RangeReading>
}

/** What one remote command did. */
export interface RemoteResult {
  /** The remote command's exit code; null when ssh itself failed or the limit killed it. */
  exitCode: number | null
  stdout: string
  stderr: string
  durationMs: number
  timedOut: boolean
  /** Set when the failure is SSH's, not the command's: "host key verification failed", … */
  sshFailure?: string
}

export interface Remote {
  /**
   * Runs `cd <app-dir> && timeout … <command>` on the host. `argv` is validated and shell-quoted
   * by the implementation; `command` is a trusted string from the settings (a script path or a
   * configured command). Never throws for remote failures.
   */
  run(
    command: string,
    argv: string[],
    opts: {
      timeoutMs: number
      signal?: AbortSignal
      /**
       * Each line of the command's output as it comes (untrusted text, for the log only); the
       * result still carries the captured output.
       */
      onLine?: (line: string) => void
    }
  ): Promise<RemoteResult>
  /** Removes the key and known_hosts files. Safe to call more than once. */
  dispose(): Promise<void>
}

/** One host of a fleet: how messages name it, and its own connection. */
export interface FleetMember<R extends Remote = Remote> {
  label: string
  remote: R
}

/** The connection to the deploy host (ssh/remote.ts) as the action's wiring uses it. */
export interface HostConnection extends Remote {
  /** The private key file (mode 0600) the connection uses. */
  readonly keyFile: string
  /** The jump host's own key file (ssh-jump-private-key), when there is one. */
  readonly jumpKeyFile?: string
  /** No new command from now on; the one in flight may finish (the first cancel signal). */
  refuseNewCommands(): void
  /** Opens the shared connection and waits until commands can use it. */
  sharedConnection(): Promise<boolean>
  /** Removes the key at once (signal handlers). */
  disposeSync(): void
}

export interface Logger {
  info(line: string): void
  warning(line: string): void
  error(line: string): void
}

/** A host as an engine's inventory names it, and as messages and the report name it. */
export interface EngineHost {
  name: string
  label: string
}

/** One step of a play: the shell text the host runs (validated and quoted, as over SSH). */
export interface PlayStep {
  /** The same text for every host… */
  command: string
  /** …or per inventory host name. */
  perHost?: Record<string, string>
  /** The remote `timeout` limit inside the text, seconds. */
  limitS: number
  /** A failure is recorded but stops neither this host nor later waves (stop-command). */
  tolerate?: boolean
  /** Exit 200 with the absent marker is "absent on host", not a failure (validate, smoke test). */
  optional?: boolean
}

/** A play: every step on every host, the canary alone first, then waves (`serial`). */
export interface EnginePlay {
  /** Ansible's serial: [1, max-parallel] (the canary, then waves); [n] for all at once. */
  serial: number[]
  steps: PlayStep[]
  /** The whole play's bound (every wave's limits): past it, the engine is interrupted. */
  timeoutMs: number
}

/** One line of the callback's report: a task started on a host, or its result. */
export interface EngineEvent {
  event: 'start' | 'result' | 'stats'
  host?: string
  /** rs-step-N (N: the index into the play's steps). */
  task?: string
  status?: 'ok' | 'failed' | 'unreachable' | 'skipped'
  rc?: number | null
  stdout?: string | null
  stderr?: string | null
  msg?: string | null
  ignored?: boolean
  /** Epoch seconds. */
  t?: number
  start?: number | null
  end?: number
}

export interface EngineRun {
  exitCode: number | null
  signal: string | null
  /** Every callback line, in order. */
  events: EngineEvent[]
  /** The end of ansible-playbook's own output (for a play that could not start). */
  outputTail: string
  /** The callback saw the play's end (its stats). */
  finished: boolean
}

/** A fleet engine (Ansible): runs plays on the inventory's hosts, reporting each host's results. */
export interface FleetEngine {
  /** Its private directory (key, pins, config), gone after dispose. */
  readonly dir: string
  /** The hosts, the canary first (after prepare for a team inventory). */
  readonly hosts: readonly EngineHost[]
  /**
   * Once, before any play: checks that the engine runs (its version) and reads the team
   * inventory's hosts for the pattern. Throws, naming what is wrong.
   */
  prepare(): Promise<{ version: string; hosts: readonly EngineHost[] }>
  run(
    play: EnginePlay,
    opts: {
      /** No new task or wave once it aborts; the ones running finish. */
      signal?: AbortSignal
      /** Interrupts the engine's whole process group. */
      stopSignal?: AbortSignal
      onEvent?: (e: EngineEvent) => void
    }
  ): Promise<EngineRun>
  dispose(): Promise<void>
  disposeSync(): void
}
