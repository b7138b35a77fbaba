// The runbook's checks on the deploy host (steps 1.3 and 1.4, "Error Type Consideration", the cache
// line of the Decision Matrix), run over SSH concurrently. Each returns data, never throws: a check
// that could not run is `unknown` with the reason, never an alert.
import { mergeHostReadings } from '../runbook/fleet.js'
import type { ErrorBreakdown, HostCheckReading, HostReadings, Policy } from '../runbook/types.js'
import type { FleetMember, Remote, RemoteResult } from '../adapters/ports.js'
import { inPool } from './pool.js'

const MAX_LINES = 20
const MAX_LINE_CHARS = 300
const MAX_TOP = 10

type CheckKind = 'corruption' | 'database' | 'cache' | 'security'

export interface HostCheckOptions {
  /** Per-check limit; default policy.hostChecks.timeoutMs. */
  timeoutMs?: number
  signal?: AbortSignal
}

function cut(line: string): string {
  return line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS - 1)}…` : line
}

function outputLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '')
}

/** Why a result cannot be read as the check's answer, or null when it can. */
function notRunReason(r: RemoteResult, timeoutMs: number, signal?: AbortSignal): string | null {
  if (r.sshFailure) return r.sshFailure
  if (r.timedOut) return `no answer within ${Math.ceil(timeoutMs / 1000)}s`
  if (signal?.aborted) return 'cancelled'
  if (r.exitCode === null) return 'no exit code'
  // 126/127 from the shell: the configured command could not be found or run. That is a
  // configuration problem, not a finding: reading it as "database down" would roll back for a typo.
  if (r.exitCode === 126 || r.exitCode === 127) {
    const why = outputLines(r.stderr).pop()
    return `check command could not run (exit ${r.exitCode}${why ? `: ${cut(why)}` : ''})`
  }
  return null
}

function firstLines(r: RemoteResult, n = 3): string[] {
  return outputLines(`${r.stdout}\n${r.stderr}`).slice(0, n).map(cut)
}

function readCheck(kind: CheckKind, r: RemoteResult): HostCheckReading {
  const code = r.exitCode as number
  switch (kind) {
    case 'corruption':
      // The runbook's `test -f /data/corruption_detected`: success means the marker exists.
      return code === 0
        ? { status: 'alert', detail: 'corruption marker found (exit 0)', lines: firstLines(r) }
        : { status: 'ok', detail: `no corruption marker (exit ${code})` }
    case 'database':
    case 'cache':
      return code === 0
        ? { status: 'ok', detail: 'exit 0' }
        : { status: 'alert', detail: `${kind} check failed (exit ${code})`, lines: firstLines(r) }
    case 'security': {
      // Like `logs | grep -i "security|breach|…"`: the exit code says nothing, any line is an alert.
      const all = outputLines(r.stdout)
      if (all.length === 0) return { status: 'ok', detail: 'no suspicious lines' }
      return {
        status: 'alert',
        detail: `${all.length} suspicious line${all.length === 1 ? '' : 's'}`,
        lines: all.slice(0, MAX_LINES).map(cut)
      }
    }
  }
}

interface CompiledPatterns {
  critical: RegExp[]
  medium: RegExp[]
  low: RegExp[]
}

function compile(patterns: string[]): RegExp[] {
  return patterns.map((p) => {
    try {
      return new RegExp(p, 'i')
    } catch {
      // The policy parser rejects bad patterns; here an invalid one falls back to a literal match.
      return new RegExp(p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i')
    }
  })
}

/** `uniq -c` output: every line starts with spaces and a count (the runbook's breakdown command). */
const UNIQ_C = /^\s+(\d+) (.*)$/

/**
 * Classifies log lines by the "Error Type Consideration" patterns (case-insensitive; a line counts
 * once, in the first class that matches: critical, then medium, then low; unmatched lines are
 * ignored). When every line looks like `uniq -c` output (`   42 <line>`, as the runbook's
 * `… | sort | uniq -c | sort -rn` prints it), the leading counts are used. `top` holds the most
 * frequent critical and medium lines (ties: critical first), as `<count>× [<class>] <line>`.
 */
export function classifyErrorLines(
  lines: readonly string[],
  patterns: Policy['errorPatterns']
): Omit<ErrorBreakdown, 'status' | 'reason'> {
  const re: CompiledPatterns = {
    critical: compile(patterns.critical),
    medium: compile(patterns.medium),
    low: compile(patterns.low)
  }
  const nonEmpty = lines.filter((l) => l.trim() !== '')
  const counted = nonEmpty.length > 0 && nonEmpty.every((l) => UNIQ_C.test(l))
  const counts = { critical: 0, medium: 0, low: 0 }
  const groups = new Map<string, { cls: 'critical' | 'medium'; line: string; n: number }>()
  for (const raw of nonEmpty) {
    let line = raw.trim()
    let n = 1
    if (counted) {
      const m = UNIQ_C.exec(raw) as RegExpExecArray
      n = Number(m[1])
      line = m[2].trim()
    }
    const cls = (['critical', 'medium', 'low'] as const).find((c) =>
      re[c].some((r) => r.test(line))
    )
    if (!cls) continue
    counts[cls] += n
    if (cls === 'low') continue
    const key = `${cls}\u0000${line}`
    const g = groups.get(key)
    if (g) g.n += n
    else groups.set(key, { cls, line: cut(line), n })
  }
  const top = [...groups.values()]
    .sort((a, b) => b.n - a.n || (a.cls === b.cls ? 0 : a.cls === 'critical' ? -1 : 1))
    .slice(0, MAX_TOP)
    .map((g) => `${g.n}× [${g.cls}] ${g.line}`)
  return { ...counts, top }
}

const OFF: HostCheckReading = { status: 'off' }
const OFF_LOG: ErrorBreakdown = { status: 'off', critical: 0, medium: 0, low: 0, top: [] }

function unknownLog(reason: string): ErrorBreakdown {
  return { status: 'unknown', critical: 0, medium: 0, low: 0, top: [], reason }
}

/** Runs every configured host check concurrently, each with its own time limit. Never throws. */
export async function runHostChecks(
  remote: Remote | undefined,
  policy: Policy,
  opts: HostCheckOptions = {}
): Promise<HostReadings> {
  const timeoutMs = opts.timeoutMs ?? policy.hostChecks.timeoutMs
  const exec = async (command: string): Promise<RemoteResult | string> => {
    if (!remote) return 'no host configured (ssh-host)'
    if (opts.signal?.aborted) return 'cancelled'
    try {
      const r = await remote.run(command, [], { timeoutMs, signal: opts.signal })
      return notRunReason(r, timeoutMs, opts.signal) ?? r
    } catch (err) {
      return `check could not run: ${(err as Error).message}`
    }
  }

  const check = async (kind: CheckKind): Promise<HostCheckReading> => {
    const command = policy.hostChecks[kind].trim()
    if (command === '') return OFF
    const r = await exec(command)
    return typeof r === 'string' ? { status: 'unknown', detail: r } : readCheck(kind, r)
  }

  const errorLog = async (): Promise<ErrorBreakdown> => {
    const command = policy.hostChecks.errorLog.trim()
    if (command === '') return OFF_LOG
    const r = await exec(command)
    if (typeof r === 'string') return unknownLog(r)
    // Exit code ignored (grep exits 1 when nothing matches): the lines are the measurement.
    return {
      status: 'measured',
      ...classifyErrorLines(outputLines(r.stdout), policy.errorPatterns)
    }
  }

  const [corruption, database, cache, security, log] = await Promise.all([
    check('corruption'),
    check('database'),
    check('cache'),
    check('security'),
    errorLog()
  ])
  return { corruption, database, cache, security, errorLog: log }
}

/**
 * The host checks on every host of a fleet, host-checks.max-parallel hosts at once, merged by the
 * core: an alert on any host counts, and the reading names the host. Never throws.
 */
export async function runFleetHostChecks(
  fleet: readonly FleetMember[],
  policy: Policy,
  opts: HostCheckOptions = {}
): Promise<HostReadings> {
  const perHost = await inPool(fleet, policy.hostChecks.maxParallel, async (m) => ({
    host: m.label,
    readings: await runHostChecks(m.remote, policy, opts)
  }))
  return mergeHostReadings(perHost)
}
