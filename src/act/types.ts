// What a rollback is asked to do and what it gives back: shared by the level loop (rollback.ts),
// one host's level (level.ts), a fleet's (fleet.ts) and a rollback by hand (by-hand.ts).
import type { Clock, FleetEngine, FleetMember, Logger, Remote } from '../adapters/ports.js'
import type { VerifyResult } from '../sampling/verify.js'
import type { RollbackLevel } from '../runbook/types.js'
import type { RemoteStep, RollbackOutcome } from '../runbook/record.js'
import type { Settings } from '../settings/types.js'

export type RollbackSettings = Pick<
  Settings,
  'scripts' | 'rollbackTarget' | 'commands' | 'dryRun' | 'deployedAt' | 'policy' | 'ssh' | 'ansible'
>

export interface RollbackInput {
  startLevel: RollbackLevel
  settings: RollbackSettings
  remote: Remote | undefined
  clock: Clock
  /** The verification watch after a level's script, validation and smoke tests passed. */
  verify: (level: RollbackLevel) => Promise<VerifyResult>
  logger?: Logger
  /** Cancellation: no new command starts once it aborts (the one in flight goes on). */
  signal?: AbortSignal
  /** Kills the command in flight (default: `signal`). */
  stopSignal?: AbortSignal
  /**
   * Every host of a fleet, the canary first, each with its own connection. With more than one,
   * every level runs on every host (fleet.ts); otherwise `remote` is the one host.
   */
  fleet?: FleetMember[]
  /** executor: ansible: every level runs through it (ansible.ts), on its inventory's hosts. */
  engine?: FleetEngine
}

export interface RollbackResult {
  outcome: RollbackOutcome
  steps: RemoteStep[]
}

export type { VerifyResult } from '../sampling/verify.js'
