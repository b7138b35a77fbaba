// Every input parsed once into one typed, validated Settings object (actions/checkout's habit).
// Nothing here touches production: bad input fails before the first probe or connection.
import { X509Certificate } from 'node:crypto'
import * as path from 'node:path'
import { DEFAULTS, Inputs } from '../constants.js'
import { DURATION_HINT, formatDuration, parseDuration } from '../core/duration.js'
import type { HttpHeaders, Settings, SshSettings } from './types.js'
import { defaultPolicy, loadPolicy, PolicyError } from './policy.js'

export class InputError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'InputError'
  }
}

/** Reads one input by name ('' when unset), like core.getInput. */
export type InputGetter = (name: string) => string

/** What parseInputs may know of its surroundings, passed in so tests need no environment. */
export interface InputEnv {
  now: number
  /** GITHUB_WORKSPACE, else the working directory: relative paths resolve against it. */
  workspace: string
  readFile(file: string): string
  fileExists(file: string): boolean
  /** The GITHUB_* and RUNNER_* variables the action reads. */
  vars: Record<string, string | undefined>
  /** Throws naming an unknown placeholder (from the report module). */
  validateTemplate?(text: string, file: string): void
}

/** Clock skew tolerated between the deploy step's clock and this one. */
const FUTURE_SKEW_MS = 60_000
/** Backup ids and other remote arguments: letters, digits, '.', '_', '-', ':' only. */
export const SAFE_ARG = /^[A-Za-z0-9._:-]+$/
/** Script paths on the host: no spaces, quotes or shell metacharacters. */
const SAFE_PATH = /^[A-Za-z0-9._/~+-]+$/
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\]|[0-9A-Fa-f:.]+)$/
const USER = /^[A-Za-z_][A-Za-z0-9._-]*$/
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

function duration(get: InputGetter, name: string): number {
  const raw = get(name).trim() || DEFAULTS[name as keyof typeof DEFAULTS]
  const ms = parseDuration(raw)
  if (ms === null) throw new InputError(`${name} '${raw}' is not a duration: ${DURATION_HINT}`)
  if (ms <= 0) throw new InputError(`${name} '${raw}' must be longer than zero`)
  return ms
}

function bool(get: InputGetter, name: string): boolean {
  const raw = get(name).trim() || DEFAULTS[name as keyof typeof DEFAULTS] || 'false'
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
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new InputError(`${name} '${raw}' is not a URL: use e.g. https://example.com/health`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new InputError(`${name} '${raw}' must be an http:// or https:// URL`)
  return raw
}

/** Multi-line `Name: value` headers. Values are secrets (masked by the caller). */
export function parseHeaders(name: string, raw: string): HttpHeaders {
  const headers: HttpHeaders = {}
  for (const [i, line] of raw.split(/\r?\n/).entries()) {
    if (!line.trim() || line.trim().startsWith('#')) continue
    const colon = line.indexOf(':')
    const key = colon > 0 ? line.slice(0, colon).trim() : ''
    if (!key || !HEADER_NAME.test(key))
      // The value may be a secret: quote only the part before the colon.
      throw new InputError(
        `${name} line ${i + 1} is not 'Name: value' (header name '${key || line.slice(0, 20)}…')`
      )
    headers[key] = line.slice(colon + 1).trim()
  }
  return headers
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g

/** At most 60 characters of a value for a message: a pasted blob is never dumped whole. */
function quoteShort(value: string): string {
  return `'${value.length > 60 ? `${value.slice(0, 60)}…` : value}'`
}

/**
 * ca-certificate: PEM text, or a PEM file relative to the workspace. Every block must be a
 * certificate X509Certificate accepts and that has not expired. Returns the blocks alone.
 */
function caCertificates(
  get: InputGetter,
  env: InputEnv,
  resolve: (p: string) => string
): string | undefined {
  const name = Inputs.CaCertificate
  const raw = get(name).trim()
  if (!raw) return undefined
  let text = raw
  let what: string = name
  if (!raw.includes('-----BEGIN')) {
    if (/[\r\n]/.test(raw))
      throw new InputError(
        `${name} is neither PEM text (-----BEGIN CERTIFICATE----- blocks) nor a file path`
      )
    const file = resolve(raw)
    try {
      text = env.readFile(file)
    } catch (e) {
      const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message
      // A long value is a pasted blob rather than a path: the resolved path would repeat it.
      const where = raw.length > 60 ? '' : `: resolved to ${file}`
      throw new InputError(
        `${name} ${quoteShort(raw)} is not PEM text and cannot be read as a file (${why})${where}`
      )
    }
    what = `${name} file ${quoteShort(raw)}`
  }
  const blocks = text.match(PEM_CERTIFICATE) ?? []
  if (blocks.length === 0)
    throw new InputError(
      /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)
        ? `${what} holds a private key, not a certificate: give the CA's certificate (-----BEGIN CERTIFICATE-----)`
        : `${what} holds no -----BEGIN CERTIFICATE----- block`
    )
  blocks.forEach((block, i) => {
    const which = blocks.length > 1 ? ` (certificate ${i + 1} of ${blocks.length})` : ''
    let cert: X509Certificate
    try {
      cert = new X509Certificate(block)
    } catch (e) {
      throw new InputError(`${what}${which} is not a valid certificate: ${(e as Error).message}`)
    }
    if (Date.parse(cert.validTo) < env.now)
      throw new InputError(
        `${what}${which}: the certificate ${cert.subject.replace(/\n/g, ', ')} expired on ${cert.validTo}`
      )
  })
  return `${blocks.join('\n')}\n`
}

function scriptPath(get: InputGetter, name: string): string {
  const raw = text(get, name)
  if (!SAFE_PATH.test(raw))
    throw new InputError(
      `${name} '${raw}' is not a plain path: letters, digits and . _ / ~ + - only (no spaces or shell characters)`
    )
  return raw
}

function deployedAt(get: InputGetter, now: number): number {
  const raw = get(Inputs.DeployedAt).trim()
  if (!raw) return now
  const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/
  const at = iso.test(raw) ? Date.parse(raw) : NaN
  if (Number.isNaN(at))
    throw new InputError(
      `deployed-at '${raw}' is not an ISO-8601 time: use e.g. 2025-12-02T14:03:00Z (or leave it empty for the step's start)`
    )
  if (at > now + FUTURE_SKEW_MS)
    throw new InputError(
      `deployed-at '${raw}' lies in the future (${formatDuration(at - now)} ahead of this runner's clock)`
    )
  return at
}

function sshSettings(get: InputGetter): SshSettings | undefined {
  const host = optional(get, Inputs.SshHost)
  if (!host) {
    for (const name of [Inputs.SshUser, Inputs.SshPrivateKey, Inputs.SshKnownHosts, Inputs.AppDir])
      if (get(name).trim())
        throw new InputError(`${name} is set but ssh-host is empty: set ssh-host or remove ${name}`)
    return undefined
  }
  if (!HOST.test(host)) throw new InputError(`ssh-host '${host}' is not a host name or IP address`)
  const portRaw = text(get, Inputs.SshPort)
  const port = Number(portRaw)
  if (!/^\d+$/.test(portRaw) || port < 1 || port > 65535)
    throw new InputError(`ssh-port '${portRaw}' is not a port number (1-65535)`)
  const user = optional(get, Inputs.SshUser)
  if (!user) throw new InputError('ssh-user is required when ssh-host is set')
  if (!USER.test(user)) throw new InputError(`ssh-user '${user}' is not a valid user name`)
  const privateKey = get(Inputs.SshPrivateKey).trim()
  if (!privateKey) throw new InputError('ssh-private-key is required when ssh-host is set')
  if (!/^-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(privateKey))
    // Never quote the value: it is a secret.
    throw new InputError(
      'ssh-private-key does not look like a private key: expected a -----BEGIN … PRIVATE KEY----- block'
    )
  const insecure = bool(get, Inputs.SshInsecure)
  const knownHosts = get(Inputs.SshKnownHosts).trim()
  if (!knownHosts && !insecure)
    throw new InputError(
      'ssh-known-hosts is required when ssh-host is set: the host key line(s), e.g. from `ssh-keyscan -p PORT HOST`'
    )
  const appDir = get(Inputs.AppDir).trim()
  if (/[\n\r\0]/.test(appDir)) throw new InputError('app-dir must be one line')
  return {
    host,
    port,
    user,
    privateKey: privateKey + '\n',
    knownHosts,
    insecureSkipHostKeyCheck: insecure,
    appDir
  }
}

function list(raw: string): string[] {
  return raw
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean)
}

function oneLineCommand(get: InputGetter, name: string): string | undefined {
  const raw = optional(get, name)
  if (raw && /[\n\r\0]/.test(raw)) throw new InputError(`${name} must be one line`)
  return raw
}

function repository(vars: InputEnv['vars']): { owner: string; repo: string } {
  const full = vars.GITHUB_REPOSITORY ?? ''
  const [owner, repo] = full.split('/')
  return { owner: owner ?? '', repo: repo ?? '' }
}

/** Parses and validates every input. Throws InputError (or PolicyError) naming the input. */
export function parseInputs(get: InputGetter, env: InputEnv): Settings {
  const resolve = (p: string): string => path.resolve(env.workspace, p)

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

  const healthRaw = get(Inputs.HealthUrl).trim()
  if (!healthRaw) throw new InputError('health-url is required: the URL of the health endpoint')
  const method = text(get, Inputs.HealthMethod).toUpperCase()
  if (method !== 'GET' && method !== 'HEAD')
    throw new InputError(`health-method '${text(get, Inputs.HealthMethod)}' must be GET or HEAD`)

  const promUrl = optional(get, Inputs.PrometheusUrl)
  const ssh = sshSettings(get)
  const rollbackTarget = optional(get, Inputs.RollbackTarget)
  if (rollbackTarget && !SAFE_ARG.test(rollbackTarget))
    throw new InputError(
      `rollback-target '${rollbackTarget}' has characters that are not allowed: letters, digits and . _ - : only`
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
  const vars = env.vars

  const settings: Settings = {
    watchDurationMs,
    probeIntervalMs,
    deployedAt: deployedAt(get, env.now),
    environment,
    policyFile,
    policy,
    health: {
      url: httpUrl(Inputs.HealthUrl, healthRaw),
      method,
      headers: healthHeaders
    },
    expectedVersion: optional(get, Inputs.ExpectedVersion),
    prometheus: promUrl
      ? {
          url: httpUrl(Inputs.PrometheusUrl, promUrl),
          headers: promHeaders,
          errorRateQuery: text(get, Inputs.ErrorRateQuery),
          latencyQuery: text(get, Inputs.LatencyQuery),
          requestRateQuery: text(get, Inputs.RequestRateQuery)
        }
      : undefined,
    network: { caCertificates: caCertificates(get, env, resolve) },
    failOnInconclusive: bool(get, Inputs.FailOnInconclusive),
    failOnRollback: bool(get, Inputs.FailOnRollback),
    dryRun: bool(get, Inputs.DryRun),
    ssh,
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
      issueOnWarning: bool(get, Inputs.IssueOnWarning)
    },
    run: {
      runId: vars.GITHUB_RUN_ID ?? '',
      runAttempt: vars.GITHUB_RUN_ATTEMPT ?? '1',
      sha: vars.GITHUB_SHA ?? '',
      workflow: vars.GITHUB_WORKFLOW ?? '',
      tempDir: vars.RUNNER_TEMP || vars.TMPDIR || '/tmp'
    },
    secrets: []
  }
  settings.secrets = [
    ...(ssh ? [ssh.privateKey.trim()] : []),
    ...Object.values(healthHeaders),
    ...Object.values(promHeaders),
    ...(token ? [token] : [])
  ].filter((s) => s.length >= 4)
  return settings
}
