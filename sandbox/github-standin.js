// A stand-in for the GitHub REST API endpoints the action uses (issues, comments, labels, titles,
// and the deployments a replay lists), on 127.0.0.1 only, in memory, answering with GitHub-shaped
// JSON. Scripted failures (a 500 once, a 403, a 404) exercise the client's retries and error
// messages through the real Octokit.
//
// Also the endpoints mode command uses: a collaborator's permission (roles set by the test with
// setRole) and reactions on issue comments (201 when added, 200 when this account already had).
// Writes are made as one account (`viewer`, default github-actions[bot]); addComment() posts as
// anyone else (a person commenting on the issue).
//
// Library: startGitHubStandin({ failures }) → { url, requests, issues, comments, reactions,
//   deployments, setRole, addComment, setFailures, stop }
// CLI (the demo): node sandbox/github-standin.js --port N --out DIR
//   writes each issue and comment as a Markdown file into DIR.
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

/** GitHub's limit for an issue body or a comment. */
const BODY_LIMIT = 65536
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
 * @typedef {object} StandinIssue
 * @property {number} number
 * @property {string} title
 * @property {string} body
 * @property {string[]} labels
 * @property {string[]} assignees
 * @property {'open' | 'closed'} state
 * @property {string} owner
 * @property {string} repo
 * @property {string} created_at
 * @property {{ login: string, type: string }} [user]   who opened it (default: the viewer)
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
 */

/**
 * @typedef {object} StandinComment
 * @property {number} id
 * @property {number} issue
 * @property {string} body
 * @property {string} owner
 * @property {string} repo
 * @property {{ login: string, type: string }} [user]   who wrote it (default: the viewer)
 * @property {string} [created_at]
 */

/**
 * @typedef {object} StandinReaction
 * @property {number} id
 * @property {number} comment
 * @property {string} content
 * @property {{ login: string, type: string }} user
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

/** GitHub's repository roles and how the permission field folds them (maintain → write, triage → read). */
const FOLDED = {
  admin: 'admin',
  maintain: 'write',
  write: 'write',
  triage: 'read',
  read: 'read',
  none: 'none'
}
const REACTIONS = ['+1', '-1', 'laugh', 'confused', 'heart', 'hooray', 'rocket', 'eyes']

/**
 * @param {{ failures?: Failure[], port?: number, out?: string, log?: (line: string) => void,
 *   viewer?: { login: string, type: string } }} [options]
 */
export async function startGitHubStandin(options = {}) {
  /** @type {{ method: string, path: string, body: unknown, headers: Record<string, string | string[] | undefined> }[]} */
  const requests = []
  /** @type {StandinIssue[]} */
  const issues = []
  /** @type {StandinComment[]} */
  const comments = []
  /** @type {StandinReaction[]} */
  const reactions = []
  /** @type {Map<string, string>} login → role (admin, maintain, write, triage, read, none) */
  const roles = new Map()
  const viewer = options.viewer ?? { login: 'github-actions[bot]', type: 'Bot' }
  let nextReactionId = 1
  /** @type {StandinDeployment[]} */
  const deployments = []
  /** @type {Failure[]} */
  let failures = (options.failures ?? []).map((f) => ({ times: 1, ...f }))
  let nextCommentId = 1000
  const out = options.out
  if (out) fs.mkdirSync(out, { recursive: true })
  let baseUrl = ''

  const userJson = (/** @type {{ login: string, type: string }} */ u) => ({
    login: u.login,
    id: Math.abs([...u.login].reduce((h, c) => (h * 31 + c.charCodeAt(0)) | 0, 7)),
    type: u.type,
    site_admin: false,
    html_url: `https://github.com/${u.login}`
  })
  const issueJson = (/** @type {StandinIssue} */ i) => ({
    id: i.number,
    user: userJson(i.user ?? viewer),
    number: i.number,
    html_url: `${baseUrl}/${i.owner}/${i.repo}/issues/${i.number}`,
    url: `${baseUrl}/repos/${i.owner}/${i.repo}/issues/${i.number}`,
    title: i.title,
    body: i.body,
    state: i.state,
    labels: i.labels.map((name) => ({ name })),
    assignees: i.assignees.map((login) => ({ login })),
    created_at: i.created_at,
    comments: comments.filter((c) => c.issue === i.number && c.owner === i.owner).length
  })
  const commentJson = (/** @type {StandinComment} */ c) => ({
    id: c.id,
    html_url: `${baseUrl}/${c.owner}/${c.repo}/issues/${c.issue}#issuecomment-${c.id}`,
    issue_url: `${baseUrl}/repos/${c.owner}/${c.repo}/issues/${c.issue}`,
    body: c.body,
    user: userJson(c.user ?? viewer),
    created_at: c.created_at ?? '',
    updated_at: c.created_at ?? '',
    author_association: roles.has((c.user ?? viewer).login) ? 'MEMBER' : 'NONE'
  })

  // ---- Deployments: GET (filtered by environment, sha, ref, task; newest first; paged) and
  // POST (creates one, as the real API does), in GitHub's shapes. Tests may also push into
  // `deployments` directly (created_at set by hand, for history).
  let nextDeploymentId = 500
  const deploymentJson = (/** @type {StandinDeployment} */ d) => ({
    url: `${baseUrl}/repos/${d.owner}/${d.repo}/deployments/${d.id}`,
    id: d.id,
    node_id: `DE_${d.id}`,
    sha: d.sha,
    ref: d.ref,
    task: d.task,
    payload: {},
    original_environment: d.environment,
    environment: d.environment,
    description: d.description,
    creator: { login: 'github-actions[bot]', id: 41898282, type: 'Bot' },
    created_at: d.created_at,
    updated_at: d.created_at,
    statuses_url: `${baseUrl}/repos/${d.owner}/${d.repo}/deployments/${d.id}/statuses`,
    repository_url: `${baseUrl}/repos/${d.owner}/${d.repo}`,
    transient_environment: false,
    production_environment: d.environment === 'production'
  })
  function deploymentsEndpoint(match, method, url, body, send, fail) {
    const [, owner, repo] = match
    if (method === 'GET') {
      const page = Math.max(1, Number(url.searchParams.get('page') ?? '1') || 1)
      const perPage = Math.min(
        100,
        Math.max(1, Number(url.searchParams.get('per_page') ?? '30') || 30)
      )
      const filters = ['environment', 'sha', 'ref', 'task']
        .map((k) => [k, url.searchParams.get(k)])
        .filter(([, v]) => v !== null)
      const list = deployments
        .filter((d) => d.owner === owner && d.repo === repo)
        .filter((d) => filters.every(([k, v]) => d[k] === v))
        .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at) || b.id - a.id)
      return send(200, list.slice((page - 1) * perPage, page * perPage).map(deploymentJson))
    }
    if (method === 'POST') {
      if (!body || typeof body.ref !== 'string' || !body.ref)
        return fail(422, 'Validation Failed: ref is missing')
      const deployment = {
        id: nextDeploymentId++,
        owner,
        repo,
        ref: body.ref,
        sha: /^[0-9a-f]{40}$/.test(body.ref)
          ? body.ref
          : 'd6cd1e2bd19e03a81132a23b2025920577f84e37',
        task: typeof body.task === 'string' ? body.task : 'deploy',
        environment: typeof body.environment === 'string' ? body.environment : 'production',
        description: typeof body.description === 'string' ? body.description : null,
        created_at: new Date().toISOString().replace(/\.\d+Z$/, 'Z')
      }
      deployments.push(deployment)
      return send(201, deploymentJson(deployment))
    }
    return fail(404, 'Not Found')
  }
  // ---- end of Deployments ------------------------------------------------------------------

  const writeIssueFile = (/** @type {StandinIssue} */ i) => {
    if (!out) return
    const text = `# #${i.number} ${i.title}\n\nLabels: ${i.labels.join(', ') || '—'} · Assignees: ${i.assignees.join(', ') || '—'} · State: ${i.state}\n\n---\n\n${i.body}\n`
    fs.writeFileSync(path.join(out, `issue-${i.number}.md`), text)
  }
  const writeCommentFile = (/** @type {StandinComment} */ c) => {
    if (!out) return
    fs.writeFileSync(path.join(out, `issue-${c.issue}-comment-${c.id}.md`), `${c.body}\n`)
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
      if (requests.length < MAX_REQUESTS)
        requests.push({
          method,
          path: url.pathname + url.search,
          body,
          headers: { ...req.headers }
        })
      const send = (status, json, headers = {}) => {
        res.writeHead(status, {
          'content-type': 'application/json; charset=utf-8',
          'x-ratelimit-remaining': '4999',
          ...headers
        })
        res.end(json === undefined ? '' : JSON.stringify(json))
      }
      const fail = (status, message) =>
        send(status, { message, documentation_url: 'https://docs.github.com/rest' })

      const failure = failures.find(
        (f) =>
          (f.times ?? 1) > 0 &&
          (f.method === '*' || f.method.toUpperCase() === method) &&
          url.pathname.startsWith(f.pathPrefix)
      )
      if (failure) {
        failure.times = (failure.times ?? 1) - 1
        const message = failure.message ?? STATUS_MESSAGES[failure.status] ?? 'Error'
        return send(
          failure.status,
          { message, documentation_url: 'https://docs.github.com/rest' },
          failure.headers ?? {}
        )
      }

      const perm = /^\/repos\/([^/]+)\/([^/]+)\/collaborators\/([^/]+)\/permission$/.exec(
        url.pathname
      )
      if (perm && method === 'GET') {
        const login = decodeURIComponent(perm[3])
        const role = roles.get(login)
        // Not a collaborator: 404 (some plans answer `none` instead: setRole(login, 'none')).
        if (role === undefined) return fail(404, 'Not Found')
        return send(200, {
          permission: FOLDED[role] ?? 'none',
          role_name: role,
          user: { ...userJson({ login, type: 'User' }), role_name: role }
        })
      }
      const react = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)\/reactions$/.exec(
        url.pathname
      )
      if (react && method === 'POST') {
        const comment = comments.find(
          (c) => c.id === Number(react[3]) && c.owner === react[1] && c.repo === react[2]
        )
        if (!comment) return fail(404, 'Not Found')
        const content = body?.content
        if (!REACTIONS.includes(content))
          return fail(422, `Validation Failed: content must be one of ${REACTIONS.join(', ')}`)
        const existing = reactions.find(
          (r) => r.comment === comment.id && r.content === content && r.user.login === viewer.login
        )
        const reaction = existing ?? {
          id: nextReactionId++,
          comment: comment.id,
          content,
          user: viewer
        }
        if (!existing) reactions.push(reaction)
        return send(existing ? 200 : 201, {
          id: reaction.id,
          node_id: `REA_${reaction.id}`,
          user: userJson(reaction.user),
          content: reaction.content,
          created_at: new Date().toISOString()
        })
      }
      // ---- Deployments (mode replay lists them) -----------------------------------------
      const deploymentsPath = /^\/repos\/([^/]+)\/([^/]+)\/deployments\/?$/.exec(url.pathname)
      if (deploymentsPath)
        return deploymentsEndpoint(deploymentsPath, method, url, body, send, fail)
      // ---- end of Deployments --------------------------------------------------------------

      const m = /^\/repos\/([^/]+)\/([^/]+)\/issues(?:\/(\d+))?(?:\/(comments|labels))?\/?$/.exec(
        url.pathname
      )
      if (!m) return fail(404, 'Not Found')
      const [, owner, repo, numText, sub] = m
      const num = numText ? Number(numText) : undefined
      const find = () =>
        issues.find((i) => i.number === num && i.owner === owner && i.repo === repo)
      const page = Math.max(1, Number(url.searchParams.get('page') ?? '1') || 1)
      const perPage = Math.min(
        100,
        Math.max(1, Number(url.searchParams.get('per_page') ?? '30') || 30)
      )
      const paged = (list) => list.slice((page - 1) * perPage, page * perPage)
      const tooLong = (text) => typeof text === 'string' && text.length > BODY_LIMIT

      if (num === undefined && !sub) {
        if (method === 'GET') {
          const state = url.searchParams.get('state') ?? 'open'
          const list = issues
            .filter((i) => i.owner === owner && i.repo === repo)
            .filter((i) => state === 'all' || i.state === state)
            .sort((a, b) => b.number - a.number)
          return send(200, paged(list).map(issueJson))
        }
        if (method === 'POST') {
          if (!body || typeof body.title !== 'string' || !body.title)
            return fail(422, 'Validation Failed: title is missing')
          if (tooLong(body.body))
            return fail(
              422,
              `Validation Failed: body is too long (maximum is ${BODY_LIMIT} characters)`
            )
          const issue = {
            number: issues.length + 1,
            title: body.title,
            body: typeof body.body === 'string' ? body.body : '',
            labels: Array.isArray(body.labels) ? [...new Set(body.labels.map(String))] : [],
            assignees: Array.isArray(body.assignees) ? body.assignees.map(String) : [],
            state: 'open',
            owner,
            repo,
            created_at: new Date().toISOString(),
            user: viewer
          }
          issues.push(issue)
          writeIssueFile(issue)
          options.log?.(`issue #${issue.number}: ${issue.title}`)
          return send(201, issueJson(issue))
        }
        return fail(404, 'Not Found')
      }
      const issue = find()
      if (!issue) return fail(404, 'Not Found')
      if (!sub) {
        if (method === 'GET') return send(200, issueJson(issue))
        if (method === 'PATCH') {
          if (body && 'title' in body && (typeof body.title !== 'string' || !body.title.trim()))
            return fail(422, 'Validation Failed: title is missing')
          if (body && typeof body.title === 'string' && body.title !== issue.title) {
            issue.title = body.title
            options.log?.(`issue #${issue.number} retitled: ${issue.title}`)
          }
          if (body && typeof body.body === 'string') {
            if (tooLong(body.body)) return fail(422, 'Validation Failed: body is too long')
            issue.body = body.body
          }
          if (body && (body.state === 'open' || body.state === 'closed')) issue.state = body.state
          if (body && Array.isArray(body.labels))
            issue.labels = [...new Set(body.labels.map(String))]
          writeIssueFile(issue)
          return send(200, issueJson(issue))
        }
        return fail(404, 'Not Found')
      }
      if (sub === 'comments') {
        if (method === 'GET') {
          const list = comments.filter((c) => c.issue === issue.number && c.owner === owner)
          return send(200, paged(list).map(commentJson))
        }
        if (method === 'POST') {
          if (!body || typeof body.body !== 'string' || !body.body)
            return fail(422, 'Validation Failed: body is missing')
          if (tooLong(body.body))
            return fail(
              422,
              `Validation Failed: body is too long (maximum is ${BODY_LIMIT} characters)`
            )
          const comment = {
            id: nextCommentId++,
            issue: issue.number,
            body: body.body,
            owner,
            repo,
            user: viewer,
            created_at: new Date().toISOString()
          }
          comments.push(comment)
          writeCommentFile(comment)
          options.log?.(`comment on #${issue.number}`)
          return send(201, commentJson(comment))
        }
        return fail(404, 'Not Found')
      }
      if (sub === 'labels' && method === 'POST') {
        const add = Array.isArray(body) ? body : Array.isArray(body?.labels) ? body.labels : []
        issue.labels = [...new Set([...issue.labels, ...add.map(String)])]
        writeIssueFile(issue)
        return send(
          200,
          issue.labels.map((name) => ({ name }))
        )
      }
      return fail(404, 'Not Found')
    })
  })

  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve(undefined))
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  baseUrl = `http://127.0.0.1:${port}`

  return {
    url: baseUrl,
    port,
    requests,
    issues,
    comments,
    reactions,
    viewer,
    /**
     * What GET …/collaborators/{login}/permission answers for this login (undefined: 404).
     * @param {string} login
     * @param {'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none' | undefined} role
     */
    setRole(login, role) {
      if (role === undefined) roles.delete(login)
      else roles.set(login, role)
    },
    /**
     * A comment by someone other than the action (a person, another bot), as GitHub stores it.
     * @param {{ issue: number, body: string, user: { login: string, type?: string }, owner?: string, repo?: string }} c
     */
    addComment(c) {
      const issue = issues.find((i) => i.number === c.issue)
      if (!issue) throw new Error(`no issue #${c.issue}`)
      const comment = {
        id: nextCommentId++,
        issue: c.issue,
        body: c.body,
        owner: c.owner ?? issue.owner,
        repo: c.repo ?? issue.repo,
        user: { login: c.user.login, type: c.user.type ?? 'User' },
        created_at: new Date().toISOString()
      }
      comments.push(comment)
      writeCommentFile(comment)
      return commentJson(comment)
    },
    /** The issue as GitHub's REST API shows it (for building an event payload). */
    issueJson(number) {
      const issue = issues.find((i) => i.number === number)
      return issue ? issueJson(issue) : undefined
    },
    deployments,
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

function parseArgs(argv) {
  const args = { port: 0, out: '' }
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--port') args.port = Number(argv[++i])
    else if (argv[i] === '--out') args.out = argv[++i] ?? ''
    else throw new Error(`unknown argument '${argv[i]}': use --port N --out DIR`)
  }
  if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535)
    throw new Error('--port must be a port number (0 = any free port)')
  return args
}

async function main() {
  const args = parseArgs(process.argv.slice(2))
  const standin = await startGitHubStandin({
    port: args.port,
    out: args.out || undefined,
    log: (line) => console.log(line)
  })
  console.log(
    `github stand-in listening on ${standin.url}${args.out ? `, writing to ${args.out}` : ''}`
  )
  const stop = async () => {
    await standin.stop()
    process.exit(0)
  }
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : String(e))
    process.exit(2)
  })
}
