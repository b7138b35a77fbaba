import { DEFAULT_POLICY } from '../../src/runbook/defaults.js'
import { loadPolicy } from '../../src/settings/policy.js'

describe('loadPolicy', () => {
  it('gives the runbook defaults for an empty file', () => {
    expect(loadPolicy('')).toEqual(DEFAULT_POLICY)
    expect(loadPolicy('# nothing set\n')).toEqual(DEFAULT_POLICY)
  })

  it('keeps the runbook numbers as defaults', () => {
    const p = loadPolicy('')
    expect(p.errorRate).toMatchObject({ critical: 0.5, high: 0.1, elevated: 0.05 })
    expect(p.errorRate.highWindowMs).toBe(5 * 60_000)
    expect(p.errorRate.elevatedWindowMs).toBe(15 * 60_000)
    expect(p.latency).toMatchObject({ severe: 5, degraded: 2 })
    expect(p.down).toEqual({ restartBeforeMs: 120_000, level2AfterMs: 300_000 })
    expect(p.rollback.timeoutsMs).toEqual({ 1: 300_000, 2: 900_000, 3: 1_800_000 })
    expect(p.rollback.backupMaxAgeMs).toBe(24 * 3_600_000)
    expect(p.onStable).toBe('warn')
    expect(p.unknownLimit).toBe(4)
  })

  it('reads every documented key', () => {
    const p = loadPolicy(`
health: { timeout: 3s, slow: 1500ms, confirm: 3, confirm-interval: 500ms, version-wait: 30s }
error-rate: { critical: 0.4, high: 0.2, elevated: 0.02, high-window: 1m, elevated-window: 2m, min-requests: 1.5 }
latency: { severe: 3, degraded: 1, severe-window: 30s, degraded-window: 1m30s }
down: { restart-before: 1m, level-2-after: 3m }
on-stable: rollback
unknown-limit: 6
trend-tolerance: 0.2
host-checks: { every: 2, timeout: 5s, corruption: "test -f /data/corruption_detected", database: "", cache: "redis-cli ping", security: "grep -i breach app.log", error-log: "tail -n 100 app.log" }
error-patterns: { critical: ["panic"], medium: ["slow"], low: ["404"] }
rollback: { max-level: 2, timeouts: { 1: 2m, 3: 10m }, verify: 1m, backup-max-age: 6h }
`)
    expect(p.health).toEqual({
      timeoutMs: 3000,
      slowMs: 1500,
      confirm: 3,
      confirmIntervalMs: 500,
      versionWaitMs: 30_000
    })
    expect(p.errorRate).toEqual({
      critical: 0.4,
      high: 0.2,
      elevated: 0.02,
      highWindowMs: 60_000,
      elevatedWindowMs: 120_000,
      minRequests: 1.5
    })
    expect(p.latency).toEqual({
      severe: 3,
      degraded: 1,
      severeWindowMs: 30_000,
      degradedWindowMs: 90_000
    })
    expect(p.down).toEqual({ restartBeforeMs: 60_000, level2AfterMs: 180_000 })
    expect(p.onStable).toBe('rollback')
    expect(p.unknownLimit).toBe(6)
    expect(p.trendTolerance).toBe(0.2)
    expect(p.hostChecks).toMatchObject({
      every: 2,
      timeoutMs: 5000,
      cache: 'redis-cli ping',
      database: ''
    })
    expect(p.errorPatterns).toEqual({ critical: ['panic'], medium: ['slow'], low: ['404'] })
    expect(p.rollback).toEqual({
      maxLevel: 2,
      timeoutsMs: { 1: 120_000, 2: 900_000, 3: 600_000 },
      verifyMs: 60_000,
      backupMaxAgeMs: 6 * 3_600_000,
      maxParallel: 4
    })
  })

  it('does not share state between calls', () => {
    const a = loadPolicy('')
    a.errorRate.high = 0.3
    expect(loadPolicy('').errorRate.high).toBe(0.1)
  })

  it.each([
    [
      'unknown top-level key',
      'errorrate: { high: 0.1 }',
      /policy key errorrate is unknown: expected one of .*error-rate/
    ],
    [
      'unknown nested key',
      'health: { timout: 5s }',
      /policy key health\.timout is unknown: expected one of timeout, slow/
    ],
    [
      'wrong type (number for duration)',
      'health: { timeout: 10 }',
      /health\.timeout: 10 is not a duration: use e\.g\./
    ],
    [
      'not a duration',
      "health: { slow: '5 seconds' }",
      /health\.slow: '5 seconds' is not a duration/
    ],
    [
      'zero duration',
      'error-rate: { high-window: 0s }',
      /error-rate\.high-window: '0s' is not a positive duration/
    ],
    [
      'negative duration',
      'down: { restart-before: -2m }',
      /down\.restart-before: '-2m' is not a duration/
    ],
    [
      'fraction above 1',
      'error-rate: { critical: 50 }',
      /error-rate\.critical: 50 is not a fraction from 0 to 1/
    ],
    [
      'negative fraction',
      'error-rate: { elevated: -0.1 }',
      /error-rate\.elevated: -0\.1 is not a fraction/
    ],
    [
      'fraction as string',
      "error-rate: { high: '10%' }",
      /error-rate\.high: '10%' is not a fraction/
    ],
    [
      'error thresholds out of order',
      'error-rate: { high: 0.6 }',
      /need elevated < high < critical, got elevated 0\.05, high 0\.6, critical 0\.5/
    ],
    ['elevated equal to high', 'error-rate: { elevated: 0.1 }', /need elevated < high < critical/],
    [
      'latency out of order',
      'latency: { degraded: 6 }',
      /need degraded < severe, got degraded 6, severe 5/
    ],
    ['on-stable not an option', 'on-stable: maybe', /on-stable: 'maybe' is not warn or rollback/],
    [
      'unknown-limit zero',
      'unknown-limit: 0',
      /unknown-limit: 0 is not a whole number \(1 or more\)/
    ],
    [
      'confirm not whole',
      'health: { confirm: 1.5 }',
      /health\.confirm: 1\.5 is not a whole number/
    ],
    ['max-level 4', 'rollback: { max-level: 4 }', /rollback\.max-level: 4 is not 1, 2 or 3/],
    [
      'timeouts unknown level',
      'rollback: { timeouts: { 4: 5m } }',
      /rollback\.timeouts\.4: unknown level/
    ],
    [
      'bad regex',
      "error-patterns: { critical: ['(unclosed'] }",
      /error-patterns\.critical: '\(unclosed' is not a valid regular expression/
    ],
    [
      'patterns not a list',
      'error-patterns: { low: 404 }',
      /error-patterns\.low: 404 is not a list of regular expressions/
    ],
    ['section not a mapping', 'health: 5s', /policy key health: '5s' is not a mapping/],
    ['not a mapping at all', '- a\n- b', /must be a YAML mapping of policy keys/],
    ['not YAML', 'health: { timeout: 5s', /is not valid YAML/],
    [
      'host check not a string',
      'host-checks: { database: 1 }',
      /host-checks\.database: 1 is not a command/
    ],
    [
      'restart window after level-2 window',
      'down: { restart-before: 10m }',
      /need restart-before <= level-2-after/
    ]
  ])('rejects %s', (_name, yaml, message) => {
    expect(() => loadPolicy(yaml)).toThrow(message)
  })
})
