// The values every section shows: a sample in words, a metric, a health reading, a step's result.
import { percent, readingText, seconds } from '../../core/format.js'
import type { HostCheckReading, MetricReading, Sample } from '../../core/types.js'
import type { RemoteStep } from '../../record.js'

export const TEAM = 'rollback-sentinel'

/** An error rate as a table shows it: "12.3%", "unknown", "—" when off. */
export function pct(m: MetricReading): string {
  return readingText(m, percent, '—')
}

/** A latency as a table shows it: "0.42s", "unknown", "—" when off. */
export function secs(m: MetricReading): string {
  return readingText(m, seconds, '—')
}

export const HEALTH_ICON = { up: '🟢', slow: '🟡', down: '🔴', unknown: '⚪' } as const

export function healthText(s: Sample): string {
  const h = s.health
  const detail = h.httpStatus !== undefined ? `HTTP ${h.httpStatus}` : h.reason
  return `${h.status}${detail ? ` (${detail})` : ''}`
}

/** "health down (HTTP 503), error rate 62.0%, p95 7.20s" */
export function describeSample(s: Sample): string {
  const parts = [`health ${healthText(s)}`]
  if (s.errorRate.status !== 'off') parts.push(`error rate ${pct(s.errorRate)}`)
  if (s.p95.status !== 'off') parts.push(`p95 ${secs(s.p95)}`)
  else if (s.health.latencyMs !== undefined)
    parts.push(`probe latency ${(s.health.latencyMs / 1000).toFixed(2)}s`)
  const alerts = hostAlerts(s)
  if (alerts.length) parts.push(`host alerts: ${alerts.join(', ')}`)
  return parts.join(', ')
}

export function responseTime(s: Sample | undefined): string {
  if (!s) return 'unknown'
  if (s.p95.status === 'measured') return `${secs(s.p95)} (p95)`
  if (s.health.latencyMs !== undefined)
    return `${(s.health.latencyMs / 1000).toFixed(2)}s (health probe)`
  return 'unknown'
}

function hostAlerts(s: Sample): string[] {
  const checks: [string, HostCheckReading][] = [
    ['corruption', s.host.corruption],
    ['database', s.host.database],
    ['cache', s.host.cache],
    ['security', s.host.security]
  ]
  const out = checks
    .filter(([, c]) => c.status === 'alert')
    .map(([n, c]) => (c.host ? `${n} on ${c.host}` : n))
  const log = s.host.errorLog
  if (log.status === 'measured' && log.critical > 0)
    out.push(
      `${log.critical} critical log errors${log.hosts?.length ? ` on ${log.hosts.join(', ')}` : ''}`
    )
  return out
}

export function hostCell(s: Sample): string {
  const checks: [string, HostCheckReading][] = [
    ['corruption', s.host.corruption],
    ['db', s.host.database],
    ['cache', s.host.cache],
    ['security', s.host.security]
  ]
  const parts: string[] = []
  let ok = 0
  for (const [name, c] of checks) {
    if (c.status === 'alert') parts.push(`⚠️ ${name}${c.host ? ` (${c.host})` : ''}`)
    else if (c.status === 'unknown') parts.push(`? ${name}`)
    else if (c.status === 'ok') ok++
  }
  const log = s.host.errorLog
  if (log.status === 'measured') parts.push(`log ${log.critical}c/${log.medium}m/${log.low}l`)
  else if (log.status === 'unknown') parts.push('? log')
  if (parts.length === 0) return ok > 0 ? `${ok} ok` : '—'
  return (ok > 0 ? [...parts, `${ok} ok`] : parts).join(' · ')
}
export function stepResult(step: RemoteStep): string {
  if (step.status === 'ok') return 'ok (exit 0)'
  if (step.status === 'failed') return `FAILED (exit ${step.exitCode})`
  if (step.status === 'timeout') return 'TIMED OUT'
  if (step.status === 'ssh-error') return `SSH ERROR (${step.sshFailure ?? 'ssh failed'})`
  return step.status
}
