// What a failed GitHub API call means, in one sentence a person can act on: the status, the
// route, GitHub's own message and what to change (a permission, a token, a setting).

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

export function fill(path: string, params: Record<string, unknown>): string {
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
