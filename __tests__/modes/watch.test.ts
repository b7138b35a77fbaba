// main.run() with fakes of every adapter (clock, probes, host, GitHub) and a double of
// @actions/core: the whole flow — setup, watch, response, report, outputs, exit status — in
// milliseconds of fake time. Real parts are tested in the adapters' own tests and end to end.
import { jest } from '@jest/globals'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as core from '../../__fixtures__/core.js'
import type { Adapters } from '../../src/adapters/all.js'
import type { RemoteResult } from '../../src/adapters/ports.js'
import type { HealthReading, MetricReading } from '../../src/runbook/types.js'
import { fakeGitHub } from '../../__fixtures__/github.js'
import { fakeHost, ranOk } from '../../__fixtures__/adapters.js'

jest.unstable_mockModule('@actions/core', () => core)
const { run } = await import('../../src/main.js')

const KEY =
  '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAAfakeKEYmaterial\n-----END OPENSSH PRIVATE KEY-----'
const T0 = Date.UTC(2026, 10, 27, 12, 0, 0)

/** What production does: the new version (bad) until a rollback switches back to the good one. */
interface World {
  live: 'new' | 'previous'
  /** The new version's error rate and health. */
  errorRate: number
  health: 'up' | 'down' | 'tls'
  /** What health says once rolled back ('tls': the runner still cannot reach it). */
  healthAfterRollback: 'up' | 'tls'
  /** Every command run on the host. */
  commands: string[]
  /** What a command answers on the host (default: exit 0, no output). */
  answers: Record<string, Partial<RemoteResult>>
  probes: number
}

function world(over: Partial<World> = {}): World {
  return {
    live: 'new',
    errorRate: 0.004,
    health: 'up',
    healthAfterRollback: 'up',
    commands: [],
    answers: {},
    probes: 0,
    ...over
  }
}

function adapters(w: World, over: Partial<Adapters> = {}) {
  let now = T0
  const github = fakeGitHub()
  const host = fakeHost((line) => {
    w.commands.push(line)
    if (line.includes('rollback.sh --quick')) w.live = 'previous'
    // The previous version has no cache or log trouble.
    if (w.live === 'previous') return undefined
    return { ...ranOk(), ...w.answers[line] }
  })
  const health = (): HealthReading => {
    const state = w.live === 'new' ? w.health : w.healthAfterRollback
    if (state === 'up') return { status: 'up', httpStatus: 200, latencyMs: 40, failedAttempts: 0 }
    if (state === 'down')
      return { status: 'down', httpStatus: 503, reason: 'HTTP 503', failedAttempts: 3 }
    return {
      status: 'down',
      reason:
        'TLS failure (SELF_SIGNED_CERT_IN_CHAIN): self-signed certificate in certificate chain',
      noAnswer: 'tls',
      failedAttempts: 3
    }
  }
  const measured = (value: number): MetricReading => ({ status: 'measured', value })
  const a: Adapters = {
    clock: {
      now: () => now,
      sleep: async (ms) => {
        now += Math.max(0, ms)
      }
    },
    env: {
      GITHUB_WORKSPACE: tmp,
      GITHUB_REPOSITORY: 'acme/spacetime',
      GITHUB_RUN_ID: '77',
      GITHUB_SHA: 'd6cd1e2bd19e03a81132a23b2025920577f84e37',
      RUNNER_TEMP: tmp
    },
    healthProbe: () => ({
      probe: async () => {
        w.probes++
        return health()
      }
    }),
    metrics: (settings) => ({
      query: async (q, at) => {
        const p = settings.metrics!.queries
        // Before the deploy (the baseline) and after a rollback: the previous version.
        const errors = w.live === 'new' && at >= T0 ? w.errorRate : 0.002
        if (q === p.errorRate || q === p.fastErrorRate) return measured(errors)
        if (q === p.latency) return measured(0.12)
        return measured(212)
      }
    }),
    metricsHistory: () => undefined,
    connect: async (settings) => (settings.ssh ? host : undefined),
    checkKey: async () => null,
    github: () => github,
    webhook: () => undefined,
    readEvent: () => ({}),
    disposeAllSync: () => {},
    ...over
  }
  return { adapters: a, github }
}

const INPUTS = {
  'health-url': 'https://spacetime.example.com/health',
  'prometheus-url': 'https://prometheus.example.com',
  'watch-duration': '2m',
  'probe-interval': '10s',
  'ssh-host': 'deploy.example.com',
  'ssh-user': 'deploy',
  'ssh-private-key': KEY,
  'ssh-known-hosts': 'deploy.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIfake',
  'github-token': 'ghs_fakeTokenForTheMainTest',
  // The host's readiness has its own tests below; the others see only the connection check.
  preflight: 'off'
}

let tmp: string
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rbs-main-'))
  core.reset(INPUTS)
})
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }))

describe('main.run with fake adapters', () => {
  it('a healthy deploy: watched to the end, nothing but the preflight ran, no issue, exit 0', async () => {
    const w = world()
    const { adapters: a, github } = adapters(w)
    await run(a)
    expect(core.outputs).toMatchObject({ decision: 'healthy', 'rollback-status': 'not-needed' })
    expect(Number(core.outputs.samples)).toBe(13) // 0s … 120s every 10s
    expect(w.commands).toEqual(['true'])
    expect(github.issues).toHaveLength(0)
    expect(core.failed).toBeUndefined()
    expect(core.summaries.join('')).toContain('## ✅ Healthy')
  })

  it('error-rate-critical: Level 1 on the host, verified, the P1 issue and its RESOLVED comment', async () => {
    const w = world({ errorRate: 0.62 })
    const { adapters: a, github } = adapters(w)
    await run(a)
    expect(core.outputs).toMatchObject({
      decision: 'rollback',
      rule: 'error-rate-critical',
      'rollback-level': '1',
      'rollback-status': 'succeeded',
      'issue-number': '1'
    })
    expect(w.commands).toEqual([
      'true',
      'bash deploy/rollback/rollback.sh --quick',
      'test -f deploy/rollback/validate_rollback.sh',
      'bash deploy/rollback/validate_rollback.sh',
      'test -f deploy/smoke_tests.sh',
      'bash deploy/smoke_tests.sh'
    ])
    expect(github.issues[0].title).toBe(
      '[RESOLVED] Rollback Complete - Service Restored: production — error-rate-critical'
    )
    expect(github.issues[0].body).toContain(
      '**Subject:** [P1] Production Down - Rollback in Progress: production — error-rate-critical'
    )
    expect(github.comments[0].body).toContain('[RESOLVED] Rollback Complete - Service Restored')
    expect(core.failed).toMatch(/^rolled back \(error-rate-critical, Level 1, succeeded\)/)
    expect(fs.existsSync(core.outputs['report-path'])).toBe(true)
  })

  it('preflight: rollback.sh missing → an error annotation at once, the watch still judges production healthy, the step fails after the report', async () => {
    core.reset({ ...INPUTS, preflight: 'fail' })
    const w = world({
      answers: {
        'test -f deploy/rollback/rollback.sh': { exitCode: 1 },
        'command -v bash': { exitCode: 0 }
      }
    })
    await run(adapters(w).adapters)
    expect(core.error).toHaveBeenCalledWith(
      'rollback-script deploy/rollback/rollback.sh is not in app-dir: no rollback level can run',
      { title: 'preflight: deploy/rollback/rollback.sh is missing' }
    )
    // The annotation came before the first probe's cycle line.
    const annotated = core.lines.findIndex((l) => l.startsWith('error: rollback-script'))
    const firstCycle = core.lines.findIndex((l) => l.startsWith('[watch +0s'))
    expect(annotated).toBeGreaterThanOrEqual(0)
    expect(annotated).toBeLessThan(firstCycle)
    expect(w.commands).not.toContain('bash deploy/rollback/rollback.sh --list')
    expect(core.outputs).toMatchObject({ decision: 'healthy', 'rollback-status': 'not-needed' })
    expect(core.failed).toMatch(/^preflight: deploy\/rollback\/rollback\.sh is missing/)
    expect(core.summaries.join('')).toContain('### Preflight')
    const trace = JSON.parse(fs.readFileSync(core.outputs['report-path'], 'utf8'))
    expect(trace.preflight.map((f: { kind: string }) => f.kind)).toEqual(['script-missing'])
  })

  it('preflight: warn reports the same finding as a warning and the step passes', async () => {
    core.reset({ ...INPUTS, preflight: 'warn' })
    const w = world({ answers: { 'test -f deploy/rollback/rollback.sh': { exitCode: 1 } } })
    await run(adapters(w).adapters)
    expect(core.warning).toHaveBeenCalledWith(
      'rollback-script deploy/rollback/rollback.sh is not in app-dir: no rollback level can run',
      { title: 'preflight: deploy/rollback/rollback.sh is missing' }
    )
    expect(core.outputs.decision).toBe('healthy')
    expect(core.failed).toBeUndefined()
  })

  /** A host whose rollback path is ready: the metric findings are the only ones. */
  const READY = {
    'command -v bash': { exitCode: 0 },
    'bash deploy/rollback/rollback.sh --list': { exitCode: 0, stdout: 'b1 2026-11-27T11:00:00Z\n' }
  }

  it('metric preflight: a query that returns nothing at the start → an error annotation naming the input at once, the watch still runs, the step fails after the report', async () => {
    core.reset({ ...INPUTS, preflight: 'fail' })
    const w = world({ answers: READY })
    const base = adapters(w).adapters
    let latencyReads = 0
    await run({
      ...base,
      metrics: (settings) => {
        const inner = base.metrics(settings)!
        return {
          query: async (q, at, signal) => {
            // The first latency read (the preflight's) finds no series; later ones have data.
            if (q === settings.metrics!.queries.latency && latencyReads++ === 0)
              return { status: 'unknown', value: null, reason: 'empty result', cause: 'no-data' }
            return inner.query(q, at, signal)
          }
        }
      }
    })
    expect(core.error).toHaveBeenCalledWith(
      "latency-query returned no data from Prometheus (empty result): its rule stays unknown; check the query against the service's metrics",
      { title: 'preflight: latency-query returned nothing' }
    )
    const annotated = core.lines.findIndex((l) => l.startsWith('error: latency-query'))
    const firstCycle = core.lines.findIndex((l) => l.startsWith('[watch +0s'))
    expect(annotated).toBeGreaterThanOrEqual(0)
    expect(annotated).toBeLessThan(firstCycle)
    expect(core.outputs).toMatchObject({ decision: 'healthy' })
    expect(core.failed).toMatch(
      /^preflight: latency-query returned nothing \(the metric rules cannot judge; set preflight: warn/
    )
    const trace = JSON.parse(fs.readFileSync(core.outputs['report-path'], 'utf8'))
    expect(trace.preflight.map((f: { kind: string }) => f.kind)).toEqual(['metrics-no-data'])
  })

  it('metric preflight: every query returned data → one line, no finding', async () => {
    core.reset({ ...INPUTS, preflight: 'fail' })
    await run(adapters(world({ answers: READY })).adapters)
    expect(
      core.lines.some((l) => /^Prometheus preflight: ok, all 4 queries returned data/.test(l))
    ).toBe(true)
    expect(core.failed).toBeUndefined()
  })

  it('a Windows runner fails at once: no settings read, no probe, no connection', async () => {
    const w = world()
    const connect = jest.fn<Adapters['connect']>()
    await run(adapters(w, { connect, platform: 'win32' }).adapters)
    expect(core.failed).toMatch(/^this runner is Windows: rollback-sentinel runs on Linux or macOS/)
    expect(core.outputs.decision).toBe('bad-input')
    expect(w.probes).toBe(0)
    expect(connect).not.toHaveBeenCalled()
  })

  it('bad input: fails naming the input, nothing is probed, nothing connects', async () => {
    core.reset({ ...INPUTS, 'probe-interval': '90x' })
    const w = world()
    const connect = jest.fn<Adapters['connect']>()
    await run(adapters(w, { connect }).adapters)
    expect(core.outputs.decision).toBe('bad-input')
    expect(core.failed).toBe(
      "bad input: probe-interval '90x' is not a duration: use e.g. 500ms, 15s, 2m, 1h or 1m30s"
    )
    expect(w.probes).toBe(0)
    expect(connect).not.toHaveBeenCalled()
  })

  it('a passphrase-protected key is bad input at setup: 0 probes, no command on the host', async () => {
    const w = world({ errorRate: 0.62 })
    const checkKey = async () =>
      'is protected by a passphrase, which the action cannot type: use a dedicated deploy key without one'
    await run(adapters(w, { checkKey }).adapters)
    expect(core.outputs.decision).toBe('bad-input')
    expect(core.failed).toMatch(/^bad input: ssh-private-key is protected by a passphrase/)
    expect(w.probes).toBe(0)
    expect(w.commands).toEqual([])
  })

  it('unreachable-from-runner: health fails at TLS while Prometheus shows traffic → inconclusive, no rollback', async () => {
    const w = world({ health: 'tls' })
    const { adapters: a, github } = adapters(w)
    await run(a)
    expect(core.outputs).toMatchObject({
      decision: 'inconclusive',
      rule: 'monitoring-outage',
      'rollback-status': 'not-needed'
    })
    expect(core.outputs.reason).toContain(
      'health-url unreachable from this runner: TLS failure (SELF_SIGNED_CERT_IN_CHAIN)'
    )
    expect(core.outputs.reason).toContain('Prometheus shows 212 req/s at 0.4% errors')
    expect(w.commands).toEqual(['true'])
    expect(github.issues).toHaveLength(0)
  })

  it('no data-loss level on a contradicted signal: Level 1 ran cleanly, only health is unreachable → manual, never Level 2', async () => {
    const w = world({ errorRate: 0.62, healthAfterRollback: 'tls' })
    const { adapters: a, github } = adapters(w)
    await run(a)
    expect(core.outputs).toMatchObject({
      decision: 'rollback',
      'rollback-level': '1',
      'rollback-status': 'manual'
    })
    expect(w.commands.filter((c) => c.includes('/rollback.sh'))).toEqual([
      'bash deploy/rollback/rollback.sh --quick'
    ])
    expect(core.failed).toMatch(
      /^rollback stopped for a human: Level 1 ran cleanly and validate\/smoke tests pass on the host, but this runner gets no answer from health-url/
    )
    expect(github.comments.map((c) => c.body).join('\n')).toContain('manual')
    // Not confirmed healthy reads like a failure in the issue list.
    expect(github.issues[0].title).toBe(
      '[P1] Rollback FAILED - manual intervention required: production — error-rate-critical'
    )
  })

  it('service-down: never up since the deploy → Level 1 on the first cycle', async () => {
    const w = world({ health: 'down' })
    await run(adapters(w).adapters)
    expect(core.outputs).toMatchObject({
      rule: 'service-down',
      'rollback-level': '1',
      'rollback-status': 'succeeded',
      samples: '1'
    })
    expect(core.outputs.reason).toContain('never up since the deploy')
  })

  it('cache-failure (a host check): restart-command first, then Level 1 when the cache still fails', async () => {
    fs.writeFileSync(path.join(tmp, 'policy.yml'), 'host-checks: { cache: "check-cache" }\n')
    core.reset({ ...INPUTS, 'policy-file': 'policy.yml', 'restart-command': 'restart-app' })
    const w = world({
      answers: { 'check-cache': { exitCode: 1, stdout: 'redis: connection refused' } }
    })
    await run(adapters(w).adapters)
    expect(core.outputs).toMatchObject({
      rule: 'cache-failure',
      severity: 'P2',
      'rollback-level': '1',
      'rollback-status': 'succeeded'
    })
    const acted = w.commands.filter((c) => c !== 'check-cache' && c !== 'true')
    expect(acted.slice(0, 2)).toEqual(['restart-app', 'bash deploy/rollback/rollback.sh --quick'])
  })

  it('critical-errors (the host log): a database connection failure → Level 1 now', async () => {
    fs.writeFileSync(path.join(tmp, 'policy.yml'), 'host-checks: { error-log: "tail-log" }\n')
    core.reset({ ...INPUTS, 'policy-file': 'policy.yml' })
    const w = world({
      answers: { 'tail-log': { stdout: 'FATAL database connection failed: could not connect\n' } }
    })
    await run(adapters(w).adapters)
    expect(core.outputs).toMatchObject({ rule: 'critical-errors', 'rollback-level': '1' })
  })

  it('error-rate-elevated: 7% stable over its window → warn ("consider rollback"), exit 0, no issue', async () => {
    fs.writeFileSync(path.join(tmp, 'policy.yml'), 'error-rate: { elevated-window: 1m }\n')
    core.reset({ ...INPUTS, 'policy-file': 'policy.yml' })
    const w = world({ errorRate: 0.07 })
    const { adapters: a, github } = adapters(w)
    await run(a)
    expect(core.outputs).toMatchObject({
      decision: 'warn',
      rule: 'error-rate-elevated',
      severity: 'P3',
      'rollback-status': 'not-needed'
    })
    expect(core.failed).toBeUndefined()
    expect(w.commands).toEqual(['true'])
    expect(github.issues).toHaveLength(0)
  })

  it('notify-webhook: the watch posts the P1 lines and the issue link; the URL is masked and never shown', async () => {
    const hook = 'https://hooks.slack.com/services/T0/B0/mainTestSecretPath'
    core.reset({ ...INPUTS, 'notify-webhook': hook })
    const w = world({ errorRate: 0.62 })
    const posts: string[] = []
    const { adapters: a } = adapters(w, {
      webhook: (settings) =>
        settings.notify.webhook ? { post: async (text) => void posts.push(text) } : undefined
    })
    await run(a)
    expect(posts).toHaveLength(1)
    const lines = posts[0].split('\n')
    expect(lines[0]).toBe(
      '[P1] Production Down - Rollback in Progress: production — error-rate-critical'
    )
    // Slack's own escaping: the channel shows ">".
    expect(lines).toContain('Status: CRITICAL - Error Rate &gt; 50%')
    expect(lines[lines.length - 1]).toBe('Incident: https://github.com/acme/spacetime/issues/1')
    expect(posts[0]).toContain('Result: RESOLVED')
    expect(core.secrets).toContain(hook)
    expect([...core.lines, ...core.summaries].join('\n')).not.toContain('mainTestSecretPath')
  })

  it('secrets in health-url and prometheus-url: masked, shown redacted in the log, summary, outputs, trace, issue and chat', async () => {
    const healthUrl = 'https://user:pa55@spacetime.example.com/health?token=s3cr3t'
    const promUrl = 'https://prometheus.example.com/prom?api_key=pr0mk3y'
    core.reset({
      ...INPUTS,
      'health-url': healthUrl,
      'prometheus-url': promUrl,
      'notify-webhook': 'https://hooks.example.com/x/y/z'
    })
    const posts: string[] = []
    const { adapters: a, github } = adapters(world({ errorRate: 0.62 }), {
      webhook: () => ({ post: async (text) => void posts.push(text) })
    })
    await run(a)
    expect(core.outputs['rollback-status']).toBe('succeeded')
    expect(core.secrets).toEqual(
      expect.arrayContaining([healthUrl, 'pa55', 's3cr3t', promUrl, 'pr0mk3y'])
    )
    const trace = fs.readFileSync(core.outputs['report-path'], 'utf8')
    const shown = [
      ...core.lines,
      ...core.annotations.map((n) => n.message),
      ...core.summaries,
      JSON.stringify(core.outputs),
      trace,
      ...github.issues.map((i) => `${i.title}\n${i.body}`),
      ...github.comments.map((c) => c.body),
      ...posts
    ].join('\n')
    for (const secret of ['pa55', 's3cr3t', 'pr0mk3y']) expect(shown).not.toContain(secret)
    // Where the URL is shown, it is the redacted form (not dropped, not scrubbed whole).
    const healthShown = 'https://user:***@spacetime.example.com/health?token=***'
    expect(core.lines.some((l) => l.startsWith(`health GET ${healthShown}: timeout`))).toBe(true)
    expect(github.issues[0].body).toContain(`curl -sS -i '${healthShown}'`)
    expect(github.issues[0].body).toContain(
      "curl -sG 'https://prometheus.example.com/prom/api/v1/query?api_key=***'"
    )
    const settings = (JSON.parse(trace) as { settings: { health: { url: string } } }).settings
    expect(settings.health.url).toBe(healthShown)
  })

  it('notify-webhook: a failed post is a warning, the rollback result stands', async () => {
    core.reset({ ...INPUTS, 'notify-webhook': 'https://hooks.example.com/x/y/z' })
    const { adapters: a } = adapters(world({ errorRate: 0.62 }), {
      webhook: () => ({ post: async () => Promise.reject(new Error('no answer (ECONNREFUSED)')) })
    })
    await run(a)
    expect(core.outputs['rollback-status']).toBe('succeeded')
    expect(core.lines).toContain(
      'warning: notify-webhook: could not post (no answer (ECONNREFUSED)); nothing else is affected'
    )
  })
})
