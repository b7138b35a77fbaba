import type { Mode } from './names.js'
import type { AnsibleSettings } from './ansible.js'
import type { HostPort, JumpHost } from '../lib/patterns.js'
import type { PreflightMode } from '../runbook/preflight.js'
import type { Policy } from '../runbook/types.js'
import type { NotifySettings } from './notify.js'

export type HttpHeaders = Record<string, string>

export interface HealthSettings {
  url: string
  method: 'GET' | 'HEAD'
  headers: HttpHeaders
}

/** Where Prometheus answers (the provider's connection; the queries are in MetricsSettings). */
export interface PrometheusSettings {
  url: string
  headers: HttpHeaders
}

/** The metric providers the action can read; each is an adapter behind the same two ports. */
export const METRIC_PROVIDERS = ['prometheus', 'datadog', 'cloudwatch', 'web'] as const
export type MetricsProviderName = (typeof METRIC_PROVIDERS)[number]
/** Named by metrics-provider's description but not built yet: a clear bad input, not a typo. */
export const PLANNED_PROVIDERS: readonly string[] = []

/** Datadog's public sites (api.<site>), as its API description lists them. */
export const DATADOG_SITES = [
  'datadoghq.com',
  'us3.datadoghq.com',
  'us5.datadoghq.com',
  'ap1.datadoghq.com',
  'ap2.datadoghq.com',
  'uk1.datadoghq.com',
  'datadoghq.eu',
  'ddog-gov.com',
  'us2.ddog-gov.com'
] as const

/** metrics-provider datadog: where its API answers, the keys, how late its buckets are. */
export interface DatadogSettings {
  /** datadog-api-url, or https://api.<datadog-site>. */
  apiUrl: string
  /** datadog-api-key (a secret). */
  apiKey: string
  /** datadog-app-key (a secret; needs timeseries_query). */
  appKey: string
  /** datadog-lag: a reading at t is the newest bucket that ended by t − lag. */
  lagMs: number
}

/** metrics-provider cloudwatch: where GetMetricData is asked and how late its periods are. */
export interface CloudWatchSettings {
  /** cloudwatch-region; undefined: the SDK's own (AWS_REGION, as configure-aws-credentials sets it). */
  region?: string
  /** cloudwatch-endpoint: in place of https://monitoring.<region>.amazonaws.com (a test server, a VPC endpoint). */
  endpoint?: string
  /** cloudwatch-lag: a reading at t is the newest period that ended by t − lag. */
  lagMs: number
}

/**
 * Any HTTP endpoint answering JSON (metrics-provider web): a GET per query, the number at
 * valuePath in the answer.
 */
export interface WebSettings {
  /**
   * web-url: a URL template where {query} is the query, URL-encoded, and {time} the evaluation
   * time in unix seconds. Undefined: each query input is itself the URL ({time} allowed).
   */
  url?: string
  headers: HttpHeaders
  /** web-value-path, as written (lib/json-path.ts reads it). */
  valuePath: string
  /** web-timeout; undefined: the policy's health timeout. */
  timeoutMs?: number
}

/** The queries of the runbook's signals, in the provider's own query language. */
export interface MetricQueries {
  errorRate: string
  latency: string
  requestRate: string
  /** error-rate-fast-query; undefined: off (error-rate-critical reads errorRate alone). */
  fastErrorRate?: string
}

/** The metrics the runbook's error-rate and latency rules read, and who answers them. */
export interface MetricsSettings {
  provider: MetricsProviderName
  queries: MetricQueries
}

/** One deploy to replay: when it finished and, when known, its commit. */
export interface ReplayDeploy {
  at: number
  sha?: string
}

/** mode replay: which deploys, and what stands in for the health probe. */
export interface ReplaySettings {
  /** From replay-deploys; undefined: the Deployments API's latest `count`. */
  deploys?: ReplayDeploy[]
  count: number
  /** PromQL reading 1 (up) or 0 (down); undefined: health is off. */
  healthQuery?: string
  /** replay-trace: one summary line per deploy, or every sample and verdict too. */
  trace: ReplayTraceDetail
}

export type ReplayTraceDetail = 'summary' | 'full'

/** How the health probe and the metric provider reach the network (the proxy variables come from the environment). */
export interface NetworkSettings {
  /** PEM certificates (ca-certificate, validated) trusted in addition to Node's own. */
  caCertificates?: string
}

/** One host of the fleet: where it is, and how it reads in messages (`app-2`, `app-2:2222`). */
export interface FleetHost extends HostPort {
  label: string
}

export interface SshSettings {
  /** The first host of ssh-host (the canary of a fleet). */
  host: string
  port: number
  user: string
  /** The private key text (a secret: masked, written 0600 under RUNNER_TEMP, removed on exit). */
  privateKey: string
  /** known_hosts line(s) for the host. Empty only when insecureSkipHostKeyCheck. */
  knownHosts: string
  insecureSkipHostKeyCheck: boolean
  /** Directory on the host where the runbook's relative paths live ("" = the login directory). */
  appDir: string
  /**
   * Every host of ssh-host, the canary (host, port) first. Absent or one entry: one host, as
   * before fleets.
   */
  hosts?: FleetHost[]
  /** ssh-jump-host: every connection goes through it (its user defaults to `user`). */
  jump?: JumpHost
  /** ssh-jump-private-key: the jump host's own key (a secret); absent: the jump uses privateKey. */
  jumpPrivateKey?: string
}

export interface GitHubSettings {
  token: string
  /** REST base URL (GITHUB_API_URL, GitHub Enterprise Server honoured). */
  apiUrl: string
  serverUrl: string
  owner: string
  repo: string
  /** Resolved template text (custom or .github/ISSUE_TEMPLATE/incident.md); undefined = built-in. */
  issueTemplate?: { path: string; text: string }
  issueLabels: string[]
  issueAssignees: string[]
  issueOnWarning: boolean
}

export interface RunInfo {
  runId: string
  runAttempt: string
  sha: string
  workflow: string
  /** RUNNER_TEMP (where the key and the decision trace go). */
  tempDir: string
  /** GITHUB_EVENT_NAME and GITHUB_EVENT_PATH (mode command reads the issue_comment event). */
  eventName: string
  eventPath: string
}

/** Every input parsed once, validated, typed. Built by parseInputs(); nothing else reads inputs. */
export interface Settings {
  mode: Mode
  watchDurationMs: number
  probeIntervalMs: number
  /** Epoch ms. */
  deployedAt: number
  environment: string
  policyFile?: string
  policy: Policy
  health: HealthSettings
  expectedVersion?: string
  /** Undefined: no metric provider, only the health rules apply. */
  metrics?: MetricsSettings
  /** The Prometheus provider's connection (set with metrics.provider prometheus). */
  prometheus?: PrometheusSettings
  /** The Datadog provider's connection (set with metrics.provider datadog). */
  datadog?: DatadogSettings
  cloudwatch?: CloudWatchSettings
  /** The web provider's endpoint (set with metrics.provider web). */
  web?: WebSettings
  /** Set in mode replay only. */
  replay?: ReplaySettings
  /** Always set by parseInputs; optional for settings built by hand. */
  network?: NetworkSettings
  failOnInconclusive: boolean
  failOnRollback: boolean
  dryRun: boolean
  /**
   * The host preflight at the start of a watch: findings fail the step at the end (fail), only
   * warn (warn), or only the connection is checked (off). Optional for settings built by hand
   * (absent: off).
   */
  preflight?: PreflightMode
  /** Undefined: the action can only watch and report. */
  ssh?: SshSettings
  /** executor: ansible: the rollback's levels run through ansible-playbook (absent: the built-in SSH). */
  ansible?: AnsibleSettings
  scripts: { rollback: string; validate: string; smokeTest: string }
  rollbackTarget?: string
  commands: { restart?: string; stop?: string; isolate?: string; evidence?: string }
  github: GitHubSettings
  notify: NotifySettings
  run: RunInfo
  /** Every secret value (key, header values, token) so that reports can scrub them. */
  secrets: string[]
}
