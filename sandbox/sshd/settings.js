// The action's SSH settings pointing at a sandbox sshd.

/**
 * SshSettings (src/settings/types.ts) for a started sshd, with overrides, e.g.
 * `sshSettingsFor(sshd, { knownHosts: sshd.wrongKnownHosts })`.
 */
export function sshSettingsFor(sshd, overrides = {}) {
  return {
    host: sshd.host,
    port: sshd.port,
    user: sshd.user,
    privateKey: sshd.privateKey,
    knownHosts: sshd.knownHosts,
    insecureSkipHostKeyCheck: false,
    appDir: '',
    ...overrides
  }
}
