// What must NOT roll back, and the faults that are not production's, end to end through the
// bundle (a healthy run is in networks.e2e.test.ts, through a proxy): a security alert (isolate, never roll back), secrets in URLs, a wrong host key, bad input,
// cancellation (mid-watch, mid-rollback once and twice) and a monitoring outage. The warnings and
// blips of the runbook are tested on recorded scenarios (__tests__/scenarios) and in main.test.ts.
import { jest } from '@jest/globals'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { processRunning } from '../../sandbox/sshd.js'
import { runAction } from '../../sandbox/run-action.js'
import {
  callLines,
  E2E_TIMEOUT,
  noKeyLeft,
  requireBundle,
  runScenario,
  useProduction,
  visibleLog
} from './harness.js'

jest.setTimeout(E2E_TIMEOUT)

const production = useProduction()

describe('end to end: no rollback', () => {
  it('security-breach: evidence, then isolate, never a rollback; a security issue with the runbook steps', async () => {
    const { run, production: p } = await runScenario(production, 'security', {
      inputs: {
        'evidence-command': 'cp logs/app.log evidence.log',
        'isolate-command': 'bash deploy/restart.sh isolate'
      }
    })
    expect(run.outputs).toMatchObject({
      decision: 'isolate',
      rule: 'security-breach',
      severity: 'P1',
      'rollback-status': 'blocked'
    })
    expect(run.code).not.toBe(0)
    // The preflight's read-only --list, then only the isolation.
    expect(callLines(p)).toEqual(['rollback.sh --list', 'restart.sh isolate'])
    const issue = p.github.issues[0]
    expect(issue.title).toContain('Security')
    expect(issue.body).toMatch(/security team/i)
    expect(issue.body).toMatch(/Level 3/)
  })
})

describe('end to end: secrets in URLs', () => {
  it('a token and a password in health-url, a key in prometheus-url: masked, shown redacted, in no log, issue, summary, output or trace', async () => {
    const TOKEN = 'e2eHealthT0kenXyz'
    const PASSWORD = 'e2ePassw0rdXyz'
    const PROM_KEY = 'e2ePromK3yXyz'
    const { run, production: p } = await runScenario(production, 'errors', {
      // The test service and Prometheus ignore what they do not know: the requests still work.
      inputs: (x) => ({
        'health-url': `${x.healthUrl.replace('http://', `http://watcher:${PASSWORD}@`)}?token=${TOKEN}`,
        'prometheus-url': `${x.prometheus.url}?api_key=${PROM_KEY}`
      })
    })
    expect(run.outputs).toMatchObject({
      decision: 'rollback',
      rule: 'error-rate-critical',
      'rollback-status': 'succeeded'
    })
    // The runner is told to mask each secret (and the URLs as written).
    for (const secret of [TOKEN, PASSWORD, PROM_KEY])
      expect(run.stdout).toContain(`::add-mask::${secret}`)
    const github = [
      ...p.github.issues.map((i: { title: string; body: string }) => `${i.title}\n${i.body}`),
      ...p.github.comments.map((c: { body: string }) => c.body),
      ...p.github.requests.map(
        (r: { path: string; body: unknown }) => `${r.path} ${JSON.stringify(r.body)}`
      )
    ].join('\n')
    const shown = [
      visibleLog(run),
      JSON.stringify(run.outputs),
      run.summary,
      run.leftoverText(), // the decision trace
      github
    ].join('\n')
    for (const secret of [TOKEN, PASSWORD, PROM_KEY]) expect(shown).not.toContain(secret)
    // The URLs are shown, redacted, where a person needs them.
    const issue = p.github.issues[0].body
    expect(issue).toMatch(
      /curl -sS -i 'http:\/\/watcher:\*\*\*@127\.0\.0\.1:\d+\/health\?token=\*\*\*'/
    )
    expect(issue).toMatch(/curl -sG 'http:\/\/127\.0\.0\.1:\d+\/api\/v1\/query\?api_key=\*\*\*'/)
    expect(visibleLog(run)).toMatch(
      /health GET http:\/\/watcher:\*\*\*@127\.0\.0\.1:\d+\/health\?token=\*\*\*/
    )
    expect(run.leftoverText()).toContain('?token=***')
  })
})

describe('end to end: faults are reported for what they are', () => {
  it('a wrong host key: the rollback fails with the SSH reason, no command ran on the host', async () => {
    const { run, production: p } = await runScenario(production, 'errors', {
      inputs: (x) => ({ 'ssh-known-hosts': x.sshd.wrongKnownHosts })
    })
    expect(run.outputs).toMatchObject({ decision: 'rollback', 'rollback-status': 'failed' })
    expect(visibleLog(run)).toMatch(/host key/i)
    expect(run.code).not.toBe(0)
    expect(p.calls()).toEqual([])
  })

  it('bad input: exits non-zero naming the input before any request reaches the service', async () => {
    requireBundle()
    let hits = 0
    const server = http.createServer((_req, res) => {
      hits++
      res.end('ok')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`
    try {
      for (const [inputs, message] of [
        [{ 'probe-interval': '90x' }, "probe-interval '90x' is not a duration"],
        [{ 'rollback-target': 'b1;reboot' }, 'rollback-target "b1;reboot" is not allowed'],
        [{ 'rollback-target': '-rf' }, 'rollback-target "-rf" is not allowed']
      ] as const) {
        const run = await runAction({ inputs: { 'health-url': url, ...inputs }, timeoutMs: 30_000 })
        try {
          expect(run.code).not.toBe(0)
          expect(run.stdout).toContain(message)
          expect(run.outputs.decision).toBe('bad-input')
        } finally {
          run.cleanup()
        }
      }
      expect(hits).toBe(0)
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })

  it('cancelled: SIGTERM mid-watch exits within a second, says cancelled, leaves no key and no ssh behind', async () => {
    const { run, production: p } = await runScenario(production, 'healthy', {
      inputs: { 'watch-duration': '60s' },
      sigtermAfterMs: 4_000
    })
    expect(run.code).not.toBe(0)
    expect(run.exitAfterSigtermMs).toBeLessThan(1_000)
    expect(run.outputs.decision).toBe('cancelled')
    expect(visibleLog(run)).toMatch(/cancelled/)
    expect(noKeyLeft(run)).toBe(true)
    // The host checks ran over the shared connection, whose master went with the action.
    expect(visibleLog(run)).toMatch(
      /SSH preflight to .*: ok \(\d+ ms\); later commands share one connection/
    )
    const master = `ControlPath=${run.runnerTemp}`
    for (let i = 0; i < 20 && processRunning(master); i++) await sleep(100)
    expect(processRunning(master)).toBe(false)
    expect(callLines(p)).toEqual(['rollback.sh --list']) // the preflight's, nothing else
  })

  it('cancelled mid-rollback: the first signal lets rollback.sh finish, starts nothing else, and still opens the incident', async () => {
    const { run, production: p } = await runScenario(production, 'errors', {
      prepare: (x) => x.slowRollback(3),
      signalOn: { match: (line) => /^Level 1 rollback: bash /.test(line), signal: 'SIGINT' }
    })
    const log = visibleLog(run)
    expect(log).toMatch(
      /SIGINT received during the Level 1 rollback: letting the command in flight on the host finish/
    )
    // rollback.sh ran to its end (production is back on v1); nothing ran after it.
    expect(p.liveVersion()).toBe('v1')
    expect(callLines(p)).toEqual(['rollback.sh --list', 'rollback.sh --quick']) // preflight, Level 1
    expect(run.exitAfterSignalMs).toBeGreaterThanOrEqual(1_500)
    expect(run.code).not.toBe(0)
    expect(run.outputs).toMatchObject({
      decision: 'cancelled',
      rule: 'error-rate-critical',
      'rollback-level': '1',
      'rollback-status': 'failed'
    })
    expect(run.summary).toContain('## ⏹️ Cancelled during the Level 1 rollback — check production')
    expect(log).toMatch(
      /cancelled while acting on the host: cancelled during Level 1: bash deploy\/rollback\/rollback\.sh --quick exit 0; validation and verification did not run/
    )
    // The maintainers hear of it: the incident, then the FAILED comment.
    expect(p.github.issues).toHaveLength(1)
    const comments = p.github.comments.map((c: { body: string }) => c.body).join('\n')
    expect(comments).toContain('cancelled during Level 1')
    expect(noKeyLeft(run)).toBe(true)
    expect(processRunning(`ControlPath=${run.runnerTemp}`)).toBe(false)
  })

  it('cancelled mid-rollback twice (SIGINT, then SIGTERM): the second signal stops rollback.sh at once', async () => {
    const { run, production: p } = await runScenario(production, 'errors', {
      prepare: (x) => x.slowRollback(4),
      signalOn: {
        match: (line) => /^Level 1 rollback: bash /.test(line),
        signal: 'SIGINT',
        thenAfterMs: 1_000
      }
    })
    expect(visibleLog(run)).toMatch(/SIGTERM received again: stopping the command on the host/)
    // The 4 s rollback.sh ended with the SIGTERM 1 s in (the decision trace keeps its steps).
    const traceFile = run.leftInRunnerTemp.find((f: string) => f.endsWith('.json'))!
    const trace = JSON.parse(fs.readFileSync(path.join(run.runnerTemp, traceFile), 'utf8'))
    expect(trace.steps).toEqual([
      expect.objectContaining({ name: 'rollback', exitCode: null, note: 'cancelled' })
    ])
    expect(trace.steps[0].durationMs).toBeLessThan(2_500)
    expect(run.outputs).toMatchObject({ decision: 'cancelled', 'rollback-status': 'failed' })
    // Killed, not merely abandoned: it never gets to switch production back.
    await sleep(4_000)
    expect(p.liveVersion()).toBe('v2')
    expect(noKeyLeft(run)).toBe(true)
  })

  // Last in the file: it stops this file's Prometheus.
  it('monitoring outage: Prometheus down during the watch → inconclusive, never a rollback', async () => {
    const { run, production: p } = await runScenario(production, 'flaky', {
      inputs: { 'watch-duration': '6s' },
      during: (x) => void x.prometheus.stop()
    })
    expect(run.outputs).toMatchObject({
      decision: 'inconclusive',
      rule: 'monitoring-outage',
      'rollback-status': 'not-needed'
    })
    expect(run.outputs.reason).toMatch(/connection refused/i)
    expect(run.code).not.toBe(0) // fail-on-inconclusive defaults to true
    expect(callLines(p)).toEqual(['rollback.sh --list']) // the preflight's, nothing else
    expect(p.github.issues).toHaveLength(0)
  })
})
