// Backups as `rollback.sh --list` shows them, the choice of a rollback target, and the runbook's
// "Data Loss Considerations" for its age. Pure functions: no I/O, no clock.
import { formatDuration } from '../lib/duration.js'
import { ID_RULE, checkId, describeValue, parseIsoTime, utcTime } from '../lib/patterns.js'
import type { BackupChoice, RollbackLevel } from './types.js'

export interface Backup {
  id: string
  /** When it was taken (epoch ms, UTC). */
  takenAt: number
}

export interface RejectedLine {
  line: string
  reason: string
}

export interface BackupList {
  backups: Backup[]
  /** Lines that looked like backups but cannot be used (bad id): reported, never used. */
  rejected: RejectedLine[]
}

const HOUR = 3_600_000

/*
 * Accepted `--list` lines (one backup per line; leading "- " or "* " bullets and surrounding
 * whitespace are ignored; columns are separated by whitespace; extra columns are ignored):
 *
 *   <id> <ISO-8601 time>              backup-20251201-0300 2025-12-01T03:00:00Z
 *                                     (an ISO time without an offset is read as UTC)
 *   <id> <YYYY-MM-DD> <HH:MM[:SS]>    backup-a 2025-12-01 03:00:00          (UTC)
 *   <id>                              backup-20251201-030000
 *                                     (the id contains YYYYMMDD-HHMMSS, UTC; `_` or `T` may
 *                                     separate date and time: 20251201T030000, 20251201_030000)
 *
 * A line with no time in any of these forms (a header such as "ID CREATED", a blank line, a
 * comment starting with # or //, a summary line) is ignored. A line with a time whose id has
 * characters outside letters, digits, '.', '_', '-', ':' (or starts with '.', '_', '-', ':')
 * is rejected and reported: such an id is never passed to the host.
 */
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const TIME = /^(\d{2}):(\d{2})(?::(\d{2}))?$/
const STAMP = /(?:^|\D)(\d{4})(\d{2})(\d{2})[-_T](\d{2})(\d{2})(\d{2})(?!\d)/

function parseDateTime(date: string, time: string): number | null {
  const d = DATE.exec(date)
  const t = TIME.exec(time)
  if (!d || !t) return null
  return utcTime(+d[1], +d[2], +d[3], +t[1], +t[2], +(t[3] ?? 0))
}

/** The YYYYMMDD-HHMMSS stamp inside an id, as epoch ms (UTC), or null. */
export function stampInId(id: string): number | null {
  const m = STAMP.exec(id)
  return m ? utcTime(+m[1], +m[2], +m[3], +m[4], +m[5], +m[6]) : null
}

/** Parses `rollback.sh --list` output. Never throws. */
export function parseBackupList(stdout: string): BackupList {
  const backups: Backup[] = []
  const rejected: RejectedLine[] = []
  const seen = new Set<string>()
  for (const raw of stdout.split(/\r?\n/)) {
    const line = raw.trim().replace(/^[-*]\s+/, '')
    if (line === '' || line.startsWith('#') || line.startsWith('//')) continue
    const cols = line.split(/\s+/)
    const id = cols[0]
    const takenAt =
      (cols[1] !== undefined ? parseIsoTime(cols[1]) : null) ??
      (cols[1] !== undefined && cols[2] !== undefined ? parseDateTime(cols[1], cols[2]) : null) ??
      stampInId(id)
    if (takenAt === null) continue // a header, a summary line: not a backup
    if (checkId(id) !== null) {
      rejected.push({
        line: raw.slice(0, 300),
        reason: `backup id ${describeValue(id)} refused: ${ID_RULE}`
      })
      continue
    }
    if (seen.has(id)) continue
    seen.add(id)
    backups.push({ id, takenAt })
  }
  return { backups, rejected }
}

/**
 * The runbook's "Data Loss Considerations" table: a backup younger than `upToMs` (the last band up
 * to and including 24 h, the same 24 h at which backup-max-age blocks an automatic Level 3).
 */
export const DATA_LOSS_BANDS: ReadonlyArray<{ age: string; note: string; upToMs: number }> = [
  { age: '< 1 hour', note: 'Usually acceptable (recent backup)', upToMs: HOUR },
  { age: '1-6 hours', note: 'Check with team - what transactions will be lost?', upToMs: 6 * HOUR },
  { age: '6-24 hours', note: 'Significant loss - notify stakeholders', upToMs: 24 * HOUR },
  { age: '> 24 hours', note: 'Major loss - escalate to management', upToMs: Infinity }
]

/** The index of the band a backup of this age falls in; -1 when the age is unknown. */
export function dataLossBand(ageMs: number | null): number {
  if (ageMs === null || !Number.isFinite(ageMs)) return -1
  // [0, 1 h), [1 h, 6 h), [6 h, 24 h], (24 h, ∞)
  return DATA_LOSS_BANDS.findIndex((b, i) => (i === 2 ? ageMs <= b.upToMs : ageMs < b.upToMs))
}

/** The runbook's data-loss note for a backup of this age. */
export function dataLossNote(ageMs: number | null): string {
  const band = dataLossBand(ageMs)
  return band < 0
    ? 'Backup age unknown - check with team what data will be lost'
    : DATA_LOSS_BANDS[band].note
}

/** The newest backup taken strictly before the deploy, with its age at `now`; null if none. */
export function chooseBackup(
  backups: readonly Backup[],
  deployedAt: number,
  now: number
): BackupChoice | null {
  let best: Backup | null = null
  for (const b of backups) {
    if (b.takenAt < deployedAt && (best === null || b.takenAt > best.takenAt)) best = b
  }
  if (!best) return null
  const ageMs = Math.max(0, now - best.takenAt)
  return {
    id: best.id,
    takenAt: best.takenAt,
    ageMs,
    source: 'list',
    dataLossNote: dataLossNote(ageMs)
  }
}

/**
 * A target given as `rollback-target`: a person chose it. Its age is known only when the id
 * carries a YYYYMMDD-HHMMSS stamp.
 */
export function targetFromInput(id: string, now: number): BackupChoice {
  const takenAt = stampInId(id)
  const ageMs = takenAt === null ? null : Math.max(0, now - takenAt)
  return { id, takenAt, ageMs, source: 'input', dataLossNote: dataLossNote(ageMs) }
}

/** "30h", "45m", "1h30m": ages as the messages print them. */
export function formatAge(ms: number): string {
  return formatDuration(ms >= 2 * HOUR ? Math.round(ms / 60_000) * 60_000 : ms)
}

/**
 * The one backup-age rule, for the watch, the fleet and approvals alike: a Level 3 restore (the
 * runbook's point-in-time recovery, under which its "Data Loss Considerations" table stands) of a
 * backup older than rollback.backup-max-age does not run without a person's approval. Level 2 is
 * the runbook's low-risk migration rollback and is not held back by age; Level 1 uses no backup.
 * An unknown age blocks nothing (the data-loss note says "unknown"). Returns why, or null.
 */
export function backupAgeBlock(
  level: RollbackLevel,
  target: Pick<BackupChoice, 'id' | 'ageMs'>,
  maxAgeMs: number
): string | null {
  if (level !== 3 || target.ageMs === null || target.ageMs <= maxAgeMs) return null
  return (
    `backup ${target.id} is ${formatAge(target.ageMs)} old > backup-max-age ` +
    `${formatAge(maxAgeMs)} (runbook: ${dataLossNote(target.ageMs)})`
  )
}
