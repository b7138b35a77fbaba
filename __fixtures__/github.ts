// An in-memory GitHub (the client interface of src/adapters/github.ts) for the flow tests that run
// main.run() or a mode with fakes: issues, comments, labels, titles, reactions, roles and
// deployments, with every write recorded in order. The REST shapes themselves are tested through
// the real Octokit against sandbox/github-standin.js.
import type {
  CommentInfo,
  DeploymentInfo,
  GitHub,
  IssueInfo,
  PermissionInfo
} from '../src/adapters/github.js'

/** The account the action writes as. */
export const BOT = 'github-actions[bot]'

export interface FakeGitHub extends GitHub {
  issues: IssueInfo[]
  comments: (CommentInfo & { issue: number })[]
  reactions: { comment: number; content: string }[]
  deployments: DeploymentInfo[]
  /** Every write, in order: `createIssue`, `comment #1`, `labels #1 a,b`, `title #1`, `reaction 5000 eyes`. */
  writes: string[]
  /** Every permission lookup (logins). */
  lookups: string[]
  /** Sets a login's repository role (undefined: not a collaborator, GitHub's 404). */
  setRole(login: string, role: string | undefined): void
}

/** GitHub's `permission` field folds maintain into write and triage into read. */
const FOLDED: Record<string, string> = { maintain: 'write', triage: 'read' }

export function fakeGitHub(roles: Record<string, string> = {}): FakeGitHub {
  const issues: IssueInfo[] = []
  const comments: FakeGitHub['comments'] = []
  const reactions: FakeGitHub['reactions'] = []
  const deployments: DeploymentInfo[] = []
  const writes: string[] = []
  const lookups: string[] = []
  const role = new Map(Object.entries(roles))
  let nextId = 5000
  return {
    owner: 'acme',
    repo: 'spacetime',
    issues,
    comments,
    reactions,
    deployments,
    writes,
    lookups,
    setRole(login, r) {
      if (r === undefined) role.delete(login)
      else role.set(login, r)
    },
    async findOpenIssue(matches) {
      return [...issues].reverse().find((i) => i.state === 'open' && matches(i))
    },
    async listComments(n) {
      return comments.filter((c) => c.issue === n)
    },
    async createIssue(issue) {
      writes.push('createIssue')
      const number = issues.length + 1
      const info: IssueInfo = {
        number,
        url: `https://github.com/acme/spacetime/issues/${number}`,
        title: issue.title,
        body: issue.body,
        labels: [...issue.labels],
        state: 'open',
        author: BOT
      }
      issues.push(info)
      return info
    },
    async comment(n, body) {
      writes.push(`comment #${n}`)
      const c = {
        id: nextId++,
        issue: n,
        url: `https://github.com/acme/spacetime/issues/${n}#issuecomment-${nextId}`,
        body,
        author: BOT
      }
      comments.push(c)
      return c
    },
    async addLabels(n, labels) {
      if (labels.length === 0) return
      writes.push(`labels #${n} ${labels.join(',')}`)
      issues[n - 1].labels.push(...labels)
    },
    async setTitle(n, title) {
      writes.push(`title #${n}`)
      issues[n - 1].title = title
    },
    async getPermission(login): Promise<PermissionInfo | null> {
      lookups.push(login)
      const r = role.get(login)
      if (!r) return null
      return { permission: FOLDED[r] ?? r, role_name: r }
    },
    async addReaction(comment, content) {
      writes.push(`reaction ${comment} ${content}`)
      const exists = reactions.some((r) => r.comment === comment && r.content === content)
      if (!exists) reactions.push({ comment, content })
      return { created: !exists }
    },
    async listDeployments(environment, count) {
      return deployments.filter((d) => d.environment === environment).slice(0, count)
    }
  }
}
