// Shared by the watch scenarios: their recorder (__fixtures__/scenarios/record-scenarios.ts,
// against a real Prometheus) and their replays (__tests__/scenarios/*, under a fake clock).
import type { Decision } from '../src/runbook/types.js'

/** Decisions that act or warn: a healthy scenario must never see one. */
export const BREACH: Decision[] = ['rollback', 'warn', 'restart', 'isolate', 'manual']

/**
 * Short windows through the policy file, so a "5-minute rule" runs in 8 s: every other key keeps
 * the runbook's number. The health keys shape what the recorder's real probe did (2 re-probes
 * 200 ms apart), so the replay refuses settings whose health policy differs from the recording's.
 */
export function scenarioPolicy(errorRateExtra = ''): string {
  return [
    `error-rate: { high-window: 8s, elevated-window: 16s${errorRateExtra ? `, ${errorRateExtra}` : ''} }`,
    'latency: { severe-window: 8s, degraded-window: 16s }',
    'health: { confirm: 2, confirm-interval: 200ms, timeout: 2s, slow: 1500ms, version-wait: 3s }'
  ].join('\n')
}

/** The default queries' forms (`or vector(0)` kept) with [5s] windows, for one service only. */
export function queriesFor(service: { port: number }): Record<string, string> {
  const sel = `instance="127.0.0.1:${service.port}"`
  return {
    'error-rate-query': `(sum(rate(http_requests_total{${sel},status=~"5.."}[5s])) or vector(0)) / sum(rate(http_requests_total{${sel}}[5s]))`,
    'latency-query': `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{${sel}}[5s])))`,
    'request-rate-query': `sum(rate(http_requests_total{${sel}}[5s]))`
  }
}

/** Runs the assertions; on failure (or with WATCH_LOG set) prints the watch's own log first. */
export async function explain(
  log: string[],
  assertions: () => void | Promise<void>
): Promise<void> {
  try {
    if (process.env.WATCH_LOG) console.log(`watch log:\n${log.join('\n')}`)
    await assertions()
  } catch (err) {
    console.log(`watch log:\n${log.join('\n')}`)
    throw err
  }
}

/** setTimeouts that a test's afterEach clears if the test ends first. */
export function scheduledChanges(): { at(ms: number, fn: () => void): void; clear(): void } {
  const timers = new Set<NodeJS.Timeout>()
  return {
    at(ms, fn) {
      const t = setTimeout(() => {
        timers.delete(t)
        fn()
      }, ms)
      timers.add(t)
    },
    clear() {
      for (const t of timers) clearTimeout(t)
      timers.clear()
    }
  }
}
