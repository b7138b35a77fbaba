// The third-party licences of dist/: every npm package whose code is in any file of dist/, with its
// version, licence and licence text, in dist/licenses.txt.
//   node scripts/licenses.js write <stats.json> <dir>   after `ncc build -o <dir> --stats-out <stats.json>`
//   node scripts/licenses.js check <dir>                exit 1 naming each bundled package that
//                                                       <dir>/licenses.txt does not list
// scripts/build.sh runs `write`; scripts/check-dist.sh runs `check` on the committed dist/.
//
// Why not ncc's --license: ncc runs license-webpack-plugin with its default per-chunk output, so
// every chunk (index.js and each NNN.index.js) writes its list to the same file name and the last
// chunk written wins: dist/licenses.txt held the GitHub client chunk's packages and none of
// index.js's (yaml). The plugin also reads only files named LICENSE*/LICENCE* (no COPYING, no
// NOTICE), and lists a package without a licence field or file with neither, where this script
// stops the build and asks for an override.
//
// Where the list comes from: webpack's stats of the build (--stats-out), which name the source
// file of every module in every chunk, modules concatenated into others included. The bundle
// names some of them itself (`// CONCATENATED MODULE: ./node_modules/...`) but not the CommonJS
// ones (bottleneck, tunnel, undici: `/***/ 3251:` and no path), so `write` also appends the source
// path to each module's `/***/ <id>:` line. Then dist/ alone says where every module came from, and
// `check` (and __tests__/docs/licenses.test.ts) can verify the list from the committed files.
// Everything written is a function of the stats' relative paths and node_modules: reproducible.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')
export const LICENSES_FILE = 'licenses.txt'
const RULE = '='.repeat(80)

/**
 * Licence facts for a package whose own files lack them: `{ license, text }` by package name.
 * Empty today: every bundled package has a `license` field and a licence file.
 * @type {Record<string, { license?: string, text?: string }>}
 */
const OVERRIDES = {
  // Old copies nested under axios ship their MIT licence only in the README's "License" section.
  'https-proxy-agent@5.0.1': { textFromReadme: true },
  'agent-base@6.0.2': { textFromReadme: true },
  // Published from the same monorepo (TooTallNate/proxy-agents, MIT) without a licence file.
  'proxy-agent-negotiate': { textFromFile: 'node_modules/https-proxy-agent/LICENSE' },
  // Published from the AWS SDK's monorepo (aws/aws-sdk-js-v3, Apache-2.0, as their package.json
  // says) without a licence file: the SDK's own copy of the Apache-2.0 text.
  '@aws-sdk/nested-clients': { textFromFile: 'node_modules/@aws-sdk/client-cloudwatch/LICENSE' },
  '@aws-sdk/credential-provider-login': {
    textFromFile: 'node_modules/@aws-sdk/client-cloudwatch/LICENSE'
  },
  '@aws-sdk/credential-provider-http': {
    textFromFile: 'node_modules/@aws-sdk/client-cloudwatch/LICENSE'
  }
}

/** The "License" section at the end of a README (heading underlined or with #), or ''. */
function readmeLicense(dir) {
  const file = fs.readdirSync(dir).find((f) => /^readme(\.md)?$/i.test(f))
  if (!file) return ''
  const text = fs.readFileSync(path.join(dir, file), 'utf8').replace(/\r\n?/g, '\n')
  const m = /(?:^|\n)(?:#+ *)?Licen[cs]e\n(?:-+\n)?\n?([\s\S]*?)(?:\n\[[^\]]+\]: .*)*\s*$/i.exec(
    text
  )
  return m ? m[1].trim() : ''
}

/** A module's `/***\/ <id>:` line in the module table of an ncc output file. */
const MODULE_LINE = /^\/\*\*\*\/ (\d+):( \/\/ (.*))?$/gm
/** Paths webpack itself writes into the bundle for concatenated and referenced modules. */
const WEBPACK_PATH_COMMENT = /^;?\/\/ (?:CONCATENATED|EXTERNAL) MODULE: (.*)$/gm
/** A licence text file: LICENSE, LICENCE.md, LICENSE-MIT, COPYING, NOTICE, ... */
const LICENSE_FILE_NAME = /^(licen[cs]e|copying|notice)([-._].*)?$/i

/**
 * The package directory (`./node_modules/a/node_modules/@s/b`) of a module named as webpack names
 * it (`./node_modules/@s/b/lib/x.js`, `... + 3 modules`), or null for the project's own files and
 * externals. The innermost node_modules wins: a nested copy is its own package and version.
 */
export function packageDirOf(moduleName) {
  const name = moduleName.replace(/ \+ \d+ modules?$/, '')
  if (!name.startsWith('./') && !name.startsWith('../')) return null
  const re = /(?<=^|\/)node_modules\/(?:@[^/]+\/)?[^/]+(?=\/)/g
  let end = null
  for (const m of name.matchAll(re)) end = m.index + m[0].length
  return end === null ? null : name.slice(0, end)
}

// ---------------------------------------------------------------------------------------------
// From the build's stats

/**
 * Every module the build put in an output file, with those files and every source module behind
 * it (a concatenated module's inner modules; itself otherwise).
 */
function modulesFromStats(stats) {
  const filesByChunk = new Map(stats.chunks.map((c) => [c.id, c.files]))
  const out = []
  for (const m of stats.modules) {
    if (m.moduleType === 'runtime' || !m.chunks?.length) continue
    const files = m.chunks.flatMap((c) => filesByChunk.get(c) ?? [])
    const sources = m.modules?.length ? m.modules.map((x) => x.name) : [m.name]
    // An entry module may be inlined at the end of its file instead of having a module line.
    out.push({ id: m.id, name: m.name, files, sources, entry: m.depth === 0 })
  }
  return out
}

/** package dir → the output files its code is in, from the stats. */
function packagesFromStats(stats) {
  const found = new Map()
  for (const m of modulesFromStats(stats))
    for (const source of m.sources) {
      const dir = packageDirOf(source)
      if (dir === null) continue
      const files = found.get(dir) ?? new Set()
      for (const f of m.files) files.add(f)
      found.set(dir, files)
    }
  return found
}

/**
 * Appends ` // <source path>` to the `/***\/ <id>:` line of every module with an id, in the output
 * file(s) its chunk went to. Throws when a line names a module the stats do not have or appears
 * twice, or when a module other than an inlined entry has no line: the bundle's format is not what
 * this script knows.
 */
export function annotate(text, file, modules) {
  const names = new Map(modules.map((m) => [String(m.id), m.name]))
  for (const name of names.values())
    if (/[\r\n]/.test(name)) throw new Error(`licenses: module name with a line break: ${name}`)
  const seen = new Set()
  const result = text.replace(MODULE_LINE, (line, id, annotation) => {
    if (annotation !== undefined)
      throw new Error(`licenses: ${file}: module ${id} is annotated already (${line})`)
    const name = names.get(id)
    if (name === undefined)
      throw new Error(`licenses: ${file}: module ${id} is not in the build's stats`)
    if (seen.has(id)) throw new Error(`licenses: ${file}: module ${id} appears twice`)
    seen.add(id)
    return `/***/ ${id}: // ${name}`
  })
  const missing = modules.filter((m) => !m.entry && !seen.has(String(m.id))).map((m) => m.id)
  if (missing.length)
    throw new Error(`licenses: ${file}: no module line for ${missing.join(', ')} from the stats`)
  return result
}

// ---------------------------------------------------------------------------------------------
// From the output files

/** package dir → the output files whose module lines or webpack comments name its code. */
export function packagesFromOutput(dir) {
  const found = new Map()
  const problems = []
  for (const file of outputFiles(dir)) {
    const text = fs.readFileSync(path.join(dir, file), 'utf8')
    const names = []
    for (const m of text.matchAll(MODULE_LINE)) {
      if (m[3] === undefined)
        problems.push(
          `${file}: module ${m[1]} does not name its source (build with npm run build, not ncc alone)`
        )
      else names.push(m[3])
    }
    for (const m of text.matchAll(WEBPACK_PATH_COMMENT)) names.push(m[1])
    for (const name of names) {
      const pkg = packageDirOf(name)
      if (pkg === null) continue
      const files = found.get(pkg) ?? new Set()
      files.add(file)
      found.set(pkg, files)
    }
  }
  return { found, problems }
}

/** The JavaScript files of an output directory, index.js first, then by name. */
function outputFiles(dir) {
  return fs
    .readdirSync(dir)
    .filter((f) => /\.(c|m)?js$/.test(f))
    .sort((a, b) => (a === 'index.js' ? -1 : b === 'index.js' ? 1 : a < b ? -1 : a > b ? 1 : 0))
}

// ---------------------------------------------------------------------------------------------
// Packages and their licences

/** What package.json and the licence files of one package directory say. */
export function readPackage(pkgDir, root = ROOT) {
  const abs = path.join(root, pkgDir)
  const manifest = JSON.parse(fs.readFileSync(path.join(abs, 'package.json'), 'utf8'))
  const override =
    OVERRIDES[`${manifest.name}@${manifest.version}`] ?? OVERRIDES[manifest.name] ?? {}
  const license = override.license ?? licenseOf(manifest)
  const textFiles = fs
    .readdirSync(abs, { withFileTypes: true })
    .filter((e) => e.isFile() && LICENSE_FILE_NAME.test(e.name))
    .map((e) => e.name)
    .sort()
  const text =
    override.text ??
    (override.textFromReadme ? readmeLicense(abs) : undefined) ??
    (override.textFromFile
      ? fs.readFileSync(path.join(ROOT, override.textFromFile), 'utf8').trim()
      : undefined) ??
    textFiles
      .map((f) =>
        fs.readFileSync(path.join(abs, f), 'utf8').replace(/\r\n?/g, '\n').replace(/\s+$/, '')
      )
      .filter((t) => t.length > 0)
      .join('\n\n')
  return { name: manifest.name, version: manifest.version, license, text, dir: pkgDir }
}

function licenseOf(manifest) {
  const { license, licenses } = manifest
  if (typeof license === 'string' && license.trim()) return license.trim()
  if (license && typeof license.type === 'string') return license.type
  // The deprecated array form, which listed the licences one may choose from.
  if (Array.isArray(licenses) && licenses.length) {
    const types = licenses.map((l) => (typeof l === 'string' ? l : l?.type)).filter(Boolean)
    if (types.length === 1) return types[0]
    if (types.length > 1) return `(${types.join(' OR ')})`
  }
  return ''
}

const key = (p) => `${p.name} ${p.version}`
const byKey = (a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)

/** The text of licenses.txt for these packages (each with the output files it is in). */
export function renderLicenses(packages) {
  const sorted = [...packages].sort(byKey)
  const blocks = sorted.map((p) =>
    [
      RULE,
      key(p),
      `License: ${p.license}`,
      `Bundled in: ${[...p.files].map((f) => `dist/${f}`).join(', ')}`,
      '',
      p.text
    ].join('\n')
  )
  return [
    `Third-party software bundled in rollback-sentinel's dist/: ${sorted.length} npm packages.`,
    'Generated by scripts/licenses.js from the build (npm run build); do not edit by hand.',
    '',
    ...blocks.flatMap((b) => [b, ''])
  ].join('\n')
}

/** The `name version` of every package listed in a licenses.txt. */
export function listedPackages(text) {
  const listed = new Set()
  const lines = text.split('\n')
  for (let i = 0; i + 1 < lines.length; i++)
    if (lines[i] === RULE && /^\S+ \S+$/.test(lines[i + 1])) listed.add(lines[i + 1])
  return listed
}

// ---------------------------------------------------------------------------------------------
// Commands

/** Annotates the output files of a fresh ncc build and writes its licenses.txt. */
export function write(statsFile, dir, root = ROOT) {
  const stats = JSON.parse(fs.readFileSync(statsFile, 'utf8'))
  const modules = modulesFromStats(stats)
  for (const file of outputFiles(dir)) {
    const mine = modules.filter((m) => m.id !== null && m.files.includes(file))
    const abs = path.join(dir, file)
    fs.writeFileSync(abs, annotate(fs.readFileSync(abs, 'utf8'), file, mine))
  }
  const fromStats = packagesFromStats(stats)
  // What check and the test will read back from the files must be what the build bundled.
  const { found, problems } = packagesFromOutput(dir)
  const unnamed = [...fromStats.keys()].filter((d) => !found.has(d))
  if (problems.length || unnamed.length)
    throw new Error(
      `licenses: the output does not name all it bundles: ${[...problems, ...unnamed].join('; ')}`
    )
  const packages = [...fromStats].map(([pkgDir, files]) => ({
    ...readPackage(pkgDir, root),
    files: [...files].sort()
  }))
  const incomplete = packages.filter((p) => !p.license || !p.text)
  if (incomplete.length)
    throw new Error(
      incomplete
        .map(
          (p) =>
            `licenses: ${key(p)} (${p.dir}) has no ${!p.license ? 'license field in its package.json' : 'licence file (LICENSE*, LICENCE*, COPYING*, NOTICE*)'}: read its licence and add it to OVERRIDES in scripts/licenses.js`
        )
        .join('\n')
    )
  fs.writeFileSync(path.join(dir, LICENSES_FILE), renderLicenses(packages))
  return packages
}

/** Problems with <dir>/licenses.txt against what <dir>'s files bundle; empty when none. */
export function check(dir, root = ROOT) {
  const { found, problems } = packagesFromOutput(dir)
  const file = path.join(dir, LICENSES_FILE)
  if (!fs.existsSync(file)) return [...problems, `${LICENSES_FILE} is missing`]
  const listed = listedPackages(fs.readFileSync(file, 'utf8'))
  const bundled = new Set()
  for (const [pkgDir, files] of found) {
    const p = readPackage(pkgDir, root)
    bundled.add(key(p))
    if (!listed.has(key(p)))
      problems.push(
        `${LICENSES_FILE} does not list ${key(p)}, bundled in ${[...files].join(', ')} (${pkgDir})`
      )
  }
  for (const k of listed)
    if (!bundled.has(k)) problems.push(`${LICENSES_FILE} lists ${k}, which nothing in dist bundles`)
  return problems
}

function main(argv) {
  const [command, ...args] = argv
  if (command === 'write' && args.length === 2) {
    const packages = write(args[0], args[1])
    console.log(`licenses: ${packages.length} packages in ${path.join(args[1], LICENSES_FILE)}`)
  } else if (command === 'check' && args.length === 1) {
    const problems = check(args[0])
    for (const p of problems) console.error(`check-dist: ${path.join(args[0], p)}`)
    if (problems.length) process.exit(1)
  } else {
    console.error(
      'usage: node scripts/licenses.js write <stats.json> <dir> | node scripts/licenses.js check <dir>'
    )
    process.exit(2)
  }
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url))
  try {
    main(process.argv.slice(2))
  } catch (e) {
    console.error(e.message)
    process.exit(1)
  }
