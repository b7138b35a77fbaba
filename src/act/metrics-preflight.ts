// The metric provider's preflight: one instant reading of each configured query, all at once,
// through the same port the watch reads (so the keys, the endpoint, the proxy and the lag are the
// ones the watch will use). What the readings mean is decided in runbook/metrics-preflight.ts.
import type { MetricsSource } from '../adapters/ports.js'
import type { MetricsProbe } from '../runbook/metrics-preflight.js'
import type { MetricReading } from '../runbook/types.js'
import { Inputs } from '../settings/names.js'
import type { MetricQueries } from '../settings/types.js'

/** The configured queries by the input that holds them, in the order messages list them. */
export function queryInputs(queries: MetricQueries): Array<{ input: string; query: string }> {
  const all: Array<[string, string | undefined]> = [
    [Inputs.ErrorRateQuery, queries.errorRate],
    [Inputs.LatencyQuery, queries.latency],
    [Inputs.RequestRateQuery, queries.requestRate],
    [Inputs.ErrorRateFastQuery, queries.fastErrorRate]
  ]
  return all
    .filter((e): e is [string, string] => typeof e[1] === 'string' && e[1].trim() !== '')
    .map(([input, query]) => ({ input, query }))
}

export async function probeMetrics(
  source: MetricsSource,
  queries: MetricQueries,
  at: number,
  signal?: AbortSignal
): Promise<MetricsProbe[]> {
  return Promise.all(
    queryInputs(queries).map(async ({ input, query }) => ({
      input,
      // A port never throws by contract; a bug in one must not end the watch before it starts.
      reading: await source.query(query, at, signal).catch((e: unknown): MetricReading => ({
        status: 'unknown',
        value: null,
        reason: (e as Error)?.message ?? String(e)
      }))
    }))
  )
}
