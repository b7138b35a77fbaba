#!/usr/bin/env bash
# deploy.sh: starts a release given by its image pins and records the pins it replaces, so that
# `rollback.sh --quick` can go back without a registry.
#
#   deploy.sh APP_IMAGE=registry.example.com/app@sha256:… [WORKER_IMAGE=… …]
#
# The compose file refers to each pin as ${APP_IMAGE:?}. Pin immutable references (a digest or a
# git-SHA tag), never :latest. Exit codes: 0 ok, 1 failed, 2 usage, 3 precondition, 5 health
# (`up --wait` failed: roll back with --quick), 75 locked, 127 no Compose v2.
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

hk_init
[[ $# -gt 0 ]] || hk_die "$EX_USAGE" "usage: deploy.sh KEY=IMAGE [KEY=IMAGE ...]"
declare -A seen=()
for pin in "$@"; do
  hk_check_pin "$pin" || hk_die "$EX_USAGE" "'$pin' is not a pin: KEY=value, KEY in capitals (not PATH, COMPOSE_*, DOCKER_*), value of letters, digits and . _ / : @ + -"
  key=${pin%%=*}
  [[ -z ${seen[$key]:-} ]] || hk_die "$EX_USAGE" "$key is pinned twice"
  seen[$key]=1
  if [[ $key == *_IMAGE && ($pin == *:latest || ${pin#*=} != *[:@]*) ]]; then
    hk_die "$EX_USAGE" "$key: pin an immutable reference (repo@sha256:… or repo:<git-sha>), not '${pin#*=}'"
  fi
done
hk_require_compose
hk_lock
next="$HK_STATE_DIR/next.env"
printf '%s\n' "$@" >"$next"
if [[ -f $HK_CURRENT ]] && ! cmp -s "$HK_CURRENT" "$next"; then
  hk_install_file "$HK_CURRENT" "$HK_PREVIOUS"
fi
hk_install_file "$next" "$HK_CURRENT"
rm -f -- "$next"
printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >>"$HK_STATE_DIR/releases.log"
hk_audit "deploy $*"
hk_up "$HK_CURRENT" missing ||
  hk_die "$EX_HEALTH" "docker compose up --wait failed for the new release; the previous pins are in $HK_PREVIOUS (rollback.sh --quick)"
if [[ -f $HK_PREVIOUS ]]; then hk_keep_images "$HK_PREVIOUS"; fi
echo "deployed: $*"
