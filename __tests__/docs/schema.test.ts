// policy.schema.json is the editors' view of the policy file; src/settings/policy.ts is the
// action's. These tests keep the two identical: same keys, same defaults, same verdict on values.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { parse, stringify } from 'yaml'
import { DEFAULT_POLICY } from '../../src/runbook/defaults.js'
import { formatDuration, parseDuration } from '../../src/lib/duration.js'
import type { Policy } from '../../src/runbook/types.js'
import { loadPolicy } from '../../src/settings/policy.js'

const root = join(import.meta.dirname, '..', '..')
const DURATION_PATTERN = '^(?:\\d+(?:\\.\\d+)?(?:ms|s|m|h))+$'

interface Schema {
  type?: string | string[]
  description?: string
  properties?: Record<string, Schema>
  additionalProperties?: boolean
  pattern?: string
  default?: unknown
  enum?: unknown[]
}

const schema = JSON.parse(readFileSync(join(root, 'policy.schema.json'), 'utf8')) as Schema
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true })
const validate = ajv.compile(schema)

/** A leaf is a key the policy file sets a value with (a section or a mapping of values is not). */
const isLeaf = (s: Schema): boolean => s.properties === undefined || s.default !== undefined
const isDuration = (s: Schema): boolean => s.pattern === DURATION_PATTERN

interface Leaf {
  path: string[]
  schema: Schema
}

function leaves(s: Schema, path: string[] = []): Leaf[] {
  return Object.entries(s.properties ?? {}).flatMap(([key, sub]) =>
    isLeaf(sub) ? [{ path: [...path, key], schema: sub }] : leaves(sub, [...path, key])
  )
}

function objects(s: Schema, path: string[] = []): { path: string[]; schema: Schema }[] {
  if (s.properties === undefined) return []
  return [
    { path, schema: s },
    ...Object.entries(s.properties).flatMap(([k, sub]) => objects(sub, [...path, k]))
  ]
}

const LEAVES = leaves(schema)
const RUNBOOK_REFERENCE =
  /steps? 1\.[1-4]|runbook|rule [1-5]|decision matrix|decision|consideration|checklist|selection|"[^"]{4,}"/i
const name = (path: string[]): string => path.join('.')

/** A document with one value at `path` (section keys nest). */
function nest(path: string[], value: unknown): Record<string, unknown> {
  const [head, ...rest] = path
  return { [head]: rest.length === 0 ? value : nest(rest, value) }
}

/** The Policy field a file key maps to: kebab-case to camelCase, durations in milliseconds. */
function policyValue(path: string[], s: Schema): unknown {
  const camel = (k: string): string => k.replace(/-(\w)/g, (_m, c: string) => c.toUpperCase())
  const durationsInside = Object.values(s.properties ?? {}).some(isDuration)
  let node: unknown = DEFAULT_POLICY
  path.forEach((key, i) => {
    const last = i === path.length - 1
    const field = camel(key) + (last && (isDuration(s) || durationsInside) ? 'Ms' : '')
    const obj = node as Record<string, unknown>
    expect(obj).toHaveProperty([field])
    node = obj[field]
  })
  return node
}

/** The schema default in the Policy's own units (durations parsed with parseDuration). */
function fromFileUnits(s: Schema, value: unknown): unknown {
  if (isDuration(s)) return parseDuration(value as string)
  if (s.properties && value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, fromFileUnits(s.properties?.[k] ?? {}, v)])
    )
  return value
}

/** A Policy value written in the file's own units (durations with formatDuration). */
function toFileUnits(s: Schema, value: unknown): unknown {
  if (isDuration(s)) return formatDuration(value as number)
  if (s.properties && value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, toFileUnits(s.properties?.[k] ?? {}, v)])
    )
  return value
}

function merge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out = { ...a }
  for (const [k, v] of Object.entries(b))
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && out[k] && typeof out[k] === 'object'
        ? merge(out[k] as Record<string, unknown>, v as Record<string, unknown>)
        : v
  return out
}

/** A whole policy file, one value per schema key. */
function documentOf(valueAt: (leaf: Leaf) => unknown): Record<string, unknown> {
  return LEAVES.reduce<Record<string, unknown>>(
    (doc, leaf) => merge(doc, nest(leaf.path, valueAt(leaf))),
    {}
  )
}

const errors = (): string => ajv.errorsText(validate.errors)
const validates = (doc: unknown): boolean => validate(doc) as boolean

describe('policy.schema.json', () => {
  it('is a draft 2020-12 schema that compiles in strict mode', () => {
    expect((schema as { $schema?: string }).$schema).toBe(
      'https://json-schema.org/draft/2020-12/schema'
    )
    expect(typeof validate).toBe('function')
  })

  it('closes every mapping (additionalProperties: false)', () => {
    for (const { path, schema: s } of objects(schema))
      expect({ path: name(path), closed: s.additionalProperties }).toEqual({
        path: name(path),
        closed: false
      })
  })

  it.each(LEAVES.map((l) => [name(l.path), l]))('%s has a description and a default', (_n, l) => {
    const { schema: s } = l as Leaf
    // Each key says which part of the runbook it serves: a step, a rule, a section or a quote.
    expect(s.description).toMatch(RUNBOOK_REFERENCE)
    expect(s.default).toBeDefined()
    expect(validates(nest((l as Leaf).path, s.default))).toBe(true)
  })

  it.each(objects(schema).map((o) => [name(o.path) || '(root)', o.schema]))(
    'section %s has a description',
    (_n, s) => expect((s as Schema).description).toMatch(RUNBOOK_REFERENCE)
  )

  it('uses the duration pattern of src/lib/duration.ts', () => {
    const source = readFileSync(join(root, 'src', 'lib', 'duration.ts'), 'utf8')
    expect(source).toContain(`const WHOLE = /${DURATION_PATTERN}/`)
    expect(LEAVES.filter((l) => isDuration(l.schema)).length).toBeGreaterThan(10)
  })
})

describe('schema defaults are DEFAULT_POLICY', () => {
  it.each(LEAVES.map((l) => [name(l.path), l]))('%s', (_n, l) => {
    const { path, schema: s } = l as Leaf
    expect(fromFileUnits(s, s.default)).toEqual(policyValue(path, s))
    // ...and written as people write it: "10s", not "10000ms".
    expect(s.default).toEqual(toFileUnits(s, policyValue(path, s)))
  })

  it('a document of the defaults validates and loads as DEFAULT_POLICY', () => {
    const doc = documentOf(({ path, schema: s }) => toFileUnits(s, policyValue(path, s)))
    expect(validates(doc)).toBe(true)
    expect(loadPolicy(stringify(doc))).toEqual(DEFAULT_POLICY)
  })

  it('a document of the schema defaults loads as DEFAULT_POLICY', () => {
    const doc = documentOf(({ schema: s }) => s.default)
    expect(validates(doc)).toBe(true)
    expect(loadPolicy(stringify(doc))).toEqual(DEFAULT_POLICY)
  })

  it('covers every value of the Policy type', () => {
    const count = (o: unknown): number =>
      o && typeof o === 'object' && !Array.isArray(o)
        ? Object.entries(o).reduce((n, [k, v]) => n + (k === 'timeoutsMs' ? 1 : count(v)), 0)
        : 1
    expect(LEAVES.length).toBe(count(DEFAULT_POLICY satisfies Policy))
  })
})

describe('schema and loadPolicy accept the same keys', () => {
  it.each(LEAVES.map((l) => [name(l.path), l]))(
    '%s alone, at its default: both accept',
    (_n, l) => {
      const { path, schema: s } = l as Leaf
      const doc = nest(path, s.default)
      expect(validates(doc)).toBe(true)
      expect(() => loadPolicy(stringify(doc))).not.toThrow()
    }
  )

  // loadPolicy names the keys it knows when it rejects one: those lists must be the schema's.
  it.each(objects(schema).map((o) => [name(o.path) || '(root)', o]))(
    'an unknown key in %s: both reject, and loadPolicy knows the schema keys',
    (_n, o) => {
      const { path, schema: s } = o as { path: string[]; schema: Schema }
      const doc = path.length === 0 ? { 'no-such-key': 1 } : nest(path, { 'no-such-key': 1 })
      expect(validates(doc)).toBe(false)
      let message = ''
      try {
        loadPolicy(stringify(doc))
      } catch (e) {
        message = (e as Error).message
      }
      expect(message).toContain('no-such-key')
      const known = Object.keys(s.properties ?? {}).sort()
      const listed = /expected one of (.*)$/.exec(message)?.[1].split(', ')
      if (listed) {
        expect(listed.sort()).toEqual(known)
      } else {
        // rollback.timeouts is keyed by level, and loadPolicy names the levels instead.
        expect(message).toMatch(/use 1, 2 or 3/)
        expect(known).toEqual(['1', '2', '3'])
      }
    }
  )
})

// Values on both sides of each kind's boundary: the schema and loadPolicy give the same verdict.
describe('schema and loadPolicy judge values alike', () => {
  it.each<[string, string[], unknown, boolean]>([
    ['duration', ['health', 'timeout'], '1m30s', true],
    ['duration in ms', ['health', 'slow'], '500ms', true],
    ['duration with a fraction', ['down', 'level-2-after'], '5.5m', true],
    ['zero duration', ['health', 'timeout'], '0s', false],
    ['duration without unit', ['health', 'timeout'], '10', false],
    ['duration with a bad unit', ['error-rate', 'high-window'], '5x', false],
    ['duration as a number', ['latency', 'severe-window'], 300, false],
    ['fraction 0', ['trend-tolerance'], 0, true],
    ['fraction 1', ['error-rate', 'critical'], 1, true],
    ['fraction above 1', ['error-rate', 'critical'], 1.5, false],
    ['fraction as a percent string', ['error-rate', 'high'], '10%', false],
    ['negative fraction', ['trend-tolerance'], -0.1, false],
    ['seconds 0', ['error-rate', 'min-requests'], 0, true],
    ['negative seconds', ['error-rate', 'min-requests'], -1, false],
    ['latency.degraded 0', ['latency', 'degraded'], 0, false],
    ['latency.degraded 0.5', ['latency', 'degraded'], 0.5, true],
    ['count 0', ['health', 'confirm'], 0, true],
    ['count fractional', ['health', 'confirm'], 1.5, false],
    ['count negative', ['health', 'confirm'], -1, false],
    ['positive count 0', ['host-checks', 'every'], 0, false],
    ['positive count 0 (unknown-limit)', ['unknown-limit'], 0, false],
    ['command', ['host-checks', 'cache'], 'redis-cli ping', true],
    ['command off', ['host-checks', 'cache'], '', true],
    ['command as a number', ['host-checks', 'database'], 1, false],
    ['patterns', ['error-patterns', 'low'], ['panic', '\\bE\\d+'], true],
    ['patterns as a string', ['error-patterns', 'low'], 'panic', false],
    ['patterns with a number', ['error-patterns', 'low'], ['panic', 3], false],
    ['on-stable rollback', ['on-stable'], 'rollback', true],
    ['on-stable other', ['on-stable'], 'maybe', false],
    ['max-level 1', ['rollback', 'max-level'], 1, true],
    ['max-level 4', ['rollback', 'max-level'], 4, false],
    ['max-level as a string', ['rollback', 'max-level'], '2', false],
    ['timeouts for one level', ['rollback', 'timeouts'], { 2: '10m' }, true],
    ['timeouts for level 4', ['rollback', 'timeouts'], { 4: '10m' }, false],
    ['timeouts as a duration', ['rollback', 'timeouts'], '10m', false],
    ['an empty section', ['latency'], null, true],
    ['a section as a list', ['latency'], [], false]
  ])('%s: %j at %s', (_what, path, value, ok) => {
    const doc = nest(path, value)
    expect({ schema: validates(doc), errors: ok ? errors() : 'any' }).toEqual({
      schema: ok,
      errors: ok ? 'No errors' : 'any'
    })
    if (ok) expect(() => loadPolicy(stringify(doc))).not.toThrow()
    else expect(() => loadPolicy(stringify(doc))).toThrow(/policy/)
  })
})

describe('examples/policy-*.yml', () => {
  const dir = join(root, 'examples')
  const files = readdirSync(dir).filter((f) => /^policy-.*\.ya?ml$/.test(f))

  it('exist', () => expect(files.length).toBeGreaterThanOrEqual(2))

  it.each(files)('%s validates against the schema and loads with loadPolicy', (file) => {
    const text = readFileSync(join(dir, file), 'utf8')
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../policy.schema.json')
    const doc: unknown = parse(text)
    expect(validates(doc) ? 'valid' : errors()).toBe('valid')
    expect(() => loadPolicy(text, file)).not.toThrow()
  })

  it('the docker-compose example carries the runbook commands, in Compose v2 with the project name', () => {
    const p = loadPolicy(readFileSync(join(dir, 'policy-docker-compose.yml'), 'utf8'))
    expect(p.hostChecks).toMatchObject({
      corruption: 'docker compose -p spacetime exec -T godot test -f /data/corruption_detected',
      database:
        'docker compose -p spacetime exec -T postgres psql -U spacetime -d spacetime_db -c "SELECT 1"',
      security:
        'docker compose -p spacetime logs --since 15m | grep -i "security\\|breach\\|unauthorized\\|malicious"',
      errorLog: 'docker compose -p spacetime logs --tail=1000 | grep -i error'
    })
    expect(p.hostChecks.cache).not.toBe('')
  })
})
