// What the GitHub client offers the rest of the action: the issues, comments, reactions, roles
// and deployments it reads and writes, as plain data.

export interface IssueInfo {
  number: number
  url: string
  title: string
  body: string
  labels: string[]
  state: string
  /** The login that opened it (for the incident: the account the action writes as). */
  author?: string
  /** The numeric id of the account that opened it: what trust compares. */
  authorId?: number
}

/** An account as GitHub reports it (the numeric id decides; the login is for messages). */
export interface AccountInfo {
  id: number
  login: string
}

/** One issue with who opened it and who last edited its body (GraphQL), read in one request. */
export interface IssueSnapshot {
  number: number
  url: string
  title: string
  body: string
  state: 'open' | 'closed'
  /** null: a deleted account ("ghost"). */
  author: AccountInfo | null
  /** The account that last edited the body; null when it was never edited. */
  editor: AccountInfo | null
  /** GitHub's lastEditedAt is set. */
  edited: boolean
}

/** A comment the action posted (comments are never read back). */
export interface CommentInfo {
  id: number
  url: string
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
  /**
   * The account the token writes as (GraphQL `viewer`; `GET /user` answers 403 to installation
   * tokens). Asked once per run; a failure is thrown, and the caller trusts nothing.
   */
  viewer(): Promise<AccountInfo>
  /** The newest open issue (not a pull request) that `matches`, if any. */
  findOpenIssue(matches: (issue: IssueInfo) => boolean): Promise<IssueInfo | undefined>
  /** One issue with its author and last body editor; undefined when it does not exist. */
  issueSnapshot(issueNumber: number): Promise<IssueSnapshot | undefined>
  createIssue(issue: NewIssue): Promise<IssueInfo>
  comment(issueNumber: number, body: string): Promise<CommentInfo>
  addLabels(issueNumber: number, labels: string[]): Promise<void>
  /** Renames the issue (PATCH with `title` only). */
  setTitle(issueNumber: number, title: string): Promise<void>
  /** Replaces the body of an issue the action opened (its state line); the action never closes issues. */
  setBody(issueNumber: number, body: string): Promise<void>
  /** The user's permission on the repository; null when GitHub answers 404 (no such collaborator). */
  getPermission(username: string): Promise<PermissionInfo | null>
  /**
   * Reacts to an issue comment. `created: false` when this account had already added that
   * reaction (GitHub answers 200 instead of 201).
   */
  addReaction(commentId: number, content: ReactionContent): Promise<{ created: boolean }>
  /**
   * The newest `count` deployments of an environment, newest first, read 100 a page until
   * `count` or the end of the list.
   */
  listDeployments(environment: string, count: number): Promise<DeploymentInfo[]>
}
