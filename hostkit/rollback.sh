#!/usr/bin/env bash
# rollback.sh: the host side of rollback-sentinel's rollback contract (docs/host-contract.md), for
# a Docker Compose v2 stack.
#
#   rollback.sh --quick                       Level 1: the previous release's image pins
#   rollback.sh --level 2 --target ID         Level 2: application and configuration of backup ID
#   rollback.sh --level 3 --target ID         Level 3: Level 2 plus the database and volumes of ID
#   rollback.sh --list                        complete backups, newest first: "ID 2026-01-02T12:00:00Z"
#
# Exit codes: 0 ok, 1 failed, 2 usage, 3 precondition, 4 integrity, 5 health, 75 locked,
# 127 no Compose v2. Never 255 (ssh's own).
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  hk_die "$EX_USAGE" "usage: rollback.sh --quick | --level 2|3 --target backup-YYYYMMDD-HHMMSS | --list"
}

list_backups() {
  local id
  hk_backup_ids | while IFS= read -r id; do
    [[ $id =~ $HK_BACKUP_RE ]]
    printf '%s %s-%s-%sT%s:%s:%sZ\n' "$id" "${BASH_REMATCH[@]:1:6}"
  done
}

quick() {
  hk_require_compose
  hk_lock
  [[ -f $HK_PREVIOUS ]] ||
    hk_die "$EX_PRECONDITION" "no previous pins ($HK_PREVIOUS): Level 1 needs a release deployed with deploy.sh before this one"
  hk_check_pins_file "$HK_PREVIOUS" || hk_die "$EX_PRECONDITION" "the previous pins do not check out"
  local image
  while IFS= read -r image; do
    [[ -z $image ]] && continue
    docker image inspect "$image" >/dev/null 2>&1 ||
      hk_die "$EX_PRECONDITION" "image $image of the previous release is not on this host (pruned?): Level 1 never pulls; use Level 2"
  done < <(hk_pin_images "$HK_PREVIOUS")
  # Kept, not swapped: a second --quick runs the same pins again instead of the broken release.
  if [[ -f $HK_CURRENT ]] && ! cmp -s "$HK_CURRENT" "$HK_PREVIOUS"; then
    hk_install_file "$HK_CURRENT" "$HK_STATE_DIR/rolled-back.env"
  fi
  hk_install_file "$HK_PREVIOUS" "$HK_CURRENT"
  hk_audit "level 1: previous pins"
  hk_up "$HK_CURRENT" never ||
    hk_die "$EX_HEALTH" "docker compose up --wait with the previous pins failed"
  echo "Level 1: the previous release runs ($(hk_pin_images "$HK_CURRENT" | paste -sd ' ' -))"
}

# Every entry of the backup's configuration archive is a relative path inside the app directory.
check_archive() {
  local archive=$1 entry
  tar -tzf "$archive" >"$HK_STATE_DIR/archive.list" || return 1
  while IFS= read -r entry; do
    case /$entry/ in
      //* | */../*) return 1 ;;
    esac
  done <"$HK_STATE_DIR/archive.list"
}

# The state a restore replaces, kept outside backups/ (never listed, never chosen by --list) so that
# the restore itself can be undone by hand. Best effort: a broken database may not dump, and that
# must not stop the restore that fixes it.
safety_copy() {
  local level=$1 dir
  ((HK_SAFETY_BACKUP)) || return 0
  dir="$HK_STATE_DIR/safety/pre-restore-$(date -u +%Y%m%d-%H%M%S)"
  mkdir -p "$dir"
  if [[ -f $HK_CURRENT ]]; then cp -- "$HK_CURRENT" "$dir/pins.env"; fi
  local f
  local -a config=()
  for f in $HK_CONFIG_FILES; do
    if [[ -e $f ]]; then config+=("$f"); fi
  done
  if ((${#config[@]})) && ! tar -czf "$dir/config.tar.gz" -- "${config[@]}"; then
    hk_log "warning: could not archive the current configuration into $dir"
  fi
  if [[ $level == 3 && -n $HK_DB_SERVICE && -f $HK_CURRENT ]]; then
    if hk_pg "$HK_CURRENT" pg_dump -U "$HK_DB_USER" -d "$HK_DB_NAME" -Fc >"$dir/db.dump" 2>"$dir/db.err"; then
      rm -f "$dir/db.err"
    else
      hk_log "warning: the database could not be dumped before the restore (see $dir/db.err)"
    fi
  fi
  # Two are enough to undo the last restores; older ones only fill the disk.
  find "$HK_STATE_DIR/safety" -mindepth 1 -maxdepth 1 -name 'pre-restore-*' | LC_ALL=C sort -r | tail -n +3 |
    xargs -r -d '\n' rm -rf --
  echo "Saved the state before the restore in $dir"
}

manifest_value() { sed -n "s/^$2=//p" "$1/manifest" | head -n 1; }

restore() {
  local level=$1 id=$2
  [[ $id =~ $HK_BACKUP_RE ]] || hk_die "$EX_USAGE" "--target '$id' is not a backup id (backup-YYYYMMDD-HHMMSS)"
  local dir="$HK_BACKUP_DIR/$id"
  hk_backup_complete "$dir" || hk_die "$EX_PRECONDITION" "no complete backup $id in $HK_BACKUP_DIR (rollback.sh --list shows them)"
  hk_require_compose
  hk_lock
  (cd "$dir" && sha256sum -c --strict --quiet SHA256SUMS) ||
    hk_die "$EX_INTEGRITY" "backup $id does not match its SHA256SUMS"
  hk_check_pins_file "$dir/pins.env" || hk_die "$EX_INTEGRITY" "backup $id has no valid pins"
  if [[ -f $dir/config.tar.gz ]]; then
    check_archive "$dir/config.tar.gz" || hk_die "$EX_INTEGRITY" "backup $id: config.tar.gz is unreadable or holds a path outside the app directory"
  fi
  if [[ $level == 3 && -n $HK_DB_SERVICE && ! -f $dir/db.dump ]]; then
    hk_die "$EX_INTEGRITY" "backup $id has no database dump: Level 3 cannot restore the database from it"
  fi

  # An SSH drop in the middle must not leave half a restore: the rest runs to its end.
  trap '' HUP
  safety_copy "$level"
  if [[ -f $dir/config.tar.gz ]]; then tar -xzf "$dir/config.tar.gz" -C "$HK_APP_DIR"; fi
  hk_install_file "$dir/pins.env" "$HK_CURRENT"
  hk_audit "level $level: restoring $id"

  if [[ $level == 3 ]]; then
    restore_data "$dir"
  fi
  hk_up "$HK_CURRENT" missing ||
    hk_die "$EX_HEALTH" "docker compose up --wait with the pins of $id failed"
  hk_audit "level $level: restored $id"
  echo "Level $level: restored $id"
}

restore_data() {
  local dir=$1 listed vol
  local -a writers=()
  # Not a process substitution: its failure would go unnoticed and the restore would run with the
  # writers still up.
  listed=$(hk_writers "$HK_CURRENT")
  read -r -d '' -a writers <<<"$listed" || true
  if ((${#writers[@]})); then
    hk_compose "$HK_CURRENT" stop "${writers[@]}"
  fi
  if [[ -n $HK_DB_SERVICE ]]; then
    hk_compose "$HK_CURRENT" up -d --no-build --pull missing --wait --wait-timeout "$HK_WAIT_TIMEOUT" "$HK_DB_SERVICE" ||
      hk_die "$EX_HEALTH" "the database service $HK_DB_SERVICE did not become healthy"
    local want have
    want=$(manifest_value "$dir" pg_major)
    have=$(hk_pg_major "$HK_CURRENT") || hk_die "$EX_FAIL" "could not read the PostgreSQL version"
    [[ -z $want || $want == "$have" ]] ||
      hk_die "$EX_PRECONDITION" "backup is PostgreSQL $want, the running server is $have: never restored across major versions"
    if ! hk_pg "$HK_CURRENT" psql -q -U "$HK_DB_USER" -d postgres <"$dir/globals.sql" >/dev/null 2>&1; then
      hk_log "note: some roles of the backup already exist (pg_dumpall --globals-only); kept as they are"
    fi
    # One transaction, stop at the first error: the database is either the backup's or unchanged.
    hk_pg "$HK_CURRENT" pg_restore --clean --if-exists --single-transaction --exit-on-error --no-owner \
      -U "$HK_DB_USER" -d "$HK_DB_NAME" <"$dir/db.dump" ||
      hk_die "$EX_FAIL" "pg_restore of $(basename "$dir") failed; the database is unchanged (single transaction)"
  fi
  for vol in $(manifest_value "$dir" volumes); do
    [[ -f $dir/volume-$vol.tgz ]] || hk_die "$EX_INTEGRITY" "backup has no archive of volume $vol"
    [[ -n $HK_HELPER_IMAGE ]] || hk_die "$EX_PRECONDITION" "restoring volumes needs HELPER_IMAGE"
    docker run --rm --network none -v "${HK_PROJECT}_$vol:/data" -v "$dir:/backup:ro" "$HK_HELPER_IMAGE" \
      sh -c 'find /data -mindepth 1 -delete && tar -C /data -xzf "/backup/$1" --numeric-owner' sh "volume-$vol.tgz"
  done
}

main() {
  if [[ $# -eq 1 && $1 == --list ]]; then
    list_backups
  elif [[ $# -eq 1 && $1 == --quick ]]; then
    quick
  elif [[ $# -eq 4 && $1 == --level && ($2 == 2 || $2 == 3) && $3 == --target ]]; then
    restore "$2" "$4"
  else
    usage
  fi
}

hk_init
main "$@"
