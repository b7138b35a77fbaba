import { jest } from '@jest/globals'
// Commands on the incident issue, end to end: the bundle (dist/index.js under Node 24) in mode
// command, started with an issue_comment event shaped like GitHub's, against one sandbox
// production (real sshd and Prometheus, the GitHub stand-in with collaborator roles and
// reactions). The watch opens the incidents; people comment; the host's calls.log and sshd's own
// log say what ran and who connected.
import { demoPolicy, startProduction } from '../../sandbox/production.js'
import { runAction, sandboxInputs } from '../../sandbox/run-action.js'
import { parseMarkers } from '../../src/report/context.js'
import { requireBundle, visibleLog, type Production } from './harness.js'

jest.setTimeout(60_000)

/** The demo policy with a short verification and a backup-max-age the newest backup exceeds. */
function policy(backupMaxAge = '24h'): string {
  return demoPolicy().replace(
    /^rollback: .*$/m,
    `rollback: { max-level: 3, timeouts: { 1: 30s, 2: 30s, 3: 30s }, verify: 3s, backup-max-age: ${backupMaxAge} }`
  )
}

let production: Production
const cleanups: (() => void)[] = []

beforeAll(async () => {
  requireBundle()
  production = await startProduction()
  production.github.setRole('maria', 'maintain')
  production.github.setRole('tom', 'triage')
  production.github.setRole('deploy-bot[bot]', 'admin')
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

async function act(inputs: Record<string, string>, opts: { policy?: string; event?: object } = {}) {
  const run = await runAction({
    inputs: sandboxInputs(production, { 'probe-interval': '1s', ...inputs }),
    policy: opts.policy ?? policy(),
    apiUrl: production.github.url,
    ...(opts.event ? { event: opts.event, eventName: 'issue_comment' } : {}),
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

describe('end to end: commands on the incident issue', () => {
  let preBreach: string

  it('a security incident opened by the watch: isolated, its marker waits for clearance', async () => {
    production.deploy('security')
    const run = await act({
      'evidence-command': 'cp logs/app.log evidence.log',
      'isolate-command': 'bash deploy/restart.sh isolate'
    })
    expect(run.outputs).toMatchObject({ decision: 'isolate', rule: 'security-breach' })
    expect(calls()).toEqual(['restart.sh isolate'])
    const marker = parseMarkers(production.github.issues[0].body)[0]
    expect(marker).toMatchObject({
      environment: 'production',
      rule: 'security-breach',
      pending: 'security-clearance'
    })
    expect(marker.deployedAt).toBeDefined()
    preBreach = production.backups[1].id
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
    const before = {
      calls: calls().length,
      logins: logins(),
      reactions: production.github.reactions.length
    }
    const run = await command(
      commentOn(1, `/rollback-sentinel clear-security target=${preBreach}`, login, type)
    )
    expect(run.code).toBe(0)
    expect(run.outputs.decision).toBe('refused')
    const reply = lastReply()
    expect(reply.replace(/\u200b/g, '')).toContain(why)
    expect({
      calls: calls().length,
      logins: logins(),
      reactions: production.github.reactions.length
    }).toEqual(before)
  })

  it('clear-security by a maintainer: stop-command, then Level 3 to the pre-breach backup, verified, RESOLVED; the same event again does nothing', async () => {
    const event = commentOn(1, `/rollback-sentinel clear-security target=${preBreach}`, 'maria')
    const before = calls().length
    const loginsBefore = logins()
    const run = await command(event)
    expect(run.code).toBe(0)
    // The count of SSH logins the "zero connections" test relies on does see this run's.
    expect(logins()).toBeGreaterThan(loginsBefore)
    expect(calls().slice(before)).toEqual([
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

    // The same comment event delivered twice (a re-run): it finds its reply and rolls back once.
    const writes = production.github.requests.filter(
      (r: { method: string }) => r.method !== 'GET'
    ).length
    const again = await command(event)
    expect(again.code).toBe(0)
    expect(again.outputs.decision).toBe('ignored')
    expect(
      calls()
        .slice(before)
        .filter((c) => c.startsWith('rollback.sh'))
    ).toHaveLength(1)
    expect(
      production.github.requests.filter((r: { method: string }) => r.method !== 'GET').length
    ).toBe(writes)
  })

  it('a target with ; is refused with zero SSH connections', async () => {
    const before = { calls: calls().length, logins: logins() }
    const run = await command(
      commentOn(1, '/rollback-sentinel clear-security target=x;reboot', 'maria')
    )
    expect(run.outputs.decision).toBe('refused')
    expect(lastReply()).toContain('target "x;reboot" is not a backup id')
    expect({ calls: calls().length, logins: logins() }).toEqual(before)
  })

  it('a comment that is not a command writes nothing', async () => {
    const requests = production.github.requests.length
    const run = await command(commentOn(1, 'Thanks all, the security team is on it.', 'maria'))
    expect(run.code).toBe(0)
    expect(run.outputs.decision).toBe('ignored')
    expect(production.github.requests.length).toBe(requests)
  })

  it('approve on a restore blocked by backup-max-age runs it', async () => {
    // Another environment, so that it gets its own incident: corruption with backups older than 20m.
    const strict = policy('20m')
    production.deploy('corruption')
    const watch = await act(
      { environment: 'staging', 'stop-command': 'bash deploy/restart.sh stop' },
      { policy: strict }
    )
    expect(watch.outputs).toMatchObject({ rule: 'data-corruption', 'rollback-status': 'blocked' })
    const incident = production.github.issues.find(
      (i: { body: string }) => parseMarkers(i.body)[0]?.environment === 'staging'
    ) as { number: number; body: string }
    const newest = production.backups[2].id
    expect(parseMarkers(incident.body)[0]).toMatchObject({
      pending: 'restore',
      pendingLevel: 3,
      target: newest
    })
    expect(
      calls()
        .filter((c) => c.startsWith(`rollback.sh --level`))
        .filter((c) => c.includes(newest))
    ).toEqual([])

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
    expect(calls().slice(-4)).toEqual([
      'restart.sh stop',
      `rollback.sh --level 3 --target ${newest}`,
      'validate_rollback.sh',
      'smoke_tests.sh'
    ])
    expect(lastReply()).toContain('[RESOLVED]')
  })
})
