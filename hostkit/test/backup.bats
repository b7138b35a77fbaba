#!/usr/bin/env bats
# backup.sh: one complete backup (pins, configuration, database, volumes, manifest, checksums),
# built hidden and renamed when complete; retention; refusals.
load helpers

setup() { setup_kit; }

@test "a backup holds the pins, the configuration, a checked dump (exec -T) and its checksums" {
  rm -rf backups/*
  kit backup.sh
  [ "$status" -eq 0 ]
  id=$output
  [[ $id =~ ^backup-[0-9]{8}-[0-9]{6}$ ]]
  [ "$(cat "backups/$id/pins.env")" = "APP_IMAGE=registry.example.com/app:v2" ]
  tar -tzf "backups/$id/config.tar.gz" | grep -qx config/app.conf
  grep -q "^PGDMP" "backups/$id/db.dump"
  grep -qx "pg_major=16" "backups/$id/manifest"
  (cd "backups/$id" && sha256sum -c --strict --quiet SHA256SUMS)
  [ "$(wc -l <"backups/$id/SHA256SUMS")" -eq 5 ]
  grep -q "exec -T db pg_dump -U app -d app -Fc" "$DOCKER_LOG"
  grep -q "exec -T db pg_restore -l" "$DOCKER_LOG"
  ! grep -q "exec db" "$DOCKER_LOG"
  kit rollback.sh --list
  [ "${lines[0]%% *}" = "$id" ]
}

@test "only the newest KEEP_BACKUPS stay" {
  conf KEEP_BACKUPS=2
  for id in backup-20250101-000000 backup-20250102-000000 backup-20250103-000000; do
    cp -r "backups/$BACKUP" "backups/$id"
  done
  mv "backups/$BACKUP" backups/backup-20240101-000000
  kit backup.sh
  [ "$status" -eq 0 ]
  [ "$(ls backups)" = "$(printf '%s\n' backup-20250103-000000 "$output" | sort)" ]
}

@test "a dump that does not read back is exit 4 and leaves no listed backup" {
  rm -rf backups/*
  STUB_BAD_DUMP=1 kit backup.sh
  [ "$status" -eq 4 ]
  kit rollback.sh --list
  [ -z "$output" ]
}

@test "volumes are archived read-only by the helper image, without network" {
  rm -rf backups/*
  conf VOLUMES=uploads HELPER_IMAGE=busybox@sha256:0123456789abcdef
  kit backup.sh
  [ "$status" -eq 0 ]
  grep -q "docker run --rm --network none -v demo_uploads:/data:ro -v $APP/backups/.$output.partial:/backup busybox@sha256:0123456789abcdef tar -C /data -czf /backup/volume-uploads.tgz --numeric-owner ." "$DOCKER_LOG"
  [ -f "backups/$output/volume-uploads.tgz" ]
  grep -qx "volumes=uploads" "backups/$output/manifest"
}

@test "volumes without a helper image are exit 3" {
  conf VOLUMES=uploads
  kit backup.sh
  [ "$status" -eq 3 ]
}

@test "before the first deploy there are no pins to back up (exit 3)" {
  setup_kit installed
  kit backup.sh
  [ "$status" -eq 3 ]
  [[ $output == *"deploy once"* ]]
}

@test "a bad hostkit.conf is exit 3 and names the line" {
  conf 'PROJECT=Not A Name'
  kit backup.sh
  [ "$status" -eq 3 ]
  [[ $output == *PROJECT* ]]
  conf 'PROJECT=demo' 'KEEP_BACKUP=3'
  kit rollback.sh --list
  [ "$status" -eq 3 ]
  [[ $output == *"unknown key KEEP_BACKUP"* ]]
}
