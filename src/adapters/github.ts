// The GitHub REST client: one Octokit (from @actions/github, so GHES and the runner's proxy
// settings are honoured) with the retry and throttling plugins, composed here and nowhere else.
// Every failure becomes a GitHubError that says the status, the route and what to change. What
// the action writes, and when, is the report's business (report/issue.ts).
import { getOctokit } from '@actions/github'
import { retry } from '@octokit/plugin-retry'
import { throttling, type ThrottlingOptions } from '@octokit/plugin-throttling'
import { fill, GitHubError, toGitHubError } from './github-errors.js'
import type { AccountInfo, GitHub, IssueInfo, IssueSnapshot } from './github-types.js'

export { GitHubError, toGitHubError } from './github-errors.js'
export type {
  AccountInfo,
  CommentInfo,
  DeploymentInfo,
  GitHub,
  IssueInfo,
  IssueSnapshot,
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

/** Who the token writes as. A bot's viewer login keeps its `[bot]` suffix. */
const VIEWER_QUERY = `query RollbackSentinelViewer { viewer { login databaseId } }`

/** One issue with its author and last body editor (REST cannot say who edited a body). */
const ISSUE_QUERY = `query RollbackSentinelIssue($owner: String!, $repo: String!, $number: Int!) {
  repository(owner: $owner, name: $repo) {
    issue(number: $number) {
      number state title body url lastEditedAt createdAt
      author { __typename login ... on Bot { databaseId } ... on User { databaseId } }
      editor { __typename login ... on Bot { databaseId } ... on User { databaseId } }
    }
  }
}`

interface GqlActor {
  __typename?: string
  login?: string
  databaseId?: number | null
}

interface GqlIssue {
  number: number
  state?: string
  title?: string
  body?: string | null
  url?: string
  lastEditedAt?: string | null
  author?: GqlActor | null
  editor?: GqlActor | null
}

type Octokit = ReturnType<typeof getOctokit>

interface ApiUser {
  login?: string
  id?: number
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
    ...(typeof i.user?.id === 'number' ? { authorId: i.user.id } : {}),
    labels: (i.labels ?? [])
      .map((l) => (typeof l === 'string' ? l : (l.name ?? '')))
      .filter(Boolean)
  })

  async function graphql<T>(query: string, variables: Record<string, unknown>): Promise<T> {
    try {
      return await octokit.graphql<T>(query, {
        ...variables,
        request: { signal: AbortSignal.timeout(timeoutMs) }
      })
    } catch (e) {
      // A query whose only errors are NOT_FOUND answers with data (e.g. `issue: null`).
      const partial = (e as { data?: T; errors?: { type?: string }[] }) ?? {}
      if (partial.data && (partial.errors ?? []).every((x) => x.type === 'NOT_FOUND'))
        return partial.data
      throw toGitHubError(e, 'POST', 'graphql', options.apiUrl, timeoutMs)
    }
  }

  let self: Promise<AccountInfo> | undefined

  /** PATCH of one field of an issue (the action never closes issues). */
  async function updateIssue(issueNumber: number, fields: { title?: string; body?: string }) {
    await call('PATCH', '/repos/{owner}/{repo}/issues/{issue_number}', {
      owner,
      repo,
      issue_number: issueNumber,
      ...fields
    })
  }

  return {
    owner,
    repo,
    viewer() {
      self ??= graphql<{ viewer?: GqlActor }>(VIEWER_QUERY, {}).then((d) => {
        const a = account(d.viewer)
        if (!a)
          throw new GitHubError(
            200,
            'POST',
            'graphql',
            'viewer answered without a login and an id',
            ''
          )
        return a
      })
      // A failure is not cached: the next caller asks again.
      self.catch(() => (self = undefined))
      return self
    },
    async issueSnapshot(issueNumber) {
      const d = await graphql<{ repository?: { issue?: GqlIssue | null } | null }>(ISSUE_QUERY, {
        owner,
        repo,
        number: issueNumber
      })
      const i = d.repository?.issue
      if (!i) return undefined
      return snapshotOf(i)
    },
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
      return { id: c.id, url: c.html_url }
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
    setTitle: (issueNumber, title) => updateIssue(issueNumber, { title }),
    setBody: (issueNumber, body) => updateIssue(issueNumber, { body }),
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

/** An actor with a numeric id, or null (a deleted account, an actor without an id). */
function account(a: GqlActor | null | undefined): AccountInfo | null {
  if (!a || typeof a.databaseId !== 'number' || !a.login) return null
  // GraphQL drops the `[bot]` suffix of a Bot's login; messages show it as REST does.
  const login = a.__typename === 'Bot' && !a.login.endsWith('[bot]') ? `${a.login}[bot]` : a.login
  return { id: a.databaseId, login }
}

function snapshotOf(i: GqlIssue): IssueSnapshot {
  return {
    number: i.number,
    url: i.url ?? '',
    title: i.title ?? '',
    body: i.body ?? '',
    state: (i.state ?? 'OPEN').toUpperCase() === 'OPEN' ? 'open' : 'closed',
    author: account(i.author),
    editor: account(i.editor),
    edited: Boolean(i.lastEditedAt)
  }
}
