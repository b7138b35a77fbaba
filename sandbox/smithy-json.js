// A check of a JSON value against a shape of a Smithy model under AWS JSON 1.0: structures with
// only the members the model names (and its required ones), lists, enums, strings, numbers,
// booleans and timestamps as epoch seconds. Enough for the CloudWatch stand-in's test; not a
// general Smithy validator (no length, range or pattern traits).

const PRELUDE = {
  'smithy.api#String': 'string',
  'smithy.api#Boolean': 'boolean',
  'smithy.api#Integer': 'integer',
  'smithy.api#Double': 'double'
}

/**
 * @param {{ shapes: Record<string, any> }} model
 * @param {string} id
 * @param {unknown} value
 * @returns {string[]} where the value breaks the shape (empty: it does not)
 */
export function smithyViolations(model, id, value, at = '$') {
  const shape = model.shapes[id] ?? (PRELUDE[id] ? { type: PRELUDE[id] } : undefined)
  if (!shape) return [`${at}: shape ${id} is not in the model`]
  const bad = (what) => [`${at}: ${what} (${id})`]
  switch (shape.type) {
    case 'structure': {
      if (!value || typeof value !== 'object' || Array.isArray(value)) return bad('not an object')
      const out = []
      const members = shape.members ?? {}
      for (const [k, v] of Object.entries(value)) {
        if (!members[k]) out.push(`${at}.${k}: not a member of ${id}`)
        else out.push(...smithyViolations(model, members[k].target, v, `${at}.${k}`))
      }
      for (const [k, m] of Object.entries(members))
        if (m.traits && 'smithy.api#required' in m.traits && !(k in value))
          out.push(`${at}.${k}: required by ${id}`)
      return out
    }
    case 'list':
      if (!Array.isArray(value)) return bad('not an array')
      return value.flatMap((v, i) => smithyViolations(model, shape.member.target, v, `${at}[${i}]`))
    case 'enum': {
      const values = Object.values(shape.members ?? {}).map(
        (m) => m.traits?.['smithy.api#enumValue']
      )
      return values.includes(value) ? [] : bad(`${JSON.stringify(value)} is not one of ${values}`)
    }
    case 'string':
      return typeof value === 'string' ? [] : bad('not a string')
    case 'boolean':
      return typeof value === 'boolean' ? [] : bad('not a boolean')
    case 'integer':
    case 'long':
      return Number.isInteger(value) ? [] : bad('not an integer')
    case 'double':
      return typeof value === 'number' ? [] : bad('not a number')
    case 'timestamp':
      return typeof value === 'number' && Number.isFinite(value) ? [] : bad('not epoch seconds')
    default:
      return bad(`type ${shape.type} not handled`)
  }
}
