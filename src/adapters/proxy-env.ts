// Which proxy, if any, a probe URL goes through: HTTPS_PROXY / HTTP_PROXY / NO_PROXY (either
// case, lowercase first) as GitHub's runner and @actions/http-client (Octokit) read them, so one
// NO_PROXY routes the probes and the GitHub API calls alike. Read from an environment passed in
// (proxy-from-env only reads process.env, and matches `example.com` exactly rather than with its
// subdomains as the runner and curl do).

export type ProxyEnv = Readonly<Record<string, string | undefined>>

/** A proxy variable that holds something the probes cannot use. */
export class ProxyConfigError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ProxyConfigError'
  }
}

/** The first of the variables that is set and not blank, with its name. */
function variable(env: ProxyEnv, name: string): { name: string; value: string } | undefined {
  for (const key of [name.toLowerCase(), name.toUpperCase()]) {
    const value = env[key]?.trim()
    if (value) return { name: key, value }
  }
  return undefined
}

const DEFAULT_PORT: Record<string, number> = { 'http:': 80, 'https:': 443 }

function bare(host: string): string {
  return host
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
}

/** One NO_PROXY entry: `*`, `host`, `.domain` (or `*.domain`), with an optional `:port`. */
function parseEntry(entry: string): { host: string; port?: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry)
  if (bracketed)
    return { host: bracketed[1], port: bracketed[2] ? Number(bracketed[2]) : undefined }
  const withPort = /^([^:]+):(\d+)$/.exec(entry)
  if (withPort) return { host: withPort[1], port: Number(withPort[2]) }
  return { host: entry }
}

/** Whether NO_PROXY (or no_proxy) exempts this URL from the proxy. */
export function bypassesProxy(target: URL, env: ProxyEnv): boolean {
  const list = variable(env, 'no_proxy')?.value ?? ''
  const host = bare(target.hostname)
  const port = target.port ? Number(target.port) : DEFAULT_PORT[target.protocol]
  for (const raw of list.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase()
    if (!entry) continue
    if (entry === '*') return true
    const parsed = parseEntry(entry)
    if (parsed.port !== undefined && parsed.port !== port) continue
    const pattern = parsed.host.replace(/^\*/, '')
    const domain = bare(pattern.replace(/^\./, ''))
    if (!domain) continue
    // `.example.com` covers the subdomains; `example.com` the host and its subdomains.
    const matches = pattern.startsWith('.')
      ? host.endsWith(`.${domain}`)
      : host === domain || host.endsWith(`.${domain}`)
    if (matches) return true
  }
  return false
}

export interface ProxyRoute {
  /** The proxy URL (credentials included: never print it, print `origin`). */
  url: URL
  /** scheme://host:port of the proxy, without credentials: for reasons and logs. */
  origin: string
  /** The variable it came from, e.g. HTTPS_PROXY. */
  from: string
}

/**
 * The proxy for this URL, or undefined for a direct connection. An https URL uses only
 * HTTPS_PROXY and an http URL only HTTP_PROXY (curl's and the runner's rule). Throws
 * ProxyConfigError when the variable is not an http(s) proxy URL; the message never quotes the
 * value, which may hold a password.
 */
export function proxyFor(target: URL, env: ProxyEnv): ProxyRoute | undefined {
  const found = variable(env, target.protocol === 'https:' ? 'https_proxy' : 'http_proxy')
  if (!found || bypassesProxy(target, env)) return undefined
  // `proxy.example.com:3128` without a scheme is an http proxy, as curl reads it.
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(found.value) ? found.value : `http://${found.value}`
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new ProxyConfigError(
      `${found.name} is not a proxy URL: expected e.g. http://proxy.example.com:3128`
    )
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ProxyConfigError(
      `${found.name} uses ${url.protocol}//, which the probes do not support: use an http:// or https:// proxy`
    )
  if (!url.hostname) throw new ProxyConfigError(`${found.name} names no proxy host`)
  return { url, origin: url.origin, from: found.name }
}

/** How a URL will be reached, for the setup log: "direct", "through proxy http://p:3128 (…)". */
export function describeRoute(target: string, env: ProxyEnv): string {
  let url: URL
  try {
    url = new URL(target)
  } catch {
    return 'direct'
  }
  try {
    const route = proxyFor(url, env)
    if (route) return `through proxy ${route.origin} (${route.from})`
    const proxied = variable(env, url.protocol === 'https:' ? 'https_proxy' : 'http_proxy')
    return proxied ? `direct (NO_PROXY matches ${url.host})` : 'direct'
  } catch (e) {
    return `no route: ${(e as Error).message}`
  }
}
