// The preflight on the hosts: over each host's pinned (and then shared) connection, the read-only
// probes runbook/preflight.ts asks for — `true` in app-dir, `test -f` / `test -x` on the three
// scripts, `rollback.sh --list`, `command -v` for the programs the configured commands start with
// (`docker compose version` for Compose v2). Every form is one the host kit's gate lets through.
// What the answers mean is decided in runbook/preflight.ts.
import type { HostConnection, RemoteResult } from '../adapters/ports.js'
import { shellQuote } from '../adapters/shell.js'
import {
  preflightFindings,
  programsToProbe,
  type PreflightContext,
  type PreflightFinding,
  type PreflightMode,
  type PreflightRaw,
  type ProbeAnswer,
  type ScriptRole
} from '../runbook/preflight.js'
import type { Settings } from '../settings/types.js'
import { inPool } from './pool.js'

/** The connection check and each small probe. */
export const PROBE_TIMEOUT_MS = 15_000
/** `--list` in the preflight: the contract asks for a quick, read-only answer. */
export const PREFLIGHT_LIST_TIMEOUT_MS = 20_000

export interface HostPreflight {
  raw: PreflightRaw
  findings: PreflightFinding[]
  /** The host's commands share one connection from now on. */
  shared: boolean
  /** The connection check's own time. */
  connectMs: number
}

type PreflightSettings = Pick<
  Settings,
  'scripts' | 'commands' | 'deployedAt' | 'rollbackTarget' | 'policy'
> & { appDir: string; preflight: PreflightMode }

const answer = (r: RemoteResult): ProbeAnswer => ({
  exitCode: r.exitCode,
  stdout: r.stdout,
  stderr: r.stderr,
  timedOut: r.timedOut,
  ...(r.sshFailure ? { sshFailure: r.sshFailure } : {})
})

const answered = (a: ProbeAnswer) => !a.sshFailure && !a.timedOut && a.exitCode !== null

/** The programs the configured commands and host checks start with. */
export function programsOf(settings: Pick<Settings, 'commands' | 'policy'>) {
  const c = settings.commands
  const h = settings.policy.hostChecks
  return programsToProbe(
    {
      'restart-command': c.restart,
      'stop-command': c.stop,
      'isolate-command': c.isolate,
      'evidence-command': c.evidence
    },
    {
      corruption: h.corruption,
      database: h.database,
      cache: h.cache,
      security: h.security,
      'error-log': h.errorLog
    }
  )
}

export function preflightContext(settings: PreflightSettings, now: number): PreflightContext {
  return {
    appDir: settings.appDir,
    deployedAt: settings.deployedAt,
    now,
    maxLevel: settings.policy.rollback.maxLevel,
    rollbackTarget: settings.rollbackTarget,
    listTimeoutMs: PREFLIGHT_LIST_TIMEOUT_MS
  }
}

/**
 * One host: its shared connection first (so that the run logs in once per host), then `true`
 * over it, then (unless `preflight: off`) the probes. A probe made moot by an earlier answer
 * (no connection, a missing script) is not sent.
 */
export async function preflightHost(
  remote: HostConnection,
  settings: PreflightSettings,
  opts: { host?: string; signal?: AbortSignal; now: () => number }
): Promise<HostPreflight> {
  const run = async (command: string, argv: string[] = [], timeoutMs = PROBE_TIMEOUT_MS) =>
    answer(await remote.run(command, argv, { timeoutMs, signal: opts.signal }))
  await remote.sharedConnection()
  const t0 = opts.now()
  const connection = await run('true')
  const connectMs = opts.now() - t0
  const ok = answered(connection) && connection.exitCode === 0
  const shared = ok && (await remote.sharedConnection())
  const raw: PreflightRaw = {
    ...(opts.host ? { host: opts.host } : {}),
    connection,
    scripts: [],
    programs: []
  }
  const ctx = preflightContext(settings, opts.now())
  if (settings.preflight === 'off' || !ok) {
    const findings = settings.preflight === 'off' ? [] : preflightFindings(raw, ctx)
    return { raw, findings, shared, connectMs }
  }

  const roles: Array<[ScriptRole, string]> = [
    ['rollback', settings.scripts.rollback],
    ['validate', settings.scripts.validate],
    ['smoke', settings.scripts.smokeTest]
  ]
  for (const [role, path] of roles) {
    const exists = await run(`test -f ${shellQuote(path)}`)
    const executable =
      answered(exists) && exists.exitCode === 0
        ? await run(`test -x ${shellQuote(path)}`)
        : undefined
    raw.scripts.push({ role, path, exists, ...(executable ? { executable } : {}) })
  }
  if (raw.scripts[0].exists?.exitCode === 0)
    raw.list = await run(
      `bash ${shellQuote(settings.scripts.rollback)}`,
      ['--list'],
      PREFLIGHT_LIST_TIMEOUT_MS
    )
  for (const p of programsOf(settings)) {
    const a =
      p.probe.kind === 'compose'
        ? await run('docker compose version')
        : await run(`command -v ${p.probe.name}`)
    raw.programs.push({ ...p, answer: a })
  }
  return { raw, findings: preflightFindings(raw, ctx), shared, connectMs }
}

/** Every host of the fleet, at most host-checks.max-parallel at once (a bastion drops a burst). */
export function preflightFleet(
  fleet: ReadonlyArray<{ label: string; remote: HostConnection }>,
  settings: PreflightSettings,
  opts: { signal?: AbortSignal; now: () => number }
): Promise<HostPreflight[]> {
  const several = fleet.length > 1
  return inPool(fleet, settings.policy.hostChecks.maxParallel, (m) =>
    preflightHost(m.remote, settings, { ...opts, ...(several ? { host: m.label } : {}) })
  )
}
