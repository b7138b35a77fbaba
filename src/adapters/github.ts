// The GitHub REST client: one Octokit (from @actions/github, so GHES and the runner's proxy
// settings are honoured) with the retry and throttling plugins, composed here and nowhere else.
// Every failure becomes a GitHubError that says the status, the route and what to change. What
// the action writes, and when, is the report's business (report/issue.ts).
import { getOctokit } from '@actions/github'
import { retry } from '@octokit/plugin-retry'
import { throttling, type ThrottlingOptions } from '@octokit/plugin-throttling'
import { fill, GitHubError, toGitHubError } from './github-errors.js'
import type { CommentInfo, GitHub, IssueInfo } from './github-types.js'

export { GitHubError, toGitHubError } from './github-errors.js'
export type {
  CommentInfo,
  DeploymentInfo,
  GitHub,
  IssueInfo,
  NewIssue,
  PermissionInfo,
  ReactionContent
} from './github-types.js'

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
      const wanted = Math.max(1, count)
      // The same page size on every page, so that page n starts where page n − 1 ended.
      const perPage = Math.min(PER_PAGE, wanted)
      const seen = new Set<number>()
      const out: Awaited<ReturnType<GitHub['listDeployments']>> = []
      for (let page = 1; page <= Math.ceil(wanted / perPage) + 1 && out.length < wanted; page++) {
        const deployments = await call<ApiDeployment[]>(
          'GET',
          '/repos/{owner}/{repo}/deployments',
          { owner, repo, environment, per_page: perPage, page }
        )
        for (const d of deployments) {
          // A deploy made while the pages are read shifts the list by one: skip the repeat.
          if (seen.has(d.id)) continue
          seen.add(d.id)
          const createdAt = Date.parse(d.created_at ?? '')
          if (!Number.isFinite(createdAt)) continue
          out.push({
            id: d.id,
            sha: d.sha ?? '',
            ref: d.ref ?? '',
            environment: d.environment ?? environment,
            createdAt
          })
        }
        if (deployments.length < perPage) break
      }
      return out.slice(0, wanted)
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
