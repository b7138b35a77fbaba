import { jest } from '@jest/globals'
// The incident issue as a control plane, end to end: the bundle (dist/index.js under Node 24) in
// mode watch and mode command, started with issue_comment events shaped like GitHub's, against
// one sandbox production (real sshd and Prometheus, the GitHub stand-in whose issues and comments
// have authors of every kind: the action's bot, another bot, an outsider, a triager, a
// maintainer). The watch opens the incidents; people (and attackers) comment, open look-alikes
// and edit; the host's calls.log and sshd's own log say what ran and who connected.
import { demoPolicy, startProduction } from '../../sandbox/production.js'
import { runAction, sandboxInputs } from '../../sandbox/run-action.js'
import { parseStateLine } from '../../src/report/context.js'
import { requireBundle, visibleLog, type Production } from './harness.js'

jest.setTimeout(60_000)

/** [3s] rate windows: a breach shows in seconds, and a verification of 4s sees only new traffic. */
const RATE_WINDOW = '3s'

/** The demo policy with a short verification and a backup-max-age the newest backup exceeds. */
function policy(backupMaxAge = '24h'): string {
  return demoPolicy({ rateWindow: RATE_WINDOW }).replace(
    /^rollback: .*$/m,
    `rollback: { max-level: 3, timeouts: { 1: 30s, 2: 30s, 3: 30s }, verify: 4s, backup-max-age: ${backupMaxAge} }`
  )
}

let production: Production
const cleanups: (() => void)[] = []

beforeAll(async () => {
  requireBundle()
  production = await startProduction({ rateWindow: RATE_WINDOW })
}, 60_000)
afterAll(async () => {
  for (const c of cleanups) c()
  await production?.stop()
})

const calls = (): string[] =>
  production.calls().map((c: { script: string; args: string }) => `${c.script} ${c.args}`.trim())
/** Logins sshd accepted so far (every SSH connection the action made). */
const logins = (): number => (production.sshd.log().match(/Accepted publickey for /g) ?? []).length
/** The body of the action's newest comment (its reply). */
const lastReply = (): string => {
  const own = production.github.comments.filter(
    (c: { user?: { login: string } }) => c.user?.login === 'github-actions[bot]'
  )
  return own[own.length - 1]?.body ?? ''
}
/** GitHub writes the action made (GraphQL reads and the 👀 claim aside). */
const writes = (): string[] =>
  production.github.requests
    .filter(
      (r: { method: string; path: string }) =>
        r.method !== 'GET' && r.path !== '/graphql' && !r.path.endsWith('/reactions')
    )
    .map((r: { method: string; path: string }) => `${r.method} ${r.path}`)
type StandinIssue = {
  number: number
  body: string
  title: string
  labels: string[]
  user: { id: number }
}
const issueNumbered = (n: number): StandinIssue =>
  (production.github.issues as StandinIssue[]).find((i) => i.number === n) as StandinIssue
/** The action's own incident of an environment (opened by its bot, state line first). */
const incidentOf = (environment: string): StandinIssue =>
  (production.github.issues as StandinIssue[]).find(
    (i) => i.user.id === 41898282 && parseStateLine(i.body)?.environment === environment
  ) as StandinIssue

async function act(
  inputs: Record<string, string>,
  opts: { policy?: string; event?: object; runId?: string; runAttempt?: string } = {}
) {
  const run = await runAction({
    inputs: sandboxInputs(production, { 'probe-interval': '1s', ...inputs }),
    policy: opts.policy ?? policy(),
    apiUrl: production.github.url,
    ...(opts.event ? { event: opts.event, eventName: 'issue_comment' } : {}),
    ...(opts.runId ? { runId: opts.runId, runAttempt: opts.runAttempt ?? '1' } : {}),
    timeoutMs: 40_000
  })
  cleanups.push(run.cleanup)
  return run
}

/** A person comments on the issue; the returned event is what GitHub delivers to the workflow. */
function commentOn(issue: number, body: string, login: string, type = 'User') {
  const comment = production.github.addComment({ issue, body, user: { login, type } })
  return {
    action: 'created',
    issue: production.github.issueJson(issue),
    comment,
    repository: { full_name: 'acme/spacetime', name: 'spacetime', owner: { login: 'acme' } },
    sender: comment.user
  }
}

const command = (event: object, environment = 'production', p?: string) =>
  act(
    {
      mode: 'command',
      environment,
      'stop-command': 'bash deploy/restart.sh stop'
    },
    { event, policy: p }
  )

describe('end to end: nothing an outsider writes steers the watch', () => {
  it('a planted "rollback-done" comment and a look-alike issue: the next breach still rolls back, on the action’s own incident', async () => {
    production.deploy('errors')
    const first = await act({ environment: 'eu', 'watch-duration': '20s' }, { runId: '7001' })
    expect(first.outputs['rollback-status']).toBe('succeeded')
    const own = incidentOf('eu')
    // The next run's id shows in the Actions tab as soon as it starts.
    const planted = '<!-- rollback-sentinel environment=eu run=7002 rollback-done=1 -->'
    production.github.addComment(own.number, planted, 'mallory')
    production.github.addComment(own.number, planted, 'welcome-bot[bot]')
    const lookalike = production.github.openIssue({
      title: 'incident',
      body: `${planted}\nplease look here`,
      login: 'mallory'
    })
    const lookalikeBefore = JSON.stringify(issueNumbered(lookalike.number))
    const before = calls().length

    production.deploy('errors')
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
    expect(
      production.github.requests.some((r: { path: string }) => r.path.startsWith('/user'))
    ).toBe(false)

    // A re-run of 7002 (its own record on the body) still never rolls back twice.
    const rerunBefore = calls().length
    production.deploy('errors')
    const rerun = await act(
      { environment: 'eu', 'watch-duration': '20s' },
      { runId: '7002', runAttempt: '2' }
    )
    expect(rerun.outputs['rollback-status']).toBe('blocked')
    expect(calls().slice(rerunBefore)).not.toContain('rollback.sh --quick')
  })
})

describe('end to end: commands on the incident issue', () => {
  let preBreach: string

  beforeAll(async () => {
    await production.reset()
    production.github.setRole('deploy-bot[bot]', 'admin')
  }, 60_000)

  it('a security incident opened by the watch: isolated, its state line waits for clearance', async () => {
    production.deploy('security')
    const run = await act({
      'evidence-command': 'cp logs/app.log evidence.log',
      'isolate-command': 'bash deploy/restart.sh isolate'
    })
    expect(run.outputs).toMatchObject({ decision: 'isolate', rule: 'security-breach' })
    expect(calls()).toEqual(['rollback.sh --list', 'restart.sh isolate']) // the preflight's --list first
    const state = parseStateLine(production.github.issues[0].body)
    expect(state).toMatchObject({
      environment: 'production',
      rule: 'security-breach',
      security: true,
      pending: { action: 'security-clearance' }
    })
    expect(state?.deployedAt).toBeDefined()
    preBreach = production.backups[1].id
  })

  it('an outsider’s command carrying a planted restore: refused without repeating it; a maintainer’s approve then runs nothing planted', async () => {
    const post = production.backups[2].id
    const planted = `/rollback-sentinel <!-- rollback-sentinel environment=production run=1 pending=restore pending-level=3 target=${post} --> @org/oncall ![x](https://e.example/x.png)`
    const before = { calls: calls().length, logins: logins() }
    const refused = await command(commentOn(1, planted, 'mallory'))
    expect(refused.outputs.decision).toBe('refused')
    const reply = lastReply()
    expect(reply).toContain('## ❓ Not a valid command')
    for (const bad of ['<!--', post, '@org', '![', 'e.example']) expect(reply).not.toContain(bad)
    // The same text from another bot and pasted into comments: comments are never state.
    production.github.addComment(1, planted.replace('/rollback-sentinel ', ''), 'welcome-bot[bot]')

    const approve = await command(commentOn(1, '/rollback-sentinel approve', 'maria'))
    expect(approve.outputs.decision).toBe('command')
    expect(lastReply()).toContain("waits for the security team's clearance")
    expect({ calls: calls().length, logins: logins() }).toEqual(before)
    expect(parseStateLine(production.github.issues[0].body)?.pending).toEqual({
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
    expect(production.github.reactions).toContainEqual(
      expect.objectContaining({ comment: (event.comment as { id: number }).id, content: 'eyes' })
    )
    const reply = lastReply()
    expect(reply).toContain('## ✅ [RESOLVED] Rollback Complete - Service Restored')
    expect(reply).toContain('Asked by @maria (maintain)')
    expect(production.github.issues[0].labels).toContain('resolved')
    // The issue list tells it at a glance: the title follows the incident's state.
    expect(production.github.issues[0].title).toMatch(
      /^\[RESOLVED\] Rollback Complete - Service Restored: production — security-breach/
    )
    expect(run.outputs).toMatchObject({
      decision: 'command',
      'rollback-level': '3',
      'rollback-status': 'succeeded'
    })
    expect(run.summary).toContain('[RESOLVED] Rollback Complete')
    expect(visibleLog(run)).not.toContain(production.sshd.privateKey.trim().split('\n')[1])

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
    const requests = production.github.requests.length
    const run = await command(commentOn(1, 'Thanks all, the security team is on it.', 'maria'))
    expect(run.code).toBe(0)
    expect(run.outputs.decision).toBe('ignored')
    expect(production.github.requests.length).toBe(requests)
  })

  it('a blocked restore survives 3,000 comments and a look-alike: approve runs exactly it; after a person edits the body, approve is refused', async () => {
    // Another environment, so that it gets its own incident: corruption with backups older than 20m.
    const strict = policy('20m')
    const lookalike = production.github.openIssue({
      title: 'staging incident',
      body: '<!-- rollback-sentinel environment=staging run=1 pending=restore pending-level=3 target=backup-evil -->\nreport',
      login: 'mallory'
    })
    production.deploy('corruption')
    const watch = await act(
      { environment: 'staging', 'stop-command': 'bash deploy/restart.sh stop' },
      { policy: strict }
    )
    expect(watch.outputs).toMatchObject({ rule: 'data-corruption', 'rollback-status': 'blocked' })
    const incident = incidentOf('staging')
    expect(incident.number).not.toBe(lookalike.number)
    const newest = production.backups[2].id
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
    production.github.addComments(incident.number, 3000, 'mallory', (k: number) =>
      k % 500 === 0
        ? `<!-- rollback-sentinel environment=staging run=9 pending=restore pending-level=3 target=${production.backups[0].id} -->`
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
    production.github.editIssueBody(
      incident.number,
      `${body}\n- [x] post-mortem scheduled`,
      'maria'
    )
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
