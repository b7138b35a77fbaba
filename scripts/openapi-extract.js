// The slice of GitHub's OpenAPI description that the GitHub stand-in is checked against
// (__tests__/sandbox/github-standin-openapi.test.ts): the REST operations the action calls, with the
// closure of their `$ref`s, annotations stripped (descriptions, summaries, examples, x-*), so
// that only what a validator reads is left.
//
//   node scripts/openapi-extract.js [--version 23.0.2] [--from FILE.tgz] [--out FILE]
//
// Without --from it runs `npm pack @octokit/openapi@VERSION` into a temporary directory (the
// package is never added to package.json) and reads package/generated/api.github.com.json from
// the tarball. The output is a function of that file alone (no dates, keys of components sorted),
// so the same version gives the same bytes.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')
export const DEFAULT_VERSION = '23.0.2'
export const DEFAULT_OUT = path.join(ROOT, '__fixtures__/github-openapi/extract.json')
const SPEC = 'package/generated/api.github.com.json'

/** The operations the action (and the stand-in's checks) use. */
export const OPERATIONS = [
  'issues/list-for-repo',
  'issues/get',
  'issues/create',
  'issues/update',
  'issues/list-comments',
  'issues/create-comment',
  'issues/add-labels',
  'repos/get-collaborator-permission-level',
  'reactions/create-for-issue-comment',
  'repos/list-deployments',
  'users/get-authenticated'
]

/** Keys that only annotate (kept out); `properties` maps are names, never stripped. */
const ANNOTATIONS = new Set([
  'description',
  'summary',
  'example',
  'examples',
  'externalDocs',
  'tags'
])
const OPERATION_KEYS = ['operationId', 'parameters', 'requestBody', 'responses']

/**
 * @param {unknown} node
 * @param {boolean} [names]  node is a map of names (schema properties), whose keys are data
 * @returns {unknown}
 */
export function strip(node, names = false) {
  if (Array.isArray(node)) return node.map((v) => strip(v))
  if (!node || typeof node !== 'object') return node
  /** @type {Record<string, unknown>} */
  const out = {}
  for (const [key, value] of Object.entries(node)) {
    if (!names && (ANNOTATIONS.has(key) || key.startsWith('x-'))) continue
    out[key] = strip(value, !names && key === 'properties')
  }
  return out
}

/**
 * @param {{ openapi: string, info: { version: string }, paths: Record<string, Record<string, any>>, components: Record<string, Record<string, unknown>> }} spec
 * @param {string} packageVersion
 */
/**
 * The operations named (with only `keys` of each) and the closure of their `$ref`s, annotations
 * stripped: what both extracts (GitHub's, Datadog's) keep of a vendor's description.
 * @param {any} spec
 * @param {readonly string[]} operations
 * @param {readonly string[]} keys
 * @returns {{ paths: Record<string, Record<string, unknown>>, components: Record<string, Record<string, unknown>> }}
 */
export function operationsOf(spec, operations, keys) {
  /** @type {Record<string, Record<string, unknown>>} */
  const paths = {}
  const found = new Set()
  for (const [route, methods] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(/** @type {Record<string, any>} */ (methods))) {
      if (!op || typeof op !== 'object' || !operations.includes(op.operationId)) continue
      found.add(op.operationId)
      /** @type {Record<string, unknown>} */
      const kept = {}
      for (const k of keys) if (op[k] !== undefined) kept[k] = strip(op[k])
      paths[route] = { ...(paths[route] ?? {}), [method]: kept }
    }
  }
  const missing = operations.filter((o) => !found.has(o))
  if (missing.length) throw new Error(`not in the description: ${missing.join(', ')}`)

  /** @type {Map<string, unknown>} '#/components/<kind>/<name>' → stripped */
  const refs = new Map()
  /** @type {unknown[]} */
  const queue = [paths]
  while (queue.length) {
    const node = queue.pop()
    if (Array.isArray(node)) queue.push(...node)
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === '$ref' && typeof v === 'string' && !refs.has(v)) {
          const m = /^#\/components\/([^/]+)\/([^/]+)$/.exec(v)
          if (!m) throw new Error(`unexpected $ref ${v}`)
          const target = spec.components[m[1]]?.[m[2]]
          if (target === undefined) throw new Error(`dangling $ref ${v}`)
          const stripped = strip(target)
          refs.set(v, stripped)
          queue.push(stripped)
        } else queue.push(v)
      }
    }
  }
  /** @type {Record<string, Record<string, unknown>>} */
  const components = {}
  for (const ref of [...refs.keys()].sort()) {
    const [, , kind, name] = ref.split('/')
    components[kind] = components[kind] ?? {}
    components[kind][name] = refs.get(ref)
  }
  return { paths, components }
}

export function extract(spec, packageVersion) {
  const { paths, components } = operationsOf(spec, OPERATIONS, OPERATION_KEYS)
  return {
    openapi: spec.openapi,
    info: {
      title: 'GitHub REST API: the operations rollback-sentinel uses',
      version: spec.info.version,
      'x-source': `@octokit/openapi@${packageVersion} ${SPEC.replace(/^package\//, '')}`
    },
    paths: Object.fromEntries(
      Object.keys(paths)
        .sort()
        .map((p) => [p, paths[p]])
    ),
    components: Object.fromEntries(
      Object.keys(components)
        .sort()
        .map((k) => [k, components[k]])
    )
  }
}

function parseArgs(argv) {
  const args = { version: DEFAULT_VERSION, from: '', out: DEFAULT_OUT }
  for (let i = 0; i < argv.length; i++) {
    const next = () => {
      const v = argv[++i]
      if (!v) throw new Error(`${argv[i - 1]} needs a value`)
      return v
    }
    if (argv[i] === '--version') args.version = next()
    else if (argv[i] === '--from') args.from = next()
    else if (argv[i] === '--out') args.out = next()
    else
      throw new Error(`unknown argument '${argv[i]}': use --version V --from FILE.tgz --out FILE`)
  }
  if (!/^\d+\.\d+\.\d+$/.test(args.version)) throw new Error('--version must be x.y.z')
  return args
}

function main() {
  const args = parseArgs(process.argv.slice(2))
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'openapi-extract-'))
  try {
    let tgz = args.from
    if (!tgz) {
      execFileSync(
        'npm',
        ['pack', `@octokit/openapi@${args.version}`, '--pack-destination', tmp, '--silent'],
        { stdio: ['ignore', 'ignore', 'inherit'] }
      )
      tgz = path.join(tmp, `octokit-openapi-${args.version}.tgz`)
    }
    execFileSync('tar', ['xzf', path.resolve(tgz), '-C', tmp, SPEC, 'package/package.json'])
    const pkg = JSON.parse(fs.readFileSync(path.join(tmp, 'package/package.json'), 'utf8'))
    if (pkg.name !== '@octokit/openapi' || pkg.version !== args.version)
      throw new Error(`${tgz} is ${pkg.name}@${pkg.version}, not @octokit/openapi@${args.version}`)
    const spec = JSON.parse(fs.readFileSync(path.join(tmp, SPEC), 'utf8'))
    const text = JSON.stringify(extract(spec, args.version), null, 1) + '\n'
    fs.mkdirSync(path.dirname(args.out), { recursive: true })
    fs.writeFileSync(args.out, text)
    console.log(`${path.relative(process.cwd(), args.out)}: ${text.length} bytes`)
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true })
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main()
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e))
    process.exit(2)
  }
}
