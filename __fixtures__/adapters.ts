// A fake deploy host for the flow tests (main.run and the modes with fakes): a test answers its
// commands line by line.
import type { HostConnection, RemoteResult } from '../src/adapters/ports.js'

/** A command that ran on the host: exit `exitCode`, `stdout`, 5 ms. */
export function ranOk(stdout = '', exitCode = 0): RemoteResult {
  return { exitCode, stdout, stderr: '', durationMs: 5, timedOut: false }
}

/**
 * A deploy host. `answer` gets each command line as ssh would run it (`bash deploy/… --quick`)
 * and returns its result (default: exit 0, no output).
 */
export function fakeHost(
  answer: (line: string) => RemoteResult | Promise<RemoteResult> | undefined,
  keyFile = '/fake/id_key'
): HostConnection {
  return {
    keyFile,
    async run(command, argv) {
      return (await answer([command, ...argv].join(' '))) ?? ranOk()
    },
    dispose: async () => {},
    disposeSync: () => {},
    refuseNewCommands: () => {},
    sharedConnection: async () => true
  }
}
