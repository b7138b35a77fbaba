// The replay's report at scale: each deploy's outcome summarised as it arrives (the collector
// keeps a row per deploy and whole outcomes only for the first charts), the job summary bounded
// under GitHub's 1 MiB whatever the number of deploys, deploys without data before Prometheus'
// history collapsed into one line, and the trace written deploy by deploy in list order.
import { jest } from '@jest/globals'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as core from '../../__fixtures__/core.js'
import type { Sample, Verdict, VerdictAt } from '../../src/runbook/types.js'
import {
  MAX_CHARTED,
  MAX_REASONS,
  MAX_ROWS,
  ReplayCollector,
  renderReplaySummary,
  replayTraceDeploy,
  summarizeOutcome,
  type ReplayOutcome,
  type ReplayRun
} from '../../src/report/replay.js'
import { FAKE_TOKEN, samples, settings, T0 } from '../../__fixtures__/records.js'
import { summaryRows } from '../../__fixtures__/summary.js'

jest.unstable_mockModule('@actions/core', () => core)
const { openReplayTrace } = await import('../../src/report/publish.js')

const MIN = 60_000
const SPACING = 25 * MIN

type Kind = 'healthy' | 'rollback' | 'warn' | 'no-data'

function verdict(kind: Kind, evidence: Sample[], reason = ''): Verdict {
  switch (kind) {
    case 'rollback':
      return {
        decision: 'rollback',
        severity: 'P1',
        rule: 'error-rate-critical',
        level: 1,
        reason: reason || 'error rate 60.0% > critical 50% (P1)',
        evidence
      }
    case 'warn':
      return {
        decision: 'warn',
        severity: 'P3',
        rule: 'error-rate-elevated',
        reason: reason || 'error rate 7.0% > elevated 5% for 15m (P3)',
        evidence
      }
    case 'no-data':
      return {
        decision: 'inconclusive',
        severity: 'none',
        rule: 'monitoring-outage',
        reason: reason || 'no metric could be read',
        evidence
      }
    default:
      return { decision: 'healthy', severity: 'none', rule: 'healthy', reason: 'healthy', evidence }
  }
}

/** One judged deploy of 61 samples (15 minutes every 15 s), `index` deploys after the first. */
function outcome(index: number, kind: Kind, reason = ''): ReplayOutcome {
  const at = T0 + index * SPACING
  const list =
    kind === 'no-data'
      ? samples(at, 61, () => ({ errorRate: null, p95: null }))
      : samples(at, 61, () => ({ errorRate: kind === 'rollback' ? 0.6 : 0.01 }))
  const final = verdict(kind, list.slice(-2), reason)
  // Healthy cycle by cycle, the final verdict given at the last one.
  const ongoing = verdict('healthy', [])
  const verdicts: VerdictAt[] = list.map((s, i) => ({
    at: s.at,
    verdict: i === list.length - 1 ? final : ongoing
  }))
  return {
    deploy: { at, sha: (0x1000000 + index).toString(16), source: 'replay-deploys' },
    startedAt: at,
    samples: list,
    verdicts,
    final,
    failures: []
  }
}

function runOf(outcomes: ReplayOutcome[]): ReplayRun {
  const collector = new ReplayCollector()
  outcomes.forEach((o, i) => collector.add(i, o))
  return {
    environment: 'production',
    generatedAt: T0 + outcomes.length * SPACING,
    rows: collector.rows(),
    charted: collector.charted(),
    trace: 'summary',
    notes: [],
    timing: { prometheusMs: 1, decideMs: 1, requests: 4, samples: 61 }
  }
}

const shuffled = (n: number): number[] => {
  // A fixed permutation (no randomness): odd indices backwards, then even ones.
  const odd = Array.from({ length: n }, (_, i) => i)
    .filter((i) => i % 2)
    .reverse()
  const even = Array.from({ length: n }, (_, i) => i).filter((i) => i % 2 === 0)
  return [...odd, ...even]
}

describe('ReplayCollector: each outcome summarised as it arrives', () => {
  it('500 deploys that all acted, arriving out of order: a row each in list order, whole outcomes only for the first 20', () => {
    const collector = new ReplayCollector()
    for (const i of shuffled(500)) {
      const row = collector.add(i, outcome(i, 'rollback'))
      expect(row.index).toBe(i)
    }
    const rows = collector.rows()
    expect(rows.map((r) => r.index)).toEqual(Array.from({ length: 500 }, (_, i) => i))
    // A row holds counts, not samples or verdicts.
    for (const r of rows) {
      expect(r).not.toHaveProperty('samples')
      expect(r).not.toHaveProperty('verdicts')
      expect(r.final).not.toHaveProperty('evidence')
      expect(r.counts).toEqual({ samples: 61, verdicts: 61, insufficient: 0, unknown: 0 })
    }
    const charted = collector.charted()
    expect(charted).toHaveLength(MAX_CHARTED)
    expect(charted.map((c) => c.index)).toEqual(Array.from({ length: MAX_CHARTED }, (_, i) => i))
    expect(charted.every((c) => c.outcome.samples.length === 61)).toBe(true)
  })

  it('a row says what the summary needs: decided when, the level or why not, no data', () => {
    const bad = summarizeOutcome(outcome(0, 'rollback'), 0)
    expect(bad).toMatchObject({
      decidedAt: T0 + 60 * 15_000,
      levelOrWhyNot: 'Level 1',
      noData: false,
      endedAt: T0 + 60 * 15_000
    })
    expect(bad.final).toMatchObject({
      decision: 'rollback',
      evidenceAt: [T0 + 59 * 15_000, T0 + 60 * 15_000]
    })
    const empty = summarizeOutcome(outcome(1, 'no-data'), 1)
    expect(empty).toMatchObject({
      noData: true,
      levelOrWhyNot: 'no data: Prometheus has no history for this time'
    })
    expect(empty.counts.unknown).toBe(61)
  })

  it('the trace entry: the summary by default, samples and verdicts only with the outcome (full)', () => {
    const o = outcome(0, 'warn')
    const row = summarizeOutcome(o, 0)
    expect(replayTraceDeploy(row)).not.toHaveProperty('samples')
    const full = replayTraceDeploy(row, o)
    expect(full.samples).toHaveLength(61)
    expect(full.verdicts).toHaveLength(61)
    expect(full.verdicts?.[0]).not.toHaveProperty('evidence')
  })
})

describe('renderReplaySummary at scale', () => {
  it(`1,500 deploys: at most ${MAX_ROWS} rows, every one that did not end healthy among them, and "… and N more"`, () => {
    const outcomes = Array.from({ length: 1500 }, (_, i) =>
      outcome(i, i % 100 === 7 ? 'rollback' : 'healthy')
    )
    const md = renderReplaySummary(runOf(outcomes), settings())
    const rows = summaryRows(md)
    expect(rows).toHaveLength(MAX_ROWS)
    const numbers = rows.map((r) => Number(r[0]))
    for (let i = 7; i < 1500; i += 100) expect(numbers).toContain(i + 1)
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b))
    expect(md).toContain('_… and 500 more (500 healthy): every deploy is a line of the trace')
    expect(md).toContain('15 of 1500 deploys would have rolled back: 15 P1')
    // 15 acted; 15 charts (under the cap), no "more" line.
    expect(md.match(/^#### #/gm)).toHaveLength(15)
  })

  it('5,000 deploys that all warn with long reasons stay under 1 MiB; reasons and charts capped', () => {
    const long = `error rate 7.0% > elevated 5% ${'because '.repeat(200)}`
    const outcomes = Array.from({ length: 5000 }, (_, i) =>
      outcome(i, i % 2 ? 'warn' : 'rollback', long)
    )
    const md = renderReplaySummary(runOf(outcomes), settings())
    expect(Buffer.byteLength(md)).toBeLessThan(1024 * 1024)
    expect(summaryRows(md)).toHaveLength(MAX_ROWS)
    expect(md).toContain('_… and 4,000 more (2,000 rollback, 2,000 warn)')
    expect(md).toContain(
      `_… and ${(MAX_ROWS - MAX_REASONS).toLocaleString('en-US')} more reasons in the trace._`
    )
    expect(md.match(/^#### #/gm)).toHaveLength(MAX_CHARTED)
    expect(md).toContain(
      '_2480 more deploys would have acted: see their rows; `replay-trace: full`'
    )
    expect(md).not.toContain(FAKE_TOKEN)
  })

  it('deploys without data before the oldest with data collapse into one line saying where the data begins', () => {
    const outcomes = Array.from({ length: 310 }, (_, i) =>
      outcome(i, i < 300 ? 'no-data' : i === 305 ? 'rollback' : 'healthy')
    )
    const md = renderReplaySummary(runOf(outcomes), settings())
    const firstWithData = new Date(T0 + 300 * SPACING).toISOString().slice(0, 16).replace('T', ' ')
    expect(md).toContain(
      `⚪ 300 deploys before ${firstWithData} UTC have no data in Prometheus (retention?)`
    )
    expect(summaryRows(md).map((r) => r[0])).toEqual(
      Array.from({ length: 10 }, (_, i) => String(301 + i))
    )
  })

  it('one deploy without data, or a gap after data began, stays a row of its own', () => {
    const outcomes = [
      outcome(0, 'no-data'),
      outcome(1, 'healthy'),
      outcome(2, 'no-data'),
      outcome(3, 'no-data'),
      outcome(4, 'healthy')
    ]
    const md = renderReplaySummary(runOf(outcomes), settings())
    expect(md).not.toContain('have no data in Prometheus (retention?)')
    expect(summaryRows(md)).toHaveLength(5)
  })

  it('no deploy with data at all: one line, up to the newest', () => {
    const md = renderReplaySummary(
      runOf(Array.from({ length: 50 }, (_, i) => outcome(i, 'no-data'))),
      settings()
    )
    expect(md).toContain('⚪ All 50 deploys, up to ')
    expect(md).toContain('have no data in Prometheus (retention, or do the queries match nothing?)')
    expect(summaryRows(md)).toHaveLength(0)
  })
})

describe('openReplayTrace: written deploy by deploy', () => {
  let tmp: string
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rbs-trace-'))
    core.reset({})
  })
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }))

  const inTmp = () => {
    const s = settings()
    s.run.tempDir = tmp
    return s
  }

  it('entries arriving out of order are written in list order, compact, secrets scrubbed, mode 0600', () => {
    const s = inTmp()
    const writer = openReplayTrace(s, { version: 1, mode: 'replay' })
    const order = shuffled(40)
    for (const i of order) writer.add(i, { i, note: i === 3 ? `token ${FAKE_TOKEN}` : 'ok' })
    const file = writer.close({ totals: { deploys: 40 } })
    expect(file).toBe(path.join(tmp, 'rollback-sentinel-4242-1.json'))
    const text = fs.readFileSync(file as string, 'utf8')
    expect(text.trimEnd().split('\n')).toHaveLength(1)
    expect(text).not.toContain(FAKE_TOKEN)
    const trace = JSON.parse(text)
    expect(trace).toMatchObject({ version: 1, mode: 'replay', totals: { deploys: 40 } })
    expect(trace.deploys.map((d: { i: number }) => d.i)).toEqual(
      Array.from({ length: 40 }, (_, i) => i)
    )
    expect(trace.deploys[3].note).toBe('token ***')
    expect(fs.statSync(file as string).mode & 0o777).toBe(0o600)
  })

  it('a deploy never judged (cancelled) leaves a gap: the others are still written, in order', () => {
    const writer = openReplayTrace(inTmp(), { mode: 'replay' })
    writer.add(0, { i: 0 })
    writer.add(2, { i: 2 })
    const trace = JSON.parse(fs.readFileSync(writer.close({ done: true }) as string, 'utf8'))
    expect(trace.deploys).toEqual([{ i: 0 }, { i: 2 }])
    expect(trace.done).toBe(true)
  })

  it('a trace that cannot be written is a warning and no path', () => {
    const s = settings()
    s.run.tempDir = path.join(tmp, 'a-file')
    fs.writeFileSync(s.run.tempDir, '')
    const writer = openReplayTrace(s, { mode: 'replay' })
    writer.add(0, { i: 0 })
    expect(writer.close({})).toBeUndefined()
    expect(core.annotations.map((a) => a.message).join('\n')).toMatch(
      /could not write the decision trace/
    )
  })
})
