// The preflight's probes against a real sshd with fake runbook scripts (sandbox/sshd.js): what each
// broken host looks like to the action, and that the preflight changes nothing on the host.
import { jest } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { readCalls, sshSettingsFor, startSshd, writeFakeDeploy } from '../../sandbox/sshd.js'
import { preflightHost } from '../../src/act/preflight.js'
import type { HostConnection } from '../../src/adapters/ports.js'
import { formatRemoteCommand } from '../../src/adapters/shell.js'
import { createSshRemote, type SshRemote } from '../../src/adapters/ssh/remote.js'
import { DEFAULT_POLICY } from '../../src/runbook/defaults.js'
import type { PreflightMode } from '../../src/runbook/preflight.js'
import type { Policy } from '../../src/runbook/types.js'
import type { Settings } from '../../src/settings/types.js'

jest.setTimeout(60_000)

const DEPLOYED_AT = Date.now() - 10 * 60_000

type Sshd = Awaited<ReturnType<typeof startSshd>>
let sshd: Sshd
let tempDir: string
const remotes: SshRemote[] = []

async function connect(appDir = ''): Promise<SshRemote> {
  const r = await createSshRemote(sshSettingsFor(sshd, { appDir }), { tempDir })
  remotes.push(r)
  return r
}

function settings(
  over: Partial<Pick<Settings, 'commands' | 'rollbackTarget'>> & { preflight?: PreflightMode } = {},
  tune: (p: Policy) => void = () => {}
) {
  const policy = structuredClone(DEFAULT_POLICY)
  policy.hostChecks.security = "grep -i -E 'breach' logs/app.log || true"
  policy.hostChecks.corruption = 'test -f data/corruption_detected'
  tune(policy)
  return {
    scripts: {
      rollback: 'deploy/rollback/rollback.sh',
      validate: 'deploy/rollback/validate_rollback.sh',
      smokeTest: 'deploy/smoke_tests.sh'
    },
    commands: { restart: 'bash deploy/restart.sh' },
    deployedAt: DEPLOYED_AT,
    rollbackTarget: undefined,
    policy,
    appDir: '',
    preflight: 'fail' as PreflightMode,
    ...over
  }
}

async function check(s = settings(), appDir = '') {
  const remote = await connect(appDir)
  return preflightHost(remote, { ...s, appDir }, { now: () => Date.now() })
}

const kinds = (r: Awaited<ReturnType<typeof check>>) =>
  r.findings.map((f) => `${f.severity} ${f.kind}: ${f.title}`)

beforeAll(async () => {
  sshd = await startSshd()
})
afterAll(async () => {
  await sshd?.stop()
})
beforeEach(() => {
  tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rbs-preflight-'))
  for (const entry of fs.readdirSync(sshd.deployDir))
    fs.rmSync(path.join(sshd.deployDir, entry), { recursive: true, force: true })
})
afterEach(async () => {
  for (const r of remotes.splice(0)) await r.dispose()
  expect(fs.readdirSync(tempDir)).toEqual([]) // the keys are gone
  fs.rmSync(tempDir, { recursive: true, force: true })
})

describe('preflight on a real host', () => {
  it('a ready host: no finding, every probe answered, only --list ran of the scripts, over one shared connection', async () => {
    writeFakeDeploy(sshd.deployDir)
    const r = await check()
    expect(kinds(r)).toEqual([])
    expect(r.shared).toBe(true)
    expect(r.raw.scripts.map((s) => [s.role, s.exists?.exitCode, s.executable?.exitCode])).toEqual([
      ['rollback', 0, 0],
      ['validate', 0, 0],
      ['smoke', 0, 0]
    ])
    expect(r.raw.list?.stdout).toContain('backup-20251202-030000')
    expect(r.raw.programs.map((p) => [p.probe, p.answer?.exitCode])).toEqual([
      [{ kind: 'command', name: 'bash' }, 0],
      [{ kind: 'command', name: 'test' }, 0],
      [{ kind: 'command', name: 'grep' }, 0]
    ])
    // Read-only: of the runbook's scripts only `--list` ran.
    expect(readCalls(sshd.deployDir).map((c) => `${c.script} ${c.args}`)).toEqual([
      'rollback.sh --list'
    ])
  })

  it('rollback.sh missing: one error, and --list is not asked', async () => {
    writeFakeDeploy(sshd.deployDir, { omitRollback: true })
    const r = await check()
    expect(kinds(r)).toEqual(['error script-missing: deploy/rollback/rollback.sh is missing'])
    expect(r.raw.list).toBeUndefined()
    expect(readCalls(sshd.deployDir)).toEqual([])
  })

  it('no run bit on rollback.sh and smoke_tests.sh; validate absent is a warning', async () => {
    writeFakeDeploy(sshd.deployDir, { noRunBit: ['rollback', 'smoke'], omitValidate: true })
    const r = await check()
    expect(kinds(r)).toEqual([
      'error script-not-executable: deploy/rollback/rollback.sh is not executable',
      'warning optional-script-missing: deploy/rollback/validate_rollback.sh is missing',
      'error script-not-executable: deploy/smoke_tests.sh is not executable'
    ])
  })

  it('--list in another format, and --list failing', async () => {
    writeFakeDeploy(sshd.deployDir, { listOutput: 'NAME        SIZE\nnightly     2.1G\n' })
    expect(kinds(await check())).toEqual([
      'error list-format: rollback.sh --list answers in another format'
    ])
    writeFakeDeploy(sshd.deployDir, { listOutput: 'no pins recorded', listExit: 3 })
    const failed = await check()
    expect(kinds(failed)).toEqual(['error list-failed: rollback.sh --list failed'])
    expect(failed.findings[0].message).toContain('exited 3: "no pins recorded"')
  })

  it('no backup from before the deploy: an error where Level 2/3 may run, nothing at max-level 1', async () => {
    writeFakeDeploy(sshd.deployDir, { listOutput: '' })
    expect(kinds(await check())).toEqual(['error no-backup: no backup from before the deploy'])
    const level1 = settings({}, (p) => (p.rollback.maxLevel = 1))
    expect(kinds(await check(level1))).toEqual([])
  })

  it('a check that uses docker-compose (v1) on a host without it', async () => {
    writeFakeDeploy(sshd.deployDir)
    const s = settings({}, (p) => (p.hostChecks.database = 'docker-compose exec -T db pg_isready'))
    const r = await check(s)
    expect(kinds(r)).toEqual(['error program-missing: docker-compose is missing'])
    expect(r.findings[0].message).toContain('used by host-checks.database')
  })

  it('app-dir that does not exist: one error, nothing else asked', async () => {
    writeFakeDeploy(sshd.deployDir)
    const r = await check(settings(), '/srv/no-such-app')
    expect(kinds(r)).toEqual(['error app-dir: app-dir cannot be entered'])
    expect(r.findings[0].message).toMatch(
      /`cd \/srv\/no-such-app` failed \(exit 1: ".*No such file/
    )
    expect(r.raw.scripts).toEqual([])
  })

  it('preflight: off asks only the connection', async () => {
    writeFakeDeploy(sshd.deployDir, { omitRollback: true })
    const r = await check(settings({ preflight: 'off' }))
    expect(r.findings).toEqual([])
    expect(r.raw.connection.exitCode).toBe(0)
    expect(r.raw.scripts).toEqual([])
    expect(r.raw.programs).toEqual([])
  })
})

describe("the host kit's gate", () => {
  it('lets every preflight probe through as the action formats it, and runs it as a fixed command', async () => {
    const app = fs.mkdtempSync(path.join(os.tmpdir(), 'rbs-gate-app-'))
    const sent: string[] = []
    const recording: HostConnection = {
      keyFile: '',
      refuseNewCommands: () => {},
      sharedConnection: async () => true,
      disposeSync: () => {},
      dispose: async () => {},
      run: async (command, argv, { timeoutMs }) => {
        sent.push(formatRemoteCommand({ appDir: app, command, argv, timeoutMs }))
        const list = argv[0] === '--list' ? 'backup-20251201-030000 2025-12-01T03:00:00Z' : ''
        return { exitCode: 0, stdout: list, stderr: '', durationMs: 1, timedOut: false }
      }
    }
    const s = settings({ commands: { restart: 'docker compose -p app restart web' } }, (p) => {
      p.hostChecks.database = 'docker-compose exec -T db pg_isready'
    })
    const r = await preflightHost(recording, { ...s, appDir: app }, { now: () => Date.now() })
    expect(r.findings).toEqual([])
    // true, test -f/-x ×3, --list, 4 programs (docker compose, test, docker-compose, grep)
    expect(sent).toHaveLength(1 + 3 * 2 + 1 + 4)
    const log = path.join(app, 'gate.log')
    try {
      for (const request of sent) {
        fs.writeFileSync(log, '')
        const gate = spawnSync('bash', ['hostkit/gate.sh', '--app-dir', app], {
          env: {
            ...process.env,
            SSH_ORIGINAL_COMMAND: request,
            GATE_LOG: log,
            PATH: `${path.resolve('hostkit/test/gate-bin')}:${process.env.PATH}`
          },
          encoding: 'utf8'
        })
        expect({ request, status: gate.status, stderr: gate.stderr }).toEqual({
          request,
          status: 0,
          stderr: ''
        })
        // What the gate hands to timeout: the fixed form, never the request text itself.
        expect(fs.readFileSync(log, 'utf8')).toMatch(
          /^-k 5 \d+ (true|test -[fx] |bash -- deploy|bash -c command -v "\$1" sh |docker compose version)/
        )
      }
    } finally {
      fs.rmSync(app, { recursive: true, force: true })
    }
  })
})
