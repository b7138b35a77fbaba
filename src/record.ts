// What the action did, step by step: written by the watch and act phases, read by the report.
import type { Baseline, RollbackLevel, RuleId, Sample, Verdict } from './core/types.js'

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

export interface BackupChoice {
  id: string
  /** Epoch ms when the backup was taken, when known. */
  takenAt: number | null
  ageMs: number | null
  source: 'input' | 'list'
  /** The runbook's "Data Loss Considerations" line for this age. */
  dataLossNote: string
}

export type RollbackStatus = 'not-needed' | 'succeeded' | 'failed' | 'skipped-dry-run' | 'blocked'

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
}

export interface VerdictAt {
  at: number
  verdict: Verdict
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
  dryRun: boolean
  cancelled: boolean
}
