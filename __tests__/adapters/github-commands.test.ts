// The endpoints mode command adds, through the real Octokit client against the stand-in, which
// answers with GitHub's shapes: a collaborator's permission and reactions on issue comments.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { client, startGitHubStandin, type Standin } from '../../__fixtures__/standin.js'

let standin: Standin

beforeEach(async () => {
  standin = await startGitHubStandin()
})
afterEach(async () => {
  await standin.stop()
})

describe('getPermission', () => {
  it.each([
    [
      'getPermission: maintain reads as write in permission; role_name says maintain',
      'maintain',
      { permission: 'write', role_name: 'maintain' }
    ],
    ['getPermission: triage reads as read', 'triage', { permission: 'read', role_name: 'triage' }],
    ['getPermission: admin', 'admin', { permission: 'admin', role_name: 'admin' }],
    ['getPermission: none', 'none', { permission: 'none', role_name: 'none' }]
  ] as const)('%s', async (_name, role, answer) => {
    standin.setRole('maria', role)
    expect(await client(standin).getPermission('maria')).toEqual(answer)
    expect(standin.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /repos/acme/spacetime/collaborators/maria/permission'
    ])
  })

  it('getPermission: not a collaborator (404) is null, not an error', async () => {
    expect(await client(standin).getPermission('stranger')).toBeNull()
  })
})

describe('addReaction', () => {
  it('addReaction: 201 the first time, 200 when this account already reacted', async () => {
    const gh = client(standin)
    const issue = await gh.createIssue({ title: 't', body: 'b', labels: [], assignees: [] })
    expect(issue.author).toBe('github-actions[bot]')
    const c = standin.addComment({
      issue: 1,
      body: '/rollback-sentinel status',
      user: { login: 'maria' }
    })
    expect(await gh.addReaction(c.id, 'eyes')).toEqual({ created: true })
    expect(await gh.addReaction(c.id, 'eyes')).toEqual({ created: false })
    expect(standin.reactions).toEqual([
      {
        id: 1,
        comment: c.id,
        content: 'eyes',
        user: { login: 'github-actions[bot]', id: 41898282, type: 'Bot' },
        created_at: expect.any(String)
      }
    ])
    expect(standin.requests.filter((r) => r.method === 'POST').map((r) => r.body)).toContainEqual({
      content: 'eyes'
    })
  })

  it('addReaction: an unknown comment is a 404 GitHubError', async () => {
    await expect(client(standin).addReaction(999999, 'eyes')).rejects.toThrow(
      /GitHub API 404 on POST \/repos\/acme\/spacetime\/issues\/comments\/999999\/reactions/
    )
  })
})
