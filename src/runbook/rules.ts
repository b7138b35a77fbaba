// The rule table: the one list of the runbook's rules (docs/runbook-mapping.md), in priority order. Each
// rule is a function under `// rule: <id>` in instant-rules.ts or window-rules.ts; decide.ts runs
// them in this order. Nothing here reads a clock or does I/O.
import { formatDuration, percentLimit, plural, secondsLimit } from './format.js'
import {
  cacheFailure,
  criticalErrors,
  databaseFailure,
  dataCorruption,
  errorRateCritical,
  securityBreach,
  serviceDown
} from './instant-rules.js'
import type { Rule } from './rule-kit.js'
import type { Policy, RuleId, Severity } from './types.js'
import { errorRateElevated, errorRateHigh, latencyDegraded, latencySevere } from './window-rules.js'

export type { Rule, RuleInput, RuleOutcome } from './rule-kit.js'

export interface RuleInfo {
  id: RuleId
  /** The runbook's Decision Matrix row (or, for a verdict no rule produces, its name). */
  runbookRow: string
  severity: Severity
  /** 1 decides first. */
  priority: number
  /** When it applies, with the policy's numbers. */
  when(policy: Policy): string
  /** What the action does, with the policy's numbers. */
  does(policy: Policy): string
  /** The rule itself; absent for the verdicts that no single rule produces. */
  evaluate?: Rule
}

const consider = (p: Policy): string =>
  p.onStable === 'rollback' ? 'Level 1 (`on-stable: rollback`)' : 'warn (`on-stable: warn`)'

type RuleRow = Omit<RuleInfo, 'priority'>

const ROWS: RuleRow[] = [
  {
    id: 'security-breach',
    runbookRow: 'Security Breach',
    severity: 'P1',
    when: () => 'the `security` host check printed a line',
    does: () =>
      '**no rollback** (it may destroy forensic evidence): `evidence-command`, then `isolate-command`; a security issue with the runbook steps (isolate, preserve evidence, notify, wait for clearance, then Level 3)',
    evaluate: securityBreach
  },
  {
    id: 'data-corruption',
    runbookRow: 'Data Corruption Detected',
    severity: 'P1',
    when: () => 'the `corruption` host check found the marker',
    does: () =>
      '`stop-command` (STOP ALL SERVICES), then Level 3 to the newest clean backup from before the deploy',
    evaluate: dataCorruption
  },
  {
    id: 'database-failure',
    runbookRow: 'Database Failure',
    severity: 'P1',
    when: () => 'the `database` host check failed',
    does: () => 'Level 2',
    evaluate: databaseFailure
  },
  {
    id: 'service-down',
    runbookRow: 'Complete Service Down',
    severity: 'P1',
    when: (p) =>
      `health down (502/503/504, other 5xx, refused, reset, timeout; DNS, TLS or proxy failures too unless Prometheus shows the service serving), confirmed by ${plural(p.health.confirm, 'quick re-probe')}`,
    does: (p) =>
      `never up since the deploy: Level 1 now; was up: \`restart-command\` while down < ${formatDuration(p.down.restartBeforeMs)}, Level 1 up to ${formatDuration(p.down.level2AfterMs)}, Level 2 after`,
    evaluate: serviceDown
  },
  {
    id: 'critical-errors',
    runbookRow: 'Critical errors in the logs',
    severity: 'P1',
    when: () =>
      '`error-log` lines match `error-patterns.critical` (database connection failures, out of memory, segfaults, authentication down, payment failures)',
    does: () => 'Level 1 now',
    evaluate: criticalErrors
  },
  {
    id: 'error-rate-critical',
    runbookRow: 'Error Rate > 50%',
    severity: 'P1',
    when: (p) =>
      `error rate > ${percentLimit(p.errorRate.critical)}; with \`error-rate-fast-query\`, also the fast (irate) rate > ${percentLimit(p.errorRate.critical)} on ${plural(Math.max(1, p.health.confirm), 'consecutive sample')} while the error rate > ${percentLimit(p.errorRate.high)}`,
    does: () => 'Level 1 now',
    evaluate: errorRateCritical
  },
  {
    id: 'error-rate-high',
    runbookRow: 'Error Rate 10-50%',
    severity: 'P2',
    when: (p) =>
      `${percentLimit(p.errorRate.high)} < error rate ≤ ${percentLimit(p.errorRate.critical)}`,
    does: (p) =>
      `watch ${formatDuration(p.errorRate.highWindowMs)} from the first breach (the 5-minute rule); improving: keep watching; stable or worse: Level 1`,
    evaluate: errorRateHigh
  },
  {
    id: 'latency-severe',
    runbookRow: 'Response Time > 5s',
    severity: 'P2',
    when: (p) =>
      `p95 > ${secondsLimit(p.latency.severe)} (health latency when there is no Prometheus)`,
    does: (p) =>
      `watch ${formatDuration(p.latency.severeWindowMs)}; better: keep watching; not better: Level 1`,
    evaluate: latencySevere
  },
  {
    id: 'cache-failure',
    runbookRow: 'Cache Failure',
    severity: 'P2',
    when: () => 'the `cache` host check failed',
    does: () => '`restart-command` first, then Level 1 if it still fails',
    evaluate: cacheFailure
  },
  {
    id: 'error-rate-elevated',
    runbookRow: 'Error Rate 5-10%',
    severity: 'P3',
    when: (p) =>
      `${percentLimit(p.errorRate.elevated)} < error rate ≤ ${percentLimit(p.errorRate.high)}`,
    does: (p) =>
      `watch ${formatDuration(p.errorRate.elevatedWindowMs)} (the 15-minute rule); worse: Level 1; stable: the runbook's "consider rollback": ${consider(p)}; improving: keep watching`,
    evaluate: errorRateElevated
  },
  {
    id: 'latency-degraded',
    runbookRow: 'Response Time 2-5s',
    severity: 'P3',
    when: (p) => `${secondsLimit(p.latency.degraded)} < p95 ≤ ${secondsLimit(p.latency.severe)}`,
    does: (p) =>
      `watch ${formatDuration(p.latency.degradedWindowMs)}; worse: Level 1; stable: ${consider(p)}; improving: keep watching`,
    evaluate: latencyDegraded
  },
  {
    id: 'monitoring-outage',
    runbookRow: 'Monitoring outage (no verdict)',
    severity: 'none',
    when: (p) => `a signal unknown for ${plural(p.unknownLimit, 'consecutive sample')}`,
    does: () => '**inconclusive**: no rollback, no issue, a warning'
  },
  {
    id: 'healthy',
    runbookRow: 'Healthy',
    severity: 'none',
    when: () => 'none of the above',
    does: () => 'fix forward; nothing runs (P4 when the host log has medium or low errors)'
  },
  {
    id: 'deploy-not-live',
    runbookRow: 'The expected version never went live',
    severity: 'none',
    when: (p) =>
      `\`expected-version\` never appeared in the health body within \`health.version-wait\` (${formatDuration(p.health.versionWaitMs)})`,
    does: () => '**not-deployed**: nothing to roll back'
  }
]

/** The runbook's rules in priority order, then the verdicts that no single rule produces. */
export const RULES: readonly RuleInfo[] = ROWS.map((row, i) => ({ ...row, priority: i + 1 }))

/** The rule of an id (every RuleId has one). */
export function ruleInfo(id: RuleId): RuleInfo {
  return RULES.find((r) => r.id === id) as RuleInfo
}

/** The rules that decide, in priority order. */
export const RULE_CHAIN: ReadonlyArray<RuleInfo & { evaluate: Rule }> = RULES.filter(
  (r): r is RuleInfo & { evaluate: Rule } => r.evaluate !== undefined
)
