// Wiring only: setup (settings, secrets, the key), then the mode's own flow (modes/), outputs and
// exit status. One direction of flow; every decision is made in src/runbook, every effect by an
// adapter. `adapters` are the real ones in the action and fakes in __tests__/modes/watch.test.ts.
import * as core from '@actions/core'
import { realAdapters, type Adapters } from './adapters/all.js'
import type { FleetEngine, FleetMember, HostConnection, Logger } from './adapters/ports.js'
import { describeRoute } from './adapters/proxy-env.js'
import { installCancellation } from './act/cancellation.js'
import { connectFleet, linkOf } from './act/connect.js'
import { Outputs, type Mode } from './settings/names.js'
import { commandMode } from './modes/command.js'
import { replayMode } from './modes/replay.js'
import type { ModeContext } from './modes/contract.js'
import { watchMode } from './modes/watch.js'
import { InputError } from './settings/errors.js'
import { unsupportedRunner } from './settings/runner.js'
import type { Settings } from './settings/types.js'
import {
  cloudWatchEndpoint,
  describeSetup,
  maskSecrets,
  printPolicy,
  readSettings
} from './settings/setup.js'

const log: Logger = {
  info: (line) => core.info(line),
  warning: (line) => core.warning(line),
  error: (line) => core.error(line)
}

/** Sets outputs; a broken GITHUB_OUTPUT (a misconfigured runner) must not hide the verdict. */
function setOutputs(outputs: Record<string, string>): void {
  try {
    for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value)
  } catch (e) {
    core.warning(`could not set the step outputs: ${(e as Error).message}`)
  }
}

function badInput(message: string): void {
  core.setFailed(`bad input: ${message}`)
  setOutputs({ [Outputs.Decision]: 'bad-input' })
}

/** Each mode is one entry: a source of samples and what it does with the verdicts. */
const MODES: Record<Mode, (ctx: ModeContext) => Promise<void>> = {
  watch: watchMode,
  command: commandMode,
  replay: replayMode
}

/** `entry`: the bundle this runs from (index.ts), given only with the real adapters. */
export async function run(adapters: Adapters = realAdapters(), entry?: URL): Promise<void> {
  // Before anything else: on an unsupported runner nothing may start (no probe, no key file).
  const wrongRunner = unsupportedRunner(adapters.platform ?? 'linux')
  if (wrongRunner) {
    core.setFailed(wrongRunner)
    setOutputs({ [Outputs.Decision]: 'bad-input' })
    return
  }
  const cancel = installCancellation(log, adapters.disposeAllSync)
  let fleet: FleetMember<HostConnection>[] = []
  let engine: FleetEngine | undefined
  try {
    let settings: Settings
    try {
      settings = readSettings(adapters.clock.now(), adapters.env)
    } catch (e) {
      if (e instanceof InputError) return badInput(e.message)
      throw e
    }
    maskSecrets(settings)
    const setupNotes = describeSetup(settings)
    const notes = setupNotes.map((n) => n.text)
    core.startGroup('setup: effective policy')
    printPolicy(settings)
    core.endGroup()
    for (const note of setupNotes) (note.warning ? core.warning : core.info)(note.text)
    for (const [name, url] of [
      ['health-url', settings.health.url],
      ['prometheus-url', settings.prometheus?.url],
      ['datadog', settings.datadog?.apiUrl],
      ['cloudwatch', cloudWatchEndpoint(settings, adapters.env)]
    ])
      if (url) core.info(`${name}: ${describeRoute(url, adapters.env)}`)

    fleet = await connectFleet(settings, adapters, log)
    cancel.attach(linkOf(fleet))
    // Every host of a fleet uses the same key (and jump key): the canary's files stand for all.
    const remote = fleet[0]?.remote
    if (remote) {
      // A passphrase or a truncated paste is bad input now, not a failed rollback in an outage.
      const problem = await adapters.checkKey(remote.keyFile)
      if (problem) return badInput(`ssh-private-key ${problem}`)
      const jumpProblem = remote.jumpKeyFile ? await adapters.checkKey(remote.jumpKeyFile) : null
      if (jumpProblem) return badInput(`ssh-jump-private-key ${jumpProblem}`)
    }
    // executor: ansible: the engine is checked (and a team inventory read) before the watch.
    if (settings.mode === 'watch' && settings.ansible) {
      engine = await adapters.ansible?.(settings, log)
      if (engine) {
        try {
          const ready = await engine.prepare()
          log.info(
            `executor: ansible (ansible-core ${ready.version}) on ${ready.hosts.length} host(s)` +
              (settings.ansible.inventory
                ? ` of ${settings.ansible.inventory.path} matching '${settings.ansible.inventory.pattern}', canary ${ready.hosts[0]?.label}`
                : '')
          )
        } catch (e) {
          return badInput((e as Error).message)
        }
      }
    }
    await MODES[settings.mode]({
      settings,
      adapters,
      remote,
      fleet,
      ...(engine ? { engine } : {}),
      cancel,
      log,
      notes,
      setOutputs,
      ...(entry ? { entry } : {})
    })
  } catch (e) {
    core.setFailed(`rollback-sentinel failed: ${(e as Error).message}`)
  } finally {
    cancel.uninstall()
    await Promise.all(fleet.map((m) => m.remote.dispose()))
    await engine?.dispose()
    adapters.disposeAllSync()
  }
}
