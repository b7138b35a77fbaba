// mode: command through main.run() with fake adapters (a GitHub that answers roles and
// reactions like the real API, a host that records every command, a fake clock) and the double
// of @actions/core: every path of a comment, in milliseconds.
import { jest } from '@jest/globals'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as core from '../../__fixtures__/core.js'
import type { Adapters } from '../../src/adapters/all.js'
import type { Webhook } from '../../src/adapters/webhook.js'
import type { IncidentState } from '../../src/runbook/pending.js'
import { parseStateLine, renderStateLine } from '../../src/report/context.js'
import {
  BOT,
  BOT_ACCOUNT,
  fakeGitHub,
  MAINTAINER,
  OUTSIDER,
  type FakeIssue
} from '../../__fixtures__/github.js'
import { fakeHost, ranOk } from '../../__fixtures__/adapters.js'

jest.unstable_mockModule('@actions/core', () => core)
const { run } = await import('../../src/main.js')

const KEY =
  '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAAfakeKEYmaterial\n-----END OPENSSH PRIVATE KEY-----'
const HOOK = 'https://hooks.slack.com/services/T0/B0/secretHookPathPart42'
const T0 = Date.UTC(2026, 10, 27, 12, 0, 0)
const HOUR = 3_600_000
const DEPLOYED = T0 - 2 * HOUR
const stamp = (ms: number) =>
  new Date(ms).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)
/** Backups on the host: 30 h, 3 h (the newest before the deploy) and 1 h old. */
const BACKUPS = [T0 - 30 * HOUR, T0 - 3 * HOUR, T0 - HOUR].map((t) => ({
  id: `backup-${stamp(t)}`,
  at: t
}))
const PRE_DEPLOY = BACKUPS[1].id

interface World {
  commands: string[]
  /** Levels whose rollback.sh exits 1. */
  failLevels: number[]
  healthy: boolean
}

type Said = { id: number; url: string; body: string; author: string }

function fakeGitHubWithIncidents(roles: Record<string, string>) {
  const github = fakeGitHub(roles)
  const { issues, comments } = github
  let nextId = 9000
  /** An incident as the watch opened it, with its state line. */
  const incident = (state: Partial<IncidentState>, over: Partial<FakeIssue> = {}) => {
    const line = renderStateLine({
      environment: 'production',
      runId: '100',
      deployedAt: DEPLOYED,
      security: state.rule === 'security-breach',
      commandRolledBack: false,
      rolledBack: [],
      answered: [],
      ...state
    })
    const issue = github.openIssueAs(BOT_ACCOUNT, 'incident', `${line}\n## report`, [
      'incident',
      ...(state.rule === 'security-breach' ? ['security'] : [])
    ])
    Object.assign(issue, over)
    return issue
  }
  /** A person's comment (the event's comment exists on the issue, as on GitHub). */
  const said = (issue: number, body: string, author: string): Said => {
    const c = { id: nextId++, issue, url: `c/${nextId}`, body, author }
    comments.push(c)
    return c
  }
  return {
    github,
    issues,
    comments,
    reactions: github.reactions,
    writes: github.writes,
    lookups: github.lookups,
    incident,
    said
  }
}

function eventFor(issue: FakeIssue, comment: Said, userType = 'User', action = 'created') {
  return {
    action,
    issue: {
      number: issue.number,
      html_url: issue.url,
      state: issue.state,
      body: issue.body,
      labels: issue.labels.map((name) => ({ name })),
      user: { login: issue.author, type: 'Bot' }
    },
    comment: {
      id: comment.id,
      html_url: comment.url,
      body: comment.body,
      user: { login: comment.author, type: userType }
    },
    repository: { full_name: 'acme/spacetime' },
    sender: { login: comment.author, type: userType }
  }
}

let tmp: string
function setup(
  event: unknown,
  gh: ReturnType<typeof fakeGitHubWithIncidents>,
  w: World,
  over: Partial<Adapters> & { eventName?: string } = {}
) {
  let now = T0
  const host = fakeHost((line) => {
    w.commands.push(line)
    if (line.endsWith('rollback.sh --list'))
      return ranOk(BACKUPS.map((b) => `${b.id}  ${new Date(b.at).toISOString()}`).join('\n'))
    const level = line.includes('--quick') ? 1 : Number(/--level (\d)/.exec(line)?.[1] ?? 0)
    if (level && w.failLevels.includes(level)) return ranOk('rollback.sh: failed', 1)
    if (level) w.healthy = true
    return undefined
  })
  const posts: string[] = []
  const webhook: Webhook = { post: async (text) => void posts.push(text) }
  const adapters: Adapters = {
    clock: { now: () => now, sleep: async (ms) => void (now += Math.max(0, ms)) },
    env: {
      GITHUB_REPOSITORY: 'acme/spacetime',
      GITHUB_RUN_ID: '900',
      GITHUB_SHA: 'd6cd1e2bd19e03a81132a23b2025920577f84e37',
      GITHUB_EVENT_NAME: over.eventName ?? 'issue_comment',
      GITHUB_EVENT_PATH: '/github/workflow/event.json',
      RUNNER_TEMP: tmp
    },
    healthProbe: () => ({
      probe: async () =>
        w.healthy
          ? { status: 'up', httpStatus: 200, latencyMs: 40, failedAttempts: 0 }
          : { status: 'down', httpStatus: 503, reason: 'HTTP 503', failedAttempts: 3 }
    }),
    metrics: (settings) => ({
      query: async (q) => ({
        status: 'measured',
        value:
          q === settings.metrics?.queries.errorRate
            ? w.healthy
              ? 0.002
              : 0.6
            : q === settings.metrics?.queries.latency
              ? 0.1
              : 200
      })
    }),
    connect: async (settings) => (settings.ssh ? host : undefined),
    checkKey: async () => null,
    github: () => gh.github,
    webhook: (settings) => (settings.notify.webhook ? webhook : undefined),
    readEvent: () => event,
    metricsHistory: () => undefined,
    disposeAllSync: () => {},
    ...over
  } as Adapters
  return { adapters, posts }
}

const INPUTS = {
  mode: 'command',
  'health-url': 'https://spacetime.example.com/health',
  'prometheus-url': 'https://prometheus.example.com',
  'probe-interval': '10s',
  'ssh-host': 'deploy.example.com',
  'ssh-user': 'deploy',
  'ssh-private-key': KEY,
  'ssh-known-hosts': 'deploy.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIfake',
  'stop-command': 'docker-compose down',
  'github-token': 'ghs_fakeTokenForTheCommandTest',
  'notify-webhook': HOOK
}
const ROLES = { maria: 'maintain', tom: 'triage', wes: 'write', ada: 'admin' }
const world = (over: Partial<World> = {}): World => ({
  commands: [],
  failLevels: [],
  healthy: false,
  ...over
})
const hostScripts = (w: World) => w.commands.filter((c) => c !== 'true')

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rbs-command-'))
  core.reset(INPUTS)
})
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }))

/** One comment by `author` on a fresh incident; runs the step and returns what happened. */
async function comment(
  body: string,
  opts: {
    author?: string
    userType?: string
    state?: Partial<IncidentState>
    issue?: Partial<FakeIssue>
    w?: World
    roles?: Record<string, string>
    adapters?: Partial<Adapters> & { eventName?: string }
  } = {}
) {
  const gh = fakeGitHubWithIncidents(opts.roles ?? ROLES)
  const w = opts.w ?? world()
  const issue = gh.incident(opts.state ?? { rule: 'error-rate-critical' }, opts.issue)
  const c = gh.said(issue.number, body, opts.author ?? 'maria')
  const event = eventFor(issue, c, opts.userType)
  const s = setup(event, gh, w, opts.adapters)
  await run(s.adapters)
  const replies = gh.comments.filter((x) => x.author === BOT)
  return { gh, w, issue, c, event, s, replies, reply: replies[replies.length - 1]?.body ?? '' }
}

describe('mode command: what is not a command, and exactly once', () => {
  it('a comment that is not a command: exit 0, nothing written to GitHub, nothing on the host', async () => {
    const r = await comment('Looks like the cache again. /rollback-sentinel status later?')
    expect(r.gh.writes).toEqual([])
    expect(r.w.commands).toEqual([])
    expect(core.failed).toBeUndefined()
    expect(core.outputs.decision).toBe('ignored')
    expect(r.s.posts).toEqual([])
  })

  it('an edited comment is not run (commands run when made)', async () => {
    const gh = fakeGitHubWithIncidents(ROLES)
    const issue = gh.incident({ rule: 'error-rate-critical' })
    const c = gh.said(issue.number, '/rollback-sentinel rollback level=1', 'maria')
    await run(setup(eventFor(issue, c, 'User', 'edited'), gh, world()).adapters)
    expect(gh.writes).toEqual([])
    expect(core.outputs.decision).toBe('ignored')
  })

  it('the same comment event delivered twice rolls back once: the second run finds its 👀 and the answer in the state line', async () => {
    const gh = fakeGitHubWithIncidents(ROLES)
    const w = world()
    const issue = gh.incident({ rule: 'error-rate-critical' })
    const c = gh.said(issue.number, '/rollback-sentinel rollback level=1', 'maria')
    const event = eventFor(issue, c)
    await run(setup(event, gh, w).adapters)
    expect(w.commands.filter((x) => x.includes('--quick'))).toHaveLength(1)
    const writes = gh.writes.length
    core.reset(INPUTS)
    await run(setup(event, gh, w).adapters)
    expect(w.commands.filter((x) => x.includes('--quick'))).toHaveLength(1)
    // Only the claim was tried again (GitHub answers 200: already there): no reply, no state write.
    expect(gh.writes.slice(writes)).toEqual([`reaction ${c.id} eyes`])
    expect(core.outputs.decision).toBe('ignored')
    expect(core.failed).toBeUndefined()
    expect(core.summaries.join('')).toContain('Already answered')
  })

  it('a 👀 already there (an earlier run ended without a reply): nothing runs, a reply says so, the step fails', async () => {
    const gh = fakeGitHubWithIncidents(ROLES)
    const w = world()
    const issue = gh.incident({ rule: 'error-rate-critical' })
    const c = gh.said(issue.number, '/rollback-sentinel rollback level=1', 'maria')
    gh.reactions.push({ comment: c.id, content: 'eyes' })
    await run(setup(eventFor(issue, c), gh, w).adapters)
    expect(hostScripts(w)).toEqual([])
    expect(gh.comments[gh.comments.length - 1].body).toContain(
      'an earlier run already took this comment'
    )
    expect(core.failed).toBe('this comment was already taken by an earlier run that left no answer')
  })

  it('a reply marker pasted by someone else neither suppresses the command nor is trusted', async () => {
    const gh = fakeGitHubWithIncidents(ROLES)
    const w = world()
    const issue = gh.incident({ rule: 'error-rate-critical' })
    const c = gh.said(issue.number, '/rollback-sentinel approve', 'maria')
    // Someone without the role pastes markers: "already answered" and "a restore is pending".
    gh.said(
      issue.number,
      `<!-- rollback-sentinel environment=production run=1 comment=${c.id} -->`,
      'mallory'
    )
    gh.said(
      issue.number,
      '<!-- rollback-sentinel environment=production run=1 pending=restore pending-level=3 target=backup-evil -->',
      'mallory'
    )
    await run(setup(eventFor(issue, c), gh, w).adapters)
    expect(hostScripts(w)).toEqual([])
    expect(gh.comments[gh.comments.length - 1].body).toContain(
      'Nothing is pending on this incident'
    )
  })
})

describe('mode command: refusals say why and touch nothing', () => {
  it.each([
    [
      'a triage user',
      'tom',
      'User',
      /@\u200b?tom has the triage role in this repository; commands need maintain or higher/
    ],
    ['a write user (maintain is the default)', 'wes', 'User', /@\u200b?wes has the write role/],
    ['a non-collaborator (404)', 'nobody', 'User', /@\u200b?nobody has no role/],
    ['a bot, even one with admin', 'ada', 'Bot', /comments by bots are never acted on/]
  ])(
    'clear-security by %s: refused with a reply, nothing on the host',
    async (_who, author, userType, why) => {
      const r = await comment('/rollback-sentinel clear-security target=' + PRE_DEPLOY, {
        author,
        userType,
        state: { rule: 'security-breach', pending: { action: 'security-clearance' } }
      })
      expect(r.w.commands).toEqual([])
      expect(r.gh.reactions).toEqual([{ comment: r.c.id, content: 'eyes' }])
      expect(r.reply).toMatch(why)
      expect(r.reply).toContain('## 🚫 Not run')
      expect(r.reply).not.toContain('<!--')
      // The answer is recorded on the state line; what was pending stays pending.
      expect(parseStateLine(r.issue.body)).toMatchObject({
        answered: [r.c.id],
        pending: { action: 'security-clearance' }
      })
      expect(core.outputs.decision).toBe('refused')
      expect(core.failed).toBeUndefined()
      expect(r.s.posts).toEqual([])
    }
  )

  it('commands.min-role admin refuses a maintainer', async () => {
    fs.writeFileSync(path.join(tmp, 'policy.yml'), 'commands: { min-role: admin }\n')
    core.reset({ ...INPUTS, 'policy-file': path.join(tmp, 'policy.yml') })
    const r = await comment('/rollback-sentinel status')
    expect(r.reply).toContain('commands need admin or higher')
    expect(r.w.commands).toEqual([])
  })

  it.each([
    [
      'a target with ;',
      '/rollback-sentinel clear-security target=backup-1;reboot',
      'target a value of 15 characters is not a backup id'
    ],
    ['an unknown verb', '/rollback-sentinel nuke', 'unknown verb "nuke"'],
    [
      'an unknown key',
      '/rollback-sentinel rollback level=2 force=1',
      'unknown key "force" for rollback'
    ],
    ['level 5', '/rollback-sentinel rollback level=5', 'level "5" is not 1, 2 or 3']
  ])(
    'a bad command (%s): a reply naming what was wrong, no SSH, no permission lookup',
    async (_what, body, problem) => {
      const r = await comment(body, { state: { rule: 'security-breach' } })
      expect(r.reply).toContain('## ❓ Not a valid command')
      expect(r.reply).toContain(problem.replace(/"/g, '"'))
      expect(r.reply).toContain('/rollback-sentinel rollback level=1|2|3 [target=ID]')
      expect(r.w.commands).toEqual([])
      expect(r.gh.lookups).toEqual([])
      expect(core.outputs.decision).toBe('refused')
    }
  )

  it.each([['closed', { state: 'closed' }, {}, 'is closed']])(
    'a %s incident: a reply saying why, nothing runs',
    async (_what, issue, state, why) => {
      const r = await comment('/rollback-sentinel rollback level=1', {
        issue: issue as Partial<FakeIssue>,
        state: { rule: 'error-rate-critical', ...state }
      })
      expect(r.reply).toContain(why)
      expect(r.w.commands).toEqual([])
    }
  )

  it.each([
    ['without a state line', { body: 'a bug report' }, {}],
    ['of another environment', {}, { environment: 'staging' }],
    [
      'opened by an outsider with a state line (a look-alike)',
      { authorId: OUTSIDER.id, author: OUTSIDER.login },
      {}
    ]
  ])(
    'an issue %s: ignored, nothing written to GitHub, nothing runs',
    async (_what, issue, state) => {
      const r = await comment('/rollback-sentinel rollback level=1', {
        issue: issue as Partial<FakeIssue>,
        state: { rule: 'error-rate-critical', ...state }
      })
      expect(r.gh.writes).toEqual([])
      expect(r.w.commands).toEqual([])
      expect(core.outputs.decision).toBe('ignored')
      expect(core.failed).toBeUndefined()
    }
  )

  it('an event that is not issue_comment is bad input', async () => {
    await comment('/rollback-sentinel status', { adapters: { eventName: 'push' } })
    expect(core.outputs.decision).toBe('bad-input')
    expect(core.failed).toMatch(
      /^bad input: mode 'command' runs on issue_comment events, and this run's event is 'push'/
    )
  })
})

describe('mode command: the runbook steps', () => {
  it('clear-security by a maintainer: 👀, the target checked again, what will run, stop-command, Level 3 to the pre-breach backup, verified, RESOLVED', async () => {
    const r = await comment(
      `/rollback-sentinel clear-security target=${PRE_DEPLOY}\nsecurity team: breach began after the backup`,
      {
        state: { rule: 'security-breach', pending: { action: 'security-clearance' } }
      }
    )
    expect(r.gh.reactions).toEqual([{ comment: r.c.id, content: 'eyes' }])
    expect(hostScripts(r.w)).toEqual([
      'bash deploy/rollback/rollback.sh --list',
      'docker-compose down',
      `bash deploy/rollback/rollback.sh --level 3 --target ${PRE_DEPLOY}`,
      'test -f deploy/rollback/validate_rollback.sh',
      'bash deploy/rollback/validate_rollback.sh',
      'test -f deploy/smoke_tests.sh',
      'bash deploy/smoke_tests.sh'
    ])
    expect(r.reply).toContain('## ✅ [RESOLVED] Rollback Complete - Service Restored')
    expect(r.reply).toContain('Security clearance given')
    expect(r.reply).toContain('Asked by @maria (maintain)')
    expect(r.reply).toMatch(
      /\| 2 \| rollback \| 3 \| `bash deploy\/rollback\/rollback.sh --level 3 --target backup-\d{8}-\d{6}` \| 0 \| ok \(exit 0\) \|/
    )
    expect(r.reply).toContain('https://github.com/acme/spacetime/actions/runs/900')
    // Before it ran, a reply said exactly what would run.
    expect(r.replies[r.replies.length - 2].body).toContain(
      `## ▶️ Running now: Level 3 to \`${PRE_DEPLOY}\``
    )
    expect(parseStateLine(r.issue.body)).toMatchObject({
      answered: [r.c.id],
      commandRolledBack: true
    })
    expect(parseStateLine(r.issue.body)?.pending).toBeUndefined()
    expect(r.issue.labels).toContain('resolved')
    expect(core.outputs).toMatchObject({
      decision: 'command',
      'rollback-level': '3',
      'rollback-status': 'succeeded',
      'rollback-target': PRE_DEPLOY
    })
    expect(core.failed).toBeUndefined()
    expect(core.summaries.join('')).toContain('[RESOLVED] Rollback Complete')
    expect(fs.existsSync(core.outputs['report-path'])).toBe(true)
    // The chat notice: the result and the link, never the webhook URL.
    expect(r.s.posts).toHaveLength(1)
    expect(r.s.posts[0]).toContain('@\u200bmaria ran /rollback-sentinel clear-security')
    expect(r.s.posts[0]).toContain('RESOLVED')
    expect([...core.lines, ...core.summaries, r.reply].join('\n')).not.toContain(
      'secretHookPathPart42'
    )
    expect(core.secrets).toContain(HOOK)
  })

  it('clear-security without a target: the reply lists the backups with ages and data-loss notes', async () => {
    const r = await comment('/rollback-sentinel clear-security', {
      state: { rule: 'security-breach', pending: { action: 'security-clearance' } }
    })
    expect(hostScripts(r.w)).toEqual(['bash deploy/rollback/rollback.sh --list'])
    expect(r.reply).toContain('## 📦 Backups on the host: choose the target')
    expect(r.reply).toContain(`| \`${BACKUPS[0].id}\` | `)
    expect(r.reply).toContain('| 30h | yes | Major loss - escalate to management |')
    expect(r.reply).toContain('| 1h | no | Check with team - what transactions will be lost? |')
    expect(r.reply).toContain('/rollback-sentinel clear-security target=<id>')
    expect(r.reply).not.toContain('<!--')
  })

  it('rollback on a security incident before clearance: refused by the runbook, nothing runs', async () => {
    const r = await comment('/rollback-sentinel rollback level=1', {
      state: { rule: 'security-breach', pending: { action: 'security-clearance' } }
    })
    expect(r.reply).toContain('DO NOT roll back')
    expect(hostScripts(r.w)).toEqual([])
  })

  it('approve on a restore blocked by backup-max-age runs it: Level 3 to the recorded target', async () => {
    const r = await comment('/rollback-sentinel approve\nmanagement approved the 30h loss', {
      state: {
        rule: 'data-corruption',
        pending: { action: 'restore', level: 3, target: BACKUPS[0].id }
      }
    })
    expect(hostScripts(r.w).slice(0, 3)).toEqual([
      'bash deploy/rollback/rollback.sh --list',
      'docker-compose down',
      `bash deploy/rollback/rollback.sh --level 3 --target ${BACKUPS[0].id}`
    ])
    expect(r.reply).toContain('[RESOLVED]')
    expect(r.reply).toContain('Approved: the restore that backup-max-age blocked')
    expect(r.reply).toContain('Major loss - escalate to management')
  })

  it.each([
    [
      'a target the host no longer lists',
      'backup-20261101-000000',
      /backup backup-20261101-000000 is not among the 3 backup\(s\) that rollback.sh --list shows now/
    ],
    [
      'a target taken after the incident’s deploy',
      BACKUPS[2].id,
      /not before the incident's deploy .*restoring it would bring the broken release back/
    ]
  ])(
    'approve of a pending restore to %s: checked again, refused, nothing restored',
    async (_what, target, why) => {
      const r = await comment('/rollback-sentinel approve', {
        state: { rule: 'data-corruption', pending: { action: 'restore', level: 3, target } }
      })
      expect(hostScripts(r.w)).toEqual(['bash deploy/rollback/rollback.sh --list'])
      expect(r.reply).toMatch(why)
      expect(core.outputs.decision).toBe('refused')
    }
  )

  it('clear-security to a backup older than backup-max-age: held, left pending; then approve runs exactly it', async () => {
    const gh = fakeGitHubWithIncidents(ROLES)
    const w = world()
    const issue = gh.incident({
      rule: 'security-breach',
      pending: { action: 'security-clearance' }
    })
    const c1 = gh.said(
      issue.number,
      `/rollback-sentinel clear-security target=${BACKUPS[0].id}`,
      'maria'
    )
    await run(setup(eventFor(issue, c1), gh, w).adapters)
    expect(hostScripts(w)).toEqual(['bash deploy/rollback/rollback.sh --list'])
    expect(parseStateLine(issue.body)?.pending).toEqual({
      action: 'restore',
      level: 3,
      target: BACKUPS[0].id
    })
    core.reset(INPUTS)
    const c2 = gh.said(issue.number, '/rollback-sentinel approve', 'ada')
    await run(setup(eventFor(issue, c2), gh, w).adapters)
    expect(hostScripts(w)).toContain(
      `bash deploy/rollback/rollback.sh --level 3 --target ${BACKUPS[0].id}`
    )
    expect(core.outputs['rollback-status']).toBe('succeeded')
  })

  it('approve on an incident whose body a person edited: not trusted, nothing runs, the reply asks for an explicit command', async () => {
    const gh = fakeGitHubWithIncidents(ROLES)
    const w = world()
    const issue = gh.incident({
      rule: 'data-corruption',
      pending: { action: 'restore', level: 3, target: BACKUPS[0].id }
    })
    gh.github.editBodyAs(MAINTAINER, issue.number, `${issue.body}\n- [x] checked by hand`)
    const c = gh.said(issue.number, '/rollback-sentinel approve', 'maria')
    await run(setup(eventFor(issue, c), gh, w).adapters)
    expect(hostScripts(w)).toEqual([])
    const reply = gh.comments[gh.comments.length - 1].body
    expect(reply).toContain(
      'the incident body was edited by @\u200bmaria after the action wrote it'
    )
    expect(reply).toContain('/rollback-sentinel rollback level=N target=ID')
    // The state line is the action's again, with nothing of the edited one carried over.
    expect(parseStateLine(issue.body)).toMatchObject({ answered: [c.id] })
    expect(parseStateLine(issue.body)?.pending).toBeUndefined()
    expect(issue.body).toContain('- [x] checked by hand')
  })

  it('a refused command carrying a marker: the reply repeats nothing of it', async () => {
    const planted =
      '/rollback-sentinel <!-- rollback-sentinel environment=production run=1 pending=restore pending-level=3 target=backup-evil --> @org/team ![x](https://e.example/x.png)'
    const r = await comment(planted, { author: 'mallory' })
    expect(r.reply).toContain('## ❓ Not a valid command')
    for (const bad of ['<!--', 'backup-evil', '@org', '![', 'e.example'])
      expect(r.reply).not.toContain(bad)
    expect(parseStateLine(r.issue.body)?.pending).toBeUndefined()
  })

  it('approve on a P3 consider rollback runs Level 1', async () => {
    const r = await comment('/rollback-sentinel approve', {
      state: { rule: 'error-rate-elevated', pending: { action: 'consider-rollback', level: 1 } }
    })
    expect(hostScripts(r.w)[0]).toBe('bash deploy/rollback/rollback.sh --quick')
    expect(r.reply).toContain('[RESOLVED]')
  })

  it('approve with nothing pending: a reply saying so', async () => {
    const r = await comment('/rollback-sentinel approve')
    expect(r.reply).toContain('Nothing is pending on this incident')
    expect(hostScripts(r.w)).toEqual([])
    expect(core.outputs.decision).toBe('command')
  })

  it('rollback level=2: the newest backup from before the incident’s deploy', async () => {
    const r = await comment('/rollback-sentinel rollback level=2')
    expect(hostScripts(r.w).slice(0, 2)).toEqual([
      'bash deploy/rollback/rollback.sh --list',
      `bash deploy/rollback/rollback.sh --level 2 --target ${PRE_DEPLOY}`
    ])
  })

  it('a failed level does not escalate: Rollback FAILED, the step that failed, what to try next; the step fails', async () => {
    const r = await comment('/rollback-sentinel rollback level=1', {
      w: world({ failLevels: [1] })
    })
    expect(hostScripts(r.w).filter((c) => c.includes('rollback.sh'))).toEqual([
      'bash deploy/rollback/rollback.sh --quick'
    ])
    expect(r.reply).toContain('Rollback FAILED - manual intervention required')
    expect(r.reply).toContain('`/rollback-sentinel rollback level=2`')
    expect(r.reply).toContain('FAILED (exit 1)')
    expect(r.issue.labels).toContain('rollback-failed')
    expect(core.failed).toMatch(/^rollback failed: rollback failed at Level 1/)
    expect(r.s.posts[0]).toContain('rollback FAILED')
  })

  it('status: one probe cycle with the read-only checks; nothing else on the host', async () => {
    fs.writeFileSync(path.join(tmp, 'policy.yml'), 'host-checks: { database: "pg_isready" }\n')
    core.reset({ ...INPUTS, 'policy-file': path.join(tmp, 'policy.yml') })
    const r = await comment('/rollback-sentinel status')
    expect(hostScripts(r.w)).toEqual(['pg_isready'])
    expect(r.reply).toContain('## 📋 Status of production')
    expect(r.reply).toContain('health down (HTTP 503), error rate 60.0%')
    expect(r.reply).toContain("The runbook's rules on this one sample:** `service-down` (P1)")
    expect(r.reply).toContain('| database | ok |')
    expect(r.reply).toContain('_Only the 1 read-only host check(s) above ran on the host._')
  })

  it('help: the verbs and who may use them', async () => {
    const r = await comment('/rollback-sentinel help')
    for (const v of [
      'rollback level=1|2|3 [target=ID]',
      'clear-security target=ID',
      'approve',
      'status'
    ])
      expect(r.reply).toContain(`/rollback-sentinel ${v}`)
    expect(r.reply).toContain('**maintain** or higher')
    expect(r.w.commands).toEqual([])
  })

  it('a reply GitHub refuses after the rollback ran: the step fails saying so; summary and outputs keep the result', async () => {
    const gh = fakeGitHubWithIncidents(ROLES)
    const w = world()
    const issue = gh.incident({ rule: 'error-rate-critical' })
    const c = gh.said(issue.number, '/rollback-sentinel rollback level=1', 'maria')
    gh.github.comment = async () => {
      throw new Error('GitHub API 502 on POST /repos/acme/spacetime/issues/1/comments: Bad Gateway')
    }
    await run(setup(eventFor(issue, c), gh, w).adapters)
    expect(hostScripts(w)[0]).toBe('bash deploy/rollback/rollback.sh --quick')
    expect(core.failed).toMatch(
      /^the reply could not be posted after the command ran \(the job summary has its result\): GitHub API 502/
    )
    expect(core.outputs).toMatchObject({ decision: 'command', 'rollback-status': 'succeeded' })
    expect(core.summaries.join('')).toContain('[RESOLVED] Rollback Complete')
  })

  it('a webhook that fails is a warning; the rollback stands', async () => {
    const failing: Webhook = { post: async () => Promise.reject(new Error('HTTP 500')) }
    const r = await comment('/rollback-sentinel rollback level=1', {
      adapters: { webhook: () => failing }
    })
    expect(r.reply).toContain('[RESOLVED]')
    expect(core.failed).toBeUndefined()
    expect(core.annotations).toContainEqual({
      level: 'warning',
      message: 'notify-webhook: could not post (HTTP 500); nothing else is affected'
    })
  })
})
