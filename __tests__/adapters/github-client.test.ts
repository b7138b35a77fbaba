import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { GitHubError } from '../../src/adapters/github.js'
import { findIncident } from '../../src/report/incident-state.js'
import { closedPortUrl } from '../../sandbox/ports.js'
import { FAKE_TOKEN } from '../../__fixtures__/records.js'
import { client, startGitHubStandin, type Standin } from '../../__fixtures__/standin.js'

/** The account the workflow token writes as (the stand-in's ACTION_BOT). */
const SELF = { id: 41898282, login: 'github-actions[bot]' }

const ISSUES = '/repos/acme/spacetime/issues'
let standin: Standin

beforeEach(async () => {
  standin = await startGitHubStandin()
})
afterEach(async () => {
  await standin.stop()
})

const posts = (): number =>
  standin.requests.filter((r) => r.method === 'POST' && r.path !== '/graphql').length

describe('GitHub client against the stand-in', () => {
  it('creates an issue, comments, adds labels, authenticates with the token', async () => {
    const gh = client(standin)
    standin.setRole('alice', 'write')
    const issue = await gh.createIssue({
      title: 't',
      body: 'b',
      labels: ['incident'],
      assignees: ['alice']
    })
    expect(issue).toMatchObject({ number: 1, title: 't', labels: ['incident'], state: 'open' })
    expect(issue.url).toBe(`${standin.url}/acme/spacetime/issues/1`)
    const c = await gh.comment(1, 'hello')
    expect(c.url).toContain('#issuecomment-')
    await gh.addLabels(1, ['resolved'])
    expect(standin.issues[0].labels).toEqual(['incident', 'resolved'])
    expect(standin.issues[0].assignees).toEqual(['alice'])
    expect(standin.requests[0].headers.authorization).toBe(`token ${FAKE_TOKEN}`)
  })

  it('setTitle: a PATCH with the title only; an empty title is refused (422)', async () => {
    const gh = client(standin)
    await gh.createIssue({ title: 'before', body: 'b', labels: [], assignees: [] })
    await gh.setTitle(1, 'after')
    expect(standin.issues[0]).toMatchObject({ title: 'after', body: 'b', state: 'open' })
    expect(standin.requests.at(-1)).toMatchObject({
      method: 'PATCH',
      path: `${ISSUES}/1`,
      body: { title: 'after' }
    })
    await expect(gh.setTitle(1, ' ')).rejects.toThrow(
      /^GitHub API 422 on PATCH \/repos\/acme\/spacetime\/issues\/1: Validation Failed/
    )
    expect(standin.issues[0].title).toBe('after')
  })

  it('finds the open incident of an environment: opened by the action, state line first, across pages; look-alikes skipped', async () => {
    const gh = client(standin)
    const bot = 'github-actions[bot]'
    standin.openIssue({
      title: 'old',
      body: '<!-- rollback-sentinel environment=production run=1 -->\nbody',
      login: bot
    })
    for (let n = 2; n <= 130; n++)
      standin.openIssue({
        title: `other ${n}`,
        body: n === 7 ? '<!-- rollback-sentinel environment=staging run=3 -->' : 'unrelated',
        login: n === 7 ? bot : 'maria'
      })
    // Newer than both, on the first page: the same state lines, opened by others.
    for (const login of ['mallory', 'github-actionz[bot]', 'welcome-bot[bot]'])
      standin.openIssue({
        title: 'look-alike',
        body: '<!-- rollback-sentinel environment=production run=2 rollback-done=1 -->',
        login
      })
    expect((await findIncident(gh, SELF, 'production'))?.number).toBe(1)
    expect((await findIncident(gh, SELF, 'staging'))?.number).toBe(7)
    expect(await findIncident(gh, SELF, 'qa')).toBeUndefined()
    const lists = standin.requests.filter((r) => r.method === 'GET' && r.path.startsWith(ISSUES))
    expect(lists.some((r) => r.path.includes('page=2'))).toBe(true)
    expect(
      lists.every((r) => r.path.includes('state=open') && r.path.includes('per_page=100'))
    ).toBe(true)
  })

  it('a closed incident is not found', async () => {
    const gh = client(standin)
    await gh.createIssue({
      title: 't',
      body: '<!-- rollback-sentinel environment=production run=1 -->',
      labels: [],
      assignees: []
    })
    standin.issues[0].state = 'closed'
    expect(await findIncident(gh, SELF, 'production')).toBeUndefined()
  })

  it('viewer: the account the token writes as, through GraphQL (never GET /user, which answers 403 to it)', async () => {
    const gh = client(standin)
    expect(await gh.viewer()).toEqual(SELF)
    expect(await gh.viewer()).toEqual(SELF)
    expect(standin.requests.filter((r) => r.path === '/graphql')).toHaveLength(1)
    expect(standin.requests.some((r) => r.path === '/user')).toBe(false)
  })

  it('viewer: a token GitHub refuses is an error (the caller trusts nothing)', async () => {
    const gh = client(standin, { token: 'ghs_unknownToken', retries: 0 })
    await expect(gh.viewer()).rejects.toThrow(/GitHub API 401 on POST graphql/)
  })

  it('issueSnapshot: author and last body editor with their ids; a title change is no edit', async () => {
    const gh = client(standin)
    const made = await gh.createIssue({ title: 't', body: 'b', labels: [], assignees: [] })
    await gh.setTitle(made.number, 't2')
    expect(await gh.issueSnapshot(made.number)).toMatchObject({
      number: made.number,
      body: 'b',
      state: 'open',
      author: SELF,
      editor: null,
      edited: false
    })
    await gh.setBody(made.number, 'b2')
    expect(await gh.issueSnapshot(made.number)).toMatchObject({ editor: SELF, edited: true })
    standin.editIssueBody(made.number, 'b3', 'maria')
    expect(await gh.issueSnapshot(made.number)).toMatchObject({
      body: 'b3',
      editor: { id: 7012347, login: 'maria' },
      edited: true
    })
    expect(await gh.issueSnapshot(999)).toBeUndefined()
  })

  it('a 500 is retried: exactly one issue', async () => {
    standin.setFailures([{ method: 'POST', pathPrefix: ISSUES, status: 500, times: 1 }])
    const issue = await client(standin).createIssue({
      title: 't',
      body: 'b',
      labels: [],
      assignees: []
    })
    expect(issue.number).toBe(1)
    expect(standin.issues).toHaveLength(1)
    expect(posts()).toBe(2)
  })

  it('a 500 that persists ends as a GitHubError after the retries', async () => {
    standin.setFailures([{ method: 'POST', pathPrefix: ISSUES, status: 502, times: Infinity }])
    const err = await client(standin, { retries: 2 })
      .createIssue({ title: 't', body: 'b', labels: [], assignees: [] })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(GitHubError)
    expect((err as GitHubError).status).toBe(502)
    expect((err as GitHubError).message).toBe(
      'GitHub API 502 on POST /repos/acme/spacetime/issues: Bad Gateway (GitHub is having trouble: retried, the issue was not written)'
    )
    expect(posts()).toBe(3)
  })

  it('403: not retried, the message says which permission', async () => {
    standin.setFailures([{ method: 'POST', pathPrefix: ISSUES, status: 403, times: Infinity }])
    const err = (await client(standin)
      .createIssue({ title: 't', body: 'b', labels: [], assignees: [] })
      .catch((e: unknown) => e)) as GitHubError
    expect(err.status).toBe(403)
    expect(err.message).toMatch(
      /^GitHub API 403 on POST \/repos\/acme\/spacetime\/issues: Resource not accessible by integration \(the token needs issues: write/
    )
    expect(posts()).toBe(1)
  })

  it('404 on a read says the repository or the token', async () => {
    standin.setFailures([{ method: 'GET', pathPrefix: ISSUES, status: 404, times: Infinity }])
    const err = (await client(standin)
      .findOpenIssue(() => true)
      .catch((e: unknown) => e)) as GitHubError
    expect(err.status).toBe(404)
    expect(err.message).toMatch(
      /GitHub API 404 on GET \/repos\/acme\/spacetime\/issues: Not Found \(repository not found/
    )
  })

  it('a primary rate limit (403, remaining 0) is waited out and retried', async () => {
    standin.setFailures([
      {
        method: 'POST',
        pathPrefix: ISSUES,
        status: 403,
        times: 1,
        message: 'API rate limit exceeded',
        headers: {
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(Math.floor(Date.now() / 1000))
        }
      }
    ])
    const warnings: string[] = []
    const issue = await client(standin, { log: (l) => warnings.push(l) }).createIssue({
      title: 't',
      body: 'b',
      labels: [],
      assignees: []
    })
    expect(issue.number).toBe(1)
    expect(standin.issues).toHaveLength(1)
    expect(warnings.join('\n')).toMatch(/rate limit/)
  })

  it('a secondary rate limit gives up after 2 retries', async () => {
    standin.setFailures([
      {
        method: 'POST',
        pathPrefix: ISSUES,
        status: 403,
        times: Infinity,
        message: 'You have exceeded a secondary rate limit',
        headers: { 'retry-after': '1' }
      }
    ])
    const err = (await client(standin)
      .createIssue({ title: 't', body: 'b', labels: [], assignees: [] })
      .catch((e: unknown) => e)) as GitHubError
    expect(err.status).toBe(403)
    expect(posts()).toBe(3)
  })

  it('nothing listening: status 0 and where it tried', async () => {
    const url = await closedPortUrl()
    const gh = client(standin, { apiUrl: url, retries: 0 })
    const err = (await findIncident(gh, SELF, 'production').catch((e: unknown) => e)) as GitHubError
    expect(err).toBeInstanceOf(GitHubError)
    expect(err.status).toBe(0)
    expect(err.message).toContain(`cannot reach ${url}`)
  })
})

describe('listDeployments against the stand-in: 100 a page', () => {
  const HOUR = 3600_000
  const NEWEST = Date.UTC(2026, 10, 30, 12, 0, 0)
  /** `n` production deployments an hour apart, newest first by id, and a staging one between. */
  function seed(n: number) {
    for (let i = 0; i < n; i++)
      standin.deployments.push({
        id: 10_000 - i,
        owner: 'acme',
        repo: 'spacetime',
        sha: (0x1000000 + i).toString(16),
        ref: 'main',
        task: 'deploy',
        environment: 'production',
        description: null,
        created_at: new Date(NEWEST - i * HOUR).toISOString().replace(/\.\d+Z$/, 'Z')
      })
    standin.deployments.push({
      id: 1,
      owner: 'acme',
      repo: 'spacetime',
      sha: 'ffffff0',
      ref: 'main',
      task: 'deploy',
      environment: 'staging',
      description: null,
      created_at: new Date(NEWEST - 30 * 60_000).toISOString().replace(/\.\d+Z$/, 'Z')
    })
  }
  const pages = () =>
    standin.requests
      .filter((r) => r.path.startsWith('/repos/acme/spacetime/deployments'))
      .map((r) => r.path)

  it('250 of 320: three pages of 100, the newest 250 in order, no other environment', async () => {
    seed(320)
    const got = await client(standin).listDeployments('production', 250)
    expect(got).toHaveLength(250)
    expect(got.map((d) => d.sha)).toEqual(
      Array.from({ length: 250 }, (_, i) => (0x1000000 + i).toString(16))
    )
    expect(got.every((d) => d.environment === 'production')).toBe(true)
    expect(got[249].createdAt).toBe(NEWEST - 249 * HOUR)
    expect(pages()).toHaveLength(3)
    for (const [i, p] of pages().entries()) {
      expect(p).toContain('per_page=100')
      expect(p).toContain(`page=${i + 1}`)
    }
  })

  it('the list ends before count: every deployment, and no page after the short one', async () => {
    seed(130)
    const got = await client(standin).listDeployments('production', 1000)
    expect(got).toHaveLength(130)
    expect(pages()).toHaveLength(2)
  })

  it('a count under a page asks for that many, once', async () => {
    seed(50)
    const got = await client(standin).listDeployments('production', 3)
    expect(got.map((d) => d.sha)).toEqual(['1000000', '1000001', '1000002'])
    expect(pages()).toHaveLength(1)
    expect(pages()[0]).toContain('per_page=3')
  })

  it('a deploy made between two pages shifts the list: the repeat is skipped, none is lost', async () => {
    seed(150)
    const gh = client(standin)
    // The stand-in answers page 1, then a new deployment arrives before page 2 is read.
    const first = gh.listDeployments('production', 150)
    let added = false
    const timer = setInterval(() => {
      if (added || pages().length < 1) return
      added = true
      standin.deployments.push({
        id: 20_000,
        owner: 'acme',
        repo: 'spacetime',
        sha: 'abcdef0',
        ref: 'main',
        task: 'deploy',
        environment: 'production',
        description: null,
        created_at: new Date(NEWEST + HOUR).toISOString().replace(/\.\d+Z$/, 'Z')
      })
    }, 0)
    const got = await first.finally(() => clearInterval(timer))
    const ids = got.map((d) => d.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(got).toHaveLength(150)
    expect(ids).toEqual(Array.from({ length: 150 }, (_, i) => 10_000 - i))
  })
})
