// package.json `dependencies` and the packages src/ imports agree, in both directions: nothing
// listed that no file under src/ imports, nothing imported that is not listed.
//
// Imports are read with the TypeScript parser (comments and strings do not count): static imports
// and re-exports, side-effect imports, dynamic import('x'), import x = require('x') and require('x').
// A subpath names its package (`yaml/util` → yaml, `@octokit/core/types` → @octokit/core).
// Node's builtins (`node:fs`, and `fs` without the prefix) and relative or `#` imports are not
// packages.
//
// Type-only imports (`import type`, `import { type A }` with every name a type, `export type`,
// `typeof import('x')`) do not count as using a dependency: TypeScript erases them, so they put no
// code in dist/ and need nothing at run time. A package src/ imports only for its types belongs in
// devDependencies; a type-only import of a package in neither list is flagged too.
import { isBuiltin } from 'node:module'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import ts from 'typescript'

const root = join(import.meta.dirname, '..', '..')

interface Import {
  specifier: string
  typeOnly: boolean
}

/** Every module specifier a source file imports, and whether the import is erased (types only). */
function importsOf(text: string, fileName = 'file.ts'): Import[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false)
  const found: Import[] = []
  const add = (node: ts.Node | undefined, typeOnly: boolean) => {
    if (node && ts.isStringLiteralLike(node)) found.push({ specifier: node.text, typeOnly })
  }
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause
      const bindings = clause?.namedBindings
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            bindings !== undefined &&
            ts.isNamedImports(bindings) &&
            bindings.elements.length > 0 &&
            bindings.elements.every((e) => e.isTypeOnly)))
      add(node.moduleSpecifier, typeOnly)
    } else if (ts.isExportDeclaration(node)) {
      const clause = node.exportClause
      const typeOnly =
        node.isTypeOnly ||
        (clause !== undefined &&
          ts.isNamedExports(clause) &&
          clause.elements.length > 0 &&
          clause.elements.every((e) => e.isTypeOnly))
      add(node.moduleSpecifier, typeOnly)
    } else if (ts.isImportEqualsDeclaration(node)) {
      if (ts.isExternalModuleReference(node.moduleReference))
        add(node.moduleReference.expression, node.isTypeOnly)
    } else if (ts.isImportTypeNode(node)) {
      const argument = node.argument
      if (ts.isLiteralTypeNode(argument)) add(argument.literal, true)
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression
      const dynamicImport = callee.kind === ts.SyntaxKind.ImportKeyword
      const requireCall = ts.isIdentifier(callee) && callee.text === 'require'
      if ((dynamicImport || requireCall) && node.arguments.length > 0) add(node.arguments[0], false)
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

/** The npm package a specifier names, or null for builtins, relative and `#` imports. */
function packageOf(specifier: string): string | null {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('#'))
    return null
  if (specifier.startsWith('node:') || isBuiltin(specifier)) return null
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name)
    if (e.isDirectory()) return sourceFiles(path)
    return /\.(c|m)?[jt]s$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : []
  })
}

describe('importsOf and packageOf', () => {
  it.each([
    ["import { parse } from 'yaml'", 'yaml', false],
    ["import * as core from '@actions/core'", '@actions/core', false],
    ["import core, { info } from '@actions/core'", '@actions/core', false],
    ["import 'reflect-metadata'", 'reflect-metadata', false],
    ["export { parse } from 'yaml'", 'yaml', false],
    ["export * from 'yaml'", 'yaml', false],
    ["import type { Octokit } from '@octokit/core'", '@octokit/core', true],
    ["import { type Octokit } from '@octokit/core'", '@octokit/core', true],
    ["import { type A, b } from '@octokit/core'", '@octokit/core', false],
    ["export type { A } from '@octokit/core'", '@octokit/core', true],
    ["export { type A } from '@octokit/core'", '@octokit/core', true],
    ["type T = typeof import('@octokit/core')", '@octokit/core', true],
    ["const m = await import('@actions/github')", '@actions/github', false],
    ["const m = require('tunnel')", 'tunnel', false],
    ["import x = require('tunnel')", 'tunnel', false],
    ["import { stringify } from 'yaml/util'", 'yaml', false],
    ["import { Octokit } from '@octokit/core/dist-src/index.js'", '@octokit/core', false]
  ])('%s → %s (type-only: %s)', (text, pkg, typeOnly) => {
    const imports = importsOf(text)
    expect(imports.map((i) => ({ pkg: packageOf(i.specifier), typeOnly: i.typeOnly }))).toEqual([
      { pkg, typeOnly }
    ])
  })

  it.each([
    "import fs from 'node:fs'",
    "import fs from 'fs'",
    "import { join } from 'path/posix'",
    "import { x } from './x.js'",
    "import { x } from '../core/index.js'",
    "import { x } from '#internal'"
  ])('%s is not a package', (text) => {
    expect(importsOf(text).map((i) => packageOf(i.specifier))).toEqual([null])
  })

  it('does not read imports out of comments and strings', () => {
    const text = [
      "// instead of import * as core from '@actions/core'",
      "/* await import('axios') */",
      'const s = "import x from \'yaml\'"'
    ].join('\n')
    expect(importsOf(text)).toEqual([])
  })
})

describe('package.json dependencies and src/ imports', () => {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>
    devDependencies?: Record<string, string>
  }
  const dependencies = Object.keys(manifest.dependencies ?? {})
  const devDependencies = Object.keys(manifest.devDependencies ?? {})

  /** package → the src/ files that import it, at run time and for types only. */
  const runtime = new Map<string, string[]>()
  const typesOnly = new Map<string, string[]>()
  for (const file of sourceFiles(join(root, 'src'))) {
    const name = relative(root, file)
    for (const { specifier, typeOnly } of importsOf(readFileSync(file, 'utf8'), file)) {
      const pkg = packageOf(specifier)
      if (pkg === null) continue
      const into = typeOnly ? typesOnly : runtime
      const files = into.get(pkg) ?? []
      if (!files.includes(name)) files.push(name)
      into.set(pkg, files)
    }
  }

  it('finds the imports of src/', () => {
    expect(runtime.size).toBeGreaterThan(0)
  })

  it('lists no dependency that src/ does not import at run time', () => {
    const unused = dependencies
      .filter((pkg) => !runtime.has(pkg))
      .map((pkg) =>
        typesOnly.has(pkg)
          ? `${pkg} (imported for types only, by ${typesOnly.get(pkg)!.join(', ')}: a devDependency)`
          : pkg
      )
    expect(unused).toEqual([])
  })

  it('lists every package that src/ imports at run time', () => {
    const missing = [...runtime]
      .filter(([pkg]) => !dependencies.includes(pkg))
      .map(([pkg, files]) => `${pkg} (imported by ${files.join(', ')})`)
    expect(missing).toEqual([])
  })

  it('declares every package that src/ imports for types only', () => {
    const undeclared = [...typesOnly]
      .filter(([pkg]) => !dependencies.includes(pkg) && !devDependencies.includes(pkg))
      .map(([pkg, files]) => `${pkg} (imported by ${files.join(', ')})`)
    expect(undeclared).toEqual([])
  })
})
