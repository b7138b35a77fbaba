// RunRecords for the report tests: a small builder and the runbook's scenarios.
import { DEFAULT_POLICY } from '../src/runbook/defaults.js'
import type {
  HostCheckReading,
  MetricReading,
  RollbackLevel,
  Sample,
  Verdict
} from '../src/runbook/types.js'
import type { RemoteStep, RollbackOutcome, RunRecord } from '../src/runbook/record.js'
import type { ReportContext } from '../src/report/context.js'
import type { Settings } from '../src/settings/types.js'

export const T0 = Date.UTC(2025, 11, 2, 3, 0, 0)
export const INTERVAL = 15_000
export const SHA = '0123456789abcdef0123456789abcdef01234567'

// Fake secrets: none of them may appear in anything rendered or sent.
export const FAKE_KEY = [
  '-----BEGIN OPENSSH PRIVATE KEY-----',
  'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
  'QyNTUxOQAAACBfakeKeyMaterialFakeKeyMaterialFakeKeyMaterial000000000000',
  '-----END OPENSSH PRIVATE KEY-----'
].join('\n')
export const FAKE_TOKEN = 'ghs_FakeTokenValue0123456789abcdefABCDEF'
export const FAKE_HEADER = 'Bearer prom-secret-header-value-42'
export const SECRETS = [FAKE_KEY, FAKE_TOKEN, FAKE_HEADER]

/** Every distinct secret string a leak could show (whole values and the key's inner lines). */
export const SECRET_NEEDLES = [
  FAKE_TOKEN,
  FAKE_HEADER,
  'prom-secret-header-value-42',
  ...FAKE_KEY.split('\n').slice(1, -1)
]

const off: HostCheckReading = { status: 'off' }

export interface SampleSpec {
  health?: 'up' | 'slow' | 'down' | 'unknown'
  httpStatus?: number
  latencyMs?: number
  /** Fraction 0..1; null = unknown; undefined = 0.002. */
  errorRate?: number | null
  /** Seconds; null = unknown; undefined = 0.2. */
  p95?: number | null
  security?: string[]
  corruption?: 'ok' | 'alert'
  reason?: string
}

function metric(value: number | null): MetricReading {
  return value === null
    ? { status: 'unknown', value: null, reason: 'prometheus: connection refused' }
    : { status: 'measured', value }
}

export function sample(at: number, spec: SampleSpec = {}): Sample {
  const health = spec.health ?? 'up'
  return {
    at,
    health: {
      status: health,
      httpStatus:
        spec.httpStatus ?? (health === 'down' ? 503 : health === 'unknown' ? undefined : 200),
      latencyMs: spec.latencyMs ?? (health === 'unknown' ? undefined : 120),
      reason: spec.reason ?? (health === 'down' ? 'HTTP 503' : undefined)
    },
    errorRate: metric(spec.errorRate === undefined ? 0.002 : spec.errorRate),
    p95: metric(spec.p95 === undefined ? 0.2 : spec.p95),
    requestRate: { status: 'measured', value: 40 },
    host: {
      corruption: spec.corruption ? { status: spec.corruption } : off,
      database: off,
      cache: off,
      security: spec.security
        ? { status: 'alert', detail: `${spec.security.length} lines`, lines: spec.security }
        : off,
      errorLog: { status: 'off', critical: 0, medium: 0, low: 0, top: [] }
    }
  }
}

/** n samples every `interval` (default INTERVAL) from `from`, each shaped by spec(i). */
export function samples(
  from: number,
  n: number,
  spec: (i: number) => SampleSpec = () => ({}),
  interval = INTERVAL
): Sample[] {
  return Array.from({ length: n }, (_, i) => sample(from + i * interval, spec(i)))
}

export function step(
  name: RemoteStep['name'],
  startedAt: number,
  over: Partial<RemoteStep> = {}
): RemoteStep {
  return {
    name,
    command: over.command ?? `bash deploy/rollback/rollback.sh --quick`,
    startedAt,
    durationMs: 12_000,
    exitCode: 0,
    status: 'ok',
    outputTail: 'switching traffic to blue\ndone',
    ...over
  }
}

export function ctx(over: Partial<ReportContext> = {}): ReportContext {
  return {
    repo: { owner: 'acme', repo: 'spacetime' },
    serverUrl: 'https://github.com',
    runId: '4242',
    runAttempt: '1',
    sha: SHA,
    workflow: 'deploy',
    host: 'deploy@prod.example.com',
    appDir: '/srv/spacetime',
    rollbackScript: 'deploy/rollback/rollback.sh',
    levelLimitsMs: DEFAULT_POLICY.rollback.timeoutsMs,
    thresholds: { errorRate: DEFAULT_POLICY.errorRate, latency: DEFAULT_POLICY.latency },
    healthUrl: 'https://spacetime.example.com/health',
    issueLabels: ['incident'],
    issueAssignees: ['oncall-alice'],
    secrets: SECRETS,
    ...over
  }
}

const NOT_NEEDED: RollbackOutcome = {
  status: 'not-needed',
  attempts: [],
  verificationSamples: [],
  reason: ''
}

export function buildRecord(over: Partial<RunRecord> & { final: Verdict }): RunRecord {
  return {
    environment: 'production',
    startedAt: T0,
    endedAt: T0 + 20 * 60_000,
    deployedAt: T0 - 30_000,
    samples: [],
    verdicts: [],
    steps: [],
    rollback: NOT_NEEDED,
    notes: [],
    dryRun: false,
    cancelled: false,
    ...over
  }
}

function verdict(over: Partial<Verdict>): Verdict {
  return {
    decision: 'rollback',
    severity: 'P1',
    rule: 'service-down',
    reason: 'health down on 3 probes (HTTP 503) since +2m, never up since the deploy → Level 1',
    evidence: [],
    ...over
  }
}

/** P1 service down: 8 healthy samples, then down; Level 1 ran and recovered. */
export function serviceDownRecord(over: Partial<RunRecord> = {}): RunRecord {
  const watch = samples(T0, 12, (i) =>
    i < 8 ? {} : { health: 'down', errorRate: 0.97, p95: null }
  )
  const breachAt = watch[8].at
  const decidedAt = watch[11].at
  const verify = samples(decidedAt + 60_000, 20)
  const final = verdict({ level: 1, evidence: watch.slice(8) })
  return buildRecord({
    samples: watch,
    verdicts: [
      {
        at: watch[7].at,
        verdict: verdict({
          decision: 'continue',
          severity: 'none',
          rule: 'healthy',
          reason: 'healthy'
        })
      },
      { at: decidedAt, verdict: final }
    ],
    final,
    breachFirstSeenAt: breachAt,
    firedRule: 'service-down',
    steps: [
      step('rollback', decidedAt + 1000, {
        level: 1,
        outputTail: `rolling back\nGITHUB_TOKEN=${FAKE_TOKEN}\nswitched to blue`
      }),
      step('validate', decidedAt + 14_000, {
        command: 'bash deploy/rollback/validate_rollback.sh',
        durationMs: 5000
      }),
      step('smoke-test', decidedAt + 20_000, {
        command: 'bash deploy/smoke_tests.sh',
        durationMs: 9000
      })
    ],
    rollback: {
      status: 'succeeded',
      level: 1,
      attempts: [
        {
          level: 1,
          startedAt: decidedAt + 1000,
          endedAt: decidedAt + 60_000 + 19 * INTERVAL,
          scriptOk: true,
          recovered: true,
          reason: 'health up on the last 3 probes, error rate 0.2%, p95 0.20s'
        }
      ],
      verificationSamples: verify,
      reason: 'recovered',
      recoveredAt: verify[2].at
    },
    notes: [`prometheus header set: ${FAKE_HEADER}`],
    ...over
  })
}

/** P2 error rate 10–50% for 5 minutes, stable → Level 2 with a backup target (3 h old). */
export function errorRateHighRecord(over: Partial<RunRecord> = {}): RunRecord {
  const watch = samples(T0, 40, (i) =>
    i < 10 ? {} : { errorRate: 0.22 + (i % 3) * 0.01, p95: 1.4 }
  )
  const breachAt = watch[10].at
  const decidedAt = watch[30].at
  const final = verdict({
    severity: 'P2',
    rule: 'error-rate-high',
    level: 2,
    trend: 'stable',
    reason: 'error rate 23.0% > high 10% for 5m, stable (P2) → Level 2',
    evidence: watch.slice(10, 31)
  })
  const verify = samples(decidedAt + 120_000, 20)
  return buildRecord({
    samples: watch,
    verdicts: [
      {
        at: breachAt,
        verdict: { ...final, decision: 'continue', level: undefined, decideBy: breachAt + 300_000 }
      },
      { at: decidedAt, verdict: final }
    ],
    final,
    breachFirstSeenAt: breachAt,
    firedRule: 'error-rate-high',
    steps: [
      step('list-backups', decidedAt + 500, {
        command: 'bash deploy/rollback/rollback.sh --list',
        outputTail: 'bk-20251202-0000'
      }),
      step('rollback', decidedAt + 2000, {
        level: 2,
        command: 'bash deploy/rollback/rollback.sh --level 2 --target bk-20251202-0000',
        durationMs: 240_000
      })
    ],
    rollback: {
      status: 'succeeded',
      level: 2,
      target: {
        id: 'bk-20251202-0000',
        takenAt: T0 - 3 * 3_600_000,
        ageMs: 3 * 3_600_000,
        source: 'list',
        dataLossNote: '1-6 hours: Check with team - what transactions will be lost?'
      },
      attempts: [
        {
          level: 2,
          startedAt: decidedAt + 2000,
          endedAt: decidedAt + 120_000 + 19 * INTERVAL,
          scriptOk: true,
          recovered: true,
          reason: 'recovered'
        }
      ],
      verificationSamples: verify,
      reason: 'recovered',
      recoveredAt: verify[3].at
    },
    ...over
  })
}

/** P1 error rate > 50%: Level 1 fails (exit 1), Level 2 runs and does not recover. */
export function failedRecord(over: Partial<RunRecord> = {}): RunRecord {
  const watch = samples(T0, 6, (i) => (i < 3 ? {} : { errorRate: 0.62, p95: 3.1 }))
  const decidedAt = watch[3].at
  const final = verdict({
    rule: 'error-rate-critical',
    level: 1,
    reason: 'error rate 62.0% > critical 50% (P1)',
    evidence: [watch[3]]
  })
  const l1 = step('rollback', decidedAt + 1000, {
    level: 1,
    exitCode: 1,
    status: 'failed',
    outputTail: 'ERROR: blue environment not found\nrollback.sh: aborting'
  })
  const l2 = step('rollback', decidedAt + 20_000, {
    level: 2,
    command: 'bash deploy/rollback/rollback.sh --level 2 --target bk-1',
    outputTail: 'restored bk-1\nmigrations rolled back'
  })
  const verify = samples(decidedAt + 300_000, 10, () => ({ errorRate: 0.55, p95: 3 }))
  return buildRecord({
    samples: watch,
    verdicts: [{ at: decidedAt, verdict: final }],
    final,
    breachFirstSeenAt: watch[3].at,
    firedRule: 'error-rate-critical',
    steps: [l1, l2],
    rollback: {
      status: 'failed',
      level: 2,
      target: {
        id: 'bk-1',
        takenAt: T0 - 1_800_000,
        ageMs: 1_800_000,
        source: 'list',
        dataLossNote: '< 1 hour: Usually acceptable (recent backup)'
      },
      attempts: [
        {
          level: 1,
          startedAt: l1.startedAt,
          endedAt: l1.startedAt + 12_000,
          scriptOk: false,
          recovered: false,
          reason: 'rollback.sh exited 1'
        },
        {
          level: 2,
          startedAt: l2.startedAt,
          endedAt: l2.startedAt + 400_000,
          scriptOk: true,
          recovered: false,
          reason: 'error rate 55.0% > critical 50% at the end of verification'
        }
      ],
      verificationSamples: verify,
      reason: 'Level 2 did not recover production and max-level is 2: a human must act'
    },
    ...over
  })
}

export const HOSTILE_LINES = [
  'unauthorized login for @octocat from 203.0.113.9',
  '<script>alert("x")</script> malicious payload',
  'breach marker ```` end fence ```` and `inline`',
  '[click me](https://evil.example) #123'
]

/** Security alert: isolate and evidence ran, no rollback. */
export function securityRecord(over: Partial<RunRecord> = {}): RunRecord {
  const watch = samples(T0, 5, (i) => (i < 3 ? {} : { security: HOSTILE_LINES }))
  const final = verdict({
    decision: 'isolate',
    rule: 'security-breach',
    level: undefined,
    reason: 'security check found 4 alert lines (P1): isolate, do not roll back',
    evidence: [watch[3]]
  })
  return buildRecord({
    samples: watch,
    verdicts: [{ at: watch[3].at, verdict: final }],
    final,
    breachFirstSeenAt: watch[3].at,
    firedRule: 'security-breach',
    steps: [
      step('evidence', watch[3].at + 1000, {
        command: 'bash deploy/forensics.sh',
        outputTail: 'saved /tmp/incident-logs.log'
      }),
      step('isolate', watch[3].at + 5000, {
        command: 'docker-compose down',
        outputTail: 'Stopping spacetime-godot ... done'
      })
    ],
    rollback: {
      status: 'blocked',
      attempts: [],
      verificationSamples: [],
      reason: 'security alert: no rollback until the security team clears it (then Level 3)'
    },
    ...over
  })
}

/** P3: error rate 5–10% stable for 15 minutes → warn (issue-on-warning). */
export function warnRecord(over: Partial<RunRecord> = {}): RunRecord {
  const watch = samples(T0, 70, () => ({ errorRate: 0.07 }))
  const final = verdict({
    decision: 'warn',
    severity: 'P3',
    rule: 'error-rate-elevated',
    level: undefined,
    trend: 'stable',
    reason: 'error rate 7.0% > elevated 5% for 15m, stable (P3): consider rollback',
    evidence: watch
  })
  return buildRecord({
    samples: watch,
    verdicts: [{ at: watch[69].at, verdict: final }],
    final,
    breachFirstSeenAt: T0,
    firedRule: 'error-rate-elevated',
    ...over
  })
}

export function healthyRecord(over: Partial<RunRecord> = {}): RunRecord {
  return buildRecord({
    samples: samples(T0, 20),
    final: verdict({
      decision: 'healthy',
      severity: 'none',
      rule: 'healthy',
      level: undefined,
      reason: 'no rule breached in 20 samples'
    }),
    ...over
  })
}

export function settings(): Settings {
  return {
    mode: 'watch',
    watchDurationMs: 1_800_000,
    probeIntervalMs: INTERVAL,
    deployedAt: T0 - 30_000,
    environment: 'production',
    policy: DEFAULT_POLICY,
    health: {
      url: 'https://user:pw@spacetime.example.com/health',
      method: 'GET',
      headers: { Authorization: FAKE_HEADER }
    },
    prometheus: {
      url: 'https://prom.example.com',
      headers: { Authorization: FAKE_HEADER, 'X-Scope-OrgID': 'team-a' }
    },
    metrics: {
      provider: 'prometheus',
      queries: {
        errorRate: 'sum(rate(x[1m]))',
        latency: 'histogram_quantile(0.95, y)',
        requestRate: 'sum(rate(z[1m]))'
      }
    },
    failOnInconclusive: true,
    failOnRollback: true,
    dryRun: false,
    ssh: {
      host: 'prod.example.com',
      port: 22,
      user: 'deploy',
      privateKey: FAKE_KEY,
      knownHosts: 'prod.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeHostKey',
      insecureSkipHostKeyCheck: false,
      appDir: '/srv/spacetime'
    },
    scripts: {
      rollback: 'deploy/rollback/rollback.sh',
      validate: 'deploy/rollback/validate_rollback.sh',
      smokeTest: 'deploy/smoke_tests.sh'
    },
    commands: { isolate: 'docker-compose down' },
    github: {
      token: FAKE_TOKEN,
      apiUrl: 'https://api.github.com',
      serverUrl: 'https://github.com',
      owner: 'acme',
      repo: 'spacetime',
      issueLabels: ['incident'],
      issueAssignees: [],
      issueOnWarning: false
    },
    notify: {},
    run: {
      runId: '4242',
      runAttempt: '1',
      sha: SHA,
      workflow: 'deploy',
      tempDir: '/tmp',
      eventName: 'push',
      eventPath: ''
    },
    secrets: [FAKE_KEY, FAKE_HEADER, FAKE_TOKEN]
  }
}

/** Asserts that no secret (nor a line of the key) is in the text. */
export function expectNoSecret(text: string): void {
  for (const needle of SECRET_NEEDLES) expect(text).not.toContain(needle)
}

export type { RollbackLevel }
