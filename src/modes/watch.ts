// mode: watch — the step after a deploy. Samples come from live probes on the runbook's schedule;
// decide() judges them; the response runs on the host; the report tells people.
import * as core from '@actions/core'
import { runFleetHostChecks, runHostChecks } from '../act/host-checks.js'
import type { AccountInfo, GitHub } from '../adapters/github.js'
import { preflightContext, preflightFleet, type HostPreflight } from '../act/preflight.js'
import { probeMetrics } from '../act/metrics-preflight.js'
import type { MetricsSource } from '../adapters/ports.js'
import { metricsPassedLine, metricsPreflightFindings } from '../runbook/metrics-preflight.js'
import { PROVIDER_LABEL } from '../settings/metrics.js'
import { percent, plural, seconds } from '../runbook/format.js'
import {
  annotationLevel,
  passedLine,
  preflightFailure,
  type PreflightFinding,
  type PreflightMode
} from '../runbook/preflight.js'
import { pendingAfterRun } from '../runbook/pending.js'
import type { Verdict } from '../runbook/types.js'
import { failureMessage } from '../runbook/outcome.js'
import { watchOutputs } from '../report/outputs.js'
import type { RemoteStep, RunRecord } from '../runbook/record.js'
import { learnSelf } from '../report/incident-state.js'
import { findOwnRollback, type OwnRollback } from '../report/issue.js'
import { publish } from '../report/publish.js'
import { respond, restart } from '../act/respond.js'
import { measureBaseline, queriesOf } from '../sampling/probe.js'
import { configuredHostChecks } from '../settings/policy.js'
import { waitForVersion, watch, type ActionMemory, type WatchDeps } from '../sampling/loop.js'
import { notifyIncident } from './notify.js'
import { verifier } from '../sampling/verify.js'
import type { ModeContext } from './contract.js'

/**
 * The preflight at the start of the watch: on every host, over its pinned connection, the
 * connection and (unless `preflight: off`) the rollback path (act/preflight.ts). Each finding is
 * an annotation at once; a host that passes gets one line. The watch runs either way.
 */
async function preflight(ctx: ModeContext): Promise<PreflightFinding[]> {
  const { settings, fleet, log, cancel, adapters } = ctx
  const ssh = settings.ssh
  if (fleet.length === 0 || !ssh) return []
  const mode = settings.preflight ?? 'off'
  const results = await preflightFleet(
    fleet,
    { ...settings, appDir: ssh.appDir, preflight: mode },
    { signal: cancel.signal, now: () => adapters.clock.now() }
  )
  const hosts = ssh.hosts ?? []
  const findings: PreflightFinding[] = []
  results.forEach((r, i) => {
    const c = r.raw.connection
    const label = fleet[i].label
    if (mode === 'off') {
      if (c.sshFailure || c.exitCode !== 0) {
        const h = hosts[i] ?? { host: ssh.host, port: ssh.port }
        log.warning(
          `SSH preflight to ${ssh.user}@${h.host}:${h.port} failed (${c.sshFailure ?? `exit ${c.exitCode}`}): watching anyway; a rollback${fleet.length > 1 ? ` on ${label}` : ''} would fail the same way`
        )
      }
      return
    }
    annotate(mode, r.findings)
    findings.push(...r.findings)
  })
  const sharing = (r: HostPreflight) =>
    r.shared
      ? 'later commands share one connection'
      : 'the shared connection did not come up: each command connects on its own'
  const ctxAt = preflightContext(
    { ...settings, appDir: ssh.appDir, preflight: mode },
    adapters.clock.now()
  )
  if (fleet.length === 1) {
    const r = results[0]
    if (r.raw.connection.exitCode !== 0) return findings
    const checked = mode === 'off' ? '' : `; checked ${passedLine(r.raw, ctxAt)}`
    const verdict = r.findings.length === 0 ? 'ok' : `ok, ${plural(r.findings.length, 'finding')}`
    log.info(
      `SSH preflight to ${ssh.host}: ${verdict} (${r.connectMs} ms); ${sharing(r)}${checked}`
    )
    return findings
  }
  const connected = results.filter((r) => r.raw.connection.exitCode === 0).length
  const clean = results.filter((r) => r.raw.connection.exitCode === 0 && r.findings.length === 0)
  const shared = results.filter((r) => r.shared).length
  log.info(
    `SSH preflight: ${connected} of ${fleet.length} hosts ok${ssh.jump ? ` through ${ssh.jump.host}` : ''}; ` +
      `${shared} share one connection each (canary ${fleet[0].label})` +
      (mode === 'off'
        ? ''
        : `; ${clean.length} of ${fleet.length} ready (checked ${passedLine(results[0].raw, ctxAt)} on each)`)
  )
  return findings
}

/** Each finding as an annotation, at once: the watch goes on. */
function annotate(mode: PreflightMode, findings: readonly PreflightFinding[]): void {
  for (const f of findings) {
    const title = `preflight: ${f.title}`
    if (annotationLevel(mode, f) === 'error') core.error(f.message, { title })
    else core.warning(f.message, { title })
  }
}

/**
 * The metric provider's preflight (unless `preflight: off`): one instant reading of each
 * configured query now. Findings are annotated at once and fail the step at the end under
 * `preflight: fail`, as the host's do; the watch runs either way and its readings stay unknown
 * (never a breach) for as long as the fault lasts.
 */
async function metricsPreflight(
  ctx: ModeContext,
  metrics: MetricsSource | undefined
): Promise<PreflightFinding[]> {
  const { settings, log, cancel, adapters } = ctx
  const mode = settings.preflight ?? 'off'
  const queries = queriesOf(settings)
  if (mode === 'off' || !metrics || !queries || !settings.metrics) return []
  const provider = PROVIDER_LABEL[settings.metrics.provider]
  const t0 = adapters.clock.now()
  const probes = await probeMetrics(metrics, queries, t0, cancel.signal)
  const findings = metricsPreflightFindings(probes, provider)
  annotate(mode, findings)
  if (findings.length === 0 && !cancel.signal.aborted)
    log.info(`${metricsPassedLine(probes, provider.label)} in ${adapters.clock.now() - t0} ms`)
  return findings
}

/** Host checks on the one host, or on every host of a fleet; the first cycle's time is logged. */
function hostChecksOf(ctx: ModeContext): WatchDeps['hostChecks'] {
  const { settings, fleet, log, adapters } = ctx
  if (fleet.length === 0 || configuredHostChecks(settings.policy).length === 0) return undefined
  if (fleet.length === 1)
    return (signal) => runHostChecks(fleet[0].remote, settings.policy, { signal })
  let timed = false
  return async (signal) => {
    const t0 = adapters.clock.now()
    const readings = await runFleetHostChecks(fleet, settings.policy, { signal })
    if (!timed) {
      timed = true
      log.info(
        `host checks on ${fleet.length} hosts, ${settings.policy.hostChecks.maxParallel} at once: ` +
          `one cycle took ${((adapters.clock.now() - t0) / 1000).toFixed(2)} s`
      )
    }
    return readings
  }
}

/** Whether this workflow run already rolled back (a re-run): checked before rolling back again. */
async function priorRollback(
  ctx: ModeContext,
  github: GitHub | undefined,
  self: AccountInfo | undefined,
  final: Verdict
): Promise<OwnRollback | undefined> {
  const { settings, log } = ctx
  if (final.decision !== 'rollback' || ctx.cancel.signal.aborted || !settings.run.runId) return
  if (!github || !self) return
  try {
    const prior = await findOwnRollback(github, self, settings.environment, settings.run.runId)
    if (prior)
      log.info(
        `incident #${prior.number} shows this workflow run already rolled back (Level ${prior.level})`
      )
    return prior
  } catch (e) {
    log.warning(`could not check for an earlier attempt's rollback: ${(e as Error).message}`)
    return undefined
  }
}

export async function watchMode(ctx: ModeContext): Promise<void> {
  const { settings, adapters, remote, cancel, log } = ctx
  const { clock } = adapters
  const metrics = adapters.metrics(settings)
  const preflightFound = [...(await preflight(ctx)), ...(await metricsPreflight(ctx, metrics))]
  const responseDeps = {
    settings,
    remote,
    fleet: ctx.fleet,
    ...(ctx.engine ? { engine: ctx.engine } : {}),
    clock,
    log,
    cancel
  }
  const steps: RemoteStep[] = []
  const deps: WatchDeps = {
    clock,
    health: adapters.healthProbe(settings),
    metrics,
    hostChecks: hostChecksOf(ctx),
    logger: log,
    signal: cancel.signal,
    restart: async () => void steps.push(...(await restart(responseDeps)))
  }
  const memory: ActionMemory = { restartsTried: [], failedLevels: [] }
  const startedAt = clock.now()

  core.startGroup('watch')
  let watched: Pick<RunRecord, 'samples' | 'verdicts'> = { samples: [], verdicts: [] }
  const version = await waitForVersion(settings, deps)
  const baseline = version.verdict
    ? undefined
    : await measureBaseline(metrics, queriesOf(settings), settings.deployedAt, cancel.signal)
  if (baseline)
    log.info(
      `pre-deploy baseline (deployed-at - 1m): error rate ${baseline.errorRate === null ? 'unknown' : percent(baseline.errorRate)}, p95 ${baseline.p95 === null ? 'unknown' : seconds(baseline.p95)}`
    )
  let final: Verdict
  if (version.verdict) {
    final = version.verdict
    log.warning(final.reason)
  } else {
    const result = await watch(settings, deps, {
      durationMs: settings.watchDurationMs,
      phase: 'watch',
      baseline,
      memory,
      judge: true
    })
    final = result.final
    watched = result
  }
  core.endGroup()
  log.info(`verdict: ${final.decision} (${final.rule}, ${final.severity}): ${final.reason}`)

  const verify = verifier(settings, deps, memory, log)
  const github = adapters.github(settings, log)
  // Asked only when the run may read or write the incident (a healthy watch costs no request).
  const touchesIssue = ['rollback', 'isolate', 'manual', 'warn'].includes(final.decision)
  const self =
    github && touchesIssue && !settings.dryRun
      ? await learnSelf(github, (line) => log.warning(line))
      : undefined
  const prior = await priorRollback(ctx, github, self, final)
  const response = await respond(final, prior, { ...responseDeps, verify })
  steps.push(...response.steps)

  const record: RunRecord = {
    environment: settings.environment,
    startedAt,
    endedAt: clock.now(),
    deployedAt: settings.deployedAt,
    samples: watched.samples,
    verdicts: watched.verdicts,
    final,
    baseline,
    breachFirstSeenAt: final.evidence[0]?.at,
    firedRule: final.rule,
    steps,
    rollback: response.rollback,
    notes: ctx.notes,
    ...(preflightFound.length ? { preflight: preflightFound } : {}),
    dryRun: settings.dryRun,
    cancelled: cancel.signal.aborted,
    pending: pendingAfterRun({
      decision: final.decision,
      severity: final.severity,
      rule: final.rule,
      rollbackStatus: response.rollback.status,
      rollbackLevel: response.rollback.level,
      target: response.rollback.target,
      backupMaxAgeMs: settings.policy.rollback.backupMaxAgeMs,
      dryRun: settings.dryRun
    })
  }

  core.startGroup('report')
  const published = await publish(settings, record, { github, self, log })
  await notifyIncident(adapters.webhook(settings, log), settings, record, published.issue, log)
  core.endGroup()

  ctx.setOutputs(watchOutputs(record, published))
  // The preflight fails the step after the report, whatever production did.
  const failure = [
    failureMessage(settings, record, published.issue),
    preflightFailure(settings.preflight ?? 'off', preflightFound)
  ]
    .filter(Boolean)
    .join('; ')
  if (failure) core.setFailed(failure)
  else if (final.decision === 'warn' || final.decision === 'pre-existing') log.warning(final.reason)
}
