// The values every section shows: a sample in words, a metric, a health reading, a step's result.
import { percent, readingText, seconds } from '../../runbook/format.js'
import type { HostCheckReading, MetricReading, Sample } from '../../runbook/types.js'
import type { RemoteStep } from '../../runbook/record.js'

export const TEAM = 'rollback-sentinel'

/** An error rate as a table shows it: "12.3%", "unknown", "—" when off. */
export function pct(m: MetricReading): string {
  return readingText(m, percent, '—')
}

/** A latency as a table shows it: "0.42s", "unknown", "—" when off. */
export function secs(m: MetricReading): string {
  return readingText(m, seconds, '—')
}

export const HEALTH_ICON = { up: '🟢', slow: '🟡', down: '🔴', unknown: '⚪', off: '—' } as const

export function healthText(s: Sample): string {
  const h = s.health
  const detail = h.httpStatus !== undefined ? `HTTP ${h.httpStatus}` : h.reason
  return `${h.status}${detail ? ` (${detail})` : ''}`
}

/** "health down (HTTP 503), error rate 62.0%, p95 7.20s" */
export function describeSample(s: Sample): string {
  const parts = s.health.status === 'off' ? [] : [`health ${healthText(s)}`]
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

/**
 * The host checks of a sample in words, failing checks first and by name:
 * "⚠️ database check failed; 3 checks ok; log: no critical lines".
 */
export function hostCell(s: Sample): string {
  const checks: [string, HostCheckReading][] = [
    ['corruption', s.host.corruption],
    ['database', s.host.database],
    ['cache', s.host.cache],
    ['security', s.host.security]
  ]
  const parts: string[] = []
  let ok = 0
  for (const [name, c] of checks) {
    if (c.status === 'alert') parts.push(`⚠️ ${CHECK_ALERT[name]}${c.host ? ` on ${c.host}` : ''}`)
    else if (c.status === 'unknown')
      parts.push(`${name} check could not run${c.host ? ` on ${c.host}` : ''}`)
    else if (c.status === 'ok') ok++
  }
  if (ok > 0) parts.push(`${ok} check${ok === 1 ? '' : 's'} ok`)
  const log = s.host.errorLog
  if (log.status === 'measured') parts.push(`log: ${logWords(log.critical, log.medium, log.low)}`)
  else if (log.status === 'unknown') parts.push('log could not be read')
  return parts.length ? parts.join('; ') : '—'
}

const CHECK_ALERT: Record<string, string> = {
  corruption: 'corruption marker found',
  database: 'database check failed',
  cache: 'cache check failed',
  security: 'security alert'
}

function logWords(critical: number, medium: number, low: number): string {
  const lines = (n: number, what: string): string => `${n} ${what} line${n === 1 ? '' : 's'}`
  const head = critical > 0 ? `⚠️ ${lines(critical, 'critical')}` : 'no critical lines'
  const rest = [medium > 0 ? `${medium} medium` : '', low > 0 ? `${low} low` : '']
    .filter(Boolean)
    .join(', ')
  return rest ? `${head} (${rest})` : head
}

export function stepResult(step: RemoteStep): string {
  if (step.status === 'ok') return 'ok (exit 0)'
  if (step.status === 'failed') return `FAILED (exit ${step.exitCode})`
  if (step.status === 'timeout') return 'TIMED OUT'
  if (step.status === 'ssh-error') return `SSH ERROR (${step.sshFailure ?? 'ssh failed'})`
  return step.status
}
