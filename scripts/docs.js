// Generates the Inputs and Outputs tables (docs/inputs.md, docs/outputs.md) from action.yml, so
// the pages and the action never drift.
//   node scripts/docs.js          rewrite the pages
//   node scripts/docs.js --check  exit 1 when a page is out of date
// Only the text between <!-- inputs:start -->/<!-- inputs:end --> (docs/inputs.md) and
// <!-- outputs:start -->/<!-- outputs:end --> (docs/outputs.md) is touched; the rest of each page
// is written by hand.
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const actionPath = join(root, 'action.yml')
/** Each generated table: the page that holds it, its marker name and how it is built. */
export const PAGES = [
  { page: 'docs/inputs.md', name: 'inputs', table: (action) => inputsTable(action) },
  { page: 'docs/outputs.md', name: 'outputs', table: (action) => outputsTable(action) }
]

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
export function replaceBetween(text, name, body, file = 'the page') {
  const start = `<!-- ${name}:start -->`
  const end = `<!-- ${name}:end -->`
  const from = text.indexOf(start)
  const to = text.indexOf(end)
  if (from < 0 || to < 0 || to < from)
    throw new Error(`${file}: markers ${start} ... ${end} are missing or out of order`)
  return `${text.slice(0, from + start.length)}\n${body}\n${text.slice(to)}`
}

/** The page with its generated table rewritten from action.yml. */
export function render(text, action, { name, table, page }) {
  return replaceBetween(text, name, table(action), page)
}

function main(argv) {
  const check = argv.includes('--check')
  const action = parse(readFileSync(actionPath, 'utf8'))
  let stale = 0
  for (const entry of PAGES) {
    const path = join(root, entry.page)
    const text = readFileSync(path, 'utf8')
    const updated = render(text, action, entry)
    if (updated === text) {
      console.log(`${entry.page}: the ${entry.name} table is up to date`)
    } else if (check) {
      console.error(
        `${entry.page}: the ${entry.name} table differs from action.yml: run \`node scripts/docs.js\``
      )
      stale += 1
    } else {
      writeFileSync(path, updated)
      console.log(`${entry.page}: the ${entry.name} table rewritten from action.yml`)
    }
  }
  return stale > 0 ? 1 : 0
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = main(process.argv.slice(2))
}
