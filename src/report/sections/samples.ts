// The samples around the breach and of the verification, as tables.
import type { Sample } from '../../runbook/types.js'
import type { RunRecord } from '../../runbook/record.js'
import { clock, type Facts } from '../context.js'
import { cell } from '../markdown.js'
import { HEALTH_ICON, healthText, hostCell, pct, secs } from './values.js'

export const SAMPLE_ROWS = 30
const ROWS_BEFORE_BREACH = 8

/** The samples around the breach (at most SAMPLE_ROWS rows), the breach row marked. */
export function samplesAroundBreach(samples: readonly Sample[], breachAt?: number): Sample[] {
  if (samples.length <= SAMPLE_ROWS) return [...samples]
  let center =
    breachAt === undefined ? samples.length - 1 : samples.findIndex((s) => s.at >= breachAt)
  if (center < 0) center = samples.length - 1
  let start = Math.max(0, center - ROWS_BEFORE_BREACH)
  if (start + SAMPLE_ROWS > samples.length) start = samples.length - SAMPLE_ROWS
  return samples.slice(start, start + SAMPLE_ROWS)
}

export function samplesTable(
  samples: readonly Sample[],
  startedAt: number,
  markAt?: number
): string {
  if (samples.length === 0) return '_No samples._'
  return [
    '| Time (UTC) | +s | Health | Status | Latency | Error rate | p95 | Host checks |',
    '|---|---|---|---|---|---|---|---|',
    ...samples.map((s) => {
      const mark = markAt !== undefined && s.at === markAt ? ' ◀ breach' : ''
      const h = s.health
      return `| ${clock(s.at)}${mark} | ${Math.round((s.at - startedAt) / 1000)} | ${HEALTH_ICON[h.status]} ${cell(h.status === 'up' ? 'up' : healthText(s), 60)} | ${h.httpStatus ?? '—'} | ${h.latencyMs === undefined ? '—' : `${(h.latencyMs / 1000).toFixed(2)}s`} | ${pct(s.errorRate)} | ${secs(s.p95)} | ${cell(hostCell(s), 80)} |`
    })
  ].join('\n')
}

/** The samples table of the watch (around the breach) and of the verification after a rollback. */
export function samplesSection(facts: Facts, record: RunRecord): string {
  const around = samplesAroundBreach(record.samples, facts.breachAt)
  const markAt = facts.breachSample?.at
  const parts = [
    around.length < record.samples.length
      ? `${around.length} of ${record.samples.length} samples, around the breach (all of them are in the decision trace artifact).`
      : '',
    samplesTable(around, record.startedAt, markAt)
  ]
  const verify = record.rollback.verificationSamples
  if (verify.length > 0) {
    const shown = verify.slice(-15)
    parts.push(
      `**Verification after the rollback** (${shown.length < verify.length ? `last ${shown.length} of ${verify.length}` : `${verify.length}`} samples):`,
      samplesTable(shown, record.startedAt)
    )
  }
  return parts.filter(Boolean).join('\n\n')
}
