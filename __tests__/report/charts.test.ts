import { beforeAll, describe, expect, it } from '@jest/globals'
import DOMPurify from 'dompurify'
import { chartStory, momentsOf, type ChartStory } from '../../src/report/chart-story.js'
import {
  COLORS,
  momentsCaption,
  renderCharts,
  series,
  timeGrid,
  timeOffset,
  xyChart
} from '../../src/report/charts.js'
import { factsOf } from '../../src/report/context.js'
import {
  T0,
  ctx,
  errorRateHighRecord,
  failedRecord,
  healthyRecord,
  sample,
  samples,
  serviceDownRecord
} from '../../__fixtures__/records.js'

// Mermaid parses in node once DOMPurify (which needs a DOM) is stubbed: parsing never sanitizes.
let parse: (text: string) => Promise<unknown>
beforeAll(async () => {
  const purify = DOMPurify as unknown as Record<string, unknown>
  purify.addHook = () => {}
  purify.removeHook = () => {}
  purify.sanitize = (text: unknown) => String(text)
  const { default: mermaid } = await import('mermaid')
  parse = (text) => mermaid.parse(text)
})

function blocks(markdown: string): string[] {
  return [...markdown.matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map((m) => m[1])
}

/** A chart's numeric time axis, and each `line "name" [values]` series. */
function parts(block: string): {
  axis: { title: string; from: number; to: number }
  lines: { name: string; values: number[] }[]
} {
  const m = /x-axis "([^"]*)" ([\d.]+) --> ([\d.]+)/.exec(block)
  const axis = { title: m?.[1] ?? '', from: Number(m?.[2]), to: Number(m?.[3]) }
  const lines = [...block.matchAll(/^\s*line "([^"]*)" \[(.*)\]$/gm)].map((l) => ({
    name: l[1],
    values: l[2].split(',').map(Number)
  }))
  return { axis, lines }
}

const story = (over: Partial<ChartStory>): ChartStory => ({
  samples: [],
  startedAt: T0,
  moments: [],
  errorThresholds: [{ name: 'critical 50%', value: 0.5 }],
  latencyThresholds: [{ name: 'severe 5s', value: 5 }],
  ...over
})

describe('series', () => {
  it('skips unknown values (Mermaid has no null) and keeps seconds since start', () => {
    const list = [
      sample(T0, { errorRate: 0.1 }),
      sample(T0 + 15_000, { errorRate: null }),
      sample(T0 + 30_000, { errorRate: 0.3 })
    ]
    const s = series(list, T0, (x) => x.errorRate.value)
    expect(s.points).toEqual([
      { t: 0, value: 0.1 },
      { t: 30, value: 0.3 }
    ])
    expect(s.skipped).toBe(1)
  })

  it('timeGrid: at most 60 slots for a long watch, each keeping its highest value', () => {
    const points = Array.from({ length: 600 }, (_, i) => ({ t: i * 5, value: i === 401 ? 99 : 1 }))
    const grid = timeGrid(points, 60)
    expect(grid.values).toHaveLength(60)
    expect(grid.start).toBe(0)
    expect(grid.step * 59).toBe(2995)
    expect(Math.max(...grid.values)).toBe(99)
    expect(grid.values.filter((v) => v === 99)).toHaveLength(1)
  })

  it('timeGrid: one slot per second; two samples in the same second share it (the higher stays)', () => {
    const grid = timeGrid([
      { t: 6, value: 48 },
      { t: 8, value: 51 },
      { t: 8, value: 55 },
      { t: 10, value: 42 }
    ])
    expect(grid).toEqual({ start: 6, step: 1, values: [48, 51.5, 55, 48.5, 42] })
  })

  it('timeGrid: a gap lies on the line between its neighbours; a single point gets a length', () => {
    expect(
      timeGrid([
        { t: 0, value: 10 },
        { t: 4, value: 30 }
      ]).values
    ).toEqual([10, 15, 20, 25, 30])
    expect(timeGrid([{ t: 3, value: 7 }])).toEqual({ start: 3, step: 1, values: [7, 7] })
  })

  it.each([
    [8, 'seconds', '+8 s'],
    [0, 'minutes', '+0:00'],
    [75, 'minutes', '+1:15'],
    [930, 'minutes', '+15:30']
  ] as const)('timeOffset(%i, %s) = %s', (t, scale, label) => {
    expect(timeOffset(t, scale)).toBe(label)
  })
})

describe('mermaid xychart-beta', () => {
  it('an init directive with a contrasting palette, the measured line red over a flat critical line', async () => {
    const list = samples(T0, 40, (i) => ({ errorRate: i > 20 ? 0.6 : 0.01 }))
    const [errors] = blocks(renderCharts(story({ samples: list })))
    expect(errors.split('\n')[0]).toBe(
      `%%{init: {"themeVariables":{"xyChart":{"plotColorPalette":"${COLORS.breached},${COLORS.thresholds.join(',')}"}},"xyChart":{"showLegend":true}}}%%`
    )
    const { axis, lines } = parts(errors)
    expect(axis).toEqual({ title: 'minutes since the watch started', from: 0, to: 9.75 })
    expect(lines.map((l) => l.name)).toEqual(['error rate', 'critical 50%'])
    expect(lines[0].values).toHaveLength(60)
    expect(lines[1].values).toEqual(lines[0].values.map(() => 50))
    await expect(parse(errors)).resolves.toBeTruthy()
  })

  it('a line that stays under every threshold is blue, not red', () => {
    const [errors] = blocks(renderCharts(story({ samples: samples(T0, 5) })))
    expect(errors).toContain(`"plotColorPalette":"${COLORS.calm},`)
  })

  it('renders the error-rate and p95 charts, both parsed by mermaid', async () => {
    const list = samples(T0, 40, (i) => ({
      errorRate: i > 20 ? 0.6 : 0.01,
      p95: i % 7 ? 0.3 : null
    }))
    const md = renderCharts(story({ samples: list }))
    const found = blocks(md)
    expect(found).toHaveLength(2)
    expect(found[0]).toContain('title "Error rate (%)"')
    expect(found[0]).toMatch(/line "error rate" \[1, 1, .*60/)
    expect(found[1]).toContain('title "p95 latency (s)"')
    expect(found[1]).toContain('line "severe 5s" [5, 5,')
    expect(md).toMatch(/6 samples without a p95 value skipped/)
    for (const b of found) await expect(parse(b)).resolves.toBeTruthy()
  })

  it('watch and verification on one time axis: a verification probe in the same second as the last watch probe shares its slot', async () => {
    const watch = samples(T0, 5, (i) => ({ errorRate: 0.3 + i * 0.06 }), 2000)
    const verify = [8_400, 10_000, 12_000].map((ms, i) =>
      sample(T0 + ms, { errorRate: [0.55, 0.3, 0.02][i] })
    )
    const [errors] = blocks(renderCharts(story({ samples: [...watch, ...verify] })))
    const { axis, lines } = parts(errors)
    expect(axis).toEqual({ title: 'seconds since the watch started', from: 0, to: 12 })
    // One value per second from 0 to 12: the +8 s and +8.4 s probes share a slot, the higher stays.
    expect(lines[0].values).toHaveLength(13)
    expect(lines[0].values[8]).toBe(55)
    expect(lines[0].values.filter((_, k) => k % 2 === 0)).toEqual([30, 36, 42, 48, 55, 30, 2])
    await expect(parse(errors)).resolves.toBeTruthy()
  })

  it('a long watch (1000 samples) is at most 60 points, keeping its maxima, in minutes', async () => {
    const list = samples(T0, 1000, (i) => ({
      errorRate: i === 537 ? 0.93 : (i % 50) / 1000,
      p95: 0.1 + (i % 10) / 10
    }))
    const found = blocks(renderCharts(story({ samples: list })))
    for (const b of found) {
      const { axis, lines } = parts(b)
      expect(axis).toEqual({ title: 'minutes since the watch started', from: 0, to: 249.75 })
      for (const l of lines) expect(l.values).toHaveLength(60)
      await expect(parse(b)).resolves.toBeTruthy()
    }
    expect(Math.max(...parts(found[0]).lines[0].values)).toBe(93)
    expect(Math.max(...parts(found[1]).lines[0].values)).toBe(1)
  })

  it('no Prometheus: no error-rate chart, the probe latency instead of p95', async () => {
    const list = samples(T0, 5, () => ({ errorRate: null, p95: null, latencyMs: 800 }))
    const md = renderCharts(story({ samples: list }))
    expect(md).toContain('No error-rate measurement')
    const found = blocks(md)
    expect(found).toHaveLength(1)
    expect(found[0]).toContain('Health probe latency (s)')
    expect(md).toContain("the health probe's own latency")
    await expect(parse(found[0])).resolves.toBeTruthy()
  })

  it('a title with quotes stays valid', async () => {
    const chart = xyChart({
      title: 'say "hi"',
      yLabel: 'y',
      name: 'a "b"',
      points: [{ t: 0, value: 1 }],
      skipped: 0
    })
    expect(chart).not.toBeNull()
    await expect(
      parse((chart as string).replace(/^```mermaid\n|\n```$/g, ''))
    ).resolves.toBeTruthy()
  })

  it('mermaid rejects a broken chart (the check is real)', async () => {
    await expect(parse('xychart-beta\n  x-axis ["0", "15"]\n  line [1, , 2]')).rejects.toThrow()
  })
})

describe('chartStory: the moments and thresholds of a run', () => {
  it('P1 service down: breach, decision, rollback, recovered, in order, under each chart', () => {
    const rec = serviceDownRecord()
    const facts = factsOf(rec)
    expect(momentsOf(facts).map((m) => [m.name, (m.at - T0) / 1000])).toEqual([
      ['breach', 120],
      ['decision', 165],
      ['rollback', 166],
      ['recovered', 255]
    ])
    const md = renderCharts(chartStory(facts, rec, ctx()))
    expect(md).toContain(
      '**breach +2:00 · decision +2:45 · rollback +2:46 · recovered +4:15** — red: error rate · grey: critical 50%.'
    )
  })

  it('P2 error-rate-high: the high threshold is drawn beside the critical one', () => {
    const rec = errorRateHighRecord()
    const [errors] = blocks(renderCharts(chartStory(factsOf(rec), rec, ctx())))
    const { lines } = parts(errors)
    expect(lines.map((l) => l.name)).toEqual(['error rate', 'critical 50%', 'high 10%'])
    expect(new Set(lines[2].values)).toEqual(new Set([10]))
  })

  it('thresholds come from the policy', () => {
    const rec = errorRateHighRecord()
    const c = ctx({
      thresholds: {
        errorRate: { ...ctx().thresholds.errorRate, critical: 0.3, high: 0.05 },
        latency: { ...ctx().thresholds.latency, severe: 2.5 }
      }
    })
    const [errors, latency] = blocks(renderCharts(chartStory(factsOf(rec), rec, c)))
    expect(parts(errors).lines.map((l) => l.name)).toEqual([
      'error rate',
      'critical 30%',
      'high 5%'
    ])
    expect(parts(latency).lines.map((l) => l.name)).toEqual(['p95', 'severe 2.5s'])
  })

  it('a rollback that did not recover says so where "recovered" would be', () => {
    const rec = failedRecord()
    const names = momentsOf(factsOf(rec)).map((m) => m.name)
    expect(names).toContain('no recovery by')
    expect(names).not.toContain('recovered')
  })

  it('a healthy watch names no moment', () => {
    const rec = healthyRecord()
    expect(momentsOf(factsOf(rec))).toEqual([])
    expect(renderCharts(chartStory(factsOf(rec), rec, ctx()))).not.toContain('**')
  })

  it('momentsCaption: moments on the same label are named together', () => {
    const moments = [
      { name: 'breach', at: T0 + 8_000 },
      { name: 'decision', at: T0 + 8_200 },
      { name: 'rollback', at: T0 + 9_000 },
      { name: 'recovered', at: T0 + 21_000 }
    ]
    expect(momentsCaption(moments, T0, 'seconds')).toBe(
      'breach & decision +8 s · rollback +9 s · recovered +21 s'
    )
  })
})
