// Cancellation in two stages. The first signal stops the watch and starts nothing new; a command
// already running on the host for a restart, rollback or the security path is let finish (a
// half-run rollback is the worst state to leave production in). A second signal (GitHub's runner
// sends SIGINT, then SIGTERM 7.5 s later) kills that command too. The key never outlives a
// cancelled step (docs/adr/0002-cancellation-and-ssh-connections.md).
import type { Logger } from '../adapters/ports.js'
import type { HostsLink } from './connect.js'

export interface Cancellation {
  /** Aborted by the first signal: the watch stops, nothing new starts on the host. */
  readonly signal: AbortSignal
  /** Aborted by the second signal: the command in flight is killed. */
  readonly stopSignal: AbortSignal
  /** The connection(s) whose key a cancel must remove: every host of a fleet. */
  attach(remote: HostsLink | undefined): void
  /** Runs an action on the host that a first cancel lets finish; the key goes right after it. */
  actOnHost<T>(what: string, fn: () => Promise<T>): Promise<T>
  /** Stops listening for signals. */
  uninstall(): void
}

export function installCancellation(
  log: Pick<Logger, 'warning'>,
  disposeAllSync: () => void
): Cancellation {
  const first = new AbortController()
  const second = new AbortController()
  let remote: HostsLink | undefined
  let acting: string | undefined
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!first.signal.aborted && acting) {
      log.warning(
        `${signal} received during ${acting}: letting the command in flight on the host finish; ` +
          'nothing new starts (a second signal stops it)'
      )
      first.abort()
      // The key stays until that command ends (it may still be connecting): then actOnHost
      // disposes of the connection; a second signal or the exit hook would remove it sooner.
      remote?.refuseNewCommands()
      return
    }
    // The key must not outlive a cancelled step, even if the runner kills us next.
    log.warning(
      first.signal.aborted
        ? `${signal} received again: stopping the command on the host`
        : `${signal} received: stopping the watch`
    )
    first.abort()
    second.abort()
    disposeAllSync()
  }
  process.on('SIGTERM', onSignal)
  process.on('SIGINT', onSignal)
  return {
    signal: first.signal,
    stopSignal: second.signal,
    attach(r) {
      remote = r
    },
    async actOnHost(what, fn) {
      acting = what
      try {
        return await fn()
      } finally {
        acting = undefined
        // Cancelled while it ran: the key goes now, not after the report.
        if (first.signal.aborted) await remote?.dispose()
      }
    },
    uninstall() {
      process.off('SIGTERM', onSignal)
      process.off('SIGINT', onSignal)
    }
  }
}
