// The deploy host's scripts in the demo production (sandbox/production.js): a rollback.sh that
// really switches the test service back, validate_rollback.sh, smoke_tests.sh and restart.sh.
// Each appends its call to calls.log; rollback.sh also keeps per-host records for fleets.

export function rollbackScript() {
  return `#!/bin/bash
# The sandbox's real rollback: switches the live version (state.json) back.
#   --quick                       Level 1: the previous release (traffic switch)
#   --level 2|3 --target ID       restore backup ID (Level 3 also repairs data)
#   --list                        one backup per line: ID  ISO-8601 time
set -u
D="$(cd "$(dirname "$0")/../.." && pwd)"
# One sshd listening on several ports stands for a fleet: the port a session came in on is the
# "host" (the last field of $SSH_CONNECTION).
PORT="\${SSH_CONNECTION##* }"
printf '%s %s %s\\n' "$(date +%s%3N)" "$(basename "$0")" "$*" >> "$D/calls.log"
LEVEL=""; TARGET=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) LEVEL=1 ;;
    --level) LEVEL="$2"; shift ;;
    --target) TARGET="$2"; shift ;;
    --list) cat "$D/backups/index.$PORT.txt" 2>/dev/null || cat "$D/backups/index.txt"; exit 0 ;;
    *) echo "rollback.sh: unknown argument $1" >&2; exit 64 ;;
  esac
  shift
done
# records/<port>.log: "<start ms> <end ms> <level> <exit>" per call (fleet tests and the bench).
START="$(date +%s%3N)"
mkdir -p "$D/records"
trap 'c=$?; printf "%s %s %s %s\\n" "$START" "$(date +%s%3N)" "$LEVEL" "$c" >> "$D/records/$PORT.log"' EXIT
[ -s "$D/rollback-sleep" ] && sleep "$(cat "$D/rollback-sleep")"
if [ -s "$D/rollback-seconds" ]; then
  # A slow rollback (cancellation scenarios): one progress line a second.
  n="$(cat "$D/rollback-seconds")"
  for i in $(seq 1 "$n"); do echo "rollback.sh: restoring ($i/$n)"; sleep 1; done
fi
if grep -qx -e "$LEVEL" -e "$LEVEL@$PORT" "$D/fail-levels" 2>/dev/null; then
  echo "rollback.sh: Level $LEVEL failed on port $PORT (simulated: fail-levels)" >&2
  exit 1
fi
case "$LEVEL" in
  1)
    prev="$(cat "$D/previous")"
    echo "Level 1: switching traffic back to $prev"
    cp "$D/releases/$prev.json" "$D/state.json.tmp" && mv "$D/state.json.tmp" "$D/state.json"
    rm -f "$D/data/cache_down"
    ;;
  2|3)
    [ -f "$D/backups/$TARGET.json" ] || { echo "rollback.sh: no backup $TARGET" >&2; exit 2; }
    echo "Level $LEVEL: restoring backup $TARGET"
    cp "$D/backups/$TARGET.json" "$D/state.json.tmp" && mv "$D/state.json.tmp" "$D/state.json"
    rm -f "$D/data/cache_down" "$D/data/db_down"
    [ "$LEVEL" = 3 ] && rm -f "$D/data/corruption_detected" "$D/data/corruption_detected.$PORT"
    ;;
  *) echo "rollback.sh: say --quick, --level 2|3 --target ID or --list" >&2; exit 64 ;;
esac
: > "$D/logs/app.log"
echo "rolled back (Level $LEVEL)"
`
}

export function validateScript(node) {
  return `#!/bin/bash
D="$(cd "$(dirname "$0")/../.." && pwd)"
printf '%s %s %s\\n' "$(date +%s%3N)" "$(basename "$0")" "$*" >> "$D/calls.log"
${node} -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log("state.json is valid")' "$D/state.json"
`
}

export function smokeScript(node, healthUrl) {
  return `#!/bin/bash
D="$(cd "$(dirname "$0")/.." && pwd)"
printf '%s %s %s\\n' "$(date +%s%3N)" "$(basename "$0")" "$*" >> "$D/calls.log"
${node} -e 'fetch(process.argv[1]).then(r => { console.log("GET /health: " + r.status); process.exit(r.ok ? 0 : 1) }, e => { console.error(String(e)); process.exit(1) })' ${healthUrl}
`
}

export function restartScript() {
  return `#!/bin/bash
D="$(cd "$(dirname "$0")/.." && pwd)"
printf '%s %s %s\\n' "$(date +%s%3N)" "$(basename "$0")" "$*" >> "$D/calls.log"
echo "restarted (the sandbox's restart does not fix a bad release)"
`
}
