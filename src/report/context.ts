// What the report needs besides the RunRecord, the hidden marker, and facts derived from the
// record that every rendering (issue, comments, summary) shares.
import { PENDING_ACTIONS, type IncidentMarker } from '../core/pending.js'
import { checkId } from '../core/patterns.js'
import type { Policy, RollbackLevel, RuleId, Sample, Verdict } from '../core/types.js'
import type { RunRecord } from '../record.js'

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

// ---- the hidden marker -------------------------------------------------------------------

/** What a marker says: the vocabulary is the core's (core/pending.ts), the text format is here. */
export type Marker = IncidentMarker

/**
 * `<!-- rollback-sentinel environment=<env> run=<runId>[ rollback-done=<level>][ key=value…] -->`.
 * The first three parts are the format of every version; the keys after them (deployed-at,
 * breach-at, sha, rule, pending, pending-level, target, comment, command) are added when known.
 * Earlier versions' parsers accept and ignore them, and markers without them still parse here.
 */
export function renderMarker(marker: Marker): string {
  const parts = [
    `environment=${encodeURIComponent(marker.environment)}`,
    // An empty run id would make the marker unreadable (run=\S+): never write one.
    `run=${encodeURIComponent(marker.runId || 'none')}`
  ]
  const add = (key: string, value: string | number | undefined): void => {
    if (value !== undefined && value !== '') parts.push(`${key}=${encodeURIComponent(value)}`)
  }
  add('rollback-done', marker.rollbackDone)
  if (marker.deployedAt !== undefined)
    parts.push(`deployed-at=${new Date(marker.deployedAt).toISOString()}`)
  if (marker.breachAt !== undefined)
    parts.push(`breach-at=${new Date(marker.breachAt).toISOString()}`)
  add('sha', marker.sha)
  add('rule', marker.rule)
  add('pending', marker.pending)
  add('pending-level', marker.pendingLevel)
  add('target', marker.target)
  add('comment', marker.comment)
  add('command', marker.command)
  return `<!-- rollback-sentinel ${parts.join(' ')} -->`
}

const MARKER = /<!-- rollback-sentinel environment=(\S+) run=(\S+)((?: [a-z-]+=\S+)*) -->/g

const level = (v: string | undefined): RollbackLevel | undefined =>
  v && /^[123]$/.test(v) ? (Number(v) as RollbackLevel) : undefined
const time = (v: string | undefined): number | undefined => {
  const t = v && /^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(v) ? Date.parse(v) : NaN
  return Number.isFinite(t) ? t : undefined
}
const matching = (v: string | undefined, re: RegExp): string | undefined =>
  v !== undefined && re.test(v) ? v : undefined

/** Every marker in a body or comment, in order. Values that do not fit their key are dropped. */
export function parseMarkers(text: string | null | undefined): Marker[] {
  if (!text) return []
  const out: Marker[] = []
  for (const m of text.matchAll(MARKER)) {
    const kv = new Map<string, string>()
    for (const part of m[3].trim().split(' ').filter(Boolean)) {
      const eq = part.indexOf('=')
      if (!kv.has(part.slice(0, eq))) kv.set(part.slice(0, eq), safeDecode(part.slice(eq + 1)))
    }
    const marker: Marker = {
      environment: safeDecode(m[1]),
      runId: safeDecode(m[2]),
      rollbackDone: level(kv.get('rollback-done'))
    }
    const extra: Partial<Marker> = {
      deployedAt: time(kv.get('deployed-at')),
      breachAt: time(kv.get('breach-at')),
      sha: matching(kv.get('sha'), /^[0-9a-f]{7,64}$/i),
      rule: matching(kv.get('rule'), /^[a-z][a-z-]{0,40}$/),
      pending: PENDING_ACTIONS.find((p) => p === kv.get('pending')),
      pendingLevel: level(kv.get('pending-level')),
      target:
        kv.has('target') && checkId(kv.get('target') as string) === null
          ? kv.get('target')
          : undefined,
      comment: /^\d{1,20}$/.test(kv.get('comment') ?? '') ? Number(kv.get('comment')) : undefined,
      command: matching(kv.get('command'), /^[a-z][a-z-]{0,30}$/)
    }
    for (const [k, v] of Object.entries(extra))
      if (v !== undefined) Object.assign(marker, { [k]: v })
    out.push(marker)
  }
  return out
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
