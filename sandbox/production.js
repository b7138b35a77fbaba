// The demo production: one sandbox used by `npm run demo`, the end-to-end tests and the benchmarks.
// Everything listens on 127.0.0.1 only and stop() ends all of it:
//   - the test service (sandbox/test-service.js) whose live version is <deploy>/state.json,
//   - a real Prometheus scraping it every second,
//   - a real sshd whose test user's home is the deploy directory, holding a rollback.sh that
//     really switches the service back (--quick, --level 2|3 --target ID, --list),
//     validate_rollback.sh and smoke_tests.sh beside it,
//   - a GitHub REST stand-in that stores issues and comments.
// Plain JavaScript: the demo runs it with plain node.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { startTestService } from './test-service.js'
import { startPrometheus } from './prometheus.js'
import { restartScript, rollbackScript, smokeScript, validateScript } from './host-scripts.js'
import { readRecords } from './records.js'
import { readCalls, startSshd } from './sshd.js'
import { startGitHubStandin } from './github-standin.js'

/** The good previous version and, per scenario, the bad new one. */
export const GOOD = { version: 'v1', errorRate: 0.01, latencyMs: 40, health: 'up' }

/** What each scenario's bad version does (state of the service plus files on the host). */
export const SCENARIOS = {
  errors: { state: { errorRate: 0.6 }, story: 'the new version fails 60% of requests (HTTP 500)' },
  slow: { state: { latencyMs: 6000 }, story: 'the new version answers in 6 s (p95 6 s)' },
  down: { state: { health: 'down', errorRate: 1 }, story: 'the new version is down (/health 503)' },
  flaky: { state: { errorRate: 0.2 }, story: 'the new version fails 20% of requests' },
  elevated: { state: { errorRate: 0.07 }, story: 'the new version fails 7% of requests' },
  degraded: { state: { latencyMs: 3000 }, story: 'the new version answers in 3 s (p95 3 s)' },
  corruption: {
    files: ['data/corruption_detected'],
    story: 'the new version corrupts data (data/corruption_detected)'
  },
  database: { files: ['data/db_down'], story: 'the database check fails after the migration' },
  cache: { files: ['data/cache_down'], story: 'the cache check fails after the deploy' },
  'critical-errors': {
    log: [
      'FATAL database connection failed: could not connect to postgres',
      'panic: out of memory'
    ],
    story: 'the new version logs critical errors (database connection failed, out of memory)'
  },
  security: {
    log: [
      'WARN unauthorized access to /admin from 203.0.113.7',
      'ALERT possible breach: malicious payload'
    ],
    story: 'the logs show a security alert (unauthorized access, breach)'
  },
  healthy: { state: {}, story: 'the new version is healthy' },
  blip: { state: {}, blip: true, story: 'one failed health probe, then healthy' }
}

/** Short windows so that a scenario takes seconds, not the runbook's minutes. */
export function demoPolicy({ rateWindow = '10s' } = {}) {
  // Verification judges the last sample: its rate window must hold only post-rollback traffic.
  const verify = { '3s': '4s', '5s': '6s', '10s': '12s' }[rateWindow] ?? '20s'
  return [
    '# Demo policy: the runbook rules with short windows (the runbook says 5m / 15m).',
    'health: { timeout: 3s, slow: 2s, confirm: 2, confirm-interval: 300ms, version-wait: 20s }',
    'error-rate: { critical: 0.50, high: 0.10, elevated: 0.05, high-window: 12s, elevated-window: 24s }',
    'latency: { severe: 5, degraded: 2, severe-window: 12s, degraded-window: 24s }',
    'down: { restart-before: 2m, level-2-after: 5m }',
    'unknown-limit: 4',
    'host-checks:',
    '  every: 1',
    '  timeout: 5s',
    '  corruption: "test -f data/corruption_detected"',
    '  database: "test ! -f data/db_down"',
    '  cache: "test ! -f data/cache_down"',
    '  security: "grep -i -E \'security|breach|unauthorized|malicious\' logs/app.log || true"',
    '  error-log: "tail -n 200 logs/app.log"',
    `rollback: { max-level: 3, timeouts: { 1: 30s, 2: 30s, 3: 30s }, verify: ${verify}, backup-max-age: 24h }`,
    ''
  ].join('\n')
}

export function demoQueries(window = '10s') {
  return {
    errorRate: `(sum(rate(http_requests_total{status=~"5.."}[${window}])) or vector(0)) / sum(rate(http_requests_total[${window}]))`,
    latency: `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[${window}])))`,
    requestRate: `sum(rate(http_requests_total[${window}]))`
  }
}

const stamp = (ms) => new Date(ms).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)

function write(file, text, mode = 0o644) {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, text, { mode })
}

function chownTree(dir, uid, gid) {
  fs.chownSync(dir, uid, gid)
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name)
    if (entry.isDirectory()) chownTree(p, uid, gid)
    else fs.chownSync(p, uid, gid)
  }
}

/** Stands in for Prometheus when a production runs without it. */
const NO_PROMETHEUS = {
  url: '',
  dir: '',
  output: () => '',
  waitForData: async () => 0,
  stop: async () => {}
}

/**
 * Starts the whole sandbox with the good version live.
 * @param {{
 *   rateWindow?: string,
 *   log?: (line: string) => void,
 *   githubFailures?: object[],
 *   history?: string,      // OpenMetrics text of a past (sandbox/history.js) that Prometheus starts with
 *   hosts?: number,        // a fleet: sshd listens on this many ports, each one a "host" (default 1)
 *   jump?: boolean,        // also a jump host: a second sshd that only forwards
 *   prometheus?: boolean   // false: no Prometheus (health and host checks only; starts faster)
 * }} [opts]
 */
export async function startProduction(opts = {}) {
  const log = opts.log ?? (() => {})
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rbs-production-'))
  const deployDir = path.join(root, 'host')
  const node = process.execPath
  const started = []
  const stopAll = async () => {
    for (const s of started.reverse()) await s.stop().catch(() => {})
    fs.rmSync(root, { recursive: true, force: true })
  }
  try {
    fs.mkdirSync(deployDir, { recursive: true })
    const now = Date.now()
    const backups = [now - 26 * 3600_000, now - 3 * 3600_000, now - 30 * 60_000].map((t) => ({
      id: `backup-${stamp(t)}`,
      at: t
    }))
    write(path.join(deployDir, 'releases/v1.json'), JSON.stringify(GOOD))
    for (const b of backups)
      write(path.join(deployDir, `backups/${b.id}.json`), JSON.stringify(GOOD))
    write(
      path.join(deployDir, 'backups/index.txt'),
      backups
        .map((b) => `${b.id}  ${new Date(b.at).toISOString().replace(/\.\d+Z$/, 'Z')}`)
        .join('\n') + '\n'
    )
    write(path.join(deployDir, 'state.json'), JSON.stringify(GOOD))
    write(path.join(deployDir, 'previous'), 'v1\n')
    write(path.join(deployDir, 'current'), 'v1\n')
    write(path.join(deployDir, 'logs/app.log'), 'INFO started v1\n')
    fs.mkdirSync(path.join(deployDir, 'data'), { recursive: true })

    const service = await startTestService({
      state: GOOD,
      stateFile: path.join(deployDir, 'state.json'),
      rps: 200
    })
    started.push(service)
    log(`test service      ${service.url} (version v1)`)
    const healthUrl = `${service.url}/health`
    write(path.join(deployDir, 'deploy/rollback/rollback.sh'), rollbackScript(), 0o755)
    write(path.join(deployDir, 'deploy/rollback/validate_rollback.sh'), validateScript(node), 0o755)
    write(path.join(deployDir, 'deploy/smoke_tests.sh'), smokeScript(node, healthUrl), 0o755)
    write(path.join(deployDir, 'deploy/restart.sh'), restartScript(), 0o755)

    const sshd = await startSshd({ deployDir, ports: opts.hosts ?? 1 })
    started.push(sshd)
    const owner = fs.statSync(deployDir)
    chownTree(deployDir, owner.uid, owner.gid)
    log(`sshd              ${sshd.user}@127.0.0.1:${sshd.ports.join(',')} (home ${deployDir})`)
    const jump = opts.jump
      ? await startSshd({ forwardOnly: true, authorizedKeys: [sshd.publicKey] })
      : undefined
    if (jump) {
      started.push(jump)
      log(`jump host         ${jump.user}@127.0.0.1:${jump.port} (forwarding only)`)
    }

    // Without Prometheus the url is '' and sandboxInputs leaves prometheus-url out.
    const prometheus =
      opts.prometheus === false
        ? NO_PROMETHEUS
        : await startPrometheus({
            targets: [`127.0.0.1:${service.port}`],
            scrapeInterval: '1s',
            history: opts.history
          })
    if (prometheus !== NO_PROMETHEUS) {
      started.push(prometheus)
      log(`prometheus        ${prometheus.url} (scraping every 1s)`)
    }

    const github = await startGitHubStandin({ failures: opts.githubFailures ?? [] })
    started.push(github)
    log(`github stand-in   ${github.url}`)

    const queries = demoQueries(opts.rateWindow ?? '10s')
    await prometheus.waitForData(queries.requestRate, { timeoutMs: 30_000 })

    const userOwned = (file, text) => {
      write(file, text)
      fs.chownSync(file, owner.uid, owner.gid)
    }

    return {
      root,
      deployDir,
      service,
      sshd,
      /** The jump host (opts.jump), forwarding only. */
      jump,
      prometheus,
      github,
      healthUrl,
      queries,
      backups,
      /** "Deploys" the scenario's bad version: the moment production starts failing. */
      deploy(scenario, { version = 'v2' } = {}) {
        const s = SCENARIOS[scenario]
        if (!s)
          throw new Error(
            `unknown scenario '${scenario}': one of ${Object.keys(SCENARIOS).join(', ')}`
          )
        const bad = { ...GOOD, ...(s.state ?? {}), version }
        userOwned(path.join(deployDir, `releases/${version}.json`), JSON.stringify(bad))
        userOwned(path.join(deployDir, 'current'), `${version}\n`)
        for (const f of s.files ?? []) userOwned(path.join(deployDir, f), 'marker\n')
        if (s.log) fs.appendFileSync(path.join(deployDir, 'logs/app.log'), s.log.join('\n') + '\n')
        const at = Date.now()
        userOwned(path.join(deployDir, 'state.json'), JSON.stringify(bad))
        service.setState(bad)
        if (s.blip) {
          // The first health probe after 4 s of watching is refused once: one failed attempt.
          setTimeout(() => service.setState({ refuseNext: 1 }), 4_000).unref()
        }
        return at
      },
      /**
       * Makes the rollback script fail at these levels (escalation scenarios): `2`, or `'1@PORT'`
       * on one host of a fleet only.
       */
      failLevels(levels) {
        userOwned(path.join(deployDir, 'fail-levels'), levels.map(String).join('\n') + '\n')
      },
      /** Makes every rollback call sleep this long first (fractions allowed), quietly. */
      rollbackSleep(seconds) {
        userOwned(path.join(deployDir, 'rollback-sleep'), `${seconds}\n`)
      },
      /** Each host's rollback calls: { port, level, startMs, endMs, exit } (sandbox/records.js). */
      records() {
        return readRecords(deployDir)
      },
      /**
       * Back to the good version with nothing simulated, for the next test of a file that shares
       * this production: v1 live, no markers, no failing levels, no slow rollback, empty logs and
       * records, the stand-in's issues gone, and rates back to normal in Prometheus (bounded by
       * the rate window).
       */
      async reset() {
        for (const f of ['fail-levels', 'rollback-seconds', 'rollback-sleep', 'calls.log'])
          fs.rmSync(path.join(deployDir, f), { force: true })
        fs.rmSync(path.join(deployDir, 'records'), { recursive: true, force: true })
        for (const f of fs.readdirSync(path.join(deployDir, 'data')))
          fs.rmSync(path.join(deployDir, 'data', f), { force: true })
        userOwned(path.join(deployDir, 'logs/app.log'), 'INFO started v1\n')
        userOwned(path.join(deployDir, 'current'), 'v1\n')
        userOwned(path.join(deployDir, 'state.json'), JSON.stringify(GOOD))
        service.setState({ ...GOOD, refuseNext: 0 })
        github.issues.length = 0
        github.comments.length = 0
        github.requests.length = 0
        github.setFailures([])
        if (prometheus === NO_PROMETHEUS) return
        await prometheus.waitForData(queries.errorRate, {
          timeoutMs: 30_000,
          accept: (v) => v < 0.02
        })
        await prometheus.waitForData(queries.latency, { timeoutMs: 30_000, accept: (v) => v < 1 })
      },
      /** Writes a file the test user owns under the deploy dir (e.g. a marker for one port). */
      hostFile(rel, text = 'marker\n') {
        userOwned(path.join(deployDir, rel), text)
      },
      /** Makes every rollback take this many seconds, printing a line each second. */
      slowRollback(seconds) {
        userOwned(path.join(deployDir, 'rollback-seconds'), `${seconds}\n`)
      },
      /** The version the service runs now (state.json, which rollback.sh switches). */
      liveVersion() {
        return JSON.parse(fs.readFileSync(path.join(deployDir, 'state.json'), 'utf8')).version
      },
      /** The calls the host's scripts recorded: { atMs, script, args }. */
      calls() {
        // Same calls.log format as the fake scripts (sandbox/sshd.js), with epoch-ms times.
        return readCalls(deployDir).map(({ at, script, args }) => ({
          atMs: Number(at),
          script,
          args
        }))
      },
      stop: stopAll
    }
  } catch (err) {
    await stopAll()
    throw err
  }
}
