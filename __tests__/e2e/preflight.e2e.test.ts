// The preflight end to end through the bundle, one short healthy watch per finding on one shared
// production (health and host checks only, so that it starts fast): the finding is an error
// annotation before the first probe, production is still judged (healthy), and the step fails
// after the report. A host that passes shows one clean preflight line and exits 0.
import { jest } from '@jest/globals'
import fs from 'node:fs'
import path from 'node:path'
import { E2E_POLICY, E2E_TIMEOUT, runScenario, useProduction, visibleLog } from './harness.js'
import type { ActionRun, Production } from './harness.js'

jest.setTimeout(E2E_TIMEOUT)

const production = useProduction({ prometheus: false })
const SHORT = { 'watch-duration': '3s', 'probe-interval': '1s' }
const ROLLBACK = 'deploy/rollback/rollback.sh'

/** Undone after each test, so that every test starts from the ready host. */
const undo: Array<() => void> = []
afterEach(() => {
  for (const fn of undo.splice(0).reverse()) fn()
})

function onHost(p: Production, rel: string): string {
  return path.join(p.deployDir, rel)
}

/** The stdout lines up to the first probe's cycle line, and the whole log. */
function beforeFirstProbe(run: ActionRun): string {
  const lines = run.stdout.split('\n')
  // The first cycle line ([watch +0s, …], or +1s on a loaded machine).
  const first = lines.findIndex((l) => /\[watch \+\d/.test(l))
  expect(first).toBeGreaterThan(0)
  return lines.slice(0, first).join('\n')
}

/** An error annotation with the preflight's title came before the first probe. */
function expectFindingThenHealthyThenFailed(run: ActionRun, title: string, message: RegExp) {
  const start = beforeFirstProbe(run)
  const annotation = start
    .split('\n')
    .find((l) => l.startsWith(`::error title=preflight%3A ${title}::`))
  expect(annotation).toBeDefined()
  expect(annotation).toMatch(message)
  expect(run.outputs).toMatchObject({ decision: 'healthy', 'rollback-status': 'not-needed' })
  expect(run.code).toBe(1)
  expect(run.stdout).toMatch(
    new RegExp(`::error::preflight: ${title.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`)
  )
  expect(run.summary).toContain('### Preflight')
}

describe('end to end: the preflight at the start of a watch', () => {
  it('a host that passes: one clean preflight line, a healthy watch, exit 0', async () => {
    const { run } = await runScenario(production, 'healthy', { inputs: SHORT })
    const lines = visibleLog(run)
      .split('\n')
      .filter((l) => l.includes('preflight'))
    expect(lines).toEqual([
      expect.stringMatching(
        /^SSH preflight to 127\.0\.0\.1: ok \(\d+ ms\); later commands share one connection; checked app-dir \(login directory\); deploy\/rollback\/rollback\.sh, deploy\/rollback\/validate_rollback\.sh, deploy\/smoke_tests\.sh executable; --list 3 backups \(newest before the deploy: backup-\d{8}-\d{6}, 30m\d*s? old\); programs bash, test, grep, tail$/
      )
    ])
    expect(run.stdout).not.toMatch(/::(error|warning)/)
    expect(run.outputs.decision).toBe('healthy')
    expect(run.code).toBe(0)
  })

  it('rollback.sh missing', async () => {
    const { run } = await runScenario(production, 'healthy', {
      inputs: SHORT,
      prepare: (p) => {
        fs.renameSync(onHost(p, ROLLBACK), onHost(p, `${ROLLBACK}.away`))
        undo.push(() => fs.renameSync(onHost(p, `${ROLLBACK}.away`), onHost(p, ROLLBACK)))
      }
    })
    expectFindingThenHealthyThenFailed(
      run,
      'deploy/rollback/rollback.sh is missing',
      /rollback-script deploy\/rollback\/rollback\.sh is not in app-dir: no rollback level can run$/
    )
  })

  it('rollback.sh without its run bit', async () => {
    const { run } = await runScenario(production, 'healthy', {
      inputs: SHORT,
      prepare: (p) => {
        fs.chmodSync(onHost(p, ROLLBACK), 0o644)
        undo.push(() => fs.chmodSync(onHost(p, ROLLBACK), 0o755))
      }
    })
    expectFindingThenHealthyThenFailed(
      run,
      'deploy/rollback/rollback.sh is not executable',
      /has no run bit \(chmod \+x\)/
    )
  })

  it('rollback.sh --list in another format', async () => {
    const { run } = await runScenario(production, 'healthy', {
      inputs: SHORT,
      prepare: (p) => {
        const index = `backups/index.${p.sshd.port}.txt`
        p.hostFile(index, 'NAME      SIZE\nnightly   2.1G\nweekly    5.3G\n')
        undo.push(() => fs.rmSync(onHost(p, index)))
      }
    })
    expectFindingThenHealthyThenFailed(
      run,
      'rollback.sh --list answers in another format',
      /no line of --list reads `ID 2026-01-02T12:00:00Z` \(first line "NAME {6}SIZE"\)/
    )
  })

  it('docker-compose missing where a host check uses it', async () => {
    const { run } = await runScenario(production, 'healthy', {
      inputs: SHORT,
      policy: E2E_POLICY.replace(
        '  cache: "test ! -f data/cache_down"',
        '  cache: "docker-compose exec -T cache redis-cli ping"'
      )
    })
    expectFindingThenHealthyThenFailed(
      run,
      'docker-compose is missing',
      /docker-compose is not on the host's PATH \(used by host-checks\.cache\): Compose v1 is end of life/
    )
  })
})
