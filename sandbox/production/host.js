// The demo production's deploy host: the starting files of its directory (the good version live,
// three backups, logs) and its runbook scripts (sandbox/host-scripts.js).
import fs from 'node:fs'
import path from 'node:path'
import { restartScript, rollbackScript, smokeScript, validateScript } from '../host-scripts.js'
import { GOOD } from './scenarios.js'

const stamp = (ms) => new Date(ms).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)

export function write(file, text, mode = 0o644) {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, text, { mode })
}

/**
 * The good version live (state.json, releases/v1.json, previous, current), a started app.log,
 * an empty data/, and backups of the good version 26 h, 3 h and 30 min before `now`.
 * @param {string} deployDir
 * @param {number} now  epoch ms
 * @returns {{ id: string, at: number }[]} the backups, oldest first
 */
export function writeHostFiles(deployDir, now) {
  const backups = [now - 26 * 3600_000, now - 3 * 3600_000, now - 30 * 60_000].map((t) => ({
    id: `backup-${stamp(t)}`,
    at: t
  }))
  write(path.join(deployDir, 'releases/v1.json'), JSON.stringify(GOOD))
  for (const b of backups) write(path.join(deployDir, `backups/${b.id}.json`), JSON.stringify(GOOD))
  write(
    path.join(deployDir, 'backups/index.txt'),
    backups
      .map((b) => `${b.id}  ${new Date(b.at).toISOString().replace(/\.\d+Z$/, 'Z')}`)
      .join('\n') + '\n'
  )
  write(path.join(deployDir, 'state.json'), JSON.stringify(GOOD))
  write(path.join(deployDir, 'previous'), 'v1\n')
  write(path.join(deployDir, 'current'), 'v1\n')
  write(path.join(deployDir, 'logs/app.log'), 'INFO started v1\n')
  fs.mkdirSync(path.join(deployDir, 'data'), { recursive: true })
  return backups
}

/**
 * rollback.sh, validate_rollback.sh, smoke_tests.sh (GET healthUrl) and restart.sh under deploy/.
 * @param {string} deployDir
 * @param {string} healthUrl
 */
export function writeHostScripts(deployDir, healthUrl) {
  const node = process.execPath
  write(path.join(deployDir, 'deploy/rollback/rollback.sh'), rollbackScript(), 0o755)
  write(path.join(deployDir, 'deploy/rollback/validate_rollback.sh'), validateScript(node), 0o755)
  write(path.join(deployDir, 'deploy/smoke_tests.sh'), smokeScript(node, healthUrl), 0o755)
  write(path.join(deployDir, 'deploy/restart.sh'), restartScript(), 0o755)
}
