// Generates the README's Inputs and Outputs tables from action.yml, so the two never drift.
//   node scripts/docs.js          rewrite README.md
//   node scripts/docs.js --check  exit 1 when README.md is out of date
// Only the text between <!-- inputs:start -->/<!-- inputs:end --> and
// <!-- outputs:start -->/<!-- outputs:end --> is touched; other sections belong to other tools.
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const actionPath = join(root, 'action.yml')
const readmePath = join(root, 'README.md')

/** One line of table text: whitespace collapsed, `|` escaped so it cannot end the cell. */
export function cell(text) {
  return String(text ?? '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\|/g, '\\|')
}

/** A default as code, as written in action.yml (`${{ github.token }}` shown as is); empty when none. */
export function codeCell(text) {
  if (text === undefined || text === null || text === '') return ''
  const value = cell(text)
  // A default holding a backtick needs a longer fence (CommonMark code spans).
  const fence = value.includes('`') ? '``' : '`'
  const pad = value.includes('`') ? ' ' : ''
  return `${fence}${pad}${value}${pad}${fence}`
}

export function inputsTable(action) {
  const rows = Object.entries(action.inputs ?? {}).map(
    ([name, input]) =>
      `| \`${name}\` | ${input.required === true || input.required === 'true' ? 'yes' : 'no'} | ${codeCell(input.default)} | ${cell(input.description)} |`
  )
  return [
    '| Input | Required | Default | Description |',
    '| --- | --- | --- | --- |',
    ...rows
  ].join('\n')
}

export function outputsTable(action) {
  const rows = Object.entries(action.outputs ?? {}).map(
    ([name, output]) => `| \`${name}\` | ${cell(output.description)} |`
  )
  return ['| Output | Description |', '| --- | --- |', ...rows].join('\n')
}

/** Replaces what lies between the two markers; throws when they are missing or out of order. */
export function replaceBetween(text, name, body) {
  const start = `<!-- ${name}:start -->`
  const end = `<!-- ${name}:end -->`
  const from = text.indexOf(start)
  const to = text.indexOf(end)
  if (from < 0 || to < 0 || to < from)
    throw new Error(`README.md: markers ${start} ... ${end} are missing or out of order`)
  return `${text.slice(0, from + start.length)}\n${body}\n${text.slice(to)}`
}

export function render(readme, action) {
  let out = replaceBetween(readme, 'inputs', inputsTable(action))
  out = replaceBetween(out, 'outputs', outputsTable(action))
  return out
}

function main(argv) {
  const check = argv.includes('--check')
  const action = parse(readFileSync(actionPath, 'utf8'))
  const readme = readFileSync(readmePath, 'utf8')
  const updated = render(readme, action)
  if (updated === readme) {
    console.log('README.md: inputs and outputs tables are up to date')
    return 0
  }
  if (check) {
    console.error(
      'README.md: inputs/outputs tables differ from action.yml: run `node scripts/docs.js`'
    )
    return 1
  }
  writeFileSync(readmePath, updated)
  console.log('README.md: inputs and outputs tables rewritten from action.yml')
  return 0
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = main(process.argv.slice(2))
}
