// End-to-end harness: the demo production plus the bundled action run as the runner runs it.
import fs from 'node:fs'
import path from 'node:path'
import { startProduction } from '../../sandbox/production.js'
import { ROOT, runAction, sandboxInputs } from '../../sandbox/run-action.js'

export type Production = Awaited<ReturnType<typeof startProduction>>
export type ActionRun = Awaited<ReturnType<typeof runAction>>

export const E2E_TIMEOUT = 180_000

export function requireBundle(): void {
  if (!fs.existsSync(path.join(ROOT, 'dist/index.js')))
    throw new Error('dist/index.js is missing: run `npm run build` first')
}

/** Everything the step printed that a person would see in the Actions log (add-mask lines are
 * the runner's protocol and never shown). */
export function visibleLog(run: ActionRun): string {
  return (run.stdout + '\n' + run.stderr)
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n')
}

export interface Scenario {
  production: Production
  run: ActionRun
  deployedAt: number
}

/** Starts a fresh production, applies `prepare`, deploys the scenario, runs the action. */
export async function runScenario(
  scenario: string,
  opts: {
    inputs?: Record<string, string> | ((p: Production) => Record<string, string>)
    policy?: string
    prepare?: (p: Production) => void | Promise<void>
    during?: (p: Production) => void
    sigtermAfterMs?: number
    signalOn?: { match: (line: string) => boolean; signal: NodeJS.Signals; thenAfterMs?: number }
    runId?: string
  } = {}
): Promise<Scenario & { stop: () => Promise<void> }> {
  requireBundle()
  const production = await startProduction()
  try {
    await opts.prepare?.(production)
    const deployedAt = production.deploy(scenario)
    opts.during?.(production)
    const run = await runAction({
      inputs: sandboxInputs(production, {
        'deployed-at': new Date(deployedAt).toISOString(),
        ...(typeof opts.inputs === 'function' ? opts.inputs(production) : (opts.inputs ?? {}))
      }),
      policy: opts.policy,
      apiUrl: production.github.url,
      sigtermAfterMs: opts.sigtermAfterMs,
      signalOn: opts.signalOn,
      runId: opts.runId,
      timeoutMs: 150_000
    })
    return {
      production,
      run,
      deployedAt,
      stop: async () => {
        run.cleanup()
        await production.stop()
      }
    }
  } catch (e) {
    await production.stop()
    throw e
  }
}

/** The requests the GitHub stand-in received, as "METHOD path" lines. */
export function githubCalls(p: Production): string[] {
  return p.github.requests.map(
    (r: { method: string; path: string }) => `${r.method} ${r.path.split('?')[0]}`
  )
}
