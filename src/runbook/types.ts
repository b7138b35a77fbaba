// The vocabulary of the decision core. Pure data: no I/O, no clock.
// Times are epoch milliseconds; durations are milliseconds; fractions are 0..1; latency is seconds.

/**
 * What one health probe cycle saw. `unknown` (could not measure) is never `down` (measured bad).
 * `off`: health is not probed at all (a replay without replay-health-query: no history).
 */
export type HealthStatus = 'up' | 'slow' | 'down' | 'unknown' | 'off'

/**
 * Why a request got no HTTP answer at all. `dns`, `tls` (certificate verification, handshake) and
 * `proxy` (the runner's proxy refused or failed: 407, 502 from the proxy, CONNECT refused) are
 * failures of the path from this runner, not answers from production.
 */
export type NoAnswerKind =
  | 'timeout'
  | 'refused'
  | 'reset'
  | 'dns'
  | 'tls'
  | 'proxy'
  | 'unreachable'
  | 'redirects'
  | 'too-large'
  | 'other'

export interface HealthReading {
  status: HealthStatus
  /** HTTP status of the last attempt, when there was an answer. */
  httpStatus?: number
  /** Latency of the last attempt in milliseconds, when there was an answer. */
  latencyMs?: number
  /** Why it is down / slow / unknown, e.g. "HTTP 503", "connection refused", "no answer within 10s". */
  reason?: string
  /** How many attempts failed in this cycle (the first probe plus the quick re-probes). */
  failedAttempts?: number
  /** Set when the last attempt got no HTTP answer: why (a 5xx answer leaves it unset). */
  noAnswer?: NoAnswerKind
}

/**
 * One measured number. `measured` has a value; `unknown` could not be measured (Prometheus down,
 * empty result, NaN); `insufficient` was measured but below `error-rate.min-requests`; `off` is not
 * configured. Only `measured` can breach a rule.
 */
export type MetricStatus = 'measured' | 'unknown' | 'insufficient' | 'off'

/**
 * Why a provider gave no number, where the adapter can tell: the preflight names the fault by it
 * (the keys, the endpoint, one query). Absent: some other failure, told by `reason` alone.
 */
export type UnknownCause = 'credentials' | 'unreachable' | 'rate-limited' | 'rejected' | 'no-data'

export interface MetricReading {
  status: MetricStatus
  value: number | null
  reason?: string
  cause?: UnknownCause
}

/** A host check over SSH. `alert` means the check found the condition it looks for. */
export type CheckStatus = 'ok' | 'alert' | 'unknown' | 'off'

export interface HostCheckReading {
  status: CheckStatus
  /** Short description: exit code, first output lines, or why it could not run. */
  detail?: string
  /** Output lines (untrusted text), kept short. */
  lines?: string[]
  /** In a fleet: the host this reading is from (the first host with an alert, or unknown). */
  host?: string
}

export interface ErrorBreakdown {
  status: 'measured' | 'unknown' | 'off'
  critical: number
  medium: number
  low: number
  /** The most frequent critical/medium lines, untrusted text. */
  top: string[]
  reason?: string
  /** In a fleet: the hosts whose log has critical errors (or, unknown, the host that could not say). */
  hosts?: string[]
}

export interface HostReadings {
  corruption: HostCheckReading
  database: HostCheckReading
  cache: HostCheckReading
  security: HostCheckReading
  errorLog: ErrorBreakdown
}

/** What one probe cycle saw. */
export interface Sample {
  /** When the cycle started (epoch ms). */
  at: number
  health: HealthReading
  /** Fraction of requests that failed, 0..1. */
  errorRate: MetricReading
  /**
   * The fast error rate (error-rate-fast-query, irate by default), read only by
   * error-rate-critical. Absent or `off` when not configured.
   */
  fastErrorRate?: MetricReading
  /** p95 latency in seconds. */
  p95: MetricReading
  /** Requests per second (for `error-rate.min-requests`). */
  requestRate: MetricReading
  host: HostReadings
}

export type RollbackLevel = 1 | 2 | 3

export interface Policy {
  health: {
    timeoutMs: number
    slowMs: number
    confirm: number
    confirmIntervalMs: number
    versionWaitMs: number
  }
  errorRate: {
    critical: number
    high: number
    elevated: number
    highWindowMs: number
    elevatedWindowMs: number
    minRequests: number
  }
  latency: {
    severe: number
    degraded: number
    severeWindowMs: number
    degradedWindowMs: number
  }
  down: {
    restartBeforeMs: number
    level2AfterMs: number
  }
  onStable: 'warn' | 'rollback'
  unknownLimit: number
  /** Relative change between the first and last third of a window that counts as a trend (0.1 = 10%). */
  trendTolerance: number
  hostChecks: {
    every: number
    timeoutMs: number
    /** In a fleet: hosts whose checks run at once. */
    maxParallel: number
    corruption: string
    database: string
    cache: string
    security: string
    errorLog: string
  }
  errorPatterns: {
    critical: string[]
    medium: string[]
    low: string[]
  }
  rollback: {
    maxLevel: RollbackLevel
    timeoutsMs: Record<RollbackLevel, number>
    verifyMs: number
    backupMaxAgeMs: number
    /** In a fleet: hosts that run a level at once, after the canary ran it alone. */
    maxParallel: number
  }
  /** Commands on the incident issue (mode: command). */
  commands: {
    /** The lowest repository role whose comments are acted on. */
    minRole: 'write' | 'maintain' | 'admin'
  }
}

/** The runbook's rule ids, in priority order, plus the verdicts that no rule produces. */
export type RuleId =
  | 'security-breach'
  | 'data-corruption'
  | 'database-failure'
  | 'service-down'
  | 'critical-errors'
  | 'error-rate-critical'
  | 'error-rate-high'
  | 'latency-severe'
  | 'cache-failure'
  | 'error-rate-elevated'
  | 'latency-degraded'
  | 'healthy'
  | 'monitoring-outage'
  | 'deploy-not-live'

export type Severity = 'P1' | 'P2' | 'P3' | 'P4' | 'none'

/**
 * continue: keep watching (possibly inside a rule's monitoring window).
 * rollback: run rollback.sh at `level` now.        isolate: security path, never a rollback.
 * restart: try the restart command first.           warn: the runbook's "consider rollback".
 * healthy: nothing breached.                        inconclusive: monitoring outage, no verdict.
 * pre-existing: the breach was already there before the deploy (no rollback).
 * manual: escalation exhausted (past rollback.max-level): a human must act.
 * not-deployed: the expected version never went live (no rollback).
 */
export type Decision =
  | 'continue'
  | 'rollback'
  | 'isolate'
  | 'restart'
  | 'warn'
  | 'healthy'
  | 'inconclusive'
  | 'pre-existing'
  | 'manual'
  | 'not-deployed'

export type Trend = 'improving' | 'stable' | 'worse' | 'unknown'

export interface Verdict {
  decision: Decision
  severity: Severity
  rule: RuleId
  /** One sentence with the measured value against the threshold, e.g. "error rate 62.0% > critical 50% (P1)". */
  reason: string
  /** Set when decision is rollback (or manual: the level that would have been next). */
  level?: RollbackLevel
  /** The samples that decided. */
  evidence: Sample[]
  /** When a rule is inside its monitoring window: the time its window completes. */
  decideBy?: number
  /** For trend rules: what the window showed. */
  trend?: Trend
}

/** A verdict and when it was given (epoch ms). */
export interface VerdictAt {
  at: number
  verdict: Verdict
}

/** The backup a Level 2/3 rollback restores. */
export interface BackupChoice {
  id: string
  /** Epoch ms when the backup was taken, when known. */
  takenAt: number | null
  ageMs: number | null
  source: 'input' | 'list'
  /** The runbook's "Data Loss Considerations" line for this age. */
  dataLossNote: string
}

/** Pre-deploy values of the Prometheus queries (deployed-at minus 1 minute); null = unknown. */
export interface Baseline {
  errorRate: number | null
  p95: number | null
}

export interface DecideContext {
  now: number
  deployedAt: number
  /** Whether a restart command is configured (and not a dry run that forbids it). */
  restartAvailable: boolean
  /** Rules for which a restart was already tried. */
  restartsTried: RuleId[]
  /** Rollback levels already run that failed or did not recover. */
  failedLevels: RollbackLevel[]
  baseline?: Baseline
  /** True for the last call at the end of the watch: open windows are judged as they stand. */
  final?: boolean
}
