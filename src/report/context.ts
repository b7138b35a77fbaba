// What the report needs besides the RunRecord, the hidden marker, and facts derived from the
// record that every rendering (issue, comments, summary) shares.
import { STATE_MEMORY, type IncidentState, type Pending } from '../runbook/pending.js'
import { checkId } from '../lib/patterns.js'
import type { Policy, RollbackLevel, RuleId, Sample, Verdict } from '../runbook/types.js'
import type { RunRecord } from '../runbook/record.js'

export interface ReportContext {
  repo: { owner: string; repo: string }
  /** GITHUB_SERVER_URL, e.g. https://github.com */
  serverUrl: string
  runId: string
  runAttempt: string
  sha: string
  workflow: string
  /** The ssh destination as a person types it (`deploy@prod.example.com`); absent without SSH. */
  host?: string
  /** The ssh port when it is not 22. */
  sshPort?: number
  /** A fleet: every host (labels as ssh-host names them), the canary (`host`) first. */
  hosts?: string[]
  /** ssh-jump-host as a person passes it to `ssh -J` (`user@bastion:2222`). */
  jump?: string
  /** Directory on the host where the runbook's relative paths live ("" or absent: login dir). */
  appDir?: string
  rollbackScript: string
  /** Defaults: the runbook's deploy/rollback/validate_rollback.sh and deploy/smoke_tests.sh. */
  validateScript?: string
  smokeTestScript?: string
  /** The health URL, for the "Check service health" command (no header values, ever). */
  healthUrl?: string
  /** The Prometheus URL, for the "Check error rate / response time" commands (no header values). */
  prometheusUrl?: string
  issueLabels: string[]
  issueAssignees: string[]
  template?: { path: string; text: string }
  /** rollback.timeouts: each level's Max Time (the ETA line). */
  levelLimitsMs: Record<RollbackLevel, number>
  /** The policy's error-rate and latency thresholds (the charts draw them). */
  thresholds: Pick<Policy, 'errorRate' | 'latency'>
  /** Every secret value: everything rendered is scrubbed of them. */
  secrets: string[]
}

// ---- the state line ----------------------------------------------------------------------

/**
 * The incident's state as the first line of the body the action owns:
 * `<!-- rollback-sentinel environment=<env> run=<runId>[ key=value…] -->`. The first three parts
 * are the format of every version (earlier versions wrote `rollback-done=<level>` for their own
 * run, which still reads as a run that rolled back). Values are URI-encoded: no space, `<`, `>`
 * or `-->` can stand in one. Only the first line of a body is ever parsed (report/incident-state.ts).
 */
export function renderStateLine(state: IncidentState): string {
  const parts = [
    `environment=${encodeURIComponent(state.environment)}`,
    // An empty run id would make the line unreadable (run=\S+): never write one.
    `run=${encodeURIComponent(state.runId || 'none')}`
  ]
  const add = (key: string, value: string | number | undefined): void => {
    if (value !== undefined && value !== '') parts.push(`${key}=${encodeURIComponent(value)}`)
  }
  const own = state.rolledBack.find((r) => r.runId === state.runId)
  add('rollback-done', own?.level)
  if (state.deployedAt !== undefined)
    parts.push(`deployed-at=${new Date(state.deployedAt).toISOString()}`)
  if (state.breachAt !== undefined)
    parts.push(`breach-at=${new Date(state.breachAt).toISOString()}`)
  add('sha', state.sha)
  add('rule', state.rule)
  add('security', state.security ? 1 : undefined)
  add('command-rolled-back', state.commandRolledBack ? 1 : undefined)
  const p = state.pending
  add('pending', p?.action)
  add('pending-level', p?.action === 'restore' ? p.level : undefined)
  add('target', p?.action === 'restore' ? p.target : undefined)
  add('rolled-back', state.rolledBack.map((r) => `${r.runId}:${r.level}`).join(','))
  add('answered', state.answered.join(','))
  return `<!-- rollback-sentinel ${parts.join(' ')} -->`
}

const STATE_LINE = /^<!-- rollback-sentinel environment=(\S+) run=(\S+)((?: [a-z-]+=\S+)*) -->$/

const level = (v: string | undefined): RollbackLevel | undefined =>
  v && /^[123]$/.test(v) ? (Number(v) as RollbackLevel) : undefined
const time = (v: string | undefined): number | undefined => {
  const t = v && /^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(v) ? Date.parse(v) : NaN
  return Number.isFinite(t) ? t : undefined
}
const matching = (v: string | undefined, re: RegExp): string | undefined =>
  v !== undefined && re.test(v) ? v : undefined
const RUN_ID = /^[A-Za-z0-9._-]{1,40}$/

function pendingOf(kv: Map<string, string>): Pending | undefined {
  switch (kv.get('pending')) {
    case 'restore': {
      const l = level(kv.get('pending-level'))
      const target = kv.get('target')
      return l && l >= 2 && target !== undefined && checkId(target) === null
        ? { action: 'restore', level: l, target }
        : undefined
    }
    case 'consider-rollback':
      return { action: 'consider-rollback', level: 1 }
    case 'security-clearance':
      return { action: 'security-clearance' }
    default:
      return undefined
  }
}

/**
 * The state on the first line of a body, or undefined when that line is not a state line. Values
 * that do not fit their key are dropped; lists are cut to the newest STATE_MEMORY entries.
 */
export function parseStateLine(body: string | null | undefined): IncidentState | undefined {
  const first = (body ?? '')
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/, 1)[0]
    .trim()
  const m = STATE_LINE.exec(first)
  if (!m) return undefined
  const kv = new Map<string, string>()
  for (const part of m[3].trim().split(' ').filter(Boolean)) {
    const eq = part.indexOf('=')
    const key = part.slice(0, eq)
    if (!kv.has(key)) kv.set(key, safeDecode(part.slice(eq + 1)))
  }
  const runId = safeDecode(m[2])
  const rolledBack: IncidentState['rolledBack'] = []
  for (const item of (kv.get('rolled-back') ?? '').split(',')) {
    const [id, l] = item.split(':')
    const lv = level(l)
    if (id && RUN_ID.test(id) && lv) rolledBack.push({ runId: id, level: lv })
  }
  const legacy = level(kv.get('rollback-done'))
  if (legacy && !rolledBack.some((r) => r.runId === runId))
    rolledBack.push({ runId, level: legacy })
  const answered = (kv.get('answered') ?? '')
    .split(',')
    .filter((x) => /^\d{1,20}$/.test(x))
    .map(Number)
  const rule = matching(kv.get('rule'), /^[a-z][a-z-]{0,40}$/)
  const pending = pendingOf(kv)
  const security = kv.get('security') === '1' || rule === 'security-breach'
  const commandRolledBack = kv.get('command-rolled-back') === '1'
  const state: IncidentState = {
    environment: safeDecode(m[1]),
    runId,
    security,
    commandRolledBack,
    rolledBack: rolledBack.slice(-STATE_MEMORY),
    answered: answered.slice(-STATE_MEMORY)
  }
  const extra: Partial<IncidentState> = {
    deployedAt: time(kv.get('deployed-at')),
    breachAt: time(kv.get('breach-at')),
    sha: matching(kv.get('sha'), /^[0-9a-f]{7,64}$/i),
    rule,
    // A security incident of an earlier version carries no pending key: still waiting.
    pending:
      pending ?? (security && !commandRolledBack ? { action: 'security-clearance' } : undefined)
  }
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) Object.assign(state, { [k]: v })
  return state
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

// ---- links -------------------------------------------------------------------------------

export function runUrl(ctx: ReportContext): string {
  return `${base(ctx)}/actions/runs/${ctx.runId}`
}

export function commitUrl(ctx: ReportContext): string {
  return `${base(ctx)}/commit/${ctx.sha}`
}

export function deploymentUrl(ctx: ReportContext, environment: string): string {
  return `${base(ctx)}/deployments/${encodeURIComponent(environment)}`
}

/** A URL without its user:password part (shown in commands and the trace, never the secret). */
export function stripUserinfo(url: string): string {
  try {
    const u = new URL(url)
    if (!u.username && !u.password) return url
    u.username = ''
    u.password = ''
    return u.toString()
  } catch {
    return url
  }
}

function base(ctx: ReportContext): string {
  return `${ctx.serverUrl.replace(/\/+$/, '')}/${ctx.repo.owner}/${ctx.repo.repo}`
}

// ---- time --------------------------------------------------------------------------------

/** 2025-12-02 03:14:07 UTC */
export function utc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`
}

/** 03:14:07 (UTC) */
export function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19)
}

// ---- facts shared by every rendering -----------------------------------------------------

export type IncidentKind = 'security' | 'P1' | 'P2' | 'P3' | 'P4'

export interface Facts {
  environment: string
  final: Verdict
  rule: RuleId
  kind: IncidentKind
  /** P1..P4 (a verdict without severity reads as P4). */
  severity: 'P1' | 'P2' | 'P3' | 'P4'
  /** A rollback command really ran (not a dry run, not skipped). */
  rollbackRan: boolean
  /** The level that ran last, or the one decided. */
  level?: RollbackLevel
  /** When the first rollback command started. */
  initiatedAt?: number
  decidedAt: number
  breachAt?: number
  breachSample?: Sample
  recoveredAt?: number
  downtimeMs?: number
  /** Watch and verification samples, by time, without duplicates. */
  allSamples: Sample[]
  lastSample?: Sample
}

export function factsOf(record: RunRecord): Facts {
  const final = record.final
  const rule = record.firedRule ?? final.rule
  const severity = final.severity === 'none' ? 'P4' : final.severity
  const kind: IncidentKind =
    rule === 'security-breach' || final.decision === 'isolate' ? 'security' : severity
  const rollbackSteps = record.steps.filter(
    (s) => s.name === 'rollback' && s.status !== 'skipped' && s.status !== 'dry-run'
  )
  const rollbackRan =
    !record.dryRun && (rollbackSteps.length > 0 || record.rollback.attempts.length > 0)
  const level = record.rollback.level ?? final.level
  const initiatedAt = rollbackRan
    ? Math.min(
        ...[
          ...rollbackSteps.map((s) => s.startedAt),
          ...record.rollback.attempts.map((a) => a.startedAt)
        ]
      )
    : undefined

  const byAt = new Map<number, Sample>()
  for (const s of [...record.samples, ...record.rollback.verificationSamples]) byAt.set(s.at, s)
  const allSamples = [...byAt.values()].sort((a, b) => a.at - b.at)

  const acting = record.verdicts.filter((v) => v.verdict.decision !== 'continue')
  const decidedAt = acting.length > 0 ? acting[acting.length - 1].at : record.endedAt
  const breachAt = record.breachFirstSeenAt ?? final.evidence[0]?.at
  const breachSample =
    breachAt !== undefined
      ? (record.samples.find((s) => s.at >= breachAt) ?? record.samples[record.samples.length - 1])
      : final.evidence[final.evidence.length - 1]
  const recoveredAt = record.rollback.recoveredAt
  const downtimeMs =
    recoveredAt !== undefined && breachAt !== undefined
      ? Math.max(0, recoveredAt - breachAt)
      : undefined
  return {
    environment: record.environment,
    final,
    rule,
    kind,
    severity,
    rollbackRan,
    level,
    initiatedAt: Number.isFinite(initiatedAt) ? initiatedAt : undefined,
    decidedAt,
    breachAt,
    breachSample,
    recoveredAt,
    downtimeMs,
    allSamples,
    lastSample: allSamples[allSamples.length - 1]
  }
}
