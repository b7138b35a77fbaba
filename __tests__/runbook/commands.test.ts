// Commands on the incident issue, pure parts: the grammar, who may, which issue, what each verb
// does in the incident's state, and what a watch leaves pending.
import { checkApproval, issueRefusal, planCommand } from '../../src/runbook/command-plan.js'
import { backupAgeBlock } from '../../src/runbook/backups.js'
import { readCommentEvent } from '../../src/runbook/comment-event.js'
import {
  authorize,
  BadCommand,
  canonicalCommand,
  parseCommand,
  roleFrom,
  type Command,
  type Role
} from '../../src/runbook/commands.js'
import {
  pendingAfterRun,
  stateAfterCommand,
  stateAfterRun,
  STATE_MEMORY,
  type IncidentState,
  type RunFacts,
  type RunOutcome
} from '../../src/runbook/pending.js'
import type { BackupChoice } from '../../src/runbook/types.js'

const HOUR = 3_600_000

describe('parseCommand', () => {
  it.each<[string, string, Command | null]>([
    ['not a command: plain text', 'LGTM, rolling back by hand', null],
    ['not a command: the prefix later in the line', 'please /rollback-sentinel status', null],
    ['not a command: the prefix glued to a word', '/rollback-sentinels status', null],
    ['not a command: on the second line only', 'hi\n/rollback-sentinel status', null],
    ['not a command: empty', '', null],
    ['status', '/rollback-sentinel status', { verb: 'status' }],
    ['help, upper-case prefix and verb', '/ROLLBACK-SENTINEL Help', { verb: 'help' }],
    [
      'approve, text after the first line',
      '/rollback-sentinel approve\nmanagement said yes',
      { verb: 'approve' }
    ],
    [
      'approve, CRLF and surrounding blanks',
      '  /rollback-sentinel   approve  \r\nok',
      { verb: 'approve' }
    ],
    ['rollback level=1', '/rollback-sentinel rollback level=1', { verb: 'rollback', level: 1 }],
    [
      'rollback level=3 target=ID',
      '/rollback-sentinel rollback level=3 target=backup-20251201-030000',
      { verb: 'rollback', level: 3, target: 'backup-20251201-030000' }
    ],
    [
      'rollback keys in any order, key case ignored',
      '/rollback-sentinel rollback TARGET=snap:a.1_b level=2',
      { verb: 'rollback', level: 2, target: 'snap:a.1_b' }
    ],
    [
      'clear-security without target (the reply lists backups)',
      '/rollback-sentinel clear-security',
      { verb: 'clear-security' }
    ],
    [
      'clear-security target=ID',
      '/rollback-sentinel clear-security target=backup-20251201-030000',
      { verb: 'clear-security', target: 'backup-20251201-030000' }
    ]
  ])('%s', (_name, body, expected) => {
    expect(parseCommand(body)).toEqual(expected)
  })

  it.each<[string, string, RegExp]>([
    [
      'bad: no verb',
      '/rollback-sentinel',
      /^no verb: use one of rollback, clear-security, approve, status, help$/
    ],
    ['bad: unknown verb', '/rollback-sentinel restart', /^unknown verb "restart"/],
    [
      'bad: unknown key',
      '/rollback-sentinel rollback level=1 force=yes',
      /^unknown key "force" for rollback: it takes level, target$/
    ],
    [
      'bad: a key on a verb that takes none',
      '/rollback-sentinel status verbose=1',
      /^unknown key "verbose" for status: it takes no keys$/
    ],
    ['bad: not key=value', '/rollback-sentinel rollback 2', /^"2" is not key=value/],
    [
      'bad: level missing',
      '/rollback-sentinel rollback target=backup-1',
      /^rollback needs level=1, 2 or 3$/
    ],
    ['bad: level 4', '/rollback-sentinel rollback level=4', /^level "4" is not 1, 2 or 3$/],
    ['bad: level 0', '/rollback-sentinel rollback level=0', /^level "0" is not 1, 2 or 3$/],
    ['bad: level words', '/rollback-sentinel rollback level=two', /^level "two" is not 1, 2 or 3$/],
    [
      'bad: level given twice',
      '/rollback-sentinel rollback level=1 level=2',
      /^level is given twice$/
    ],
    ['bad: empty value', '/rollback-sentinel clear-security target=', /^target= has no value$/],
    [
      'bad: target with ;',
      '/rollback-sentinel clear-security target=backup-1;reboot',
      /^target a value of 15 characters is not a backup id: use only letters/
    ],
    [
      'bad: target with $()',
      '/rollback-sentinel rollback level=2 target=$(id)',
      /^target a value of 5 characters is not a backup id/
    ],
    [
      'bad: target starting with -',
      '/rollback-sentinel rollback level=2 target=--level',
      /^target "--level" is not a backup id/
    ],
    [
      'bad: target with a slash',
      '/rollback-sentinel rollback level=3 target=../etc',
      /^target a value of 6 characters is not a backup id/
    ],
    [
      'bad: Level 1 with a target',
      '/rollback-sentinel rollback level=1 target=backup-1',
      /^Level 1 takes no target/
    ],
    ['bad: trailing words', '/rollback-sentinel status please', /^"please" is not key=value/]
  ])('%s', (_name, body, message) => {
    const parsed = parseCommand(body)
    expect(parsed).toBeInstanceOf(BadCommand)
    expect((parsed as BadCommand).message).toMatch(message)
  })

  it('never throws, whatever the text', () => {
    for (const body of [
      '/rollback-sentinel \u0000',
      '/rollback-sentinel rollback level=' + '9'.repeat(1e4),
      '\uFEFF/rollback-sentinel help'
    ])
      expect(() => parseCommand(body)).not.toThrow()
    expect(parseCommand('\uFEFF/rollback-sentinel help')).toEqual({ verb: 'help' })
    expect(parseCommand(undefined as unknown as string)).toBeNull()
  })
})

describe('roleFrom', () => {
  it.each<[string, Parameters<typeof roleFrom>[0], Role | null]>([
    ['roleFrom: 404 is no role', null, null],
    ['roleFrom: none is no role', { permission: 'none', role_name: 'none' }, null],
    [
      'roleFrom: role_name maintain wins over the folded write',
      { permission: 'write', role_name: 'maintain' },
      'maintain'
    ],
    [
      'roleFrom: role_name triage wins over the folded read',
      { permission: 'read', role_name: 'triage' },
      'triage'
    ],
    ['roleFrom: admin', { permission: 'admin', role_name: 'admin' }, 'admin'],
    ['roleFrom: write', { permission: 'write', role_name: 'write' }, 'write'],
    [
      'roleFrom: a custom role falls back to its permission',
      { permission: 'write', role_name: 'deployer' },
      'write'
    ],
    ['roleFrom: no role_name (older servers) reads permission', { permission: 'admin' }, 'admin'],
    ['roleFrom: unknown permission is no role', { permission: 'owner' }, null]
  ])('%s', (_name, answer, role) => {
    expect(roleFrom(answer)).toBe(role)
  })
})

describe('authorize', () => {
  const human = { login: 'alice', type: 'User' }
  it.each<
    [
      string,
      { login: string; type: string },
      Role | null,
      'write' | 'maintain' | 'admin',
      boolean,
      RegExp?
    ]
  >([
    [
      'authorize: maintain may when min-role is maintain',
      human,
      'maintain',
      'maintain',
      true,
      undefined
    ],
    ['authorize: admin may when min-role is maintain', human, 'admin', 'maintain', true, undefined],
    [
      'authorize: write may not when min-role is maintain',
      human,
      'write',
      'maintain',
      false,
      /has the write role in this repository; commands need maintain or higher/
    ],
    ['authorize: triage may not', human, 'triage', 'maintain', false, /has the triage role/],
    [
      'authorize: read may not even with min-role write',
      human,
      'read',
      'write',
      false,
      /needs? write|commands need write/
    ],
    ['authorize: write may when min-role is write', human, 'write', 'write', true, undefined],
    [
      'authorize: maintain may not when min-role is admin',
      human,
      'maintain',
      'admin',
      false,
      /commands need admin or higher/
    ],
    ['authorize: no role may not', human, null, 'maintain', false, /@alice has no role/],
    [
      'authorize: a bot never, even an admin one',
      { login: 'deploy-bot[bot]', type: 'Bot' },
      'admin',
      'maintain',
      false,
      /comments by bots are never acted on.*maintain role/
    ]
  ])('%s', (_name, who, role, min, allowed, reason) => {
    const a = authorize(who, role, min)
    expect(a.allowed).toBe(allowed)
    if (!a.allowed) expect(a.reason).toMatch(reason as RegExp)
  })
})

describe('issueRefusal', () => {
  const open = {
    number: 7,
    state: 'open',
    pullRequest: false,
    incident: true,
    environment: 'production'
  }
  it.each<[string, typeof open, 'ignore' | 'refuse' | null, string]>([
    ['issueRefusal: the open incident of this environment', open, null, ''],
    [
      'issueRefusal: closed → a reply says so',
      { ...open, state: 'closed' },
      'refuse',
      '#7 is closed: commands act on open incidents only'
    ],
    [
      'issueRefusal: not an issue the action opened (a look-alike) → nothing is written to it',
      { ...open, incident: false, environment: undefined as unknown as string },
      'ignore',
      '#7 is not an incident issue that rollback-sentinel opened'
    ],
    [
      'issueRefusal: another environment → ignored (that environment’s job answers)',
      { ...open, environment: 'staging' },
      'ignore',
      '#7 is the incident of another environment'
    ],
    [
      'issueRefusal: a pull request → ignored',
      { ...open, pullRequest: true },
      'ignore',
      '#7 is a pull request'
    ]
  ])('%s', (_name, issue, act, start) => {
    const r = issueRefusal(issue, 'production')
    if (act === null) expect(r).toBeNull()
    else {
      expect(r?.act).toBe(act)
      expect(r?.why.startsWith(start)).toBe(true)
    }
  })
})

const T = Date.UTC(2026, 10, 27, 12, 0, 0)
const run = (over: Partial<RunFacts> = {}): RunFacts => ({
  environment: 'production',
  runId: '1',
  deployedAt: T,
  rule: 'error-rate-critical',
  security: false,
  ...over
})

describe('stateAfterRun / stateAfterCommand', () => {
  it('stateAfterRun: a new incident records the run, its rollback and what it left pending', () => {
    expect(
      stateAfterRun(
        undefined,
        run({ rolledBackAt: 3, pending: { action: 'consider-rollback', level: 1 } })
      )
    ).toEqual({
      environment: 'production',
      runId: '1',
      deployedAt: T,
      rule: 'error-rate-critical',
      security: false,
      commandRolledBack: false,
      pending: { action: 'consider-rollback', level: 1 },
      rolledBack: [{ runId: '1', level: 3 }],
      answered: []
    })
  })

  it('stateAfterRun: a later breach replaces the deploy, rule and pending; runs and answers are kept', () => {
    const first = stateAfterRun(
      undefined,
      run({ rolledBackAt: 1, pending: { action: 'restore', level: 3, target: 'backup-x' } })
    )
    const answered = stateAfterCommand(first, { commentId: 55, runId: '9' })
    const second = stateAfterRun(answered, run({ runId: '2', deployedAt: T + 5, rolledBackAt: 2 }))
    expect(second).toMatchObject({
      runId: '2',
      deployedAt: T + 5,
      rolledBack: [
        { runId: '1', level: 1 },
        { runId: '2', level: 2 }
      ],
      answered: [55]
    })
    expect(second.pending).toBeUndefined()
  })

  it('stateAfterRun: an untrusted earlier state (undefined) carries nothing over', () => {
    expect(stateAfterRun(undefined, run()).rolledBack).toEqual([])
  })

  it('stateAfterRun: a security incident stays one until its clean recovery ran', () => {
    const sec = stateAfterRun(undefined, run({ security: true, rule: 'security-breach' }))
    expect(stateAfterRun(sec, run({ runId: '2' })).security).toBe(true)
    const cleared = stateAfterCommand(sec, { commentId: 1, runId: '3', rolledBackAt: 3 })
    expect(cleared).toMatchObject({ security: true, commandRolledBack: true })
    expect(cleared.pending).toBeUndefined()
    expect(stateAfterRun(cleared, run({ runId: '4' })).security).toBe(false)
  })

  it('stateAfterCommand: a command without a rollback leaves what is pending', () => {
    const pending = stateAfterRun(
      undefined,
      run({ pending: { action: 'restore', level: 3, target: 'backup-x' } })
    )
    const after = stateAfterCommand(pending, { commentId: 5, runId: '9' })
    expect(after.pending).toEqual({ action: 'restore', level: 3, target: 'backup-x' })
    expect(after.answered).toEqual([5])
    expect(stateAfterCommand(after, { commentId: 5, runId: '9' }).answered).toEqual([5])
  })

  it(`stateAfterRun / stateAfterCommand: the lists keep the newest ${STATE_MEMORY}`, () => {
    let s = stateAfterRun(undefined, run())
    for (let i = 1; i <= STATE_MEMORY + 10; i++)
      s = stateAfterCommand(s, { commentId: i, runId: 'x' })
    expect(s.answered).toHaveLength(STATE_MEMORY)
    expect(s.answered[0]).toBe(11)
  })
})

describe('backupAgeBlock (the one backup-age rule)', () => {
  it.each<[string, 1 | 2 | 3, number | null, boolean]>([
    ['backupAgeBlock: Level 3, older than backup-max-age → blocked', 3, 25 * HOUR, true],
    ['backupAgeBlock: Level 3, exactly backup-max-age → runs', 3, 24 * HOUR, false],
    ['backupAgeBlock: Level 3, age unknown → runs (the note says unknown)', 3, null, false],
    [
      'backupAgeBlock: Level 2 (the low-risk migration rollback) is never held by age',
      2,
      99 * HOUR,
      false
    ],
    ['backupAgeBlock: Level 1 uses no backup', 1, 99 * HOUR, false]
  ])('%s', (_name, level, ageMs, blocked) => {
    const why = backupAgeBlock(level, { id: 'b', ageMs }, 24 * HOUR)
    expect(why !== null).toBe(blocked)
    if (why) expect(why).toMatch(/backup b is 25h old > backup-max-age 24h \(runbook: Major loss/)
  })
})

describe('checkApproval', () => {
  const backups = [
    { id: 'backup-old', takenAt: T - 30 * HOUR },
    { id: 'backup-fresh', takenAt: T - HOUR },
    { id: 'backup-after', takenAt: T + 60_000 }
  ]
  const check = (over: Partial<Parameters<typeof checkApproval>[0]>) =>
    checkApproval({
      level: 3,
      target: 'backup-fresh',
      backups,
      deployedAt: T,
      now: T + 10 * 60_000,
      backupMaxAgeMs: 24 * HOUR,
      answersBlock: false,
      ...over
    })
  it.each<[string, Partial<Parameters<typeof checkApproval>[0]>, RegExp | null]>([
    ['checkApproval: listed, before the deploy, within the age → runs', {}, null],
    [
      'checkApproval: not listed now (a planted or deleted backup) → refused',
      { target: 'backup-planted' },
      /backup backup-planted is not among the 3 backup\(s\) that rollback.sh --list shows now/
    ],
    [
      'checkApproval: taken after the deploy (the broken release) → refused',
      { target: 'backup-after' },
      /not before the incident's deploy .*restoring it would bring the broken release back/
    ],
    [
      'checkApproval: older than backup-max-age, not the answer to that block → refused, pending',
      { target: 'backup-old' },
      /backup backup-old is 30h10m old > backup-max-age 24h.*approve.* runs exactly this restore/
    ],
    [
      'checkApproval: older than backup-max-age, the answer to exactly that block → runs',
      { target: 'backup-old', answersBlock: true },
      null
    ],
    [
      'checkApproval: Level 2 of an old backup → runs (age holds Level 3 only)',
      { target: 'backup-old', level: 2 },
      null
    ]
  ])('%s', (_name, over, refused) => {
    const r = check(over)
    if (refused === null) {
      expect(r.ok).toBe(true)
      expect(r.ok && r.target.id).toBe(over.target ?? 'backup-fresh')
    } else {
      expect(r.ok).toBe(false)
      expect(!r.ok && r.reason).toMatch(refused)
    }
  })

  it('checkApproval: a clearance held by age leaves exactly that restore pending', () => {
    const r = check({ target: 'backup-old' })
    expect(!r.ok && r.pending).toEqual({ action: 'restore', level: 3, target: 'backup-old' })
  })
})

describe('canonicalCommand', () => {
  it.each<[string, string]>([
    [
      '/rollback-sentinel rollback level=3 target=backup-1',
      '/rollback-sentinel rollback level=3 target=backup-1'
    ],
    ['/ROLLBACK-SENTINEL   Approve', '/rollback-sentinel approve'],
    ['/rollback-sentinel clear-security target=b-2 <!-- x -->', ''],
    ['/rollback-sentinel status', '/rollback-sentinel status']
  ])('canonicalCommand: %s → the action’s own words', (text, expected) => {
    const c = parseCommand(text)
    if (expected === '') expect(c).toBeInstanceOf(BadCommand)
    else expect(canonicalCommand(c as Command)).toBe(expected)
  })

  it('parseCommand: a bad command’s message never carries the comment’s markup', () => {
    for (const text of [
      '/rollback-sentinel <!--rollback-sentinel environment=production run=1 pending=restore-->',
      '/rollback-sentinel rollback level=<img> target=x',
      '/rollback-sentinel @org/team ![x](http://e/x.png)',
      '/rollback-sentinel rollback level=1 fixes=#12'
    ]) {
      const c = parseCommand(text)
      expect(c).toBeInstanceOf(BadCommand)
      expect((c as BadCommand).message).not.toMatch(/[<>@#![\]]/)
    }
  })
})

const backup = (ageMs: number | null, source: 'list' | 'input' = 'list'): BackupChoice => ({
  id: 'backup-20251201-030000',
  takenAt: ageMs === null ? null : T - ageMs,
  ageMs,
  source,
  dataLossNote: 'x'
})
const outcome = (over: Partial<RunOutcome>): RunOutcome => ({
  decision: 'rollback',
  severity: 'P1',
  rule: 'data-corruption',
  rollbackStatus: 'succeeded',
  backupMaxAgeMs: 24 * HOUR,
  dryRun: false,
  ...over
})

describe('pendingAfterRun', () => {
  it.each<[string, RunOutcome, ReturnType<typeof pendingAfterRun>]>([
    [
      'pendingAfterRun: a Level 3 blocked by backup-max-age → restore with its target',
      outcome({ rollbackStatus: 'blocked', rollbackLevel: 3, target: backup(30 * HOUR) }),
      { action: 'restore', level: 3, target: 'backup-20251201-030000' }
    ],
    [
      'pendingAfterRun: blocked for another reason (no host) → nothing',
      outcome({ rollbackStatus: 'blocked', rollbackLevel: 3 }),
      undefined
    ],
    [
      'pendingAfterRun: blocked, backup exactly at the limit → nothing',
      outcome({ rollbackStatus: 'blocked', rollbackLevel: 3, target: backup(24 * HOUR) }),
      undefined
    ],
    ['pendingAfterRun: a recovered rollback → nothing', outcome({ rollbackLevel: 1 }), undefined],
    [
      'pendingAfterRun: P3 consider rollback (warn) → Level 1',
      outcome({
        decision: 'warn',
        severity: 'P3',
        rule: 'error-rate-elevated',
        rollbackStatus: 'not-needed'
      }),
      { action: 'consider-rollback', level: 1 }
    ],
    [
      'pendingAfterRun: a P2 warn (window unfinished) → nothing',
      outcome({
        decision: 'warn',
        severity: 'P2',
        rule: 'error-rate-high',
        rollbackStatus: 'not-needed'
      }),
      undefined
    ],
    [
      'pendingAfterRun: security (isolate) → clearance',
      outcome({ decision: 'isolate', rule: 'security-breach', rollbackStatus: 'blocked' }),
      { action: 'security-clearance' }
    ],
    [
      'pendingAfterRun: a dry run leaves nothing',
      outcome({ decision: 'isolate', rule: 'security-breach', dryRun: true }),
      undefined
    ]
  ])('%s', (_name, run, expected) => {
    expect(pendingAfterRun(run)).toEqual(expected)
  })
})

const state = (over: Partial<IncidentState> = {}): IncidentState => ({
  environment: 'production',
  runId: '1',
  rolledBack: [],
  answered: [],
  security: false,
  commandRolledBack: false,
  deployedAt: T,
  rule: 'error-rate-critical',
  ...over
})

describe('planCommand', () => {
  it.each<[string, Command, IncidentState, object]>([
    [
      'rollback: the chosen level, default target from before the deploy',
      { verb: 'rollback', level: 2 },
      state(),
      { kind: 'rollback', level: 2, deployedAt: T, step: 'rollback' }
    ],
    [
      'rollback: a given target',
      { verb: 'rollback', level: 3, target: 'b-1' },
      state(),
      { kind: 'rollback', level: 3, target: 'b-1', step: 'rollback' }
    ],
    [
      'rollback: Level 2 without target on an old marker (no deploy time) → the backup list',
      { verb: 'rollback', level: 2 },
      state({ deployedAt: undefined }),
      { kind: 'list-backups' }
    ],
    [
      'rollback: Level 1 on an old marker runs (no target needed)',
      { verb: 'rollback', level: 1 },
      state({ deployedAt: undefined }),
      { kind: 'rollback', level: 1 }
    ],
    [
      'rollback: refused on a security incident awaiting clearance',
      { verb: 'rollback', level: 1 },
      state({ security: true }),
      { kind: 'answer', text: expect.stringContaining('DO NOT roll back') }
    ],
    [
      'rollback: allowed on a security incident once clear-security ran',
      { verb: 'rollback', level: 1 },
      state({ security: true, commandRolledBack: true }),
      { kind: 'rollback', level: 1 }
    ],
    [
      'clear-security: Level 3 to the named pre-breach backup',
      { verb: 'clear-security', target: 'b-pre' },
      state({ security: true }),
      { kind: 'rollback', level: 3, target: 'b-pre', step: 'clear-security' }
    ],
    [
      'clear-security: without target → the backup list',
      { verb: 'clear-security' },
      state({ security: true }),
      { kind: 'list-backups', why: expect.stringContaining('before the breach') }
    ],
    [
      'clear-security: not on a non-security incident',
      { verb: 'clear-security', target: 'b' },
      state(),
      { kind: 'answer', text: expect.stringContaining('not a security incident') }
    ],
    [
      'approve: a blocked restore runs with its level and target',
      { verb: 'approve' },
      state({ pending: { action: 'restore', level: 3, target: 'b-old' } }),
      { kind: 'rollback', level: 3, target: 'b-old', step: 'approve-restore' }
    ],
    [
      'approve: consider rollback runs Level 1',
      { verb: 'approve' },
      state({ pending: { action: 'consider-rollback', level: 1 } }),
      { kind: 'rollback', level: 1, step: 'approve-consider' }
    ],
    [
      'approve: nothing pending → says so',
      { verb: 'approve' },
      state(),
      { kind: 'answer', text: expect.stringContaining('Nothing is pending') }
    ],
    [
      'approve: security clearance is not approve',
      { verb: 'approve' },
      state({ security: true, pending: { action: 'security-clearance' } }),
      { kind: 'answer', text: expect.stringContaining('clear-security') }
    ],
    ['status: one probe cycle', { verb: 'status' }, state(), { kind: 'status' }],
    ['help: the verbs', { verb: 'help' }, state({ security: true }), { kind: 'help' }]
  ])('%s', (_name, command, s, expected) => {
    expect(planCommand(command, s)).toMatchObject(expected)
  })
})

describe('readCommentEvent', () => {
  const event = {
    action: 'created',
    issue: {
      number: 12,
      html_url: 'https://github.com/acme/spacetime/issues/12',
      state: 'open',
      body: '<!-- rollback-sentinel environment=production run=1 -->',
      labels: [{ name: 'incident' }, { name: 'security' }],
      user: { login: 'github-actions[bot]', type: 'Bot' }
    },
    comment: {
      id: 1001,
      html_url: 'https://github.com/acme/spacetime/issues/12#issuecomment-1001',
      body: '/rollback-sentinel status',
      user: { login: 'alice', type: 'User' }
    }
  }
  it('readCommentEvent: the fields a command needs', () => {
    expect(readCommentEvent(event)).toEqual({
      event: {
        action: 'created',
        comment: {
          id: 1001,
          body: '/rollback-sentinel status',
          url: event.comment.html_url,
          user: { login: 'alice', type: 'User' }
        },
        issue: {
          number: 12,
          url: event.issue.html_url,
          state: 'open',
          body: event.issue.body,
          labels: ['incident', 'security'],
          pullRequest: false,
          author: 'github-actions[bot]'
        }
      }
    })
  })
  it.each<[string, unknown]>([
    ['readCommentEvent: a push event', { ref: 'refs/heads/main' }],
    ['readCommentEvent: no comment id', { ...event, comment: { ...event.comment, id: 'x' } }],
    [
      'readCommentEvent: a login that is not one',
      { ...event, comment: { ...event.comment, user: { login: 'a b', type: 'User' } } }
    ],
    ['readCommentEvent: not JSON object', 'text']
  ])('%s → an error', (_name, json) => {
    expect(readCommentEvent(json)).toHaveProperty('error')
  })
})
