// The GitHub stand-in and a real Octokit client pointed at it, for the github tests. The client's
// token (FAKE_TOKEN) writes as the workflow's bot, as GITHUB_TOKEN does.
import { createGitHub, type GitHubOptions } from '../src/adapters/github.js'
import { ACCOUNTS, TOKENS, startGitHubStandin as start } from '../sandbox/github-standin.js'
import { FAKE_TOKEN } from './records.js'

export type Standin = Awaited<ReturnType<typeof start>>

export function startGitHubStandin(options: Parameters<typeof start>[0] = {}): Promise<Standin> {
  return start({ ...options, tokens: { [FAKE_TOKEN]: ACCOUNTS.ACTION_BOT, ...options.tokens } })
}

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

export { ACCOUNTS, TOKENS }
