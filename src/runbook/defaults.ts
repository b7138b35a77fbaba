import type { Policy } from './types.js'

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE

/**
 * The runbook's numbers. Every policy value defaults to these; the policy file overrides them.
 * Section names refer to docs/runbook.md (the runbook).
 */
export const DEFAULT_POLICY: Policy = {
  health: {
    timeoutMs: 10 * SECOND,
    slowMs: 5 * SECOND, // step 1.1: "Slow response (>5s)"
    confirm: 2,
    confirmIntervalMs: 2 * SECOND,
    versionWaitMs: 2 * MINUTE
  },
  errorRate: {
    critical: 0.5, // Decision Matrix: "Error Rate > 50%" → Level 1 now
    high: 0.1, // "Error Rate 10-50%" → rollback if not fixed in 5 min
    elevated: 0.05, // "Error Rate 5-10%" → monitor 15 min
    highWindowMs: 5 * MINUTE, // Rule 2: the 5-minute rule
    elevatedWindowMs: 15 * MINUTE, // Rule 3 / "Monitor for 15 minutes"
    minRequests: 0
  },
  latency: {
    severe: 5, // "Response Time > 5s"
    degraded: 2, // "Response Time 2-5s"
    severeWindowMs: 5 * MINUTE, // "Monitor 5min"
    degradedWindowMs: 15 * MINUTE // Rule 3: the 15-minute rule
  },
  down: {
    restartBeforeMs: 2 * MINUTE, // Rule 1 / time-based table: "< 2 minutes: try restart"
    level2AfterMs: 5 * MINUTE // "> 5 minutes: Level 2 rollback"
  },
  onStable: 'warn',
  unknownLimit: 4,
  trendTolerance: 0.1,
  hostChecks: {
    every: 1,
    timeoutMs: 20 * SECOND,
    maxParallel: 8, // a fleet: hosts checked at once
    corruption: '',
    database: '',
    cache: '',
    security: '',
    errorLog: ''
  },
  // "Error Type Consideration": case-insensitive regular expressions.
  errorPatterns: {
    critical: [
      'database connection (failure|failed|error|refused)',
      'could not connect to (the )?(database|server|postgres)',
      'out of memory|\\bOOM\\b|OutOfMemory',
      'segmentation fault|SIGSEGV',
      'authentication (system|service) (is )?(down|unavailable)',
      'payment (processing )?(failure|failed)'
    ],
    medium: [
      'time(d)? ?out',
      'third[- ]party|upstream|external api',
      'cache miss',
      'feature .*(failure|failed|unavailable)'
    ],
    low: ['validation (error|failed)', 'not found|\\b404\\b', 'rate limit|\\b429\\b', '\\bUI\\b']
  },
  rollback: {
    maxLevel: 3,
    // Decision Matrix "Max Time": Level 1 < 5 min, Level 2 < 15 min, Level 3 < 30 min.
    timeoutsMs: { 1: 5 * MINUTE, 2: 15 * MINUTE, 3: 30 * MINUTE },
    verifyMs: 5 * MINUTE,
    backupMaxAgeMs: 24 * HOUR, // "Data Loss Considerations": > 24 h is a major loss
    maxParallel: 4 // a fleet: hosts that run a level at once after the canary
  },
  // Who may run the runbook's human steps from the incident issue: people who maintain the repo.
  commands: { minRole: 'maintain' }
}
