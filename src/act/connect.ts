// The deploy hosts' connections: one per host of ssh-host (the canary first), each with its own
// key directory under RUNNER_TEMP and its own shared SSH master, so that every host is one login
// per run. Wiring only: the SSH adapter does the work.
import type { Adapters } from '../adapters/all.js'
import type { FleetMember, HostConnection, Logger } from '../adapters/ports.js'
import { hostsOf } from '../settings/hosts.js'
import type { Settings } from '../settings/types.js'

/** What a cancellation must reach on every host: refuse new commands, remove the keys. */
export interface HostsLink {
  refuseNewCommands(): void
  dispose(): Promise<void>
}

/** Connects to every host (nothing runs yet); [] without ssh-host. */
export async function connectFleet(
  settings: Settings,
  adapters: Pick<Adapters, 'connect'>,
  log: Logger
): Promise<FleetMember<HostConnection>[]> {
  const ssh = settings.ssh
  if (!ssh) return []
  const hosts = hostsOf(ssh)
  const fleet: FleetMember<HostConnection>[] = []
  try {
    for (const h of hosts) {
      const one = { ...settings, ssh: { ...ssh, host: h.host, port: h.port } }
      const remote = await adapters.connect(one, log)
      if (remote) fleet.push({ label: h.label, remote })
    }
  } catch (e) {
    await Promise.all(fleet.map((m) => m.remote.dispose()))
    throw e
  }
  return fleet
}

/** Every host as one thing for the cancellation to act on. */
export function linkOf(fleet: readonly FleetMember<HostConnection>[]): HostsLink | undefined {
  if (fleet.length === 0) return undefined
  return {
    refuseNewCommands: () => fleet.forEach((m) => m.remote.refuseNewCommands()),
    dispose: async () => void (await Promise.all(fleet.map((m) => m.remote.dispose())))
  }
}
