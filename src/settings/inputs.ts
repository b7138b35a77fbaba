// Every input parsed once into one typed, validated Settings object (actions/checkout's habit).
// Nothing here touches production: bad input fails before the first probe or connection.
import * as path from 'node:path'
import { DEFAULTS, Inputs, MODES, type Mode } from './names.js'
import { formatDuration } from '../lib/duration.js'
import {
  checkId,
  checkOneLine,
  checkScriptPath,
  describeValue,
  FUTURE_SKEW_MS,
  parseIsoTime
} from '../lib/patterns.js'
import type { InputEnv, InputGetter } from './source.js'
import type { Settings } from './types.js'
import { InputError, PolicyError } from './errors.js'
import { bool, duration, httpUrl, optional, parseHeaders, text, urlSecrets } from './fields.js'
import { caCertificates } from './network.js'
import { notifySecrets, parseNotify } from './notify.js'
import { parseExecutor } from './ansible.js'
import { parseSshSettings } from './hosts.js'
import { defaultPolicy, loadPolicy } from './policy.js'
import { PREFLIGHT_MODES, type PreflightMode } from '../runbook/preflight.js'
import { replaySettings } from './replay.js'
import { parseMetrics } from './metrics.js'

export { InputError, parseHeaders }

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

  const metricsPart = parseMetrics(get, mode)
  const teamInventory = get(Inputs.AnsibleInventory).trim() !== ''
  const ssh = parseSshSettings(
    { get, bool: (name) => bool(get, name, env), hashed: env.hashedKnownHost },
    teamInventory
  )
  const ansible = replay
    ? undefined
    : parseExecutor(
        {
          get,
          bool: (name) => bool(get, name, env),
          resolve,
          fileExists: (f) => env.fileExists(f)
        },
        ssh
      )
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
    ...(metricsPart.metrics ? { metrics: metricsPart.metrics } : {}),
    ...(metricsPart.prometheus ? { prometheus: metricsPart.prometheus } : {}),
    ...(metricsPart.web ? { web: metricsPart.web } : {}),
    ...(metricsPart.datadog ? { datadog: metricsPart.datadog } : {}),
    ...(metricsPart.cloudwatch ? { cloudwatch: metricsPart.cloudwatch } : {}),
    ...(replay ? { replay: replaySettings(get, env.now) } : {}),
    network: { caCertificates: caCertificates(get, env, resolve) },
    failOnInconclusive: bool(get, Inputs.FailOnInconclusive, env),
    failOnRollback: bool(get, Inputs.FailOnRollback, env),
    dryRun: bool(get, Inputs.DryRun, env),
    preflight: preflightMode(get),
    // Nothing runs on a host in a replay: no connection (the key is still masked, below).
    ssh: replay ? undefined : ssh,
    ...(ansible ? { ansible } : {}),
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
    ...urlSecrets(settings.health.url),
    ...metricsPart.secrets,
    ...(ssh?.jumpPrivateKey ? [ssh.jumpPrivateKey.trim()] : []),
    ...(ansible && !ssh ? [ansible.credentials.privateKey.trim()] : []),
    ...(ansible?.credentials.jumpPrivateKey && !ssh
      ? [ansible.credentials.jumpPrivateKey.trim()]
      : []),
    ...Object.values(healthHeaders),
    ...(token ? [token] : []),
    ...notifySecrets(notify)
  ].filter((s) => s.length >= 4)
  return settings
}
