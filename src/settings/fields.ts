// The readers of single inputs shared by the settings modules: a duration, a boolean, text with
// its default, an http(s) URL, `Name: value` headers. Each error names the input.
import { DEFAULTS } from './names.js'
import { DURATION_HINT, parseDuration } from '../lib/duration.js'
import { checkHeaderName } from '../lib/patterns.js'
import { redactUrl } from '../lib/urls.js'
import { InputError } from './errors.js'
import type { InputEnv, InputGetter } from './source.js'
import type { HttpHeaders } from './types.js'

export function duration(get: InputGetter, name: string): number {
  const raw = get(name).trim() || DEFAULTS[name as keyof typeof DEFAULTS]
  const ms = parseDuration(raw)
  if (ms === null) throw new InputError(`${name} '${raw}' is not a duration: ${DURATION_HINT}`)
  if (ms <= 0) throw new InputError(`${name} '${raw}' must be longer than zero`)
  return ms
}

export function bool(get: InputGetter, name: string, env?: InputEnv): boolean {
  const given = get(name).trim()
  if (given && env?.getBoolean) {
    try {
      return env.getBoolean(name)
    } catch {
      throw new InputError(`${name} '${given}' is not a boolean: use true or false`)
    }
  }
  const raw = given || DEFAULTS[name as keyof typeof DEFAULTS] || 'false'
  if (/^(true|True|TRUE)$/.test(raw)) return true
  if (/^(false|False|FALSE)$/.test(raw)) return false
  throw new InputError(`${name} '${raw}' is not a boolean: use true or false`)
}

export function text(get: InputGetter, name: string): string {
  return get(name).trim() || (DEFAULTS[name as keyof typeof DEFAULTS] ?? '')
}

export function optional(get: InputGetter, name: string): string | undefined {
  return get(name).trim() || undefined
}

export function httpUrl(name: string, raw: string): string {
  // A URL that fails here is not masked yet: the message shows it with its secrets hidden.
  const shown = redactUrl(raw).shown
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new InputError(`${name} '${shown}' is not a URL: use e.g. https://example.com/health`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new InputError(`${name} '${shown}' must be an http:// or https:// URL`)
  return raw
}

/** Multi-line `Name: value` headers. Values are secrets (masked by the caller). */
export function parseHeaders(name: string, raw: string): HttpHeaders {
  const headers: HttpHeaders = {}
  for (const [i, line] of raw.split(/\r?\n/).entries()) {
    if (!line.trim() || line.trim().startsWith('#')) continue
    const colon = line.indexOf(':')
    const key = colon > 0 ? line.slice(0, colon).trim() : ''
    if (!key || checkHeaderName(key))
      // The value may be a secret: quote only the part before the colon.
      throw new InputError(
        `${name} line ${i + 1} is not 'Name: value' (header name '${key || line.slice(0, 20)}…')`
      )
    headers[key] = line.slice(colon + 1).trim()
  }
  return headers
}

/** Secrets written into URLs (a password, a token in the query): secrets like header values. */
export function urlSecrets(...urls: Array<string | undefined>): string[] {
  return urls.flatMap((u) => (u ? redactUrl(u).secrets : []))
}
