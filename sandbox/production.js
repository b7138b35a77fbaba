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
import { readRecords } from './records.js'
import { readCalls, startSshd } from './sshd.js'
import { chownTree } from './sshd/deploy-dir.js'
import { startGitHubStandin } from './github-standin.js'
import { write, writeHostFiles, writeHostScripts } from './production/host.js'
import { demoQueries } from './production/policy.js'
import { GOOD, SCENARIOS } from './production/scenarios.js'

export { demoPolicy, demoQueries } from './production/policy.js'
export { GOOD, SCENARIOS } from './production/scenarios.js'

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
  const started = []
  const stopAll = async () => {
    for (const s of started.reverse()) await s.stop().catch(() => {})
    fs.rmSync(root, { recursive: true, force: true })
  }
  try {
    fs.mkdirSync(deployDir, { recursive: true })
    const backups = writeHostFiles(deployDir, Date.now())

    const service = await startTestService({
      state: GOOD,
      stateFile: path.join(deployDir, 'state.json'),
      rps: 200
    })
    started.push(service)
    log(`test service      ${service.url} (version v1)`)
    const healthUrl = `${service.url}/health`
    writeHostScripts(deployDir, healthUrl)

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
        // Same calls.log format as the fake scripts (sandbox/sshd/fake-scripts.js), with epoch-ms times.
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
