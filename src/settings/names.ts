// Input and output names in one place (actions/setup-node's habit). action.yml must match:
// __tests__/docs/readme.test.ts checks it.

/** What the step does: watch after a deploy, act on a command on the incident issue, or replay. */
export const MODES = ['watch', 'command', 'replay'] as const
export type Mode = (typeof MODES)[number]

export const Inputs = {
  Mode: 'mode',
  WatchDuration: 'watch-duration',
  ProbeInterval: 'probe-interval',
  PolicyFile: 'policy-file',
  DeployedAt: 'deployed-at',
  Environment: 'environment',
  HealthUrl: 'health-url',
  HealthMethod: 'health-method',
  HealthHeaders: 'health-headers',
  MetricsProvider: 'metrics-provider',
  PrometheusUrl: 'prometheus-url',
  PrometheusHeaders: 'prometheus-headers',
  WebUrl: 'web-url',
  WebHeaders: 'web-headers',
  WebValuePath: 'web-value-path',
  WebTimeout: 'web-timeout',
  CaCertificate: 'ca-certificate',
  ErrorRateQuery: 'error-rate-query',
  LatencyQuery: 'latency-query',
  RequestRateQuery: 'request-rate-query',
  ErrorRateFastQuery: 'error-rate-fast-query',
  ExpectedVersion: 'expected-version',
  FailOnInconclusive: 'fail-on-inconclusive',
  FailOnRollback: 'fail-on-rollback',
  DryRun: 'dry-run',
  SshHost: 'ssh-host',
  SshPort: 'ssh-port',
  SshUser: 'ssh-user',
  SshPrivateKey: 'ssh-private-key',
  SshKnownHosts: 'ssh-known-hosts',
  SshInsecure: 'ssh-insecure-skip-host-key-check',
  SshJumpHost: 'ssh-jump-host',
  SshJumpPrivateKey: 'ssh-jump-private-key',
  AppDir: 'app-dir',
  RollbackScript: 'rollback-script',
  ValidateScript: 'validate-script',
  SmokeTestScript: 'smoke-test-script',
  RollbackTarget: 'rollback-target',
  RestartCommand: 'restart-command',
  StopCommand: 'stop-command',
  IsolateCommand: 'isolate-command',
  EvidenceCommand: 'evidence-command',
  GithubToken: 'github-token',
  IssueTemplate: 'issue-template',
  IssueLabels: 'issue-labels',
  IssueAssignees: 'issue-assignees',
  IssueOnWarning: 'issue-on-warning',
  NotifyWebhook: 'notify-webhook',
  ReplayDeploys: 'replay-deploys',
  ReplayCount: 'replay-count',
  ReplayHealthQuery: 'replay-health-query',
  ReplayTrace: 'replay-trace'
} as const

export const Outputs = {
  Decision: 'decision',
  Severity: 'severity',
  Rule: 'rule',
  Reason: 'reason',
  Samples: 'samples',
  RollbackLevel: 'rollback-level',
  RollbackStatus: 'rollback-status',
  RollbackTarget: 'rollback-target',
  RollbackHosts: 'rollback-hosts',
  IssueNumber: 'issue-number',
  IssueUrl: 'issue-url',
  ReportPath: 'report-path',
  ReplayDeploys: 'replay-deploys',
  ReplayRollbacks: 'replay-rollbacks',
  ReplayWarnings: 'replay-warnings'
} as const

/** Defaults of the inputs; action.yml declares the same (checked by a test). */
export const DEFAULTS = {
  [Inputs.Mode]: 'watch',
  [Inputs.WatchDuration]: '15m',
  [Inputs.ProbeInterval]: '15s',
  [Inputs.Environment]: 'production',
  [Inputs.HealthMethod]: 'GET',
  [Inputs.ErrorRateQuery]:
    '(sum(rate(http_requests_total{status=~"5.."}[1m])) or vector(0)) / sum(rate(http_requests_total[1m]))',
  [Inputs.LatencyQuery]:
    'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[1m])))',
  [Inputs.RequestRateQuery]: 'sum(rate(http_requests_total[1m]))',
  [Inputs.ErrorRateFastQuery]:
    '(sum(irate(http_requests_total{status=~"5.."}[1m])) or vector(0)) / sum(irate(http_requests_total[1m]))',
  [Inputs.FailOnInconclusive]: 'true',
  [Inputs.FailOnRollback]: 'true',
  [Inputs.DryRun]: 'false',
  [Inputs.SshPort]: '22',
  [Inputs.SshInsecure]: 'false',
  [Inputs.RollbackScript]: 'deploy/rollback/rollback.sh',
  [Inputs.ValidateScript]: 'deploy/rollback/validate_rollback.sh',
  [Inputs.SmokeTestScript]: 'deploy/smoke_tests.sh',
  [Inputs.IssueLabels]: 'incident',
  [Inputs.IssueOnWarning]: 'false',
  [Inputs.IssueTemplate]: '.github/ISSUE_TEMPLATE/incident.md',
  [Inputs.ReplayCount]: '20',
  [Inputs.ReplayTrace]: 'summary'
} as const
