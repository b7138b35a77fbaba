// Who writes on the GitHub stand-in: every write is made as the account of its token, people act
// through the library (open, comment, edit, react), and GraphQL tells the viewer and an issue's
// author and editor as GitHub does. Driven through the real Octokit (@actions/github), REST and
// GraphQL, as the action would.
import { getOctokit } from '@actions/github'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { ACCOUNTS, TOKENS, startGitHubStandin, type Standin } from '../../__fixtures__/standin.js'

let standin: Standin
beforeEach(async () => {
  standin = await startGitHubStandin()
})
afterEach(async () => {
  await standin.stop()
})

const octokit = (token: string) => getOctokit(token, { baseUrl: standin.url })
const repo = { owner: 'acme', repo: 'spacetime' }

const VIEWER = 'query RollbackSentinelViewer { viewer { login databaseId } }'
const ISSUE = `query RollbackSentinelIssue($owner: String!, $repo: String!, $number: Int!) {
  repository(owner: $owner, name: $repo) {
    issue(number: $number) {
      number state title body url lastEditedAt createdAt
      author { __typename login ... on Bot { databaseId } ... on User { databaseId } }
      editor { __typename login ... on Bot { databaseId } ... on User { databaseId } }
    }
  }
}`

interface GqlIssue {
  repository: {
    issue: {
      state: string
      body: string
      lastEditedAt: string | null
      author: { __typename: string; login: string; databaseId: number }
      editor: { __typename: string; login: string; databaseId: number } | null
    } | null
  }
}
const issueQuery = (token: string, number: number) =>
  octokit(token).graphql<GqlIssue>(ISSUE, { ...repo, number })

describe('tokens: every write is made as the token’s account', () => {
  it('the workflow token writes as github-actions[bot], an App token as its bot, a personal token as its user', async () => {
    const writes = [
      [TOKENS.ACTION_BOT, ACCOUNTS.ACTION_BOT],
      [TOKENS.OTHER_BOT, ACCOUNTS.OTHER_BOT],
      [TOKENS.MAINTAINER, ACCOUNTS.MAINTAINER]
    ] as const
    for (const [token, account] of writes) {
      const { data } = await octokit(token).rest.issues.create({ ...repo, title: account.login })
      expect(data.user).toMatchObject({ login: account.login, id: account.id, type: account.type })
    }
    expect(standin.issues.map((i) => i.user?.id)).toEqual(writes.map(([, a]) => a.id))
    expect(standin.requests.map((r) => r.login)).toEqual(writes.map(([, a]) => a.login))
  })

  it('no token or an unknown one: 401 for writes; an unknown token is refused on reads too', async () => {
    const post = (headers: Record<string, string>) =>
      fetch(`${standin.url}/repos/acme/spacetime/issues`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ title: 't' })
      })
    expect((await post({})).status).toBe(401)
    const bad = await post({ authorization: 'token ghs_notOneTheStandinKnows' })
    expect(bad.status).toBe(401)
    expect(((await bad.json()) as { message: string }).message).toBe('Bad credentials')
    expect(standin.issues).toHaveLength(0)
    expect((await fetch(`${standin.url}/repos/acme/spacetime/issues`)).status).toBe(200)
    const read = await fetch(`${standin.url}/repos/acme/spacetime/issues`, {
      headers: { authorization: 'token ghs_notOneTheStandinKnows' }
    })
    expect(read.status).toBe(401)
  })

  it('more tokens from options: a personal token of a user the stand-in did not know', async () => {
    const more = await startGitHubStandin({ tokens: { ghp_newcomer: 'newcomer' } })
    try {
      const { data } = await getOctokit('ghp_newcomer', {
        baseUrl: more.url
      }).rest.users.getAuthenticated()
      expect(data).toMatchObject({
        login: 'newcomer',
        type: 'User',
        id: more.account('newcomer').id
      })
    } finally {
      await more.stop()
    }
  })
})

describe('GraphQL', () => {
  it('viewer: the token’s account, a bot’s login with its [bot], the REST id', async () => {
    for (const key of ['ACTION_BOT', 'OTHER_BOT', 'OUTSIDER'] as const)
      expect(await octokit(TOKENS[key]).graphql(VIEWER)).toEqual({
        viewer: { login: ACCOUNTS[key].login, databaseId: ACCOUNTS[key].id }
      })
    const anonymous = await fetch(`${standin.url}/graphql`, {
      method: 'POST',
      body: JSON.stringify({ query: VIEWER })
    })
    expect(anonymous.status).toBe(401)
  })

  it('an issue: author without [bot], editor and lastEditedAt only once the body is edited, by whom', async () => {
    const { data } = await octokit(TOKENS.ACTION_BOT).rest.issues.create({
      ...repo,
      title: 'incident',
      body: 'state'
    })
    const first = (await issueQuery(TOKENS.ACTION_BOT, data.number)).repository.issue
    expect(first).toMatchObject({
      state: 'OPEN',
      body: 'state',
      lastEditedAt: null,
      editor: null,
      author: { __typename: 'Bot', login: 'github-actions', databaseId: 41898282 }
    })
    // Only the fields asked for, as GitHub answers.
    expect(Object.keys(first ?? {}).sort()).toEqual(
      [
        'author',
        'body',
        'createdAt',
        'editor',
        'lastEditedAt',
        'number',
        'state',
        'title',
        'url'
      ].sort()
    )
    // A title-only PATCH is not a body edit.
    await octokit(TOKENS.ACTION_BOT).rest.issues.update({
      ...repo,
      issue_number: data.number,
      title: 'x'
    })
    expect((await issueQuery(TOKENS.ACTION_BOT, data.number)).repository.issue?.editor).toBeNull()
    // A maintainer may edit the bot's body; the edit says who.
    standin.editIssueBody(data.number, 'planted', 'maria')
    const edited = (await issueQuery(TOKENS.ACTION_BOT, data.number)).repository.issue
    expect(edited?.editor).toEqual({
      __typename: 'User',
      login: 'maria',
      databaseId: ACCOUNTS.MAINTAINER.id
    })
    expect(Date.parse(edited?.lastEditedAt ?? '')).toBeGreaterThan(0)
    // The bot's own body PATCH makes the bot the last editor.
    await octokit(TOKENS.ACTION_BOT).rest.issues.update({
      ...repo,
      issue_number: data.number,
      body: 'state 2'
    })
    expect(
      (await issueQuery(TOKENS.ACTION_BOT, data.number)).repository.issue?.editor
    ).toMatchObject({
      __typename: 'Bot',
      login: 'github-actions'
    })
  })

  it('a missing issue or a pull request number: data with a null issue and a NOT_FOUND error, HTTP 200', async () => {
    const pr = standin.openPullRequest({ title: 'feature', login: 'maria' })
    for (const number of [pr.number, 999]) {
      const res = await fetch(`${standin.url}/graphql`, {
        method: 'POST',
        headers: { authorization: `bearer ${TOKENS.ACTION_BOT}` },
        body: JSON.stringify({ query: ISSUE, variables: { ...repo, number } })
      })
      expect(res.status).toBe(200)
      expect(await res.json()).toEqual({
        data: { repository: { issue: null } },
        errors: [
          expect.objectContaining({
            type: 'NOT_FOUND',
            path: ['repository', 'issue'],
            message: `Could not resolve to an Issue with the number of ${number}.`
          })
        ]
      })
    }
  })

  it('an operation the stand-in does not know: errors, HTTP 200', async () => {
    await expect(
      octokit(TOKENS.ACTION_BOT).graphql('query Other { viewer { login } }')
    ).rejects.toThrow(
      /answers only the operations RollbackSentinelViewer and RollbackSentinelIssue/
    )
  })
})

describe('people acting on the repository', () => {
  it('an outsider opens a look-alike: labels dropped, their issue; they cannot edit the bot’s', async () => {
    const bots = standin.openIssue({
      title: 'incident',
      body: 'state',
      login: 'github-actions[bot]'
    })
    const fake = standin.openIssue({
      title: 'incident',
      body: '<!-- rollback-sentinel environment=production -->',
      login: 'mallory',
      labels: ['incident']
    })
    expect(fake).toMatchObject({
      number: bots.number + 1,
      labels: [],
      user: { login: 'mallory', id: ACCOUNTS.OUTSIDER.id, type: 'User' },
      author_association: 'NONE'
    })
    expect(() => standin.editIssueBody(bots.number, 'planted', 'mallory')).toThrow(/403/)
    expect(() => standin.editIssueBody(bots.number, 'planted', 'tom')).toThrow(/403/)
    expect(standin.editIssueBody(fake.number, 'changed', 'mallory').body).toBe('changed')
    const { data } = await octokit(TOKENS.ACTION_BOT).rest.issues.listForRepo({
      ...repo,
      creator: 'mallory'
    })
    expect(data.map((i) => i.number)).toEqual([fake.number])
  })

  it('numbers are shared with pull requests; comment ids run across the whole stand-in', () => {
    const a = standin.openIssue({ title: 'a', login: 'maria' })
    const pr = standin.openPullRequest({ title: 'pr', login: 'maria' })
    const b = standin.openIssue({ title: 'b', login: 'tom' })
    expect([a.number, pr.number, b.number]).toEqual([1, 2, 3])
    expect(pr.pull_request).toBeDefined()
    const ids = [
      standin.addComment(a.number, 'one', 'mallory').id,
      standin.addComment(b.number, 'two', 'github-actionz[bot]').id,
      standin.addComment({
        issue: a.number,
        body: 'three',
        user: { login: 'deploy-bot[bot]', type: 'Bot' }
      }).id
    ]
    expect(ids).toEqual([ids[0], ids[0] + 1, ids[0] + 2])
    expect(standin.comments.map((c) => c.user)).toEqual([
      ACCOUNTS.OUTSIDER,
      ACCOUNTS.LOOKALIKE_BOT,
      { login: 'deploy-bot[bot]', id: standin.account('deploy-bot[bot]').id, type: 'Bot' }
    ])
  })

  it('an edited comment: body replaced, updated_at moves; only its author or write access may', () => {
    const issue = standin.openIssue({ title: 'incident', login: 'github-actions[bot]' })
    const c = standin.addComment(issue.number, 'receipt', 'github-actions[bot]')
    expect(() => standin.editComment(c.id, 'forged', 'mallory')).toThrow(/403/)
    const edited = standin.editComment(c.id, 'forged', 'maria')
    expect(edited.body).toBe('forged')
    expect(Date.parse(edited.updated_at)).toBeGreaterThan(Date.parse(c.updated_at))
    expect(standin.comments[0]).toMatchObject({ editor: ACCOUNTS.MAINTAINER })
  })

  it('reactions are per account: an outsider’s eyes are not the bot’s', async () => {
    const issue = standin.openIssue({ title: 'incident', login: 'github-actions[bot]' })
    const c = standin.addComment(issue.number, '/rollback-sentinel approve', 'maria')
    expect(standin.addReaction(c.id, 'eyes', 'mallory')).toMatchObject({
      created: true,
      user: { login: 'mallory' }
    })
    const bot = octokit(TOKENS.ACTION_BOT).rest.reactions
    const add = () => bot.createForIssueComment({ ...repo, comment_id: c.id, content: 'eyes' })
    expect((await add()).status).toBe(201)
    expect((await add()).status).toBe(200)
    expect(standin.reactions.map((r) => r.user.login)).toEqual(['mallory', 'github-actions[bot]'])
  })

  it('a long incident: 3,000 comments, listed in pages of 100 through the Link header', async () => {
    const issue = standin.openIssue({ title: 'incident', login: 'github-actions[bot]' })
    const started = Date.now()
    const made = standin.addComments(issue.number, 3000, 'mallory', (k) => `noise ${k}`)
    const madeMs = Date.now() - started
    expect(made).toHaveLength(3000)
    const all = await octokit(TOKENS.ACTION_BOT).paginate(
      octokit(TOKENS.ACTION_BOT).rest.issues.listComments,
      {
        ...repo,
        issue_number: issue.number,
        per_page: 100
      }
    )
    expect(all.map((c) => c.body)).toEqual(made.map((c) => c.body))
    expect(all.at(-1)?.id).toBe(made[0].id + 2999)
    expect(madeMs).toBeLessThan(2000)
    expect(standin.requests.filter((r) => r.path.includes('/comments'))).toHaveLength(30)
  })
})
