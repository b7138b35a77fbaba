// The GitHub REST client: one Octokit (from @actions/github, so GHES and the runner's proxy
// settings are honoured) with the retry and throttling plugins, composed here and nowhere else.
// Every failure becomes a GitHubError that says the status, the route and what to change. What
// the action writes, and when, is the report's business (report/issue.ts).
import { getOctokit } from '@actions/github'
import { retry } from '@octokit/plugin-retry'
import { throttling, type ThrottlingOptions } from '@octokit/plugin-throttling'

export interface GitHubOptions {
  token: string
  /** REST base URL (GITHUB_API_URL; GitHub Enterprise Server honoured). */
  apiUrl: string
  owner: string
  repo: string
  /** Retries of a 5xx answer (the retry plugin). Default 3. */
  retries?: number
  /** Base of the retry delays in ms: retry n waits n² × base; rate limits wait retry-after × base. Default 1000. */
  retryAfterBaseMs?: number
  /**
   * Minimum time between two writes. Default: the throttling plugin's spacing, 1 s between writes
   * and 3 s between writes that notify (issues, comments), as GitHub advises. Tests pass 0.
   */
  writeSpacingMs?: number
  /** Pages of 100 open issues searched by findOpenIssue. Default 10. */
  maxPages?: number
  /** Time limit of one operation, retries included, in ms. Default 60 s. */
  timeoutMs?: number
  /** Where the plugins' warnings go (rate limits, retries). */
  log?: (line: string) => void
}

export interface IssueInfo {
  number: number
  url: string
  title: string
  body: string
  labels: string[]
  state: string
  /** The login that opened it (for the incident: the account the action writes as). */
  author?: string
}

export interface CommentInfo {
  id: number
  url: string
  body: string
  /** The login that wrote it. */
  author?: string
}

/** GET /repos/{owner}/{repo}/collaborators/{username}/permission, as GitHub answers it. */
export interface PermissionInfo {
  /** admin, write, read or none: maintain reads as write, triage as read. */
  permission: string
  /** The real role: admin, maintain, write, triage, read, or an organisation's custom role. */
  role_name?: string
}

/** The reactions a comment can carry (GitHub's fixed set). */
export type ReactionContent =
  '+1' | '-1' | 'laugh' | 'confused' | 'heart' | 'hooray' | 'rocket' | 'eyes'

/** A deployment as the Deployments API lists it (the fields a replay reads). */
export interface DeploymentInfo {
  id: number
  sha: string
  ref: string
  environment: string
  /** Epoch ms of created_at. */
  createdAt: number
}

export interface NewIssue {
  title: string
  body: string
  labels: string[]
  assignees: string[]
}

export interface GitHub {
  readonly owner: string
  readonly repo: string
  /** The newest open issue (not a pull request) that `matches`, if any. */
  findOpenIssue(matches: (issue: IssueInfo) => boolean): Promise<IssueInfo | undefined>
  listComments(issueNumber: number): Promise<CommentInfo[]>
  createIssue(issue: NewIssue): Promise<IssueInfo>
  comment(issueNumber: number, body: string): Promise<CommentInfo>
  addLabels(issueNumber: number, labels: string[]): Promise<void>
  /** Renames the issue (PATCH with `title` only: the action never edits bodies or closes issues). */
  setTitle(issueNumber: number, title: string): Promise<void>
  /** The user's permission on the repository; null when GitHub answers 404 (no such collaborator). */
  getPermission(username: string): Promise<PermissionInfo | null>
  /**
   * Reacts to an issue comment. `created: false` when this account had already added that
   * reaction (GitHub answers 200 instead of 201).
   */
  addReaction(commentId: number, content: ReactionContent): Promise<{ created: boolean }>
  /** The newest `count` deployments of an environment (at most 100), newest first. */
  listDeployments(environment: string, count: number): Promise<DeploymentInfo[]>
}

/** An API failure: `GitHub API 403 on POST /repos/o/r/issues: Resource not accessible by integration (the token needs issues: write)` */
export class GitHubError extends Error {
  constructor(
    readonly status: number,
    readonly method: string,
    readonly path: string,
    readonly apiMessage: string,
    readonly hint: string
  ) {
    super(
      `GitHub API ${status || 'request failed'} on ${method} ${path}: ${apiMessage}${hint ? ` (${hint})` : ''}`
    )
    this.name = 'GitHubError'
  }
}

/** Rate-limit retries (primary and secondary) before giving up. */
const RATE_LIMIT_RETRIES = 2
const PER_PAGE = 100
const COMMENT_PAGES = 5

type Octokit = ReturnType<typeof getOctokit>

interface ApiUser {
  login?: string
}

interface ApiIssue {
  number: number
  html_url: string
  user?: ApiUser | null
  title?: string
  body?: string | null
  state?: string
  labels?: (string | { name?: string })[]
  pull_request?: unknown
}

interface ApiDeployment {
  id: number
  sha?: string
  ref?: string
  environment?: string
  created_at?: string
}

interface ApiComment {
  id: number
  html_url: string
  body?: string | null
  user?: ApiUser | null
}

export function createGitHub(options: GitHubOptions): GitHub {
  const { owner, repo } = options
  const base = options.retryAfterBaseMs ?? 1000
  const maxPages = options.maxPages ?? 10
  const timeoutMs = options.timeoutMs ?? 60_000
  const warn = options.log ?? (() => {})
  const throttle: ThrottlingOptions = {
    retryAfterBaseValue: base,
    onRateLimit: (
      retryAfter: number,
      opts: { method: string; url: string },
      _o: unknown,
      count: number
    ) => {
      warn(
        `GitHub rate limit on ${opts.method} ${opts.url}: retry ${count + 1} after ${retryAfter}s`
      )
      return count < RATE_LIMIT_RETRIES
    },
    onSecondaryRateLimit: (
      retryAfter: number,
      opts: { method: string; url: string },
      _o: unknown,
      count: number
    ) => {
      warn(
        `GitHub secondary rate limit on ${opts.method} ${opts.url}: retry ${count + 1} after ${retryAfter}s`
      )
      return count < RATE_LIMIT_RETRIES
    }
  }
  if (options.writeSpacingMs !== undefined)
    Object.assign(throttle, {
      write: spacedGroup(options.writeSpacingMs),
      notifications: spacedGroup(options.writeSpacingMs)
    })
  const octokit: Octokit = getOctokit(
    options.token,
    {
      baseUrl: options.apiUrl.replace(/\/+$/, ''),
      retry: { retries: options.retries ?? 3, retryAfterBaseValue: base },
      throttle,
      log: { debug: () => {}, info: () => {}, warn, error: warn }
    },
    retry,
    throttling
  )

  async function call<T>(
    method: string,
    path: string,
    params: Record<string, unknown> = {}
  ): Promise<T> {
    return (await callWithStatus<T>(method, path, params)).data
  }

  async function callWithStatus<T>(
    method: string,
    path: string,
    params: Record<string, unknown> = {}
  ): Promise<{ status: number; data: T }> {
    const route = `${method} ${path}`
    try {
      const res = await octokit.request(route, {
        ...params,
        request: { signal: AbortSignal.timeout(timeoutMs) }
      })
      return { status: res.status, data: res.data as T }
    } catch (e) {
      throw toGitHubError(
        e,
        method,
        fill(path, { owner, repo, ...params }),
        options.apiUrl,
        timeoutMs
      )
    }
  }

  const issueInfo = (i: ApiIssue): IssueInfo => ({
    number: i.number,
    url: i.html_url,
    title: i.title ?? '',
    body: i.body ?? '',
    state: i.state ?? 'open',
    ...(i.user?.login ? { author: i.user.login } : {}),
    labels: (i.labels ?? [])
      .map((l) => (typeof l === 'string' ? l : (l.name ?? '')))
      .filter(Boolean)
  })

  return {
    owner,
    repo,
    async findOpenIssue(matches) {
      for (let page = 1; page <= maxPages; page++) {
        const issues = await call<ApiIssue[]>('GET', '/repos/{owner}/{repo}/issues', {
          owner,
          repo,
          state: 'open',
          sort: 'created',
          direction: 'desc',
          per_page: PER_PAGE,
          page
        })
        for (const issue of issues) {
          if (issue.pull_request) continue
          const info = issueInfo(issue)
          if (matches(info)) return info
        }
        if (issues.length < PER_PAGE) break
      }
      return undefined
    },
    async listComments(issueNumber) {
      const out: CommentInfo[] = []
      for (let page = 1; page <= COMMENT_PAGES; page++) {
        const comments = await call<ApiComment[]>(
          'GET',
          '/repos/{owner}/{repo}/issues/{issue_number}/comments',
          { owner, repo, issue_number: issueNumber, per_page: PER_PAGE, page }
        )
        out.push(
          ...comments.map((c) => ({
            id: c.id,
            url: c.html_url,
            body: c.body ?? '',
            ...(c.user?.login ? { author: c.user.login } : {})
          }))
        )
        if (comments.length < PER_PAGE) break
      }
      return out
    },
    async createIssue(issue) {
      const created = await call<ApiIssue>('POST', '/repos/{owner}/{repo}/issues', {
        owner,
        repo,
        title: issue.title,
        body: issue.body,
        labels: issue.labels,
        ...(issue.assignees.length ? { assignees: issue.assignees } : {})
      })
      return issueInfo(created)
    },
    async comment(issueNumber, body) {
      const c = await call<ApiComment>(
        'POST',
        '/repos/{owner}/{repo}/issues/{issue_number}/comments',
        {
          owner,
          repo,
          issue_number: issueNumber,
          body
        }
      )
      return {
        id: c.id,
        url: c.html_url,
        body: c.body ?? body,
        ...(c.user?.login ? { author: c.user.login } : {})
      }
    },
    async listDeployments(environment, count) {
      const deployments = await call<ApiDeployment[]>('GET', '/repos/{owner}/{repo}/deployments', {
        owner,
        repo,
        environment,
        per_page: Math.min(PER_PAGE, Math.max(1, count))
      })
      return deployments
        .map((d) => ({
          id: d.id,
          sha: d.sha ?? '',
          ref: d.ref ?? '',
          environment: d.environment ?? environment,
          createdAt: Date.parse(d.created_at ?? '')
        }))
        .filter((d) => Number.isFinite(d.createdAt))
        .slice(0, count)
    },
    async addLabels(issueNumber, labels) {
      if (labels.length === 0) return
      await call('POST', '/repos/{owner}/{repo}/issues/{issue_number}/labels', {
        owner,
        repo,
        issue_number: issueNumber,
        labels
      })
    },
    async setTitle(issueNumber, title) {
      await call('PATCH', '/repos/{owner}/{repo}/issues/{issue_number}', {
        owner,
        repo,
        issue_number: issueNumber,
        title
      })
    },
    async getPermission(username) {
      try {
        const p = await call<{ permission?: string; role_name?: string }>(
          'GET',
          '/repos/{owner}/{repo}/collaborators/{username}/permission',
          { owner, repo, username }
        )
        return {
          permission: p.permission ?? 'none',
          ...(p.role_name ? { role_name: p.role_name } : {})
        }
      } catch (e) {
        // Not a collaborator (on some plans GitHub answers 404 rather than `none`).
        if (e instanceof GitHubError && e.status === 404) return null
        throw e
      }
    },
    async addReaction(commentId, content) {
      const { status } = await callWithStatus(
        'POST',
        '/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions',
        { owner, repo, comment_id: commentId, content }
      )
      return { created: status === 201 }
    }
  }
}

/** A limiter for the throttling plugin's write groups with our own spacing (the plugin's: 1 s and 3 s). */
function spacedGroup(spacingMs: number): unknown {
  let last = 0
  const limiter = {
    async schedule(...args: unknown[]): Promise<unknown> {
      const fn = args.find((a): a is (...x: unknown[]) => unknown => typeof a === 'function')
      const rest = args.slice(args.indexOf(fn) + 1)
      const wait = last + spacingMs - Date.now()
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
      last = Date.now()
      return fn ? fn(...rest) : undefined
    }
  }
  return { key: () => limiter }
}

function fill(path: string, params: Record<string, unknown>): string {
  return path.replace(/\{(\w+)\}/g, (whole, name: string) =>
    params[name] === undefined ? whole : String(params[name])
  )
}

export function toGitHubError(
  e: unknown,
  method: string,
  path: string,
  apiUrl = '',
  timeoutMs = 0
): GitHubError {
  if (e instanceof GitHubError) return e
  const err = e as {
    status?: number
    message?: string
    name?: string
    response?: { data?: unknown; headers?: Record<string, string | undefined> }
    cause?: { code?: string; message?: string; cause?: { code?: string } }
  }
  const data = err.response?.data as { message?: string; errors?: unknown[] } | string | undefined
  const apiMessage =
    (typeof data === 'object' && data?.message) ||
    (typeof data === 'string' && data.trim() ? data.trim().slice(0, 200) : '') ||
    (err.message ?? String(e)).replace(/ - https:\/\/docs\.github\.com\S*$/, '')
  if (!err.response) {
    const aborted = err.name === 'AbortError' || /aborted|timeout/i.test(err.message ?? '')
    const code = err.cause?.code ?? err.cause?.cause?.code
    return new GitHubError(
      0,
      method,
      path,
      aborted
        ? `no answer within ${Math.round(timeoutMs / 1000)}s`
        : `${apiMessage}${code ? ` (${code})` : ''}`,
      `cannot reach ${apiUrl || 'the GitHub API'}: check GITHUB_API_URL and the network`
    )
  }
  const status = err.status ?? 0
  const details =
    typeof data === 'object' && Array.isArray(data?.errors) && data.errors.length
      ? `: ${JSON.stringify(data.errors).slice(0, 300)}`
      : ''
  return new GitHubError(
    status,
    method,
    path,
    `${apiMessage}${details}`,
    hintFor(status, method, err.response.headers, path)
  )
}

function hintFor(
  status: number,
  method: string,
  headers: Record<string, string | undefined> = {},
  path = ''
): string {
  const scope = /\/deployments(\/|$)/.test(path) ? 'deployments' : 'issues'
  const access = method === 'GET' ? `${scope}: read` : `${scope}: write`
  switch (status) {
    case 401:
      return 'the token is invalid or expired: check github-token'
    case 403:
      if (headers['x-ratelimit-remaining'] === '0')
        return 'rate limit exhausted: retried, try again later'
      return `the token needs ${access}: add \`permissions: ${scope === 'issues' ? 'issues: write' : access}\` to the job`
    case 404:
      return `repository not found or not visible to the token: check GITHUB_REPOSITORY and that the token needs ${access}`
    case 410:
      return 'issues are disabled in this repository: enable them in the repository settings'
    case 422:
      return 'validation failed: check issue-labels and issue-assignees (assignees need push access)'
    case 429:
      return 'rate limited: retried, try again later'
    default:
      return status >= 500 ? 'GitHub is having trouble: retried, the issue was not written' : ''
  }
}
