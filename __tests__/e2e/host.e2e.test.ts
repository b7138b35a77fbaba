// The runbook's host-check rows end to end: corruption, database, cache, critical errors, security.
import { jest } from '@jest/globals'
import { E2E_TIMEOUT, runScenario } from './harness.js'

jest.setTimeout(E2E_TIMEOUT)

const callLines = (p: { calls: () => { script: string; args: string }[] }) =>
  p.calls().map((c) => `${c.script} ${c.args}`.trim())

describe('end to end: host checks', () => {
  it('data-corruption: Level 3 to the newest clean backup from before the deploy, with the data-loss note', async () => {
    const s = await runScenario('corruption')
    try {
      const newest = s.production.backups[s.production.backups.length - 1].id
      expect(s.run.outputs).toMatchObject({
        decision: 'rollback',
        rule: 'data-corruption',
        severity: 'P1',
        'rollback-level': '3',
        'rollback-target': newest
      })
      expect(callLines(s.production)).toEqual(
        expect.arrayContaining(['rollback.sh --list', `rollback.sh --level 3 --target ${newest}`])
      )
      expect(s.production.github.issues[0].body).toContain('Usually acceptable')
    } finally {
      await s.stop()
    }
  })

  it('database-failure: Level 2', async () => {
    const s = await runScenario('database')
    try {
      expect(s.run.outputs).toMatchObject({
        decision: 'rollback',
        rule: 'database-failure',
        'rollback-level': '2',
        'rollback-status': 'succeeded'
      })
      expect(callLines(s.production)).toEqual(
        expect.arrayContaining([expect.stringMatching(/^rollback\.sh --level 2 --target backup-/)])
      )
    } finally {
      await s.stop()
    }
  })

  it('cache-failure: restart first, then Level 1 when the cache still fails', async () => {
    const s = await runScenario('cache')
    try {
      expect(s.run.outputs).toMatchObject({
        decision: 'rollback',
        rule: 'cache-failure',
        'rollback-level': '1'
      })
      const calls = callLines(s.production)
      expect(calls[0]).toBe('restart.sh')
      expect(calls).toContain('rollback.sh --quick')
    } finally {
      await s.stop()
    }
  })

  it('critical-errors: database connection failure / out of memory in the log → Level 1 now', async () => {
    const s = await runScenario('critical-errors')
    try {
      expect(s.run.outputs).toMatchObject({
        decision: 'rollback',
        rule: 'critical-errors',
        severity: 'P1',
        'rollback-level': '1'
      })
    } finally {
      await s.stop()
    }
  })

  it('security-breach: isolate, never roll back; a security issue with the runbook steps', async () => {
    const s = await runScenario('security', {
      inputs: {
        'evidence-command': 'cp logs/app.log evidence.log',
        'isolate-command': 'bash deploy/restart.sh isolate'
      }
    })
    try {
      expect(s.run.outputs).toMatchObject({
        decision: 'isolate',
        rule: 'security-breach',
        severity: 'P1',
        'rollback-status': 'blocked'
      })
      expect(s.run.code).not.toBe(0)
      const calls = callLines(s.production)
      expect(calls.some((c) => c.startsWith('rollback.sh'))).toBe(false)
      expect(calls).toEqual(['restart.sh isolate'])
      const issue = s.production.github.issues[0]
      expect(issue.title).toContain('Security')
      expect(issue.body).toMatch(/security team/i)
      expect(issue.body).toMatch(/Level 3/)
    } finally {
      await s.stop()
    }
  })
})
