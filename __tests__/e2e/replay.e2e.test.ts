// mode replay end to end: dist/index.js under Node 24 against a real Prometheus that starts with
// a backfilled past (promtool) of three deploys — a bad one (60% errors), a healthy one and a P3
// one (7%) — listed through replay-deploys and through the Deployments API of the GitHub
// stand-in; then the fidelity test: a live watch of the sandbox production rolls back, and the
// replay of that same deploy against the same Prometheus decides the same, within one interval;
// and a replay cancelled while its reads hang in the worker thread stops at once.
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { startDatadogStandin } from '../../sandbox/datadog.js'
import { runAction } from '../../sandbox/run-action.js'
import { DEFAULTS, Inputs } from '../../src/settings/names.js'
import {
  E2E_POLICY,
  E2E_TIMEOUT,
  githubCalls,
  runScenario,
  useProduction,
  visibleLog,
  type ActionRun,
  type Production
} from './harness.js'
import { at, EXPECTED, PAST, history, rows, withoutTime } from './past-deploys.js'

const production = useProduction({ history })
const runs: ActionRun[] = []
afterEach(() => {
  for (const r of runs.splice(0)) r.cleanup()
})

/** The replay with the action's defaults: the runbook's policy, [1m] queries, 15m every 15s. */
async function replay(p: Production, inputs: Record<string, string>): Promise<ActionRun> {
  const r = await runAction({
    inputs: {
      mode: 'replay',
      'prometheus-url': p.prometheus.url,
      'github-token': 'ghs_sandboxTokenNotASecretButTreatedAsOne',
      ...inputs
    },
    apiUrl: p.github.url,
    timeoutMs: 60_000
  })
  runs.push(r)
  return r
}

describe('mode replay against a real Prometheus with a backfilled past', () => {
  it(
    'replay-deploys: the bad, the healthy and the P3 deploy, row by row; exit 0, nothing on the host, no issue',
    async () => {
      const p = production()
      const r = await replay(p, {
        'replay-deploys': PAST.map((d) => `${new Date(d.at).toISOString()} ${d.sha}`).join('\n'),
        'replay-trace': 'full'
      })
      expect(r.code).toBe(0)
      expect(r.outputs).toMatchObject({
        'replay-deploys': '3',
        'replay-rollbacks': '1',
        'replay-warnings': '1'
      })
      expect(rows(r).map(withoutTime)).toEqual(EXPECTED)
      expect(rows(r)[0][1]).toBe(new Date(PAST[0].at).toISOString().slice(0, 16).replace('T', ' '))
      expect(r.summary).toContain('1 of 3 deploys would have rolled back: 1 P1; 1 warning')
      expect(r.summary).toContain('health and host checks are off')
      expect(visibleLog(r)).toMatch(/Time: Prometheus [\d.]+ s \(\d+ requests\), decide [\d.]+ s/)
      expect(p.calls()).toEqual([])
      expect(githubCalls(p)).toEqual([])
      const trace = JSON.parse(fs.readFileSync(r.outputs['report-path'], 'utf8'))
      expect(trace.deploys[1].samples).toHaveLength(61)
      expect(trace.deploys[0].verdicts.at(-1)).toMatchObject({ decision: 'rollback', level: 1 })
    },
    E2E_TIMEOUT
  )

  it(
    'metrics-provider datadog: the same past through the Datadog stand-in (answering from this Prometheus) gives the same rows as Prometheus',
    async () => {
      const p = production()
      // Buckets pinned to the replay's step and no lag: the bucket that ends at each replayed
      // time holds what Prometheus says at that time, so both providers judge the same numbers.
      const dd = (metric: string) => `sum:sandbox.${metric}{env:production}.rollup(sum,15)`
      const promqlOf: Record<string, string> = {
        [dd('error_ratio')]: DEFAULTS[Inputs.ErrorRateQuery],
        [dd('error_ratio_fast')]: DEFAULTS[Inputs.ErrorRateFastQuery],
        [dd('latency_p95')]: DEFAULTS[Inputs.LatencyQuery],
        [dd('hits')]: DEFAULTS[Inputs.RequestRateQuery]
      }
      const keys = {
        apiKey: 'replay-dd-api-key-0123456789',
        appKey: 'replay-dd-app-key-0123456789'
      }
      const datadog = await startDatadogStandin({
        ...keys,
        source: async (query, buckets) => {
          const promql = promqlOf[query]
          if (!promql || buckets.length === 0) return []
          const params = new URLSearchParams({
            query: promql,
            start: String(buckets[0].end / 1000),
            end: String(buckets[buckets.length - 1].end / 1000),
            step: String((buckets[0].end - buckets[0].start) / 1000)
          })
          const res = await fetch(`${p.prometheus.url}/api/v1/query_range?${params}`)
          const body = (await res.json()) as { data: { result: { values: [number, string][] }[] } }
          const byEnd = new Map(
            (body.data.result[0]?.values ?? []).map(([t, v]) => [Math.round(t * 1000), Number(v)])
          )
          return [
            {
              values: buckets.map((b) => {
                const v = byEnd.get(b.end)
                return v !== undefined && Number.isFinite(v) ? v : null
              })
            }
          ]
        }
      })
      try {
        const r = await replay(p, {
          'prometheus-url': '',
          'metrics-provider': 'datadog',
          'datadog-api-key': keys.apiKey,
          'datadog-app-key': keys.appKey,
          'datadog-api-url': datadog.url,
          'datadog-lag': '0s',
          'error-rate-query': dd('error_ratio'),
          'error-rate-fast-query': dd('error_ratio_fast'),
          'latency-query': dd('latency_p95'),
          'request-rate-query': dd('hits'),
          'replay-deploys': PAST.map((d) => `${new Date(d.at).toISOString()} ${d.sha}`).join('\n')
        })
        expect(r.code).toBe(0)
        expect(rows(r).map(withoutTime)).toEqual(EXPECTED)
        expect(r.summary).toContain('1 of 3 deploys would have rolled back: 1 P1; 1 warning')
        // Every query was read from the stand-in, none from Prometheus directly, with the keys.
        const asked = new Set(datadog.requests.map((q) => q.query.query))
        expect([...asked].sort()).toEqual(Object.keys(promqlOf).sort())
        expect(datadog.requests.every((q) => q.apiKey === keys.apiKey)).toBe(true)
        expect(visibleLog(r)).not.toContain(keys.apiKey)
        expect(p.calls()).toEqual([])
      } finally {
        await datadog.stop()
      }
    },
    E2E_TIMEOUT
  )

  it(
    'the Deployments API of the stand-in: the latest replay-count deployments of the environment, same rows',
    async () => {
      const p = production()
      p.github.deployments.length = 0
      for (const [i, d] of PAST.entries())
        p.github.deployments.push({
          id: 100 + i,
          owner: 'acme',
          repo: 'spacetime',
          sha: d.sha,
          ref: 'main',
          task: 'deploy',
          environment: 'production',
          description: null,
          created_at: new Date(d.at).toISOString().replace(/\.\d+Z$/, 'Z')
        })
      p.github.deployments.push({
        id: 200,
        owner: 'acme',
        repo: 'spacetime',
        sha: 'ffffff0',
        ref: 'main',
        task: 'deploy',
        environment: 'staging',
        description: null,
        created_at: new Date(at(0.5)).toISOString().replace(/\.\d+Z$/, 'Z')
      })
      const r = await replay(p, { 'replay-count': '3' })
      expect(r.code).toBe(0)
      expect(githubCalls(p)).toEqual(['GET /repos/acme/spacetime/deployments'])
      // Newest first, as the API lists them.
      expect(rows(r).map((row) => row.slice(2, 6))).toEqual(
        [...EXPECTED].reverse().map((row) => row.slice(1, 5))
      )
      // The trace by default: a summary per deploy, no sample.
      const trace = JSON.parse(fs.readFileSync(r.outputs['report-path'], 'utf8'))
      expect(trace.detail).toBe('summary')
      expect(trace.deploys[1]).toMatchObject({ sha: '600d1e5', counts: { samples: 61 } })
      expect(trace.deploys[1].samples).toBeUndefined()
    },
    E2E_TIMEOUT
  )

  it(
    'cancelled: SIGTERM while every range query hangs stops the reads in the worker thread at once; each deploy is reported on its cancelled reads, the step fails as cancelled',
    async () => {
      // A Prometheus that takes requests and never answers: only the cancellation ends them.
      let requests = 0
      const silent = http.createServer(() => requests++)
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
      try {
        const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`
        const r = await runAction({
          inputs: {
            mode: 'replay',
            'prometheus-url': url,
            'replay-deploys': PAST.map((d) => new Date(d.at).toISOString()).join('\n')
          },
          sigtermAfterMs: 1500,
          timeoutMs: 60_000
        })
        runs.push(r)
        const log = visibleLog(r)
        expect(requests).toBeGreaterThan(0)
        expect(log).toContain('SIGTERM received')
        // Range queries wait 30 s for an answer; the cancellation does not.
        expect(r.exitAfterSigtermMs).toBeLessThan(5000)
        expect(r.code).toBe(1)
        expect(log).toContain('cancelled: the replay was stopped before it read every deploy')
        expect(r.outputs['replay-deploys']).toBe('3')
        // Each deploy judged on reads that were cancelled: no data, never a rollback.
        expect(r.summary).toContain('0 of 3 deploys would have rolled back')
        expect(r.summary).toContain('a query could not be read: cancelled')
      } finally {
        silent.closeAllConnections()
        await new Promise((resolve) => silent.close(resolve))
      }
    },
    E2E_TIMEOUT
  )

  it(
    'fidelity: a live watch rolls back a bad deploy; its replay against the same Prometheus gives the same verdict and rule, decided within one probe interval',
    async () => {
      const { run: live, deployedAt, production: p } = await runScenario(production, 'errors')
      expect(live.outputs).toMatchObject({ decision: 'rollback', rule: 'error-rate-critical' })
      const liveTrace = JSON.parse(fs.readFileSync(live.outputs['report-path'], 'utf8'))
      const liveDecided = liveTrace.verdicts.find(
        (v: { decision: string }) => v.decision === 'rollback'
      ).at

      // The same deploy, queries and policy as the live watch; a replay needs no host.
      const r = await runAction({
        inputs: {
          mode: 'replay',
          'prometheus-url': p.prometheus.url,
          'error-rate-query': p.queries.errorRate,
          'latency-query': p.queries.latency,
          'request-rate-query': p.queries.requestRate,
          'policy-file': 'policy.yml',
          'watch-duration': '20s',
          'probe-interval': '1s',
          'replay-deploys': new Date(deployedAt).toISOString()
        },
        policy: E2E_POLICY,
        timeoutMs: 60_000
      })
      runs.push(r)
      expect(r.code).toBe(0)
      const trace = JSON.parse(fs.readFileSync(r.outputs['report-path'], 'utf8'))
      const replayed = trace.deploys[0]
      expect({ decision: replayed.final.decision, rule: replayed.final.rule }).toEqual({
        decision: 'rollback',
        rule: 'error-rate-critical'
      })
      const apart = Math.abs(replayed.decidedAt - liveDecided)
      console.log(
        `fidelity: live decided at +${liveDecided - deployedAt} ms, replay at +${replayed.decidedAt - deployedAt} ms`
      )
      expect(apart).toBeLessThanOrEqual(1000)
    },
    E2E_TIMEOUT
  )
})
