#!/usr/bin/env node
// npm run render-examples [-- --sections] [--out DIR] [FILE.md …]
// Renders docs/examples/*.md (or the files given) as GitHub shows them — Markdown (marked) plus Mermaid (the real
// `mermaid` package's browser bundle) in headless Chromium — to PNGs beside them:
//   <name>.png and <name>-dark.png: the glance (title, status, what is left, the charts), light
//   and dark (Mermaid's dark theme on GitHub's dark background).
// --sections also writes every `##` section of every page as its own PNG into --out (default
// demo-output/render/), for looking at the whole page: a screenshot covers the window only.
// Installs Debian's `chromium` when it is missing (apt-get). Not part of `npm run verify`.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Marked } from 'marked'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const EXAMPLES = path.join(ROOT, 'docs/examples')
const MERMAID = path.join(ROOT, 'node_modules/mermaid/dist/mermaid.min.js')
const WIDTH = 1000
const MAX_HEIGHT = 6000
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--hide-scrollbars',
  '--allow-file-access-from-files',
  '--virtual-time-budget=5000'
]

/** GitHub's page colours and Mermaid's theme for each scheme. */
const SCHEMES = {
  light: {
    mermaidTheme: 'default',
    bg: '#ffffff',
    fg: '#1f2328',
    muted: '#59636e',
    border: '#d1d9e0',
    code: '#f6f8fa'
  },
  dark: {
    mermaidTheme: 'dark',
    bg: '#0d1117',
    fg: '#f0f6fc',
    muted: '#9198a1',
    border: '#3d444d',
    code: '#151b23'
  }
}

function args() {
  const argv = process.argv.slice(2)
  const opts = { sections: false, out: path.join(ROOT, 'demo-output/render'), files: [] }
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--sections') opts.sections = true
    else if (argv[i] === '--out') opts.out = path.resolve(argv[++i] ?? '')
    else if (argv[i].endsWith('.md') && !argv[i].startsWith('-'))
      opts.files.push(path.resolve(argv[i]))
    else {
      console.error(
        `render-examples: unknown argument '${argv[i]}': use [--sections] [--out DIR] [FILE.md …]`
      )
      process.exit(2)
    }
  }
  if (opts.files.length === 0)
    opts.files = fs
      .readdirSync(EXAMPLES)
      .filter((f) => f.endsWith('.md'))
      .map((f) => path.join(EXAMPLES, f))
  return opts
}

function installed(command) {
  try {
    execFileSync('sh', ['-c', command], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** Debian's chromium (and a colour emoji font, as the report uses emoji), installed when missing. */
function chromium() {
  const need = []
  if (!installed('command -v chromium')) need.push('chromium')
  if (!installed('dpkg -s fonts-noto-color-emoji')) need.push('fonts-noto-color-emoji')
  if (need.length > 0) {
    const asRoot = process.getuid?.() === 0
    console.log(`render-examples: installing ${need.join(', ')} (Debian packages, apt-get)`)
    const apt = (...argv) =>
      execFileSync(asRoot ? 'apt-get' : 'sudo', asRoot ? argv : ['apt-get', ...argv], {
        stdio: 'inherit',
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
      })
    apt('update', '-qq')
    apt('install', '-y', '-qq', '--no-install-recommends', ...need)
  }
  return 'chromium'
}

const escapeHtml = (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** Markdown to HTML as GitHub does it for what the report uses: GFM tables, task lists, Mermaid. */
function toHtml(markdown) {
  const marked = new Marked({ gfm: true })
  marked.use({
    renderer: {
      code({ text, lang }) {
        if (lang === 'mermaid') return `<pre class="mermaid">${escapeHtml(text)}</pre>\n`
        return false
      }
    }
  })
  // The hidden marker and other comments stay hidden, as on GitHub.
  return marked.parse(markdown.replace(/<!--[\s\S]*?-->/g, ''))
}

function page(markdown, scheme) {
  const c = SCHEMES[scheme]
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>render</title>
<style>
  html { background: ${c.bg}; }
  body { margin: 0; padding: 24px 32px; max-width: ${WIDTH - 64}px; background: ${c.bg}; color: ${c.fg};
    font: 14px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; }
  h1 { font-size: 26px; font-weight: 400; margin: 0 0 8px; }
  h2 { font-size: 20px; border-bottom: 1px solid ${c.border}; padding-bottom: 6px; margin: 24px 0 12px; }
  h3 { font-size: 16px; margin: 20px 0 10px; }
  table { border-collapse: collapse; margin: 8px 0; display: block; overflow: auto; }
  th, td { border: 1px solid ${c.border}; padding: 4px 10px; }
  code { background: ${c.code}; padding: 1px 4px; border-radius: 4px; font-size: 12px; }
  pre:not(.mermaid) { background: ${c.code}; padding: 12px; border-radius: 6px; overflow: hidden; }
  pre.mermaid { background: transparent; text-align: center; margin: 8px 0; }
  hr { border: 0; border-top: 1px solid ${c.border}; }
  ul { padding-left: 24px; }
  .muted { color: ${c.muted}; }
</style></head>
<body>
${toHtml(markdown)}
<script src="${pathToFileURL(MERMAID).href}"></script>
<script>
  mermaid.initialize({ startOnLoad: false, theme: ${JSON.stringify(c.mermaidTheme)} })
  mermaid.run().then(
    () => { document.title = 'height=' + document.documentElement.scrollHeight },
    (e) => { document.title = 'error=' + String(e && e.message || e).replace(/\\s+/g, ' ') }
  )
</script>
</body></html>
`
}

/** Renders one Markdown page to a PNG exactly as tall as the page (two passes: measure, shoot). */
function shoot(browser, markdown, scheme, png, tmp) {
  const html = path.join(tmp, `${path.basename(png, '.png')}.html`)
  fs.writeFileSync(html, page(markdown, scheme))
  const profile = fs.mkdtempSync(path.join(tmp, 'profile-'))
  const url = pathToFileURL(html).href
  const common = [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`]
  const dom = execFileSync(browser, [...common, `--window-size=${WIDTH},800`, '--dump-dom', url], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 64 * 1024 * 1024
  })
  const title = /<title>([^<]*)<\/title>/.exec(dom)?.[1] ?? ''
  if (title.startsWith('error=')) throw new Error(`${png}: mermaid failed: ${title.slice(6)}`)
  const height = Number(/^height=(\d+)$/.exec(title)?.[1])
  if (!height) throw new Error(`${png}: the page did not finish rendering (title '${title}')`)
  execFileSync(
    browser,
    [
      ...common,
      `--window-size=${WIDTH},${Math.min(height, MAX_HEIGHT)}`,
      `--screenshot=${png}`,
      url
    ],
    { stdio: 'ignore' }
  )
  return Math.min(height, MAX_HEIGHT)
}

/** Splits a page at its `## ` headings (outside code fences): [preamble, ...sections]. */
function sections(markdown) {
  const out = [[]]
  let fenced = false
  for (const line of markdown.split('\n')) {
    if (/^(```|~~~)/.test(line)) fenced = !fenced
    if (!fenced && /^## /.test(line)) out.push([])
    out[out.length - 1].push(line)
  }
  return out.map((lines) => lines.join('\n'))
}

/** The Markdown up to the end of the first chart's caption (the paragraph right under it). */
function throughFirstChart(markdown) {
  const fence = markdown.indexOf('```mermaid')
  if (fence < 0) return markdown
  const close = markdown.indexOf('\n```', fence + 3)
  const caption = markdown.indexOf('\n\n', close + 4)
  const end = caption < 0 ? markdown.length : markdown.indexOf('\n\n', caption + 2)
  return markdown.slice(0, end < 0 ? markdown.length : end)
}

/**
 * What a maintainer sees at a glance: the title and head of the page, then its first chart (the
 * error rate) with its caption. In the issue the charts come after long sections, which are
 * left out; the job summary has them near the top.
 */
function glance(markdown) {
  const parts = sections(markdown)
  const charts = parts.find((s) => /^## Charts\b/.test(s))
  return charts ? `${parts[0]}\n\n${throughFirstChart(charts)}` : throughFirstChart(markdown)
}

function main() {
  const opts = args()
  const browser = chromium()
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'render-examples-'))
  try {
    for (const file of opts.files) {
      const markdown = fs.readFileSync(file, 'utf8')
      const name = path.basename(file, '.md')
      for (const scheme of ['light', 'dark']) {
        const png = path.join(path.dirname(file), `${name}${scheme === 'dark' ? '-dark' : ''}.png`)
        const height = shoot(browser, glance(markdown), scheme, png, tmp)
        console.log(`${path.relative(ROOT, png)}: ${WIDTH}×${height}, ${fs.statSync(png).size} B`)
      }
      if (opts.sections) {
        fs.mkdirSync(opts.out, { recursive: true })
        sections(markdown).forEach((section, i) => {
          const png = path.join(opts.out, `${name}-${String(i).padStart(2, '0')}.png`)
          shoot(browser, section, 'light', png, tmp)
          console.log(`${path.relative(ROOT, png)}`)
        })
      }
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true })
  }
}

main()
