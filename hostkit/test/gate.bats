#!/usr/bin/env bats
# gate.sh, the forced command: the exact requests rollback-sentinel sends pass, with the same
# time limit and separate arguments; everything else is exit 126 and runs nothing. A recording
# `timeout` first on PATH shows what the gate would run.
load helpers

setup() {
  setup_kit
  GATE="$BATS_FILE_TMPDIR/gate"
  export GATE_LOG="$BATS_TEST_TMPDIR/gate.log"
  : >"$GATE_LOG"
}

# gate "<SSH_ORIGINAL_COMMAND>" [gate options]
gate() {
  local request=$1
  shift
  SSH_ORIGINAL_COMMAND=$request PATH="$BATS_TEST_DIRNAME/gate-bin:$PATH" run "$GATE" --app-dir "$APP" "$@"
}

allowed() {
  local request=$1 expected=$2
  shift 2
  : >"$GATE_LOG"
  gate "$request" "$@"
  [ "$status" -eq 0 ] || { echo "refused: $request -> $output"; return 1; }
  [ "$(cat "$GATE_LOG")" = "$expected" ] || { echo "ran: $(cat "$GATE_LOG") for $request"; return 1; }
}

refused() {
  local request=$1
  shift
  : >"$GATE_LOG"
  gate "$request" "$@"
  [ "$status" -eq 126 ] || { echo "not refused ($status): $request"; return 1; }
  [[ $output == *"rollback-sentinel-gate: refused"* ]] || return 1
  [ ! -s "$GATE_LOG" ] || { echo "ran: $(cat "$GATE_LOG")"; return 1; }
}

@test "the action's rollback invocations pass with their time limit and separate arguments" {
  allowed "cd $APP && timeout -k 5 60 bash deploy/rollback/rollback.sh --list" \
    "-k 5 60 bash -- deploy/rollback/rollback.sh --list"
  allowed "cd $APP && timeout -k 5 300 bash deploy/rollback/rollback.sh --quick" \
    "-k 5 300 bash -- deploy/rollback/rollback.sh --quick"
  allowed "cd $APP && timeout -k 5 900 bash deploy/rollback/rollback.sh --level 2 --target backup-20260102-120000" \
    "-k 5 900 bash -- deploy/rollback/rollback.sh --level 2 --target backup-20260102-120000"
  allowed "cd $APP && timeout -k 5 1800 bash deploy/rollback/rollback.sh --level 3 --target backup-20260102-120000" \
    "-k 5 1800 bash -- deploy/rollback/rollback.sh --level 3 --target backup-20260102-120000"
}

@test "validate, smoke, their presence probes and the connection check pass" {
  allowed "cd $APP && timeout -k 5 300 bash -c 'bash deploy/rollback/validate_rollback.sh'" \
    "-k 5 300 bash -- deploy/rollback/validate_rollback.sh"
  allowed "cd $APP && timeout -k 5 300 bash -c 'bash deploy/smoke_tests.sh'" \
    "-k 5 300 bash -- deploy/smoke_tests.sh"
  allowed "cd $APP && timeout -k 5 20 bash -c 'test -f deploy/rollback/validate_rollback.sh'" \
    "-k 5 20 test -f deploy/rollback/validate_rollback.sh"
  allowed "cd $APP && timeout -k 5 20 bash -c 'test -x deploy/rollback/rollback.sh'" \
    "-k 5 20 test -x deploy/rollback/rollback.sh"
  allowed "cd $APP && timeout -k 5 15 bash -c true" "-k 5 15 true"
  allowed "cd $APP && timeout -k 5 15 bash -c 'docker compose version'" "-k 5 15 docker compose version"
  allowed "cd $APP && timeout -k 5 15 bash -c 'command -v docker'" '-k 5 15 bash -c command -v "$1" sh docker'
}

@test "the deploy's backup and pinned deploy pass" {
  allowed "cd $APP && timeout -k 5 600 bash deploy/rollback/backup.sh" \
    "-k 5 600 bash -- deploy/rollback/backup.sh"
  allowed "cd $APP && timeout -k 5 600 bash deploy/rollback/deploy.sh APP_IMAGE=ghcr.io/org/app@sha256:0af3 WORKER_IMAGE=ghcr.io/org/worker:1a2b3c" \
    "-k 5 600 bash -- deploy/rollback/deploy.sh APP_IMAGE=ghcr.io/org/app@sha256:0af3 WORKER_IMAGE=ghcr.io/org/worker:1a2b3c"
}

@test "with --sudo the scripts run as sudo -n <absolute path>, nothing else changes" {
  allowed "cd $APP && timeout -k 5 300 bash deploy/rollback/rollback.sh --quick" \
    "-k 5 300 sudo -n -- $APP/deploy/rollback/rollback.sh --quick" --sudo
}

@test "the gate really runs --list through to the kit" {
  SSH_ORIGINAL_COMMAND="cd $APP && timeout -k 5 60 bash deploy/rollback/rollback.sh --list" run "$GATE" --app-dir "$APP"
  [ "$status" -eq 0 ]
  [ "$output" = "$BACKUP ${BACKUP:7:4}-${BACKUP:11:2}-${BACKUP:13:2}T${BACKUP:16:2}:${BACKUP:18:2}:${BACKUP:20:2}Z" ]
}

@test "an app directory with a space is matched in the action's quoting" {
  gate "cd '$APP' && timeout -k 5 60 bash deploy/rollback/rollback.sh --list"
  [ "$status" -eq 126 ]
  mkdir -p "$BATS_TEST_TMPDIR/my app"
  SSH_ORIGINAL_COMMAND="cd '$BATS_TEST_TMPDIR/my app' && timeout -k 5 60 bash deploy/rollback/rollback.sh --list" \
    PATH="$BATS_TEST_DIRNAME/gate-bin:$PATH" run "$GATE" --app-dir "$BATS_TEST_TMPDIR/my app"
  [ "$status" -eq 0 ]
}

@test "the login directory: no cd, or ~/ forms, when app-dir is under HOME" {
  HOME=$APP allowed "timeout -k 5 60 bash deploy/rollback/rollback.sh --list" \
    "-k 5 60 bash -- deploy/rollback/rollback.sh --list"
  HOME=$(dirname "$APP") allowed "cd ~/app && timeout -k 5 60 bash deploy/rollback/rollback.sh --list" \
    "-k 5 60 bash -- deploy/rollback/rollback.sh --list"
  HOME=/nonexistent refused "timeout -k 5 60 bash deploy/rollback/rollback.sh --list"
}

@test "configured script paths are the only ones let through" {
  allowed "cd $APP && timeout -k 5 60 bash ops/rb.sh --list" "-k 5 60 bash -- ops/rb.sh --list" --rollback-script ops/rb.sh
  refused "cd $APP && timeout -k 5 60 bash deploy/rollback/rollback.sh --list" --rollback-script ops/rb.sh
}

@test "an allow file adds exact host-check commands, nothing around them" {
  printf '# host checks\ndocker compose ps\ndocker compose exec -T db pg_isready\n' >"$BATS_TEST_TMPDIR/allow"
  allowed "cd $APP && timeout -k 5 20 bash -c 'docker compose ps'" "-k 5 20 bash -c docker compose ps" --allow-file "$BATS_TEST_TMPDIR/allow"
  refused "cd $APP && timeout -k 5 20 bash -c 'docker compose ps; id'" --allow-file "$BATS_TEST_TMPDIR/allow"
  refused "cd $APP && timeout -k 5 20 bash -c '# host checks'" --allow-file "$BATS_TEST_TMPDIR/allow"
  refused "cd $APP && timeout -k 5 20 bash -c 'docker compose ps'"
}

@test "everything else is refused with 126 and runs nothing" {
  local prefix="cd $APP && timeout -k 5 60"
  while IFS= read -r request; do
    refused "${request//@P@/$prefix}" || return 1
  done <<'TABLE'

sh
bash
scp -t /tmp
rsync --server -e.LsfxC . /tmp
@P@ bash deploy/rollback/rollback.sh --list; id
@P@ bash deploy/rollback/rollback.sh --list && id
@P@ bash deploy/rollback/rollback.sh --list | sh
@P@ bash deploy/rollback/rollback.sh --quick $(id)
@P@ bash deploy/rollback/rollback.sh --level 3 --target backup-20260102-120000; id
@P@ bash deploy/rollback/rollback.sh --level 3 --target 'backup-20260102-120000; id'
@P@ bash deploy/rollback/rollback.sh --level 3 --target backup-20260102-120000 --quick
@P@ bash deploy/rollback/rollback.sh --level 1 --target backup-20260102-120000
@P@ bash deploy/rollback/rollback.sh --level 3 --target ../backup-20260102-120000
@P@ bash deploy/rollback/rollback.sh --level 3 --target backup-latest
@P@ bash deploy/rollback/rollback.sh
@P@ bash deploy/rollback/../../../tmp/x.sh --list
@P@ bash /tmp/rollback.sh --list
@P@ bash -c 'bash deploy/rollback/rollback.sh --list'
@P@ bash -c 'rm -rf /'
@P@ bash -c 'docker compose ps'
@P@ bash -c 'docker compose down'
@P@ bash -c 'test -f /etc/shadow'
@P@ bash -c 'command -v $(id)'
@P@ bash -c 'true; id'
@P@ bash deploy/rollback/deploy.sh 'APP_IMAGE=x$(id)'
@P@ bash deploy/rollback/deploy.sh APP_IMAGE=x;id
@P@ bash deploy/rollback/deploy.sh
@P@ bash deploy/rollback/backup.sh --now
@P@ docker compose down
cd /etc && timeout -k 5 60 bash deploy/rollback/rollback.sh --list
cd /etc;cd / && timeout -k 5 60 bash deploy/rollback/rollback.sh --list
cd $APP && bash deploy/rollback/rollback.sh --list
cd $APP && timeout -k 5 0 bash deploy/rollback/rollback.sh --list
cd $APP && timeout -k 9 60 bash deploy/rollback/rollback.sh --list
cd $APP && timeout -k 5 999999 bash deploy/rollback/rollback.sh --list
cd $APP && timeout -k 5 60s bash deploy/rollback/rollback.sh --list
cd $APP && timeout -k 5 60 bash deploy/rollback/rollback.sh --list 
 cd $APP && timeout -k 5 60 bash deploy/rollback/rollback.sh --list
TABLE
}

@test "control characters (a newline) are refused" {
  refused "cd $APP && timeout -k 5 60 bash deploy/rollback/rollback.sh --list"$'\n'"id"
}

@test "a gate without --app-dir, or with an unknown option, refuses" {
  SSH_ORIGINAL_COMMAND="cd $APP && timeout -k 5 60 bash deploy/rollback/rollback.sh --list" run "$GATE"
  [ "$status" -eq 126 ]
  SSH_ORIGINAL_COMMAND="cd $APP && timeout -k 5 60 bash deploy/rollback/rollback.sh --list" run "$GATE" --app-dir "$APP" --yes
  [ "$status" -eq 126 ]
}
