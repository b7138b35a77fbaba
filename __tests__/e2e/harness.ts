// End-to-end harness: the demo production (real Prometheus, real sshd, the GitHub stand-in) and
// the bundled action run as the runner runs it. One production per test file (`useProduction`),
// reset between tests, so a file pays Prometheus' start once.
import fs from 'node:fs'
import path from 'node:path'
import { demoPolicy, startProduction } from '../../sandbox/production.js'
import { BUNDLE, ROOT, runAction, sandboxInputs } from '../../sandbox/run-action.js'

export type Production = Awaited<ReturnType<typeof startProduction>>
export type ActionRun = Awaited<ReturnType<typeof runAction>>

export const E2E_TIMEOUT = 120_000
/** [3s] rate windows (Prometheus scrapes every second): a scenario decides in seconds, and a
 * reset waits about as long. */
export const RATE_WINDOW = '3s'
export const E2E_POLICY = demoPolicy({ rateWindow: RATE_WINDOW })

/**
 * The bundle must be there and must not be older than src/: these tests run dist/index.js (or
 * the build SENTINEL_BUNDLE_DIR names), and after an edit of src/ they would test old code
 * (`npm run test:e2e` builds first).
 */
export function requireBundle(): void {
  const bundle = BUNDLE
  if (!fs.existsSync(bundle)) throw new Error(`${bundle} is missing: run \`npm run build\` first`)
  const built = fs.statSync(bundle).mtimeMs
  const newest = (dir: string): number =>
    Math.max(
      0,
      ...fs.readdirSync(dir, { withFileTypes: true }).map((e) => {
        const p = path.join(dir, e.name)
        return e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs
      })
    )
  // A fresh clone writes every file within a moment: only a real edit after the build is stale.
  if (newest(path.join(ROOT, 'src')) > built + 5_000)
    throw new Error(`${bundle} is older than src/: run \`npm run build\` (or \`npm run test:e2e\`)`)
}

/** Everything the step printed that a person would see in the Actions log. */
export function visibleLog(run: ActionRun): string {
  return (run.stdout + '\n' + run.stderr)
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n')
}

/**
 * One production for the whole file: started before the first test, stopped after the last
 * (`opts.history`: a past its Prometheus starts with). Returns a getter (the production exists
 * only once beforeAll ran).
 */
export function useProduction(
  opts: Omit<NonNullable<Parameters<typeof startProduction>[0]>, 'rateWindow'> = {}
): () => Production {
  let production: Production | undefined
  const runs: ActionRun[] = []
  beforeAll(async () => {
    requireBundle()
    production = await startProduction({ ...opts, rateWindow: RATE_WINDOW })
  }, 60_000)
  afterEach(() => {
    for (const run of runs.splice(0)) run.cleanup()
  })
  afterAll(async () => {
    await production?.stop()
  }, 30_000)
  const get = (): Production => {
    if (!production) throw new Error('the production did not start (see beforeAll)')
    return production
  }
  Object.assign(get, { track: (run: ActionRun) => runs.push(run) })
  return get
}

export interface ScenarioOptions {
  inputs?: Record<string, string> | ((p: Production) => Record<string, string>)
  policy?: string
  prepare?: (p: Production) => void | Promise<void>
  during?: (p: Production) => void
  sigtermAfterMs?: number
  signalOn?: { match: (line: string) => boolean; signal: NodeJS.Signals; thenAfterMs?: number }
  runId?: string
  runAttempt?: string
  /** More of the runner's environment (proxy variables …). */
  env?: Record<string, string>
  /** Keep what the last scenario left (a re-run of the same workflow run). */
  noReset?: boolean
}

/** Resets the production, deploys the scenario's bad version, runs the bundle against it. */
export async function runScenario(
  production: () => Production,
  scenario: string,
  opts: ScenarioOptions = {}
): Promise<{ run: ActionRun; deployedAt: number; production: Production }> {
  const p = production()
  if (!opts.noReset) await p.reset()
  await opts.prepare?.(p)
  const deployedAt = p.deploy(scenario)
  opts.during?.(p)
  const run = await runAction({
    inputs: sandboxInputs(p, {
      'deployed-at': new Date(deployedAt).toISOString(),
      'probe-interval': '1s',
      'watch-duration': '20s',
      ...(typeof opts.inputs === 'function' ? opts.inputs(p) : (opts.inputs ?? {}))
    }),
    policy: opts.policy ?? E2E_POLICY,
    apiUrl: p.github.url,
    sigtermAfterMs: opts.sigtermAfterMs,
    signalOn: opts.signalOn,
    runId: opts.runId,
    runAttempt: opts.runAttempt,
    env: opts.env,
    timeoutMs: 90_000
  })
  ;(production as unknown as { track: (r: ActionRun) => void }).track(run)
  return { run, deployedAt, production: p }
}

/** The requests the GitHub stand-in received, as "METHOD path" lines. */
export function githubCalls(p: Production): string[] {
  return p.github.requests.map(
    (r: { method: string; path: string }) => `${r.method} ${r.path.split('?')[0]}`
  )
}

/** The host scripts' calls as "script args" lines. */
export function callLines(p: Production): string[] {
  return p.calls().map((c: { script: string; args: string }) => `${c.script} ${c.args}`.trim())
}

/** No key file or key directory left in RUNNER_TEMP. */
export function noKeyLeft(run: ActionRun): boolean {
  return !run.leftInRunnerTemp.some((f: string) => /id_key|rollback-sentinel-ssh/.test(f))
}
