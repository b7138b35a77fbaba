// Which runners the action can run on. OpenSSH's ControlMaster sockets, 0600 key files and the
// POSIX quoting of ProxyCommand need Linux or macOS: on Windows the action would fail somewhere
// in the middle of an incident, so it refuses at once, before any probe or connection.

/** The runner systems the action supports (process.platform values). */
export const SUPPORTED_PLATFORMS = ['linux', 'darwin'] as const

/** The oldest runner with the node24 runtime that action.yml declares. */
export const MIN_RUNNER_VERSION = '2.327.1'

/** Null on a supported runner, else the message the step fails with. */
export function unsupportedRunner(platform: string): string | null {
  if ((SUPPORTED_PLATFORMS as readonly string[]).includes(platform)) return null
  const name = platform === 'win32' ? 'Windows' : platform
  return (
    `this runner is ${name}: rollback-sentinel runs on Linux or macOS runners only ` +
    '(it needs OpenSSH connection sharing, 0600 key files and a POSIX shell for ProxyCommand); ' +
    `use runs-on: ubuntu-latest (or a self-hosted Linux/macOS runner, v${MIN_RUNNER_VERSION} or later)`
  )
}
