// src/ as plain JavaScript for plain `node` (the bench, child processes of tests): each .ts file
// transpiled alone (types dropped, no checking) into a temporary directory whose node_modules
// links to the project's. dist/ is one bundle that exports nothing, so this is how a script
// imports one module, e.g. `${dir}/src/adapters/http.js`.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')

/**
 * @typedef {object} TranspiledSources
 * @property {string} dir  holds src/ (as .js) and a node_modules link
 * @property {(module: string) => string} file  the .js path of a module, e.g. 'adapters/http'
 * @property {() => void} cleanup  removes dir; safe to call twice
 */

/** @returns {TranspiledSources} */
export function transpileSources() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sentinel-src-'))
  try {
    const srcRoot = path.join(ROOT, 'src')
    for (const entry of fs.readdirSync(srcRoot, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.ts')) continue
      const from = path.join(entry.parentPath, entry.name)
      const to = path.join(dir, 'src', path.relative(srcRoot, from)).replace(/\.ts$/, '.js')
      const { outputText } = ts.transpileModule(fs.readFileSync(from, 'utf8'), {
        fileName: from,
        compilerOptions: {
          module: ts.ModuleKind.ESNext,
          target: ts.ScriptTarget.ES2022,
          verbatimModuleSyntax: false
        }
      })
      fs.mkdirSync(path.dirname(to), { recursive: true })
      fs.writeFileSync(to, outputText)
    }
    fs.writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}\n')
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir')
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true })
    throw err
  }
  return {
    dir,
    file: (module) => path.join(dir, 'src', `${module}.js`),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true })
  }
}
