// mode: watch — the step after a deploy. Samples come from live probes on the core's schedule;
// decide() judges them; the response runs on the host; the report tells people.
import * as core from '@actions/core'
import { runHostChecks } from '../act/host-checks.js'
import type { Adapters } from '../adapters/all.js'
import type { GitHub } from '../adapters/github.js'
import type { HostConnection, Logger } from '../adapters/ports.js'
import type { Cancellation } from '../cancellation.js'
import { percent, seconds } from '../core/format.js'
import { pendingAfterRun } from '../core/pending.js'
import type { Verdict } from '../core/types.js'
import { failureMessage, watchOutputs } from '../exit-status.js'
import type { RemoteStep, RunRecord } from '../record.js'
import { findOwnRollback, type OwnRollback } from '../report/issue.js'
import { publish } from '../report/publish.js'
import { respond, restart } from '../respond.js'
import { measureBaseline, queriesOf } from '../samples.js'
import { configuredHostChecks } from '../settings/policy.js'
import type { Settings } from '../settings/types.js'
import { waitForVersion, watch, type ActionMemory, type WatchDeps } from '../watch.js'
import { notifyIncident } from './notify.js'
import { verifier } from './verify.js'

export interface ModeContext {
  settings: Settings
  adapters: Adapters
  remote: HostConnection | undefined
  cancel: Cancellation
  log: Logger
  /** What the setup could not do, said once (the summary's notes). */
  notes: string[]
  setOutputs(outputs: Record<string, string>): void
}

/** Checks the connection once, after every input was validated: a failure warns, never stops. */
async function preflight(ctx: ModeContext): Promise<void> {
  const { settings, remote, log, cancel } = ctx
  if (!remote || !settings.ssh) return
  const pre = await remote.run('true', [], { timeoutMs: 15_000, signal: cancel.signal })
  if (pre.sshFailure || pre.exitCode !== 0) {
    log.warning(
      `SSH preflight to ${settings.ssh.user}@${settings.ssh.host}:${settings.ssh.port} failed (${pre.sshFailure ?? `exit ${pre.exitCode}`}): watching anyway; a rollback would fail the same way`
    )
    return
  }
  // The preflight started the shared connection; the host checks will use it.
  const shared = await remote.sharedConnection()
  log.info(
    `SSH preflight to ${settings.ssh.host}: ok (${pre.durationMs} ms); ` +
      (shared
        ? 'later commands share one connection'
        : 'the shared connection did not come up: each command connects on its own')
  )
}

/** Whether this workflow run already rolled back (a re-run): checked before rolling back again. */
async function priorRollback(
  ctx: ModeContext,
  github: GitHub | undefined,
  final: Verdict
): Promise<OwnRollback | undefined> {
  const { settings, log } = ctx
  if (final.decision !== 'rollback' || ctx.cancel.signal.aborted || !settings.run.runId) return
  if (!github) return
  try {
    const prior = await findOwnRollback(github, settings.environment, settings.run.runId)
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

  const metrics = adapters.prometheus(settings)
  const checksOn = remote !== undefined && configuredHostChecks(settings.policy).length > 0
  const responseDeps = { settings, remote, clock, log, cancel }
  const steps: RemoteStep[] = []
  const deps: WatchDeps = {
    clock,
    health: adapters.healthProbe(settings),
    metrics,
    hostChecks: checksOn
      ? (signal) => runHostChecks(remote, settings.policy, { signal })
      : undefined,
    logger: log,
    signal: cancel.signal,
    restart: async () => void steps.push(await restart(responseDeps))
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
  const prior = await priorRollback(ctx, github, final)
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
  const published = await publish(settings, record, { github, log })
  await notifyIncident(adapters.webhook(settings, log), settings, record, published.issue, log)
  core.endGroup()

  ctx.setOutputs(watchOutputs(record, published))
  const failure = failureMessage(settings, record, published.issue)
  if (failure) core.setFailed(failure)
  else if (final.decision === 'warn' || final.decision === 'pre-existing') log.warning(final.reason)
}
