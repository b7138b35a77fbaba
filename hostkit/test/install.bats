#!/usr/bin/env bats
# install.sh: the layout the action's defaults expect, hostkit.conf, the gate and its key line.
bats_require_minimum_version 1.5.0

setup() {
  KIT_SRC=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
  APP="$BATS_TEST_TMPDIR/app"
  mkdir -p "$APP"
}

@test "installs the scripts where the action looks, writes hostkit.conf and prints the forced-command line" {
  run bash "$KIT_SRC/install.sh" --app-dir "$APP" --project shop --db-service postgres \
    --volume uploads --helper-image debian:bookworm-slim --smoke-url http://127.0.0.1:8080/health \
    --gate-path "$BATS_TEST_TMPDIR/gate"
  [ "$status" -eq 0 ]
  for f in deploy/rollback/rollback.sh deploy/rollback/validate_rollback.sh deploy/smoke_tests.sh \
    deploy/rollback/backup.sh deploy/rollback/deploy.sh deploy/rollback/lib.sh; do
    [ -x "$APP/$f" ]
  done
  grep -qx "PROJECT=shop" "$APP/deploy/rollback/hostkit.conf"
  grep -qx "VOLUMES=uploads" "$APP/deploy/rollback/hostkit.conf"
  [ -x "$BATS_TEST_TMPDIR/gate" ]
  [[ $output == *"command=\"$BATS_TEST_TMPDIR/gate --app-dir $APP\",restrict ssh-ed25519"* ]]
  [ -d "$APP/.deploy" ] && [ -d "$APP/backups" ]
}

@test "keeps an existing hostkit.conf unless --force" {
  bash "$KIT_SRC/install.sh" --app-dir "$APP" --project one --gate-path "$BATS_TEST_TMPDIR/gate" 2>/dev/null
  bash "$KIT_SRC/install.sh" --app-dir "$APP" --project two --gate-path "$BATS_TEST_TMPDIR/gate" 2>/dev/null
  grep -qx "PROJECT=one" "$APP/deploy/rollback/hostkit.conf"
  bash "$KIT_SRC/install.sh" --app-dir "$APP" --project two --force --gate-path "$BATS_TEST_TMPDIR/gate" 2>/dev/null
  grep -qx "PROJECT=two" "$APP/deploy/rollback/hostkit.conf"
}

@test "refuses a relative app dir, a bad project name and words that would need quoting" {
  run bash "$KIT_SRC/install.sh" --app-dir app --project shop
  [ "$status" -eq 2 ]
  run bash "$KIT_SRC/install.sh" --app-dir "$APP" --project 'Shop Front'
  [ "$status" -eq 2 ]
  run bash "$KIT_SRC/install.sh" --app-dir "$APP" --project shop --smoke-url 'http://x/$(id)'
  [ "$status" -eq 2 ]
  [ ! -e "$APP/deploy" ]
}
