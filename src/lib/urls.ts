// What in a configured URL (health-url, prometheus-url) is a secret, decided in one place: the
// settings mask what this returns, and every log line, report, trace and error shows `shown`.
// The URL is read as text, not through `new URL`, so `shown` is the URL exactly as written with
// only the secrets replaced, and an unparsable value is still redacted.

export interface RedactedUrl {
  /** The URL as written, each secret replaced by `***`. */
  shown: string
  /**
   * Every secret value, as written and percent-decoded, and the whole URL as written when it
   * holds one (empty when it holds none).
   */
  secrets: string[]
}

const REDACTED = '***'

/** Fragments of a parameter name that make it a secret wherever they appear in it. */
const SECRET_FRAGMENTS = [
  'token',
  'secret',
  'passw',
  'passphrase',
  'pwd',
  'signature',
  'credential',
  'session',
  'apikey',
  'authorization'
]
/** Words of a parameter name (split at `_`, `-`, `.`, camelCase) that make it a secret. */
const SECRET_WORD = /^(?:[a-z0-9]*(?:key|sig|auth)|pass|jwt|hmac|creds?)s?$/

/** Token prefixes of GitHub, GitLab and Slack, for a user name that is a token. */
const TOKEN_PREFIX = /^(?:gh[pousr]_|github_pat_|glpat-|xox[a-z]-)/i

/**
 * A query parameter whose value is a secret: `token`, `access_token`, `api_key`, `apiKey`, `key`,
 * `sig`, `signature`, `X-Amz-Signature`, `auth`, `password`, `pwd`, `client_secret`,
 * `sessionid`, … (case-insensitive). Words that merely contain such letters (`author`,
 * `keyword`, `design`) are not.
 */
export function isSecretParam(name: string): boolean {
  const compact = name.toLowerCase().replace(/[^a-z0-9]/g, '')
  if (SECRET_FRAGMENTS.some((f) => compact.includes(f))) return true
  return name
    .split(/[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])/)
    .some((word) => SECRET_WORD.test(word.toLowerCase()))
}

/** A user name that is a token (https://<token>@host, as GitHub-style URLs carry one). */
function looksLikeToken(user: string): boolean {
  if (TOKEN_PREFIX.test(user)) return true
  return user.length >= 20 && /[0-9]/.test(user) && /[A-Za-z]/.test(user)
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/** `a=1&token=x`: the secret values go to `secrets`, the pairs come back with them hidden. */
function redactPairs(text: string, secrets: string[]): string {
  return text
    .split(/([&;])/)
    .map((part) => {
      const eq = part.indexOf('=')
      if (eq <= 0) return part
      const value = part.slice(eq + 1)
      if (!value || !isSecretParam(decode(part.slice(0, eq).replace(/\+/g, ' ')))) return part
      secrets.push(value, decode(value.replace(/\+/g, ' ')), decode(value))
      return `${part.slice(0, eq + 1)}${REDACTED}`
    })
    .join('')
}

/** `user:password` (or a token as the user name), with the secret parts hidden. */
function redactUserinfo(userinfo: string, secrets: string[]): string {
  const colon = userinfo.indexOf(':')
  const user = colon < 0 ? userinfo : userinfo.slice(0, colon)
  const password = colon < 0 ? '' : userinfo.slice(colon + 1)
  let shownUser = user
  if (user && looksLikeToken(decode(user))) {
    secrets.push(user, decode(user))
    shownUser = REDACTED
  }
  if (colon < 0) return shownUser
  if (!password) return `${shownUser}:`
  secrets.push(password, decode(password))
  return `${shownUser}:${REDACTED}`
}

/**
 * The URL with its secrets hidden, and the secrets: the userinfo password (and a user name that
 * is a token), and the values of query (and fragment) parameters whose names say they are secret.
 * Pure: no I/O.
 */
export function redactUrl(url: string): RedactedUrl {
  const secrets: string[] = []
  const m = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/?#\\]*)(.*)$/s.exec(url)
  let head = ''
  let rest = url
  if (m) {
    const authority = m[2]
    const at = authority.lastIndexOf('@')
    head =
      at < 0
        ? `${m[1]}${authority}`
        : `${m[1]}${redactUserinfo(authority.slice(0, at), secrets)}${authority.slice(at)}`
    rest = m[3]
  }
  const hash = rest.indexOf('#')
  const beforeHash = hash < 0 ? rest : rest.slice(0, hash)
  const fragment = hash < 0 ? undefined : rest.slice(hash + 1)
  const q = beforeHash.indexOf('?')
  const path = q < 0 ? beforeHash : beforeHash.slice(0, q)
  const query = q < 0 ? undefined : beforeHash.slice(q + 1)
  const shown =
    head +
    path +
    (query === undefined ? '' : `?${redactPairs(query, secrets)}`) +
    (fragment === undefined ? '' : `#${redactPairs(fragment, secrets)}`)
  const found = [...new Set(secrets.filter(Boolean))]
  return { shown, secrets: found.length ? [url, ...found] : [] }
}

/**
 * `text` with every secret of `url` hidden (an error message that quotes the URL): the URL as
 * written becomes its shown form, and each secret value `***`. Values shorter than 4 characters
 * are hidden only inside the URL: on their own they would blank common words.
 */
export function hideUrlSecrets(text: string, url: string): string {
  const { shown, secrets } = redactUrl(url)
  let out = text
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret === url) out = out.split(url).join(shown)
    else if (secret.length >= 4) out = out.split(secret).join(REDACTED)
  }
  return out
}
