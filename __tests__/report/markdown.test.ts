import { describe, expect, it } from '@jest/globals'
import { cell, defuse, fence, fitBody, scrub, scrubDeep } from '../../src/report/markdown.js'
import { FAKE_KEY, FAKE_TOKEN, SECRETS, expectNoSecret } from '../../__fixtures__/records.js'

describe('fence', () => {
  it.each([
    ['plain text', '```'],
    ['has ``` inside', '````'],
    ['has ````` five', '``````'],
    ['`one` tick', '```']
  ])('%s is fenced by a longer run', (text, ticks) => {
    const out = fence(text)
    expect(out.startsWith(`${ticks}text\n`)).toBe(true)
    expect(out.endsWith(`\n${ticks}`)).toBe(true)
    expect(out).toContain(text)
  })

  it('no line inside can close the fence', () => {
    const hostile = 'a\n```\n# heading\n````\n<img src=x>'
    const out = fence(hostile)
    const open = out.split('\n')[0].replace('text', '')
    const inner = out.split('\n').slice(1, -1)
    for (const line of inner) expect(line.trim()).not.toBe(open)
    expect(open.length).toBeGreaterThan(4)
  })
})

describe('defuse', () => {
  it.each([
    ['@octocat please look', '@\u200boctocat please look'],
    ['@acme/oncall', '@\u200bacme/oncall'],
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['see #123', 'see #\u200b123'],
    ['![x](https://e.example/x.png)', '!\u200b[x](https://e.example/x.png)'],
    ['a @ b', 'a @ b']
  ])('%s', (input, expected) => {
    expect(defuse(input)).toBe(expected)
  })

  it('cell escapes pipes and newlines', () => {
    expect(cell('a | b\nc @x')).toBe('a \\| b c @\u200bx')
    expect(cell('x'.repeat(200), 10)).toHaveLength(10)
  })
})

describe('scrub', () => {
  it('replaces whole secrets and each line of a multi-line secret', () => {
    const line = FAKE_KEY.split('\n')[1]
    const text = `token=${FAKE_TOKEN}\nkey:\n${FAKE_KEY}\npartial ${line}\njson ${JSON.stringify(FAKE_KEY)}`
    const out = scrub(text, SECRETS)
    expectNoSecret(out)
    expect(out).toContain('token=***')
  })

  it('ignores empty secrets and leaves other text alone', () => {
    expect(scrub('nothing secret here', ['', '  '])).toBe('nothing secret here')
  })

  it('scrubDeep walks objects and arrays', () => {
    const out = scrubDeep({ a: [FAKE_TOKEN, { b: `x ${FAKE_TOKEN}` }], n: 3 }, SECRETS)
    expect(out).toEqual({ a: ['***', { b: 'x ***' }], n: 3 })
  })
})

describe('fitBody', () => {
  const body = (samplesChars: number): string =>
    [
      '<!-- rollback-sentinel environment=production run=1 -->',
      '- **Status:** CRITICAL',
      '',
      '## Timeline',
      '',
      '| a | b |',
      '',
      '## Samples',
      '',
      '| row |\n'.repeat(Math.ceil(samplesChars / 8)),
      '## Commands for a human',
      '',
      '```bash\nssh host\n```',
      ''
    ].join('\n')

  it('leaves a body under the limit alone', () => {
    const b = body(1000)
    expect(fitBody(b)).toBe(b)
  })

  it('cuts the largest section at its boundary and says what was cut', () => {
    const b = body(80_000)
    const out = fitBody(b)
    expect(out.length).toBeLessThanOrEqual(65_536)
    expect(out).toContain('<!-- rollback-sentinel environment=production run=1 -->')
    expect(out).toContain('## Samples')
    expect(out).toContain('## Commands for a human')
    expect(out).toContain('ssh host')
    expect(out).toMatch(
      /…[\d,]+ characters of samples cut to fit GitHub's 65,536-character limit; the full report is in the decision trace artifact/
    )
  })

  it('a custom limit', () => {
    const out = fitBody(body(5000), 2000)
    expect(out.length).toBeLessThanOrEqual(2000)
    expect(out).toContain("GitHub's 2,000-character limit")
  })

  it('hard-cuts a huge first section at a line boundary and closes an open fence', () => {
    const huge = `head\n\`\`\`text\n${'line\n'.repeat(20_000)}\`\`\`\n## Tail\n\nend\n`
    const out = fitBody(huge, 10_000)
    expect(out.length).toBeLessThanOrEqual(10_000)
    const fences = out.split('\n').filter((l) => l.startsWith('```'))
    expect(fences.length % 2).toBe(0)
    expect(out).toContain('cut to fit')
  })
})
