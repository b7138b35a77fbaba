// Figures 7 and 8 of scripts/bench.js: mode replay against a local Prometheus whose past was
// backfilled with promtool (sandbox/history.js), run as the runner runs the bundle.
//   7. replay of 100 deploys (15-minute watch, 15 s interval): wall time ≤ 15 s, split into
//      Prometheus queries and decide, and decide's throughput in samples per second;
//   8. the two-speed error rate: detection of a step to 60% errors with the default [1m]
//      queries, with the steady query alone and with the fast (irate) one, over steps placed at
//      every phase of the 15 s probe and scrape grids (goal: ≤ 2 probe intervals + 1 scrape),
//      and what the fast query changes on healthy and P3 deploys (it must add no rollback).
import fs from 'node:fs'
import { historyOpenMetrics } from '../sandbox/history.js'
import { startPrometheus } from '../sandbox/prometheus.js'
import { runAction } from '../sandbox/run-action.js'
import { fmtS, median, nowMs } from './bench-lib.js'

const MIN = 60_000
const SCRAPE_MS = 15_000
const SPACING_MS = 25 * MIN // a 15-minute watch, its possible 5-minute extension, and a gap

/** A backfilled Prometheus (no scrape target of its own: history only), stopped by `track`. */
async function historyPrometheus(deploys, track) {
  const first = Math.min(...deploys.map((d) => d.at))
  const last = Math.max(...deploys.map((d) => d.at))
  const t0 = nowMs()
  const text = historyOpenMetrics({
    from: first - 5 * MIN,
    to: last + SPACING_MS,
    deploys,
    scrapeMs: SCRAPE_MS
  })
  const prometheus = await startPrometheus({ targets: ['127.0.0.1:9'], history: text })
  const stop = track(() => prometheus.stop())
  return { prometheus, stop, setupMs: nowMs() - t0, lines: text.split('\n').length }
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
      /Time: Prometheus ([\d.]+) s \((\d+) requests\), decide ([\d.]+) s \((\d+) samples, (\d+) samples\/s\)/.exec(
        r.stdout
      )
    if (!time) throw new Error('no "Time:" line in the replay log')
    const { deploys: rows } = JSON.parse(fs.readFileSync(r.outputs['report-path'], 'utf8'))
    return {
      wallMs,
      prometheusMs: Number(time[1]) * 1000,
      requests: Number(time[2]),
      decideMs: Number(time[3]) * 1000,
      samples: Number(time[4]),
      rate: Number(time[5]),
      outputs: r.outputs,
      rows
    }
  } finally {
    r.cleanup()
  }
}

/** Figure 7: 100 deploys, the action's defaults (runbook policy, [1m] queries, 15m every 15s). */
export async function replayHundred({ record, track, log }) {
  log('\n7. Replay of 100 deploys (15-minute watch, 15 s interval) against a backfilled Prometheus')
  // A realistic mix: mostly healthy, some bad, some P2 and P3.
  const deploys = pastDeploys(100, (i) =>
    i % 10 === 3
      ? { errorRate: 0.6, forMs: 20 * MIN }
      : i % 10 === 6
        ? { errorRate: 0.2, forMs: 20 * MIN }
        : i % 10 === 8
          ? { errorRate: 0.07, forMs: 20 * MIN }
          : { errorRate: 0.01 }
  )
  const { prometheus, stop, setupMs, lines } = await historyPrometheus(deploys, track)
  try {
    log(
      `       history: ${lines} OpenMetrics lines, backfilled and Prometheus ready in ${fmtS(setupMs)}`
    )
    const r = await replay(prometheus, deploys)
    log(
      `       outputs: ${r.outputs['replay-deploys']} deploys, ${r.outputs['replay-rollbacks']} rollbacks, ${r.outputs['replay-warnings']} warnings`
    )
    record({
      id: '7a',
      name: 'replay of 100 deploys, wall time',
      value: `${fmtS(r.wallMs)} (Prometheus ${fmtS(r.prometheusMs)} for ${r.requests} range requests, decide ${fmtS(r.decideMs)}, the rest start-up and report)`,
      target: '≤ 15 s',
      ok: r.wallMs <= 15_000,
      method: `dist/index.js under the action's Node via sandbox/run-action.js, mode replay, replay-deploys listing 100 deploys 25 min apart (10% at 60% errors, 10% at 20%, 10% at 7%, the rest 1%), the action's defaults (runbook policy, [1m] queries with the fast irate one, watch 15m every 15s); a local Prometheus 2.42 started on a past backfilled with promtool (15 s scrapes, ${lines} OpenMetrics lines; backfill not counted); wall time from spawn to exit; the split is the action's own "Time:" line (fetching all histories, 6 deploys at a time, then judging them)`
    })
    record({
      id: '7b',
      name: 'decide throughput in a replay',
      value: `${r.rate.toLocaleString('en-US')} samples/s (${r.samples} samples in ${fmtS(r.decideMs)})`,
      target: '',
      ok: null,
      method:
        'information; the replay of figure 7a: samples judged (one decide() per sample over the history so far, as the live watch does, plus the final verdict) divided by the time of the judging phase'
    })
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
