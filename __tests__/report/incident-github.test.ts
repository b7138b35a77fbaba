import { afterAll, afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import type { IssueOutcome, RunRecord } from '../../src/runbook/record.js'
import type { GitHub } from '../../src/adapters/github.js'
import { renderReport } from '../../src/report/incident.js'
import { findOwnRollback, reportIncident, type ReportMode } from '../../src/report/issue.js'
import { parseStateLine, type ReportContext } from '../../src/report/context.js'
import {
  ctx,
  errorRateHighRecord,
  failedRecord,
  SECRET_NEEDLES,
  securityRecord,
  serviceDownRecord,
  warnRecord
} from '../../__fixtures__/records.js'
import { client, startGitHubStandin, type Standin } from '../../__fixtures__/standin.js'

let standin: Standin
/** Every request body any test sent: none may hold a secret. */
const sent: string[] = []

beforeEach(async () => {
  standin = await startGitHubStandin()
  // The on-call person the default context assigns is a collaborator GitHub can assign.
  standin.setRole('oncall-alice', 'write')
})
afterEach(async () => {
  for (const r of standin.requests) sent.push(JSON.stringify(r.body ?? ''))
  await standin.stop()
})
afterAll(() => {
  expect(sent.length).toBeGreaterThan(20)
  for (const body of sent) for (const needle of SECRET_NEEDLES) expect(body).not.toContain(needle)
})

/** The account the stand-in's workflow token writes as (GraphQL viewer). */
const SELF = { id: 41898282, login: 'github-actions[bot]' }
const report = (
  gh: GitHub,
  record: RunRecord,
  c: ReportContext,
  mode?: ReportMode
): Promise<IssueOutcome> => reportIncident(gh, renderReport(record, c), c.runId, SELF, mode)

function ok(outcome: IssueOutcome): IssueOutcome {
  if (outcome.error !== undefined) throw new Error(`unexpected error: ${outcome.error}`)
  return outcome
}

describe('reportIncident through the real Octokit client', () => {
  it('P1: opens the issue, then the RESOLVED comment and the resolved label', async () => {
    const out = ok(await report(client(standin), serviceDownRecord(), ctx()))
    expect(out).toMatchObject({ number: 1, created: true, warnings: [] })
    expect(out.url).toBe(`${standin.url}/acme/spacetime/issues/1`)
    const [issue] = standin.issues
    expect(issue.title).toBe(
      '[RESOLVED] Rollback Complete - Service Restored: production — service-down'
    )
    expect(issue.labels).toEqual([
      'incident',
      'P1',
      'rollback-level-1',
      'environment:production',
      'resolved'
    ])
    expect(issue.assignees).toEqual(['oncall-alice'])
    expect(issue.body).toContain('- **Status:** CRITICAL - Service is DOWN')
    expect(issue.state).toBe('open')
    expect(standin.comments).toHaveLength(1)
    expect(standin.comments[0].body).toContain(
      '## ✅ [RESOLVED] Rollback Complete - Service Restored'
    )
    // Never closed by the action: its one PATCH sets the title.
    expect(standin.requests.filter((r) => r.method === 'PATCH').map((r) => r.body)).toEqual([
      { title: '[RESOLVED] Rollback Complete - Service Restored: production — service-down' }
    ])
  })

  it('title acting → resolved: opened with the P1 subject, retitled after the RESOLVED comment', async () => {
    ok(await report(client(standin), serviceDownRecord(), ctx()))
    const writes = standin.requests
      .filter((r) => r.method !== 'GET')
      .map((r) => `${r.method} ${r.path.replace('/repos/acme/spacetime', '')}`)
    expect(writes).toEqual([
      'POST /issues',
      'POST /issues/1/comments',
      'POST /issues/1/labels',
      'PATCH /issues/1'
    ])
    const create = standin.requests.find((r) => r.method === 'POST') as { body: { title: string } }
    expect(create.body.title).toBe(
      '[P1] Production Down - Rollback in Progress: production — service-down'
    )
    expect(standin.issues[0].body.split('\n')[1]).toBe(
      '**Subject:** [P1] Production Down - Rollback in Progress: production — service-down'
    )
  })

  it('title acting → failed: a rollback that did not recover', async () => {
    ok(await report(client(standin), failedRecord(), ctx()))
    expect(standin.issues[0].title).toBe(
      '[P1] Rollback FAILED - manual intervention required: production — error-rate-critical'
    )
  })

  it('title resolved → acting on a new breach of the open incident (a P3 warning)', async () => {
    const gh = client(standin)
    ok(await report(gh, serviceDownRecord(), ctx({ runId: '1' })))
    expect(standin.issues[0].title).toMatch(/^\[RESOLVED\] /)
    ok(await report(gh, warnRecord(), ctx({ runId: '2' }), 'warning'))
    expect(standin.issues).toHaveLength(1)
    expect(standin.issues[0].title).toBe(
      '[P3] Production Degraded - Monitoring, Consider Rollback: production — error-rate-elevated'
    )
  })

  it('title resolved → acting → resolved: a new breach that rolled back and recovered again', async () => {
    const gh = client(standin)
    ok(await report(gh, serviceDownRecord(), ctx({ runId: '1' })))
    ok(await report(gh, errorRateHighRecord(), ctx({ runId: '2' })))
    const titles = standin.requests
      .filter((r) => r.method === 'PATCH')
      .map((r) => (r.body as { title?: string }).title)
      .filter(Boolean)
    expect(titles).toEqual([
      '[RESOLVED] Rollback Complete - Service Restored: production — service-down',
      '[P2] Production Degraded - Monitoring/Rollback: production — error-rate-high',
      '[RESOLVED] Rollback Complete - Service Restored: production — error-rate-high'
    ])
  })

  it('an open security incident keeps the security subject through a later rollback; a label taken off clears nothing', async () => {
    const gh = client(standin)
    ok(await report(gh, securityRecord(), ctx({ runId: '1' })))
    ok(await report(gh, serviceDownRecord(), ctx({ runId: '2' })))
    expect(standin.issues[0].title).toBe(
      '[P1] Security Breach - Isolate, Do Not Roll Back: production'
    )
    // Labels are not state (a triager can change them): only the clean recovery clears it.
    standin.issues[0].labels = standin.issues[0].labels.filter((l) => l !== 'security')
    ok(await report(gh, errorRateHighRecord(), ctx({ runId: '3' })))
    expect(standin.issues[0].title).toBe(
      '[P1] Security Breach - Isolate, Do Not Roll Back: production'
    )
    expect(parseStateLine(standin.issues[0].body)).toMatchObject({
      security: true,
      pending: { action: 'security-clearance' }
    })
  })

  it('a security incident keeps the security subject: no retitle', async () => {
    ok(await report(client(standin), securityRecord(), ctx()))
    expect(standin.requests.some((r) => r.method === 'PATCH')).toBe(false)
  })

  it('a title update GitHub refuses is a warning; the issue and comment stand', async () => {
    standin.setFailures([
      {
        method: 'PATCH',
        pathPrefix: '/repos/acme/spacetime/issues/1',
        status: 403,
        times: Infinity
      }
    ])
    const out = ok(await report(client(standin), serviceDownRecord(), ctx()))
    expect(out).toMatchObject({ number: 1, created: true })
    expect(out.warnings).toEqual([
      expect.stringMatching(/^title: GitHub API 403 on PATCH \/repos\/acme\/spacetime\/issues\/1: /)
    ])
    expect(standin.issues[0].title).toMatch(/^\[P1\] Production Down/)
    expect(standin.comments).toHaveLength(1)
  })

  it('P2: the P2 title and template', async () => {
    ok(await report(client(standin), errorRateHighRecord(), ctx()))
    expect(standin.requests.find((r) => r.method === 'POST')?.body).toMatchObject({
      title: '[P2] Production Degraded - Monitoring/Rollback: production — error-rate-high'
    })
    expect(standin.issues[0].body).toContain('- **Status:** HIGH - Service degraded')
    expect(standin.issues[0].labels).toContain('resolved')
  })

  it('security: the security issue, no resolution comment', async () => {
    ok(await report(client(standin), securityRecord(), ctx()))
    expect(standin.issues[0].title).toBe(
      '[P1] Security Breach - Isolate, Do Not Roll Back: production'
    )
    expect(standin.issues[0].labels).toEqual([
      'incident',
      'P1',
      'security',
      'environment:production'
    ])
    expect(standin.issues[0].body).toContain('**4. DO NOT PROCEED WITHOUT SECURITY TEAM APPROVAL**')
    expect(standin.comments).toHaveLength(0)
  })

  it('failed rollback: the FAILED comment and the rollback-failed label', async () => {
    ok(await report(client(standin), failedRecord(), ctx()))
    expect(standin.comments[0].body).toContain(
      '## ❌ Rollback FAILED - manual intervention required'
    )
    expect(standin.issues[0].labels).toContain('rollback-failed')
    expect(standin.issues[0].labels).not.toContain('resolved')
  })

  it('warning mode: the P3 issue, no resolution comment', async () => {
    ok(await report(client(standin), warnRecord(), ctx(), 'warning'))
    expect(standin.issues[0].title).toMatch(/^\[P3\] /)
    expect(standin.comments).toHaveLength(0)
  })

  it('dedup: an open incident for the environment takes the breach as a comment', async () => {
    const gh = client(standin)
    ok(await report(gh, warnRecord(), ctx({ runId: '100' }), 'warning'))
    const second = ok(await report(gh, serviceDownRecord(), ctx({ runId: '200' })))
    expect(second).toMatchObject({ number: 1, created: false })
    expect(standin.issues).toHaveLength(1)
    expect(standin.comments.map((c) => c.body.split('\n')[0])).toEqual([
      '## 🔴 New breach in run 200: [P1] Production Down - Rollback in Progress: production — service-down',
      '## ✅ [RESOLVED] Rollback Complete - Service Restored'
    ])
    expect(standin.issues[0].labels).toEqual(
      expect.arrayContaining(['P3', 'P1', 'rollback-level-1', 'resolved'])
    )
  })

  it('another environment or a closed incident gets a new issue', async () => {
    const gh = client(standin)
    ok(await report(gh, serviceDownRecord({ environment: 'staging' }), ctx({ runId: '1' })))
    ok(await report(gh, serviceDownRecord(), ctx({ runId: '2' })))
    standin.issues[1].state = 'closed'
    ok(await report(gh, serviceDownRecord(), ctx({ runId: '3' })))
    const first = (body: string) => {
      const { environment, runId, rolledBack } = parseStateLine(body) ?? {}
      return { environment, runId, rolledBack }
    }
    expect(standin.issues.map((i) => first(i.body))).toEqual([
      { environment: 'staging', runId: '1', rolledBack: [{ runId: '1', level: 1 }] },
      { environment: 'production', runId: '2', rolledBack: [{ runId: '2', level: 1 }] },
      { environment: 'production', runId: '3', rolledBack: [{ runId: '3', level: 1 }] }
    ])
  })

  it('re-run idempotency: findOwnRollback sees the earlier attempt, reportIncident posts nothing', async () => {
    const gh = client(standin)
    ok(await report(gh, serviceDownRecord(), ctx({ runId: '4242', runAttempt: '1' })))
    expect(await findOwnRollback(gh, SELF, 'production', '4242')).toEqual({
      number: 1,
      url: `${standin.url}/acme/spacetime/issues/1`,
      level: 1
    })
    expect(await findOwnRollback(gh, SELF, 'production', '9999')).toBeUndefined()
    expect(await findOwnRollback(gh, SELF, 'staging', '4242')).toBeUndefined()
    const posts = () =>
      standin.requests.filter((r) => r.method === 'POST' && r.path !== '/graphql').length
    const before = posts()
    const again = ok(await report(gh, serviceDownRecord(), ctx({ runId: '4242', runAttempt: '2' })))
    expect(again).toMatchObject({ alreadyRolledBack: true, number: 1, created: false })
    expect(posts()).toBe(before)
  })

  it('re-run idempotency through the state line a run wrote on an open incident', async () => {
    const gh = client(standin)
    ok(await report(gh, warnRecord(), ctx({ runId: '1' }), 'warning'))
    ok(await report(gh, serviceDownRecord(), ctx({ runId: '2' })))
    expect(await findOwnRollback(gh, SELF, 'production', '2')).toMatchObject({
      number: 1,
      level: 1
    })
    expect(await findOwnRollback(gh, SELF, 'production', '1')).toBeUndefined()
  })

  it('a 500 on create is retried: exactly one issue', async () => {
    standin.setFailures([
      { method: 'POST', pathPrefix: '/repos/acme/spacetime/issues', status: 500, times: 1 }
    ])
    ok(await report(client(standin), serviceDownRecord(), ctx()))
    expect(standin.issues).toHaveLength(1)
  })

  it.each([
    [
      403,
      /^GitHub API 403 on POST \/repos\/acme\/spacetime\/issues: Resource not accessible by integration \(the token needs issues: write/
    ],
    [
      404,
      /^GitHub API 404 on GET \/repos\/acme\/spacetime\/issues: Not Found \(repository not found or not visible to the token/
    ]
  ])('%i: returns the error with its status and hint, never throws', async (status, message) => {
    standin.setFailures([
      {
        method: status === 403 ? 'POST' : 'GET',
        pathPrefix: '/repos/acme/spacetime/issues',
        status,
        times: Infinity
      }
    ])
    const out = await report(client(standin), serviceDownRecord(), ctx())
    expect(out).toEqual({
      needed: true,
      warnings: [],
      error: expect.stringMatching(message),
      status
    })
  })

  it('an assignee GitHub refuses (422): opened unassigned, with a warning', async () => {
    standin.setFailures([
      { method: 'POST', pathPrefix: '/repos/acme/spacetime/issues', status: 422, times: 1 }
    ])
    const out = ok(
      await report(client(standin), serviceDownRecord(), ctx({ issueAssignees: ['nobody-here'] }))
    )
    expect(out.created).toBe(true)
    expect(standin.issues[0].assignees).toEqual([])
    expect(out.warnings[0]).toMatch(/assignees nobody-here could not be set: GitHub API 422/)
  })

  it('the issue exists but the resolution comment fails: the number and a warning', async () => {
    standin.setFailures([
      {
        method: 'POST',
        pathPrefix: '/repos/acme/spacetime/issues/1/comments',
        status: 403,
        times: Infinity
      }
    ])
    const out = ok(await report(client(standin), serviceDownRecord(), ctx()))
    expect(out.number).toBe(1)
    expect(out.warnings[0]).toMatch(
      /^resolution comment: GitHub API 403 on POST \/repos\/acme\/spacetime\/issues\/1\/comments/
    )
  })

  it('a custom template: front-matter title and labels', async () => {
    const template = {
      path: '.github/ISSUE_TEMPLATE/incident.md',
      text: '---\ntitle: "{{severity}} in {{environment}}: {{rule}}"\nlabels: oncall\n---\n{{status}}\n\n{{commands}}'
    }
    ok(await report(client(standin), serviceDownRecord(), ctx({ template })))
    expect(standin.issues[0].title).toBe('P1 in production: service-down')
    expect(standin.issues[0].labels).toContain('oncall')
    expect(standin.issues[0].body.split('\n')[0]).toContain('rollback-done=1')
    // Its placeholders do not change with the state: nothing to retitle.
    expect(standin.requests.some((r) => r.method === 'PATCH')).toBe(false)
  })

  it('a custom template title with {{title}}: re-rendered with the new state', async () => {
    const template = {
      path: '.github/ISSUE_TEMPLATE/incident.md',
      text: '---\ntitle: "{{title}} [{{short_sha}}]"\n---\n{{status}}'
    }
    ok(await report(client(standin), failedRecord(), ctx({ template })))
    expect(standin.requests.find((r) => r.method === 'POST')?.body).toMatchObject({
      title:
        '[P1] Production Down - Rollback in Progress: production — error-rate-critical [0123456]'
    })
    expect(standin.issues[0].title).toBe(
      '[P1] Rollback FAILED - manual intervention required: production — error-rate-critical [0123456]'
    )
  })

  it('a body over 65,536 characters is cut before it is sent', async () => {
    const rec = serviceDownRecord()
    rec.steps[0] = {
      ...rec.steps[0],
      outputTail: Array.from({ length: 40 }, () => 'y'.repeat(3000)).join('\n')
    }
    rec.steps[1] = {
      ...rec.steps[1],
      outputTail: Array.from({ length: 40 }, () => 'z'.repeat(3000)).join('\n')
    }
    ok(await report(client(standin), rec, ctx()))
    expect(standin.issues[0].body.length).toBeLessThanOrEqual(65_536)
    expect(standin.issues[0].body).toContain("cut to fit GitHub's 65,536-character limit")
  })
})
