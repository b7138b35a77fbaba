#!/usr/bin/env bats
# validate_rollback.sh and smoke_tests.sh.
load helpers

setup() { setup_kit; }

teardown() {
  if [[ -n ${SERVER_PID:-} ]]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
}

ps_file() {
  printf '%s\n' "$@" >"$BATS_TEST_TMPDIR/ps"
  export STUB_PS="$BATS_TEST_TMPDIR/ps"
}

@test "validate: every service running and healthy on its pinned image, database ready" {
  kit validate_rollback.sh
  [ "$status" -eq 0 ]
  grep -q "exec -T db pg_isready -q -U app -d app" "$DOCKER_LOG"
  [ "$(grep -c ' ps --all ' "$DOCKER_LOG")" -eq 2 ]
}

@test "validate: an exited, unhealthy or missing service is exit 5 and named" {
  ps_file "app exited  registry.example.com/app:v2" "db running healthy postgres:16"
  kit validate_rollback.sh
  [ "$status" -eq 5 ]
  [[ $output == *"app: exited"* ]]
  ps_file "app running unhealthy registry.example.com/app:v2" "db running healthy postgres:16"
  kit validate_rollback.sh
  [ "$status" -eq 5 ]
  [[ $output == *"app: unhealthy"* ]]
  ps_file "db running healthy postgres:16"
  kit validate_rollback.sh
  [ "$status" -eq 5 ]
  [[ $output == *"app: no container"* ]]
}

@test "validate: a service without a healthcheck passes when running" {
  ps_file "app running  registry.example.com/app:v2" "db running healthy postgres:16"
  kit validate_rollback.sh
  [ "$status" -eq 0 ]
}

@test "validate: the broken image still running is exit 5" {
  ps_file "app running healthy registry.example.com/app:v1" "db running healthy postgres:16"
  kit validate_rollback.sh
  [ "$status" -eq 5 ]
  [[ $output == *"pinned image registry.example.com/app:v2"* ]]
}

@test "validate: the database not ready is exit 5" {
  STUB_PG_READY_RC=2 kit validate_rollback.sh
  [ "$status" -eq 5 ]
}

@test "validate without Compose v2 is exit 127" {
  STUB_NO_COMPOSE=1 kit -127 validate_rollback.sh
  [ "$status" -eq 127 ]
}

start_server() {
  mkdir -p "$BATS_TEST_TMPDIR/www"
  echo ok >"$BATS_TEST_TMPDIR/www/health"
  python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$BATS_TEST_TMPDIR/www" >"$BATS_TEST_TMPDIR/http.log" 2>&1 &
  SERVER_PID=$!
  local i
  for i in $(seq 1 50); do
    PORT=$(sed -n 's/.*port \([0-9]*\).*/\1/p' "$BATS_TEST_TMPDIR/http.log" | head -n 1)
    [[ -n $PORT ]] && return 0
    sleep 0.1
  done
  return 1
}

@test "smoke: every URL answers (a real HTTP server on 127.0.0.1)" {
  start_server
  conf "SMOKE_URLS=http://127.0.0.1:$PORT/health http://127.0.0.1:$PORT/" SMOKE_TRIES=1
  kit smoke_tests.sh
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "ok: http://127.0.0.1:$PORT/health" ]
}

@test "smoke: a 404 is exit 5 after SMOKE_TRIES tries" {
  start_server
  conf "SMOKE_URLS=http://127.0.0.1:$PORT/health http://127.0.0.1:$PORT/missing" SMOKE_TRIES=2 SMOKE_INTERVAL=0
  kit smoke_tests.sh
  [ "$status" -eq 5 ]
  [[ $output == *"/missing failed 2 times"* ]]
  [ "$(grep -c 'GET /missing' "$BATS_TEST_TMPDIR/http.log")" -eq 2 ]
}

@test "smoke: no SMOKE_URLS is exit 3, not a silent pass" {
  conf SMOKE_URLS=
  kit smoke_tests.sh
  [ "$status" -eq 3 ]
}
