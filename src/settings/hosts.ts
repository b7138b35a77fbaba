// The SSH inputs: the deploy hosts (one, or a fleet whose first host is the canary), the user and
// key, the pinned host keys, and the jump host. Everything is checked here, before any connection:
// a host whose key ssh-known-hosts does not pin is bad input naming the host, not a "host key
// verification failed" in the middle of a rollback.
import { Inputs } from './names.js'
import { unpinnedHosts, type HashedMatcher } from '../lib/known-hosts.js'
import {
  checkOneLine,
  checkPort,
  checkUser,
  describeValue,
  hostLabel,
  knownHostsName,
  parseHostList,
  parseJumpHost,
  type HostPort
} from '../lib/patterns.js'
import { InputError } from './errors.js'
import type { FleetHost, SshSettings } from './types.js'

/** How the SSH inputs are read (parseInputs passes its own readers). */
export interface SshInputs {
  /** The raw input ('' when unset). */
  get(name: string): string
  /** A boolean input, with its default. */
  bool(name: string): boolean
  /** Matches a hashed known_hosts entry (`|1|salt|hash`); without it such lines match nothing. */
  hashed?: HashedMatcher
}

const KEY_BLOCK = /^-----BEGIN [A-Z ]*PRIVATE KEY-----/

/** A private key input: trimmed, with a final newline; never quoted in an error (a secret). */
export function privateKey(name: string, raw: string): string {
  if (!KEY_BLOCK.test(raw))
    throw new InputError(
      `${name} does not look like a private key: expected a -----BEGIN … PRIVATE KEY----- block`
    )
  return raw + '\n'
}

/** "add its line: ssh-keyscan -p 2222 app-3" for each host the known_hosts text misses. */
function pinningHint(h: HostPort): string {
  return `ssh-keyscan${h.port === 22 ? '' : ` -p ${h.port}`} ${h.host}`
}

/** Every host of ssh-host (the canary first), labelled as messages name them. */
export function parseFleetHosts(raw: string, portRaw: string): FleetHost[] {
  if (checkPort(portRaw)) throw new InputError(`ssh-port '${portRaw}' ${checkPort(portRaw)}`)
  const defaultPort = Number(portRaw)
  const hosts = parseHostList(raw, defaultPort)
  if (typeof hosts === 'string') throw new InputError(`ssh-host ${hosts}`)
  return hosts.map((h) => ({ ...h, label: hostLabel(h, defaultPort) }))
}

/** The SSH settings, or undefined without ssh-host. Throws InputError naming the input. */
export function parseSshSettings(
  input: SshInputs,
  /** The hosts come from elsewhere (ansible-inventory): the SSH inputs stand without ssh-host. */
  hostsElsewhere = false
): SshSettings | undefined {
  const raw = input.get(Inputs.SshHost).trim()
  if (!raw) {
    if (hostsElsewhere) return undefined
    for (const name of [
      Inputs.SshUser,
      Inputs.SshPrivateKey,
      Inputs.SshKnownHosts,
      Inputs.AppDir,
      Inputs.SshJumpHost,
      Inputs.SshJumpPrivateKey
    ])
      if (input.get(name).trim())
        throw new InputError(`${name} is set but ssh-host is empty: set ssh-host or remove ${name}`)
    return undefined
  }
  const hosts = parseFleetHosts(raw, input.get(Inputs.SshPort).trim() || '22')
  const user = input.get(Inputs.SshUser).trim()
  if (!user) throw new InputError('ssh-user is required when ssh-host is set')
  if (checkUser(user)) throw new InputError(`ssh-user '${user}' ${checkUser(user)}`)
  const keyRaw = input.get(Inputs.SshPrivateKey).trim()
  if (!keyRaw) throw new InputError('ssh-private-key is required when ssh-host is set')
  const key = privateKey(Inputs.SshPrivateKey, keyRaw)

  const jumpRaw = input.get(Inputs.SshJumpHost).trim()
  const jumpKeyRaw = input.get(Inputs.SshJumpPrivateKey).trim()
  let jump: SshSettings['jump']
  if (jumpRaw) {
    const parsed = parseJumpHost(jumpRaw)
    if (typeof parsed === 'string')
      throw new InputError(`ssh-jump-host ${describeValue(jumpRaw)} ${parsed}`)
    jump = parsed
  } else if (jumpKeyRaw) {
    throw new InputError('ssh-jump-private-key is set but ssh-jump-host is empty')
  }

  const insecure = input.bool(Inputs.SshInsecure)
  const knownHosts = input.get(Inputs.SshKnownHosts).trim()
  if (!knownHosts && !insecure)
    throw new InputError(
      'ssh-known-hosts is required when ssh-host is set: the host key line(s), e.g. from `ssh-keyscan -p PORT HOST`'
    )
  if (!insecure) {
    const missing = unpinnedHosts(knownHosts, hosts, input.hashed)
    if (missing.length)
      throw new InputError(
        `ssh-known-hosts pins no key for ${missing.map((h) => `${h.label} (looked up as ${knownHostsName(h)})`).join(', ')}: ` +
          `add ${missing.length === 1 ? 'its line' : 'their lines'}, e.g. from ${missing
            .slice(0, 3)
            .map(pinningHint)
            .join('; ')}`
      )
    if (jump && unpinnedHosts(knownHosts, [jump], input.hashed).length)
      throw new InputError(
        `ssh-known-hosts pins no key for the jump host ${jump.host} (looked up as ${knownHostsName(jump)}): ` +
          `add its line, e.g. from ${pinningHint(jump)}`
      )
  }
  const appDir = input.get(Inputs.AppDir).trim()
  if (checkOneLine(appDir)) throw new InputError(`app-dir ${checkOneLine(appDir)}`)
  return {
    host: hosts[0].host,
    port: hosts[0].port,
    user,
    privateKey: key,
    knownHosts,
    insecureSkipHostKeyCheck: insecure,
    appDir,
    hosts,
    ...(jump ? { jump } : {}),
    ...(jumpKeyRaw ? { jumpPrivateKey: privateKey(Inputs.SshJumpPrivateKey, jumpKeyRaw) } : {})
  }
}

/** Every host of ssh-host, the canary first (settings built by hand may hold only host and port). */
export function hostsOf(ssh: SshSettings): FleetHost[] {
  return ssh.hosts?.length ? ssh.hosts : [{ host: ssh.host, port: ssh.port, label: ssh.host }]
}
