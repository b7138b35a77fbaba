#!/usr/bin/env node
// npm run bench [-- --quick | --long] [--only 6[,3…]] [--fleet]
// Measures the bundled action (dist/index.js, run under Node 24 exactly as the runner does)
// against the sandbox production on 127.0.0.1 and prints each figure with its method, its target
// and PASS/MISS (or "info" for a figure without a target), then a table (also written to
// bench-output/bench.md for docs/performance.md):
//   1. detection latency: bad version starts failing → rollback.sh starts on the host
//   2. cold start: spawn → first /health request, as a ratio to `node -e 0` (information)
//   3. bundle size of dist/ (information)
//   4. a long watch at 5 s: CPU seconds and peak RSS of the action process (skipped by --quick)
//   5. cadence drift over 100 probe cycles at 500 ms
//   6. probe overhead: the probes' axios client against a bare node:http GET, per request
//   7. mode replay: 100, 300 and 1,000 deploys against a backfilled Prometheus (wall time, peak
//      RSS, split, decide rate)
//   8. the two-speed error rate: a 60% step with the default queries, before and after
//      (scripts/bench-replay.js)
//   9. a fleet of 50 hosts: Level 1 in waves, logins per host, CPU/RSS, a host-check cycle
//      (scripts/bench-fleet.js)
//  10. the metric providers against their stand-ins (scripts/bench-providers.js)
//  11. the Ansible executor at scale: Level 1 on 500 hosts (a team inventory) in waves of 50,
//      wall time against 1.5 × the ideal, the action's and Ansible's CPU and memory, and the
//      built-in SSH executor on 50 and 500 hosts beside it (scripts/bench-ansible.js; minutes)
// --quick: fewer runs, no long watch. --long: the issue's full 10-minute watch (default 2 min).
// --only: just the listed figures (e.g. --only 6 takes seconds instead of minutes).
// --fleet: figure 9 only (the same as --only 9).
// --only 10: the metric providers (Prometheus, Datadog, web, CloudWatch) against their stand-ins, in seconds.
// --only 11: the Ansible executor at scale (needs ansible-playbook; a few minutes); --quick skips it.
// Everything it starts listens on 127.0.0.1 and is stopped on the way out, failures included.
import { execFile, spawn } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { demoPolicy, startProduction } from '../sandbox/production.js'
import { ansibleBench } from './bench-ansible.js'
import { fleetBench } from './bench-fleet.js'
import { providersBench } from './bench-providers.js'
import { actionNode, ROOT, runAction, sandboxInputs } from '../sandbox/run-action.js'
import { transpileSources } from '../sandbox/transpile.js'
import {
  clkTck,
  deferred,
  fmtMs,
  fmtS,
  machineInfo,
  mark,
  markdownTable,
  median,
  nowMs,
  readMemory,
  readStat,
  sleep,
  startHealthServer,
  textTable,
  waitForChild,
  withTimeout
} from './bench-lib.js'
import { replayScale, twoSpeed } from './bench-replay.js'

const DIST = path.join(ROOT, 'dist')
const DIST_INDEX = path.join(DIST, 'index.js')
const OUT_DIR = path.join(ROOT, 'bench-output')
const ACTION_NEEDLE = path.join(ROOT, 'dist/index.js')
const MB = 1_000_000
const FIGURE_IDS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11']

function parseArgs() {
  const opts = { quick: false, long: false, only: /** @type {string[] | null} */ (null) }
  const args = process.argv.slice(2)
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (a === '--quick') opts.quick = true
    else if (a === '--long') opts.long = true
    else if (a === '--fleet') opts.only = ['9']
    else if (a === '--only' || a.startsWith('--only=')) {
      const list = a === '--only' ? (args[++i] ?? '') : a.slice('--only='.length)
      opts.only = list.split(',').filter(Boolean)
      const unknown = opts.only.filter((id) => !FIGURE_IDS.includes(id))
      if (opts.only.length === 0 || unknown.length) {
        console.error(`bench: --only takes figure numbers from ${FIGURE_IDS.join(',')}`)
        process.exit(2)
      }
    } else if (a === '--help' || a === '-h') {
      console.log('usage: npm run bench -- [--quick | --long] [--only 6[,3…]] [--fleet]')
      console.log('  --quick  fewer runs, no long watch (figure 4 skipped)')
      console.log('  --long   the full 10-minute watch for figure 4 (default: 2 minutes)')
      console.log(`  --only   just these figures (${FIGURE_IDS.join(', ')})`)
      console.log(
        '  --fleet  figure 9 only: a fleet of 50 hosts (Level 1 in waves, logins, CPU/RSS)'
      )
      console.log(
        '  figure 11 (--only 11): the Ansible executor on 500 hosts, the built-in on 50 and 500'
      )
      process.exit(0)
    } else {
      console.error(`bench: unknown argument '${a}' (try --help)`)
      process.exit(2)
    }
  }
  if (opts.quick && opts.long) {
    console.error('bench: --quick and --long exclude each other')
    process.exit(2)
  }
  return opts
}

const bold = (s) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s)
const dim = (s) => (process.stdout.isTTY ? `\x1b[2m${s}\x1b[0m` : s)

// ---------------------------------------------------------------------------------------------
// Bookkeeping: results, and what must be stopped on the way out.

/**
 * @typedef {object} Figure
 * @property {string} id        '1a', '2', …
 * @property {string} name
 * @property {string} value
 * @property {string} target    '' for figures reported without a target
 * @property {boolean | null} ok  null: information, no target
 * @property {string} method
 */
/** @type {Figure[]} */
const figures = []
/** @type {string[]} */
const errors = []

function record(fig) {
  figures.push(fig)
  const verdict = fig.ok === null ? 'info' : mark(fig.ok)
  console.log(
    `  ${bold(`[${fig.id}] ${fig.name}: ${fig.value}`)}${fig.target ? `  (target ${fig.target})` : ''}  → ${verdict}`
  )
  console.log(dim(`       method: ${fig.method}`))
}

/** Stop functions of whatever is running now (productions, servers, the action child). */
const running = new Set()
function track(stop) {
  running.add(stop)
  return async () => {
    running.delete(stop)
    await stop()
  }
}
async function stopEverything() {
  for (const stop of [...running].reverse()) {
    running.delete(stop)
    await Promise.resolve()
      .then(stop)
      .catch(() => {})
  }
}

/** Kills the action child by its pid (only ours: found as a child of this process). */
function killPid(pid, signal = 'SIGKILL') {
  if (!pid) return
  try {
    process.kill(pid, signal)
  } catch {
    // already gone
  }
}

/** startProduction(), stopped on the way out even when interrupted while it starts. */
async function startTrackedProduction(opts) {
  const pending = startProduction(opts)
  const stop = track(async () => (await pending).stop())
  const production = await pending.catch(async (e) => {
    await stop().catch(() => {})
    throw e
  })
  return { production, stop }
}

/** Runs the action, finding its pid; the pid is killed if the bench stops early. */
async function startAction(opts) {
  const t0 = nowMs()
  const done = runAction(opts)
  const pid = await waitForChild(process.pid, ACTION_NEEDLE, 10_000)
  const untrack = track(() => killPid(pid))
  const result = done.finally(() => untrack())
  return { t0, pid, result }
}

/** sha256 (12 hex) over the names and contents of dist/'s .js/.cjs files: detects a rebuild mid-run. */
function distFingerprint() {
  const hash = crypto.createHash('sha256')
  try {
    for (const f of fs
      .readdirSync(DIST)
      .filter((n) => /\.(c?js)$/.test(n))
      .sort()) {
      hash.update(f + '\0')
      hash.update(fs.readFileSync(path.join(DIST, f)))
    }
  } catch {
    return 'missing'
  }
  return hash.digest('hex').slice(0, 12)
}

// ---------------------------------------------------------------------------------------------
// 3. Bundle size

function bundleSize() {
  console.log(bold('\n3. Bundle size (dist/)'))
  const files = fs
    .readdirSync(DIST)
    .filter((f) => /\.(c?js)$/.test(f))
    .map((f) => ({ file: f, bytes: fs.statSync(path.join(DIST, f)).size }))
    .sort((a, b) => (a.file === 'index.js' ? -1 : b.file === 'index.js' ? 1 : b.bytes - a.bytes))
  const index = files.find((f) => f.file === 'index.js')
  if (!index) throw new Error('dist/index.js is missing: run npm run build')
  const others = files.filter((f) => f !== index)
  const total = files.reduce((s, f) => s + f.bytes, 0)
  const fmt = (b) => `${b.toLocaleString('en-US')} B`
  record({
    id: '3',
    name: 'dist/index.js size',
    value: `${fmt(index.bytes)} (${(index.bytes / MB).toFixed(2)} MB)`,
    target: '',
    ok: null,
    method: `fs.stat of dist/index.js; information, no target; other chunks beside it: ${
      others.map((f) => `${f.file} ${fmt(f.bytes)}`).join(', ') || 'none'
    }`
  })
  record({
    id: '3b',
    name: 'all .js/.cjs in dist/ together',
    value: `${fmt(total)} (${(total / MB).toFixed(2)} MB, ${files.length} files)`,
    target: '',
    ok: null,
    method:
      'sum of every .js/.cjs file in dist/ (index.js plus the chunks ncc split off for dynamic imports); information, no target'
  })
}

// ---------------------------------------------------------------------------------------------
// 6. Probe overhead

async function probeOverhead(count) {
  console.log(bold('\n6. Probe overhead (axios client vs bare node:http GET)'))
  const sources = transpileSources()
  const removeSources = track(async () => sources.cleanup())
  const server = await startHealthServer()
  const stopServer = track(() => server.close())
  try {
    const node = actionNode()
    const { stdout } = await promisify(execFile)(
      node,
      [path.join(ROOT, 'scripts/bench-probe.js'), sources.file('adapters/http'), server.url, count],
      { timeout: 120_000, maxBuffer: 16 * MB }
    )
    const { node: version, bare, client } = JSON.parse(stdout.trim().split('\n').pop())
    const bareMs = median(bare)
    const clientMs = median(client)
    const fmt = (ms) => `${(ms * 1000).toFixed(0)} µs`
    record({
      id: '6',
      name: 'probe overhead per request (median)',
      value: `+${fmt(clientMs - bareMs)} (${fmt(clientMs)} with the probes' client vs ${fmt(bareMs)} bare)`,
      target: '',
      ok: null,
      method: `${count} sequential GETs each way of a loopback 200 server (Connection: close, a new connection each), interleaved one by one, after 20 warm-up GETs each, on Node ${version} (the action's); the probes' client is src/adapters/http.ts itself (createHttpClient, no proxy, no extra CA), transpiled to JavaScript by sandbox/transpile.js (types dropped; the same code and agent settings the bundle runs), bare is http.get with agent: false reading the body to the end`
    })
  } finally {
    await stopServer()
    await removeSources()
  }
}

// ---------------------------------------------------------------------------------------------
// 2. Cold start

function nodeE0(node) {
  return new Promise((resolve, reject) => {
    const t0 = nowMs()
    const child = spawn(node, ['-e', '0'], {
      stdio: 'ignore',
      env: { PATH: process.env.PATH, HOME: process.env.HOME }
    })
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    child.once('error', (e) => {
      clearTimeout(killer)
      reject(e)
    })
    child.once('exit', (code) => {
      clearTimeout(killer)
      if (code === 0) resolve(nowMs() - t0)
      else reject(new Error(`node -e 0 exited with ${code}`))
    })
  })
}

async function coldStart(runs) {
  console.log(bold(`\n2. Cold start (median of ${runs} runs each, after one warm-up run each)`))
  const node = actionNode()
  const server = await startHealthServer()
  const close = track(server.close)
  try {
    const once = async () => {
      const before = server.hits.length
      let firstLine
      const { t0, result } = await startAction({
        inputs: { 'health-url': server.url, 'watch-duration': '500ms', 'probe-interval': '500ms' },
        onLine: () => (firstLine ??= nowMs()),
        timeoutMs: 30_000
      })
      const r = await result
      r.cleanup()
      const hit = server.hits[before]
      if (r.code !== 0 || hit === undefined)
        throw new Error(
          `cold-start run failed (exit ${r.code}): ${r.stderr || r.stdout.slice(-400)}`
        )
      return { probe: hit - t0, line: firstLine - t0 }
    }
    await nodeE0(node)
    await once()
    const base = []
    const action = []
    for (let i = 0; i < runs; i++) {
      base.push(await nodeE0(node))
      action.push(await once())
    }
    const b = median(base)
    const a = median(action.map((x) => x.probe))
    const l = median(action.map((x) => x.line))
    const ratio = a / b
    console.log(
      dim(
        `       node -e 0: ${base.map((x) => x.toFixed(0)).join(', ')} ms; action to first /health: ${action
          .map((x) => x.probe.toFixed(0))
          .join(
            ', '
          )} ms; to first stdout line: ${action.map((x) => x.line.toFixed(0)).join(', ')} ms`
      )
    )
    record({
      id: '2',
      name: 'cold start, spawn → first probe',
      value: `${ratio.toFixed(2)}× node -e 0 (${fmtMs(a)} vs ${fmtMs(b)}; first stdout line at ${fmtMs(l)})`,
      target: '',
      ok: null,
      method: `information, no target; ${node} dist/index.js via sandbox/run-action.js (the runner's env, INPUT_* vars) with health-url only (no Prometheus, SSH or GitHub: those add network round trips, not start-up); clock from just before runAction() (<1 ms of temp-file writes before the spawn) to the arrival of the first request at a loopback HTTP server; baseline: spawn → exit of \`node -e 0\` under the same binary; medians of ${runs}, runs interleaved`
    })
  } finally {
    await close()
  }
}

// ---------------------------------------------------------------------------------------------
// 5. Cadence drift

async function cadenceDrift(cycles) {
  const intervalMs = 500
  const durationMs = cycles * intervalMs
  console.log(bold(`\n5. Cadence drift (${cycles} cycles at ${intervalMs} ms)`))
  const server = await startHealthServer()
  const close = track(server.close)
  try {
    const { result } = await startAction({
      inputs: {
        'health-url': server.url,
        'watch-duration': `${durationMs / 1000}s`,
        'probe-interval': `${intervalMs}ms`
      },
      timeoutMs: durationMs + 60_000
    })
    const r = await result
    r.cleanup()
    if (r.code !== 0) throw new Error(`drift run failed (exit ${r.code}): ${r.stderr}`)
    const hits = server.hits
    if (hits.length < 2) throw new Error(`only ${hits.length} /health request(s) arrived`)
    const a0 = hits[0]
    /** @type {Map<number, number>} first arrival per cycle */
    const perCycle = new Map()
    for (const h of hits) {
      const k = Math.round((h - a0) / intervalMs)
      if (!perCycle.has(k)) perCycle.set(k, h)
    }
    const ks = [...perCycle.keys()].sort((x, y) => x - y)
    const drift = ks.map((k) => perCycle.get(k) - (a0 + k * intervalMs))
    const maxAbs = Math.max(...drift.map(Math.abs))
    const final = drift[drift.length - 1]
    const expected = cycles + 1
    const lastK = ks[ks.length - 1]
    console.log(
      dim(
        `       ${hits.length} requests, ${ks.length} cycles (expected ${expected}: slots 0…${cycles}), last slot ${lastK}; drift median ${median(drift).toFixed(1)} ms, min ${Math.min(...drift).toFixed(1)} ms, max ${Math.max(...drift).toFixed(1)} ms`
      )
    )
    record({
      id: '5',
      name: `cadence drift over ${ks.length - 1} cycles`,
      value: `max |drift| ${maxAbs.toFixed(1)} ms, final ${final >= 0 ? '+' : ''}${final.toFixed(1)} ms${ks.length === expected ? '' : ` (${expected - ks.length} slot(s) missing)`}`,
      target: '≤ 100 ms',
      ok: maxAbs <= 100 && ks.length === expected,
      method: `probe-interval 500ms, watch-duration ${durationMs / 1000}s, health-url only; arrival of each cycle's first /health request at a loopback server; drift_k = arrival_k − (arrival_0 + k × 500 ms) (arrival_0 carries the first request's own warm-up, so later drifts read slightly negative)`
    })
  } finally {
    await close()
  }
}

// ---------------------------------------------------------------------------------------------
// 1. Detection latency

/** The error-rate query with irate (the last two scrapes in the window) instead of rate. */
const irateErrorQuery = (window) =>
  `(sum(irate(http_requests_total{status=~"5.."}[${window}])) or vector(0)) / sum(irate(http_requests_total[${window}]))`

async function detectionRun({ scenario, intervalS, window, restart = true, irate = false }) {
  const intervalMs = intervalS * 1000
  const label = `${scenario} @${intervalS}s, ${irate ? 'irate' : 'rate'} window [${window}]${restart ? '' : ', no restart-command'}`
  const { production, stop: stopProduction } = await startTrackedProduction({ rateWindow: window })
  try {
    const firstWatch = deferred()
    /** @type {{ at: number, line: string }[]} */
    const lines = []
    const started = Date.now()
    const { pid, result } = await startAction({
      inputs: sandboxInputs(production, {
        'watch-duration': '2m',
        'probe-interval': `${intervalS}s`,
        'deployed-at': new Date(started).toISOString(),
        ...(restart ? {} : { 'restart-command': '' }),
        ...(irate ? { 'error-rate-query': irateErrorQuery(window) } : {})
      }),
      policy: demoPolicy(),
      apiUrl: production.github.url,
      onLine: (line) => {
        const at = nowMs()
        lines.push({ at, line })
        if (line.startsWith('[watch')) firstWatch.resolve(at)
      },
      timeoutMs: 4 * 60_000
    })
    let done = false
    const ended = result.then((r) => {
      done = true
      return { r }
    })
    const first = await withTimeout(
      Promise.race([firstWatch.promise.then((at) => ({ at })), ended]),
      60_000,
      `${label}: first [watch line`
    ).catch((e) => {
      killPid(pid)
      throw e
    })
    if ('r' in first) {
      first.r.cleanup()
      throw new Error(
        `${label}: the action ended before its first probe (exit ${first.r.code}): ${(first.r.stderr || first.r.stdout).trim().slice(-600)}`
      )
    }
    const deployAt = production.deploy(scenario)
    // Bounded wait for rollback.sh; the watch would otherwise run its 2 minutes.
    const limit = deployAt + intervalMs + 60_000
    const rollbackCall = () =>
      production.calls().find((c) => c.script === 'rollback.sh' && c.atMs >= deployAt)
    while (!done && !rollbackCall() && Date.now() < limit) await sleep(100)
    if (!done && !rollbackCall()) killPid(pid, 'SIGTERM')
    const { r } = await withTimeout(ended, 90_000, `${label}: action exit`).catch((e) => {
      killPid(pid)
      throw e
    })
    r.cleanup()
    const calls = production.calls().filter((c) => c.atMs >= deployAt)
    const rb = calls.find((c) => c.script === 'rollback.sh')
    const rs = calls.find((c) => c.script === 'restart.sh')
    const verdictLine = lines.find(
      (l) => l.at >= deployAt && / → (rollback|restart|isolate|manual) /.test(l.line)
    )
    return {
      label,
      scenario,
      intervalS,
      window,
      restart,
      latencyMs: rb ? rb.atMs - deployAt : NaN,
      restartMs: rs ? rs.atMs - deployAt : NaN,
      verdictMs: verdictLine ? verdictLine.at - deployAt : NaN,
      deployAfterProbeMs: deployAt - first.at,
      rule: r.outputs.rule ?? '?',
      decision: r.outputs.decision ?? '?',
      rollbackStatus: r.outputs['rollback-status'] ?? '?',
      code: r.code
    }
  } finally {
    await stopProduction()
  }
}

async function detection(quick) {
  const plan = [
    { scenario: 'down', intervalS: 2, window: '10s' },
    { scenario: 'down', intervalS: 5, window: '10s' },
    { scenario: 'errors', intervalS: 2, window: '10s' },
    { scenario: 'errors', intervalS: 5, window: '10s' },
    { scenario: 'errors', intervalS: 2, window: '5s' },
    { scenario: 'errors', intervalS: 5, window: '5s' },
    { scenario: 'down', intervalS: 2, window: '10s', restart: false },
    { scenario: 'down', intervalS: 5, window: '10s', restart: false },
    { scenario: 'errors', intervalS: 2, window: '5s', irate: true },
    { scenario: 'errors', intervalS: 5, window: '5s', irate: true }
  ].filter((p) => !quick || p.intervalS === 2)
  console.log(
    bold(
      `\n1. Detection latency (${plan.length} runs, each on a fresh sandbox production, ~30 s each)`
    )
  )
  let n = 0
  for (const p of plan) {
    const id = `1${String.fromCharCode(97 + n++)}`
    try {
      const d = await detectionRun(p)
      const targetMs = p.intervalS * 1000 + 3000
      console.log(
        dim(
          `       ${d.label}: deploy ${fmtMs(d.deployAfterProbeMs)} after the first probe's line; verdict line +${fmtS(d.verdictMs)}${Number.isFinite(d.restartMs) ? `, restart.sh +${fmtS(d.restartMs)}` : ''}, rollback.sh +${fmtS(d.latencyMs)}; outputs: ${d.decision} / ${d.rule} / rollback ${d.rollbackStatus}, exit ${d.code}`
        )
      )
      const windowNote =
        p.scenario === 'errors'
          ? p.irate
            ? ` The error-rate query uses irate(...[${p.window}]) (the last two scrapes, 1 s apart): the ratio steps up within a scrape, so the probe interval dominates; irate is noisier than rate.`
            : ` The error-rate rule reads rate(...[${p.window}]) from Prometheus (scrape 1s): the ratio climbs over the window after the step, so the window, not the probe interval, dominates.`
          : d.restart
            ? ' After being up, the runbook says restart first: restart.sh, then the next probe, then Level 1.'
            : ' Without restart-command the down rule goes straight to Level 1.'
      record({
        id,
        name: `detection, ${d.label}`,
        value: Number.isFinite(d.latencyMs)
          ? `${fmtS(d.latencyMs)}${Number.isFinite(d.restartMs) ? ` (restart.sh at ${fmtS(d.restartMs)})` : ''}`
          : 'no rollback.sh call',
        target: `≤ ${fmtS(targetMs)} (interval + 3 s)`,
        ok: Number.isFinite(d.latencyMs) && d.latencyMs <= targetMs,
        method: `fresh sandbox production; action started healthy (watch-duration 2m, probe-interval ${p.intervalS}s, deployed-at = its start), deploy('${p.scenario}') right after its first [watch line (so the failure lands just after a probe: near the worst phase); latency = first rollback.sh atMs in calls() − deploy()'s return.${windowNote}`
      })
    } catch (e) {
      errors.push(`1 (${p.scenario} @${p.intervalS}s [${p.window}]): ${e.message}`)
      console.log(`  [${id}] ERROR: ${e.message}`)
    }
  }
}

// ---------------------------------------------------------------------------------------------
// 4. Long watch: CPU and peak RSS

async function longWatch(minutes) {
  console.log(
    bold(
      `\n4. Long watch: ${minutes} minute(s) at probe-interval 5s against the healthy sandbox (Prometheus + SSH host checks)`
    )
  )
  const tck = clkTck()
  const { production, stop: stopProduction } = await startTrackedProduction()
  try {
    let firstWatchAt
    const selfBefore = readStat('self')
    const { t0, pid, result } = await startAction({
      inputs: sandboxInputs(production, {
        'watch-duration': `${minutes}m`,
        'probe-interval': '5s'
      }),
      policy: demoPolicy(),
      apiUrl: production.github.url,
      onLine: (line) => {
        if (!firstWatchAt && line.startsWith('[watch')) firstWatchAt = nowMs()
      },
      timeoutMs: minutes * 60_000 + 120_000
    })
    if (!pid) throw new Error('could not find the action process in /proc')
    let done = false
    const ended = result.then((r) => {
      done = true
      return r
    })
    /** @type {{ at: number, ticks: number, childTicks: number, hwmKb: number, rssKb: number }[]} */
    const samples = []
    const deadline = Date.now() + minutes * 60_000 + 150_000
    while (!done && Date.now() < deadline) {
      const s = readStat(pid)
      const m = readMemory(pid)
      if (s && s.state !== 'Z')
        samples.push({
          at: nowMs(),
          ticks: s.utime + s.stime,
          childTicks: s.cutime + s.cstime,
          hwmKb: m?.hwmKb ?? NaN,
          rssKb: m?.rssKb ?? NaN
        })
      await Promise.race([sleep(1000), ended])
    }
    if (!done) killPid(pid)
    const r = await withTimeout(ended, 30_000, 'long watch: action exit')
    r.cleanup()
    const selfAfter = readStat('self')
    if (samples.length < 2) throw new Error(`only ${samples.length} /proc sample(s)`)
    const last = samples[samples.length - 1]
    const wallS = r.durationMs / 1000
    const ownS = last.ticks / tck
    const treeS =
      selfBefore && selfAfter
        ? (selfAfter.cutime + selfAfter.cstime - selfBefore.cutime - selfBefore.cstime) / tck
        : NaN
    const peakKb = Math.max(...samples.map((s) => s.hwmKb).filter(Number.isFinite))
    // Start-up (loading the bundle, SSH preflight) vs the steady watch after the first probe.
    const startSample = samples.find((s) => firstWatchAt && s.at >= firstWatchAt) ?? samples[0]
    const startupS = startSample.ticks / tck
    const steadyRate = (last.ticks - startSample.ticks) / tck / ((last.at - startSample.at) / 1000)
    const startupWall = (startSample.at - t0) / 1000
    const projected10 = (startupS + steadyRate * Math.max(0, 600 - startupWall)) / 600
    const pct = (x) => `${(x * 100).toFixed(2)}%`
    const measuredRate = ownS / wallS
    const full = minutes >= 10
    console.log(
      dim(
        `       ${samples.length} samples; exit ${r.code}, decision ${r.outputs.decision}, ${r.outputs.samples} probe cycles; wall ${wallS.toFixed(1)} s; action CPU ${ownS.toFixed(2)} s (start-up ${startupS.toFixed(2)} s, then ${pct(steadyRate)} of a core); its reaped children (ssh) ${(last.childTicks / tck).toFixed(2)} s by the last sample; whole tree ${treeS.toFixed(2)} s`
      )
    )
    record({
      id: '4a',
      name: `CPU of the action process, ${minutes}-minute watch`,
      value: full
        ? `${ownS.toFixed(2)} s CPU in ${wallS.toFixed(0)} s = ${pct(measuredRate)} of a core`
        : `${ownS.toFixed(2)} s CPU in ${wallS.toFixed(0)} s = ${pct(measuredRate)} of a core; ${(measuredRate * 60).toFixed(2)} s per minute; 10 min extrapolated: ${pct(projected10)}`,
      target: '≤ 1% of one core',
      ok: (full ? measuredRate : projected10) <= 0.01,
      method: `${full ? '' : `a ${minutes}-minute run, extrapolated (start-up CPU + the steady rate after the first probe × the rest of 10 minutes; PASS/MISS on the extrapolation); `}utime+stime of /proc/<pid>/stat sampled every 1 s until exit (ticks ${tck}/s; the last < 1 s before exit is not seen), over the wall time from spawn to exit; CPU % of one core = CPU s / wall s. Healthy sandbox: health + 3 Prometheus queries + 5 host checks over SSH every cycle`
    })
    record({
      id: '4b',
      name: 'CPU of the action with its ssh children',
      value: `${treeS.toFixed(2)} s = ${pct(treeS / wallS)} of a core`,
      target: '',
      ok: null,
      method:
        "delta of this bench process's cutime+cstime (/proc/self/stat) across the run: the action plus every child it reaped (the ssh clients of the host checks and preflight); exact at exit"
    })
    record({
      id: '4c',
      name: 'peak RSS of the action process',
      value: `${(peakKb / 1024).toFixed(1)} MiB (${((peakKb * 1024) / MB).toFixed(1)} MB)`,
      target: '≤ 80 MB',
      ok: (peakKb * 1024) / MB <= 80,
      method: `max VmHWM of /proc/<pid>/status over the 1 s samples (${minutes}-minute run)`
    })
  } finally {
    await stopProduction()
  }
}

// ---------------------------------------------------------------------------------------------

function writeMarkdown(machine, opts, mode) {
  const rows = figures.map((f) => [
    f.id,
    f.name,
    f.value,
    f.target || '—',
    f.ok === null ? 'info' : mark(f.ok)
  ])
  const missed = figures.filter((f) => f.ok === false)
  const md = [
    '# rollback-sentinel benchmarks',
    '',
    `\`npm run bench${opts.quick ? ' -- --quick' : opts.long ? ' -- --long' : ''}${opts.only ? `${opts.quick || opts.long ? '' : ' --'} --only ${opts.only.join(',')}` : ''}\` (${mode}), ${machine.date}. Everything on 127.0.0.1 (the sandbox production of \`sandbox/\`).`,
    '',
    markdownTable(
      ['Machine', ''],
      [
        ['CPU', machine.cpu],
        ['Cores', machine.cores],
        ['RAM', `${machine.ramGiB} GiB`],
        ['Kernel', machine.kernel],
        ['Node (action)', `${machine.actionNode} (${path.relative(ROOT, machine.actionNodePath)})`],
        ['Node (bench)', machine.benchNode],
        ['dist/index.js', machine.build],
        ['Date', machine.date]
      ]
    ),
    '',
    markdownTable(['#', 'Figure', 'Value', 'Target', 'Result'], rows),
    '',
    missed.length
      ? `Missed: ${missed.map((f) => `${f.id} (${f.name}: ${f.value}; target ${f.target})`).join('; ')}.`
      : 'Every figure with a target met it.',
    ...(errors.length ? ['', `Not measured (errors): ${errors.join('; ')}.`] : []),
    '',
    '## Methods',
    '',
    ...figures.map((f) => `- **${f.id}** ${f.name}: ${f.method}`),
    ''
  ].join('\n')
  fs.mkdirSync(OUT_DIR, { recursive: true })
  // A partial run (--only) does not overwrite the full table.
  const file = path.join(OUT_DIR, opts.only ? `bench-only-${opts.only.join('-')}.md` : 'bench.md')
  fs.writeFileSync(file, md)
  return file
}

async function main() {
  const opts = parseArgs()
  const started = Date.now()
  if (!fs.existsSync(DIST_INDEX)) {
    console.error('bench: dist/index.js is missing: run npm run build first')
    process.exit(1)
  }
  const machine = machineInfo({ actionNodePath: actionNode(), distFile: DIST_INDEX })
  const buildAtStart = distFingerprint()
  machine.build += `; all dist/*.js ${buildAtStart}`
  const minutes = opts.long ? 10 : 2
  const mode = opts.only
    ? `only figure ${opts.only.join(', ')}`
    : opts.quick
      ? 'quick: fewer runs, no long watch'
      : opts.long
        ? 'long: full 10-minute watch'
        : 'default: 2-minute watch extrapolated to 10 minutes'
  console.log(bold(`rollback-sentinel benchmarks (${mode})`))
  console.log(
    dim(
      `${machine.cpu}, ${machine.cores} cores, ${machine.ramGiB} GiB; action on Node ${machine.actionNode}, bench on ${machine.benchNode}; dist/index.js ${machine.build}`
    )
  )

  const steps = [
    ['3', () => bundleSize()],
    ['2', () => coldStart(opts.quick ? 3 : 5)],
    ['5', () => cadenceDrift(opts.quick ? 50 : 100)],
    ['6', () => probeOverhead(opts.quick ? 200 : 500)],
    ['7', () => replayScale({ record, track, log: (l) => console.log(bold(l)) })],
    ['8', () => twoSpeed({ record, track, log: (l) => console.log(l) })],
    ['9', () => fleetBench({ record, startTrackedProduction, startAction, bold, dim })],
    [
      '10',
      () =>
        providersBench({
          record,
          track,
          startTrackedProduction,
          bold,
          cycles: opts.quick ? 100 : 300
        })
    ],
    ['11', () => ansibleBench({ record, startTrackedProduction, startAction, bold, dim })],
    ['1', () => detection(opts.quick)],
    ...(opts.quick ? [] : [['4', () => longWatch(minutes)]])
  ].filter(([id]) =>
    opts.only ? opts.only.includes(id) : !(opts.quick && (id === '9' || id === '11'))
  )
  for (const [id, step] of steps) {
    try {
      await step()
    } catch (e) {
      errors.push(`${id}: ${e.message}`)
      console.log(`  [${id}] ERROR: ${e.stack ?? e}`)
    } finally {
      await stopEverything()
    }
  }
  if (opts.quick && !opts.only)
    console.log(dim('\n4. Long watch, 9. fleet and 11. Ansible at scale: skipped (--quick)'))

  const buildAtEnd = distFingerprint()
  if (buildAtEnd !== buildAtStart) {
    const note = `dist/ changed while the bench ran (${buildAtStart} → ${buildAtEnd}): a rebuild happened mid-run; figures may mix two builds`
    errors.push(note)
    console.log(bold(`\nWARNING: ${note}`))
  }

  console.log(bold('\nSummary'))
  const rows = figures.map((f) => [
    f.id,
    f.name,
    f.value,
    f.target || '—',
    f.ok === null ? 'info' : mark(f.ok)
  ])
  console.log(textTable(['#', 'figure', 'value', 'target', 'result'], rows))
  console.log(
    `\nmachine: ${machine.cpu}, ${machine.cores} cores, ${machine.ramGiB} GiB RAM, ${machine.kernel}; action Node ${machine.actionNode}, bench Node ${machine.benchNode}; ${machine.date}`
  )
  const missed = figures.filter((f) => f.ok === false)
  console.log(
    missed.length
      ? bold(`MISSED ${missed.length} target(s): ${missed.map((f) => f.id).join(', ')}`)
      : 'every figure with a target met it'
  )
  if (errors.length) console.log(bold(`NOT MEASURED (errors): ${errors.join('; ')}`))
  const file = writeMarkdown(machine, opts, mode)
  console.log(
    dim(
      `written: ${path.relative(process.cwd(), file)} (${((Date.now() - started) / 1000).toFixed(0)} s in all)`
    )
  )
  // Misses are results, not failures; a figure that could not be measured is.
  process.exitCode = errors.length ? 1 : 0
}

let interrupted = false
for (const sig of ['SIGINT', 'SIGTERM'])
  process.once(sig, () => {
    if (interrupted) return
    interrupted = true
    console.error(`\nbench: ${sig}: stopping everything it started`)
    void stopEverything().then(() => process.exit(130))
  })

main()
  .catch(async (e) => {
    console.error(`bench failed: ${e.stack ?? e}`)
    process.exitCode = 1
  })
  .finally(() => stopEverything())
