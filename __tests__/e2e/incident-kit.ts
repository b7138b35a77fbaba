// The sandbox production and the helpers the incident-issue end-to-end files share: one
// production per file (real sshd and Prometheus, the GitHub stand-in), the bundle run in mode
// watch or command, comments made as people and the action's own replies read back.
import { demoPolicy, startProduction } from '../../sandbox/production.js'
import { runAction, sandboxInputs } from '../../sandbox/run-action.js'
import { parseStateLine } from '../../src/report/context.js'
import { requireBundle, type Production } from './harness.js'

/** [3s] rate windows: a breach shows in seconds, and a verification of 4s sees only new traffic. */
export const RATE_WINDOW = '3s'

/** The demo policy with a short verification and a backup-max-age the newest backup exceeds. */
export function policy(backupMaxAge = '24h'): string {
  return demoPolicy({ rateWindow: RATE_WINDOW }).replace(
    /^rollback: .*$/m,
    `rollback: { max-level: 3, timeouts: { 1: 30s, 2: 30s, 3: 30s }, verify: 4s, backup-max-age: ${backupMaxAge} }`
  )
}

/** One production for the file (started before its first test, stopped after its last). */
export function incidentKit() {
  let production!: Production
  const cleanups: (() => void)[] = []
  beforeAll(async () => {
    requireBundle()
    production = await startProduction({ rateWindow: RATE_WINDOW })
  }, 60_000)
  afterAll(async () => {
    for (const c of cleanups) c()
    await production?.stop()
  })

  const calls = (): string[] =>
    production.calls().map((c: { script: string; args: string }) => `${c.script} ${c.args}`.trim())
  /** Logins sshd accepted so far (every SSH connection the action made). */
  const logins = (): number =>
    (production.sshd.log().match(/Accepted publickey for /g) ?? []).length
  /** The body of the action's newest comment (its reply). */
  const lastReply = (): string => {
    const own = production.github.comments.filter(
      (c: { user?: { login: string } }) => c.user?.login === 'github-actions[bot]'
    )
    return own[own.length - 1]?.body ?? ''
  }
  /** GitHub writes the action made (GraphQL reads and the 👀 claim aside). */
  const writes = (): string[] =>
    production.github.requests
      .filter(
        (r: { method: string; path: string }) =>
          r.method !== 'GET' && r.path !== '/graphql' && !r.path.endsWith('/reactions')
      )
      .map((r: { method: string; path: string }) => `${r.method} ${r.path}`)
  type StandinIssue = {
    number: number
    body: string
    title: string
    labels: string[]
    user: { id: number }
  }
  const issueNumbered = (n: number): StandinIssue =>
    (production.github.issues as StandinIssue[]).find((i) => i.number === n) as StandinIssue
  /** The action's own incident of an environment (opened by its bot, state line first). */
  const incidentOf = (environment: string): StandinIssue =>
    (production.github.issues as StandinIssue[]).find(
      (i) => i.user.id === 41898282 && parseStateLine(i.body)?.environment === environment
    ) as StandinIssue

  async function act(
    inputs: Record<string, string>,
    opts: { policy?: string; event?: object; runId?: string; runAttempt?: string } = {}
  ) {
    const run = await runAction({
      inputs: sandboxInputs(production, { 'probe-interval': '1s', ...inputs }),
      policy: opts.policy ?? policy(),
      apiUrl: production.github.url,
      ...(opts.event ? { event: opts.event, eventName: 'issue_comment' } : {}),
      ...(opts.runId ? { runId: opts.runId, runAttempt: opts.runAttempt ?? '1' } : {}),
      timeoutMs: 40_000
    })
    cleanups.push(run.cleanup)
    return run
  }

  /** A person comments on the issue; the returned event is what GitHub delivers to the workflow. */
  function commentOn(issue: number, body: string, login: string, type = 'User') {
    const comment = production.github.addComment({ issue, body, user: { login, type } })
    return {
      action: 'created',
      issue: production.github.issueJson(issue),
      comment,
      repository: { full_name: 'acme/spacetime', name: 'spacetime', owner: { login: 'acme' } },
      sender: comment.user
    }
  }

  const command = (event: object, environment = 'production', p?: string) =>
    act(
      {
        mode: 'command',
        environment,
        'stop-command': 'bash deploy/restart.sh stop'
      },
      { event, policy: p }
    )

  return {
    production: () => production,
    calls,
    logins,
    lastReply,
    writes,
    issueNumbered,
    incidentOf,
    act,
    commentOn,
    command
  }
}
