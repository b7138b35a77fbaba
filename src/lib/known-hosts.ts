// Which hosts a known_hosts text pins, read the way OpenSSH reads it (sshd(8) "SSH_KNOWN_HOSTS FILE
// FORMAT"), so that a host without a pinned key is bad input at setup instead of "host key
// verification failed" in the middle of a rollback. Pure: hashed lines (`|1|salt|hash`, from
// `ssh-keyscan -H` or HashKnownHosts) need an HMAC, which the caller passes in.
import { knownHostsName, type HostPort } from './patterns.js'

/** Whether a hashed entry (`|1|base64 salt|base64 HMAC-SHA1(salt, name)`) is this name. */
export type HashedMatcher = (entry: string, name: string) => boolean

/** OpenSSH's host patterns: `*` any run, `?` one character, case-insensitive. */
function wildcard(pattern: string, name: string): boolean {
  const re = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('')
  return new RegExp(`^${re}$`, 'i').test(name)
}

/** Whether a line's host field (comma-separated patterns, `!` negates) matches the name. */
function fieldMatches(field: string, name: string, hashed?: HashedMatcher): boolean {
  if (field.startsWith('|')) return hashed ? hashed(field, name) : false
  let matched = false
  for (const pattern of field.split(',')) {
    if (pattern.startsWith('!')) {
      if (wildcard(pattern.slice(1), name)) return false
    } else if (wildcard(pattern, name)) matched = true
  }
  return matched
}

/**
 * Whether `knownHosts` holds a key for the host as OpenSSH would look it up (`host` on port 22,
 * `[host]:port` otherwise). `@cert-authority` lines count (the host's certificate is checked
 * against that CA); `@revoked` lines and lines without a key do not.
 */
export function isPinned(knownHosts: string, host: HostPort, hashed?: HashedMatcher): boolean {
  // ssh lowercases the destination before it looks it up (hashed entries are of that name too).
  const name = knownHostsName(host).toLowerCase()
  for (const raw of knownHosts.split(/\r?\n/)) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    const fields = line.split(/\s+/)
    const marker = fields[0].startsWith('@') ? fields.shift() : undefined
    if (marker === '@revoked' || fields.length < 3) continue
    if (fieldMatches(fields[0], name, hashed)) return true
  }
  return false
}

/** The hosts `knownHosts` does not pin, in their order. */
export function unpinnedHosts<H extends HostPort>(
  knownHosts: string,
  hosts: readonly H[],
  hashed?: HashedMatcher
): H[] {
  return hosts.filter((h) => !isPinned(knownHosts, h, hashed))
}
