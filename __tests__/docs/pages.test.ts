// The README is for users: short, with a table of contents, and every reference page one link
// away. Every relative link in the README and the docs leads to a file that exists, and every
// #anchor to a heading that exists (GitHub's slugs), so moving a section cannot leave a dead link.
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { marked, type Token, type Tokens } from 'marked'
import { parse } from 'yaml'

const root = join(import.meta.dirname, '..', '..')
const read = (file: string): string => readFileSync(join(root, file), 'utf8')
const README_MAX_LINES = 400

function walk(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((f) => {
    const p = join(dir, f)
    return statSync(join(root, p)).isDirectory() ? walk(p) : p.endsWith('.md') ? [p] : []
  })
}

/** The pages a reader follows links through: the README, the docs, the security policy. */
const pages = ['README.md', 'SECURITY.md', 'hostkit/README.md', ...walk('docs')]
/** The reference pages the README must lead to (docs/ itself, not its sub-folders). */
const topPages = readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md'))

/** The text GitHub shows for a heading: code spans, emphasis and links reduced to their words. */
function plain(tokens: Token[] = []): string {
  return tokens
    .map((t) => {
      if (t.type === 'html') return ''
      if ('tokens' in t && t.tokens && t.tokens.length > 0) return plain(t.tokens)
      return 'text' in t ? String(t.text) : ''
    })
    .join('')
}

/** GitHub's heading anchor: lowercase, punctuation removed, each space a hyphen. */
function slug(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
    .replace(/ /g, '-')
}

interface Page {
  headings: { depth: number; text: string }[]
  anchors: Set<string>
  links: string[]
}

const parsed = new Map<string, Page>()
function page(file: string): Page {
  const cached = parsed.get(file)
  if (cached) return cached
  const tokens = marked.lexer(read(file))
  const headings: Page['headings'] = []
  const links: string[] = []
  marked.walkTokens(tokens, (t) => {
    if (t.type === 'heading') {
      const h = t as Tokens.Heading
      headings.push({ depth: h.depth, text: plain(h.tokens) })
    } else if (t.type === 'link' || t.type === 'image') {
      links.push((t as Tokens.Link).href)
    } else if (t.type === 'html') {
      for (const m of (t as Tokens.HTML).raw.matchAll(/\b(?:href|src|srcset)="([^"]+)"/g))
        links.push(m[1])
    }
  })
  // A repeated heading gets -1, -2… as on GitHub.
  const anchors = new Set<string>()
  const seen = new Map<string, number>()
  for (const { text } of headings) {
    const base = slug(text)
    const n = seen.get(base) ?? 0
    seen.set(base, n + 1)
    anchors.add(n === 0 ? base : `${base}-${n}`)
  }
  const result = { headings, anchors, links }
  parsed.set(file, result)
  return result
}

/** What is wrong with a relative link from `file`, or undefined when it resolves. */
function brokenLink(file: string, href: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(href)) return undefined // https:, mailto:
  const [path, anchor] = href.split('#', 2)
  const target = path === '' ? join(root, file) : resolve(root, dirname(file), decodeURI(path))
  if (!existsSync(target)) return `${href}: no file ${relative(root, target)}`
  if (anchor === undefined || anchor === '') return undefined
  if (!target.endsWith('.md')) return `${href}: an anchor into a file that is not Markdown`
  const anchors = page(relative(root, target)).anchors
  return anchors.has(anchor) ? undefined : `${href}: no heading #${anchor}`
}

describe('slug', () => {
  it.each([
    ['Commands on the incident issue', 'commands-on-the-incident-issue'],
    ['`--list`', '--list'],
    ['SSH, fleets and bastions', 'ssh-fleets-and-bastions'],
    ["The runbook's rules: 1 → 2", 'the-runbooks-rules-1--2'],
    ['host_checks & Co.', 'host_checks--co']
  ])('%s → %s', (text, expected) => {
    expect(slug(text)).toBe(expected)
  })
})

describe('links', () => {
  it('finds a missing file and a missing heading', () => {
    expect(brokenLink('README.md', 'docs/no-such-page.md')).toMatch(/no file docs\/no-such-page/)
    expect(brokenLink('README.md', 'docs/fleets.md#no-such-heading')).toMatch(/no heading/)
    expect(brokenLink('README.md', '#no-such-heading')).toMatch(/no heading/)
    expect(brokenLink('docs/fleets.md', '../README.md#quick-start')).toBeUndefined()
    // The links are found: in text, tables and HTML alike.
    const links = page('README.md').links
    expect(links).toEqual(
      expect.arrayContaining(['docs/inputs.md', 'docs/examples/incident-issue-dark.png'])
    )
  })

  it.each(pages)('%s: every relative link resolves to a file and a heading', (file) => {
    const { links } = page(file)
    expect(links.map((href) => brokenLink(file, href)).filter(Boolean)).toEqual([])
  })
})

describe('README.md', () => {
  const text = read('README.md')
  const { headings } = page('README.md')

  it(`stays within ${README_MAX_LINES} lines`, () => {
    expect(text.split('\n').length).toBeLessThanOrEqual(README_MAX_LINES)
  })

  it('has a table of contents that lists every section, in order, by its anchor', () => {
    const start = text.indexOf('\n## Contents\n')
    expect(start).toBeGreaterThan(0)
    const block = text.slice(start + '\n## Contents\n'.length, text.indexOf('\n## ', start + 1))
    const listed = [...block.matchAll(/^- \[([^\]]+)\]\(#([^)]+)\)$/gm)].map((m) => m[2])
    const sections = headings
      .filter((h) => h.depth === 2 && h.text !== 'Contents')
      .map((h) => slug(h.text))
    expect(listed).toEqual(sections)
    for (const anchor of listed) expect(brokenLink('README.md', `#${anchor}`)).toBeUndefined()
  })

  it('links every reference page in docs/', () => {
    const linked = new Set(
      page('README.md')
        .links.filter((href) => href.startsWith('docs/'))
        .map((href) => href.slice('docs/'.length).split('#')[0])
    )
    expect(topPages.filter((f) => !linked.has(f))).toEqual([])
  })

  it('keeps the two quick-start commands, and CI runs the test command', () => {
    const quick = /## Quick start\n[^]*?```bash\n([^]*?)```/.exec(text)?.[1] ?? ''
    const commands = quick.split('\n').map((line) => line.split('#')[0].trim())
    expect(commands.filter(Boolean)).toEqual([
      'npm run demo',
      'npm run verify && npm run test:ansible'
    ])
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> })
      .scripts
    expect(scripts.demo).toMatch(/sandbox\/demo\.js/)
    expect(scripts.verify).toMatch(/npm test/)
    expect(read('.ci/run').split('\n')).toContain(commands.filter(Boolean)[1])
  })

  it('writes its workflow with the names and versions of examples/workflow.yml', () => {
    const example = read('examples/workflow.yml')
    const workflow = /## A minimal workflow\n[^]*?```yaml\n([^]*?)```/.exec(text)?.[1] ?? ''
    expect(parse(workflow)).toHaveProperty('jobs')
    const refs = (t: string): string[] =>
      [...t.matchAll(/\b(vars|secrets)\.([A-Z_]+)/g)].map((m) => `${m[1]}.${m[2]}`)
    expect(refs(workflow).length).toBeGreaterThan(0)
    expect(refs(workflow).filter((r) => !refs(example).includes(r))).toEqual([])
    expect(text).not.toMatch(/docker-compose /)
  })

  it.each(pages)('%s uses each actions/* at the version the examples use', (file) => {
    const examples = readdirSync(join(root, 'examples')).map((f) => read(join('examples', f)))
    const versions = new Map<string, string>()
    for (const t of examples)
      for (const m of t.matchAll(/uses:\s*(actions\/[\w.-]+)@([\w.-]+)/g)) versions.set(m[1], m[2])
    for (const m of read(file).matchAll(/uses:\s*(actions\/[\w.-]+)@([\w.-]+)/g))
      expect(`${m[1]}@${m[2]}`).toBe(`${m[1]}@${versions.get(m[1])}`)
  })
})

describe('reference pages', () => {
  it.each(topPages)(
    'docs/%s starts with a title and a summary that links back to the README',
    (f) => {
      const lines = read(join('docs', f)).split('\n')
      const head = lines.slice(0, 4).join('\n')
      expect(head).toMatch(/^(# |> )/m)
      expect(head).toContain('](../README.md)')
    }
  )
})

describe('docs/policy.md', () => {
  interface Schema {
    properties?: Record<string, Schema>
    default?: unknown
  }
  const schema = JSON.parse(read('policy.schema.json')) as Schema
  const leaves = (s: Schema, path: string[] = []): [string, unknown][] =>
    Object.entries(s.properties ?? {}).flatMap(([key, sub]) =>
      sub.properties === undefined || sub.default !== undefined
        ? [[[...path, key].join('.'), sub.default] as [string, unknown]]
        : leaves(sub, [...path, key])
    )
  const text = read('docs/policy.md')
  const start = text.indexOf('| key | default | meaning (runbook) |')
  const rows = new Map(
    text
      .slice(start, text.indexOf('\n\n', start))
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .map((line) => {
        const [key, dflt] = line.split(' | ').map((c) => c.replace(/^\| /, '').replace(/`/g, ''))
        return [key, dflt] as [string, string]
      })
  )

  it('has a key table', () => {
    expect(start).toBeGreaterThan(0)
    expect(rows.size).toBeGreaterThan(10)
  })

  it('lists every key of policy.schema.json, and only those', () => {
    expect([...rows.keys()].sort()).toEqual(
      leaves(schema)
        .map(([k]) => k)
        .sort()
    )
  })

  it.each(leaves(schema).filter(([, d]) => typeof d !== 'object'))(
    '%s shows the schema default %p',
    (key, dflt) => {
      const shown = rows.get(key) ?? ''
      if (typeof dflt === 'number') expect(Number(shown)).toBe(dflt)
      else expect(shown).toBe(dflt === '' ? '""' : String(dflt))
    }
  )
})
