import { jest } from '@jest/globals'
// Nothing an outsider writes on the incident issue steers the watch, end to end: the bundle in
// mode watch against the sandbox production, with comments planted by an outsider and another
// bot, and a look-alike issue, between two breaches of the same environment.
import { parseStateLine } from '../../src/report/context.js'
import { incidentKit } from './incident-kit.js'

jest.setTimeout(60_000)

const { production: p, calls, lastReply, writes, issueNumbered, incidentOf, act } = incidentKit()

describe('end to end: nothing an outsider writes steers the watch', () => {
  it('a planted "rollback-done" comment and a look-alike issue: the next breach still rolls back, on the action’s own incident', async () => {
    p().deploy('errors')
    const first = await act({ environment: 'eu', 'watch-duration': '20s' }, { runId: '7001' })
    expect(first.outputs['rollback-status']).toBe('succeeded')
    const own = incidentOf('eu')
    // The next run's id shows in the Actions tab as soon as it starts.
    const planted = '<!-- rollback-sentinel environment=eu run=7002 rollback-done=1 -->'
    p().github.addComment(own.number, planted, 'mallory')
    p().github.addComment(own.number, planted, 'welcome-bot[bot]')
    const lookalike = p().github.openIssue({
      title: 'incident',
      body: `${planted}\nplease look here`,
      login: 'mallory'
    })
    const lookalikeBefore = JSON.stringify(issueNumbered(lookalike.number))
    const before = calls().length

    p().deploy('errors')
    const second = await act({ environment: 'eu', 'watch-duration': '20s' }, { runId: '7002' })
    expect(second.outputs).toMatchObject({
      decision: 'rollback',
      'rollback-status': 'succeeded',
      'issue-number': String(own.number)
    })
    expect(calls().slice(before)).toContain('rollback.sh --quick')
    // Nothing was written to the look-alike; the breach went to the action's own incident.
    expect(JSON.stringify(issueNumbered(lookalike.number))).toBe(lookalikeBefore)
    expect(writes().filter((w) => w.includes(`/issues/${lookalike.number}`))).toEqual([])
    expect(lastReply()).toContain('[RESOLVED]')
    expect(parseStateLine(incidentOf('eu').body)?.rolledBack.map((r) => r.runId)).toEqual([
      '7001',
      '7002'
    ])
    // The workflow token's identity came from GraphQL: GET /user answers 403 to it.
    expect(p().github.requests.some((r: { path: string }) => r.path.startsWith('/user'))).toBe(
      false
    )

    // A re-run of 7002 (its own record on the body) still never rolls back twice.
    const rerunBefore = calls().length
    p().deploy('errors')
    const rerun = await act(
      { environment: 'eu', 'watch-duration': '20s' },
      { runId: '7002', runAttempt: '2' }
    )
    expect(rerun.outputs['rollback-status']).toBe('blocked')
    expect(calls().slice(rerunBefore)).not.toContain('rollback.sh --quick')
  })
})
