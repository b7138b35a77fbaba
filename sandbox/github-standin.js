// A stand-in for the GitHub API the action uses, on 127.0.0.1 only, in memory, answering with
// GitHub's shapes (checked against GitHub's OpenAPI description in
// __tests__/sandbox/github-standin-openapi.test.ts) and knowing who writes each issue, comment and
// reaction: the REST endpoints of issues, comments, labels, reactions, collaborator permissions,
// deployments and the authenticated user, and the two GraphQL queries the action sends.
// Scripted failures (a 500 once, a 403, a 404) exercise the client's retries and error messages
// through the real Octokit.
//
// The parts, one thing each, under sandbox/github/:
//   accounts.js  ACCOUNTS (the workflow's bot, another App, a look-alike, an outsider, triage,
//                maintainer, admin) and TOKENS that write as them
//   store.js     the data in memory and who may write what
//   shapes.js    GitHub's JSON for users, issues, comments, labels, reactions, deployments
//   graphql.js   POST /graphql: the viewer and an issue with its author and editor
//   server.js    routing, tokens, failures, the request log, and the library API
//   cli.js       the process the demo starts
//
// Library: startGitHubStandin({ failures, tokens, now }) → { url, requests, issues, comments,
//   reactions, deployments, setRole, openIssue, openPullRequest, addComment, addComments,
//   editIssueBody, editComment, addReaction, issueJson, commentJson, account, setFailures, stop }
// CLI (the demo): node sandbox/github-standin.js --port N --out DIR
//   writes each issue and comment as a Markdown file into DIR.
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { main } from './github/cli.js'

export { ACCOUNTS, TOKENS } from './github/accounts.js'
export { startGitHubStandin } from './github/server.js'

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((e) => {
    console.error(e instanceof Error ? e.message : String(e))
    process.exit(2)
  })
}
