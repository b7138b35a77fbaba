// Times the action reads (deployed-at, replay-deploys, `rollback.sh --list`) go through one
// parser: a time without an offset is UTC whatever zone the runner is in.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import ts from 'typescript'
import { parseIsoTime } from '../../src/lib/patterns.js'

describe('parseIsoTime', () => {
  it.each<[string, number | null]>([
    ['2026-12-01T03:00:00', Date.UTC(2026, 11, 1, 3, 0, 0)],
    ['2026-12-01T03:00', Date.UTC(2026, 11, 1, 3, 0, 0)],
    ['2026-12-01T03:00:00Z', Date.UTC(2026, 11, 1, 3, 0, 0)],
    ['2026-12-01t03:00:00z', Date.UTC(2026, 11, 1, 3, 0, 0)],
    ['2026-12-01T03:00:00.250Z', Date.UTC(2026, 11, 1, 3, 0, 0, 250)],
    ['2026-12-01T12:00:00+09:00', Date.UTC(2026, 11, 1, 3, 0, 0)],
    ['2026-12-01T12:00:00+0900', Date.UTC(2026, 11, 1, 3, 0, 0)],
    ['2026-11-30T22:00:00-05:00', Date.UTC(2026, 11, 1, 3, 0, 0)],
    ['2026-02-30T03:00:00', null],
    ['2026-13-01T03:00:00', null],
    ['2026-12-01T24:00:00', null],
    ['2026-12-01T03:60:00', null],
    ['2026-12-01T03:00:00+25:00', null],
    ['2026-12-01 03:00:00', null],
    ['2026-12-01', null],
    ['yesterday', null],
    ['', null]
  ])('%s', (text, epoch) => {
    expect(parseIsoTime(text)).toBe(epoch)
  })

  it('reads a time without an offset the same under TZ=Asia/Tokyo and TZ=America/New_York', () => {
    // Node reads TZ once per process for most date functions: each zone gets its own process.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iso-time-'))
    try {
      const source = fs.readFileSync(path.resolve('src/lib/patterns.ts'), 'utf8')
      const js = ts.transpileModule(source, {
        compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 }
      }).outputText
      fs.writeFileSync(path.join(dir, 'patterns.mjs'), js)
      const probe = path.join(dir, 'probe.mjs')
      fs.writeFileSync(
        probe,
        [
          "import { parseIsoTime } from './patterns.mjs'",
          "const text = '2026-12-01T03:00:00'",
          'console.log(JSON.stringify({ ours: parseIsoTime(text), local: Date.parse(text) }))'
        ].join('\n')
      )
      const run = (tz: string) =>
        JSON.parse(
          execFileSync(process.execPath, [probe], {
            env: { PATH: process.env.PATH ?? '', TZ: tz },
            encoding: 'utf8',
            timeout: 20_000
          })
        ) as { ours: number; local: number }
      const tokyo = run('Asia/Tokyo')
      const newYork = run('America/New_York')
      // The zones really differ in these processes (Date.parse reads the runner's zone) ...
      expect(newYork.local - tokyo.local).toBe(14 * 3_600_000)
      // ... and the parser does not follow them.
      expect(tokyo.ours).toBe(Date.UTC(2026, 11, 1, 3, 0, 0))
      expect(newYork.ours).toBe(tokyo.ours)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
