// Wiring only: inputs → settings → adapters → watch → act → report → outputs and exit status.
// One direction of flow; every decision is made by src/core, every effect by an adapter.
import { Outputs } from './constants.js'
import { formatDuration } from './core/duration.js'
import { judgeRecovery } from './core/recovery.js'
import type { RollbackLevel, Verdict } from './core/types.js'
import { systemClock } from './adapters/clock.js'
import * as core from './adapters/runner.js'
import { createHealthProbe } from './adapters/health.js'
import type { NetworkOptions } from './adapters/http.js'
import type { Logger } from './adapters/ports.js'
import { createPrometheus } from './adapters/prometheus.js'
import { describeRoute } from './adapters/proxy-env.js'
import { createSshRemote, disposeSync, type SshRemote } from './adapters/ssh.js'
import { runHostChecks } from './act/host-checks.js'
import type { VerifyResult } from './act/rollback.js'
import type { RemoteStep, RollbackOutcome, RunRecord } from './record.js'
import { failureMessage } from './outcome.js'
import { describeSetup, isWarning, maskSecrets, printPolicy, readSettings } from './setup.js'
import { InputError } from './settings/inputs.js'
import type { Settings } from './settings/types.js'
import {
  measureBaseline,
  waitForVersion,
  watch,
  type ActionMemory,
  type WatchDeps
} from './watch.js'

// What only a breach or the report needs is loaded lazily (ncc chunks beside dist/index.js):
// a healthy watch starts faster and the main bundle stays small.
const loadAct = () => import('./act/rollback.js')
const loadReport = () => import('./report/run-report.js')

const log: Logger = {
  info: (line) => core.info(line),
  warning: (line) => core.warning(line),
  error: (line) => core.error(line)
}

const NOT_NEEDED: RollbackOutcome = {
  status: 'not-needed',
  attempts: [],
  verificationSamples: [],
  reason: 'no rollback needed'
}

/** Sets outputs; a broken GITHUB_OUTPUT (a misconfigured runner) must not hide the verdict. */
function setOutputs(outputs: Record<string, string>): void {
  try {
    for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value)
  } catch (e) {
    core.warning(`could not set the step outputs: ${(e as Error).message}`)
  }
}

export async function run(): Promise<void> {
  // Cancellation in two stages. The first signal stops the watch and starts nothing new; a
  // command already running on the host for a restart, rollback or the security path is let
  // finish (a half-run rollback is the worst state to leave production in). A second signal
  // (GitHub's runner sends SIGINT, then SIGTERM 7.5 s later) kills that command too.
  let remote: SshRemote | undefined
  const controller = new AbortController()
  const stopNow = new AbortController()
  let acting: string | undefined
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!controller.signal.aborted && acting) {
      core.warning(
        `${signal} received during ${acting}: letting the command in flight on the host finish; ` +
          'nothing new starts (a second signal stops it)'
      )
      controller.abort()
      // The key stays until that command ends (it may still be connecting): then actOnHost
      // disposes of the remote; a second signal or the exit hook would remove it sooner.
      remote?.refuseNewCommands()
      return
    }
    // The key must not outlive a cancelled step, even if the runner kills us next.
    core.warning(
      controller.signal.aborted
        ? `${signal} received again: stopping the command on the host`
        : `${signal} received: stopping the watch`
    )
    controller.abort()
    stopNow.abort()
    disposeSync()
  }
  /** Runs an action on the host that a first cancel lets finish. */
  const actOnHost = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    acting = what
    try {
      return await fn()
    } finally {
      acting = undefined
      // Cancelled while it ran: the key goes now, not after the report.
      if (controller.signal.aborted) await remote?.dispose()
    }
  }
  process.on('SIGTERM', onSignal)
  process.on('SIGINT', onSignal)
  try {
    let settings: Settings
    try {
      settings = readSettings()
    } catch (e) {
      if (e instanceof InputError || (e as Error).name === 'PolicyError') {
        core.setFailed(`bad input: ${(e as Error).message}`)
        setOutputs({ [Outputs.Decision]: 'bad-input' })
        return
      }
      throw e
    }
    maskSecrets(settings)
    const notes = describeSetup(settings)
    core.startGroup('setup: effective policy')
    printPolicy(settings)
    core.endGroup()
    for (const note of notes) (isWarning(note) ? core.warning : core.info)(note)

    const clock = systemClock
    const signal = controller.signal
    const stopSignal = stopNow.signal
    if (settings.ssh) {
      remote = await createSshRemote(settings.ssh, { tempDir: settings.run.tempDir, logger: log })
      const pre = await remote.run('true', [], { timeoutMs: 15_000, signal })
      if (pre.sshFailure || pre.exitCode !== 0)
        core.warning(
          `SSH preflight to ${settings.ssh.user}@${settings.ssh.host}:${settings.ssh.port} failed (${pre.sshFailure ?? `exit ${pre.exitCode}`}): watching anyway; a rollback would fail the same way`
        )
      else {
        // The preflight started the shared connection; the host checks will use it.
        const shared = await remote.sharedConnection()
        core.info(
          `SSH preflight to ${settings.ssh.host}: ok (${pre.durationMs} ms); ` +
            (shared
              ? 'later commands share one connection'
              : 'the shared connection did not come up: each command connects on its own')
        )
      }
    }

    // The probes read the runner's proxy variables, as Octokit does for the GitHub API.
    const network: NetworkOptions = {
      caCertificates: settings.network?.caCertificates,
      env: process.env
    }
    core.info(`health-url: ${describeRoute(settings.health.url, process.env)}`)
    if (settings.prometheus)
      core.info(`prometheus-url: ${describeRoute(settings.prometheus.url, process.env)}`)
    const metrics = settings.prometheus
      ? createPrometheus(settings.prometheus, {
          timeoutMs: settings.policy.health.timeoutMs,
          network
        })
      : undefined
    const hostChecksOn = Object.entries(settings.policy.hostChecks).some(
      ([k, v]) => k !== 'every' && k !== 'timeoutMs' && typeof v === 'string' && v !== ''
    )
    let cycle = 0
    let lastHost: Awaited<ReturnType<typeof runHostChecks>> | undefined
    const steps: RemoteStep[] = []
    const deps: WatchDeps = {
      clock,
      health: createHealthProbe(settings.health, settings.policy, { sleep: clock.sleep }, network),
      metrics,
      hostChecks:
        hostChecksOn && remote
          ? async (sig) => {
              // host-checks.every: run them every Nth cycle, carry the last readings in between.
              const k = cycle++
              if (lastHost && k % settings.policy.hostChecks.every !== 0) return lastHost
              lastHost = await runHostChecks(remote, settings.policy, { signal: sig })
              return lastHost
            }
          : undefined,
      logger: log,
      signal,
      restart: async () => {
        core.info('restart-first (runbook): running restart-command, then re-probing')
        const { runRestart } = await loadAct()
        steps.push(
          await actOnHost('the restart', () =>
            runRestart(remote, settings, { clock, logger: log, signal, stopSignal })
          )
        )
      }
    }
    const memory: ActionMemory = { restartsTried: [], failedLevels: [] }
    const startedAt = clock.now()

    core.startGroup('watch')
    let final: Verdict
    let watched = {
      samples: [] as RunRecord['samples'],
      verdicts: [] as RunRecord['verdicts'],
      cancelled: false
    }
    const version = await waitForVersion(settings, deps)
    const baseline = version.verdict ? undefined : await measureBaseline(settings, metrics, signal)
    if (baseline)
      core.info(
        `pre-deploy baseline (deployed-at - 1m): error rate ${baseline.errorRate === null ? 'unknown' : `${(baseline.errorRate * 100).toFixed(1)}%`}, p95 ${baseline.p95 === null ? 'unknown' : `${baseline.p95.toFixed(2)}s`}`
      )
    if (version.verdict) {
      final = version.verdict
      core.warning(final.reason)
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
    core.info(`verdict: ${final.decision} (${final.rule}, ${final.severity}): ${final.reason}`)

    // Re-run of the same workflow run that already rolled back: never roll back twice.
    const prior =
      final.decision === 'rollback' && !signal.aborted
        ? await (await loadReport()).report.findOwnRollback(settings, log)
        : undefined
    if (prior)
      core.info(
        `incident #${prior.number} shows this workflow run already rolled back (Level ${prior.level})`
      )

    let rollback: RollbackOutcome = NOT_NEEDED
    if (signal.aborted) {
      // cancelled: act on nothing
    } else if (final.decision === 'rollback' && prior) {
      rollback = {
        status: 'blocked',
        level: prior.level,
        attempts: [],
        verificationSamples: [],
        reason: `this workflow run already rolled back (Level ${prior.level}, incident #${prior.number}): not rolling back again on a re-run`
      }
    } else if (final.decision === 'rollback' && final.level) {
      core.startGroup(`rollback: Level ${final.level}`)
      const verify = async (level: RollbackLevel): Promise<VerifyResult> => {
        // Its own log section: the runner does not nest groups, so the rollback group pauses.
        core.endGroup()
        core.startGroup(`verification after Level ${level}`)
        core.info(
          `verification after Level ${level}: watching ${formatDuration(settings.policy.rollback.verifyMs)}`
        )
        const v = await watch(settings, deps, {
          durationMs: settings.policy.rollback.verifyMs,
          phase: `verify L${level}`,
          memory,
          judge: false
        })
        const judged = judgeRecovery(v.samples, settings.policy)
        core.info(
          `verification after Level ${level}: ${judged.recovered ? 'recovered' : 'NOT recovered'}: ${judged.reason}`
        )
        if (!judged.recovered) memory.failedLevels.push(level)
        core.endGroup()
        core.startGroup(`rollback: after Level ${level}`)
        return {
          ...judged,
          samples: v.samples,
          recoveredAt: judged.recovered ? clock.now() : undefined
        }
      }
      const { executeRollback } = await loadAct()
      const startLevel = final.level
      const result = await actOnHost(`the Level ${startLevel} rollback`, () =>
        executeRollback({
          startLevel,
          settings,
          remote,
          clock,
          verify,
          logger: log,
          signal,
          stopSignal
        })
      )
      rollback = result.outcome
      steps.push(...result.steps)
      core.endGroup()
    } else if (final.decision === 'isolate') {
      core.startGroup('security: evidence and isolation (no rollback)')
      const { runSecurityPath } = await loadAct()
      steps.push(
        ...(await actOnHost('the security response', () =>
          runSecurityPath(remote, settings, { clock, logger: log, signal, stopSignal })
        ))
      )
      rollback = {
        ...NOT_NEEDED,
        status: 'blocked',
        reason: 'security alert: no rollback until the security team clears it (then Level 3)'
      }
      core.endGroup()
    } else if (final.decision === 'manual') {
      rollback = { ...NOT_NEEDED, status: 'blocked', reason: final.reason }
    }

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
      rollback,
      notes,
      dryRun: settings.dryRun,
      cancelled: signal.aborted
    }

    core.startGroup('report')
    const issue = await (await loadReport()).report.publish(settings, record, log)
    core.endGroup()

    setOutputs({
      [Outputs.Decision]: record.cancelled ? 'cancelled' : final.decision,
      [Outputs.Severity]: final.severity,
      [Outputs.Rule]: final.rule,
      [Outputs.Reason]: final.reason,
      [Outputs.Samples]: String(record.samples.length),
      [Outputs.RollbackLevel]: rollback.level ? String(rollback.level) : '',
      [Outputs.RollbackStatus]: rollback.status,
      [Outputs.RollbackTarget]: rollback.target?.id ?? '',
      [Outputs.IssueNumber]: issue.number ? String(issue.number) : '',
      [Outputs.IssueUrl]: issue.url ?? '',
      [Outputs.ReportPath]: issue.reportPath ?? ''
    })

    const failure = failureMessage(settings, record, issue)
    if (failure) core.setFailed(failure)
    else if (final.decision === 'warn' || final.decision === 'pre-existing')
      core.warning(final.reason)
  } catch (e) {
    core.setFailed(`rollback-sentinel failed: ${(e as Error).message}`)
  } finally {
    process.off('SIGTERM', onSignal)
    process.off('SIGINT', onSignal)
    await remote?.dispose()
    disposeSync()
  }
}
