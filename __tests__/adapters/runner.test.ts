// The runner protocol subset (our stand-in for @actions/core), checked against the file formats
// and escaping rules the runner reads.
import { jest } from '@jest/globals'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as runner from '../../src/adapters/runner.js'
import { parseOutputFile } from '../../sandbox/run-action.js'

describe('runner protocol', () => {
  let dir: string
  let lines: string[]
  const saved = { ...process.env }
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-test-'))
    lines = []
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk))
      return true
    })
  })
  afterEach(() => {
    jest.restoreAllMocks()
    fs.rmSync(dir, { recursive: true, force: true })
    process.env = { ...saved }
    process.exitCode = undefined
  })

  it('reads INPUT_<NAME> with the hyphen kept, upper-cased and trimmed', () => {
    process.env['INPUT_HEALTH-URL'] = '  http://x/health \n'
    expect(runner.getInput('health-url')).toBe('http://x/health')
    expect(runner.getInput('not-set')).toBe('')
  })

  it('writes outputs as delimited blocks the runner (and our parser) read back, multi-line values included', () => {
    const file = path.join(dir, 'out')
    fs.writeFileSync(file, '')
    process.env.GITHUB_OUTPUT = file
    runner.setOutput('decision', 'rollback')
    runner.setOutput('reason', 'line one\nline two')
    const text = fs.readFileSync(file, 'utf8')
    expect(text).toMatch(/^decision<<ghadelimiter_[0-9a-f-]{36}\nrollback\nghadelimiter_/)
    expect(parseOutputFile(text)).toEqual({ decision: 'rollback', reason: 'line one\nline two' })
  })

  it('refuses to write into a missing output file', () => {
    process.env.GITHUB_OUTPUT = path.join(dir, 'missing')
    expect(() => runner.setOutput('a', 'b')).toThrow('Missing file at path')
  })

  it('escapes annotation data and properties', () => {
    runner.warning('50% of 10\nnext line', { title: 'rule: error-rate, P2' })
    expect(lines.join('')).toBe(
      '::warning title=rule%3A error-rate%2C P2::50%25 of 10%0Anext line' + os.EOL
    )
  })

  it('masks, groups, and fails with exit code 1', () => {
    runner.setSecret('s3cret')
    runner.startGroup('watch')
    runner.endGroup()
    runner.setFailed('rolled back')
    expect(lines.join('')).toBe(
      ['::add-mask::s3cret', '::group::watch', '::endgroup::', '::error::rolled back', ''].join(
        os.EOL
      )
    )
    expect(process.exitCode).toBe(1)
  })

  it('appends the job summary when GITHUB_STEP_SUMMARY is set, and only then', () => {
    delete process.env.GITHUB_STEP_SUMMARY
    expect(runner.appendSummary('# nothing')).toBe(false)
    const file = path.join(dir, 'summary.md')
    process.env.GITHUB_STEP_SUMMARY = file
    expect(runner.appendSummary('## ✅ Healthy')).toBe(true)
    expect(fs.readFileSync(file, 'utf8')).toBe('## ✅ Healthy' + os.EOL)
  })
})
