// The slice of Datadog's v1 OpenAPI description that the Datadog stand-in (sandbox/datadog.js) is
// checked against (__tests__/sandbox/datadog-standin-openapi.test.ts): the operations the action
// calls, the closure of their `$ref`s and the list of public sites, annotations stripped.
//
//   node scripts/datadog-openapi-extract.js --from openapi.yaml [--commit SHA] [--out FILE]
//
// openapi.yaml is `.generator/schemas/v1/openapi.yaml` of DataDog/datadog-api-client-typescript
// at the commit given (the source is recorded in the output). The output is a function of that
// file alone, so the same file gives the same bytes.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { operationsOf, strip } from './openapi-extract.js'

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')
export const DEFAULT_COMMIT = 'a6d174205b047bd01a9df066deae5d7fee9c436c'
export const DEFAULT_OUT = path.join(ROOT, '__fixtures__/datadog-openapi/extract.json')
const SOURCE = 'DataDog/datadog-api-client-typescript .generator/schemas/v1/openapi.yaml'

/** The operations the action (and the stand-in's checks) use. */
export const OPERATIONS = ['QueryMetrics']
const OPERATION_KEYS = ['operationId', 'parameters', 'responses', 'security']

/**
 * @param {any} spec
 * @param {string} commit
 */
export function extract(spec, commit) {
  const { paths, components: referenced } = operationsOf(spec, OPERATIONS, OPERATION_KEYS)
  /** @type {Record<string, Record<string, unknown>>} */
  const components = {
    ...referenced,
    securitySchemes: {
      apiKeyAuth: strip(spec.components.securitySchemes.apiKeyAuth),
      appKeyAuth: strip(spec.components.securitySchemes.appKeyAuth)
    }
  }
  return {
    openapi: spec.openapi,
    info: {
      title: 'Datadog API v1: the operations rollback-sentinel uses',
      version: spec.info.version,
      'x-source': `${SOURCE} @${commit}`
    },
    // The public sites: the first server's `site` variable.
    servers: [strip(spec.servers[0])],
    paths,
    components: Object.fromEntries(
      Object.keys(components)
        .sort()
        .map((k) => [k, components[k]])
    )
  }
}

function main() {
  const argv = process.argv.slice(2)
  const args = { from: '', commit: DEFAULT_COMMIT, out: DEFAULT_OUT }
  for (let i = 0; i < argv.length; i += 2) {
    const v = argv[i + 1]
    if (!v) throw new Error(`${argv[i]} needs a value`)
    if (argv[i] === '--from') args.from = v
    else if (argv[i] === '--commit') args.commit = v
    else if (argv[i] === '--out') args.out = v
    else throw new Error(`unknown argument '${argv[i]}': use --from FILE --commit SHA --out FILE`)
  }
  if (!args.from) throw new Error('--from openapi.yaml is required')
  const spec = parse(fs.readFileSync(args.from, 'utf8'), { maxAliasCount: -1 })
  const text = JSON.stringify(extract(spec, args.commit), null, 1) + '\n'
  fs.mkdirSync(path.dirname(args.out), { recursive: true })
  fs.writeFileSync(args.out, text)
  console.log(`${path.relative(process.cwd(), args.out)}: ${text.length} bytes`)
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main()
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e))
    process.exit(2)
  }
}
