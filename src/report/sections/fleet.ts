// A rollback on several hosts: one row per host and level (its wave, target and age, each step's
// exit code and duration, how it ended), and the waves for the timeline.
import { formatAge } from '../../runbook/backups.js'
import { formatDuration } from '../../lib/duration.js'
import type {
  FleetHostRun,
  FleetRecord,
  RemoteStep,
  RunRecord,
  StepName
} from '../../runbook/record.js'
import { cell, code } from '../markdown.js'

const COLUMNS: StepName[] = ['stop', 'rollback', 'validate', 'smoke-test']

function role(wave: number): string {
  return wave === 0 ? 'canary' : `wave ${wave}`
}

function stepCell(step: RemoteStep | undefined): string {
  if (!step) return '—'
  const took = formatDuration(step.durationMs)
  switch (step.status) {
    case 'ok':
      return `exit 0 · ${took}`
    case 'failed':
      return `**exit ${step.exitCode ?? '—'}** · ${took}`
    case 'timeout':
      return `**timed out** · ${took}`
    case 'ssh-error':
      return `**ssh error** · ${took}`
    case 'skipped':
      return step.note === 'absent on host' ? 'absent' : 'skipped'
    case 'dry-run':
      return 'would run'
  }
}

function result(run: FleetHostRun): string {
  switch (run.outcome) {
    case 'ok':
      return '✅ ok'
    case 'planned':
      return '🟡 planned (dry run)'
    case 'cancelled':
      return '⏹️ cancelled'
    default:
      return `❌ ${run.outcome}${run.reason ? `: ${cell(run.reason, 120)}` : ''}`
  }
}

function targetCell(run: FleetHostRun): string {
  const t = run.target
  if (!t) return run.level === 1 ? '— (traffic switch)' : '—'
  return `${code(t.id)}${t.ageMs !== null ? ` (${formatAge(t.ageMs)})` : ''}`
}

/** One line saying what the fleet was and how it ran. */
export function fleetHeadline(fleet: FleetRecord): string {
  const levels = fleet.levels.map((l) => l.level).join(' → ')
  return (
    `**${fleet.hosts.length} hosts**: the canary ${code(fleet.hosts[0])} runs each level alone, ` +
    `then the others in waves of at most ${fleet.maxParallel} (\`rollback.max-parallel\`). ` +
    `Level${fleet.levels.length === 1 ? '' : 's'} ${levels || 'none'}.`
  )
}

/** The per-host table; '' when the rollback ran on one host. */
export function fleetSection(record: RunRecord): string {
  const fleet = record.rollback.fleet
  if (!fleet) return ''
  const steps = record.steps
  const used = COLUMNS.filter((name) => steps.some((s) => s.name === name && s.host))
  const header = [
    `| Host | Role | Level | Target (age) | ${used.join(' | ')} | Result |`,
    `|---|---|---|---|${used.map(() => '---|').join('')}---|`
  ]
  const rows: string[] = []
  for (const level of fleet.levels) {
    for (const run of fleet.runs.filter((r) => r.level === level.level)) {
      const cells = used.map((name) =>
        stepCell(
          steps
            .filter((s) => s.host === run.host && s.level === level.level && s.name === name)
            .pop()
        )
      )
      rows.push(
        `| ${code(run.host)} | ${role(run.wave)} | ${run.level} | ${targetCell(run)} | ${cells.join(' | ')} | ${result(run)} |`
      )
    }
    for (const host of level.notStarted)
      rows.push(
        `| ${code(host)} | ${role(fleet.runs.find((r) => r.host === host)?.wave ?? waveOf(fleet, host))} | ${level.level} | — | ${used.map(() => '—').join(' | ')} | not started |`
      )
  }
  return [fleetHeadline(fleet), '', ...header, ...rows].join('\n')
}

/** The wave a host belongs to by the plan (0: the canary). */
function waveOf(fleet: FleetRecord, host: string): number {
  const i = fleet.hosts.indexOf(host)
  return i <= 0 ? 0 : Math.ceil(i / Math.max(1, fleet.maxParallel))
}

export interface WaveRow {
  at: number
  event: string
  detail: string
  durationMs: number
}

/** The timeline's rows for a fleet: each level's canary and waves, and who did not start. */
export function waveRows(fleet: FleetRecord): WaveRow[] {
  const rows: WaveRow[] = []
  for (const level of fleet.levels) {
    for (const wave of level.waves) {
      const runs = fleet.runs.filter((r) => r.level === level.level && wave.hosts.includes(r.host))
      const bad = runs.filter((r) => r.outcome !== 'ok')
      const who =
        wave.hosts.length <= 4
          ? wave.hosts.map((h) => code(h)).join(', ')
          : `${code(wave.hosts[0])} … ${code(wave.hosts[wave.hosts.length - 1])}`
      rows.push({
        at: wave.startedAt,
        event:
          wave.index === 0
            ? `Level ${level.level} on the canary ${code(wave.hosts[0])}`
            : `Level ${level.level} wave ${wave.index} (${wave.hosts.length} host${wave.hosts.length === 1 ? '' : 's'}: ${who})`,
        detail: bad.length
          ? cell(`${bad.map((r) => `${r.host} ${r.outcome}`).join(', ')}`, 200)
          : `${runs.length} ok`,
        durationMs: wave.endedAt - wave.startedAt
      })
    }
    if (level.notStarted.length > 0) {
      const last = level.waves[level.waves.length - 1]
      rows.push({
        at: last ? last.endedAt : 0,
        event: `Level ${level.level} stopped: **${level.notStarted.length} host${level.notStarted.length === 1 ? '' : 's'} not started**`,
        detail: 'a failure (or a cancellation) starts no further host',
        durationMs: 0
      })
    }
  }
  return rows
}

/** Steps the timeline shows one by one in a fleet: the canary's, and any that did not end ok. */
export function timelineStep(fleet: FleetRecord, step: RemoteStep): boolean {
  if (!step.host || step.host === fleet.hosts[0]) return true
  return step.status !== 'ok' && step.status !== 'skipped' && step.status !== 'dry-run'
}
