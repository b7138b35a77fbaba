import { beforeAll, describe, expect, it } from '@jest/globals'
import DOMPurify from 'dompurify'
import {
  chartStory,
  momentsCaption,
  momentsOf,
  renderCharts,
  type ChartStory
} from '../../src/report/chart-story.js'
import {
  COLORS,
  downsample,
  series,
  timeLabel,
  uniqueSeconds,
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
} from './fixtures.js'

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

/** The labels of a chart's x-axis, and each `line "name" [values]` series. */
function parts(block: string): { labels: string[]; lines: { name: string; values: number[] }[] } {
  const axis = /x-axis "[^"]*" \[(.*)\]/.exec(block)?.[1] ?? ''
  const labels = [...axis.matchAll(/"([^"]*)"/g)].map((m) => m[1])
  const lines = [...block.matchAll(/^\s*line "([^"]*)" \[(.*)\]$/gm)].map((m) => ({
    name: m[1],
    values: m[2].split(',').map(Number)
  }))
  return { labels, lines }
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

  it('downsample: at most the bound, keeping the worst value of each bucket', () => {
    const points = Array.from({ length: 200 }, (_, i) => ({ t: i, value: i === 101 ? 99 : 1 }))
    const out = downsample(points, 60)
    expect(out.length).toBeLessThanOrEqual(60)
    expect(Math.max(...out.map((p) => p.value))).toBe(99)
  })

  it('uniqueSeconds: samples in the same second merge (the higher value stays)', () => {
    expect(
      uniqueSeconds([
        { t: 6, value: 48 },
        { t: 8, value: 51 },
        { t: 8, value: 55 },
        { t: 10, value: 42 }
      ])
    ).toEqual([
      { t: 6, value: 48 },
      { t: 8, value: 55 },
      { t: 10, value: 42 }
    ])
  })

  it.each([
    [8, 'seconds', '8'],
    [0, 'minutes', '0:00'],
    [75, 'minutes', '1:15'],
    [930, 'minutes', '15:30']
  ] as const)('timeLabel(%i, %s) = %s', (t, scale, label) => {
    expect(timeLabel(t, scale)).toBe(label)
  })
})

describe('mermaid xychart-beta', () => {
  it('an init directive with a contrasting palette, the measured line red over a flat critical line', async () => {
    const list = samples(T0, 40, (i) => ({ errorRate: i > 20 ? 0.6 : 0.01 }))
    const [errors] = blocks(renderCharts(story({ samples: list })))
    expect(errors.split('\n')[0]).toBe(
      `%%{init: {"themeVariables":{"xyChart":{"plotColorPalette":"${COLORS.breached},${COLORS.thresholds.join(',')}"}},"xyChart":{"showLegend":true}}}%%`
    )
    const { labels, lines } = parts(errors)
    expect(lines.map((l) => l.name)).toEqual(['error rate', 'critical 50%'])
    expect(lines[1].values).toEqual(labels.map(() => 50))
    expect(lines[0].values).toHaveLength(labels.length)
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

  it('watch and verification on one axis: unique labels where a verification sample shares a second', async () => {
    const watch = samples(T0, 5, (i) => ({ errorRate: 0.3 + i * 0.06 }), 2000)
    const verify = [8_400, 10_000, 12_000].map((ms, i) =>
      sample(T0 + ms, { errorRate: [0.55, 0.3, 0.02][i] })
    )
    const [errors] = blocks(renderCharts(story({ samples: [...watch, ...verify] })))
    const { labels, lines } = parts(errors)
    expect(labels).toEqual(['0', '2', '4', '6', '8', '10', '12'])
    expect(new Set(labels).size).toBe(labels.length)
    expect(lines[0].values[4]).toBe(55) // the +8 s probe and the +8.4 s one: the higher stays
    await expect(parse(errors)).resolves.toBeTruthy()
  })

  it('a long watch (1000 samples) is downsampled to at most 60 points, keeping its maxima, in minutes', async () => {
    const list = samples(T0, 1000, (i) => ({
      errorRate: i === 537 ? 0.93 : (i % 50) / 1000,
      p95: 0.1 + (i % 10) / 10
    }))
    const found = blocks(renderCharts(story({ samples: list })))
    for (const b of found) {
      const { labels, lines } = parts(b)
      expect(labels.length).toBeLessThanOrEqual(60)
      expect(new Set(labels).size).toBe(labels.length)
      expect(labels[1]).toMatch(/^\d+:\d\d$/)
      expect(b).toContain('minutes since the watch started')
      for (const l of lines) expect(l.values).toHaveLength(labels.length)
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
