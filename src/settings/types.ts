import type { Mode } from '../constants.js'
import type { HostPort, JumpHost } from '../core/patterns.js'
import type { Policy } from '../core/types.js'

export type HttpHeaders = Record<string, string>

export interface HealthSettings {
  url: string
  method: 'GET' | 'HEAD'
  headers: HttpHeaders
}

export interface PrometheusSettings {
  url: string
  headers: HttpHeaders
  errorRateQuery: string
  latencyQuery: string
  requestRateQuery: string
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
  /** Undefined: only the health rules apply. */
  prometheus?: PrometheusSettings
  failOnInconclusive: boolean
  failOnRollback: boolean
  dryRun: boolean
  /** Undefined: the action can only watch and report. */
  ssh?: SshSettings
  scripts: { rollback: string; validate: string; smokeTest: string }
  rollbackTarget?: string
  commands: { restart?: string; stop?: string; isolate?: string; evidence?: string }
  github: GitHubSettings
  run: RunInfo
  /** Every secret value (key, header values, token) so that reports can scrub them. */
  secrets: string[]
}
