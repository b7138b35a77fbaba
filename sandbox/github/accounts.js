// Who can write on the stand-in's repository: the accounts of every kind an incident issue meets
// (the workflow's bot, another App's bot, a look-alike bot, an outsider, a triager, a maintainer,
// an admin), each with GitHub's numeric id and type, and the tokens that write as them.
//
// REST keeps a bot's `[bot]` suffix in `login`; GraphQL drops it (see graphql.js). Ids are what
// tell accounts apart: a look-alike login is a different id.

/** @typedef {{ login: string, id: number, type: 'User' | 'Bot' }} Account */

/** @type {Record<'ACTION_BOT' | 'OTHER_BOT' | 'LOOKALIKE_BOT' | 'OUTSIDER' | 'TRIAGE' | 'MAINTAINER' | 'ADMIN', Account>} */
export const ACCOUNTS = Object.freeze({
  /** What the workflow's GITHUB_TOKEN writes as (the GitHub Actions app's bot user). */
  ACTION_BOT: Object.freeze({ login: 'github-actions[bot]', id: 41898282, type: 'Bot' }),
  /** Another App installed on the repository (a welcome bot quoting issue text). */
  OTHER_BOT: Object.freeze({ login: 'welcome-bot[bot]', id: 143567012, type: 'Bot' }),
  /** Anyone can register an App whose bot is named like this. */
  LOOKALIKE_BOT: Object.freeze({ login: 'github-actionz[bot]', id: 151720449, type: 'Bot' }),
  /** No role: can open issues, comment and react, nothing else. */
  OUTSIDER: Object.freeze({ login: 'mallory', id: 7012345, type: 'User' }),
  TRIAGE: Object.freeze({ login: 'tom', id: 7012346, type: 'User' }),
  MAINTAINER: Object.freeze({ login: 'maria', id: 7012347, type: 'User' }),
  ADMIN: Object.freeze({ login: 'ana', id: 7012348, type: 'User' })
})

/** The repository roles the stand-in starts with (setRole changes them). */
export const DEFAULT_ROLES = Object.freeze({
  [ACCOUNTS.TRIAGE.login]: 'triage',
  [ACCOUNTS.MAINTAINER.login]: 'maintain',
  [ACCOUNTS.ADMIN.login]: 'admin'
})

/**
 * Tokens the stand-in knows, by the account they write as. `ghs_` tokens are installation tokens
 * (the workflow's GITHUB_TOKEN, an App's token), `ghp_` ones personal tokens. None is a secret,
 * but the tests treat them as one (they must reach no body, path or log).
 */
export const TOKENS = Object.freeze({
  ACTION_BOT: 'ghs_sandboxTokenNotASecretButTreatedAsOne',
  OTHER_BOT: 'ghs_otherAppTokenNotASecretButTreatedAsOne',
  LOOKALIKE_BOT: 'ghs_lookalikeAppTokenNotASecretButTreatedAsOne',
  OUTSIDER: 'ghp_mallorysTokenNotASecretButTreatedAsOne',
  TRIAGE: 'ghp_tomsTokenNotASecretButTreatedAsOne',
  MAINTAINER: 'ghp_mariasTokenNotASecretButTreatedAsOne',
  ADMIN: 'ghp_anasTokenNotASecretButTreatedAsOne'
})

/** token → account, for the tokens above. */
export function defaultTokens() {
  /** @type {Map<string, Account>} */
  const map = new Map()
  for (const [key, token] of Object.entries(TOKENS)) map.set(token, ACCOUNTS[key])
  return map
}

/** The GitHub App slug of a bot login (`welcome-bot[bot]` → `welcome-bot`). */
export const appSlug = (/** @type {string} */ login) => login.replace(/\[bot\]$/, '')

/**
 * A stable id for a login the stand-in was not told about: the same login always gets the same
 * id, in a range none of ACCOUNTS uses.
 * @param {string} login
 */
export function derivedId(login) {
  let h = 2166136261
  for (const ch of login) h = Math.imul(h ^ ch.codePointAt(0), 16777619) >>> 0
  return 200_000_000 + (h % 100_000_000)
}

/**
 * The known account of a login, or a new one with a derived id (type Bot for `…[bot]`).
 * @param {string} login
 * @param {'User' | 'Bot'} [type]
 * @returns {Account}
 */
export function accountOf(login, type) {
  const known = Object.values(ACCOUNTS).find((a) => a.login === login)
  if (known) return known
  return { login, id: derivedId(login), type: type ?? (login.endsWith('[bot]') ? 'Bot' : 'User') }
}
