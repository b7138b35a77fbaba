// The GitHub stand-in speaks GitHub's shapes: every operation the action uses is driven through
// the started stand-in over HTTP, and each answer (status and body) is validated against GitHub's
// published OpenAPI description (an extract of @octokit/openapi, see
// __fixtures__/github-openapi/README.md). A field the real API does not send, or a missing
// one it does, fails here rather than letting another test pass on it.
//
// Formats: ajv-formats is not a dependency, so the four formats the extract uses (uri, date-time,
// email, int64) are defined below, strictly enough to reject what GitHub would not send (an
// unescaped `[bot]` in a URL, a time without a zone).
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { Ajv, type ValidateFunction } from 'ajv'
import { ACCOUNTS, TOKENS, startGitHubStandin, type Standin } from '../../__fixtures__/standin.js'

const EXTRACT = path.join(process.cwd(), '__fixtures__/github-openapi/extract.json')
const spec = JSON.parse(fs.readFileSync(EXTRACT, 'utf8')) as {
  paths: Record<string, Record<string, Operation>>
  components: { responses: Record<string, Response> }
}
interface Response {
  $ref?: string
  content?: Record<string, { schema: unknown }>
  headers?: Record<string, unknown>
}
interface Operation {
  operationId: string
  responses: Record<string, Response>
  requestBody?: { content: Record<string, { schema: unknown }> }
}

const ajv = new Ajv({ strict: false, allErrors: true })
// RFC 3986 characters only: brackets, spaces, quotes, braces and bad escapes are not in a URI.
ajv.addFormat('uri', /^[a-z][a-z0-9+.-]*:(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#]|%[0-9A-Fa-f]{2})*$/)
ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/)
ajv.addFormat('email', /^[^\s@]+@[^\s@]+\.[^\s@]+$/)
ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) })
// OpenAPI 3.0's `nullable` adds null to what a schema allows. Ajv reads it only beside a `type`
// and does not add null to an `enum` (state_reason), so both are spelled out here.
function nullableAlternatives(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(nullableAlternatives)
  if (!node || typeof node !== 'object') return node
  const out = Object.fromEntries(
    Object.entries(node).map(([k, v]) => [k, nullableAlternatives(v)])
  ) as Record<string, unknown>
  if (out.nullable === true && Array.isArray(out.enum) && !out.enum.includes(null))
    out.enum = [...out.enum, null]
  if (out.nullable === true && out.type === undefined) {
    delete out.nullable
    return { anyOf: [out, { type: 'null' }] }
  }
  return out
}
ajv.addSchema(nullableAlternatives(spec) as object, 'github')

const pointer = (...parts: string[]) =>
  parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')

function operation(id: string): { route: string; method: string; op: Operation } {
  for (const [route, methods] of Object.entries(spec.paths))
    for (const [method, op] of Object.entries(methods))
      if (op.operationId === id) return { route, method, op }
  throw new Error(`${id} is not in the extract`)
}

const compiled = new Map<string, ValidateFunction>()
/** The validator of an operation's answer with this status (undefined: status not declared). */
function responseValidator(id: string, status: number): ValidateFunction | undefined {
  const { route, method, op } = operation(id)
  const response = op.responses[String(status)]
  if (!response) return undefined
  // A shared answer ($ref to components/responses) is validated where it is defined.
  const at = response.$ref
    ? ['components', 'responses', response.$ref.split('/').pop() as string]
    : ['paths', route, method, 'responses', String(status)]
  const key = pointer(...at)
  if (!compiled.has(key))
    compiled.set(
      key,
      ajv.compile({
        $ref: `github#/${pointer(...at, 'content', 'application/json', 'schema')}`
      })
    )
  return compiled.get(key)
}

/** Operations and statuses validated, to check that every operation was. */
const validated = new Set<string>()
let standin: Standin

interface Answer {
  status: number
  headers: Headers
  json: unknown
}
async function call(
  method: string,
  p: string,
  opts: { token?: string | null; body?: unknown } = {}
): Promise<Answer> {
  const token = opts.token === undefined ? TOKENS.ACTION_BOT : opts.token
  const res = await fetch(`${standin.url}${p}`, {
    method,
    headers: {
      accept: 'application/vnd.github+json',
      ...(token ? { authorization: `token ${token}` } : {}),
      ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {})
    },
    ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {})
  })
  const text = await res.text()
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined }
}

/** Asserts the answer is one the operation declares, with a body its schema accepts. */
function expectValid(id: string, answer: Answer, status: number): void {
  expect(answer.status).toBe(status)
  const validate = responseValidator(id, status)
  if (!validate) throw new Error(`${id} declares no ${status} answer`)
  const ok = validate(answer.json)
  expect(ok ? [] : validate.errors).toEqual([])
  validated.add(`${id} ${status}`)
}

/** The request the action sends is one the operation accepts (the test drives it honestly). */
function expectValidRequest(id: string, body: unknown): void {
  const { route, method } = operation(id)
  const validate = ajv.compile({
    $ref: `github#/${pointer('paths', route, method, 'requestBody', 'content', 'application/json', 'schema')}`
  })
  expect(validate(body) ? [] : validate.errors).toEqual([])
}

const REPO = '/repos/acme/spacetime'

beforeAll(async () => {
  standin = await startGitHubStandin()
})
afterAll(async () => {
  await standin?.stop()
})

describe('the stand-in against GitHub’s OpenAPI description', () => {
  it('issues: create (201, 422 unassignable), get (200, 404), update (200, 403, 422), list (200 with a pull request, Link)', async () => {
    const create = {
      title: '[P1] Production Down',
      body: '<!-- rollback-sentinel environment=production -->\nbody',
      labels: ['incident', 'P1'],
      assignees: ['maria']
    }
    expectValidRequest('issues/create', create)
    const created = await call('POST', `${REPO}/issues`, { body: create })
    expectValid('issues/create', created, 201)
    const issue = created.json as { number: number; url: string; user: { login: string } }
    expect(created.headers.get('location')).toBe(issue.url)
    expect(issue.user.login).toBe('github-actions[bot]')

    const refused = await call('POST', `${REPO}/issues`, {
      body: { ...create, assignees: ['nobody-here'] }
    })
    expectValid('issues/create', refused, 422)
    expect(refused.json).toMatchObject({
      message: 'Validation Failed',
      errors: [{ resource: 'Issue', field: 'assignees', code: 'invalid', value: 'nobody-here' }]
    })

    expectValid('issues/get', await call('GET', `${REPO}/issues/${issue.number}`), 200)
    expectValid('issues/get', await call('GET', `${REPO}/issues/999`), 404)

    expectValidRequest('issues/update', { title: 'retitled' })
    expectValid(
      'issues/update',
      await call('PATCH', `${REPO}/issues/${issue.number}`, { body: { title: 'retitled' } }),
      200
    )
    // Someone without write access cannot edit the bot's issue.
    expectValid(
      'issues/update',
      await call('PATCH', `${REPO}/issues/${issue.number}`, {
        token: TOKENS.OUTSIDER,
        body: { body: 'planted' }
      }),
      403
    )
    expectValid(
      'issues/update',
      await call('PATCH', `${REPO}/issues/${issue.number}`, { body: { title: ' ' } }),
      422
    )

    standin.openPullRequest({ title: 'a pull request', login: ACCOUNTS.MAINTAINER.login })
    for (let k = 0; k < 3; k++)
      standin.openIssue({ title: `question ${k}`, login: ACCOUNTS.OUTSIDER.login })
    const list = await call(
      'GET',
      `${REPO}/issues?state=open&sort=created&direction=desc&per_page=2&page=1`
    )
    expectValid('issues/list-for-repo', list, 200)
    expect(list.headers.get('link')).toMatch(/page=2>; rel="next", <[^>]*page=3>; rel="last"$/)
    const all = await call('GET', `${REPO}/issues?state=all&per_page=100`)
    expectValid('issues/list-for-repo', all, 200)
    expect((all.json as { pull_request?: unknown }[]).filter((i) => i.pull_request)).toHaveLength(1)
  })

  it('comments: create (201, 404), list (200, paged with Link), labels (200)', async () => {
    const issue = standin.openIssue({ title: 'incident', login: ACCOUNTS.MAINTAINER.login })
    expectValidRequest('issues/create-comment', { body: 'resolved' })
    const made = await call('POST', `${REPO}/issues/${issue.number}/comments`, {
      body: { body: 'resolved' }
    })
    expectValid('issues/create-comment', made, 201)
    expect(made.headers.get('location')).toBe((made.json as { url: string }).url)
    expectValid(
      'issues/create-comment',
      await call('POST', `${REPO}/issues/999/comments`, { body: { body: 'x' } }),
      404
    )
    standin.addComments(issue.number, 120, ACCOUNTS.OUTSIDER.login)
    const page2 = await call('GET', `${REPO}/issues/${issue.number}/comments?per_page=100&page=2`)
    expectValid('issues/list-comments', page2, 200)
    expect(page2.json).toHaveLength(21)
    expect(page2.headers.get('link')).toMatch(/page=1>; rel="prev", <[^>]*page=1>; rel="first"$/)

    expectValidRequest('issues/add-labels', { labels: ['resolved'] })
    expectValid(
      'issues/add-labels',
      await call('POST', `${REPO}/issues/${issue.number}/labels`, {
        body: { labels: ['resolved'] }
      }),
      200
    )
  })

  it('reactions: 201 new, 200 already there, 422 unknown content', async () => {
    const issue = standin.openIssue({ title: 'incident', login: ACCOUNTS.MAINTAINER.login })
    const c = standin.addComment(issue.number, '/rollback-sentinel approve', 'maria')
    const url = `${REPO}/issues/comments/${c.id}/reactions`
    expectValidRequest('reactions/create-for-issue-comment', { content: 'eyes' })
    expectValid(
      'reactions/create-for-issue-comment',
      await call('POST', url, { body: { content: 'eyes' } }),
      201
    )
    expectValid(
      'reactions/create-for-issue-comment',
      await call('POST', url, { body: { content: 'eyes' } }),
      200
    )
    expectValid(
      'reactions/create-for-issue-comment',
      await call('POST', url, { body: { content: 'thumbs' } }),
      422
    )
  })

  it('collaborator permission: a role (200), an account without one (200 read), an unknown login (404)', async () => {
    const perm = (login: string) =>
      call('GET', `${REPO}/collaborators/${encodeURIComponent(login)}/permission`)
    const maria = await perm('maria')
    expectValid('repos/get-collaborator-permission-level', maria, 200)
    expect(maria.json).toMatchObject({ permission: 'write', role_name: 'maintain' })
    const mallory = await perm('mallory')
    expectValid('repos/get-collaborator-permission-level', mallory, 200)
    expect(mallory.json).toMatchObject({ permission: 'read', role_name: 'read' })
    expectValid('repos/get-collaborator-permission-level', await perm('no-such-login'), 404)
  })

  it('deployments: the list (200, paged with Link)', async () => {
    for (let k = 0; k < 3; k++)
      standin.deployments.push({
        id: 900 + k,
        owner: 'acme',
        repo: 'spacetime',
        sha: 'a'.repeat(40),
        ref: 'main',
        task: 'deploy',
        environment: 'production',
        description: null,
        created_at: `2026-01-0${k + 1}T10:00:00Z`
      })
    const list = await call('GET', `${REPO}/deployments?environment=production&per_page=2`)
    expectValid('repos/list-deployments', list, 200)
    expect(list.headers.get('link')).toMatch(/rel="next"/)
  })

  it('the authenticated user: 403 for an installation token, 200 for a personal token', async () => {
    const bot = await call('GET', '/user')
    expectValid('users/get-authenticated', bot, 403)
    expect(bot.json).toEqual({
      message: 'Resource not accessible by integration',
      documentation_url: 'https://docs.github.com/rest/users/users#get-the-authenticated-user'
    })
    expectValid(
      'users/get-authenticated',
      await call('GET', '/user', { token: TOKENS.OTHER_BOT }),
      403
    )
    const person = await call('GET', '/user', { token: TOKENS.MAINTAINER })
    expectValid('users/get-authenticated', person, 200)
    expect(person.json).toMatchObject({ login: 'maria', id: ACCOUNTS.MAINTAINER.id, type: 'User' })
  })

  it('every operation of the extract was validated', () => {
    const ids = Object.values(spec.paths).flatMap((m) => Object.values(m).map((o) => o.operationId))
    const seen = new Set([...validated].map((v) => v.split(' ')[0]))
    expect([...ids].sort()).toEqual([...seen].sort())
  })
})

describe('the validator is not a rubber stamp', () => {
  it('rejects broken copies of a valid answer', async () => {
    const issue = standin.openIssue({ title: 'x', login: ACCOUNTS.OUTSIDER.login })
    const good = (await call('GET', `${REPO}/issues/${issue.number}`)).json as Record<
      string,
      Record<string, unknown>
    >
    const validate = responseValidator('issues/get', 200) as ValidateFunction
    expect(validate(good)).toBe(true)
    const broken = (change: (copy: typeof good) => void) => {
      const copy = structuredClone(good)
      change(copy)
      return validate(copy)
    }
    // A user without node_id (the stand-in's old shape).
    expect(broken((c) => delete c.user.node_id)).toBe(false)
    // `[bot]` unescaped in a URL, as GitHub never sends it.
    expect(broken((c) => (c.user.url = `${standin.url}/users/github-actions[bot]`))).toBe(false)
    // An issue without milestone (required, even when null).
    expect(broken((c) => delete c.milestone)).toBe(false)
    // A time without its zone.
    expect(broken((c) => ((c as Record<string, unknown>).created_at = '2026-01-01 10:00'))).toBe(
      false
    )
    // The old permission answer: no user role_name.
    const perm = (await call('GET', `${REPO}/collaborators/maria/permission`)).json as {
      user: Record<string, unknown>
    }
    delete perm.user.role_name
    expect(
      (responseValidator('repos/get-collaborator-permission-level', 200) as ValidateFunction)(perm)
    ).toBe(false)
  })
})
