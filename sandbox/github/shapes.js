// GitHub's REST JSON for what the stand-in stores: users, issues (and pull requests as the issues
// API shows them), comments, labels, reactions, deployments, a collaborator's permission, the
// authenticated user and errors. Every field the published OpenAPI description requires is here
// (checked by __tests__/sandbox/github-standin-openapi.test.ts), so that no test can pass on a field the
// real API does not send, or fail for want of one it does.
//
// URLs point at the stand-in (as a GitHub Enterprise Server's point at itself); path segments are
// percent-escaped as GitHub escapes them (`github-actions%5Bbot%5D`).
import { appSlug } from './accounts.js'

/** @typedef {import('./accounts.js').Account} Account */
/** @typedef {import('./store.js').StandinIssue} StandinIssue */
/** @typedef {import('./store.js').StandinComment} StandinComment */
/** @typedef {import('./store.js').StandinReaction} StandinReaction */
/** @typedef {import('./store.js').StandinDeployment} StandinDeployment */

export const REACTIONS = ['+1', '-1', 'laugh', 'confused', 'heart', 'hooray', 'rocket', 'eyes']

/** GitHub's repository roles and how the `permission` field folds them. */
export const FOLDED = {
  admin: 'admin',
  maintain: 'write',
  write: 'write',
  triage: 'read',
  read: 'read',
  none: 'none'
}

/** The App id behind the GitHub Actions bot (its avatar is the app's). */
const ACTIONS_APP_ID = 15368

const b64 = (/** @type {string} */ s) => Buffer.from(s).toString('base64')
const esc = (/** @type {string} */ s) => encodeURIComponent(s)

/**
 * @param {Account} a
 * @param {string} base  the stand-in's URL
 */
export function userJson(a, base) {
  const api = `${base}/users/${esc(a.login)}`
  const bot = a.type === 'Bot'
  return {
    login: a.login,
    id: a.id,
    node_id: b64(bot ? `03:Bot${a.id}` : `04:User${a.id}`),
    avatar_url: bot
      ? `${base}/avatars/in/${a.login === 'github-actions[bot]' ? ACTIONS_APP_ID : a.id}?v=4`
      : `${base}/avatars/u/${a.id}?v=4`,
    gravatar_id: '',
    url: api,
    html_url: bot ? `${base}/apps/${esc(appSlug(a.login))}` : `${base}/${esc(a.login)}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: a.type,
    user_view_type: 'public',
    site_admin: false
  }
}

/** `GET /user` with a personal token: the private view of the token's own user. */
export function authenticatedUserJson(/** @type {Account} */ a, /** @type {string} */ base) {
  return {
    ...userJson(a, base),
    user_view_type: 'private',
    name: null,
    company: null,
    blog: '',
    location: null,
    email: null,
    notification_email: null,
    hireable: null,
    bio: null,
    twitter_username: null,
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: '2020-01-01T00:00:00Z',
    updated_at: '2020-01-01T00:00:00Z',
    private_gists: 0,
    total_private_repos: 0,
    owned_private_repos: 0,
    disk_usage: 0,
    collaborators: 0,
    two_factor_authentication: true
  }
}

/** A stable id for a label name (GitHub's are database ids; names are unique per repository). */
function labelId(/** @type {string} */ name) {
  let h = 5381
  for (const ch of name) h = (Math.imul(h, 33) ^ ch.codePointAt(0)) >>> 0
  return 1_000_000_000 + (h % 1_000_000_000)
}

export function labelJson(
  /** @type {string} */ name,
  /** @type {string} */ owner,
  /** @type {string} */ repo,
  /** @type {string} */ base
) {
  const id = labelId(name)
  return {
    id,
    node_id: `LA_${b64(String(id))}`,
    url: `${base}/repos/${owner}/${repo}/labels/${esc(name)}`,
    name,
    color: (id % 0xffffff).toString(16).padStart(6, '0'),
    default: false,
    description: null
  }
}

/** @param {{ content: string }[]} list  the reactions on one issue or comment */
export function reactionRollup(list, /** @type {string} */ url) {
  /** @type {Record<string, number | string>} */
  const counts = { url, total_count: list.length }
  for (const c of REACTIONS) counts[c] = list.filter((r) => r.content === c).length
  return counts
}

/**
 * @typedef {object} ShapeContext
 * @property {string} base
 * @property {(user: { login: string, type?: string, id?: number } | undefined) => Account} account
 *   the account of a stored user (the workflow's bot when none is stored)
 * @property {(login: string) => string} association   author_association of a login
 * @property {(issue: StandinIssue) => number} commentCount
 * @property {(commentId: number) => StandinReaction[]} reactionsOn
 */

/** @param {StandinIssue} i @param {ShapeContext} ctx */
export function issueJson(i, ctx) {
  const { base } = ctx
  const url = `${base}/repos/${i.owner}/${i.repo}/issues/${i.number}`
  const html = `${base}/${i.owner}/${i.repo}/${i.pull_request ? 'pull' : 'issues'}/${i.number}`
  const created = i.created_at || '2020-01-01T00:00:00Z'
  const assignees = (i.assignees ?? []).map((login) => userJson(ctx.account({ login }), base))
  const user = ctx.account(i.user)
  const id = i.id ?? 3_000_000_000 + i.number
  return {
    url,
    repository_url: `${base}/repos/${i.owner}/${i.repo}`,
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    html_url: html,
    id,
    node_id: `I_${b64(String(id))}`,
    number: i.number,
    title: i.title,
    user: userJson(user, base),
    labels: i.labels.map((name) => labelJson(name, i.owner, i.repo, base)),
    state: i.state,
    locked: false,
    assignee: assignees[0] ?? null,
    assignees,
    milestone: null,
    comments: ctx.commentCount(i),
    created_at: created,
    updated_at: i.updated_at || created,
    closed_at: i.state === 'closed' ? (i.closed_at ?? i.updated_at ?? created) : null,
    author_association: ctx.association(user.login),
    type: null,
    active_lock_reason: null,
    sub_issues_summary: { total: 0, completed: 0, percent_completed: 0 },
    issue_dependencies_summary: {
      blocked_by: 0,
      total_blocked_by: 0,
      blocking: 0,
      total_blocking: 0
    },
    ...(i.pull_request
      ? {
          draft: false,
          pull_request: {
            url: `${base}/repos/${i.owner}/${i.repo}/pulls/${i.number}`,
            html_url: html,
            diff_url: `${html}.diff`,
            patch_url: `${html}.patch`,
            merged_at: null
          }
        }
      : {}),
    body: i.body,
    reactions: reactionRollup([], `${url}/reactions`),
    timeline_url: `${url}/timeline`,
    performed_via_github_app: null,
    state_reason: i.state === 'closed' ? 'completed' : null
  }
}

/** @param {StandinComment} c @param {ShapeContext} ctx */
export function commentJson(c, ctx) {
  const { base } = ctx
  const url = `${base}/repos/${c.owner}/${c.repo}/issues/comments/${c.id}`
  const created = c.created_at || '2020-01-01T00:00:00Z'
  const user = ctx.account(c.user)
  return {
    url,
    html_url: `${base}/${c.owner}/${c.repo}/issues/${c.issue}#issuecomment-${c.id}`,
    issue_url: `${base}/repos/${c.owner}/${c.repo}/issues/${c.issue}`,
    id: c.id,
    node_id: `IC_${b64(String(c.id))}`,
    user: userJson(user, base),
    created_at: created,
    updated_at: c.updated_at || created,
    author_association: ctx.association(user.login),
    body: c.body,
    reactions: reactionRollup(ctx.reactionsOn(c.id), `${url}/reactions`),
    performed_via_github_app: null
  }
}

/** @param {StandinReaction} r @param {string} base */
export function reactionJson(r, base) {
  return {
    id: r.id,
    node_id: `REA_${b64(String(r.id))}`,
    user: userJson(r.user, base),
    content: r.content,
    created_at: r.created_at
  }
}

/** @param {StandinDeployment} d @param {string} base @param {Account} creator */
export function deploymentJson(d, base, creator) {
  return {
    url: `${base}/repos/${d.owner}/${d.repo}/deployments/${d.id}`,
    id: d.id,
    node_id: `DE_${b64(String(d.id))}`,
    sha: d.sha,
    ref: d.ref,
    task: d.task,
    payload: {},
    original_environment: d.environment,
    environment: d.environment,
    description: d.description,
    creator: userJson(creator, base),
    created_at: d.created_at,
    updated_at: d.created_at,
    statuses_url: `${base}/repos/${d.owner}/${d.repo}/deployments/${d.id}/statuses`,
    repository_url: `${base}/repos/${d.owner}/${d.repo}`,
    transient_environment: false,
    production_environment: d.environment === 'production',
    performed_via_github_app: null
  }
}

/**
 * `GET …/collaborators/{username}/permission`.
 * @param {Account} a
 * @param {string} role  admin, maintain, write, triage, read, none (or a custom role's name)
 * @param {string} base
 */
export function permissionJson(a, role, base) {
  const permission = FOLDED[role] ?? 'read'
  const at = (/** @type {string[]} */ roles) => roles.includes(role)
  return {
    permission,
    role_name: role,
    user: {
      ...userJson(a, base),
      permissions: {
        admin: at(['admin']),
        maintain: at(['admin', 'maintain']),
        push: at(['admin', 'maintain', 'write']),
        triage: at(['admin', 'maintain', 'write', 'triage']),
        pull: !at(['none'])
      },
      role_name: role
    }
  }
}

const DOCS = 'https://docs.github.com/rest'

/** GitHub's error body: `{ message, documentation_url, status }`. */
export function errorJson(
  /** @type {number} */ status,
  /** @type {string} */ message,
  /** @type {string} */ docs = DOCS
) {
  return { message, documentation_url: docs, status: String(status) }
}

/**
 * A 422 as GitHub sends it: `Validation Failed` and what was wrong in `errors`.
 * @param {{ resource: string, field?: string, code: string, value?: unknown, message?: string }[]} errors
 */
export function validationJson(errors, /** @type {string} */ docs = DOCS) {
  return { message: 'Validation Failed', errors, documentation_url: docs, status: '422' }
}

/**
 * GitHub's `Link` header for page `page` of `total` items, `perPage` a page, or undefined when
 * everything fits on one page.
 * @param {URL} requestUrl  the request's URL (its query is kept, `page` replaced)
 */
export function linkHeader(
  /** @type {string} */ base,
  requestUrl,
  /** @type {number} */ page,
  /** @type {number} */ perPage,
  /** @type {number} */ total
) {
  const last = Math.max(1, Math.ceil(total / perPage))
  if (last === 1) return undefined
  const at = (/** @type {number} */ n) => {
    const u = new URL(requestUrl.pathname + requestUrl.search, base)
    u.searchParams.set('per_page', String(perPage))
    u.searchParams.set('page', String(n))
    return `<${u.href}>`
  }
  const links = []
  if (page > 1) links.push(`${at(Math.min(page - 1, last))}; rel="prev"`)
  if (page < last) links.push(`${at(page + 1)}; rel="next"`, `${at(last)}; rel="last"`)
  if (page > 1) links.push(`${at(1)}; rel="first"`)
  return links.join(', ')
}
