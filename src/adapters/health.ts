// The health probe (runbook step 1.1): one GET/HEAD of health-url, re-probed quickly when it
// fails so that one lost packet is not an outage. Never throws; header values are never logged.
import { performance } from 'node:perf_hooks'
import { formatDuration } from '../lib/duration.js'
import type { HealthReading, Policy } from '../runbook/types.js'
import type { HealthSettings } from '../settings/types.js'
import { createHttpClient, type NetworkOptions } from './http.js'
import type { HealthProbe } from './ports.js'

/** The part of the body kept for expected-version checks and reports. */
export const HEALTH_BODY_LIMIT = 64 * 1024
/** Larger answers are refused ("response body too large") rather than buffered without end. */
const MAX_CONTENT_LENGTH = 8 * 1024 * 1024

export interface HealthDeps {
  /** Resolves after ms, or early (without throwing) when the signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

type Attempt = HealthReading & { body?: string }

/** "HTTP 404 — check health-url": a 4xx is usually our configuration, not production. */
export function clientErrorReason(status: number, method: string): string {
  if (status === 401 || status === 403 || status === 407)
    return `HTTP ${status} — missing or wrong auth: check health-headers`
  if (status === 405) return `HTTP ${status} — method ${method} not allowed: check health-method`
  if (status === 404 || status === 410) return `HTTP ${status} — check health-url`
  return `HTTP ${status} — check health-url and health-headers`
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)}s`
}

/** `network`: the ca-certificate and the environment the proxy variables are read from. */
export function createHealthProbe(
  settings: HealthSettings,
  policy: Policy,
  deps: HealthDeps,
  network: NetworkOptions = {}
): HealthProbe {
  const { timeoutMs, slowMs, confirm, confirmIntervalMs } = policy.health
  const request = createHttpClient(network)

  async function attempt(signal?: AbortSignal): Promise<Attempt> {
    const started = performance.now()
    const res = await request({
      url: settings.url,
      method: settings.method,
      headers: { 'User-Agent': 'rollback-sentinel', ...settings.headers },
      maxBodyBytes: MAX_CONTENT_LENGTH,
      timeoutMs,
      signal
    })
    if (!res.ok) {
      if (res.kind === 'cancelled') return { status: 'unknown', reason: 'cancelled' }
      return { status: 'down', reason: res.reason, noAnswer: res.kind }
    }
    const latencyMs = Math.round(performance.now() - started)
    const httpStatus = res.status
    const raw = res.body
    const body = raw.length > HEALTH_BODY_LIMIT ? raw.slice(0, HEALTH_BODY_LIMIT) : raw
    if (httpStatus >= 200 && httpStatus < 400) {
      if (latencyMs > slowMs)
        return {
          status: 'slow',
          httpStatus,
          latencyMs,
          body,
          reason: `slow: answered in ${seconds(latencyMs)} (slow above ${formatDuration(slowMs)})`
        }
      return { status: 'up', httpStatus, latencyMs, body }
    }
    const reason =
      httpStatus >= 400 && httpStatus < 500
        ? clientErrorReason(httpStatus, settings.method)
        : `HTTP ${httpStatus}`
    return { status: 'down', httpStatus, latencyMs, body, reason }
  }

  return {
    async probe(signal?: AbortSignal) {
      const cancelled = (failedAttempts: number): Attempt => ({
        status: 'unknown',
        reason: 'cancelled',
        failedAttempts
      })
      let failed = 0
      let last: Attempt | undefined
      for (let i = 0; i <= confirm; i++) {
        if (i > 0) await deps.sleep(confirmIntervalMs, signal)
        if (signal?.aborted) return cancelled(failed)
        const result = await attempt(signal)
        if (result.status === 'unknown' || signal?.aborted) return cancelled(failed)
        if (result.status === 'up' || result.status === 'slow')
          return { ...result, failedAttempts: failed }
        failed++
        last = result
      }
      return { ...(last as Attempt), status: 'down', failedAttempts: failed }
    }
  }
}
