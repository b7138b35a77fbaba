// `POST /graphql`, for the two operations the action sends, recognised by their operation name:
//
//   query RollbackSentinelViewer { viewer { login databaseId } }
//   query RollbackSentinelIssue($owner: String!, $repo: String!, $number: Int!) {
//     repository(owner: $owner, name: $repo) { issue(number: $number) { … author { … } editor { … } } }
//   }
//
// No GraphQL engine: the query's selection set is parsed (fields, aliases, arguments, inline
// fragments on a type) only to answer with exactly the fields asked for, as GitHub does, so that a
// field the query forgot to ask for is missing here too. A field the stand-in does not serve is
// an error rather than a silent null. Shapes as GitHub's: a bot's `viewer.login` keeps its
// `[bot]`, an `author`/`editor` login drops it; `databaseId` is the REST id; a missing issue is
// `{"data":{"repository":{"issue":null}},"errors":[{"type":"NOT_FOUND",…}]}` with HTTP 200.
import { appSlug } from './accounts.js'

/** @typedef {import('./accounts.js').Account} Account */
/** @typedef {import('./store.js').StandinIssue} StandinIssue */

export const OPERATIONS = ['RollbackSentinelViewer', 'RollbackSentinelIssue']
const MAX_QUERY_CHARS = 20_000
const MAX_DEPTH = 12

/**
 * @typedef {{ kind: 'field', name: string, alias?: string, args: Record<string, Arg>, sel?: Sel[], line: number, column: number }
 *   | { kind: 'fragment', on: string, sel: Sel[] }} Sel
 * @typedef {{ variable: string } | { value: unknown }} Arg
 */

/** @param {string} text */
function tokenize(text) {
  /** @type {{ t: string, line: number, column: number }[]} */
  const tokens = []
  let line = 1
  let lineStart = 0
  const re =
    /\s+|#[^\n]*|\.\.\.|[{}():!$,=[\]@]|"(?:[^"\\\n]|\\.)*"|-?\d+(?:\.\d+)?|[_A-Za-z][_0-9A-Za-z]*/y
  let at = 0
  while (at < text.length) {
    re.lastIndex = at
    const m = re.exec(text)
    if (!m) throw new Error(`Parse error on "${text[at]}" (${line}:${at - lineStart + 1})`)
    const t = m[0]
    if (!/^\s|^#/.test(t)) tokens.push({ t, line, column: at - lineStart + 1 })
    for (let k = 0; k < t.length; k++)
      if (t[k] === '\n') {
        line++
        lineStart = at + k + 1
      }
    at += t.length
  }
  return tokens
}

/**
 * The first operation of a document: its name and root selection set.
 * @param {string} query
 */
export function parseOperation(query) {
  const tokens = tokenize(query)
  let i = 0
  const peek = () => tokens[i]?.t
  const take = (/** @type {string} */ want) => {
    const tok = tokens[i]
    if (!tok || tok.t !== want)
      throw new Error(`Parse error on "${tok?.t ?? 'end of query'}": expected "${want}"`)
    i++
    return tok
  }
  const name = () => {
    const tok = tokens[i]
    if (!tok || !/^[_A-Za-z]/.test(tok.t)) throw new Error(`Parse error on "${tok?.t ?? 'end'}"`)
    i++
    return tok
  }
  /** @returns {Arg} */
  const value = () => {
    if (peek() === '$') {
      i++
      return { variable: name().t }
    }
    const tok = tokens[i++]
    if (!tok) throw new Error('Parse error: a value is missing')
    if (tok.t.startsWith('"')) return { value: JSON.parse(tok.t) }
    if (/^-?\d/.test(tok.t)) return { value: Number(tok.t) }
    if (tok.t === 'true' || tok.t === 'false') return { value: tok.t === 'true' }
    if (tok.t === 'null') return { value: null }
    return { value: tok.t }
  }
  /** @returns {Sel[]} */
  const selectionSet = (/** @type {number} */ depth) => {
    if (depth > MAX_DEPTH) throw new Error('the query is nested too deeply')
    take('{')
    /** @type {Sel[]} */
    const out = []
    while (peek() !== '}') {
      if (peek() === undefined) throw new Error('Parse error: unclosed "{"')
      if (peek() === '...') {
        i++
        if (peek() !== 'on') throw new Error('named fragments are not served by the stand-in')
        i++
        out.push({ kind: 'fragment', on: name().t, sel: selectionSet(depth + 1) })
        continue
      }
      const first = name()
      /** @type {Sel} */
      const field = {
        kind: 'field',
        name: first.t,
        args: {},
        line: first.line,
        column: first.column
      }
      if (peek() === ':') {
        i++
        field.alias = first.t
        field.name = name().t
      }
      if (peek() === '(') {
        i++
        while (peek() !== ')') {
          const arg = name().t
          take(':')
          field.args[arg] = value()
          if (peek() === ',') i++
        }
        take(')')
      }
      if (peek() === '{') field.sel = selectionSet(depth + 1)
      out.push(field)
      if (peek() === ',') i++
    }
    take('}')
    return out
  }
  let type = 'query'
  let opName = ''
  if (peek() === 'query' || peek() === 'mutation' || peek() === 'subscription') {
    type = tokens[i++].t
    if (peek() !== '{' && peek() !== '(') opName = name().t
    if (peek() === '(') {
      let depth = 0
      do {
        if (peek() === '(') depth++
        if (peek() === ')') depth--
        i++
      } while (depth > 0 && i < tokens.length)
    }
  }
  return { type, name: opName, selection: selectionSet(0) }
}

/** A GraphQL actor (`author`, `editor`, `viewer`). */
function actor(/** @type {Account} */ a, /** @type {boolean} */ keepBotSuffix) {
  return {
    __typename: a.type,
    login: a.type === 'Bot' && !keepBotSuffix ? appSlug(a.login) : a.login,
    databaseId: a.id,
    id: Buffer.from(a.type === 'Bot' ? `03:Bot${a.id}` : `04:User${a.id}`).toString('base64')
  }
}

/**
 * @param {{ account: (u: any) => Account, findIssue: (n: number, owner?: string, repo?: string) => StandinIssue | undefined }} store
 * @param {StandinIssue} i
 * @param {string} base
 */
function issueNode(store, i, base) {
  return {
    __typename: 'Issue',
    id: `I_${Buffer.from(String(i.id ?? 3_000_000_000 + i.number)).toString('base64')}`,
    databaseId: i.id ?? 3_000_000_000 + i.number,
    number: i.number,
    state: i.state === 'closed' ? 'CLOSED' : 'OPEN',
    closed: i.state === 'closed',
    title: i.title,
    body: i.body,
    url: `${base}/${i.owner}/${i.repo}/issues/${i.number}`,
    createdAt: i.created_at,
    updatedAt: i.updated_at ?? i.created_at,
    lastEditedAt: i.last_edited_at ?? null,
    author: actor(store.account(i.user), false),
    editor: i.editor ? actor(i.editor, false) : null
  }
}

class FieldError extends Error {}

/**
 * Keeps only the selected fields, as GitHub answers.
 * @param {any} node @param {Sel[]} selection @param {string} type
 * @returns {any}
 */
function prune(node, selection, type) {
  if (node === null || node === undefined) return null
  /** @type {Record<string, unknown>} */
  const out = {}
  for (const s of selection) {
    if (s.kind === 'fragment') {
      if (node.__typename === s.on) Object.assign(out, prune(node, s.sel, s.on))
      continue
    }
    if (!(s.name in node))
      throw new FieldError(`Field '${s.name}' on type '${type}' is not served by the stand-in`)
    const v = node[s.name]
    out[s.alias ?? s.name] =
      s.sel && v && typeof v === 'object' ? prune(v, s.sel, v.__typename ?? s.name) : v
  }
  return out
}

/**
 * Answers a GraphQL request made with `who`'s token.
 * @param {{ account: (u: any) => Account, findIssue: (n: number, owner?: string, repo?: string) => StandinIssue | undefined }} store
 * @param {Account} who
 * @param {unknown} body   the request's JSON: { query, variables, operationName }
 * @param {string} base
 * @returns {{ status: number, json: unknown }}
 */
export function answerGraphql(store, who, body, base) {
  const error = (/** @type {string} */ message, extra = {}) => ({
    status: 200,
    json: { errors: [{ message, ...extra }] }
  })
  const req = /** @type {{ query?: unknown, variables?: unknown, operationName?: unknown }} */ (
    body && typeof body === 'object' ? body : {}
  )
  if (typeof req.query !== 'string' || !req.query.trim())
    return {
      status: 400,
      json: {
        message: 'Problems parsing JSON',
        documentation_url: 'https://docs.github.com/graphql'
      }
    }
  if (req.query.length > MAX_QUERY_CHARS) return error('the query is too long for the stand-in')
  const variables = /** @type {Record<string, unknown>} */ (
    req.variables && typeof req.variables === 'object' ? req.variables : {}
  )
  let op
  try {
    op = parseOperation(req.query)
  } catch (e) {
    return error(e instanceof Error ? e.message : String(e))
  }
  const name =
    typeof req.operationName === 'string' && req.operationName ? req.operationName : op.name
  if (op.type !== 'query' || !OPERATIONS.includes(name))
    return error(
      `the GitHub stand-in answers only the operations ${OPERATIONS.join(' and ')}, not '${name || 'an anonymous one'}'`
    )
  const arg = (/** @type {Arg | undefined} */ a) =>
    a === undefined ? undefined : 'variable' in a ? variables[a.variable] : a.value

  try {
    /** @type {Record<string, unknown>} */
    const data = {}
    /** @type {Record<string, unknown>[]} */
    const errors = []
    for (const root of op.selection) {
      if (root.kind !== 'field') throw new FieldError('fragments on Query are not served')
      const key = root.alias ?? root.name
      if (root.name === 'viewer') {
        data[key] = prune(actor(who, true), root.sel ?? [], who.type)
      } else if (root.name === 'repository') {
        const owner = arg(root.args.owner)
        const repo = arg(root.args.name)
        if (typeof owner !== 'string' || typeof repo !== 'string')
          return error(`Argument 'owner' and 'name' on Field 'repository' must be strings`, {
            extensions: { code: 'argumentLiteralsIncompatible' }
          })
        /** @type {Record<string, unknown>} */
        const repository = {}
        for (const f of root.sel ?? []) {
          if (f.kind !== 'field' || f.name !== 'issue')
            throw new FieldError(
              `Field '${f.kind === 'field' ? f.name : '...'}' on type 'Repository' is not served by the stand-in`
            )
          const number = arg(f.args.number)
          if (!Number.isInteger(number))
            return error(`Variable $number of type Int! was provided invalid value`, {
              extensions: {
                value: number ?? null,
                problems: [{ path: [], explanation: 'Expected value to not be null' }]
              }
            })
          const issue = store.findIssue(/** @type {number} */ (number), owner, repo)
          if (!issue || issue.pull_request) {
            repository[f.alias ?? f.name] = null
            errors.push({
              type: 'NOT_FOUND',
              path: ['repository', f.alias ?? f.name],
              locations: [{ line: f.line, column: f.column }],
              message: `Could not resolve to an Issue with the number of ${number}.`
            })
          } else
            repository[f.alias ?? f.name] = prune(
              issueNode(store, issue, base),
              f.sel ?? [],
              'Issue'
            )
        }
        data[key] = repository
      } else
        throw new FieldError(`Field '${root.name}' on type 'Query' is not served by the stand-in`)
    }
    return { status: 200, json: errors.length ? { data, errors } : { data } }
  } catch (e) {
    if (e instanceof FieldError) return error(e.message, { extensions: { code: 'undefinedField' } })
    throw e
  }
}
