// The demo's runbook policy and Prometheus queries, with windows short enough for tests.

/** Short windows so that a scenario takes seconds, not the runbook's minutes. */
export function demoPolicy({ rateWindow = '10s' } = {}) {
  // Verification judges the last sample: its rate window must hold only post-rollback traffic.
  const verify = { '3s': '4s', '5s': '6s', '10s': '12s' }[rateWindow] ?? '20s'
  return [
    '# Demo policy: the runbook rules with short windows (the runbook says 5m / 15m).',
    'health: { timeout: 3s, slow: 2s, confirm: 2, confirm-interval: 300ms, version-wait: 20s }',
    'error-rate: { critical: 0.50, high: 0.10, elevated: 0.05, high-window: 12s, elevated-window: 24s }',
    'latency: { severe: 5, degraded: 2, severe-window: 12s, degraded-window: 24s }',
    'down: { restart-before: 2m, level-2-after: 5m }',
    'unknown-limit: 4',
    'host-checks:',
    '  every: 1',
    '  timeout: 5s',
    '  corruption: "test -f data/corruption_detected"',
    '  database: "test ! -f data/db_down"',
    '  cache: "test ! -f data/cache_down"',
    '  security: "grep -i -E \'security|breach|unauthorized|malicious\' logs/app.log || true"',
    '  error-log: "tail -n 200 logs/app.log"',
    `rollback: { max-level: 3, timeouts: { 1: 30s, 2: 30s, 3: 30s }, verify: ${verify}, backup-max-age: 24h }`,
    ''
  ].join('\n')
}

export function demoQueries(window = '10s') {
  return {
    errorRate: `(sum(rate(http_requests_total{status=~"5.."}[${window}])) or vector(0)) / sum(rate(http_requests_total[${window}]))`,
    latency: `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[${window}])))`,
    requestRate: `sum(rate(http_requests_total[${window}]))`
  }
}
