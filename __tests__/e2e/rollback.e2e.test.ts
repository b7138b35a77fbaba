import { jest } from '@jest/globals'
// The bundled action (dist/index.js under Node 24) against the demo production: the runbook's
// rollback rows, escalation and dry run. Real Prometheus, real sshd, GitHub stand-in.
import { startProduction } from '../../sandbox/production.js'
import { runAction, sandboxInputs } from '../../sandbox/run-action.js'
import { E2E_TIMEOUT, githubCalls, requireBundle, runScenario, visibleLog } from './harness.js'

jest.setTimeout(E2E_TIMEOUT)

describe('end to end: rollbacks', () => {
  it('error-rate-critical: 60% errors → Level 1 now, verified, P1 issue then RESOLVED comment; no secret anywhere', async () => {
    const s = await runScenario('errors')
    try {
      const { run, production } = s
      expect(run.outputs).toMatchObject({
        decision: 'rollback',
        rule: 'error-rate-critical',
        severity: 'P1',
        'rollback-level': '1',
        'rollback-status': 'succeeded'
      })
      expect(run.outputs.reason).toMatch(/error rate \d+\.\d% > critical 50%/)
      expect(run.code).not.toBe(0) // fail-on-rollback defaults to true
      const calls = production
        .calls()
        .map((c: { script: string; args: string }) => `${c.script} ${c.args}`.trim())
      expect(calls).toEqual(['rollback.sh --quick', 'validate_rollback.sh', 'smoke_tests.sh'])
      expect(githubCalls(production)).toEqual(
        expect.arrayContaining(['POST /repos/acme/spacetime/issues'])
      )
      const issue = production.github.issues[0]
      // Opened as the P1 subject (kept as the body's first line), retitled once it recovered.
      expect(issue.title).toBe(
        '[RESOLVED] Rollback Complete - Service Restored: production — error-rate-critical'
      )
      expect(issue.body).toContain(
        '**Subject:** [P1] Production Down - Rollback in Progress: production — error-rate-critical'
      )
      const comments = production.github.comments.map((c: { body: string }) => c.body).join('\n')
      expect(comments).toContain('[RESOLVED] Rollback Complete - Service Restored')
      expect(run.outputs['issue-number']).toBe(String(issue.number))
      expect(run.summary).toContain('error-rate-critical')
      expect(run.summary).toContain('```mermaid')
      // Secrets: the key and the token never reach the log, outputs, summary, files or GitHub.
      const key = production.sshd.privateKey.trim().split('\n')[1]
      const token = 'ghs_sandboxTokenNotASecretButTreatedAsOne'
      const everything = [
        visibleLog(run),
        JSON.stringify(run.outputs),
        run.summary,
        run.leftoverText(),
        // The token rightly travels in the Authorization header; it must be in no body or path.
        JSON.stringify(
          production.github.requests.map((r: { path: string; body: unknown }) => [r.path, r.body])
        )
      ].join('\n')
      expect(everything).not.toContain(key)
      expect(everything).not.toContain(token)
      expect(run.leftInRunnerTemp.some((f: string) => /id_key|rollback-sentinel-ssh/.test(f))).toBe(
        false
      )
    } finally {
      await s.stop()
    }
  })

  it('service-down: never up since the deploy → Level 1', async () => {
    const s = await runScenario('down')
    try {
      expect(s.run.outputs).toMatchObject({
        decision: 'rollback',
        rule: 'service-down',
        'rollback-level': '1',
        'rollback-status': 'succeeded'
      })
      expect(s.run.outputs.reason).toContain('never up since the deploy')
      expect(s.production.calls()[0]).toMatchObject({ script: 'rollback.sh', args: '--quick' })
    } finally {
      await s.stop()
    }
  })

  it('latency-severe: p95 6 s sustained for the window → Level 1 (P2)', async () => {
    const s = await runScenario('slow')
    try {
      expect(s.run.outputs).toMatchObject({
        decision: 'rollback',
        rule: 'latency-severe',
        severity: 'P2',
        'rollback-level': '1'
      })
      expect(s.production.github.issues[0].body).toContain('**Subject:** [P2] Production Degraded')
    } finally {
      await s.stop()
    }
  })

  it('error-rate-high: 20% errors, not improving over the window → Level 1 (P2)', async () => {
    const s = await runScenario('flaky')
    try {
      expect(s.run.outputs).toMatchObject({
        decision: 'rollback',
        rule: 'error-rate-high',
        severity: 'P2',
        'rollback-level': '1'
      })
      // The runbook's 5-minute rule (12 s in the demo policy): never before the window completed.
      const rollbackAt = s.production.calls()[0].atMs
      expect(rollbackAt - s.deployedAt).toBeGreaterThanOrEqual(12_000)
    } finally {
      await s.stop()
    }
  })

  it('escalation: Level 1 fails → Level 2 with the newest backup from before the deploy', async () => {
    const s = await runScenario('errors', { prepare: (p) => p.failLevels([1]) })
    try {
      const newest = s.production.backups[s.production.backups.length - 1].id
      const calls = s.production
        .calls()
        .map((c: { script: string; args: string }) => `${c.script} ${c.args}`.trim())
      expect(calls).toEqual([
        'rollback.sh --quick',
        'rollback.sh --list',
        `rollback.sh --level 2 --target ${newest}`,
        'validate_rollback.sh',
        'smoke_tests.sh'
      ])
      expect(s.run.outputs).toMatchObject({
        'rollback-level': '2',
        'rollback-status': 'succeeded',
        'rollback-target': newest
      })
    } finally {
      await s.stop()
    }
  })

  it('dry run: decides and reports, runs no rollback script', async () => {
    const s = await runScenario('errors', { inputs: { 'dry-run': 'true' } })
    try {
      expect(s.run.outputs).toMatchObject({
        decision: 'rollback',
        rule: 'error-rate-critical',
        'rollback-status': 'skipped-dry-run'
      })
      expect(s.production.calls().filter((c: { args: string }) => c.args !== '--list')).toEqual([])
      expect(visibleLog(s.run)).toContain('[dry-run] would run')
    } finally {
      await s.stop()
    }
  })
})

describe('end to end: a re-run of the same workflow run', () => {
  it('finds its own incident with the rollback done and does not roll back again', async () => {
    requireBundle()
    const production = await startProduction()
    const runs: { cleanup: () => void }[] = []
    try {
      const first = async () => {
        const deployedAt = production.deploy('errors')
        const run = await runAction({
          inputs: sandboxInputs(production, { 'deployed-at': new Date(deployedAt).toISOString() }),
          apiUrl: production.github.url,
          runId: '777',
          runAttempt: String(runs.length + 1),
          timeoutMs: 150_000
        })
        runs.push(run)
        return run
      }
      const attempt1 = await first()
      expect(attempt1.outputs).toMatchObject({
        decision: 'rollback',
        'rollback-status': 'succeeded'
      })
      const rollbacksAfterFirst = production
        .calls()
        .filter((c: { script: string }) => c.script === 'rollback.sh')
      expect(rollbacksAfterFirst).toHaveLength(1)

      const attempt2 = await first()
      expect(attempt2.outputs).toMatchObject({ decision: 'rollback', 'rollback-status': 'blocked' })
      expect(visibleLog(attempt2)).toContain('already rolled back')
      const rollbacksAfterSecond = production
        .calls()
        .filter((c: { script: string }) => c.script === 'rollback.sh')
      expect(rollbacksAfterSecond).toHaveLength(1)
      expect(production.github.issues).toHaveLength(1)
    } finally {
      for (const r of runs) r.cleanup()
      await production.stop()
    }
  })
})
