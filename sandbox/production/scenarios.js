// The demo's versions: the good one and, per scenario, what the bad new one does.

/** The good previous version and, per scenario, the bad new one. */
export const GOOD = { version: 'v1', errorRate: 0.01, latencyMs: 40, health: 'up' }

/** What each scenario's bad version does (state of the service plus files on the host). */
export const SCENARIOS = {
  errors: { state: { errorRate: 0.6 }, story: 'the new version fails 60% of requests (HTTP 500)' },
  slow: { state: { latencyMs: 6000 }, story: 'the new version answers in 6 s (p95 6 s)' },
  down: { state: { health: 'down', errorRate: 1 }, story: 'the new version is down (/health 503)' },
  flaky: { state: { errorRate: 0.2 }, story: 'the new version fails 20% of requests' },
  elevated: { state: { errorRate: 0.07 }, story: 'the new version fails 7% of requests' },
  degraded: { state: { latencyMs: 3000 }, story: 'the new version answers in 3 s (p95 3 s)' },
  corruption: {
    files: ['data/corruption_detected'],
    story: 'the new version corrupts data (data/corruption_detected)'
  },
  database: { files: ['data/db_down'], story: 'the database check fails after the migration' },
  cache: { files: ['data/cache_down'], story: 'the cache check fails after the deploy' },
  'critical-errors': {
    log: [
      'FATAL database connection failed: could not connect to postgres',
      'panic: out of memory'
    ],
    story: 'the new version logs critical errors (database connection failed, out of memory)'
  },
  security: {
    log: [
      'WARN unauthorized access to /admin from 203.0.113.7',
      'ALERT possible breach: malicious payload'
    ],
    story: 'the logs show a security alert (unauthorized access, breach)'
  },
  healthy: { state: {}, story: 'the new version is healthy' },
  blip: { state: {}, blip: true, story: 'one failed health probe, then healthy' }
}
