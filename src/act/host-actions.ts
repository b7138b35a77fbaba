// The two other things the action may run on the host besides a rollback: the runbook's restart,
// and the security path (preserve evidence, isolate). Both dry-run aware, both recorded as steps.
import type { Remote } from '../adapters/ports.js'
import type { RemoteStep } from '../runbook/record.js'
import type { Settings } from '../settings/types.js'
import { type StepOptions, stepRunner } from './steps.js'

/** The runbook's "Try quick restart (1 minute)". */
const RESTART_TIMEOUT_MS = 60_000
/** Evidence (e.g. `docker commit`, `logs > file`) and isolation commands. */
const SECURITY_TIMEOUT_MS = 5 * 60_000

/**
 * The runbook's "Try quick restart" (restart-command), dry-run aware. A skipped step when there
 * is no restart command or no host.
 */
export async function runRestart(
  remote: Remote | undefined,
  settings: Pick<Settings, 'commands' | 'dryRun'>,
  opts: StepOptions
): Promise<RemoteStep> {
  const command = settings.commands.restart
  const runner = stepRunner(remote, opts)
  if (!command) return runner.skip('restart', '', 'no restart-command configured')
  if (!remote) return runner.skip('restart', command, 'no host configured (ssh-host)')
  if (settings.dryRun) return runner.dry('restart', command, [])
  return runner.run('restart', command, [], opts.timeoutMs ?? RESTART_TIMEOUT_MS)
}

/**
 * The runbook's security path without the rollback ("DO NOT ROLLBACK YET"): evidence-command,
 * then isolate-command, each when set, dry-run aware. Evidence comes first here because the
 * usual isolation (`docker-compose down`) removes the containers whose logs and state the
 * evidence command saves; isolation still runs when evidence fails.
 */
export async function runSecurityPath(
  remote: Remote | undefined,
  settings: Pick<Settings, 'commands' | 'dryRun'>,
  opts: StepOptions
): Promise<RemoteStep[]> {
  const runner = stepRunner(remote, opts)
  for (const [name, command] of [
    ['evidence', settings.commands.evidence],
    ['isolate', settings.commands.isolate]
  ] as const) {
    if (!command) continue
    if (!remote) runner.skip(name, command, 'no host configured (ssh-host)')
    else if (settings.dryRun) runner.dry(name, command, [])
    else await runner.run(name, command, [], opts.timeoutMs ?? SECURITY_TIMEOUT_MS)
  }
  return runner.steps
}
