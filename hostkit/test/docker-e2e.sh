#!/usr/bin/env bash
# The kit against a real Docker daemon and Compose v2 (.github/workflows/hostkit.yml runs it on a
# GitHub-hosted runner; no daemon where the bats suite runs). Every call goes through the gate, as
# the action's would over SSH: deploy v1, backup, deploy v2, --quick back to v1 after an
# `image prune -a`, --list, Level 2 and Level 3 restores, refusals.
#
#   APP=/tmp/hostkit-app hostkit/test/docker-e2e.sh   (after install.sh, images built)
set -euo pipefail
APP=${APP:?the app directory install.sh set up}
GATE=${GATE:-/usr/local/sbin/rollback-sentinel-gate}
BACKUP_RE='^(backup-[0-9]{8}-[0-9]{6}) [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$'

step() { printf '\n== %s\n' "$*"; }
# As sshd runs the forced command: the action's exact text in SSH_ORIGINAL_COMMAND.
via_gate() {
  local limit=$1
  shift
  SSH_ORIGINAL_COMMAND="cd $APP && timeout -k 5 $limit $*" "$GATE" --app-dir "$APP"
}
compose() {
  docker compose -p hkdemo --project-directory "$APP" -f "$APP/compose.yaml" --env-file "$APP/.deploy/current.env" "$@"
}
http() { curl -fsS --max-time 5 "http://127.0.0.1:18080/$1"; }
sql() { compose exec -T db psql -U app -d app -tAc "$1"; }
upload() { compose exec -T app cat /www/uploads/file; }
expect() {
  if [[ $3 != "$2" ]]; then
    echo "FAIL: $1: expected '$2', got '$3'"
    exit 1
  fi
  echo "ok: $1 = $3"
}
expect_exit() {
  local want=$1 got=0
  shift
  "$@" || got=$?
  expect "exit code of: ${*: -1}" "$want" "$got"
}
state() {
  expect "version" "$1" "$(http version)"
  expect "configuration" "$2" "$(http greeting)"
  expect "database rows" "$3" "$(sql 'SELECT string_agg(v, $$,$$ ORDER BY v) FROM t')"
  expect "upload" "$4" "$(upload)"
}

step "deploy v1 and write its data"
echo v1-config >"$APP/config/greeting"
via_gate 600 bash deploy/rollback/deploy.sh APP_IMAGE=hostkit-demo:v1
sql "CREATE TABLE t (v text); INSERT INTO t VALUES ('v1-row')"
compose exec -T app sh -c 'echo v1-upload > /www/uploads/file'
state v1 v1-config v1-row v1-upload

step "backup (the deploy calls it before the next release)"
id=$(via_gate 600 bash deploy/rollback/backup.sh)
echo "backup: $id"

deploy_v2() {
  echo v2-config >"$APP/config/greeting"
  via_gate 600 bash deploy/rollback/deploy.sh APP_IMAGE=hostkit-demo:v2
  sql "DELETE FROM t WHERE v = 'v2-row'; INSERT INTO t VALUES ('v2-row')"
  compose exec -T app sh -c 'echo v2-upload > /www/uploads/file'
  state v2 v2-config v1-row,v2-row v2-upload
}
step "deploy v2 and write its data"
deploy_v2

step "--list: the backup, in the contract's format"
list=$(via_gate 60 bash deploy/rollback/rollback.sh --list)
echo "$list"
[[ $list =~ $BACKUP_RE ]] || {
  echo "FAIL: --list format"
  exit 1
}
expect "listed id" "$id" "${BASH_REMATCH[1]}"

step "Level 1 (--quick) after docker image prune -a: the keeper container held v1, nothing is pulled"
docker image prune -af >/dev/null
docker image inspect hostkit-demo:v1 >/dev/null
docker pull -q debian:bookworm-slim >/dev/null # the helper image, pruned too
via_gate 300 bash deploy/rollback/rollback.sh --quick
via_gate 300 bash -c "'bash deploy/rollback/validate_rollback.sh'"
via_gate 300 bash -c "'bash deploy/smoke_tests.sh'"
# Level 1 changes the images only: v2's configuration and data stay.
state v1 v2-config v1-row,v2-row v2-upload

step "Level 2: application and configuration of the backup, data untouched"
deploy_v2
via_gate 900 bash deploy/rollback/rollback.sh --level 2 --target "$id"
via_gate 300 bash -c "'bash deploy/rollback/validate_rollback.sh'"
state v1 v1-config v1-row,v2-row v2-upload

step "Level 3: everything of the backup, the database and the uploads included"
deploy_v2
via_gate 1800 bash deploy/rollback/rollback.sh --level 3 --target "$id"
via_gate 300 bash -c "'bash deploy/rollback/validate_rollback.sh'"
via_gate 300 bash -c "'bash deploy/smoke_tests.sh'"
state v1 v1-config v1-row v1-upload
ls "$APP/.deploy/safety/"*/db.dump

step "refusals and exit codes"
expect_exit 3 via_gate 60 bash deploy/rollback/rollback.sh --level 3 --target backup-19990101-000000
expect_exit 126 via_gate 60 bash deploy/rollback/rollback.sh --level 3 --target "$id\;id"
expect_exit 126 via_gate 60 "bash -c 'docker compose down'"
expect_exit 2 via_gate 60 bash deploy/rollback/deploy.sh APP_IMAGE=hostkit-demo:latest
state v1 v1-config v1-row v1-upload

step "audit log"
cat "$APP/.deploy/audit.log"
echo
echo "all checks passed"
