// The GitHub stand-in and a real Octokit client pointed at it, for the github tests.
import { createGitHub, type GitHubOptions } from '../../src/adapters/github.js'
import { startGitHubStandin } from '../../sandbox/github-standin.js'
import { FAKE_TOKEN } from '../report/fixtures.js'

export type Standin = Awaited<ReturnType<typeof startGitHubStandin>>

export function client(standin: Standin, over: Partial<GitHubOptions> = {}) {
  return createGitHub({
    token: FAKE_TOKEN,
    apiUrl: standin.url,
    owner: 'acme',
    repo: 'spacetime',
    retries: 2,
    retryAfterBaseMs: 1,
    writeSpacingMs: 0,
    timeoutMs: 10_000,
    ...over
  })
}

export { startGitHubStandin }
