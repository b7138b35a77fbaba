// Figures 7 and 8 of scripts/bench.js: mode replay against a local Prometheus whose past was
// backfilled with promtool (sandbox/history.js), run as the runner runs the bundle.
//   7. replays of 100, 300 and 1,000 deploys (15-minute watch, 15 s interval) of one backfilled
//      past: wall time (1,000: ≤ 15 s) and the action's peak RSS (1,000: ≤ 250 MiB), split into
//      Prometheus queries, decide and report, and decide's throughput in samples per second;
//   8. the two-speed error rate: detection of a step to 60% errors with the default [1m]
//      queries, with the steady query alone and with the fast (irate) one, over steps placed at
//      every phase of the 15 s probe and scrape grids (goal: ≤ 2 probe intervals + 1 scrape),
//      and what the fast query changes on healthy and P3 deploys (it must add no rollback).
import fs from 'node:fs'
import { historyChunks } from '../sandbox/history.js'
import { startPrometheus } from '../sandbox/prometheus.js'
import { runAction } from '../sandbox/run-action.js'
import { fmtS, median, nowMs } from './bench-lib.js'

const MIN = 60_000
const SCRAPE_MS = 15_000
const SPACING_MS = 25 * MIN // a 15-minute watch, its possible 5-minute extension, and a gap

/** Each backfilled file spans this much: promtool's time grows with the square of a file's span. */
const CHUNK_MS = 2 * 60 * MIN

/** A backfilled Prometheus (no scrape target of its own: history only), stopped by `track`. */
async function historyPrometheus(deploys, track) {
  const first = Math.min(...deploys.map((d) => d.at))
  const last = Math.max(...deploys.map((d) => d.at))
  const t0 = nowMs()
  let lines = 0
  let files = 0
  const chunks = historyChunks(
    { from: first - 5 * MIN, to: last + SPACING_MS, deploys, scrapeMs: SCRAPE_MS },
    CHUNK_MS
  )
  const counted = (function* () {
    for (const text of chunks) {
      files++
      lines += text.split('\n').length
      yield text
    }
  })()
  const prometheus = await startPrometheus({
    targets: ['127.0.0.1:9'],
    history: counted,
    backfillTimeoutMs: 300_000
  })
  const stop = track(() => prometheus.stop())
  return { prometheus, stop, setupMs: nowMs() - t0, lines, files }
}

/** `count` deploys SPACING_MS apart, ending an hour ago, each with `kind(i)`'s behaviour. */
function pastDeploys(count, kind) {
  const end = Math.floor((Date.now() - 60 * MIN) / 1000) * 1000
  return Array.from({ length: count }, (_, i) => ({
    at: end - (count - i) * SPACING_MS,
    sha: (0x1000000 + i).toString(16),
    ...kind(i)
  }))
}

async function replay(prometheus, deploys, extra = {}) {
  const t0 = nowMs()
  const r = await runAction({
    inputs: {
      mode: 'replay',
      'prometheus-url': prometheus.url,
      'replay-deploys': deploys.map((d) => `${new Date(d.at).toISOString()} ${d.sha}`).join('\n'),
      ...extra
    },
    timeoutMs: 120_000
  })
  const wallMs = nowMs() - t0
  try {
    if (r.code !== 0)
      throw new Error(`replay exited ${r.code}: ${(r.stderr || r.stdout).slice(-600)}`)
    const time =
      /Time: Prometheus ([\d.]+) s \((\d+) requests\), decide ([\d.]+) s \((\d+) samples, (\d+) samples\/s\), report ([\d.]+) s; peak RSS (\d+) MiB/.exec(
        r.stdout
      )
    if (!time) throw new Error('no "Time:" line in the replay log')
    const file = r.outputs['report-path']
    const { deploys: rows } = JSON.parse(fs.readFileSync(file, 'utf8'))
    return {
      wallMs,
      prometheusMs: Number(time[1]) * 1000,
      requests: Number(time[2]),
      decideMs: Number(time[3]) * 1000,
      samples: Number(time[4]),
      rate: Number(time[5]),
      reportMs: Number(time[6]) * 1000,
      peakRssMiB: Number(time[7]),
      traceBytes: fs.statSync(file).size,
      summaryBytes: Buffer.byteLength(r.summary),
      outputs: r.outputs,
      rows
    }
  } finally {
    r.cleanup()
  }
}

/** Replays of the 1,000-deploy past, newest first: this many deploys, this many runs each. */
const SIZES = [
  { count: 100, runs: 3 },
  { count: 300, runs: 3 },
  { count: 1000, runs: 3 }
]
const GOAL_1000 = { wallMs: 15_000, rssMiB: 250 }

const range = (xs, fmt) => {
  const lo = Math.min(...xs)
  const hi = Math.max(...xs)
  return lo === hi ? fmt(lo) : `${fmt(lo)}–${fmt(hi)}`
}
const mib = (x) => `${x} MiB`

/** Figure 7: 100, 300 and 1,000 deploys, the action's defaults (runbook policy, [1m] queries, 15m every 15s). */
export async function replayScale({ record, track, log }) {
  const total = Math.max(...SIZES.map((s) => s.count))
  log(
    `\n7. Replays of ${SIZES.map((s) => s.count).join(', ')} deploys (15-minute watch, 15 s interval) against a backfilled Prometheus`
  )
  // A realistic mix: mostly healthy, some bad, some P2 and P3.
  const deploys = pastDeploys(total, (i) =>
    i % 10 === 3
      ? { errorRate: 0.6, forMs: 20 * MIN }
      : i % 10 === 6
        ? { errorRate: 0.2, forMs: 20 * MIN }
        : i % 10 === 8
          ? { errorRate: 0.07, forMs: 20 * MIN }
          : { errorRate: 0.01 }
  )
  const { prometheus, stop, setupMs, lines, files } = await historyPrometheus(deploys, track)
  try {
    log(
      `       history: ${total} deploys over ${((total * SPACING_MS) / 86_400_000).toFixed(1)} days, ${lines.toLocaleString('en-US')} OpenMetrics lines in ${files} files of 2 h, backfilled and Prometheus ready in ${fmtS(setupMs)}`
    )
    const method = (count) =>
      `dist/index.js under the action's Node via sandbox/run-action.js, mode replay, replay-deploys listing the newest ${count} of ${total} deploys 25 min apart (10% at 60% errors, 10% at 20%, 10% at 7%, the rest 1%), the action's defaults (runbook policy, [1m] queries with the fast irate one, watch 15m every 15s, replay-trace summary); a local Prometheus 2.42 started on a past backfilled with promtool (15 s scrapes, ${lines.toLocaleString('en-US')} OpenMetrics lines in ${files} files of 2 h; backfill not counted); wall time from spawn to exit; peak RSS is the action process's own (getrusage maxrss at its end: the whole process, its worker thread included); the split is the action's own "Time:" line (6 deploys fetched at a time and each judged as it arrives, in a worker thread with a 16 MiB young and 1 GiB old generation)`
    for (const { count, runs } of SIZES) {
      const listed = deploys.slice(-count)
      const results = []
      for (let i = 0; i < runs; i++) results.push(await replay(prometheus, listed))
      for (const r of results)
        log(
          `       ${count}: ${fmtS(r.wallMs)} wall (Prometheus ${fmtS(r.prometheusMs)}, ${r.requests} requests; decide ${fmtS(r.decideMs)}; report ${fmtS(r.reportMs)}), peak RSS ${r.peakRssMiB} MiB, trace ${(r.traceBytes / 1e6).toFixed(2)} MB, summary ${(r.summaryBytes / 1000).toFixed(0)} KB; ${r.outputs['replay-deploys']} deploys, ${r.outputs['replay-rollbacks']} rollbacks, ${r.outputs['replay-warnings']} warnings`
        )
      const walls = results.map((r) => r.wallMs)
      const rss = results.map((r) => r.peakRssMiB)
      const r0 = results[0]
      const split = `Prometheus ${range(
        results.map((r) => r.prometheusMs),
        fmtS
      )} for ${r0.requests.toLocaleString('en-US')} range requests, decide ${range(
        results.map((r) => r.decideMs),
        fmtS
      )}, report ${range(
        results.map((r) => r.reportMs),
        fmtS
      )}`
      const figures = `${range(walls, fmtS)}, median ${fmtS(median(walls))} (${split}); peak RSS ${range(rss, mib)}, median ${mib(median(rss))}`
      if (count === 100)
        record({
          id: '7a',
          name: `replay of 100 deploys: wall time, peak RSS (${runs} runs)`,
          value: figures,
          target: '≤ 15 s',
          ok: Math.max(...walls) <= 15_000,
          method: method(count)
        })
      else if (count === 1000) {
        record({
          id: '7d',
          name: `replay of 1,000 deploys: wall time (${runs} runs)`,
          value: `${range(walls, fmtS)}, median ${fmtS(median(walls))} (${split}); trace ${(r0.traceBytes / 1e6).toFixed(1)} MB, summary ${(r0.summaryBytes / 1000).toFixed(0)} KB`,
          target: `≤ ${fmtS(GOAL_1000.wallMs)}`,
          ok: Math.max(...walls) <= GOAL_1000.wallMs,
          method: method(count)
        })
        record({
          id: '7e',
          name: `replay of 1,000 deploys: peak RSS of the action process (${runs} runs)`,
          value: `${range(rss, mib)}, median ${mib(median(rss))}`,
          target: `≤ ${GOAL_1000.rssMiB} MiB`,
          ok: Math.max(...rss) <= GOAL_1000.rssMiB,
          method: method(count)
        })
        record({
          id: '7b',
          name: 'decide throughput in a replay',
          value: `${r0.rate.toLocaleString('en-US')} samples/s (${r0.samples.toLocaleString('en-US')} samples in ${fmtS(r0.decideMs)})`,
          target: '',
          ok: null,
          method:
            'information; the first replay of 1,000 deploys: samples judged (one decide() per sample over the history so far, as the live watch does, plus the final verdict) divided by the time spent judging'
        })
      } else
        record({
          id: '7c',
          name: `replay of ${count} deploys: wall time, peak RSS (${runs} runs)`,
          value: figures,
          target: '',
          ok: null,
          method: method(count)
        })
    }
  } finally {
    await stop()
  }
}

/** Figure 8: a 60% step with the default queries, with and without the fast error rate. */
export async function twoSpeed({ record, track, log }) {
  log('\n8. Two-speed error rate: a step to 60% errors with the default [1m] queries')
  // 12 steps, each at another phase of the 15 s grids (1.25 s apart), then healthy and P3 deploys.
  const steps = 12
  const deploys = pastDeploys(steps + 8, (i) =>
    i < steps
      ? { errorRate: 0.6, delayMs: 30_000 + i * 1250, forMs: 20 * MIN }
      : i < steps + 4
        ? { errorRate: 0.01 }
        : { errorRate: 0.07, forMs: 20 * MIN }
  )
  const { prometheus, stop } = await historyPrometheus(deploys, track)
  try {
    const fast = await replay(prometheus, deploys)
    const steady = await replay(prometheus, deploys, { 'error-rate-fast-query': 'off' })
    const detection = (r) =>
      r.rows.slice(0, steps).map((row, i) => {
        const stepAt = deploys[i].at + deploys[i].delayMs
        return row.final.decision === 'rollback' ? row.decidedAt - stepAt : NaN
      })
    const f = detection(fast)
    const s = detection(steady)
    const goal = 2 * 15_000 + SCRAPE_MS
    const verdicts = (r) =>
      r.rows
        .slice(steps)
        .map((row) => row.final.decision)
        .join(', ')
    log(`       fast: ${f.map((x) => (x / 1000).toFixed(1)).join(', ')} s after the step`)
    log(`       steady only: ${s.map((x) => (x / 1000).toFixed(1)).join(', ')} s after the step`)
    log(`       healthy and P3 deploys, fast: ${verdicts(fast)}; steady only: ${verdicts(steady)}`)
    const method = `replay (dist/index.js, defaults: runbook policy, probe-interval 15s) of a backfilled past with 15 s scrapes and 200 req/s: ${steps} deploys whose error rate steps from 1% to 60% at phases 1.25 s apart across the 15 s probe and scrape grids; detection = the rollback verdict's time − the step's time; the same history replayed with error-rate-fast-query at its default (irate, on health.confirm = 2 samples while the steady rate is above 10%) and with it off; goal ${goal / 1000} s = 2 probe intervals + 1 scrape`
    record({
      id: '8a',
      name: '60% step, default [1m] queries, steady query only (before)',
      value: `max ${fmtS(Math.max(...s))}, median ${fmtS(median(s))}`,
      target: '— (before)',
      ok: null,
      method
    })
    record({
      id: '8b',
      name: '60% step, default queries with the fast error rate (after)',
      value: `max ${fmtS(Math.max(...f))}, median ${fmtS(median(f))}`,
      target: `≤ ${fmtS(goal)}`,
      ok: f.every((x) => x <= goal),
      method
    })
    const added = fast.rows
      .slice(steps)
      .filter(
        (row, i) =>
          row.final.decision === 'rollback' && steady.rows[steps + i].final.decision !== 'rollback'
      )
    record({
      id: '8c',
      name: 'rollbacks the fast error rate adds on healthy and P3 deploys',
      value: `${added.length} (of ${deploys.length - steps}: fast ${verdicts(fast)})`,
      target: '0',
      ok: added.length === 0,
      method: `the same replays: 4 healthy deploys (1%) and 4 P3 deploys (7%), verdicts with the fast error rate against the steady query alone`
    })
  } finally {
    await stop()
  }
}
