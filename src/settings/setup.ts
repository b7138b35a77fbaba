// Setup phase: inputs read once into Settings (through @actions/core, the runner protocol),
// secrets masked, the effective policy printed, and what the setup cannot do said up front.
import * as core from '@actions/core'
import { createHmac } from 'node:crypto'
import * as fs from 'node:fs'
import { DEFAULTS, Inputs } from './names.js'
import { formatDuration } from '../lib/duration.js'
import { redactUrl } from '../lib/urls.js'
import { validateTemplate } from './template.js'
import { parseInputs } from './inputs.js'
import { configuredHostChecks } from './policy.js'
import { parseCloudWatchQuery } from './cloudwatch.js'
import type { Settings } from './types.js'

/**
 * A hashed known_hosts entry (`|1|<base64 salt>|<base64 HMAC-SHA1(salt, name)>`, what
 * `ssh-keyscan -H` and HashKnownHosts write) is this name: OpenSSH's own test (hostfile.c).
 */
export function hashedKnownHost(entry: string, name: string): boolean {
  const m = /^\|1\|([A-Za-z0-9+/=]+)\|([A-Za-z0-9+/=]+)$/.exec(entry)
  if (!m) return false
  const mac = createHmac('sha1', Buffer.from(m[1], 'base64')).update(name).digest('base64')
  return mac === m[2]
}

export function readSettings(now: number, vars: Record<string, string | undefined>): Settings {
  return parseInputs((name) => core.getInput(name), {
    now,
    workspace: vars.GITHUB_WORKSPACE || process.cwd(),
    readFile: (file) => fs.readFileSync(file, 'utf8'),
    fileExists: (file) => fs.existsSync(file),
    vars,
    validateTemplate: (text, file) => void validateTemplate(text, file),
    getBoolean: (name) => core.getBooleanInput(name),
    hashedKnownHost
  })
}

export function maskSecrets(settings: Settings): void {
  for (const secret of settings.secrets) {
    core.setSecret(secret)
    // A multi-line secret (the key) is masked line by line too: the runner masks per line.
    for (const line of secret.split(/\r?\n/))
      if (line.trim().length >= 8) core.setSecret(line.trim())
  }
}

/** What the setup says once: a warning annotation, or a line in the log. */
export interface SetupNote {
  text: string
  warning: boolean
}

export function describeSetup(settings: Settings): SetupNote[] {
  const notes: SetupNote[] = []
  const info = (text: string): void => void notes.push({ text, warning: false })
  const warn = (text: string): void => void notes.push({ text, warning: true })
  if (!settings.metrics)
    info('no metric provider (prometheus-url): only the health rules (and host checks) apply')
  if (settings.replay) replayNotes(settings).forEach(info)
  else if (!settings.ssh) {
    info(
      'no ssh-host: the action can only watch and report; a breach ends with "rollback needed, no host configured"'
    )
    if (configuredHostChecks(settings.policy).length > 0)
      warn('host-checks are set in the policy but there is no ssh-host: they do not run')
  }
  const q = settings.metrics?.queries
  if (q && !q.fastErrorRate && q.errorRate !== DEFAULTS[Inputs.ErrorRateQuery])
    info(
      'error-rate-query is custom and error-rate-fast-query is not set (or off): error-rate-critical reads error-rate-query alone (set error-rate-fast-query to an irate form of your query for the fast path)'
    )
  const hosts = settings.ssh?.hosts ?? []
  if (hosts.length > 1)
    info(
      `a fleet of ${hosts.length} hosts: the canary ${hosts[0].label} runs each level alone, then the others ${settings.policy.rollback.maxParallel} at once; host checks on every host, ${settings.policy.hostChecks.maxParallel} at once`
    )
  if (settings.ssh?.jump)
    info(
      `every SSH connection goes through the jump host ${settings.ssh.jump.user ?? settings.ssh.user}@${settings.ssh.jump.host}:${settings.ssh.jump.port}`
    )
  if (settings.ssh?.insecureSkipHostKeyCheck)
    warn(
      'ssh-insecure-skip-host-key-check is true: the deploy host is NOT verified (anyone in the path could answer)'
    )
  if (settings.dryRun) info('dry run: no restart, stop, isolate, evidence or rollback command runs')
  const extraCas = settings.network?.caCertificates?.match(/-----BEGIN CERTIFICATE-----/g)
  if (extraCas)
    info(
      `ca-certificate: ${extraCas.length} CA certificate(s) trusted by the health probe and the metric provider, in addition to the default roots`
    )
  // A window longer than the watch can never complete: say so now, not at 3 a.m.
  if (settings.metrics) {
    const p = settings.policy
    const windows: [string, number][] = [
      ['error-rate.high-window', p.errorRate.highWindowMs],
      ['latency.severe-window', p.latency.severeWindowMs],
      ['error-rate.elevated-window', p.errorRate.elevatedWindowMs],
      ['latency.degraded-window', p.latency.degradedWindowMs]
    ]
    const longer = windows.filter(([, ms]) => ms > settings.watchDurationMs)
    if (longer.length)
      warn(
        `watch-duration ${formatDuration(settings.watchDurationMs)} is shorter than ${longer
          .map(([k, ms]) => `${k} ${formatDuration(ms)}`)
          .join(
            ', '
          )}: a breach of those rules that starts in the watch ends it as a warning (P2 windows are seen through, by at most one window), not a rollback`
      )
  }
  const lag = settings.datadog?.lagMs ?? 0
  if (lag > 0 && settings.policy.rollback.verifyMs <= 2 * lag)
    warn(
      `rollback.verify ${formatDuration(settings.policy.rollback.verifyMs)} is not much longer than datadog-lag ${formatDuration(lag)}: the check after a rollback reads buckets from before it and may escalate a rollback that worked; make rollback.verify longer than the lag plus the rollup`
    )
  const cwNote = cloudWatchVerifyNote(settings)
  if (cwNote) warn(cwNote)
  if ((!settings.github.token || !settings.github.owner) && !settings.replay)
    info('no github-token or GITHUB_REPOSITORY: no incident issue; the summary carries the report')
  return notes
}

/**
 * CloudWatch's readings trail by cloudwatch-lag plus a period (a reading at t is the newest
 * period that ended by t − lag). The check after a rollback, rollback.verify later, must read a
 * period that began after the rollback, or it judges the errors from before it and may escalate
 * a rollback that worked. The longest period of the queries counts (each query's own).
 */
export function cloudWatchVerifyNote(settings: Settings): string | undefined {
  const cw = settings.cloudwatch
  const q = settings.metrics?.queries
  if (!cw || !q || settings.replay) return undefined
  let period = { s: 0, input: '' }
  for (const [input, query] of [
    [Inputs.ErrorRateQuery, q.errorRate],
    [Inputs.ErrorRateFastQuery, q.fastErrorRate],
    [Inputs.LatencyQuery, q.latency],
    [Inputs.RequestRateQuery, q.requestRate]
  ] as const) {
    if (query === undefined) continue
    const { periodS } = parseCloudWatchQuery(input, query)
    if (periodS > period.s) period = { s: periodS, input }
  }
  const delayMs = cw.lagMs + period.s * 1000
  const verifyMs = settings.policy.rollback.verifyMs
  if (verifyMs >= delayMs) return undefined
  const d = formatDuration
  return `rollback.verify ${d(verifyMs)} is shorter than CloudWatch's delay ${d(delayMs)} (cloudwatch-lag ${d(cw.lagMs)} + the ${period.s} s period of ${period.input}): the check after a rollback reads periods from before it and may escalate a rollback that worked; set rollback.verify in the policy to at least ${d(delayMs)}, or lower cloudwatch-lag or the queries' Period`
}

/**
 * Where the CloudWatch client sends its requests, for the setup's route line: cloudwatch-endpoint,
 * else the regional endpoint (the region the SDK reads: cloudwatch-region, else AWS_REGION).
 */
export function cloudWatchEndpoint(
  settings: Settings,
  env: Record<string, string | undefined>
): string | undefined {
  const cw = settings.cloudwatch
  if (!cw) return undefined
  if (cw.endpoint) return cw.endpoint
  const region = cw.region ?? env.AWS_REGION?.trim()
  if (!region) return undefined
  return `https://monitoring.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`
}

/** What a replay does not do, said once. */
function replayNotes(settings: Settings): string[] {
  const replay = settings.replay
  if (!replay) return []
  return [
    replay.healthQuery
      ? 'replay: health is read from replay-health-query (1 up, 0 down); host checks are off (no history)'
      : 'replay: health and host checks are off (they have no history; replay-health-query can stand in for health)',
    'replay: nothing runs on a host and no issue is opened or commented, whatever the policy says'
  ]
}

export function printPolicy(settings: Settings): void {
  const p = settings.policy
  const d = formatDuration
  const deployed = settings.replay
    ? 'replaying past deploys'
    : `deployed at ${new Date(settings.deployedAt).toISOString()}`
  // A command acts on the incident's own deploy (its marker), not on this step's inputs.
  core.info(
    settings.mode === 'command'
      ? `mode command: commands on the open incident of environment '${settings.environment}'`
      : `mode ${settings.mode}: watch ${d(settings.watchDurationMs)} every ${d(settings.probeIntervalMs)}, ${deployed}, environment '${settings.environment}'`
  )
  if (settings.health.url)
    core.info(
      `health ${settings.health.method} ${redactUrl(settings.health.url).shown}: timeout ${d(p.health.timeoutMs)}, slow > ${d(p.health.slowMs)}, down confirmed by ${p.health.confirm} re-probe(s) ${d(p.health.confirmIntervalMs)} apart`
    )
  core.info(
    `error rate: critical > ${p.errorRate.critical}, high > ${p.errorRate.high} for ${d(p.errorRate.highWindowMs)}, elevated > ${p.errorRate.elevated} for ${d(p.errorRate.elevatedWindowMs)}, min-requests ${p.errorRate.minRequests}/s`
  )
  core.info(
    `latency p95: severe > ${p.latency.severe}s for ${d(p.latency.severeWindowMs)}, degraded > ${p.latency.degraded}s for ${d(p.latency.degradedWindowMs)}`
  )
  core.info(
    `service down: restart before ${d(p.down.restartBeforeMs)}, Level 2 after ${d(p.down.level2AfterMs)}; on-stable ${p.onStable}; unknown-limit ${p.unknownLimit}; trend-tolerance ${p.trendTolerance}`
  )
  core.info(
    `rollback: max level ${p.rollback.maxLevel}, limits L1 ${d(p.rollback.timeoutsMs[1])} / L2 ${d(p.rollback.timeoutsMs[2])} / L3 ${d(p.rollback.timeoutsMs[3])}, verify ${d(p.rollback.verifyMs)}, backup-max-age ${d(p.rollback.backupMaxAgeMs)}`
  )
  const checks = configuredHostChecks(p)
  core.info(
    `host checks: ${checks.length ? checks.join(', ') + ` every ${p.hostChecks.every} cycle(s)` : 'none'}`
  )
  if (settings.metrics) {
    const q = settings.metrics.queries
    core.info(`metrics-provider: ${settings.metrics.provider}`)
    if (settings.datadog)
      core.info(
        `datadog: ${redactUrl(settings.datadog.apiUrl).shown}, a reading is the newest bucket that ended ${d(settings.datadog.lagMs)} (datadog-lag) before the probe`
      )
    if (settings.cloudwatch)
      core.info(
        `cloudwatch: region ${settings.cloudwatch.region ?? '(AWS_REGION)'}${settings.cloudwatch.endpoint ? `, endpoint ${redactUrl(settings.cloudwatch.endpoint).shown}` : ''}, a reading is the newest period that ended ${d(settings.cloudwatch.lagMs)} (cloudwatch-lag) before the probe`
      )
    core.info(`error-rate-query: ${q?.errorRate}`)
    core.info(`latency-query: ${q?.latency}`)
    core.info(`request-rate-query: ${q?.requestRate}`)
    core.info(`error-rate-fast-query: ${q?.fastErrorRate ?? 'off'}`)
  }
}
