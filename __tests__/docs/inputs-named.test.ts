// Every message and page names inputs that exist. Two checks, narrow enough to need almost no
// allowlist:
//  1. A part of an input's name that is not itself a name (`insecure-skip-host-key-check` for
//     ssh-insecure-skip-host-key-check, `private-key` for ssh-private-key) appears nowhere: in
//     src/ messages, the docs, the README, SECURITY.md or the examples.
//  2. In the docs, the README, SECURITY.md and the examples, a `code span` that looks like an
//     action input (health-…, ssh-…, rollback-…, …) is an input, an output, a policy key (a
//     top-level key or a host check of policy.schema.json), a rule id, or on the short list below.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { parse } from 'yaml'

const root = join(import.meta.dirname, '..', '..')
const action = parse(readFileSync(join(root, 'action.yml'), 'utf8')) as {
  inputs: Record<string, unknown>
  outputs: Record<string, unknown>
}
const inputs = Object.keys(action.inputs)
const names = new Set([...inputs, ...Object.keys(action.outputs)])

interface Schema {
  properties?: Record<string, Schema>
}
const schema = JSON.parse(readFileSync(join(root, 'policy.schema.json'), 'utf8')) as Schema
/** Top-level policy keys and the keys one level down (host checks, rollback.timeouts…). */
const policyKeys = new Set(
  Object.entries(schema.properties ?? {}).flatMap(([key, sub]) => [
    key,
    ...Object.keys(sub.properties ?? {})
  ])
)
/** The rule ids of src/runbook/types.ts (`RuleId`): the decision's vocabulary, not inputs. */
const typesText = readFileSync(join(root, 'src', 'runbook', 'types.ts'), 'utf8')
const ruleBlock = /export type RuleId =([^]*?)\n\n/.exec(typesText)?.[1] ?? ''
const ruleIds = new Set([...ruleBlock.matchAll(/'([a-z-]+)'/g)].map((m) => m[1]))
/** Labels of the incident issue and an OpenSSH program: look like inputs, are not. */
const ALLOWED = new Set(['rollback-failed', 'rollback-blocked', 'ssh-keygen', 'ssh-keyscan'])

function walk(dir: string, ext: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f)
    return statSync(p).isDirectory() ? walk(p, ext) : p.endsWith(ext) ? [p] : []
  })
}
const docs = [
  ...walk(join(root, 'docs'), '.md'),
  join(root, 'README.md'),
  join(root, 'SECURITY.md'),
  ...walk(join(root, 'examples'), '.yml')
]
const sources = walk(join(root, 'src'), '.ts')
const read = (f: string) => readFileSync(f, 'utf8')

/** Proper hyphen-suffixes of input names (two words or more) that are not names themselves. */
const partialNames = [
  ...new Set(
    inputs.flatMap((n) => {
      const parts = n.split('-')
      return parts.slice(1, -1).map((_, i) => parts.slice(i + 1).join('-'))
    })
  )
].filter((s) => !names.has(s) && !policyKeys.has(s))

function findPartial(text: string): string[] {
  const found: string[] = []
  for (const part of partialNames) {
    // Not inside a longer name, and not a module path (core/known-hosts.js).
    const re = new RegExp(`(?<![\\w.-])${part}(?![\\w-]|\\.[jt]s\\b)`, 'g')
    for (const m of text.matchAll(re)) found.push(`${part} at offset ${m.index}`)
  }
  return found
}

describe('input names in messages and docs', () => {
  it('knows what a part of an input name is', () => {
    expect(partialNames).toEqual(
      expect.arrayContaining(['insecure-skip-host-key-check', 'private-key', 'known-hosts'])
    )
    expect(findPartial('set insecure-skip-host-key-check')).toHaveLength(1)
    expect(findPartial('set ssh-insecure-skip-host-key-check')).toEqual([])
    expect(findPartial("from '../core/known-hosts.js'")).toEqual([])
    expect(ruleIds).toContain('error-rate-critical')
    expect(policyKeys.has('error-patterns')).toBe(true)
    expect(policyKeys.has('error-log')).toBe(true)
  })

  it.each([...sources, ...docs].map((f) => [relative(root, f)]))(
    '%s names no input by a part of its name',
    (file) => {
      expect(findPartial(read(join(root, file)))).toEqual([])
    }
  )

  it.each(docs.map((f) => [relative(root, f)]))(
    '%s: every input-like `name` is an input, an output, a policy key or a rule',
    (file) => {
      const re =
        /`((?:ssh|health|prometheus|rollback|github|issue|notify|replay|error|latency|probe|watch|policy|fail|dry|mode|deployed|commands?)-[a-z-]+)(?::[^`]*)?`/g
      const unknown = [...read(join(root, file)).matchAll(re)]
        .map((m) => m[1])
        .filter((n) => !names.has(n) && !policyKeys.has(n) && !ruleIds.has(n) && !ALLOWED.has(n))
      expect(unknown).toEqual([])
    }
  )
})
