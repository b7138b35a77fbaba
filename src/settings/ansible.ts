// executor: ssh | ansible, and the team's inventory. With `ansible`, the rollback's levels run
// through ansible-playbook (adapters/ansible); the hosts are ssh-host's (the action writes the
// inventory) or the team's inventory and a host pattern. Pinning is not optional with Ansible:
// ssh-known-hosts is required and ssh-insecure-skip-host-key-check is refused.
import { checkOneLine, checkUser, describeValue, parseJumpHost } from '../lib/patterns.js'
import { InputError } from './errors.js'
import { privateKey } from './hosts.js'
import { Inputs } from './names.js'
import type { SshSettings } from './types.js'

export const EXECUTORS = ['ssh', 'ansible'] as const
export type ExecutorKind = (typeof EXECUTORS)[number]

/** The key, pins and user Ansible connects with (ssh-host's, or the SSH inputs alone). */
export type AnsibleCredentials = Pick<
  SshSettings,
  'privateKey' | 'knownHosts' | 'jump' | 'jumpPrivateKey' | 'appDir'
> & { user?: string }

export interface AnsibleSettings {
  /** The team's inventory (a path resolved in the workspace) and the host pattern. */
  inventory?: { path: string; pattern: string }
  credentials: AnsibleCredentials
}

/**
 * An Ansible host pattern as `--limit` takes it: names, groups, globs and the `:&!,` operators.
 * No `@` (`--limit @file` reads a file), no `~` (a regex), no braces (Jinja), no spaces.
 */
const HOST_PATTERN = /^[A-Za-z0-9_.*:!&,[\]-]{1,500}$/

export interface ExecutorInputs {
  get(name: string): string
  bool(name: string): boolean
  resolve(p: string): string
  fileExists(file: string): boolean
}

/** The SSH inputs without ssh-host (a team inventory names the hosts). */
function credentialsAlone(input: ExecutorInputs): AnsibleCredentials {
  const keyRaw = input.get(Inputs.SshPrivateKey).trim()
  if (!keyRaw) throw new InputError('ssh-private-key is required with ansible-inventory')
  const knownHosts = input.get(Inputs.SshKnownHosts).trim()
  if (!knownHosts)
    throw new InputError(
      "ssh-known-hosts is required with ansible-inventory: a line per inventory host's address (ssh-keyscan -p PORT ADDRESS)"
    )
  const user = input.get(Inputs.SshUser).trim()
  if (user && checkUser(user)) throw new InputError(`ssh-user '${user}' ${checkUser(user)}`)
  const jumpRaw = input.get(Inputs.SshJumpHost).trim()
  const jump = jumpRaw ? parseJumpHost(jumpRaw) : undefined
  if (typeof jump === 'string')
    throw new InputError(`ssh-jump-host ${describeValue(jumpRaw)} ${jump}`)
  const jumpKeyRaw = input.get(Inputs.SshJumpPrivateKey).trim()
  const appDir = input.get(Inputs.AppDir).trim()
  if (checkOneLine(appDir)) throw new InputError(`app-dir ${checkOneLine(appDir)}`)
  return {
    privateKey: privateKey(Inputs.SshPrivateKey, keyRaw),
    knownHosts,
    appDir,
    ...(user ? { user } : {}),
    ...(jump ? { jump } : {}),
    ...(jumpKeyRaw ? { jumpPrivateKey: privateKey(Inputs.SshJumpPrivateKey, jumpKeyRaw) } : {})
  }
}

/** The executor: undefined for `ssh` (the built-in one), the Ansible settings otherwise. */
export function parseExecutor(
  input: ExecutorInputs,
  ssh: SshSettings | undefined
): AnsibleSettings | undefined {
  const kind = (input.get(Inputs.Executor).trim() || 'ssh').toLowerCase()
  if (!(EXECUTORS as readonly string[]).includes(kind))
    throw new InputError(`executor ${describeValue(kind)} must be ssh or ansible`)
  const inventoryRaw = input.get(Inputs.AnsibleInventory).trim()
  const pattern = input.get(Inputs.AnsibleHosts).trim() || 'all'
  if (kind === 'ssh') {
    if (inventoryRaw)
      throw new InputError('ansible-inventory is set but executor is ssh: set executor: ansible')
    return undefined
  }
  if (input.bool(Inputs.SshInsecure))
    throw new InputError(
      'executor: ansible refuses ssh-insecure-skip-host-key-check: Ansible connects only to pinned hosts (ssh-known-hosts)'
    )
  if (!inventoryRaw) {
    if (!ssh)
      throw new InputError(
        'executor: ansible needs hosts: ssh-host (the action writes the inventory) or ansible-inventory (the team’s)'
      )
    return {
      credentials: {
        privateKey: ssh.privateKey,
        knownHosts: ssh.knownHosts,
        appDir: ssh.appDir,
        user: ssh.user,
        ...(ssh.jump ? { jump: ssh.jump } : {}),
        ...(ssh.jumpPrivateKey ? { jumpPrivateKey: ssh.jumpPrivateKey } : {})
      }
    }
  }
  if (ssh)
    throw new InputError(
      'set ssh-host or ansible-inventory, not both: with ansible-inventory the inventory names the hosts'
    )
  if (checkOneLine(inventoryRaw))
    throw new InputError(`ansible-inventory ${checkOneLine(inventoryRaw)}`)
  const file = input.resolve(inventoryRaw)
  if (!input.fileExists(file))
    throw new InputError(`ansible-inventory '${inventoryRaw}' does not exist (resolved to ${file})`)
  if (!HOST_PATTERN.test(pattern))
    throw new InputError(
      `ansible-hosts ${describeValue(pattern)} is not a host pattern: names, groups, globs and : & ! , only (no @, ~, braces or spaces)`
    )
  return { inventory: { path: file, pattern }, credentials: credentialsAlone(input) }
}
