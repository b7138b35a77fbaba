// Markdown safety for text we did not write (log lines, response bodies, host output) and the
// size limit of an issue body. Pure functions: no I/O.

/** GitHub's limit for an issue body or a comment, in characters. */
export const GITHUB_BODY_LIMIT = 65_536

/** Secret lines shorter than this are not scrubbed on their own (they would blank common words). */
const MIN_SECRET_LINE = 4

/**
 * Puts untrusted text in a code fence longer than any backtick run inside it, so nothing in the
 * text can close the fence or render as Markdown/HTML.
 */
export function fence(untrusted: string, lang = 'text'): string {
  const runs = untrusted.match(/`+/g) ?? []
  const longest = runs.reduce((max, run) => Math.max(max, run.length), 0)
  const ticks = '`'.repeat(Math.max(3, longest + 1))
  const text = breakComments(untrusted.replace(/\r\n?/g, '\n').replace(/\n+$/, ''))
  return `${ticks}${lang}\n${text}\n${ticks}`
}

/**
 * A fence or a code span stops rendering, not a parser that reads the raw body: an HTML comment
 * opener or closer inside one is broken with a zero-width space, so no marker can be carried in.
 */
function breakComments(text: string): string {
  return text.replace(/<!--/g, '<!\u200b--').replace(/-->/g, '--\u200b>')
}

/**
 * Makes text safe outside a fence: HTML (and so any hidden marker) is escaped; `@name` and
 * `@org/team` cannot ping and `#123` cannot link or close anything (a zero-width space after the
 * `@` or `#`); `![…](…)` cannot load an image (a beacon through GitHub's image proxy).
 */
export function defuse(text: string): string {
  return text
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/@(?=[A-Za-z0-9_-])/g, '@\u200b')
    .replace(/#(?=\d)/g, '#\u200b')
    .replace(/!\[/g, '!\u200b[')
}

/**
 * Makes a chat message inert: Slack's control sequences (`<!channel>`, `<@U123>`, `<#C1>`,
 * `<url|text>`) need `<` and `>`, which become entities as Slack's own escaping rules ask; and
 * `@here`/`@all`/`@name` (Mattermost, Rocket.Chat) get a zero-width space after the `@`. The whole
 * notice goes through it: host output and `--list` lines reach it inside reasons.
 */
export function defuseChat(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/@(?=[A-Za-z0-9_-])/g, '@\u200b')
}

/** Text for one Markdown table cell: defused, one line, pipes escaped, at most `max` characters. */
export function cell(text: string, max = 120): string {
  const line = text.replace(/\s+/g, ' ').trim()
  const short = line.length > max ? `${line.slice(0, max - 1)}…` : line
  return defuse(short).replace(/\|/g, '\\|')
}

/** Inline code for short trusted-ish values (ids, commands): backticks inside are handled. */
export function code(text: string): string {
  const runs = text.match(/`+/g) ?? []
  const longest = runs.reduce((max, run) => Math.max(max, run.length), 0)
  const ticks = '`'.repeat(longest + 1)
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : ''
  return `${ticks}${pad}${breakComments(text.replace(/\s+/g, ' '))}${pad}${ticks}`
}

/**
 * Replaces every secret value with `***`; a multi-line secret (a private key) is also scrubbed
 * line by line, so a partial echo of it (one line of a key, a JSON-escaped key) is caught too.
 */
export function scrub(text: string, secrets: readonly string[]): string {
  const needles = secretNeedles(secrets)
  let out = text
  for (const needle of needles) out = out.split(needle).join('***')
  return out
}

/** Scrubs every string inside a JSON-like value (objects, arrays), returning a copy. */
export function scrubDeep<T>(value: T, secrets: readonly string[]): T {
  const needles = secretNeedles(secrets)
  if (needles.length === 0) return value
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      let out = v
      for (const needle of needles) out = out.split(needle).join('***')
      return out
    }
    if (Array.isArray(v)) return v.map(walk)
    if (v && typeof v === 'object') {
      const copy: Record<string, unknown> = {}
      for (const [k, inner] of Object.entries(v)) copy[k] = walk(inner)
      return copy
    }
    return v
  }
  return walk(value) as T
}

function secretNeedles(secrets: readonly string[]): string[] {
  const set = new Set<string>()
  for (const secret of secrets) {
    if (!secret || !secret.trim()) continue
    set.add(secret)
    const trimmed = secret.trim()
    set.add(trimmed)
    if (/\r?\n/.test(trimmed)) {
      for (const line of trimmed.split(/\r?\n/)) {
        const l = line.trim()
        if (l.length >= MIN_SECRET_LINE) set.add(l)
      }
    }
  }
  // Longest first, so a whole key is replaced before its lines are.
  return [...set].sort((a, b) => b.length - a.length)
}

interface Section {
  heading: string
  text: string
}

/**
 * Keeps a body under GitHub's limit. Cuts whole `## ` sections, largest first (the samples table
 * is usually the one), and says what was cut and where the full report is. The first section (the
 * marker, the title and the status lines) is never cut; if it alone is too long it is cut at a
 * line boundary, with any open code fence closed.
 */
export function fitBody(body: string, limit = GITHUB_BODY_LIMIT): string {
  if (body.length <= limit) return body
  const sections = splitSections(body)
  const cut: { name: string; chars: number }[] = []
  const noteFor = (): string => cutNote(cut, limit)
  const total = (): number =>
    sections.reduce((sum, s) => sum + s.text.length, 0) + noteFor().length + 2

  const candidates = sections
    .map((s, i) => ({ s, i }))
    .filter(({ i }) => i > 0)
    .sort((a, b) => b.s.text.length - a.s.text.length)
  for (const { s } of candidates) {
    if (total() <= limit) break
    const placeholder = `${s.heading}\n\n_Cut to fit the size limit: see the note at the end._\n`
    cut.push({ name: sectionName(s.heading), chars: s.text.length })
    s.text = placeholder
  }
  let out = sections.map((s) => s.text).join('')
  if (out.length + noteFor().length + 2 > limit) {
    const room = Math.max(0, limit - noteFor().length - 200)
    const dropped = out.length - room
    out = closeFences(out.slice(0, out.lastIndexOf('\n', room) + 1 || room))
    cut.push({ name: 'the end of the report', chars: dropped })
  }
  return `${out.replace(/\n*$/, '\n')}\n${noteFor()}`
}

function splitSections(body: string): Section[] {
  const lines = body.split('\n')
  const sections: Section[] = [{ heading: '', text: '' }]
  let inFence: string | null = null
  for (const [index, line] of lines.entries()) {
    const fenceMatch = /^(`{3,}|~{3,})/.exec(line)
    if (fenceMatch) {
      if (inFence === null) inFence = fenceMatch[1]
      else if (line.startsWith(inFence) && line.trim() === inFence) inFence = null
    }
    if (inFence === null && /^## /.test(line)) sections.push({ heading: line, text: '' })
    const current = sections[sections.length - 1]
    current.text += index < lines.length - 1 ? `${line}\n` : line
  }
  return sections
}

function sectionName(heading: string): string {
  return (
    heading
      .replace(/^#+\s*/, '')
      .replace(/[^\p{L}\p{N} /()-]/gu, '')
      .trim()
      .toLowerCase() || 'a section'
  )
}

function closeFences(text: string): string {
  let open: string | null = null
  for (const line of text.split('\n')) {
    const m = /^(`{3,}|~{3,})/.exec(line)
    if (!m) continue
    if (open === null) open = m[1]
    else if (line.trim() === open) open = null
  }
  return open === null ? text : `${text.replace(/\n?$/, '\n')}${open}\n`
}

function cutNote(cut: { name: string; chars: number }[], limit: number): string {
  if (cut.length === 0) return ''
  const parts = cut.map((c) => `${c.chars.toLocaleString('en-US')} characters of ${c.name}`)
  return (
    `> [!NOTE]\n> …${parts.join(', ')} cut to fit GitHub's ${limit.toLocaleString('en-US')}-character ` +
    `limit; the full report is in the decision trace artifact.\n`
  )
}
