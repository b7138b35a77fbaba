// The rollback executor against a real sshd with fake runbook scripts (sandbox/sshd.js).
import { jest } from '@jest/globals'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  freePort,
  processRunning,
  readCalls,
  sshSettingsFor,
  startSshd,
  writeFakeDeploy
} from '../../sandbox/sshd.js'
import { runRestart, runSecurityPath } from '../../src/act/host-actions.js'
import { executeRollback } from '../../src/act/rollback.js'
import type { RollbackInput, RollbackSettings, VerifyResult } from '../../src/act/types.js'
import { createSshRemote, type SshRemote } from '../../src/adapters/ssh/remote.js'
import type { Clock, Logger, Remote } from '../../src/adapters/ports.js'
import { DEFAULT_POLICY } from '../../src/runbook/defaults.js'
import type { Policy, RollbackLevel } from '../../src/runbook/types.js'

jest.setTimeout(60_000)

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const NOW = Date.now()
const DEPLOYED_AT = NOW - 10 * MINUTE

const clock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms))
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z')
/** `rollback.sh --list` output with a header, one `<id> <ISO time>` line per backup. */
const listing = (entries: [string, number][]) =>
  ['ID CREATED', ...entries.map(([id, at]) => `${id} ${iso(at)}`)].join('\n')

type Sshd = Awaited<ReturnType<typeof startSshd>>
let sshd: Sshd
let tempDir: string
let remote: SshRemote
let logLines: string[]
const logger: Logger = {
  info: (l) => logLines.push(l),
  warning: (l) => logLines.push(`WARN ${l}`),
  error: (l) => logLines.push(`ERROR ${l}`)
}

function settings(
  over: Partial<RollbackSettings> = {},
  tune: (p: Policy) => void = () => {}
): RollbackSettings {
  const policy = structuredClone(DEFAULT_POLICY)
  policy.hostChecks.timeoutMs = 10_000
  tune(policy)
  return {
    scripts: {
      rollback: 'deploy/rollback/rollback.sh',
      validate: 'deploy/rollback/validate_rollback.sh',
      smokeTest: 'deploy/smoke_tests.sh'
    },
    rollbackTarget: undefined,
    commands: {},
    dryRun: false,
    deployedAt: DEPLOYED_AT,
    policy,
    ...over
  }
}

const recovered = async (): Promise<VerifyResult> => ({
  recovered: true,
  reason: 'health up on the last 3 probes, error rate 0.0%',
  samples: []
})
const notRecovered = async (): Promise<VerifyResult> => ({
  recovered: false,
  reason: 'health still down',
  samples: []
})

function run(over: Partial<RollbackInput> & { startLevel: RollbackLevel }) {
  return executeRollback({
    settings: settings(),
    remote,
    clock,
    verify: recovered,
    logger,
    ...over
  })
}

/** The fake scripts' calls as `script args`. */
const calls = () => readCalls(sshd.deployDir).map((c) => `${c.script} ${c.args}`.trim())

/** A Remote that counts the commands it is asked to run. */
function counting(inner: Remote) {
  let n = 0
  const wrapped: Remote = {
    run: (c, a, o) => {
      n++
      return inner.run(c, a, o)
    },
    dispose: () => inner.dispose()
  }
  return { remote: wrapped, count: () => n }
}

beforeAll(async () => {
  sshd = await startSshd()
})

afterAll(async () => {
  await sshd?.stop()
})

beforeEach(async () => {
  logLines = []
  tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rbs-rollback-'))
  remote = await createSshRemote(sshSettingsFor(sshd), { tempDir, logger })
  // A clean deploy dir for each test (the fake scripts are rewritten by each test).
  for (const entry of fs.readdirSync(sshd.deployDir)) {
    fs.rmSync(path.join(sshd.deployDir, entry), { recursive: true, force: true })
  }
})

afterEach(async () => {
  await remote.dispose()
  expect(fs.readdirSync(tempDir)).toEqual([]) // the key is gone
  fs.rmSync(tempDir, { recursive: true, force: true })
  // No log line carries the key.
  const body = sshd.privateKey.split('\n').filter((l) => l && !l.startsWith('-----'))
  for (const b of body) expect(logLines.join('\n')).not.toContain(b)
})

describe('executeRollback over a real sshd', () => {
  it('Level 1: rollback.sh --quick, then validate and smoke tests, then verification', async () => {
    writeFakeDeploy(sshd.deployDir)
    const { outcome, steps } = await run({ startLevel: 1 })
    expect(calls()).toEqual(['rollback.sh --quick', 'validate_rollback.sh', 'smoke_tests.sh'])
    expect(outcome).toMatchObject({ status: 'succeeded', level: 1 })
    expect(outcome.reason).toBe(
      'Level 1 rollback recovered production: health up on the last 3 probes, error rate 0.0%'
    )
    expect(outcome.attempts).toEqual([
      expect.objectContaining({ level: 1, scriptOk: true, recovered: true })
    ])
    expect(outcome.recoveredAt).toEqual(expect.any(Number))
    expect(steps.map((s) => [s.name, s.command, s.status, s.exitCode])).toEqual([
      ['rollback', 'bash deploy/rollback/rollback.sh --quick', 'ok', 0],
      ['validate', 'bash deploy/rollback/validate_rollback.sh', 'ok', 0],
      ['smoke-test', 'bash deploy/smoke_tests.sh', 'ok', 0]
    ])
    expect(steps[0].outputTail).toBe('rolling back: level 1 target previous')
    expect(steps[0].durationMs).toBeGreaterThan(0)
  })

  it("a slow rollback's output reaches the log line by line while it runs; the tail is kept as before", async () => {
    writeFakeDeploy(sshd.deployDir, {
      onRollback: 'for i in 1 2 3; do echo "restoring $i/3"; sleep 0.6; done; echo "done" >&2'
    })
    const seen: Array<{ at: number; line: string }> = []
    const timed: Logger = { ...logger, info: (l) => void seen.push({ at: Date.now(), line: l }) }
    const { steps } = await run({ startLevel: 1, logger: timed })
    const at = (line: string) => seen.find((s) => s.line === line)?.at ?? NaN
    const ended = seen.find((s) => s.line.startsWith('  rollback → exit 0'))?.at ?? NaN
    expect(seen.map((s) => s.line)).toEqual(
      expect.arrayContaining([
        '  | rolling back: level 1 target previous',
        '  | restoring 1/3',
        '  | restoring 3/3',
        '  | done'
      ])
    )
    // The first progress line came while the script still had more than a second to run.
    expect(ended - at('  | restoring 1/3')).toBeGreaterThan(1_000)
    expect(at('  | restoring 1/3')).toBeLessThan(at('  | restoring 2/3'))
    expect(steps[0].outputTail).toBe(
      // stdout, then stderr, as the tail always was
      'rolling back: level 1 target previous\nrestoring 1/3\nrestoring 2/3\nrestoring 3/3\n\ndone'
    )
  })

  it('Level 1 fails → Level 2 with the newest backup from before the deploy', async () => {
    writeFakeDeploy(sshd.deployDir, {
      rollbackExitByLevel: { 1: 1 },
      listOutput: listing([
        ['backup-old', DEPLOYED_AT - 26 * HOUR],
        ['backup-good', DEPLOYED_AT - 3 * HOUR],
        ['backup-after-deploy', DEPLOYED_AT + MINUTE]
      ])
    })
    const { outcome, steps } = await run({ startLevel: 1 })
    expect(calls()).toEqual([
      'rollback.sh --quick',
      'rollback.sh --list',
      'rollback.sh --level 2 --target backup-good',
      'validate_rollback.sh',
      'smoke_tests.sh'
    ])
    expect(outcome.status).toBe('succeeded')
    expect(outcome.level).toBe(2)
    expect(outcome.attempts.map((a) => [a.level, a.scriptOk, a.recovered])).toEqual([
      [1, false, false],
      [2, true, true]
    ])
    expect(outcome.attempts[0].reason).toBe('bash deploy/rollback/rollback.sh --quick exit 1')
    expect(outcome.target).toMatchObject({
      id: 'backup-good',
      source: 'list',
      dataLossNote: 'Check with team - what transactions will be lost?'
    })
    expect(outcome.target?.ageMs).toBeGreaterThanOrEqual(3 * HOUR + 10 * MINUTE)
    expect(steps.map((s) => `${s.name}:${s.status}`)).toEqual([
      'rollback:failed',
      'list-backups:ok',
      'rollback:ok',
      'validate:ok',
      'smoke-test:ok'
    ])
    expect(logLines.join('\n')).toMatch(/Escalating to Level 2/)
  })

  it('escalates when verification says not recovered; recovery is real (the host turns healthy)', async () => {
    writeFakeDeploy(sshd.deployDir, {
      listOutput: listing([['backup-20251201-030000', DEPLOYED_AT - 30 * MINUTE]]),
      onRollback: '[ "$LEVEL" = 2 ] && touch healthy'
    })
    const verify = async (): Promise<VerifyResult> => {
      const r = await remote.run('test -f healthy', [], { timeoutMs: 10_000 })
      return r.exitCode === 0
        ? {
            recovered: true,
            reason: 'healthy marker present',
            samples: [],
            recoveredAt: Date.now()
          }
        : { recovered: false, reason: 'healthy marker missing', samples: [] }
    }
    const { outcome } = await run({ startLevel: 1, verify })
    expect(outcome.attempts.map((a) => [a.level, a.scriptOk, a.recovered, a.reason])).toEqual([
      [1, true, false, 'healthy marker missing'],
      [2, true, true, 'healthy marker present']
    ])
    expect(outcome.status).toBe('succeeded')
    expect(outcome.reason).toMatch(
      /^Level 2 rollback recovered production \(target backup-20251201-030000: Usually acceptable/
    )
    expect(calls()).toContain('rollback.sh --level 2 --target backup-20251201-030000')
  })

  it('respects rollback.max-level and then says a human must act', async () => {
    writeFakeDeploy(sshd.deployDir, {
      rollbackExit: 1,
      listOutput: listing([['backup-a', DEPLOYED_AT - HOUR]])
    })
    const { outcome } = await run({
      startLevel: 1,
      settings: settings({}, (p) => (p.rollback.maxLevel = 2))
    })
    expect(calls()).toEqual([
      'rollback.sh --quick',
      'rollback.sh --list',
      'rollback.sh --level 2 --target backup-a'
    ])
    expect(outcome.status).toBe('failed')
    expect(outcome.level).toBe(2)
    expect(outcome.reason).toBe(
      'rollback failed at Level 2, manual intervention required ' +
        '(bash deploy/rollback/rollback.sh --level 2 --target backup-a exit 1)'
    )
  })

  it('escalates through all three levels when nothing recovers', async () => {
    writeFakeDeploy(sshd.deployDir, { listOutput: listing([['backup-a', DEPLOYED_AT - HOUR]]) })
    const { outcome } = await run({ startLevel: 1, verify: notRecovered })
    expect(calls().filter((c) => c.startsWith('rollback.sh'))).toEqual([
      'rollback.sh --quick',
      'rollback.sh --list',
      'rollback.sh --level 2 --target backup-a',
      'rollback.sh --level 3 --target backup-a'
    ])
    expect(outcome.status).toBe('failed')
    expect(outcome.reason).toMatch(/^rollback failed at Level 3, manual intervention required/)
  })

  it('Level 3 stops the services first, then restores', async () => {
    writeFakeDeploy(sshd.deployDir, { listOutput: listing([['backup-clean', DEPLOYED_AT - HOUR]]) })
    const { outcome, steps } = await run({
      startLevel: 3,
      settings: settings({ commands: { stop: 'echo stopped > stopped.txt' } })
    })
    expect(outcome.status).toBe('succeeded')
    expect(steps.map((s) => s.name)).toEqual([
      'list-backups',
      'stop',
      'rollback',
      'validate',
      'smoke-test'
    ])
    expect(steps[1]).toMatchObject({
      command: 'echo stopped > stopped.txt',
      status: 'ok',
      level: 3
    })
    expect(fs.readFileSync(path.join(sshd.deployDir, 'stopped.txt'), 'utf8')).toBe('stopped\n')
    expect(calls()[1]).toBe('rollback.sh --level 3 --target backup-clean')
  })

  it('blocks an automatic Level 3 from a backup older than backup-max-age', async () => {
    writeFakeDeploy(sshd.deployDir, {
      listOutput: listing([['backup-x', Date.now() - 30 * HOUR]])
    })
    const { outcome, steps } = await run({
      startLevel: 3,
      settings: settings({ commands: { stop: 'touch stopped.txt' } })
    })
    expect(outcome.status).toBe('blocked')
    expect(outcome.reason).toBe(
      'backup backup-x is 30h old > backup-max-age 24h ' +
        '(runbook: Major loss - escalate to management): a human must choose'
    )
    expect(outcome.target?.dataLossNote).toBe('Major loss - escalate to management')
    expect(calls()).toEqual(['rollback.sh --list'])
    expect(steps.map((s) => s.name)).toEqual(['list-backups'])
    expect(fs.existsSync(path.join(sshd.deployDir, 'stopped.txt'))).toBe(false)
  })

  it('blocks Level 2 when no backup predates the deploy', async () => {
    writeFakeDeploy(sshd.deployDir, {
      listOutput: listing([['backup-after', DEPLOYED_AT + MINUTE]])
    })
    const { outcome } = await run({ startLevel: 2 })
    expect(outcome.status).toBe('blocked')
    expect(outcome.reason).toMatch(
      /^Level 2 needs a backup target: no backup from before the deploy \(deployed-at .*\) among 1 listed by bash deploy\/rollback\/rollback.sh --list: a human must choose/
    )
    expect(calls()).toEqual(['rollback.sh --list'])
  })

  it('never uses a listed id with unsafe characters', async () => {
    writeFakeDeploy(sshd.deployDir, {
      listOutput: listing([
        ['backup;touch${IFS}pwned', DEPLOYED_AT - MINUTE],
        ['$(touch${IFS}pwned)-20251201-030000', DEPLOYED_AT - 2 * MINUTE],
        ['backup-safe', DEPLOYED_AT - HOUR]
      ])
    })
    const { outcome } = await run({ startLevel: 2 })
    expect(outcome.target?.id).toBe('backup-safe')
    expect(calls()[1]).toBe('rollback.sh --level 2 --target backup-safe')
    expect(logLines.filter((l) => /refused/.test(l))).toHaveLength(2)
    expect(fs.existsSync(path.join(sshd.deployDir, 'pwned'))).toBe(false)
  })

  it('uses rollback-target as given, without listing', async () => {
    writeFakeDeploy(sshd.deployDir)
    const { outcome } = await run({
      startLevel: 2,
      settings: settings({ rollbackTarget: 'release-41' })
    })
    expect(calls()[0]).toBe('rollback.sh --level 2 --target release-41')
    expect(outcome.target).toMatchObject({ id: 'release-41', source: 'input', ageMs: null })
  })

  it.each([
    ['a semicolon', 'backup-1;reboot'],
    ['command substitution', '$(reboot)'],
    ['a space', 'backup 1'],
    ['a single quote', "backup'1"],
    ['a double quote', 'backup"1'],
    ['a leading dash', '--list']
  ])('refuses a rollback-target with %s before any connection', async (_name, target) => {
    writeFakeDeploy(sshd.deployDir)
    const c = counting(remote)
    const { outcome, steps } = await executeRollback({
      startLevel: 2,
      settings: settings({ rollbackTarget: target }),
      remote: c.remote,
      clock,
      verify: recovered,
      logger
    })
    expect(outcome.status).toBe('failed')
    expect(outcome.reason).toMatch(/^rollback-target ".*" is not allowed: use only letters/)
    expect(c.count()).toBe(0)
    expect(steps).toEqual([])
    expect(calls()).toEqual([])
  })

  it('skips validate/smoke scripts absent on the host; a failing smoke test escalates', async () => {
    writeFakeDeploy(sshd.deployDir, {
      omitValidate: true,
      smokeExit: 2,
      listOutput: listing([['backup-a', DEPLOYED_AT - HOUR]])
    })
    const { outcome, steps } = await run({
      startLevel: 1,
      settings: settings({}, (p) => (p.rollback.maxLevel = 2))
    })
    expect(steps.map((s) => `${s.level}:${s.name}:${s.status}`)).toEqual([
      '1:rollback:ok',
      '1:validate:skipped',
      '1:smoke-test:failed',
      '2:list-backups:ok',
      '2:rollback:ok',
      '2:validate:skipped',
      '2:smoke-test:failed'
    ])
    expect(steps[1].note).toBe('absent on host')
    expect(outcome.attempts[0]).toMatchObject({
      scriptOk: true,
      recovered: false,
      reason: 'bash deploy/smoke_tests.sh exit 2'
    })
    expect(outcome.status).toBe('failed')
  })

  it('kills a hung rollback script at its time limit, on the host too, and escalates', async () => {
    const { hangMarker } = writeFakeDeploy(sshd.deployDir, { hang: true })
    const started = Date.now()
    const { outcome, steps } = await run({
      startLevel: 1,
      settings: settings({}, (p) => {
        p.rollback.maxLevel = 1
        p.rollback.timeoutsMs[1] = 2000
      })
    })
    expect(Date.now() - started).toBeLessThan(15_000)
    expect(steps[0]).toMatchObject({ name: 'rollback', status: 'timeout', exitCode: null })
    expect(outcome.status).toBe('failed')
    expect(outcome.reason).toBe(
      'rollback failed at Level 1, manual intervention required ' +
        '(bash deploy/rollback/rollback.sh --quick killed at its 2s limit)'
    )
    for (let i = 0; i < 20 && processRunning(hangMarker); i++) {
      await new Promise((r) => setTimeout(r, 100))
    }
    expect(processRunning(hangMarker)).toBe(false)
  })

  it.each([
    [
      'a wrong host key',
      () => ({ knownHosts: sshd.wrongKnownHosts }),
      'host key changed (REMOTE HOST IDENTIFICATION HAS CHANGED)'
    ],
    [
      'a refused client key',
      () => ({ privateKey: sshd.wrongPrivateKey }),
      'authentication refused (Permission denied (publickey))'
    ]
  ])('fails with the SSH reason on %s, runs nothing, does not escalate', async (_n, over, why) => {
    writeFakeDeploy(sshd.deployDir)
    const broken = await createSshRemote(sshSettingsFor(sshd, over()), { tempDir, logger })
    try {
      const { outcome, steps } = await run({ startLevel: 1, remote: broken })
      expect(outcome.status).toBe('failed')
      expect(outcome.reason).toBe(`Level 1 rollback: ${why}`)
      expect(outcome.attempts).toHaveLength(1)
      expect(steps).toEqual([
        expect.objectContaining({ name: 'rollback', status: 'ssh-error', sshFailure: why })
      ])
      expect(calls()).toEqual([])
    } finally {
      await broken.dispose()
    }
  })

  it('fails with connection refused when sshd is down', async () => {
    const down = await createSshRemote(sshSettingsFor(sshd, { port: await freePort() }), {
      tempDir,
      logger
    })
    try {
      const { outcome } = await run({ startLevel: 2, remote: down })
      expect(outcome).toMatchObject({
        status: 'failed',
        reason: 'Level 2 needs a backup target: could not list backups: connection refused'
      })
    } finally {
      down.disposeSync()
    }
  })

  it('is blocked without a host', async () => {
    const { outcome, steps } = await run({ startLevel: 1, remote: undefined })
    expect(outcome).toMatchObject({
      status: 'blocked',
      reason: 'rollback needed, no host configured (ssh-host)'
    })
    expect(steps).toEqual([])
  })

  it('dry run: Level 1 runs nothing and records what it would run', async () => {
    writeFakeDeploy(sshd.deployDir)
    const { outcome, steps } = await run({
      startLevel: 1,
      settings: settings({ dryRun: true })
    })
    expect(calls()).toEqual([])
    expect(outcome.status).toBe('skipped-dry-run')
    expect(steps.map((s) => [s.name, s.command, s.status])).toEqual([
      ['rollback', 'bash deploy/rollback/rollback.sh --quick', 'dry-run'],
      ['validate', 'bash deploy/rollback/validate_rollback.sh', 'dry-run'],
      ['smoke-test', 'bash deploy/smoke_tests.sh', 'dry-run']
    ])
    expect(logLines).toContain('[dry-run] would run: bash deploy/rollback/rollback.sh --quick')
  })

  it('dry run: Level 3 lists backups (read-only) but neither stops nor restores', async () => {
    writeFakeDeploy(sshd.deployDir, { listOutput: listing([['backup-a', DEPLOYED_AT - HOUR]]) })
    const { outcome, steps } = await run({
      startLevel: 3,
      settings: settings({ dryRun: true, commands: { stop: 'touch stopped.txt' } })
    })
    expect(calls()).toEqual(['rollback.sh --list'])
    expect(fs.existsSync(path.join(sshd.deployDir, 'stopped.txt'))).toBe(false)
    expect(outcome.status).toBe('skipped-dry-run')
    expect(outcome.reason).toMatch(
      /^dry run: would run Level 3: bash deploy\/rollback\/rollback.sh --level 3 --target backup-a/
    )
    expect(steps.map((s) => `${s.name}:${s.status}`)).toEqual([
      'list-backups:ok',
      'stop:dry-run',
      'rollback:dry-run',
      'validate:dry-run',
      'smoke-test:dry-run'
    ])
    expect(logLines).toContain('[dry-run] would run: touch stopped.txt')
  })
})

describe('restart and the security path over a real sshd', () => {
  it('runRestart runs the restart command, or records why it did not', async () => {
    const cmds = { restart: 'echo restarted >> restarts.txt' }
    const step = await runRestart(remote, { commands: cmds, dryRun: false }, { clock, logger })
    expect(step).toMatchObject({ name: 'restart', status: 'ok', exitCode: 0 })
    const dry = await runRestart(remote, { commands: cmds, dryRun: true }, { clock, logger })
    expect(dry.status).toBe('dry-run')
    expect(fs.readFileSync(path.join(sshd.deployDir, 'restarts.txt'), 'utf8')).toBe('restarted\n')
    fs.rmSync(path.join(sshd.deployDir, 'restarts.txt'))

    const none = await runRestart(remote, { commands: {}, dryRun: false }, { clock, logger })
    expect(none).toMatchObject({ status: 'skipped', note: 'no restart-command configured' })
    const noHost = await runRestart(undefined, { commands: cmds, dryRun: false }, { clock })
    expect(noHost).toMatchObject({ status: 'skipped', note: 'no host configured (ssh-host)' })
  })

  it('runSecurityPath preserves evidence first, then isolates; dry run runs neither', async () => {
    const commands = {
      evidence: 'echo evidence >> security.txt',
      isolate: 'echo isolate >> security.txt; exit 4'
    }
    const steps = await runSecurityPath(remote, { commands, dryRun: false }, { clock, logger })
    expect(steps.map((s) => `${s.name}:${s.status}:${s.exitCode}`)).toEqual([
      'evidence:ok:0',
      'isolate:failed:4'
    ])
    const file = path.join(sshd.deployDir, 'security.txt')
    expect(fs.readFileSync(file, 'utf8')).toBe('evidence\nisolate\n')
    fs.rmSync(file)

    const dry = await runSecurityPath(remote, { commands, dryRun: true }, { clock, logger })
    expect(dry.map((s) => s.status)).toEqual(['dry-run', 'dry-run'])
    expect(fs.existsSync(file)).toBe(false)
    expect(await runSecurityPath(remote, { commands: {}, dryRun: false }, { clock })).toEqual([])
  })
})

describe('cancelling mid-rollback over a real sshd', () => {
  // A rollback that takes ~2 s, writing as it goes, and leaves a marker when it has finished.
  const slowRollback = () =>
    writeFakeDeploy(sshd.deployDir, {
      onRollback:
        'for i in 1 2 3 4; do echo "restoring, step $i"; sleep 0.5; done; touch "$RBS_DEPLOY/rolled-back"'
    })
  const finished = () => fs.existsSync(path.join(sshd.deployDir, 'rolled-back'))
  /** Resolves once rollback.sh has started on the host (bounded). */
  const started = async () => {
    for (let i = 0; i < 100 && !calls().some((c) => c.startsWith('rollback.sh')); i++) {
      await new Promise((r) => setTimeout(r, 20))
    }
    expect(calls()).toEqual(['rollback.sh --quick'])
  }

  it('a first cancel lets rollback.sh finish over the shared connection, then runs nothing else', async () => {
    slowRollback()
    expect(await remote.sharedConnection()).toBe(true)
    const cancel = new AbortController()
    const stop = new AbortController()
    const verify = jest.fn(recovered)
    const running = run({ startLevel: 1, verify, signal: cancel.signal, stopSignal: stop.signal })
    await started()
    // What the action does on a first SIGINT/SIGTERM during a rollback.
    cancel.abort()
    remote.refuseNewCommands()
    const { outcome, steps } = await running
    expect(finished()).toBe(true)
    expect(outcome).toMatchObject({ status: 'failed', level: 1 })
    expect(outcome.reason).toBe(
      'cancelled during Level 1: bash deploy/rollback/rollback.sh --quick exit 0; ' +
        'validation and verification did not run: check production'
    )
    expect(steps.map((s) => `${s.name}:${s.status}`)).toEqual(['rollback:ok'])
    expect(steps[0].outputTail).toContain('restoring, step 4')
    expect(calls()).toEqual(['rollback.sh --quick'])
    expect(verify).not.toHaveBeenCalled()
  })

  it('a second cancel kills rollback.sh in flight', async () => {
    slowRollback()
    expect(await remote.sharedConnection()).toBe(true)
    const cancel = new AbortController()
    const stop = new AbortController()
    const running = run({ startLevel: 1, signal: cancel.signal, stopSignal: stop.signal })
    await started()
    cancel.abort()
    remote.refuseNewCommands()
    await new Promise((r) => setTimeout(r, 300))
    const stoppedAt = Date.now()
    stop.abort()
    remote.disposeSync()
    const { outcome, steps } = await running
    expect(Date.now() - stoppedAt).toBeLessThan(1_000)
    expect(outcome.reason).toMatch(/^cancelled during Level 1: .* no exit code \(cancelled\);/)
    expect(steps).toEqual([
      expect.objectContaining({ name: 'rollback', exitCode: null, note: 'cancelled' })
    ])
    // It never got to its end on the host (it would have by now).
    await new Promise((r) => setTimeout(r, 2_500))
    expect(finished()).toBe(false)
  })

  it('a cancel during verification starts no further level', async () => {
    writeFakeDeploy(sshd.deployDir)
    const cancel = new AbortController()
    const verify = jest.fn(async (): Promise<VerifyResult> => {
      cancel.abort()
      return notRecovered()
    })
    const { outcome } = await run({
      startLevel: 1,
      verify,
      signal: cancel.signal,
      settings: settings({ rollbackTarget: 'backup-1' })
    })
    expect(outcome).toMatchObject({ status: 'failed', reason: 'cancelled after Level 1' })
    expect(verify).toHaveBeenCalledTimes(1)
    expect(calls().filter((c) => c.startsWith('rollback.sh'))).toEqual(['rollback.sh --quick'])
  })
})
