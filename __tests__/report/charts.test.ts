import { beforeAll, describe, expect, it } from '@jest/globals'
import DOMPurify from 'dompurify'
import { downsample, renderCharts, series, xyChart } from '../../src/report/charts.js'
import { T0, sample, samples } from './fixtures.js'

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

  it('downsamples to the bound, keeping the worst value of each bucket', () => {
    const points = Array.from({ length: 200 }, (_, i) => ({ t: i, value: i === 101 ? 99 : 1 }))
    const out = downsample(points, 60)
    expect(out.length).toBeLessThanOrEqual(60)
    expect(Math.max(...out.map((p) => p.value))).toBe(99)
  })
})

describe('mermaid xychart-beta', () => {
  it('renders the error-rate and p95 charts, both parsed by mermaid', async () => {
    const list = samples(T0, 40, (i) => ({
      errorRate: i > 20 ? 0.6 : 0.01,
      p95: i % 7 ? 0.3 : null
    }))
    const md = renderCharts(list, T0)
    const found = blocks(md)
    expect(found).toHaveLength(2)
    expect(found[0]).toContain('title "Error rate (%)"')
    expect(found[0]).toMatch(/line \[1, 1, .*60/)
    expect(found[1]).toContain('title "p95 latency (s)"')
    expect(md).toMatch(/6 samples without a p95 value skipped/)
    for (const b of found) await expect(parse(b)).resolves.toBeTruthy()
  })

  it('a long watch (1000 samples) stays parseable and bounded', async () => {
    const list = samples(T0, 1000, (i) => ({ errorRate: (i % 50) / 100, p95: 0.1 + (i % 10) / 10 }))
    for (const b of blocks(renderCharts(list, T0))) {
      expect((b.match(/,/g) ?? []).length).toBeLessThan(200)
      await expect(parse(b)).resolves.toBeTruthy()
    }
  })

  it('no Prometheus: no error-rate chart, the probe latency instead of p95', async () => {
    const list = samples(T0, 5, () => ({ errorRate: null, p95: null, latencyMs: 800 }))
    const md = renderCharts(list, T0)
    expect(md).toContain('No error-rate measurement')
    const found = blocks(md)
    expect(found).toHaveLength(1)
    expect(found[0]).toContain('Health probe latency (s)')
    await expect(parse(found[0])).resolves.toBeTruthy()
  })

  it('a title with quotes stays valid', async () => {
    const chart = xyChart({
      title: 'say "hi"',
      yLabel: 'y',
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
