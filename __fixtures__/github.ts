// An in-memory GitHub (the client interface of src/adapters/github.ts) for the flow tests that run
// main.run() or a mode with fakes: issues, comments, labels, titles, reactions, roles and
// deployments, with every write recorded in order. The REST shapes themselves are tested through
// the real Octokit against sandbox/github-standin.js.
import type {
  AccountInfo,
  CommentInfo,
  DeploymentInfo,
  GitHub,
  IssueInfo,
  PermissionInfo
} from '../src/adapters/github.js'

/** The account the action writes as. */
export const BOT = 'github-actions[bot]'
export const BOT_ACCOUNT: AccountInfo = { id: 41898282, login: BOT }
/** Someone with no role (can open issues and comment). */
export const OUTSIDER: AccountInfo = { id: 7001, login: 'mallory' }
export const MAINTAINER: AccountInfo = { id: 7002, login: 'maria' }

/** An issue of the fake, with who opened it and who last edited its body. */
export type FakeIssue = IssueInfo & { editor: AccountInfo | null; edited: boolean }

export interface FakeGitHub extends GitHub {
  issues: FakeIssue[]
  comments: (CommentInfo & { issue: number; body: string; author: string })[]
  reactions: { comment: number; content: string }[]
  deployments: DeploymentInfo[]
  /** Every write, in order: `createIssue`, `comment #1`, `labels #1 a,b`, `title #1`, `reaction 5000 eyes`. */
  writes: string[]
  /** Every permission lookup (logins). */
  lookups: string[]
  /** Sets a login's repository role (undefined: not a collaborator, GitHub's 404). */
  setRole(login: string, role: string | undefined): void
  /** An issue opened by someone else (a look-alike, a person's report). */
  openIssueAs(account: AccountInfo, title: string, body: string, labels?: string[]): FakeIssue
  /** A person edits an issue body (GitHub records the editor). */
  editBodyAs(account: AccountInfo, issueNumber: number, body: string): void
  /** A comment by someone else. */
  commentAs(account: AccountInfo, issueNumber: number, body: string): void
  /** viewer() fails (e.g. a token GraphQL refuses). */
  failViewer: boolean
}

/** GitHub's `permission` field folds maintain into write and triage into read. */
const FOLDED: Record<string, string> = { maintain: 'write', triage: 'read' }

export function fakeGitHub(roles: Record<string, string> = {}): FakeGitHub {
  const issues: FakeIssue[] = []
  const comments: FakeGitHub['comments'] = []
  const reactions: FakeGitHub['reactions'] = []
  const deployments: DeploymentInfo[] = []
  const writes: string[] = []
  const lookups: string[] = []
  const role = new Map(Object.entries(roles))
  let nextId = 5000
  const addIssue = (author: AccountInfo, title: string, body: string, labels: string[]) => {
    const number = issues.length + 1
    const info: FakeIssue = {
      number,
      url: `https://github.com/acme/spacetime/issues/${number}`,
      title,
      body,
      labels: [...labels],
      state: 'open',
      author: author.login,
      authorId: author.id,
      editor: null,
      edited: false
    }
    issues.push(info)
    return info
  }
  const addComment = (author: AccountInfo, n: number, body: string) => {
    const id = nextId++
    const c = {
      id,
      issue: n,
      url: `https://github.com/acme/spacetime/issues/${n}#issuecomment-${id}`,
      body,
      author: author.login
    }
    comments.push(c)
    return c
  }
  const fake: FakeGitHub = {
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
    failViewer: false,
    openIssueAs: (account, title, body, labels = []) => addIssue(account, title, body, labels),
    editBodyAs(account, n, body) {
      const i = issues[n - 1]
      i.body = body
      i.editor = account
      i.edited = true
    },
    commentAs(account, n, body) {
      addComment(account, n, body)
    },
    async viewer() {
      if (fake.failViewer) throw new Error('GitHub API 401 on POST graphql: Bad credentials')
      return BOT_ACCOUNT
    },
    async findOpenIssue(matches) {
      return [...issues].reverse().find((i) => i.state === 'open' && matches({ ...i }))
    },
    async issueSnapshot(n) {
      const i = issues[n - 1]
      if (!i) return undefined
      return {
        number: i.number,
        url: i.url,
        title: i.title,
        body: i.body,
        state: i.state === 'open' ? 'open' : 'closed',
        author: i.authorId ? { id: i.authorId, login: i.author ?? '' } : null,
        editor: i.editor,
        edited: i.edited
      }
    },
    async createIssue(issue) {
      writes.push('createIssue')
      return { ...addIssue(BOT_ACCOUNT, issue.title, issue.body, issue.labels) }
    },
    async comment(n, body) {
      writes.push(`comment #${n}`)
      const c = addComment(BOT_ACCOUNT, n, body)
      return { id: c.id, url: c.url }
    },
    async setBody(n, body) {
      writes.push(`body #${n}`)
      const i = issues[n - 1]
      i.body = body
      i.editor = BOT_ACCOUNT
      i.edited = true
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
  return fake
}
