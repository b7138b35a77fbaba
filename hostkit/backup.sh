#!/usr/bin/env bash
# backup.sh: takes one complete backup of the running stack for Levels 2 and 3 (the pins, the
# configuration files, the database and the volumes) and prints its id. Call it from the deploy,
# before the new release starts: the newest backup from before the deploy is what the action
# restores. Keeps the newest KEEP_BACKUPS.
#
# Exit codes: 0 ok (the id on stdout), 1 failed, 2 usage, 3 precondition, 4 integrity, 75 locked,
# 127 no Compose v2.
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

hk_init
[[ $# -eq 0 ]] || hk_die "$EX_USAGE" "usage: backup.sh (no arguments)"
hk_require_compose
hk_lock
# Partial backups of an interrupted run: nobody else writes here while the lock is held.
find "$HK_BACKUP_DIR" -mindepth 1 -maxdepth 1 -name '.backup-*.partial' -exec rm -rf -- {} + 2>/dev/null || true
name="backup-$(date -u +%Y%m%d-%H%M%S)"
trap 'rm -rf -- "$HK_BACKUP_DIR/.$name.partial"' INT TERM
hk_take_backup "$HK_BACKUP_DIR" "$name"
hk_backup_ids | tail -n +"$((HK_KEEP_BACKUPS + 1))" | while IFS= read -r old; do
  rm -rf -- "${HK_BACKUP_DIR:?}/$old"
done
hk_audit "backup $name"
printf '%s\n' "$name"
