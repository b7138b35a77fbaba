// What may cross into a remote shell or an ssh command line, in one place: settings validate every
// input with these at setup (before the first probe), and the SSH and shell adapters check again
// with the same rules right before anything runs. Each check returns null when the value is fine,
// else what is wrong, for the caller to put in its own error with the input's name.

/** The value as it may appear in an error message: JSON-quoted (control characters visible), cut short. */
export function describeValue(s: string): string {
  const shown = s.length > 80 ? `${s.slice(0, 80)}…` : s
  return JSON.stringify(shown)
}

/**
 * A value from text nobody vouches for (a comment), as a message may show it: the value itself
 * only when it is plainly harmless (letters, digits, `.`, `_`, `:`, `-`; at most 40), otherwise
 * only its length. Nothing from such text can become a marker, a mention, a link or an image in
 * what the action posts.
 */
export function describeUntrusted(s: string): string {
  return /^[A-Za-z0-9._:-]{1,40}$/.test(s) ? `"${s}"` : `a value of ${s.length} characters`
}

/** A host name, an IPv4 address, or an IPv6 address (bare or in brackets); never starting with '-'. */
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\]|[0-9A-Fa-f:.]+)$/
/** A POSIX user name as OpenSSH accepts it. */
const USER = /^[A-Za-z_][A-Za-z0-9._-]*$/
/** A backup id or other value passed to a remote script: starts with a letter or digit. */
const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/
/** A flag for a remote script: `-x` or `--name`. */
const FLAG = /^--?[A-Za-z0-9][A-Za-z0-9._:-]*$/
/** A script path on the host: no spaces, quotes or shell characters, and never a flag. */
const SCRIPT_PATH = /^[A-Za-z0-9._/~+][A-Za-z0-9._/~+-]*$/
/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
const MAX_ID = 200

export const ID_RULE =
  "use only letters, digits, '.', '_', '-' and ':', starting with a letter or digit (e.g. backup-20251201-030000), at most 200 characters"

export function checkHost(value: string): string | null {
  return HOST.test(value) ? null : 'is not a host name or IP address'
}

export function checkUser(value: string): string | null {
  return USER.test(value) ? null : 'is not a valid user name'
}

export function checkPort(value: string | number): string | null {
  const text = String(value)
  const port = Number(text)
  return /^\d+$/.test(text) && port >= 1 && port <= 65535 ? null : 'is not a port number (1-65535)'
}

/** A backup id (rollback-target, a target in a command, a line of `--list`). */
export function checkId(value: string): string | null {
  return value.length <= MAX_ID && ID.test(value) ? null : `is not allowed: ${ID_RULE}`
}

/** An argument for a remote script: an id or a flag. */
export function checkRemoteArg(value: string): string | null {
  return value.length <= MAX_ID && (ID.test(value) || FLAG.test(value))
    ? null
    : `is not allowed: ${ID_RULE} (or a --flag)`
}

export function checkScriptPath(value: string): string | null {
  return SCRIPT_PATH.test(value)
    ? null
    : 'is not a plain path: letters, digits and . _ / ~ + - only (no spaces or shell characters), not starting with -'
}

export function checkHeaderName(value: string): string | null {
  return HEADER_NAME.test(value) ? null : 'is not an HTTP header name'
}

/** One line of a configured command (no newline, carriage return or NUL). */
export function checkOneLine(value: string): string | null {
  return /[\n\r\0]/.test(value) ? 'must be one line' : null
}

/** Clock skew tolerated between the clock that wrote a time (the deploy's) and the runner's. */
export const FUTURE_SKEW_MS = 60_000

/**
 * An ISO-8601 time as workflows and `date +%FT%T` write it: 2025-12-02T14:03:00Z, with seconds,
 * fractions and an offset (Z, +09:00, -0500) all optional.
 */
const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i

/** Epoch ms for a UTC calendar time, or null when a field is out of range (month 13, Feb 30). */
export function utcTime(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number
): number | null {
  const t = Date.UTC(y, mo - 1, d, h, mi, s)
  const back = new Date(t)
  const ok =
    back.getUTCFullYear() === y &&
    back.getUTCMonth() === mo - 1 &&
    back.getUTCDate() === d &&
    back.getUTCHours() === h &&
    back.getUTCMinutes() === mi &&
    back.getUTCSeconds() === s
  return ok ? t : null
}

/**
 * Epoch ms of an ISO-8601 time, or null when the text is not one (or not a real date). A time
 * without an offset is UTC: Date.parse would read it in the runner's zone, and backup times
 * (`rollback.sh --list`) are UTC, so a self-hosted runner elsewhere would move the deploy by hours.
 */
export function parseIsoTime(text: string): number | null {
  const m = ISO_TIME.exec(text)
  if (!m) return null
  const base = utcTime(+m[1], +m[2], +m[3], +m[4], +m[5], +(m[6] ?? 0))
  if (base === null) return null
  const fraction = m[7] ? Math.round(Number(m[7]) * 1000) : 0
  const zone = (m[8] ?? 'Z').toUpperCase()
  if (zone === 'Z') return base + fraction
  const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)
  if (!z || Number(z[2]) > 23 || Number(z[3]) > 59) return null
  const offsetMin = (Number(z[2]) * 60 + Number(z[3])) * (z[1] === '+' ? 1 : -1)
  return base + fraction - offsetMin * 60_000
}

/** A commit SHA, full or abbreviated. */
export function checkSha(value: string): string | null {
  return /^[0-9a-f]{4,64}$/i.test(value) ? null : 'is not a commit SHA (4 to 64 hex digits)'
}

// ---- hosts of a fleet and the jump host ---------------------------------------------------

/** One deploy host: a name or address (IPv6 without brackets) and its SSH port. */
export interface HostPort {
  host: string
  port: number
}

/** A jump host (bastion): `[user@]host[:port]`; no user means ssh-user. */
export interface JumpHost extends HostPort {
  user?: string
}

const BRACKETED = /^\[([^\]]*)\](?::(.*))?$/
const IPV6 = /^[0-9A-Fa-f:.]+$/

/**
 * `host`, `host:port`, `[ipv6]`, `[ipv6]:port` or a bare IPv6 address (no port: its colons are
 * the address's own). The port defaults to `defaultPort` (ssh-port). An error text when it is none
 * of these.
 */
export function parseHostPort(entry: string, defaultPort: number): HostPort | string {
  const text = entry.trim()
  let host = text
  let port: string | undefined
  const bracketed = BRACKETED.exec(text)
  if (bracketed) {
    host = bracketed[1]
    port = bracketed[2]
    if (!IPV6.test(host) || !host.includes(':'))
      return 'is not an IPv6 address in brackets (e.g. [2001:db8::1]:2222)'
  } else if ((text.match(/:/g) ?? []).length === 1) {
    ;[host, port] = text.split(':')
  }
  if (checkHost(host)) return `${checkHost(host)} (use host, host:port or [ipv6]:port)`
  if (port !== undefined && checkPort(port)) return `has a port that ${checkPort(port)}`
  return { host, port: port === undefined ? defaultPort : Number(port) }
}

/** How a host reads in messages: `host` on the default port, else `host:port` (`[v6]:port`). */
export function hostLabel(h: HostPort, defaultPort: number): string {
  if (h.port === defaultPort) return h.host
  return h.host.includes(':') ? `[${h.host}]:${h.port}` : `${h.host}:${h.port}`
}

/**
 * Every host of ssh-host: one per line or comma-separated, the first being the canary. An error
 * text naming the bad entry (or a repeated host) when one is wrong.
 */
export function parseHostList(raw: string, defaultPort: number): HostPort[] | string {
  const hosts: HostPort[] = []
  const seen = new Set<string>()
  for (const entry of raw.split(/[\n,]/).map((e) => e.trim())) {
    if (entry === '' || entry.startsWith('#')) continue
    const parsed = parseHostPort(entry, defaultPort)
    if (typeof parsed === 'string') return `'${entry}' ${parsed}`
    const key = `${parsed.host.toLowerCase()}:${parsed.port}`
    if (seen.has(key)) return `'${entry}' is listed twice`
    seen.add(key)
    hosts.push(parsed)
  }
  return hosts.length > 0 ? hosts : 'names no host'
}

/** `[user@]host[:port]` (ssh-jump-host); the port defaults to 22. */
export function parseJumpHost(raw: string): JumpHost | string {
  const text = raw.trim()
  const at = text.lastIndexOf('@')
  const user = at >= 0 ? text.slice(0, at) : undefined
  if (user !== undefined && checkUser(user)) return `has a user that ${checkUser(user)}`
  const hostPort = parseHostPort(text.slice(at + 1), 22)
  if (typeof hostPort === 'string') return hostPort
  return user === undefined ? hostPort : { ...hostPort, user }
}

/** The name OpenSSH looks a host up by in known_hosts: `host` on port 22, else `[host]:port`. */
export function knownHostsName(h: HostPort): string {
  return h.port === 22 ? h.host : `[${h.host}]:${h.port}`
}
