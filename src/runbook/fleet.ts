// Rolling back a fleet (docs/fleets.md): the first host is the canary and runs a level alone;
// the rest follow in waves of rollback.max-parallel; any failure starts no further host and the
// fleet escalates, canary first, on every host (a fleet ends on one version); one verification
// after the level ran everywhere. Host checks: an alert on any host counts. Pure.
import { backupAgeBlock } from './backups.js'
import type { LevelRun } from './recovery.js'
import type {
  BackupChoice,
  ErrorBreakdown,
  HostCheckReading,
  HostReadings,
  Policy,
  RollbackLevel
} from './types.js'

/** Who runs a level when: the canary alone, then each wave at once. */
export interface FleetPlan {
  canary: string
  waves: string[][]
}

/** The canary (the first host), then the others in waves of `maxParallel`, in their order. */
export function planFleet(hosts: readonly string[], maxParallel: number): FleetPlan {
  if (hosts.length === 0) throw new Error('a fleet needs at least one host')
  const size = Math.max(1, Math.floor(maxParallel))
  const rest = hosts.slice(1)
  const waves: string[][] = []
  for (let i = 0; i < rest.length; i += size) waves.push(rest.slice(i, i + size))
  return { canary: hosts[0], waves }
}

/** How a level ended on one host (act/level.ts runLevelOnHost, by host). */
export type HostOutcome = 'ok' | 'failed' | 'ssh-broken' | 'cancelled'

export interface HostLevelResult {
  host: string
  outcome: HostOutcome
  /** The level's script exited 0 on this host. */
  scriptOk: boolean
  /** Both validate-script and smoke-test-script ran on this host and exited 0. */
  hostChecksPassed: boolean
  /** Why it did not end ok (the script's, validate's or smoke test's result, or ssh's). */
  reason?: string
}

/** A failure on any host (or a cancellation) starts no further wave: only all-ok goes on. */
export function mayStartNextWave(results: readonly HostLevelResult[]): boolean {
  return results.every((r) => r.outcome === 'ok')
}

/** The level over the whole fleet, as one LevelRun for afterLevel, with the hosts named. */
export interface FleetLevelOutcome {
  /** cancelled > ssh-broken > failed > ok: the worst outcome of any host. */
  outcome: HostOutcome
  run: LevelRun
  /** Why the fleet did not run the level cleanly, naming the host(s); absent when ok. */
  reason?: string
  /** Hosts whose outcome was not ok, in plan order. */
  failedHosts: string[]
  /** Hosts of the plan that never started (a failure stopped the fleet). */
  notStarted: string[]
}

const WORST: HostOutcome[] = ['cancelled', 'ssh-broken', 'failed', 'ok']

export function fleetLevelOutcome(
  level: RollbackLevel,
  plan: FleetPlan,
  results: readonly HostLevelResult[]
): FleetLevelOutcome {
  const order = [plan.canary, ...plan.waves.flat()]
  const byHost = new Map(results.map((r) => [r.host, r]))
  const ran = order.filter((h) => byHost.has(h)).map((h) => byHost.get(h) as HostLevelResult)
  const notStarted = order.filter((h) => !byHost.has(h))
  const outcome = WORST.find((o) => ran.some((r) => r.outcome === o)) ?? 'ok'
  const bad = ran.filter((r) => r.outcome !== 'ok')
  const run: LevelRun = {
    level,
    scriptOk: ran.length > 0 && ran.every((r) => r.scriptOk) && notStarted.length === 0,
    hostChecksPassed: ran.length > 0 && ran.every((r) => r.hostChecksPassed)
  }
  if (bad.length === 0 && notStarted.length === 0)
    return { outcome, run, failedHosts: [], notStarted }
  const first = bad.find((r) => r.outcome === outcome) ?? bad[0]
  const others = bad.filter((r) => r !== first).map((r) => r.host)
  const reason =
    (first ? `on ${first.host}: ${first.reason ?? first.outcome}` : 'not every host ran') +
    (others.length ? `; also on ${others.join(', ')}` : '') +
    (notStarted.length ? ` (${notStarted.length} not started)` : '')
  return { outcome, run, reason, failedHosts: bad.map((r) => r.host), notStarted }
}

/** What `--list` (or rollback-target) gave on one host. */
export type HostTarget =
  { host: string; target: BackupChoice } | { host: string; error: string; ssh: boolean }

export type FleetTargets =
  | { targets: Map<string, BackupChoice> }
  /** A host with no usable backup blocks the level; `ssh`: a host could not be asked at all. */
  | { error: string; ssh: boolean; hosts: string[] }

/**
 * Every host's own target for a Level 2/3, each chosen from its own `--list` (the same rule as on
 * one host). A host with no usable backup — none from before the deploy, or, for Level 3, one
 * older than rollback.backup-max-age — blocks the level for the fleet: the reason names it.
 */
export function fleetTargets(
  found: readonly HostTarget[],
  level: RollbackLevel,
  policy: Policy
): FleetTargets {
  const problems: { host: string; why: string; ssh: boolean }[] = []
  const targets = new Map<string, BackupChoice>()
  for (const f of found) {
    if ('error' in f) {
      problems.push({ host: f.host, why: f.error, ssh: f.ssh })
      continue
    }
    const t = f.target
    const tooOld =
      t.source === 'list' ? backupAgeBlock(level, t, policy.rollback.backupMaxAgeMs) : null
    if (tooOld) {
      problems.push({ host: f.host, why: tooOld, ssh: false })
      continue
    }
    targets.set(f.host, t)
  }
  if (problems.length === 0) return { targets }
  return {
    error: problems.map((p) => `${p.host}: ${p.why}`).join('; '),
    ssh: problems.some((p) => p.ssh),
    hosts: problems.map((p) => p.host)
  }
}

// ---- host checks on every host --------------------------------------------------------------

export interface HostReadingsOf {
  host: string
  readings: HostReadings
}

/** alert (on any host) > unknown (on any host) > ok > off; the reading says which host. */
function mergeCheck(
  perHost: readonly HostReadingsOf[],
  pick: (r: HostReadings) => HostCheckReading
): HostCheckReading {
  const all = perHost.map((p) => ({ host: p.host, r: pick(p.readings) }))
  for (const status of ['alert', 'unknown'] as const) {
    const hit = all.filter((x) => x.r.status === status)
    if (hit.length === 0) continue
    const also =
      hit.length > 1
        ? ` (also on ${hit
            .slice(1)
            .map((x) => x.host)
            .join(', ')})`
        : ''
    return { ...hit[0].r, host: hit[0].host, detail: `${hit[0].r.detail ?? status}${also}` }
  }
  const ok = all.find((x) => x.r.status === 'ok')
  return ok
    ? { ...ok.r, detail: `${ok.r.detail ?? 'ok'} on ${plural(all.length)}` }
    : { status: 'off' }
}

function plural(n: number): string {
  return `${n} host${n === 1 ? '' : 's'}`
}

/** Critical lines anywhere count (critical-errors); an unknown log hides nothing measured. */
function mergeLogs(perHost: readonly HostReadingsOf[]): ErrorBreakdown {
  const all = perHost.map((p) => ({ host: p.host, log: p.readings.errorLog }))
  const measured = all.filter((x) => x.log.status === 'measured')
  const unknown = all.filter((x) => x.log.status === 'unknown')
  const critical = measured.filter((x) => x.log.critical > 0)
  if (measured.length === 0 && unknown.length === 0)
    return { status: 'off', critical: 0, medium: 0, low: 0, top: [] }
  if (critical.length === 0 && unknown.length > 0)
    return {
      status: 'unknown',
      critical: 0,
      medium: 0,
      low: 0,
      top: [],
      reason: `${unknown[0].host}: ${unknown[0].log.reason ?? 'unknown'}`,
      hosts: unknown.map((x) => x.host)
    }
  const sum = (k: 'critical' | 'medium' | 'low') => measured.reduce((n, x) => n + x.log[k], 0)
  return {
    status: 'measured',
    critical: sum('critical'),
    medium: sum('medium'),
    low: sum('low'),
    top: measured.flatMap((x) => x.log.top.map((line) => `${x.host}: ${line}`)).slice(0, 10),
    ...(critical.length ? { hosts: critical.map((x) => x.host) } : {})
  }
}

/** One sample's host readings from every host's (a fleet of one is read as it is). */
export function mergeHostReadings(perHost: readonly HostReadingsOf[]): HostReadings {
  if (perHost.length === 1) return perHost[0].readings
  return {
    corruption: mergeCheck(perHost, (r) => r.corruption),
    database: mergeCheck(perHost, (r) => r.database),
    cache: mergeCheck(perHost, (r) => r.cache),
    security: mergeCheck(perHost, (r) => r.security),
    errorLog: mergeLogs(perHost)
  }
}
