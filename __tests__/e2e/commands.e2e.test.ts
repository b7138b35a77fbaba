import { jest } from '@jest/globals'
// Commands on the incident issue, end to end: the bundle (dist/index.js under Node 24) in mode
// command, started with issue_comment events shaped like GitHub's, against one sandbox production
// (real sshd and Prometheus, the GitHub stand-in whose issues and comments have authors of every
// kind: the action's bot, another bot, an outsider, a triager, a maintainer). The watch opens the
// incidents; people (and attackers) comment, open look-alikes and edit; the host's calls.log and
// sshd's own log say what ran and who connected.
import { parseStateLine } from '../../src/report/context.js'
import { visibleLog } from './harness.js'
import { incidentKit, policy } from './incident-kit.js'

jest.setTimeout(60_000)

const {
  production: p,
  calls,
  logins,
  lastReply,
  writes,
  incidentOf,
  act,
  commentOn,
  command
} = incidentKit()

describe('end to end: commands on the incident issue', () => {
  let preBreach: string

  beforeAll(() => {
    p().github.setRole('deploy-bot[bot]', 'admin')
  })

  it('a security incident opened by the watch: isolated, its state line waits for clearance', async () => {
    p().deploy('security')
    const run = await act({
      'evidence-command': 'cp logs/app.log evidence.log',
      'isolate-command': 'bash deploy/restart.sh isolate'
    })
    expect(run.outputs).toMatchObject({ decision: 'isolate', rule: 'security-breach' })
    expect(calls()).toEqual(['rollback.sh --list', 'restart.sh isolate']) // the preflight's --list first
    const state = parseStateLine(p().github.issues[0].body)
    expect(state).toMatchObject({
      environment: 'production',
      rule: 'security-breach',
      security: true,
      pending: { action: 'security-clearance' }
    })
    expect(state?.deployedAt).toBeDefined()
    preBreach = p().backups[1].id
  })

  it('an outsider’s command carrying a planted restore: refused without repeating it; a maintainer’s approve then runs nothing planted', async () => {
    const post = p().backups[2].id
    const planted = `/rollback-sentinel <!-- rollback-sentinel environment=production run=1 pending=restore pending-level=3 target=${post} --> @org/oncall ![x](https://e.example/x.png)`
    const before = { calls: calls().length, logins: logins() }
    const refused = await command(commentOn(1, planted, 'mallory'))
    expect(refused.outputs.decision).toBe('refused')
    const reply = lastReply()
    expect(reply).toContain('## ❓ Not a valid command')
    for (const bad of ['<!--', post, '@org', '![', 'e.example']) expect(reply).not.toContain(bad)
    // The same text from another bot and pasted into comments: comments are never state.
    p().github.addComment(1, planted.replace('/rollback-sentinel ', ''), 'welcome-bot[bot]')

    const approve = await command(commentOn(1, '/rollback-sentinel approve', 'maria'))
    expect(approve.outputs.decision).toBe('command')
    expect(lastReply()).toContain("waits for the security team's clearance")
    expect({ calls: calls().length, logins: logins() }).toEqual(before)
    expect(parseStateLine(p().github.issues[0].body)?.pending).toEqual({
      action: 'security-clearance'
    })
  })

  it.each([
    [
      'a triage user',
      'tom',
      'User',
      'has the triage role in this repository; commands need maintain or higher'
    ],
    ['a bot', 'deploy-bot[bot]', 'Bot', 'comments by bots are never acted on']
  ])('clear-security by %s runs nothing and says why', async (_who, login, type, why) => {
    const before = { calls: calls().length, logins: logins() }
    const run = await command(
      commentOn(1, `/rollback-sentinel clear-security target=${preBreach}`, login, type)
    )
    expect(run.code).toBe(0)
    expect(run.outputs.decision).toBe('refused')
    const reply = lastReply()
    expect(reply.replace(/\u200b/g, '')).toContain(why)
    expect({ calls: calls().length, logins: logins() }).toEqual(before)
  })

  it('clear-security by a maintainer: the target checked again, what will run, stop-command, Level 3 to the pre-breach backup, verified, RESOLVED; the same event again does nothing', async () => {
    const event = commentOn(1, `/rollback-sentinel clear-security target=${preBreach}`, 'maria')
    const before = calls().length
    const loginsBefore = logins()
    const run = await command(event)
    expect(run.code).toBe(0)
    // The count of SSH logins the "zero connections" test relies on does see this run's.
    expect(logins()).toBeGreaterThan(loginsBefore)
    expect(calls().slice(before)).toEqual([
      'rollback.sh --list',
      'restart.sh stop',
      `rollback.sh --level 3 --target ${preBreach}`,
      'validate_rollback.sh',
      'smoke_tests.sh'
    ])
    expect(p().github.reactions).toContainEqual(
      expect.objectContaining({ comment: (event.comment as { id: number }).id, content: 'eyes' })
    )
    const reply = lastReply()
    expect(reply).toContain('## ✅ [RESOLVED] Rollback Complete - Service Restored')
    expect(reply).toContain('Asked by @maria (maintain)')
    expect(p().github.issues[0].labels).toContain('resolved')
    // The issue list tells it at a glance: the title follows the incident's state.
    expect(p().github.issues[0].title).toMatch(
      /^\[RESOLVED\] Rollback Complete - Service Restored: production — security-breach/
    )
    expect(run.outputs).toMatchObject({
      decision: 'command',
      'rollback-level': '3',
      'rollback-status': 'succeeded'
    })
    expect(run.summary).toContain('[RESOLVED] Rollback Complete')
    expect(visibleLog(run)).not.toContain(p().sshd.privateKey.trim().split('\n')[1])

    // The same comment event delivered twice (a re-run): its 👀 and the state line say it was
    // answered, and it rolls back once.
    const written = writes().length
    const again = await command(event)
    expect(again.code).toBe(0)
    expect(again.outputs.decision).toBe('ignored')
    expect(
      calls()
        .slice(before)
        .filter((c) => c.startsWith('rollback.sh --level'))
    ).toHaveLength(1)
    expect(writes()).toHaveLength(written)
  })

  it('a target with ; is refused with zero SSH connections', async () => {
    const before = { calls: calls().length, logins: logins() }
    const run = await command(
      commentOn(1, '/rollback-sentinel clear-security target=x;reboot', 'maria')
    )
    expect(run.outputs.decision).toBe('refused')
    expect(lastReply()).toContain('target a value of 8 characters is not a backup id')
    expect({ calls: calls().length, logins: logins() }).toEqual(before)
  })

  it('a comment that is not a command writes nothing', async () => {
    const requests = p().github.requests.length
    const run = await command(commentOn(1, 'Thanks all, the security team is on it.', 'maria'))
    expect(run.code).toBe(0)
    expect(run.outputs.decision).toBe('ignored')
    expect(p().github.requests.length).toBe(requests)
  })

  it('a blocked restore survives 3,000 comments and a look-alike: approve runs exactly it; after a person edits the body, approve is refused', async () => {
    // Another environment, so that it gets its own incident: corruption with backups older than 20m.
    const strict = policy('20m')
    const lookalike = p().github.openIssue({
      title: 'staging incident',
      body: '<!-- rollback-sentinel environment=staging run=1 pending=restore pending-level=3 target=backup-evil -->\nreport',
      login: 'mallory'
    })
    p().deploy('corruption')
    const watch = await act(
      { environment: 'staging', 'stop-command': 'bash deploy/restart.sh stop' },
      { policy: strict }
    )
    expect(watch.outputs).toMatchObject({ rule: 'data-corruption', 'rollback-status': 'blocked' })
    const incident = incidentOf('staging')
    expect(incident.number).not.toBe(lookalike.number)
    const newest = p().backups[2].id
    expect(parseStateLine(incident.body)?.pending).toEqual({
      action: 'restore',
      level: 3,
      target: newest
    })
    expect(
      calls()
        .filter((c) => c.startsWith(`rollback.sh --level`))
        .filter((c) => c.includes(newest))
    ).toEqual([])

    // A long incident: 3,000 comments, planted markers among them, push the state far past any
    // page of comments.
    p().github.addComments(incident.number, 3000, 'mallory', (k: number) =>
      k % 500 === 0
        ? `<!-- rollback-sentinel environment=staging run=9 pending=restore pending-level=3 target=${p().backups[0].id} -->`
        : `+1 (${k})`
    )
    // Commands on the look-alike are ignored and write nothing there.
    const onLookalike = await command(
      commentOn(lookalike.number, '/rollback-sentinel approve', 'maria'),
      'staging',
      strict
    )
    expect(onLookalike.outputs.decision).toBe('ignored')

    const run = await command(
      commentOn(
        incident.number,
        '/rollback-sentinel approve\nmanagement accepts the loss',
        'maria'
      ),
      'staging',
      strict
    )
    expect(run.code).toBe(0)
    expect(calls().slice(-5)).toEqual([
      'rollback.sh --list',
      'restart.sh stop',
      `rollback.sh --level 3 --target ${newest}`,
      'validate_rollback.sh',
      'smoke_tests.sh'
    ])
    expect(lastReply()).toContain('[RESOLVED]')
    expect(writes().filter((w) => w.includes(`/issues/${lookalike.number}/`))).toEqual([])

    // A person ticks a box in the body: the record is no longer the action's alone.
    const body = incidentOf('staging').body
    p().github.editIssueBody(incident.number, `${body}\n- [x] post-mortem scheduled`, 'maria')
    const before = calls().length
    const refused = await command(
      commentOn(incident.number, '/rollback-sentinel approve', 'ana'),
      'staging',
      strict
    )
    expect(refused.outputs.decision).toBe('refused')
    expect(lastReply().replace(/\u200b/g, '')).toContain(
      'the incident body was edited by @maria after the action wrote it'
    )
    expect(calls().slice(before)).toEqual([])
  })
})
