// mode: watch — the step after a deploy. Samples come from live probes on the runbook's schedule;
// decide() judges them; the response runs on the host; the report tells people.
import * as core from '@actions/core'
import { runFleetHostChecks, runHostChecks } from '../act/host-checks.js'
import { inPool } from '../act/pool.js'
import type { AccountInfo, GitHub } from '../adapters/github.js'
import type { HostConnection, RemoteResult } from '../adapters/ports.js'
import { percent, seconds } from '../runbook/format.js'
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
 * One host's preflight: its shared connection first (so that the run logs in once per host),
 * then `true` over it. A host whose master cannot come up still gets the command on its own,
 * which says why.
 */
async function preflightHost(
  remote: HostConnection,
  signal: AbortSignal
): Promise<{ pre: RemoteResult; shared: boolean }> {
  await remote.sharedConnection()
  const pre = await remote.run('true', [], { timeoutMs: 15_000, signal })
  const ok = !pre.sshFailure && pre.exitCode === 0
  return { pre, shared: ok && (await remote.sharedConnection()) }
}

/** Checks the connection once, after every input was validated: a failure warns, never stops. */
async function preflight(ctx: ModeContext): Promise<void> {
  const { settings, fleet, log, cancel } = ctx
  const ssh = settings.ssh
  if (fleet.length === 0 || !ssh) return
  const failed = (label: string, hostPort: string, pre: RemoteResult) =>
    log.warning(
      `SSH preflight to ${ssh.user}@${hostPort} failed (${pre.sshFailure ?? `exit ${pre.exitCode}`}): watching anyway; a rollback${fleet.length > 1 ? ` on ${label}` : ''} would fail the same way`
    )
  if (fleet.length === 1) {
    const { pre, shared } = await preflightHost(fleet[0].remote, cancel.signal)
    if (pre.sshFailure || pre.exitCode !== 0)
      return failed(ssh.host, `${ssh.host}:${ssh.port}`, pre)
    log.info(
      `SSH preflight to ${ssh.host}: ok (${pre.durationMs} ms); ` +
        (shared
          ? 'later commands share one connection'
          : 'the shared connection did not come up: each command connects on its own')
    )
    return
  }
  // At most host-checks.max-parallel logins at once: a bastion's MaxStartups drops a burst.
  const hosts = ssh.hosts ?? []
  const results = await inPool(fleet, settings.policy.hostChecks.maxParallel, (m) =>
    preflightHost(m.remote, cancel.signal)
  )
  results.forEach(({ pre }, i) => {
    const h = hosts[i]
    if (pre.sshFailure || pre.exitCode !== 0)
      failed(fleet[i].label, h ? `${h.host}:${h.port}` : fleet[i].label, pre)
  })
  const ok = results.filter(({ pre }) => !pre.sshFailure && pre.exitCode === 0).length
  const shared = results.filter((r) => r.shared).length
  log.info(
    `SSH preflight: ${ok} of ${fleet.length} hosts ok${ssh.jump ? ` through ${ssh.jump.host}` : ''}; ` +
      `${shared} share one connection each (canary ${fleet[0].label})`
  )
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
  await preflight(ctx)

  const metrics = adapters.metrics(settings)
  const responseDeps = { settings, remote, fleet: ctx.fleet, clock, log, cancel }
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
  const failure = failureMessage(settings, record, published.issue)
  if (failure) core.setFailed(failure)
  else if (final.decision === 'warn' || final.decision === 'pre-existing') log.warning(final.reason)
}
