#!/usr/bin/env bats
# rollback.sh: --quick (Level 1), --level 2|3 --target ID, --list, and the refusals.
load helpers

setup() { setup_kit; }

@test "--quick starts the previous pins with --pull never (no registry needed)" {
  kit rollback.sh --quick
  [ "$status" -eq 0 ]
  [ "$(cat "$STUB_DIR/up.env")" = "APP_IMAGE=registry.example.com/app:v1" ]
  [ "$(cat .deploy/current.env)" = "APP_IMAGE=registry.example.com/app:v1" ]
  [ "$(cat .deploy/rolled-back.env)" = "APP_IMAGE=registry.example.com/app:v2" ]
  grep -q -- "up -d --no-build --pull never --remove-orphans --wait --wait-timeout 120" "$DOCKER_LOG"
  ! grep -q -- "--pull missing" "$DOCKER_LOG"
  ! grep -q "docker pull" "$DOCKER_LOG"
}

@test "--quick twice runs the previous pins twice, never the broken release again" {
  kit rollback.sh --quick
  kit rollback.sh --quick
  [ "$status" -eq 0 ]
  [ "$(cat "$STUB_DIR/up.env")" = "APP_IMAGE=registry.example.com/app:v1" ]
}

@test "a pin in the shell environment does not override the pins file (compose#9442)" {
  APP_IMAGE=evil/image:1 kit rollback.sh --quick
  [ "$status" -eq 0 ]
  grep -qx "env APP_IMAGE=unset" "$DOCKER_LOG"
  ! grep -q evil "$DOCKER_LOG"
}

@test "--quick without previous pins is exit 3 and starts nothing" {
  setup_kit installed
  kit deploy.sh APP_IMAGE=registry.example.com/app:v1
  clear_calls
  kit rollback.sh --quick
  [ "$status" -eq 3 ]
  [[ $output == *"no previous pins"* ]]
  ! grep -q " up " "$DOCKER_LOG"
}

@test "--quick when the previous image was pruned is exit 3 and starts nothing" {
  STUB_MISSING_IMAGES=registry.example.com/app:v1 kit rollback.sh --quick
  [ "$status" -eq 3 ]
  [[ $output == *"not on this host"* ]]
  ! grep -q " up " "$DOCKER_LOG"
  [ "$(cat .deploy/current.env)" = "APP_IMAGE=registry.example.com/app:v2" ]
}

@test "--quick whose up --wait fails is exit 5" {
  STUB_UP_RC=1 kit rollback.sh --quick
  [ "$status" -eq 5 ]
}

@test "--list: complete backups only, newest first, 'ID ISO-8601-UTC' per line" {
  for id in backup-20251201-030000 backup-20260102-120000 backup-20250101-000000; do
    cp -r "backups/$BACKUP" "backups/$id"
  done
  mkdir backups/.backup-20991231-235959.partial backups/backup-20991231-235958 backups/junk
  cp -r "backups/$BACKUP" backups/not-a-backup
  rm "backups/backup-20250101-000000/SHA256SUMS"
  clear_calls
  kit rollback.sh --list
  [ "$status" -eq 0 ]
  expected_first=$(printf '%s\n' "$BACKUP" backup-20260102-120000 | sort -r | head -n 1)
  [ "${lines[0]%% *}" = "$expected_first" ]
  [ "${#lines[@]}" -eq 3 ]
  [ "${lines[2]}" = "backup-20251201-030000 2025-12-01T03:00:00Z" ]
  for line in "${lines[@]}"; do
    [[ $line =~ ^backup-[0-9]{8}-[0-9]{6}\ [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$ ]]
  done
  [ "$(printf '%s\n' "${lines[@]}" | sort -r)" = "$(printf '%s\n' "${lines[@]}")" ]
  [ ! -s "$DOCKER_LOG" ]
}

@test "--list with no backups prints nothing and succeeds" {
  setup_kit installed
  kit rollback.sh --list
  [ "$status" -eq 0 ]
  [ -z "$output" ]
}

@test "Level 2 restores the backup's pins and configuration, not the database" {
  kit rollback.sh --level 2 --target "$BACKUP"
  [ "$status" -eq 0 ]
  [ "$(cat config/app.conf)" = "greeting=v1" ]
  [ "$(cat .deploy/current.env)" = "APP_IMAGE=registry.example.com/app:v1" ]
  grep -q -- "up -d --no-build --pull missing --remove-orphans --wait" "$DOCKER_LOG"
  ! grep -q pg_restore "$DOCKER_LOG"
  [ -f .deploy/safety/pre-restore-*/pins.env ]
  grep -q "level 2: restored $BACKUP" .deploy/audit.log
}

@test "Level 3 stops the writers, restores the database in one transaction with exec -T, then starts all" {
  kit rollback.sh --level 3 --target "$BACKUP"
  [ "$status" -eq 0 ]
  grep -q "compose .* stop app $" "$DOCKER_LOG"
  grep -q "up -d --no-build --pull missing --wait --wait-timeout 120 db" "$DOCKER_LOG"
  grep -q "exec -T db pg_restore --clean --if-exists --single-transaction --exit-on-error --no-owner -U app -d app" "$DOCKER_LOG"
  cmp "$STUB_DIR/restored.dump" "backups/$BACKUP/db.dump"
  grep -q "PGDMP fake dump of registry.example.com/app:v1" "$STUB_DIR/restored.dump"
  grep ' up ' "$DOCKER_LOG" | tail -n 1 | grep -q -- "--remove-orphans --wait"
  [ "$(cat config/app.conf)" = "greeting=v1" ]
  [ -f .deploy/safety/pre-restore-*/db.dump ]
}

@test "Level 3 refuses a backup of another PostgreSQL major version (exit 3)" {
  STUB_PG_VERSION=170002 kit rollback.sh --level 3 --target "$BACKUP"
  [ "$status" -eq 3 ]
  [[ $output == *"PostgreSQL 16"*"17"* ]]
  ! grep -q "pg_restore --clean" "$DOCKER_LOG"
}

@test "a failed pg_restore is exit 1 and nothing is started after it" {
  STUB_RESTORE_RC=1 kit rollback.sh --level 3 --target "$BACKUP"
  [ "$status" -eq 1 ]
  [[ $output == *"single transaction"* ]]
  ! grep -q -- "--remove-orphans" "$DOCKER_LOG"
}

@test "malformed targets and argument shapes are exit 2, before any docker call" {
  for target in 'backup-20260101-000000; id' ../backup-20260101-000000 backup-2026 --quick \
    'backup-20260101-000000 ' '$(id)' ''; do
    kit rollback.sh --level 3 --target "$target"
    [ "$status" -eq 2 ] || { echo "target '$target' gave $status"; false; }
  done
  for args in '' '--level 1 --target backup-20260101-000000' '--level 4 --target backup-20260101-000000' \
    '--level 2' '--list extra' '--quick --list' '--target backup-20260101-000000 --level 2' '--backup'; do
    # shellcheck disable=SC2086 # each case is a word list
    kit rollback.sh $args
    [ "$status" -eq 2 ] || { echo "'$args' gave $status"; false; }
  done
  [ ! -s "$DOCKER_LOG" ]
}

@test "a well-formed target that is not a complete backup is exit 3" {
  kit rollback.sh --level 2 --target backup-19990101-000000
  [ "$status" -eq 3 ]
  mkdir backups/.backup-20991231-000000.partial
  kit rollback.sh --level 2 --target .backup-20991231-000000.partial
  [ "$status" -eq 2 ]
  cp -r "backups/$BACKUP" backups/backup-20991231-000000
  rm backups/backup-20991231-000000/manifest
  kit rollback.sh --level 2 --target backup-20991231-000000
  [ "$status" -eq 3 ]
  [ ! -s "$DOCKER_LOG" ]
}

@test "a backup that does not match its checksums is exit 4 and changes nothing" {
  echo 'APP_IMAGE=evil/image:1' >"backups/$BACKUP/pins.env"
  kit rollback.sh --level 2 --target "$BACKUP"
  [ "$status" -eq 4 ]
  [ "$(cat .deploy/current.env)" = "APP_IMAGE=registry.example.com/app:v2" ]
  ! grep -q " up " "$DOCKER_LOG"
}

@test "a configuration archive reaching outside the app directory is exit 4" {
  (cd "$BATS_TEST_TMPDIR" && echo x >outside && tar -czf "$APP/backups/$BACKUP/config.tar.gz" -P "$BATS_TEST_TMPDIR/outside")
  (cd "backups/$BACKUP" && sha256sum config.tar.gz db.dump globals.sql manifest pins.env >SHA256SUMS)
  kit rollback.sh --level 2 --target "$BACKUP"
  [ "$status" -eq 4 ]
  ! grep -q " up " "$DOCKER_LOG"
}

@test "Level 3 from a backup without a database dump is exit 4" {
  rm "backups/$BACKUP/db.dump"
  (cd "backups/$BACKUP" && sha256sum config.tar.gz globals.sql manifest pins.env >SHA256SUMS)
  kit rollback.sh --level 3 --target "$BACKUP"
  [ "$status" -eq 4 ]
}

@test "a held lock is exit 75 (another deploy, backup or rollback runs)" {
  exec 8>>.deploy/lock
  flock 8
  kit rollback.sh --quick
  exec 8>&-
  [ "$status" -eq 75 ]
  ! grep -q " up " "$DOCKER_LOG"
}

@test "no exit code is ever 255: a docker failure with 255 becomes the kit's own code" {
  STUB_UP_RC=255 kit rollback.sh --quick
  [ "$status" -eq 5 ]
  STUB_CONFIG_RC=255 kit rollback.sh --level 3 --target "$BACKUP"
  echo "$output"
  [ "$status" -eq 1 ]
}
