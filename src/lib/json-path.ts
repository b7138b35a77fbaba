// A plain path to one value in a JSON document: `data.value`, `series[0].value`,
// `data.result[0].value[1]`, `items[-1].v` (from the end), `["key.with.dots"]`. A leading `$`
// and the braces of Argo Rollouts' `{$.data.value}` are accepted, so such paths paste in. No
// filters, wildcards or expressions: one path names at most one value, and nothing is evaluated.

export type PathStep = string | number

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$-]*/

/** The steps of a path, or a message saying what is wrong at which character. */
export function parseJsonPath(raw: string): PathStep[] | string {
  let text = raw.trim()
  if (text.startsWith('{') && text.endsWith('}')) text = text.slice(1, -1).trim()
  if (text === '$' || text === '') return text === '$' ? [] : 'is empty'
  if (text.startsWith('$')) text = text.slice(1)
  const steps: PathStep[] = []
  let i = 0
  let first = true
  while (i < text.length) {
    const at = (why: string) => `${why} at character ${i + 1} of '${text}'`
    const c = text[i]
    if (c === '.') {
      i++
      const m = IDENT.exec(text.slice(i))
      if (!m) return at("expected a name after '.'")
      steps.push(m[0])
      i += m[0].length
    } else if (c === '[') {
      const close = text.indexOf(']', i)
      if (close < 0) return at("'[' without ']'")
      const inner = text.slice(i + 1, close).trim()
      if (/^-?\d+$/.test(inner)) steps.push(Number(inner))
      else if (/^"[^"\\]*"$|^'[^'\\]*'$/.test(inner)) steps.push(inner.slice(1, -1))
      else return at(`'[${inner}]' is neither an index (0, -1) nor a quoted key ("a.b")`)
      i = close + 1
    } else if (first) {
      const m = IDENT.exec(text.slice(i))
      if (!m) return at('expected a name')
      steps.push(m[0])
      i += m[0].length
    } else return at(`unexpected '${c}'`)
    first = false
  }
  return steps
}

/** The path as written back: `data.result[0].value[1]`. */
export function formatJsonPath(steps: PathStep[]): string {
  return (
    steps
      .map((s, i) =>
        typeof s === 'number'
          ? `[${s}]`
          : IDENT.exec(s)?.[0] === s
            ? `${i === 0 ? '' : '.'}${s}`
            : `[${JSON.stringify(s)}]`
      )
      .join('') || '$'
  )
}

/** What lies at the path: found (any JSON value, null included) or where the path ran out. */
export type PathResult = { found: true; value: unknown } | { found: false; missing: string }

export function followJsonPath(doc: unknown, steps: PathStep[]): PathResult {
  let here: unknown = doc
  for (const [i, step] of steps.entries()) {
    const where = formatJsonPath(steps.slice(0, i + 1))
    if (typeof step === 'number') {
      if (!Array.isArray(here)) return { found: false, missing: `${where}: not an array` }
      const index = step < 0 ? here.length + step : step
      if (index < 0 || index >= here.length)
        return { found: false, missing: `${where}: the array has ${here.length} item(s)` }
      here = here[index]
    } else {
      if (!here || typeof here !== 'object' || Array.isArray(here))
        return { found: false, missing: `${where}: not an object` }
      if (!Object.prototype.hasOwnProperty.call(here, step))
        return { found: false, missing: `${where}: no such key` }
      here = (here as Record<string, unknown>)[step]
    }
  }
  return { found: true, value: here }
}
