// dist/licenses.txt lists every npm package whose code is in any file of dist/, and nothing else.
// The bundled packages are read from dist/ itself, not from scripts/licenses.js: the source path
// on every module line (`/***/ 3251: // ./node_modules/bottleneck/light.js`, added by the build)
// and webpack's own `// CONCATENATED MODULE:` / `// EXTERNAL MODULE:` comments.
import { execFileSync } from 'node:child_process'
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..', '..')
const dist = join(root, 'dist')
const RULE = '='.repeat(80)

interface Listed {
  license: string
  bundledIn: string
  text: string
}

const bundleFiles = readdirSync(dist).filter((f) => f.endsWith('.js'))

/** The package directory of a source path: everything up to the package after the last node_modules. */
function packageDir(source: string): string | null {
  const parts = source.replace(/ \+ \d+ modules?$/, '').split('/')
  const at = parts.lastIndexOf('node_modules')
  if (at < 0 || at + 1 >= parts.length - 1) return null
  const length = parts[at + 1].startsWith('@') ? 2 : 1
  return parts.slice(0, at + 1 + length).join('/')
}

function bundledPackages(): { packages: Map<string, Set<string>>; unnamed: string[] } {
  const packages = new Map<string, Set<string>>()
  const unnamed: string[] = []
  for (const file of bundleFiles) {
    const text = readFileSync(join(dist, file), 'utf8')
    const sources: string[] = []
    for (const line of text.split('\n')) {
      const moduleLine = /^\/\*\*\*\/ (\d+):(?: \/\/ (.+))?$/.exec(line)
      if (moduleLine) {
        if (moduleLine[2] === undefined) unnamed.push(`${file} module ${moduleLine[1]}`)
        else sources.push(moduleLine[2])
      }
      const comment = /^;?\/\/ (?:CONCATENATED|EXTERNAL) MODULE: (.+)$/.exec(line)
      if (comment) sources.push(comment[1])
    }
    for (const source of sources) {
      const dir = packageDir(source)
      if (dir === null) continue
      const manifest = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as {
        name: string
        version: string
      }
      const key = `${manifest.name} ${manifest.version}`
      packages.set(key, (packages.get(key) ?? new Set()).add(`dist/${file}`))
    }
  }
  return { packages, unnamed }
}

function listedPackages(text: string): Map<string, Listed> {
  const listed = new Map<string, Listed>()
  for (const block of text.split(`${RULE}\n`).slice(1)) {
    const [title, license, bundledIn, blank, ...rest] = block.split('\n')
    expect(blank).toBe('')
    listed.set(title, {
      license: license.replace(/^License: /, ''),
      bundledIn: bundledIn.replace(/^Bundled in: /, ''),
      text: rest.join('\n').trim()
    })
  }
  return listed
}

const licensesText = readFileSync(join(dist, 'licenses.txt'), 'utf8')
const { packages, unnamed } = bundledPackages()
const listed = listedPackages(licensesText)

describe('dist/licenses.txt', () => {
  it('can tell where every module of dist/ comes from', () => {
    expect(unnamed).toEqual([])
    expect(packages.size).toBeGreaterThan(0)
  })

  it('lists every package bundled in any file of dist/, and no other', () => {
    expect([...listed.keys()].sort()).toEqual([...packages.keys()].sort())
  })

  // ncc's --license kept only the last chunk's list: the main bundle's packages went missing.
  it('lists the packages of index.js as well as those of the lazily loaded chunks', () => {
    const files = new Set([...packages.values()].flatMap((inFiles) => [...inFiles]))
    expect(files).toContain('dist/index.js')
    for (const [key, inFiles] of packages)
      expect(listed.get(key)?.bundledIn).toBe([...inFiles].sort().join(', '))
  })

  it('gives each package a licence and its licence text', () => {
    for (const [key, entry] of listed) {
      expect({ key, license: entry.license }).toEqual({ key, license: expect.stringMatching(/\S/) })
      expect({ key, text: entry.text.length > 100 }).toEqual({ key, text: true })
    }
  })

  it('says how many packages it lists', () => {
    expect(licensesText.split('\n')[0]).toContain(`${listed.size} npm packages`)
  })
})

describe('scripts/licenses.js check (run by npm run check-dist)', () => {
  function check(dir: string): { code: number; stderr: string } {
    try {
      execFileSync(process.execPath, [join(root, 'scripts', 'licenses.js'), 'check', dir], {
        stdio: 'pipe',
        encoding: 'utf8'
      })
      return { code: 0, stderr: '' }
    } catch (e) {
      const err = e as { status: number; stderr: string }
      return { code: err.status, stderr: err.stderr }
    }
  }

  let copy: string
  beforeEach(() => {
    copy = join(mkdtempSync(join(tmpdir(), 'licenses-')), 'dist')
    cpSync(dist, copy, { recursive: true })
  })
  afterEach(() => rmSync(join(copy, '..'), { recursive: true, force: true }))

  it('passes on dist/ as committed', () => {
    expect(check(copy)).toEqual({ code: 0, stderr: '' })
  })

  it('names a bundled package that licenses.txt leaves out', () => {
    const yaml = [...listed.keys()].find((key) => key.startsWith('yaml '))
    expect(yaml).toBeDefined()
    const without = licensesText
      .split(`${RULE}\n`)
      .filter((block) => !block.startsWith(`${yaml}\n`))
      .join(`${RULE}\n`)
    writeFileSync(join(copy, 'licenses.txt'), without)
    const { code, stderr } = check(copy)
    expect(code).toBe(1)
    expect(stderr).toContain(`licenses.txt does not list ${yaml}, bundled in index.js`)
  })

  it('names a module line without its source (a bundle from ncc alone)', () => {
    const file = join(copy, 'index.js')
    const text = readFileSync(file, 'utf8')
    const first = /^\/\*\*\*\/ (\d+): \/\/ .*$/m.exec(text)
    expect(first).not.toBeNull()
    writeFileSync(file, text.replace(first![0], `/***/ ${first![1]}:`))
    const { code, stderr } = check(copy)
    expect(code).toBe(1)
    expect(stderr).toContain(`index.js: module ${first![1]} does not name its source`)
  })
})
