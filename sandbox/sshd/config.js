// The sshd_config of a sandbox sshd.
//
// Every instance shares one system user, but each has its own deploy directory. jest runs test
// files in parallel workers, so the user's passwd home cannot be the deploy directory of every
// instance at once: instead each sshd's config forces sessions of that user into its own deploy
// directory (`ForceCommand cd DIR && exec bash -c "$SSH_ORIGINAL_COMMAND"`, with HOME=DIR). For
// the client this is exactly a login whose home is the deploy directory: the runbook's relative
// `deploy/rollback/rollback.sh` resolves there, and exit codes and output pass through unchanged.
//
// Keys live under /tmp, hence `StrictModes no`; `UsePAM no` needs an unlocked account (user.js).

/**
 * @param {{
 *   ports: number[],
 *   dir: string,            // holds the keys (keys.js) and the pid file
 *   pidFile?: string,
 *   deployDir: string,
 *   user: string,
 *   extraConfig?: string[],
 *   forwardOnly?: boolean
 * }} options
 */
export function sshdConfig({
  ports,
  dir,
  pidFile = 'sshd.pid',
  deployDir,
  user,
  extraConfig = [],
  forwardOnly = false
}) {
  const q = (s) => `'${s.replace(/'/g, `'\\''`)}'`
  return [
    // sshd keeps the first value of an option: the caller's lines go first so they win.
    ...extraConfig,
    'ListenAddress 127.0.0.1',
    ...ports.map((p) => `Port ${p}`),
    `HostKey ${dir}/host_key`,
    `PidFile ${dir}/${pidFile}`,
    `AuthorizedKeysFile ${dir}/authorized_keys`,
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'StrictModes no',
    'PermitRootLogin no',
    `AllowUsers ${user}`,
    // A jump host forwards (ssh -W: a direct-tcpip channel) and does nothing else.
    `AllowTcpForwarding ${forwardOnly ? 'local' : 'no'}`,
    'X11Forwarding no',
    'PrintMotd no',
    'PrintLastLog no',
    // Host checks open several sessions at once, and a fleet logs in on many ports at once:
    // keep sshd from dropping early connections.
    'MaxStartups 200:30:400',
    // VERBOSE logs the port every connection arrived on; a jump host's DEBUG1 logs each forwarding.
    `LogLevel ${forwardOnly ? 'DEBUG1' : 'VERBOSE'}`,
    `Match User ${user}`,
    forwardOnly
      ? '  ForceCommand /bin/false'
      : `  ForceCommand export HOME=${q(deployDir)}; cd "$HOME" && exec /bin/bash -c "$SSH_ORIGINAL_COMMAND"`,
    ''
  ].join('\n')
}
