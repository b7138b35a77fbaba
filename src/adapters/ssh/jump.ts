// The jump host (ssh-jump-host): every connection to a deploy host goes through it.
import type { SshSettings } from '../../settings/types.js'
import { shellQuote } from '../shell.js'

/** ssh's own ConnectTimeout, seconds (both hops). */
export const CONNECT_TIMEOUT_S = 10

/**
 * The options every ssh of the action runs with, on either hop: the key alone, never a prompt,
 * the pinned known_hosts (`hostKeyOptions`) and no global one, and bounded waits.
 */
export function hardenedOptions(keyFile: string, hostKeyOptions: string[]): string[] {
  return [
    '-i',
    keyFile,
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    'BatchMode=yes',
    ...hostKeyOptions,
    '-o',
    'GlobalKnownHostsFile=/dev/null',
    '-o',
    `ConnectTimeout=${CONNECT_TIMEOUT_S}`,
    '-o',
    'ServerAliveInterval=15',
    '-o',
    'ServerAliveCountMax=3',
    '-o',
    'LogLevel=ERROR'
  ]
}

/**
 * The hop through the jump host, as OpenSSH's ProxyJump makes it (`ssh -W [%h]:%p jump`) but
 * written out: `ssh -J` hands the jump's ssh only `-F`, so with `-F /dev/null` it would read the
 * runner's ~/.ssh/known_hosts and default keys, and could prompt. Spelled out, the hop gets the
 * same pinned known_hosts, BatchMode and time limits, and its own key when one is given.
 */
export function proxyCommand(
  sshPath: string,
  jump: NonNullable<SshSettings['jump']>,
  user: string,
  keyFile: string,
  hostKeyOptions: string[]
): string {
  // ssh expands %-tokens in ProxyCommand before the shell sees it: a literal % must be doubled.
  const q = (s: string) => shellQuote(s).replace(/%/g, '%%')
  return [
    q(sshPath),
    '-F',
    '/dev/null',
    ...hardenedOptions(keyFile, hostKeyOptions).map(q),
    '-l',
    q(jump.user ?? user),
    '-p',
    String(jump.port),
    '-W',
    "'[%h]:%p'",
    q(jump.host)
  ].join(' ')
}
