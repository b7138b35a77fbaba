// The slice of CloudWatch's Smithy model that the CloudWatch stand-in (sandbox/cloudwatch.js) is
// checked against (__tests__/sandbox/cloudwatch-standin-smithy.test.ts): GetMetricData, the
// closure of the shapes its input, output and errors reach, and the service's protocol and
// signing traits; documentation and examples stripped.
//
//   node scripts/cloudwatch-smithy-extract.js --from cloudwatch-2010-08-01.json [--commit SHA] [--out FILE]
//
// The model is `models/cloudwatch/service/2010-08-01/cloudwatch-2010-08-01.json` of
// aws/api-models-aws at the commit given (recorded in the output). The output is a function of
// that file alone, so the same file gives the same bytes.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')
export const DEFAULT_COMMIT = '7cf3ce344180a365484ff8e036b3f322e9f347d9'
export const DEFAULT_OUT = path.join(ROOT, '__fixtures__/cloudwatch-smithy/get-metric-data.json')
const SOURCE = 'aws/api-models-aws models/cloudwatch/service/2010-08-01/cloudwatch-2010-08-01.json'
const NS = 'com.amazonaws.cloudwatch#'
const OPERATION = `${NS}GetMetricData`
/** Traits that say nothing about the wire: left out. */
const DROP = new Set(['smithy.api#documentation', 'smithy.api#examples', 'smithy.api#deprecated'])

function strip(traits) {
  if (!traits) return undefined
  const kept = Object.fromEntries(Object.entries(traits).filter(([k]) => !DROP.has(k)))
  return Object.keys(kept).length ? kept : undefined
}

/** A shape without its documentation; members keep their targets and wire traits. */
function clean(shape) {
  const out = { type: shape.type }
  for (const key of ['member', 'key', 'value', 'input', 'output', 'errors'])
    if (shape[key]) out[key] = shape[key]
  if (shape.members)
    out.members = Object.fromEntries(
      Object.entries(shape.members).map(([name, m]) => {
        const traits = strip(m.traits)
        return [name, traits ? { target: m.target, traits } : { target: m.target }]
      })
    )
  const traits = strip(shape.traits)
  if (traits) out.traits = traits
  return out
}

export function extract(model, commit) {
  const shapes = model.shapes
  const service = Object.entries(shapes).find(([, s]) => s.type === 'service')
  const keep = new Map()
  const visit = (id) => {
    if (!id.startsWith(NS) || keep.has(id)) return
    const s = shapes[id]
    if (!s) throw new Error(`${id} is not in the model`)
    keep.set(id, clean(s))
    for (const ref of [s.member, s.key, s.value, s.input, s.output, ...(s.errors ?? [])])
      if (ref) visit(ref.target)
    for (const m of Object.values(s.members ?? {})) visit(m.target)
  }
  visit(OPERATION)
  const [serviceId, serviceShape] = service
  const wire = Object.fromEntries(
    Object.entries(serviceShape.traits).filter(([k]) => /^aws\.(protocols|auth|api)#/.test(k))
  )
  return {
    smithy: model.smithy,
    source: `${SOURCE} @${commit}`,
    service: { id: serviceId, version: serviceShape.version, traits: wire },
    operation: OPERATION,
    shapes: Object.fromEntries([...keep.entries()].sort(([a], [b]) => a.localeCompare(b)))
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2)
  const arg = (name) => {
    const i = args.indexOf(name)
    return i >= 0 ? args[i + 1] : undefined
  }
  const from = arg('--from')
  if (!from) {
    console.error(
      'usage: node scripts/cloudwatch-smithy-extract.js --from cloudwatch-2010-08-01.json [--commit SHA] [--out FILE]'
    )
    process.exit(2)
  }
  const out = arg('--out') ?? DEFAULT_OUT
  const result = extract(
    JSON.parse(fs.readFileSync(from, 'utf8')),
    arg('--commit') ?? DEFAULT_COMMIT
  )
  fs.writeFileSync(out, JSON.stringify(result, null, 1) + '\n')
  console.log(`${out}: ${Object.keys(result.shapes).length} shapes`)
}
