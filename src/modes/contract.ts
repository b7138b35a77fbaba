// What every mode is given: the settings, the adapters, the connected hosts, the cancellation,
// the log, what the setup said, and where the outputs go. main.ts builds it once; a mode is one
// entry of its MODES table (watch, command, replay) and one file here.
import type { Cancellation } from '../act/cancellation.js'
import type { Adapters } from '../adapters/all.js'
import type { FleetEngine, FleetMember, HostConnection, Logger } from '../adapters/ports.js'
import type { Settings } from '../settings/types.js'

export interface ModeContext {
  settings: Settings
  adapters: Adapters
  /** The one host, or the canary of a fleet. */
  remote: HostConnection | undefined
  /** Every host of ssh-host, the canary first ([] without ssh-host). */
  fleet: FleetMember<HostConnection>[]
  /** executor: ansible (watch mode): the engine the rollback's levels run through. */
  engine?: FleetEngine
  cancel: Cancellation
  log: Logger
  /** What the setup could not do, said once (the summary's notes). */
  notes: string[]
  setOutputs(outputs: Record<string, string>): void
  /**
   * The action's bundle, for a mode that runs part of its work in a worker thread of it (the
   * replay's loop). Undefined under the tests: their fake adapters cannot cross to a thread.
   */
  entry?: URL
}
