// What the action did, step by step: written by the watch and act phases, read by the report.
import type { HostOutcome } from './fleet.js'
import type {
  BackupChoice,
  Baseline,
  RollbackLevel,
  RuleId,
  Sample,
  Verdict,
  VerdictAt
} from './types.js'

import type { Pending } from './pending.js'
import type { PreflightFinding } from './preflight.js'

export type { BackupChoice, VerdictAt } from './types.js'

export type StepName =
  | 'preflight'
  | 'restart'
  | 'stop'
  | 'isolate'
  | 'evidence'
  | 'list-backups'
  | 'rollback'
  | 'validate'
  | 'smoke-test'

/** ok: exit 0. failed: non-zero exit. timeout: killed at its limit. ssh-error: SSH itself failed.
 * skipped: not run (e.g. script absent on the host). dry-run: printed, not run. */
export type StepStatus = 'ok' | 'failed' | 'timeout' | 'ssh-error' | 'skipped' | 'dry-run'

export interface RemoteStep {
  name: StepName
  level?: RollbackLevel
  /** In a fleet: the host it ran on (its label, as ssh-host names it). */
  host?: string
  /** The command line as run on the host (no secrets in it). */
  command: string
  startedAt: number
  durationMs: number
  exitCode: number | null
  status: StepStatus
  /** The last lines of stdout+stderr, untrusted text. */
  outputTail: string
  sshFailure?: string
  /** Why it was skipped, when it was. */
  note?: string
}

/**
 * manual: a level ran cleanly and the host's own checks pass, but this runner cannot confirm the
 * recovery (no answer from health-url): the action stops for a human instead of escalating.
 */
export type RollbackStatus =
  'not-needed' | 'succeeded' | 'failed' | 'skipped-dry-run' | 'blocked' | 'manual'

export interface LevelAttempt {
  level: RollbackLevel
  startedAt: number
  endedAt: number
  /** The level's script exited 0. */
  scriptOk: boolean
  /** Verification watch result after the level (false when the script failed). */
  recovered: boolean
  reason: string
}

/** One wave of a fleet's level: the canary (index 0) alone, then each wave at once. */
export interface FleetWave {
  index: number
  hosts: string[]
  startedAt: number
  endedAt: number
}

export interface FleetLevelRecord {
  level: RollbackLevel
  waves: FleetWave[]
  /** Hosts a failure (or a cancellation) kept from starting this level. */
  notStarted: string[]
}

/** How a level went on one host of a fleet ('planned': a dry run's plan, nothing ran). */
export interface FleetHostRun {
  host: string
  level: RollbackLevel
  /** 0: the canary; 1, 2, …: the wave. */
  wave: number
  target?: BackupChoice
  outcome: HostOutcome | 'planned'
  startedAt: number
  endedAt: number
  reason?: string
}

/** A rollback on several hosts: the order they ran in and how each did. */
export interface FleetRecord {
  /** Every host, the canary first. */
  hosts: string[]
  /** rollback.max-parallel. */
  maxParallel: number
  levels: FleetLevelRecord[]
  runs: FleetHostRun[]
}

export interface RollbackOutcome {
  status: RollbackStatus
  /** The level that finally ran (the last attempted). */
  level?: RollbackLevel
  target?: BackupChoice
  attempts: LevelAttempt[]
  /** Samples of the verification watches, in order. */
  verificationSamples: Sample[]
  /** Why it was blocked or failed, in one sentence. */
  reason: string
  /** When verification first saw production recovered (epoch ms). */
  recoveredAt?: number
  /** Several hosts: how the fleet ran each level (absent on one host). */
  fleet?: FleetRecord
}

/** The whole story of one run, for the issue, the summary and the decision trace. */
export interface RunRecord {
  environment: string
  startedAt: number
  endedAt: number
  deployedAt: number
  samples: Sample[]
  verdicts: VerdictAt[]
  /** The verdict that ended the watch. */
  final: Verdict
  baseline?: Baseline
  /** When the rule that fired first breached (epoch ms). */
  breachFirstSeenAt?: number
  firedRule?: RuleId
  steps: RemoteStep[]
  rollback: RollbackOutcome
  /** Plain notes for the summary: "no prometheus-url: only the health rules apply", … */
  notes: string[]
  /** What the preflight found wrong on the hosts and the metric provider at the start of the watch (absent: nothing). */
  preflight?: PreflightFinding[]
  dryRun: boolean
  cancelled: boolean
  /** What the run leaves for a person to approve (runbook/pending.ts), written into the marker. */
  pending?: Pending
}

/** What became of the incident issue (one type for the report, the summary and the exit status). */
export interface IssueOutcome {
  /** The run called for an incident issue: failing to write it fails the step. */
  needed: boolean
  number?: number
  url?: string
  /** A new issue (false: commented on the environment's open incident). */
  created?: boolean
  /** This workflow run (an earlier attempt) already rolled back and reported: nothing posted. */
  alreadyRolledBack?: boolean
  /** Parts that failed after the issue existed (the resolution comment, labels). */
  warnings: string[]
  /** Why nothing could be written. */
  error?: string
  /** The HTTP status of that failure, when there was one. */
  status?: number
}

/** This workflow run already rolled back on the environment's incident (a re-run): its level. */
export interface OwnRollback {
  number: number
  url: string
  level: RollbackLevel
}
