// The stand-in's repository in memory: issues (pull requests among them, sharing their numbers),
// comments, reactions, deployments, repository roles and the accounts that acted, with who wrote
// and who last edited each text. Every write goes through here, whether it came over REST with a
// token or from a test acting as a person, and follows GitHub's rules of who may do what:
//
// - anyone signed in opens issues, comments and reacts;
// - labels and assignees set by someone without triage access are dropped silently (as GitHub
//   does); adding labels, closing or reopening someone else's issue needs triage;
// - editing someone else's issue or comment needs write (maintain, admin); authors edit their own;
// - an App's installation token (a Bot) has the access its installation grants: all of the above.
//
// Ids: comment ids and reaction ids are sequential across the whole stand-in, issue numbers
// sequential per repository and shared with pull requests, as on GitHub.
import { ACCOUNTS, DEFAULT_ROLES, accountOf } from './accounts.js'
import { REACTIONS } from './shapes.js'

/** @typedef {import('./accounts.js').Account} Account */

/**
 * @typedef {object} StandinIssue
 * @property {number} number
 * @property {number} [id]               REST database id (derived from the number when absent)
 * @property {string} title
 * @property {string} body
 * @property {string[]} labels
 * @property {string[]} assignees        logins
 * @property {'open' | 'closed'} state
 * @property {string} owner
 * @property {string} repo
 * @property {string} created_at
 * @property {string} [updated_at]
 * @property {string | null} [closed_at]
 * @property {Account} [user]            who opened it (default: the workflow's bot)
 * @property {Account | null} [editor]   who last edited the body (GraphQL `editor`)
 * @property {string | null} [last_edited_at]  when (GraphQL `lastEditedAt`)
 * @property {boolean} [pull_request]    a pull request, as the issues API lists it
 */

/**
 * @typedef {object} StandinComment
 * @property {number} id
 * @property {number} issue
 * @property {string} body
 * @property {string} owner
 * @property {string} repo
 * @property {Account} [user]            who wrote it (default: the workflow's bot)
 * @property {string} [created_at]
 * @property {string} [updated_at]
 * @property {Account | null} [editor]
 * @property {string | null} [last_edited_at]
 */

/**
 * @typedef {object} StandinReaction
 * @property {number} id
 * @property {number} comment
 * @property {string} content
 * @property {Account} user
 * @property {string} [created_at]
 */

/**
 * @typedef {object} StandinDeployment
 * @property {number} id
 * @property {string} owner
 * @property {string} repo
 * @property {string} sha
 * @property {string} ref
 * @property {string} task
 * @property {string} environment
 * @property {string | null} description
 * @property {string} created_at   ISO-8601, as GitHub writes it (no milliseconds)
 * @property {Account} [creator]
 */

/** GitHub's limit for an issue body or a comment. */
export const BODY_LIMIT = 65536
/** A bound for addComments (GitHub itself stops comments at about 2,500 an issue). */
export const MAX_BULK_COMMENTS = 20_000
const TRIAGE_ROLES = ['triage', 'write', 'maintain', 'admin']
const PUSH_ROLES = ['write', 'maintain', 'admin']

/** A write GitHub refuses: the status and GitHub's JSON for it. */
export class Refusal extends Error {
  /**
   * @param {number} status
   * @param {string} message
   * @param {Record<string, unknown>[]} [errors]  a 422's `errors`
   */
  constructor(status, message, errors) {
    super(
      `${status} ${message}${errors ? `: ${errors.map((e) => `${e.field} ${e.code}`).join(', ')}` : ''}`
    )
    this.status = status
    this.apiMessage = message
    this.errors = errors
  }
}

/** ISO-8601 to the second, as GitHub writes times. */
export const isoSeconds = (/** @type {number} */ ms) =>
  new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z')

/**
 * @param {{ now?: () => number, owner?: string, repo?: string,
 *   onIssue?: (i: StandinIssue) => void, onComment?: (c: StandinComment) => void,
 *   log?: (line: string) => void }} [options]
 */
export function createStore(options = {}) {
  const now = options.now ?? Date.now
  const defaultOwner = options.owner ?? 'acme'
  const defaultRepo = options.repo ?? 'spacetime'
  /** @type {StandinIssue[]} */
  const issues = []
  /** @type {StandinComment[]} */
  const comments = []
  /** @type {StandinReaction[]} */
  const reactions = []
  /** @type {StandinDeployment[]} */
  const deployments = []
  /** @type {Map<string, string>} login → role (admin, maintain, write, triage, read, none) */
  const roles = new Map(Object.entries(DEFAULT_ROLES))
  /** @type {Map<string, Account>} every account that exists on this GitHub */
  const accounts = new Map(Object.values(ACCOUNTS).map((a) => [a.login, a]))
  let nextCommentId = 1000
  let nextReactionId = 1
  let nextDeploymentId = 500
  let nextIssueId = 3_000_000_001

  const stamp = () => isoSeconds(now())
  /** A change's time: now, but never at or before the previous change (so that it shows). */
  const after = (/** @type {string | undefined | null} */ previous) => {
    const prev = previous ? Date.parse(previous) : NaN
    const t = now()
    return isoSeconds(Number.isFinite(prev) && t < prev + 1000 ? prev + 1000 : t)
  }

  /**
   * The account of a login (registered on first sight, with a derived id if unknown).
   * @param {string} login
   * @param {'User' | 'Bot'} [type]
   */
  function accountFor(login, type) {
    if (typeof login !== 'string' || !login) throw new Error('a login is needed')
    const known = accounts.get(login)
    if (known) return known
    const a = accountOf(login, type)
    accounts.set(login, a)
    return a
  }
  /** @param {{ login: string, type?: string, id?: number } | undefined} u */
  function account(u) {
    if (!u) return ACCOUNTS.ACTION_BOT
    if (typeof u.id === 'number' && (u.type === 'User' || u.type === 'Bot'))
      return /** @type {Account} */ (u)
    return accountFor(u.login, u.type === 'Bot' ? 'Bot' : u.type === 'User' ? 'User' : undefined)
  }
  const roleOf = (/** @type {string} */ login) => roles.get(login)
  const canTriage = (/** @type {Account} */ a) =>
    a.type === 'Bot' || TRIAGE_ROLES.includes(roleOf(a.login) ?? '')
  const canPush = (/** @type {Account} */ a) =>
    a.type === 'Bot' || PUSH_ROLES.includes(roleOf(a.login) ?? '')
  const association = (/** @type {string} */ login) => {
    const role = roleOf(login)
    return role && role !== 'none' ? 'COLLABORATOR' : 'NONE'
  }
  const noAccess = () => new Refusal(403, 'Must have admin rights to Repository.')
  const tooLong = (/** @type {unknown} */ text) =>
    typeof text === 'string' && text.length > BODY_LIMIT
  const bodyTooLong = (/** @type {string} */ resource) =>
    new Refusal(422, 'Validation Failed', [
      {
        resource,
        field: 'body',
        code: 'custom',
        message: `body is too long (maximum is ${BODY_LIMIT} characters)`
      }
    ])

  /** @param {number} number @param {string} [owner] @param {string} [repo] */
  function findIssue(number, owner, repo) {
    return issues.find(
      (i) =>
        i.number === number &&
        (owner === undefined || i.owner === owner) &&
        (repo === undefined || i.repo === repo)
    )
  }
  function issueOrThrow(/** @type {number} */ number, owner = defaultOwner, repo = defaultRepo) {
    const issue = findIssue(number, owner, repo) ?? findIssue(number)
    if (!issue) throw new Refusal(404, 'Not Found')
    return issue
  }
  /** @param {number} id @param {string} [owner] @param {string} [repo] */
  function commentOrThrow(id, owner, repo) {
    const c = comments.find(
      (x) =>
        x.id === id &&
        (owner === undefined || x.owner === owner) &&
        (repo === undefined || x.repo === repo)
    )
    if (!c) throw new Refusal(404, 'Not Found')
    return c
  }
  const nextNumber = (/** @type {string} */ owner, /** @type {string} */ repo) =>
    issues.reduce(
      (max, i) => (i.owner === owner && i.repo === repo ? Math.max(max, i.number) : max),
      0
    ) + 1

  /**
   * Opens an issue (or a pull request) as `who`.
   * @param {Account} who
   * @param {{ title: unknown, body?: unknown, labels?: unknown, assignees?: unknown,
   *   owner?: string, repo?: string, pullRequest?: boolean }} fields
   */
  function createIssue(who, fields) {
    const owner = fields.owner ?? defaultOwner
    const repo = fields.repo ?? defaultRepo
    if (typeof fields.title !== 'string' || !fields.title.trim())
      throw new Refusal(422, 'Validation Failed', [
        { resource: 'Issue', field: 'title', code: 'missing_field' }
      ])
    if (fields.body !== undefined && fields.body !== null && typeof fields.body !== 'string')
      throw new Refusal(422, 'Validation Failed', [
        { resource: 'Issue', field: 'body', code: 'invalid' }
      ])
    if (tooLong(fields.body)) throw bodyTooLong('Issue')
    // Without triage access GitHub drops labels and assignees rather than refusing the issue.
    const triage = canTriage(who)
    const labels =
      triage && Array.isArray(fields.labels) ? [...new Set(fields.labels.map(String))] : []
    const assignees =
      triage && Array.isArray(fields.assignees) ? [...new Set(fields.assignees.map(String))] : []
    const unassignable = assignees.filter((login) => !TRIAGE_ROLES.includes(roleOf(login) ?? ''))
    if (unassignable.length)
      throw new Refusal(
        422,
        'Validation Failed',
        unassignable.map((value) => ({
          value,
          resource: 'Issue',
          field: 'assignees',
          code: 'invalid'
        }))
      )
    const at = stamp()
    /** @type {StandinIssue} */
    const issue = {
      number: nextNumber(owner, repo),
      id: nextIssueId++,
      title: fields.title,
      body: typeof fields.body === 'string' ? fields.body : '',
      labels,
      assignees,
      state: 'open',
      owner,
      repo,
      created_at: at,
      updated_at: at,
      closed_at: null,
      user: who,
      editor: null,
      last_edited_at: null,
      ...(fields.pullRequest ? { pull_request: true } : {})
    }
    issues.push(issue)
    options.onIssue?.(issue)
    options.log?.(
      `${fields.pullRequest ? 'pull request' : 'issue'} #${issue.number}: ${issue.title}`
    )
    return issue
  }

  /**
   * Changes an issue as `who` (the REST PATCH): a body that changes is an edit by `who`.
   * @param {Account} who
   * @param {StandinIssue} issue
   * @param {{ title?: unknown, body?: unknown, state?: unknown, labels?: unknown }} fields
   */
  function updateIssue(who, issue, fields) {
    const own = account(issue.user).id === who.id
    if ('title' in fields && (typeof fields.title !== 'string' || !fields.title.trim()))
      throw new Refusal(422, 'Validation Failed', [
        { resource: 'Issue', field: 'title', code: 'missing_field' }
      ])
    if ('body' in fields && fields.body !== null && typeof fields.body !== 'string')
      throw new Refusal(422, 'Validation Failed', [
        { resource: 'Issue', field: 'body', code: 'invalid' }
      ])
    if (tooLong(fields.body)) throw bodyTooLong('Issue')
    const changesText = 'title' in fields || 'body' in fields
    const changesMeta = 'state' in fields || 'labels' in fields
    if ((changesText && !own && !canPush(who)) || (changesMeta && !own && !canTriage(who)))
      throw noAccess()
    const at = after(issue.updated_at ?? issue.created_at)
    let changed = false
    if (typeof fields.title === 'string' && fields.title !== issue.title) {
      issue.title = fields.title
      changed = true
      options.log?.(`issue #${issue.number} retitled: ${issue.title}`)
    }
    const body = fields.body === null ? '' : fields.body
    if (typeof body === 'string' && body !== issue.body) {
      issue.body = body
      issue.editor = who
      issue.last_edited_at = at
      changed = true
    }
    if ((fields.state === 'open' || fields.state === 'closed') && fields.state !== issue.state) {
      issue.state = fields.state
      issue.closed_at = fields.state === 'closed' ? at : null
      changed = true
    }
    if (Array.isArray(fields.labels) && canTriage(who)) {
      issue.labels = [...new Set(fields.labels.map(String))]
      changed = true
    }
    if (changed) {
      issue.updated_at = at
      options.onIssue?.(issue)
    }
    return issue
  }

  /** @param {Account} who @param {StandinIssue} issue @param {unknown} labels */
  function addLabels(who, issue, labels) {
    if (!canTriage(who)) throw noAccess()
    const add = Array.isArray(labels) ? labels.map(String) : []
    issue.labels = [...new Set([...issue.labels, ...add])]
    issue.updated_at = after(issue.updated_at ?? issue.created_at)
    options.onIssue?.(issue)
    return issue
  }

  /** @param {Account} who @param {StandinIssue} issue @param {unknown} body */
  function createComment(who, issue, body) {
    if (typeof body !== 'string' || !body)
      throw new Refusal(422, 'Validation Failed', [
        { resource: 'IssueComment', field: 'body', code: 'missing_field' }
      ])
    if (tooLong(body)) throw bodyTooLong('IssueComment')
    const at = stamp()
    /** @type {StandinComment} */
    const comment = {
      id: nextCommentId++,
      issue: issue.number,
      body,
      owner: issue.owner,
      repo: issue.repo,
      user: who,
      created_at: at,
      updated_at: at,
      editor: null,
      last_edited_at: null
    }
    comments.push(comment)
    options.onComment?.(comment)
    options.log?.(`comment on #${issue.number}`)
    return comment
  }

  /** @param {Account} who @param {StandinComment} comment @param {unknown} body */
  function updateComment(who, comment, body) {
    if (typeof body !== 'string' || !body)
      throw new Refusal(422, 'Validation Failed', [
        { resource: 'IssueComment', field: 'body', code: 'missing_field' }
      ])
    if (tooLong(body)) throw bodyTooLong('IssueComment')
    if (account(comment.user).id !== who.id && !canPush(who)) throw noAccess()
    if (body !== comment.body) {
      const at = after(comment.updated_at ?? comment.created_at)
      comment.body = body
      comment.updated_at = at
      comment.editor = who
      comment.last_edited_at = at
      options.onComment?.(comment)
    }
    return comment
  }

  /**
   * A reaction by `who`: `created` false when `who` had already reacted so (GitHub's 200).
   * @param {Account} who @param {StandinComment} comment @param {unknown} content
   */
  function react(who, comment, content) {
    if (typeof content !== 'string' || !REACTIONS.includes(content))
      throw new Refusal(422, 'Validation Failed', [
        { resource: 'Reaction', field: 'content', code: 'invalid' }
      ])
    const existing = reactions.find(
      (r) => r.comment === comment.id && r.content === content && account(r.user).id === who.id
    )
    if (existing) return { reaction: existing, created: false }
    /** @type {StandinReaction} */
    const reaction = {
      id: nextReactionId++,
      comment: comment.id,
      content,
      user: who,
      created_at: stamp()
    }
    reactions.push(reaction)
    return { reaction, created: true }
  }

  /** @param {Account} who @param {string} owner @param {string} repo @param {any} body */
  function createDeployment(who, owner, repo, body) {
    if (!canPush(who)) throw noAccess()
    if (!body || typeof body.ref !== 'string' || !body.ref)
      throw new Refusal(422, 'Validation Failed', [
        { resource: 'Deployment', field: 'ref', code: 'missing_field' }
      ])
    /** @type {StandinDeployment} */
    const deployment = {
      id: nextDeploymentId++,
      owner,
      repo,
      ref: body.ref,
      sha: /^[0-9a-f]{40}$/.test(body.ref) ? body.ref : 'd6cd1e2bd19e03a81132a23b2025920577f84e37',
      task: typeof body.task === 'string' ? body.task : 'deploy',
      environment: typeof body.environment === 'string' ? body.environment : 'production',
      description: typeof body.description === 'string' ? body.description : null,
      created_at: stamp(),
      creator: who
    }
    deployments.push(deployment)
    return deployment
  }

  return {
    issues,
    comments,
    reactions,
    deployments,
    roles,
    accounts,
    account,
    accountFor,
    roleOf,
    association,
    findIssue,
    issueOrThrow,
    commentOrThrow,
    createIssue,
    updateIssue,
    addLabels,
    createComment,
    updateComment,
    react,
    createDeployment,
    /** @param {StandinIssue} i */
    commentCount: (i) =>
      comments.filter((c) => c.issue === i.number && c.owner === i.owner && c.repo === i.repo)
        .length,
    /** @param {number} id */
    reactionsOn: (id) => reactions.filter((r) => r.comment === id),
    /** Ascending ids, as GitHub lists an issue's comments. @param {StandinIssue} i */
    commentsOf: (i) =>
      comments
        .filter((c) => c.issue === i.number && c.owner === i.owner && c.repo === i.repo)
        .sort((a, b) => a.id - b.id),
    /** A whole batch of comments, fast (a long incident). @param {StandinIssue} issue */
    bulkComments(
      /** @type {Account} */ who,
      issue,
      /** @type {number} */ n,
      /** @type {(i: number) => string} */ bodyFn
    ) {
      if (!Number.isInteger(n) || n < 0 || n > MAX_BULK_COMMENTS)
        throw new Error(`addComments: n must be an integer from 0 to ${MAX_BULK_COMMENTS}`)
      /** @type {StandinComment[]} */
      const made = []
      for (let k = 0; k < n; k++) made.push(createComment(who, issue, bodyFn(k)))
      return made
    }
  }
}
