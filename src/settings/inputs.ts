// Every input parsed once into one typed, validated Settings object (actions/checkout's habit).
// Nothing here touches production: bad input fails before the first probe or connection.
import * as path from 'node:path'
import { DEFAULTS, Inputs, MODES, type Mode } from './names.js'
import { DURATION_HINT, formatDuration, parseDuration } from '../lib/duration.js'
import {
  checkHeaderName,
  checkId,
  checkOneLine,
  checkScriptPath,
  describeValue,
  FUTURE_SKEW_MS,
  parseIsoTime
} from '../lib/patterns.js'
import { redactUrl } from '../lib/urls.js'
import type { InputEnv, InputGetter } from './source.js'
import type { HttpHeaders, MetricQueries, Settings } from './types.js'
import { InputError, PolicyError } from './errors.js'
import { caCertificates } from './network.js'
import { notifySecrets, parseNotify } from './notify.js'
import { parseSshSettings } from './hosts.js'
import { defaultPolicy, loadPolicy } from './policy.js'
import { PREFLIGHT_MODES, type PreflightMode } from '../runbook/preflight.js'
import { fastErrorRateQuery, replaySettings } from './replay.js'

export { InputError }

function duration(get: InputGetter, name: string): number {
  const raw = get(name).trim() || DEFAULTS[name as keyof typeof DEFAULTS]
  const ms = parseDuration(raw)
  if (ms === null) throw new InputError(`${name} '${raw}' is not a duration: ${DURATION_HINT}`)
  if (ms <= 0) throw new InputError(`${name} '${raw}' must be longer than zero`)
  return ms
}

function bool(get: InputGetter, name: string, env?: InputEnv): boolean {
  const given = get(name).trim()
  if (given && env?.getBoolean) {
    try {
      return env.getBoolean(name)
    } catch {
      throw new InputError(`${name} '${given}' is not a boolean: use true or false`)
    }
  }
  const raw = given || DEFAULTS[name as keyof typeof DEFAULTS] || 'false'
  if (/^(true|True|TRUE)$/.test(raw)) return true
  if (/^(false|False|FALSE)$/.test(raw)) return false
  throw new InputError(`${name} '${raw}' is not a boolean: use true or false`)
}

function text(get: InputGetter, name: string): string {
  return get(name).trim() || (DEFAULTS[name as keyof typeof DEFAULTS] ?? '')
}

function optional(get: InputGetter, name: string): string | undefined {
  return get(name).trim() || undefined
}

function httpUrl(name: string, raw: string): string {
  // A URL that fails here is not masked yet: the message shows it with its secrets hidden.
  const shown = redactUrl(raw).shown
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new InputError(`${name} '${shown}' is not a URL: use e.g. https://example.com/health`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new InputError(`${name} '${shown}' must be an http:// or https:// URL`)
  return raw
}

/** Multi-line `Name: value` headers. Values are secrets (masked by the caller). */
export function parseHeaders(name: string, raw: string): HttpHeaders {
  const headers: HttpHeaders = {}
  for (const [i, line] of raw.split(/\r?\n/).entries()) {
    if (!line.trim() || line.trim().startsWith('#')) continue
    const colon = line.indexOf(':')
    const key = colon > 0 ? line.slice(0, colon).trim() : ''
    if (!key || checkHeaderName(key))
      // The value may be a secret: quote only the part before the colon.
      throw new InputError(
        `${name} line ${i + 1} is not 'Name: value' (header name '${key || line.slice(0, 20)}…')`
      )
    headers[key] = line.slice(colon + 1).trim()
  }
  return headers
}

function scriptPath(get: InputGetter, name: string): string {
  const raw = text(get, name)
  const wrong = checkScriptPath(raw)
  if (wrong) throw new InputError(`${name} '${raw}' ${wrong}`)
  return raw
}

function deployedAt(get: InputGetter, now: number): number {
  const raw = get(Inputs.DeployedAt).trim()
  if (!raw) return now
  const at = parseIsoTime(raw)
  if (at === null)
    throw new InputError(
      `deployed-at '${raw}' is not an ISO-8601 time: use e.g. 2025-12-02T14:03:00Z (no offset means UTC), or leave it empty for the step's start`
    )
  if (at > now + FUTURE_SKEW_MS)
    throw new InputError(
      `deployed-at '${raw}' lies in the future (${formatDuration(at - now)} ahead of this runner's clock)`
    )
  return at
}

/** Secrets written into URLs (a password, a token in the query): secrets like header values. */
function urlSecrets(...urls: Array<string | undefined>): string[] {
  return urls.flatMap((u) => (u ? redactUrl(u).secrets : []))
}

function list(raw: string): string[] {
  return raw
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean)
}

function oneLineCommand(get: InputGetter, name: string): string | undefined {
  const raw = optional(get, name)
  if (raw && checkOneLine(raw)) throw new InputError(`${name} ${checkOneLine(raw)}`)
  return raw
}

function repository(vars: InputEnv['vars']): { owner: string; repo: string } {
  const full = vars.GITHUB_REPOSITORY ?? ''
  const [owner, repo] = full.split('/')
  return { owner: owner ?? '', repo: repo ?? '' }
}

/** Parses and validates every input. Throws InputError (or PolicyError) naming the input. */
function preflightMode(get: InputGetter): PreflightMode {
  const raw = text(get, Inputs.Preflight).toLowerCase()
  if (!(PREFLIGHT_MODES as readonly string[]).includes(raw))
    throw new InputError(
      `preflight '${text(get, Inputs.Preflight)}' must be one of ${PREFLIGHT_MODES.join(', ')}`
    )
  return raw as PreflightMode
}

export function parseInputs(get: InputGetter, env: InputEnv): Settings {
  const resolve = (p: string): string => path.resolve(env.workspace, p)

  const mode = text(get, Inputs.Mode) as Mode
  if (!MODES.includes(mode))
    throw new InputError(`mode '${mode}' is not one of ${MODES.join(', ')}`)
  const watchDurationMs = duration(get, Inputs.WatchDuration)
  const probeIntervalMs = duration(get, Inputs.ProbeInterval)
  if (probeIntervalMs > watchDurationMs)
    throw new InputError(
      `probe-interval '${text(get, Inputs.ProbeInterval)}' is longer than watch-duration '${text(get, Inputs.WatchDuration)}': the watch would end before its first interval`
    )

  const policyFile = optional(get, Inputs.PolicyFile)
  let policy = defaultPolicy()
  if (policyFile) {
    const file = resolve(policyFile)
    let body: string
    try {
      body = env.readFile(file)
    } catch (e) {
      throw new InputError(
        `policy-file '${policyFile}' cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): resolved to ${file}`
      )
    }
    try {
      policy = loadPolicy(body, `policy-file '${policyFile}'`)
    } catch (e) {
      if (e instanceof PolicyError)
        throw new InputError(`policy-file '${policyFile}': ${e.message}`)
      throw e
    }
  }

  const environment = text(get, Inputs.Environment)
  if (!/^[A-Za-z0-9._\-/ ]{1,80}$/.test(environment))
    throw new InputError(
      `environment '${environment}' must be 1-80 letters, digits, spaces or . _ - /`
    )

  const replay = mode === 'replay'
  const healthRaw = get(Inputs.HealthUrl).trim()
  // A replay has no live health probe (no history of it): health-url is not needed there.
  if (!healthRaw && !replay)
    throw new InputError('health-url is required: the URL of the health endpoint')
  const method = text(get, Inputs.HealthMethod).toUpperCase()
  if (method !== 'GET' && method !== 'HEAD')
    throw new InputError(`health-method '${text(get, Inputs.HealthMethod)}' must be GET or HEAD`)

  const promUrl = optional(get, Inputs.PrometheusUrl)
  if (replay && !promUrl)
    throw new InputError(
      'prometheus-url is required in mode replay: the history of the queries comes from Prometheus'
    )
  const ssh = parseSshSettings({
    get,
    bool: (name) => bool(get, name, env),
    hashed: env.hashedKnownHost
  })
  const rollbackTarget = optional(get, Inputs.RollbackTarget)
  // Refused here, before the first probe, not when the rollback needs it.
  if (rollbackTarget && checkId(rollbackTarget))
    throw new InputError(
      `rollback-target ${describeValue(rollbackTarget)} ${checkId(rollbackTarget)}`
    )

  const templateInput = text(get, Inputs.IssueTemplate)
  let issueTemplate: Settings['github']['issueTemplate']
  const templateFile = resolve(templateInput)
  const isDefaultTemplate = templateInput === DEFAULTS[Inputs.IssueTemplate]
  if (!isDefaultTemplate || env.fileExists(templateFile)) {
    let body: string
    try {
      body = env.readFile(templateFile)
    } catch (e) {
      throw new InputError(
        `issue-template '${templateInput}' cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): resolved to ${templateFile}`
      )
    }
    try {
      env.validateTemplate?.(body, templateInput)
    } catch (e) {
      throw new InputError(`issue-template '${templateInput}': ${(e as Error).message}`)
    }
    issueTemplate = { path: templateInput, text: body }
  }

  const healthHeaders = parseHeaders(Inputs.HealthHeaders, get(Inputs.HealthHeaders))
  const promHeaders = parseHeaders(Inputs.PrometheusHeaders, get(Inputs.PrometheusHeaders))
  const token = get(Inputs.GithubToken).trim()
  const notify = parseNotify(get)
  const vars = env.vars

  const settings: Settings = {
    mode,
    watchDurationMs,
    probeIntervalMs,
    deployedAt: deployedAt(get, env.now),
    environment,
    policyFile,
    policy,
    health: {
      url: healthRaw ? httpUrl(Inputs.HealthUrl, healthRaw) : '',
      method,
      headers: healthHeaders
    },
    expectedVersion: optional(get, Inputs.ExpectedVersion),
    ...(promUrl
      ? {
          metrics: { provider: 'prometheus' as const, queries: metricQueries(get) },
          prometheus: { url: httpUrl(Inputs.PrometheusUrl, promUrl), headers: promHeaders }
        }
      : {}),
    ...(replay ? { replay: replaySettings(get, env.now) } : {}),
    network: { caCertificates: caCertificates(get, env, resolve) },
    failOnInconclusive: bool(get, Inputs.FailOnInconclusive, env),
    failOnRollback: bool(get, Inputs.FailOnRollback, env),
    dryRun: bool(get, Inputs.DryRun, env),
    preflight: preflightMode(get),
    // Nothing runs on a host in a replay: no connection (the key is still masked, below).
    ssh: replay ? undefined : ssh,
    scripts: {
      rollback: scriptPath(get, Inputs.RollbackScript),
      validate: scriptPath(get, Inputs.ValidateScript),
      smokeTest: scriptPath(get, Inputs.SmokeTestScript)
    },
    rollbackTarget,
    commands: {
      restart: oneLineCommand(get, Inputs.RestartCommand),
      stop: oneLineCommand(get, Inputs.StopCommand),
      isolate: oneLineCommand(get, Inputs.IsolateCommand),
      evidence: oneLineCommand(get, Inputs.EvidenceCommand)
    },
    github: {
      token,
      apiUrl: vars.GITHUB_API_URL || 'https://api.github.com',
      serverUrl: vars.GITHUB_SERVER_URL || 'https://github.com',
      ...repository(vars),
      issueTemplate,
      issueLabels: list(text(get, Inputs.IssueLabels)),
      issueAssignees: list(get(Inputs.IssueAssignees)),
      issueOnWarning: bool(get, Inputs.IssueOnWarning, env)
    },
    notify,
    run: {
      runId: vars.GITHUB_RUN_ID ?? '',
      runAttempt: vars.GITHUB_RUN_ATTEMPT ?? '1',
      sha: vars.GITHUB_SHA ?? '',
      workflow: vars.GITHUB_WORKFLOW ?? '',
      tempDir: vars.RUNNER_TEMP || vars.TMPDIR || '/tmp',
      eventName: vars.GITHUB_EVENT_NAME ?? '',
      eventPath: vars.GITHUB_EVENT_PATH ?? ''
    },
    secrets: []
  }
  settings.secrets = [
    ...(ssh ? [ssh.privateKey.trim()] : []),
    ...urlSecrets(settings.health.url, settings.prometheus?.url),
    ...(ssh?.jumpPrivateKey ? [ssh.jumpPrivateKey.trim()] : []),
    ...Object.values(healthHeaders),
    ...Object.values(promHeaders),
    ...(token ? [token] : []),
    ...notifySecrets(notify)
  ].filter((s) => s.length >= 4)
  return settings
}

/** The three queries (and the fast one) in the provider's own language. */
function metricQueries(get: InputGetter): MetricQueries {
  const errorRate = text(get, Inputs.ErrorRateQuery)
  const fast = fastErrorRateQuery(get, errorRate)
  return {
    errorRate,
    latency: text(get, Inputs.LatencyQuery),
    requestRate: text(get, Inputs.RequestRateQuery),
    ...(fast ? { fastErrorRate: fast } : {})
  }
}
