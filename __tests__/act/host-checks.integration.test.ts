// Host checks: the pure error-line classifier, then every check kind over a real sshd.
import { jest } from '@jest/globals'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  freePort,
  sshSettingsFor,
  startSshd,
  writeDeployFile,
  writeFakeDeploy
} from '../../sandbox/sshd.js'
import { classifyErrorLines, runHostChecks } from '../../src/act/host-checks.js'
import { createSshRemote, type SshRemote } from '../../src/adapters/ssh/remote.js'
import { DEFAULT_POLICY } from '../../src/runbook/defaults.js'
import type { Policy } from '../../src/runbook/types.js'

jest.setTimeout(60_000)
const patterns = DEFAULT_POLICY.errorPatterns

describe('classifyErrorLines (Error Type Consideration)', () => {
  it('counts each line once, critical before medium before low, case-insensitive', () => {
    const r = classifyErrorLines(
      [
        'ERROR Database connection failed: timeout after 5s', // critical wins over medium
        'error: Out Of Memory',
        'WARN upstream timed out',
        'WARN upstream timed out',
        'validation error: email',
        'GET /favicon.ico 404 not found',
        'INFO all good',
        ''
      ],
      patterns
    )
    expect(r).toEqual({
      critical: 2,
      medium: 2,
      low: 2,
      top: [
        '2× [medium] WARN upstream timed out',
        '1× [critical] ERROR Database connection failed: timeout after 5s',
        '1× [critical] error: Out Of Memory'
      ]
    })
  })

  it("uses the counts of the runbook's `sort | uniq -c | sort -rn` output", () => {
    const r = classifyErrorLines(
      [
        '     42 ERROR segmentation fault in worker',
        '      7 payment processing failure',
        '      3 cache miss'
      ],
      patterns
    )
    expect(r.critical).toBe(49)
    expect(r.medium).toBe(3)
    expect(r.top[0]).toBe('42× [critical] ERROR segmentation fault in worker')
  })

  it('keeps at most 10 top lines, each at most 300 characters', () => {
    const lines = Array.from({ length: 15 }, (_, i) => `out of memory #${i} ${'x'.repeat(400)}`)
    const r = classifyErrorLines(lines, patterns)
    expect(r.critical).toBe(15)
    expect(r.top).toHaveLength(10)
    for (const l of r.top) expect(l.length).toBeLessThan(330)
  })

  it('treats an invalid pattern as literal text instead of throwing', () => {
    const r = classifyErrorLines(['boom (unclosed'], {
      critical: ['(unclosed'],
      medium: [],
      low: []
    })
    expect(r.critical).toBe(1)
  })

  it('ignores everything when nothing matches', () => {
    expect(classifyErrorLines(['hello', 'world'], patterns)).toEqual({
      critical: 0,
      medium: 0,
      low: 0,
      top: []
    })
  })
})

function policyWith(checks: Partial<Policy['hostChecks']>): Policy {
  const p = structuredClone(DEFAULT_POLICY)
  p.hostChecks = { ...p.hostChecks, timeoutMs: 10_000, ...checks }
  return p
}

describe('runHostChecks over a real sshd', () => {
  let sshd: Awaited<ReturnType<typeof startSshd>>
  let tempDir: string
  let remote: SshRemote

  beforeAll(async () => {
    sshd = await startSshd()
    tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rbs-checks-'))
    remote = await createSshRemote(sshSettingsFor(sshd), { tempDir })
  })

  afterAll(async () => {
    await remote?.dispose()
    if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true })
    await sshd?.stop()
  })

  beforeEach(() => {
    writeFakeDeploy(sshd.deployDir)
    fs.rmSync(path.join(sshd.deployDir, 'data'), { recursive: true, force: true })
  })

  it('reads every check kind from real commands', async () => {
    writeDeployFile(sshd.deployDir, 'data/corruption_detected', '')
    writeDeployFile(
      sshd.deployDir,
      'app.log',
      [
        '2025-12-02T10:00:01Z ERROR database connection refused',
        '2025-12-02T10:00:02Z ERROR database connection refused',
        '2025-12-02T10:00:03Z WARN request timed out',
        '2025-12-02T10:00:04Z INFO user not found',
        '2025-12-02T10:00:05Z INFO ok'
      ].join('\n')
    )
    const readings = await runHostChecks(
      remote,
      policyWith({
        corruption: 'test -f data/corruption_detected',
        database: 'exit 1',
        cache: 'echo PONG',
        security: "echo 'unauthorized access from 1.2.3.4'; exit 1",
        errorLog: 'grep -i -e error -e warn -e info app.log'
      })
    )
    expect(readings.corruption).toMatchObject({ status: 'alert' })
    expect(readings.database).toMatchObject({
      status: 'alert',
      detail: 'database check failed (exit 1)'
    })
    expect(readings.cache).toMatchObject({ status: 'ok' })
    expect(readings.security).toEqual({
      status: 'alert',
      detail: '1 suspicious line',
      lines: ['unauthorized access from 1.2.3.4']
    })
    expect(readings.errorLog).toMatchObject({ status: 'measured', critical: 2, medium: 1, low: 1 })
    expect(readings.errorLog.top[0]).toBe(
      '1× [critical] 2025-12-02T10:00:01Z ERROR database connection refused'
    )
  })

  it('reads the healthy answers as ok, and ignores the exit code of the security check', async () => {
    writeDeployFile(sshd.deployDir, 'app.log', 'INFO fine\n')
    const readings = await runHostChecks(
      remote,
      policyWith({
        corruption: 'test -f data/corruption_detected',
        database: 'true',
        cache: 'exit 1',
        security: "grep -i -E 'security|breach|unauthorized|malicious' app.log",
        errorLog: 'cat app.log'
      })
    )
    expect(readings.corruption.status).toBe('ok')
    expect(readings.database.status).toBe('ok')
    expect(readings.cache).toMatchObject({ status: 'alert', detail: 'cache check failed (exit 1)' })
    expect(readings.security).toMatchObject({ status: 'ok' }) // grep exited 1: not an alert
    expect(readings.errorLog).toEqual({
      status: 'measured',
      critical: 0,
      medium: 0,
      low: 0,
      top: []
    })
  })

  it('keeps at most 20 security lines of at most 300 characters', async () => {
    const readings = await runHostChecks(
      remote,
      policyWith({ security: `for i in $(seq 1 30); do printf 'breach %0400d\\n' $i; done` })
    )
    expect(readings.security.status).toBe('alert')
    expect(readings.security.detail).toBe('30 suspicious lines')
    expect(readings.security.lines).toHaveLength(20)
    for (const l of readings.security.lines ?? []) expect(l.length).toBeLessThanOrEqual(300)
  })

  it('gives unknown, never alert, when a check cannot run', async () => {
    const readings = await runHostChecks(
      remote,
      policyWith({ database: 'no-such-psql -c "SELECT 1"', cache: 'sleep 30', security: '' }),
      { timeoutMs: 1000 }
    )
    expect(readings.database.status).toBe('unknown')
    expect(readings.database.detail).toMatch(/could not run \(exit 127/)
    expect(readings.cache).toEqual({ status: 'unknown', detail: 'no answer within 1s' })
    expect(readings.security).toEqual({ status: 'off' })
    expect(readings.corruption).toEqual({ status: 'off' })
    expect(readings.errorLog.status).toBe('off')
  })

  it('gives unknown for every configured check when the host is unreachable or absent', async () => {
    const down = await createSshRemote(sshSettingsFor(sshd, { port: await freePort() }), {
      tempDir
    })
    try {
      const policy = policyWith({
        corruption: 'test -f data/corruption_detected',
        database: 'exit 1',
        cache: 'exit 1',
        security: 'echo breach',
        errorLog: 'cat app.log'
      })
      const readings = await runHostChecks(down, policy)
      for (const k of ['corruption', 'database', 'cache', 'security'] as const) {
        expect(readings[k]).toEqual({ status: 'unknown', detail: 'connection refused' })
      }
      expect(readings.errorLog).toMatchObject({ status: 'unknown', reason: 'connection refused' })

      const none = await runHostChecks(undefined, policy)
      expect(none.database).toEqual({ status: 'unknown', detail: 'no host configured (ssh-host)' })
      expect(none.errorLog.status).toBe('unknown')
    } finally {
      await down.dispose()
    }
  })
})
