// The stand-in's HTTP side: routing, authentication, scripted failures and the request log, on
// 127.0.0.1 only. Every write is made as the account of the request's token (401 without one or
// with a token the stand-in does not know); reads work without a token, as on a public
// repository. GitHub Enterprise Server paths (`/api/v3/…`, `/api/graphql`) are served too.
//
// Library: startGitHubStandin(options) → the started stand-in: its url, the stored data
// (issues, comments, reactions, deployments, requests), and functions that act as people
// (openIssue, addComment, addComments, editIssueBody, editComment, addReaction,
// openPullRequest), setRole, setFailures, stop. See sandbox/github-standin.js.
import http from 'node:http'
import { ACCOUNTS, TOKENS, defaultTokens } from './accounts.js'
import { answerGraphql } from './graphql.js'
import { markdownWriter } from './markdown.js'
import {
  authenticatedUserJson,
  commentJson,
  deploymentJson,
  errorJson,
  issueJson,
  linkHeader,
  permissionJson,
  reactionJson,
  validationJson
} from './shapes.js'
import { Refusal, createStore } from './store.js'

/** @typedef {import('./accounts.js').Account} Account */

/** Requests kept for inspection (a bound, so a long demo cannot grow without end). */
const MAX_REQUESTS = 10000
const MAX_BODY_BYTES = 1024 * 1024

/**
 * @typedef {object} Failure
 * @property {string} method        'GET', 'POST', … or '*'
 * @property {string} pathPrefix    e.g. '/repos/o/r/issues' (matched against the path without query)
 * @property {number} status        e.g. 500, 403, 404
 * @property {number} [times]       how many requests fail (default 1; Infinity for always)
 * @property {string} [message]     the JSON `message` (default: GitHub's text for the status)
 * @property {Record<string, string>} [headers]  extra response headers (e.g. rate-limit ones)
 */

/**
 * @typedef {object} StandinRequest
 * @property {string} method
 * @property {string} path      path and query, as sent
 * @property {unknown} body     parsed JSON (or the raw text)
 * @property {Record<string, string | string[] | undefined>} headers
 * @property {string | null} login   the account of the token, null without a known one
 */

const STATUS_MESSAGES = {
  401: 'Bad credentials',
  403: 'Resource not accessible by integration',
  404: 'Not Found',
  410: 'Issues are disabled for this repo',
  422: 'Validation Failed',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable'
}

const DOCS = {
  user: 'https://docs.github.com/rest/users/users#get-the-authenticated-user',
  graphql: 'https://docs.github.com/graphql',
  issues: 'https://docs.github.com/rest/issues/issues',
  comments: 'https://docs.github.com/rest/issues/comments',
  rest: 'https://docs.github.com/rest'
}

/** The repository paths, after an optional GHES `/api/v3` prefix. */
const REPO = '^/repos/([^/]+)/([^/]+)'
/** @type {[string, RegExp, string][]} method, path, handler name */
const ROUTES = [
  ['GET', /^\/user$/, 'authenticatedUser'],
  ['POST', /^\/graphql$/, 'graphql'],
  ['GET', new RegExp(`${REPO}/collaborators/([^/]+)/permission$`), 'permission'],
  ['POST', new RegExp(`${REPO}/issues/comments/(\\d+)/reactions$`), 'react'],
  ['GET', new RegExp(`${REPO}/issues/comments/(\\d+)$`), 'getComment'],
  ['PATCH', new RegExp(`${REPO}/issues/comments/(\\d+)$`), 'editComment'],
  ['GET', new RegExp(`${REPO}/deployments/?$`), 'listDeployments'],
  ['POST', new RegExp(`${REPO}/deployments/?$`), 'createDeployment'],
  ['GET', new RegExp(`${REPO}/issues/?$`), 'listIssues'],
  ['POST', new RegExp(`${REPO}/issues/?$`), 'createIssue'],
  ['GET', new RegExp(`${REPO}/issues/(\\d+)$`), 'getIssue'],
  ['PATCH', new RegExp(`${REPO}/issues/(\\d+)$`), 'updateIssue'],
  ['GET', new RegExp(`${REPO}/issues/(\\d+)/comments/?$`), 'listComments'],
  ['POST', new RegExp(`${REPO}/issues/(\\d+)/comments/?$`), 'createComment'],
  ['POST', new RegExp(`${REPO}/issues/(\\d+)/labels/?$`), 'addLabels']
]

/** `?page=&per_page=` as GitHub reads them: per_page 30 by default, at most 100. */
function paging(/** @type {URL} */ url) {
  const page = Math.max(1, Math.floor(Number(url.searchParams.get('page') ?? '1')) || 1)
  const perPage = Math.min(
    100,
    Math.max(1, Math.floor(Number(url.searchParams.get('per_page') ?? '30')) || 30)
  )
  return { page, perPage }
}

/**
 * @param {{ failures?: Failure[], port?: number, out?: string, log?: (line: string) => void,
 *   tokens?: Record<string, string | Account>, now?: () => number }} [options]
 *   tokens: more tokens (token → login or account) beside TOKENS; now: the clock (ms)
 */
export async function startGitHubStandin(options = {}) {
  /** @type {StandinRequest[]} */
  const requests = []
  /** @type {Failure[]} */
  let failures = (options.failures ?? []).map((f) => ({ times: 1, ...f }))
  const writer = options.out ? markdownWriter(options.out) : undefined
  const store = createStore({
    now: options.now,
    onIssue: writer?.issue,
    onComment: writer?.comment,
    log: options.log
  })
  const tokens = defaultTokens()
  for (const [token, who] of Object.entries(options.tokens ?? {}))
    tokens.set(token, typeof who === 'string' ? store.accountFor(who) : store.account(who))
  let base = ''

  /** @type {import('./shapes.js').ShapeContext} */
  const ctx = {
    get base() {
      return base
    },
    account: store.account,
    association: store.association,
    commentCount: store.commentCount,
    reactionsOn: store.reactionsOn
  }
  const issueOut = (/** @type {import('./store.js').StandinIssue} */ i) => issueJson(i, ctx)
  const commentOut = (/** @type {import('./store.js').StandinComment} */ c) => commentJson(c, ctx)

  /**
   * The handlers: each gets the path's captures and the request, and returns
   * [status, json, headers?]; a Refusal thrown becomes GitHub's error answer.
   * @type {Record<string, (m: string[], r: { url: URL, body: any, who: Account | null }) => [number, unknown, Record<string, string>?]>}
   */
  const handlers = {
    authenticatedUser(_m, { who }) {
      if (!who) return [401, errorJson(401, 'Requires authentication', DOCS.user)]
      // An installation token (the workflow's, an App's) has no user to show.
      if (who.type === 'Bot')
        return [
          403,
          { message: 'Resource not accessible by integration', documentation_url: DOCS.user }
        ]
      return [200, authenticatedUserJson(who, base)]
    },
    graphql(_m, { body, who }) {
      if (!who)
        return [
          401,
          {
            message: 'This endpoint requires you to be authenticated.',
            documentation_url:
              'https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql'
          }
        ]
      const { status, json } = answerGraphql(store, who, body, base)
      return [status, json]
    },
    permission([, , , user]) {
      const login = decodeURIComponent(user)
      const role = store.roleOf(login)
      const known = store.accounts.get(login)
      if (!known && role === undefined) return [404, errorJson(404, 'Not Found', DOCS.rest)]
      // An account that is not a collaborator reads a public repository: `read`.
      return [200, permissionJson(known ?? store.accountFor(login), role ?? 'read', base)]
    },
    react([, owner, repo, id], { body, who }) {
      const comment = store.commentOrThrow(Number(id), owner, repo)
      const { reaction, created } = store.react(mustBe(who), comment, body?.content)
      return [created ? 201 : 200, reactionJson(reaction, base)]
    },
    getComment([, owner, repo, id]) {
      return [200, commentOut(store.commentOrThrow(Number(id), owner, repo))]
    },
    editComment([, owner, repo, id], { body, who }) {
      const comment = store.commentOrThrow(Number(id), owner, repo)
      return [200, commentOut(store.updateComment(mustBe(who), comment, body?.body))]
    },
    listDeployments([, owner, repo], { url }) {
      const { page, perPage } = paging(url)
      const filters = ['environment', 'sha', 'ref', 'task']
        .map((k) => [k, url.searchParams.get(k)])
        .filter(([, v]) => v !== null)
      const list = store.deployments
        .filter((d) => d.owner === owner && d.repo === repo)
        .filter((d) => filters.every(([k, v]) => d[/** @type {'sha'} */ (k)] === v))
        .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at) || b.id - a.id)
      return pageOf(list, url, page, perPage, (d) =>
        deploymentJson(d, base, d.creator ?? ACCOUNTS.ACTION_BOT)
      )
    },
    createDeployment([, owner, repo], { body, who }) {
      const d = store.createDeployment(mustBe(who), owner, repo, body)
      return [201, deploymentJson(d, base, d.creator ?? ACCOUNTS.ACTION_BOT)]
    },
    listIssues([, owner, repo], { url }) {
      const { page, perPage } = paging(url)
      const state = url.searchParams.get('state') ?? 'open'
      const creator = url.searchParams.get('creator')
      const labels = (url.searchParams.get('labels') ?? '').split(',').filter(Boolean)
      const sort = url.searchParams.get('sort') ?? 'created'
      const asc = url.searchParams.get('direction') === 'asc'
      const key = (/** @type {import('./store.js').StandinIssue} */ i) =>
        sort === 'updated'
          ? Date.parse(i.updated_at ?? i.created_at) || 0
          : sort === 'comments'
            ? store.commentCount(i)
            : i.number
      const list = store.issues
        .filter((i) => i.owner === owner && i.repo === repo)
        .filter((i) => state === 'all' || i.state === state)
        .filter((i) => creator === null || store.account(i.user).login === creator)
        .filter((i) => labels.every((l) => i.labels.includes(l)))
        .sort((a, b) => (asc ? 1 : -1) * (key(a) - key(b) || a.number - b.number))
      return pageOf(list, url, page, perPage, issueOut)
    },
    createIssue([, owner, repo], { body, who }) {
      const issue = store.createIssue(mustBe(who), { ...(body ?? {}), owner, repo })
      const json = issueOut(issue)
      return [201, json, { location: json.url }]
    },
    getIssue([, owner, repo, n]) {
      return [200, issueOut(store.issueOrThrow(Number(n), owner, repo))]
    },
    updateIssue([, owner, repo, n], { body, who }) {
      const issue = store.issueOrThrow(Number(n), owner, repo)
      return [200, issueOut(store.updateIssue(mustBe(who), issue, body ?? {}))]
    },
    listComments([, owner, repo, n], { url }) {
      const { page, perPage } = paging(url)
      const issue = store.issueOrThrow(Number(n), owner, repo)
      return pageOf(store.commentsOf(issue), url, page, perPage, commentOut)
    },
    createComment([, owner, repo, n], { body, who }) {
      const issue = store.issueOrThrow(Number(n), owner, repo)
      const json = commentOut(store.createComment(mustBe(who), issue, body?.body))
      return [201, json, { location: json.url }]
    },
    addLabels([, owner, repo, n], { body, who }) {
      const issue = store.issueOrThrow(Number(n), owner, repo)
      const add = Array.isArray(body) ? body : body?.labels
      return [200, issueOut(store.addLabels(mustBe(who), issue, add)).labels]
    }
  }

  /** @template T @param {T[]} list @param {URL} url @param {number} page @param {number} perPage @param {(x: T) => unknown} shape */
  function pageOf(list, url, page, perPage, shape) {
    const link = linkHeader(base, url, page, perPage, list.length)
    return /** @type {[number, unknown, Record<string, string>?]} */ ([
      200,
      list.slice((page - 1) * perPage, page * perPage).map(shape),
      link ? { link } : {}
    ])
  }
  /** @param {Account | null} who */
  function mustBe(who) {
    if (!who) throw new Refusal(401, 'Requires authentication')
    return who
  }

  const server = http.createServer((req, res) => {
    const chunks = []
    let size = 0
    req.on('data', (chunk) => {
      size += chunk.length
      if (size <= MAX_BODY_BYTES) chunks.push(chunk)
    })
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8')
      let body
      try {
        body = raw ? JSON.parse(raw) : null
      } catch {
        body = raw
      }
      const url = new URL(req.url ?? '/', 'http://127.0.0.1')
      const method = req.method ?? 'GET'
      const auth = /^(?:token|bearer)\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''))
      const presented = req.headers.authorization !== undefined
      const who = auth ? (tokens.get(auth[1]) ?? null) : null
      if (requests.length < MAX_REQUESTS)
        requests.push({
          method,
          path: url.pathname + url.search,
          body,
          headers: { ...req.headers },
          login: who?.login ?? null
        })
      const send = (
        /** @type {number} */ status,
        /** @type {unknown} */ json,
        /** @type {Record<string, string>} */ headers = {}
      ) => {
        res.writeHead(status, {
          'content-type': 'application/json; charset=utf-8',
          'x-ratelimit-limit': '5000',
          'x-ratelimit-remaining': '4999',
          'x-github-media-type': 'github.v3; format=json',
          ...headers
        })
        res.end(json === undefined ? '' : JSON.stringify(json))
      }

      const failure = failures.find(
        (f) =>
          (f.times ?? 1) > 0 &&
          (f.method === '*' || f.method.toUpperCase() === method) &&
          url.pathname.startsWith(f.pathPrefix)
      )
      if (failure) {
        failure.times = (failure.times ?? 1) - 1
        const message = failure.message ?? STATUS_MESSAGES[failure.status] ?? 'Error'
        return send(failure.status, errorJson(failure.status, message), failure.headers ?? {})
      }
      // A token GitHub does not know is refused on every request, reads included.
      if (presented && !who) return send(401, errorJson(401, 'Bad credentials', DOCS.rest))

      const pathname = url.pathname
        .replace(/^\/api\/v3(?=\/)/, '')
        .replace(/^\/api\/graphql$/, '/graphql')
      const route = ROUTES.find(([m, re]) => m === method && re.test(pathname))
      if (!route) return send(404, errorJson(404, 'Not Found', DOCS.rest))
      const isWrite = method !== 'GET' && method !== 'HEAD'
      if (isWrite && !who && route[2] !== 'graphql')
        return send(401, errorJson(401, 'Requires authentication', DOCS.rest))
      try {
        const match = /** @type {string[]} */ (route[1].exec(pathname))
        const [status, json, headers] = handlers[route[2]](match, { url, body, who })
        send(status, json, headers)
      } catch (e) {
        if (!(e instanceof Refusal)) {
          options.log?.(`stand-in error on ${method} ${url.pathname}: ${e}`)
          return send(500, errorJson(500, 'Internal Server Error'))
        }
        const docs = route[2].includes('omment') ? DOCS.comments : DOCS.issues
        send(
          e.status,
          e.errors ? validationJson(e.errors, docs) : errorJson(e.status, e.apiMessage, docs)
        )
      }
    })
  })

  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve(undefined))
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  base = `http://127.0.0.1:${port}`

  const issueNumbered = (/** @type {number} */ n) => store.issueOrThrow(n)
  /** @param {number} id */
  const commentWithId = (id) => {
    const c = store.comments.find((x) => x.id === id)
    if (!c) throw new Error(`no comment ${id}`)
    return c
  }

  return {
    url: base,
    port,
    /** @type {StandinRequest[]} */
    requests,
    issues: store.issues,
    comments: store.comments,
    reactions: store.reactions,
    deployments: store.deployments,
    /** The account the workflow's token writes as. */
    viewer: ACCOUNTS.ACTION_BOT,
    /** token → account, the defaults (TOKENS) and options.tokens. */
    tokens,
    /** The account of a login (a new User, or Bot for `…[bot]`, with a stable id if unknown). */
    account: (/** @type {string} */ login) => store.accountFor(login),
    /**
     * A repository role (undefined: not a collaborator; permission then answers 200 `read` for
     * an account that exists, 404 for an unknown login).
     * @param {string} login
     * @param {'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none' | undefined} role
     */
    setRole(login, role) {
      if (role === undefined) store.roles.delete(login)
      else {
        store.accountFor(login)
        store.roles.set(login, role)
      }
    },
    /**
     * Opens an issue as `login` (default maria): what GitHub stores when that person opens one.
     * Labels and assignees are dropped for someone without triage access, as on GitHub.
     * @param {{ title: string, body?: string, login?: string, labels?: string[], assignees?: string[], owner?: string, repo?: string }} i
     */
    openIssue(i) {
      const who = store.accountFor(i.login ?? ACCOUNTS.MAINTAINER.login)
      return issueOut(store.createIssue(who, i))
    },
    /** A pull request opened by `login`: the issues API lists it, with a `pull_request` key. */
    openPullRequest(
      /** @type {{ title: string, body?: string, login?: string, owner?: string, repo?: string }} */ p
    ) {
      const who = store.accountFor(p.login ?? ACCOUNTS.MAINTAINER.login)
      return issueOut(store.createIssue(who, { ...p, pullRequest: true }))
    },
    /**
     * A comment by someone (default maria), as GitHub stores it: addComment(issue, body, login),
     * or the older addComment({ issue, body, user: { login, type } }).
     * @param {number | { issue: number, body: string, user: { login: string, type?: string }, owner?: string, repo?: string }} issueOrComment
     * @param {string} [body]
     * @param {string} [login]
     */
    addComment(issueOrComment, body, login = ACCOUNTS.MAINTAINER.login) {
      if (typeof issueOrComment === 'object') {
        const c = issueOrComment
        const issue = store.issueOrThrow(c.issue, c.owner, c.repo)
        const type = c.user.type === 'Bot' || c.user.type === 'User' ? c.user.type : undefined
        return commentOut(store.createComment(store.accountFor(c.user.login, type), issue, c.body))
      }
      const issue = store.issueOrThrow(issueOrComment)
      return commentOut(store.createComment(store.accountFor(login), issue, body))
    },
    /**
     * n comments by `login` at once (a long incident); bodyFn(k) is the k-th body (from 0).
     * @param {number} issueNumber @param {number} n @param {string} [login]
     * @param {(k: number) => string} [bodyFn]
     */
    addComments(
      issueNumber,
      n,
      login = ACCOUNTS.MAINTAINER.login,
      bodyFn = (k) => `comment ${k + 1}`
    ) {
      const issue = store.issueOrThrow(issueNumber)
      return store.bulkComments(store.accountFor(login), issue, n, bodyFn).map(commentOut)
    },
    /** `login` replaces an issue's body: an edit (GraphQL editor, lastEditedAt). */
    editIssueBody(
      /** @type {number} */ number,
      /** @type {string} */ body,
      /** @type {string} */ login
    ) {
      return issueOut(store.updateIssue(store.accountFor(login), issueNumbered(number), { body }))
    },
    /** `login` replaces a comment's body (updated_at moves). */
    editComment(/** @type {number} */ id, /** @type {string} */ body, /** @type {string} */ login) {
      return commentOut(store.updateComment(store.accountFor(login), commentWithId(id), body))
    },
    /** `login` reacts to a comment: { created } false when that account had already. */
    addReaction(
      /** @type {number} */ commentId,
      /** @type {string} */ content,
      /** @type {string} */ login
    ) {
      const { reaction, created } = store.react(
        store.accountFor(login),
        commentWithId(commentId),
        content
      )
      return { ...reactionJson(reaction, base), created }
    },
    /** The issue as GitHub's REST API shows it (for building an event payload). */
    issueJson(/** @type {number} */ number) {
      const issue = store.findIssue(number)
      return issue ? issueOut(issue) : undefined
    },
    /** The comment as GitHub's REST API shows it. */
    commentJson(/** @type {number} */ id) {
      const c = store.comments.find((x) => x.id === id)
      return c ? commentOut(c) : undefined
    },
    /** @param {Failure[]} next */
    setFailures(next) {
      failures = next.map((f) => ({ times: 1, ...f }))
    },
    /** @returns {Promise<void>} */
    stop() {
      return new Promise((resolve) => {
        server.closeAllConnections?.()
        server.close(() => resolve(undefined))
      })
    }
  }
}

export { ACCOUNTS, TOKENS }
