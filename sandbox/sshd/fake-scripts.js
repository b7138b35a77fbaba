// Fake runbook scripts on a sandbox sshd's deploy host, and the calls they recorded. Each script
// appends its argv to calls.log and exits as configured; rollback.sh also keeps per-port records
// for fleets (sandbox/records.js reads them).
import fs from 'node:fs'
import path from 'node:path'
import { chownTree } from './deploy-dir.js'

const DEFAULT_LIST = [
  'ID                        CREATED',
  'backup-20251201-030000    2025-12-01T03:00:00Z',
  'backup-20251202-030000    2025-12-02T03:00:00Z'
].join('\n')

/** Appends one line per call: `<UTC time> <script> <args…>` to calls.log in the deploy dir. */
const LOG_CALL =
  'printf \'%s %s %s\\n\' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(basename "$0")" "$*" >> "$RBS_DEPLOY/calls.log"'

function bashLiteral(s) {
  return `'${String(s).replace(/'/g, `'\\''`)}'`
}

/**
 * Writes fake runbook scripts into `<deployDir>/deploy/` (replacing earlier ones) and clears
 * calls.log. Each script appends its argv to calls.log and exits as configured.
 *
 * @param {string} deployDir
 * @param {{
 *   rollbackExit?: number,                        // exit code of every rollback call (default 0)
 *   rollbackExitByLevel?: Record<number, number>, // per level (1 = --quick), wins over rollbackExit
 *   hang?: boolean,                               // rollback calls sleep 600 s (time-limit tests)
 *   listOutput?: string,                          // what `--list` prints
 *   listExit?: number,
 *   validateExit?: number, smokeExit?: number,
 *   omitValidate?: boolean, omitSmoke?: boolean,  // leave the script out (absent on the host)
 *   omitRollback?: boolean,                       // no rollback.sh at all (preflight tests)
 *   noRunBit?: ('rollback'|'validate'|'smoke')[], // written 0644: present but not executable
 *   onRollback?: string,                          // bash run after a rollback call, with $LEVEL and $TARGET
 *   sleepSeconds?: number,                        // each rollback call takes this long (fleets)
 *   rollbackExitByPort?: Record<number, Record<number, number>>, // port → level → exit code
 *   listOutputByPort?: Record<number, string>,    // what `--list` prints on that port ("host")
 * }} [options]
 * @returns {{ hangMarker: string, sleepMarker: string }} the process names of the hung sleep and
 *   of the sleepSeconds sleep (for pgrep -f)
 */
export function writeFakeDeploy(deployDir, options = {}) {
  const hangMarker = `rbs-hang-${path.basename(deployDir)}-${process.pid}`
  const byLevel = options.rollbackExitByLevel ?? {}
  const exitFor = (level) => byLevel[level] ?? options.rollbackExit ?? 0
  const header = ['#!/bin/bash', `RBS_DEPLOY=${bashLiteral(deployDir)}`, LOG_CALL, '']

  // One sshd listening on several ports stands for several hosts: the port a session arrived on
  // is the last field of $SSH_CONNECTION.
  const byPort = options.rollbackExitByPort ?? {}
  const portCases = Object.entries(byPort).flatMap(([port, levels]) =>
    Object.entries(levels).map(
      ([level, code]) => `  ${Number(port)}:${Number(level)}) CODE=${Number(code)} ;;`
    )
  )
  const listByPort = Object.entries(options.listOutputByPort ?? {}).map(
    ([port, text]) => `  ${Number(port)}) printf '%s\\n' ${bashLiteral(text)}; exit 0 ;;`
  )
  const rollback = [
    ...header,
    'PORT="${SSH_CONNECTION##* }"',
    'LEVEL=""; TARGET=""; LIST=""',
    'while [ $# -gt 0 ]; do',
    '  case "$1" in',
    '    --quick) LEVEL=1 ;;',
    '    --level) LEVEL="$2"; shift ;;',
    '    --target) TARGET="$2"; shift ;;',
    '    --list) LIST=1 ;;',
    '  esac',
    '  shift',
    'done',
    'if [ -n "$LIST" ]; then',
    ...(listByPort.length ? ['  case "$PORT" in', ...listByPort, '  esac'] : []),
    `  printf '%s\\n' ${bashLiteral(options.listOutput ?? DEFAULT_LIST)}`,
    `  exit ${options.listExit ?? 0}`,
    'fi',
    // records/<port>.log: `<start ms> <end ms> <level> <exit>` per call, for fleet tests.
    'START="$(date +%s%3N)"',
    'mkdir -p "$RBS_DEPLOY/records"',
    `trap 'c=$?; printf "%s %s %s %s\\n" "$START" "$(date +%s%3N)" "$LEVEL" "$c" >> "$RBS_DEPLOY/records/$PORT.log"' EXIT`,
    'echo "rolling back: level $LEVEL target ${TARGET:-previous}"',
    options.hang ? `exec -a ${hangMarker} sleep 600` : '',
    // Named, so that a test can wait for sleeps its cancelled sessions left behind.
    options.sleepSeconds
      ? `( exec -a ${hangMarker}-sleep sleep ${Number(options.sleepSeconds)} )`
      : '',
    options.onRollback ? `( ${options.onRollback}\n)` : '',
    'CODE=""',
    ...(portCases.length ? ['case "$PORT:$LEVEL" in', ...portCases, 'esac'] : []),
    '[ -n "$CODE" ] && exit "$CODE"',
    'case "$LEVEL" in',
    `  1) exit ${exitFor(1)} ;;`,
    `  2) exit ${exitFor(2)} ;;`,
    `  3) exit ${exitFor(3)} ;;`,
    '  *) echo "unknown level" >&2; exit 64 ;;',
    'esac',
    ''
  ].join('\n')

  const simple = (name, code) =>
    [...header, `echo "${name}: exit ${code}"`, `exit ${code}`, ''].join('\n')

  const rollbackDir = path.join(deployDir, 'deploy', 'rollback')
  fs.rmSync(path.join(deployDir, 'deploy'), { recursive: true, force: true })
  fs.rmSync(path.join(deployDir, 'calls.log'), { force: true })
  fs.mkdirSync(rollbackDir, { recursive: true })
  const noRunBit = options.noRunBit ?? []
  const modeOf = (role) => (noRunBit.includes(role) ? 0o644 : 0o755)
  if (!options.omitRollback) {
    fs.writeFileSync(path.join(rollbackDir, 'rollback.sh'), rollback, { mode: modeOf('rollback') })
  }
  if (!options.omitValidate) {
    fs.writeFileSync(
      path.join(rollbackDir, 'validate_rollback.sh'),
      simple('validate', options.validateExit ?? 0),
      { mode: modeOf('validate') }
    )
  }
  if (!options.omitSmoke) {
    fs.writeFileSync(
      path.join(deployDir, 'deploy', 'smoke_tests.sh'),
      simple('smoke', options.smokeExit ?? 0),
      { mode: modeOf('smoke') }
    )
  }
  const owner = fs.statSync(deployDir)
  chownTree(path.join(deployDir, 'deploy'), owner.uid, owner.gid)
  return { hangMarker, sleepMarker: `${hangMarker}-sleep` }
}

/**
 * The calls the fake scripts recorded, oldest first: `{ at, script, args }` where args is the
 * argv joined by spaces (e.g. `--level 2 --target backup-20251201-030000`).
 */
export function readCalls(deployDir) {
  let text
  try {
    text = fs.readFileSync(path.join(deployDir, 'calls.log'), 'utf8')
  } catch {
    return []
  }
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [at, script, ...rest] = l.split(' ')
      return { at, script, args: rest.join(' ').trim() }
    })
}
