import { followJsonPath, formatJsonPath, parseJsonPath } from '../../src/lib/json-path.js'

describe('parseJsonPath', () => {
  it.each([
    ['data.value', ['data', 'value']],
    ['$.data.value', ['data', 'value']],
    ['{$.data.value}', ['data', 'value']],
    ['series[0].value', ['series', 0, 'value']],
    ['data.result[0].value[1]', ['data', 'result', 0, 'value', 1]],
    ['items[-1].v', ['items', -1, 'v']],
    ['["a.b"].c', ['a.b', 'c']],
    ["$['x y']", ['x y']],
    ['[0]', [0]],
    ['$', []]
  ])('%s', (raw, steps) => {
    expect(parseJsonPath(raw)).toEqual(steps)
  })

  it.each([
    ['', 'is empty'],
    ['data.', "expected a name after '.' at character 6 of 'data.'"],
    ['data[0', "'[' without ']' at character 5 of 'data[0'"],
    [
      'data[*]',
      "'[*]' is neither an index (0, -1) nor a quoted key (\"a.b\") at character 5 of 'data[*]'"
    ],
    [
      'data[?(@.x)]',
      "'[?(@.x)]' is neither an index (0, -1) nor a quoted key (\"a.b\") at character 5 of 'data[?(@.x)]'"
    ],
    ['a b', "unexpected ' ' at character 2 of 'a b'"],
    ['$..x', "expected a name after '.' at character 2 of '..x'"]
  ])('refuses %j', (raw, why) => {
    expect(parseJsonPath(raw)).toBe(why)
  })

  it('writes a path back as it reads', () => {
    expect(formatJsonPath(['data', 'result', 0, 'value', -1, 'a.b'])).toBe(
      'data.result[0].value[-1]["a.b"]'
    )
  })
})

describe('followJsonPath', () => {
  const doc = { data: { value: 0.25, nothing: null, series: [{ v: 1 }, { v: 2 }] } }
  it('finds values, null included', () => {
    expect(followJsonPath(doc, ['data', 'value'])).toEqual({ found: true, value: 0.25 })
    expect(followJsonPath(doc, ['data', 'nothing'])).toEqual({ found: true, value: null })
    expect(followJsonPath(doc, ['data', 'series', -1, 'v'])).toEqual({ found: true, value: 2 })
  })
  it('says where the path ran out', () => {
    expect(followJsonPath(doc, ['data', 'missing'])).toEqual({
      found: false,
      missing: 'data.missing: no such key'
    })
    expect(followJsonPath(doc, ['data', 'series', 5])).toEqual({
      found: false,
      missing: 'data.series[5]: the array has 2 item(s)'
    })
    expect(followJsonPath(doc, ['data', 'value', 0])).toEqual({
      found: false,
      missing: 'data.value[0]: not an array'
    })
    // An inherited name is not a key of the answer.
    expect(followJsonPath({}, ['constructor'])).toEqual({
      found: false,
      missing: 'constructor: no such key'
    })
  })
})
