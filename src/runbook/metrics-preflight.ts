// The metric provider's preflight at the start of a watch: one instant reading of each configured
// query, made by act/metrics-preflight.ts, judged here. A provider that refuses the credentials,
// does not answer, or a query that returns nothing would leave its rules unknown for the whole
// watch; saying so at the start, naming the input, is the difference between "production looked
// fine" and "nothing was looked at". Pure: no I/O, no clock.
import type { PreflightFinding } from './preflight.js'
import type { MetricReading } from './types.js'

/** One configured query and what its one instant reading gave. */
export interface MetricsProbe {
  /** The input that holds it: error-rate-query, latency-query, … */
  input: string
  reading: MetricReading
}

export interface MetricsPreflightContext {
  /** How messages name the provider: "Prometheus", "Datadog", … */
  label: string
  /** The inputs that say where it answers and who may ask ("datadog-api-key and datadog-app-key"). */
  where: string
  credentials: string
}

/** Inputs whose emptiness costs a rule only as a second opinion: a warning, not an error. */
const SECONDARY = new Set(['error-rate-fast-query'])

/** What the readings mean: findings with the preflight's kinds, severities and wording. */
export function metricsPreflightFindings(
  probes: readonly MetricsProbe[],
  ctx: MetricsPreflightContext
): PreflightFinding[] {
  const failed = probes.filter((p) => p.reading.status === 'unknown')
  // A watch cancelled while the preflight read has nothing to say about the provider.
  if (failed.some((p) => p.reading.reason === 'cancelled')) return []
  const findings: PreflightFinding[] = []
  // No host on these: the provider is one for the whole fleet.
  const add = (f: PreflightFinding) => findings.push(f)
  const reason = (p: MetricsProbe) => p.reading.reason ?? 'no reason given'
  const of = (cause: MetricReading['cause']) => failed.filter((p) => p.reading.cause === cause)

  // The keys and the endpoint fail every query alike: one finding, not one per query.
  const refused = of('credentials')
  if (refused.length > 0)
    add({
      kind: 'metrics-credentials',
      severity: 'error',
      title: `${ctx.label} refused the credentials`,
      message: `${reason(refused[0])}: every metric rule stays unknown until ${ctx.credentials} are fixed`
    })
  const unreachable = of('unreachable')
  const allUnreachable = unreachable.length > 0 && unreachable.length === failed.length
  if (allUnreachable && failed.length === probes.length)
    add({
      kind: 'metrics-unreachable',
      severity: 'error',
      title: `${ctx.label} did not answer`,
      message: `${reason(unreachable[0])}: every metric rule stays unknown while it does not; check ${ctx.where}`
    })
  const limited = of('rate-limited')
  if (limited.length > 0)
    add({
      kind: 'metrics-rate-limited',
      severity: 'warning',
      title: `${ctx.label} is rate limiting`,
      message: `${reason(limited[0])}: ${limited.map((p) => p.input).join(', ')} could not be checked; readings are unknown (never a breach) until the limit resets`
    })
  for (const p of failed) {
    const cause = p.reading.cause
    if (cause === 'credentials' || cause === 'rate-limited') continue
    if (cause === 'unreachable' && allUnreachable && failed.length === probes.length) continue
    const severity = SECONDARY.has(p.input) ? 'warning' : 'error'
    if (cause === 'no-data')
      add({
        kind: 'metrics-no-data',
        severity,
        title: `${p.input} returned nothing`,
        message: `${p.input} returned no data from ${ctx.label} (${reason(p)}): its rule stays unknown; check the query against the service's metrics`
      })
    else if (cause === 'rejected')
      add({
        kind: 'metrics-rejected',
        severity,
        title: `${ctx.label} could not run ${p.input}`,
        message: `${reason(p)}: its rule stays unknown; write ${p.input} in ${ctx.label}'s query language`
      })
    else
      add({
        kind: 'metrics-failed',
        severity,
        title: `${p.input} could not be read`,
        message: `${reason(p)}: its rule stays unknown while this lasts`
      })
  }
  return findings
}

/** The one log line when every query returned data. */
export function metricsPassedLine(probes: readonly MetricsProbe[], label: string): string {
  return `${label} preflight: ok, ${probes.length === 1 ? 'the query' : `all ${probes.length} queries`} returned data (${probes.map((p) => p.input).join(', ')})`
}
