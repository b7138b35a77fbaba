#!/usr/bin/env node
// Starts the demo production, deploys a scenario's bad version and keeps running until SIGTERM /
// SIGINT, for a workflow that runs the action with `uses: ./` (.github/workflows/e2e.yml).
//   node sandbox/serve.js --scenario errors --github-env "$GITHUB_ENV" --policy-out policy.yml
// Writes SANDBOX_* variables (health URL, Prometheus URL and queries, SSH port, user, key,
// known_hosts, deployed-at) in the GITHUB_ENV format, the demo policy file, and
// .sandbox/calls.log path; prints "ready" when production is failing.
import fs from 'node:fs'
import crypto from 'node:crypto'
import { demoPolicy, SCENARIOS, startProduction } from './production.js'

const argv = process.argv.slice(2)
const opt = (name, fallback) => {
  const i = argv.indexOf(`--${name}`)
  return i >= 0 ? argv[i + 1] : fallback
}
const scenario = opt('scenario', 'errors')
if (!SCENARIOS[scenario]) {
  console.error(`serve: unknown scenario '${scenario}'`)
  process.exit(2)
}

const production = await startProduction({ log: (l) => console.log(l) })
const stop = async () => {
  await production.stop()
  process.exit(0)
}
process.once('SIGTERM', stop)
process.once('SIGINT', stop)

const deployedAt = production.deploy(scenario)
const vars = {
  SANDBOX_HEALTH_URL: production.healthUrl,
  SANDBOX_PROMETHEUS_URL: production.prometheus.url,
  SANDBOX_ERROR_RATE_QUERY: production.queries.errorRate,
  SANDBOX_LATENCY_QUERY: production.queries.latency,
  SANDBOX_REQUEST_RATE_QUERY: production.queries.requestRate,
  SANDBOX_SSH_PORT: String(production.sshd.port),
  SANDBOX_SSH_USER: production.sshd.user,
  SANDBOX_SSH_KEY: production.sshd.privateKey,
  SANDBOX_KNOWN_HOSTS: production.sshd.knownHosts,
  SANDBOX_DEPLOYED_AT: new Date(deployedAt).toISOString(),
  SANDBOX_CALLS_LOG: `${production.deployDir}/calls.log`
}
const envFile = opt('github-env')
if (envFile) {
  const text = Object.entries(vars)
    .map(([k, v]) => {
      const d = `EOF_${crypto.randomUUID()}`
      return `${k}<<${d}\n${String(v).trimEnd()}\n${d}\n`
    })
    .join('')
  fs.appendFileSync(envFile, text)
}
const policyOut = opt('policy-out')
if (policyOut) fs.writeFileSync(policyOut, demoPolicy())
console.log(`ready: scenario ${scenario} deployed at ${vars.SANDBOX_DEPLOYED_AT}`)
// Bounded: the sandbox never outlives an hour even if nobody stops it.
setTimeout(stop, 60 * 60_000).unref()
setInterval(() => {}, 60_000)
