// The bundled action (dist/index.js under Node 24) against the demo production, one test per
// distinct rollback path: Level 1 verified, escalation to Level 2, Level 3 from a host check, a
// dry run; and a re-run of the same workflow run that must not roll back twice. The rules themselves are tested in the core;
// the recorded Prometheus scenarios are in __tests__/scenarios.
import { jest } from '@jest/globals'
import {
  callLines,
  E2E_TIMEOUT,
  githubCalls,
  noKeyLeft,
  runScenario,
  useProduction,
  visibleLog
} from './harness.js'

jest.setTimeout(E2E_TIMEOUT)

const production = useProduction()

describe('end to end: rollbacks', () => {
  it('error-rate-critical: 60% errors → Level 1 now, verified, P1 issue then RESOLVED comment; no secret anywhere; a re-run of the same workflow run does not roll back again', async () => {
    const { run, production: p } = await runScenario(production, 'errors', {
      runId: '777',
      runAttempt: '1'
    })
    expect(run.outputs).toMatchObject({
      decision: 'rollback',
      rule: 'error-rate-critical',
      severity: 'P1',
      'rollback-level': '1',
      'rollback-status': 'succeeded'
    })
    expect(run.outputs.reason).toMatch(/error rate \d+\.\d% > critical 50%/)
    expect(run.code).not.toBe(0) // fail-on-rollback defaults to true
    // The preflight's read-only --list first, then the rollback.
    expect(callLines(p)).toEqual([
      'rollback.sh --list',
      'rollback.sh --quick',
      'validate_rollback.sh',
      'smoke_tests.sh'
    ])
    expect(githubCalls(p)).toEqual(expect.arrayContaining(['POST /repos/acme/spacetime/issues']))
    const issue = p.github.issues[0]
    // Opened as the P1 subject (kept as the body's first line), retitled once it recovered.
    expect(issue.title).toBe(
      '[RESOLVED] Rollback Complete - Service Restored: production — error-rate-critical'
    )
    expect(issue.body).toContain(
      '**Subject:** [P1] Production Down - Rollback in Progress: production — error-rate-critical'
    )
    const comments = p.github.comments.map((c: { body: string }) => c.body).join('\n')
    expect(comments).toContain('[RESOLVED] Rollback Complete - Service Restored')
    expect(run.outputs['issue-number']).toBe(String(issue.number))
    expect(run.summary).toContain('error-rate-critical')
    expect(run.summary).toContain('```mermaid')
    // Secrets: the key and the token never reach the log, outputs, summary, files or GitHub.
    const key = p.sshd.privateKey.trim().split('\n')[1]
    const token = 'ghs_sandboxTokenNotASecretButTreatedAsOne'
    const everything = [
      visibleLog(run),
      JSON.stringify(run.outputs),
      run.summary,
      run.leftoverText(),
      // The token rightly travels in the Authorization header; it must be in no body or path.
      JSON.stringify(
        p.github.requests.map((r: { path: string; body: unknown }) => [r.path, r.body])
      )
    ].join('\n')
    expect(everything).not.toContain(key)
    expect(everything).not.toContain(token)
    expect(noKeyLeft(run)).toBe(true)

    // A re-run of the same workflow run (attempt 2) on the bad version again: it finds its own
    // incident with the rollback done and does not roll back again.
    const attempt2 = await runScenario(production, 'errors', {
      runId: '777',
      runAttempt: '2',
      noReset: true
    })
    expect(attempt2.run.outputs).toMatchObject({
      decision: 'rollback',
      'rollback-status': 'blocked'
    })
    expect(visibleLog(attempt2.run)).toContain('already rolled back')
    // One rollback; each watch's preflight only listed the backups.
    expect(
      callLines(p).filter((c) => c.startsWith('rollback.sh') && c !== 'rollback.sh --list')
    ).toEqual(['rollback.sh --quick'])
    expect(p.github.issues).toHaveLength(1)
  })

  it('escalation: Level 1 fails → Level 2 with the newest backup from before the deploy', async () => {
    const { run, production: p } = await runScenario(production, 'errors', {
      prepare: (x) => x.failLevels([1])
    })
    const newest = p.backups[p.backups.length - 1].id
    expect(callLines(p)).toEqual([
      'rollback.sh --list', // the preflight
      'rollback.sh --quick',
      'rollback.sh --list',
      `rollback.sh --level 2 --target ${newest}`,
      'validate_rollback.sh',
      'smoke_tests.sh'
    ])
    expect(run.outputs).toMatchObject({
      'rollback-level': '2',
      'rollback-status': 'succeeded',
      'rollback-target': newest
    })
  })

  it('data-corruption (a host check): stop-command, then Level 3 to the newest clean backup, with the data-loss note', async () => {
    const { run, production: p } = await runScenario(production, 'corruption', {
      inputs: { 'stop-command': 'bash deploy/restart.sh stop' }
    })
    const newest = p.backups[p.backups.length - 1].id
    expect(run.outputs).toMatchObject({
      decision: 'rollback',
      rule: 'data-corruption',
      severity: 'P1',
      'rollback-level': '3',
      'rollback-status': 'succeeded',
      'rollback-target': newest
    })
    expect(callLines(p)).toEqual([
      'rollback.sh --list', // the preflight
      'rollback.sh --list',
      'restart.sh stop',
      `rollback.sh --level 3 --target ${newest}`,
      'validate_rollback.sh',
      'smoke_tests.sh'
    ])
    expect(p.github.issues[0].body).toContain('Usually acceptable')
  })

  it('dry run: decides and reports, runs no rollback script', async () => {
    const { run, production: p } = await runScenario(production, 'errors', {
      inputs: { 'dry-run': 'true' }
    })
    expect(run.outputs).toMatchObject({
      decision: 'rollback',
      rule: 'error-rate-critical',
      'rollback-status': 'skipped-dry-run'
    })
    expect(p.calls().filter((c: { args: string }) => c.args !== '--list')).toEqual([])
    expect(visibleLog(run)).toContain('[dry-run] would run')
    expect(p.github.issues).toHaveLength(0)
  })
})
