#!/usr/bin/env bash
# validate_rollback.sh: after a rollback, every service of the stack runs the pinned image and is
# healthy (or running, when it has no healthcheck), the database answers pg_isready, and all of it
# still holds VALIDATE_DELAY seconds later: `up --wait` counts a service without a healthcheck as
# ready once it runs, so a crash loop would pass a single look.
#
# Exit codes: 0 ok, 1 failed, 3 precondition (no current pins), 5 health, 127 no Compose v2.
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

check() {
  local bad=0 services ps service line state health image
  services=$(hk_compose "$HK_CURRENT" config --services)
  ps=$(hk_compose "$HK_CURRENT" ps --all --format '{{.Service}} {{.State}} {{.Health}} {{.Image}}')
  for service in $services; do
    line=$(printf '%s\n' "$ps" | awk -v s="$service" '$1 == s { print; exit }')
    read -r _ state health image <<<"$line"
    if [[ -z $line ]]; then
      hk_log "$service: no container"
      bad=1
    elif [[ $state != running ]]; then
      hk_log "$service: $state"
      bad=1
    elif [[ -n $health && $health != healthy ]]; then
      # With no healthcheck the Health column is empty and $image landed in $health.
      if [[ -n $image ]]; then
        hk_log "$service: $health"
        bad=1
      fi
    fi
  done
  while IFS= read -r image; do
    [[ -z $image ]] && continue
    if ! printf '%s\n' "$ps" | awk -v i="$image" '$NF == i { found = 1 } END { exit !found }'; then
      hk_log "no container runs the pinned image $image"
      bad=1
    fi
  done < <(hk_pin_images "$HK_CURRENT")
  if [[ -n $HK_DB_SERVICE ]] && ! hk_pg "$HK_CURRENT" pg_isready -q -U "$HK_DB_USER" -d "$HK_DB_NAME"; then
    hk_log "$HK_DB_SERVICE: pg_isready failed"
    bad=1
  fi
  return "$bad"
}

hk_init
[[ $# -eq 0 ]] || hk_die "$EX_USAGE" "usage: validate_rollback.sh (no arguments)"
hk_require_compose
[[ -f $HK_CURRENT ]] || hk_die "$EX_PRECONDITION" "no current pins ($HK_CURRENT)"
check || hk_die "$EX_HEALTH" "the stack is not healthy"
sleep "$HK_VALIDATE_DELAY"
check || hk_die "$EX_HEALTH" "the stack was healthy, then not ${HK_VALIDATE_DELAY}s later"
echo "validated: every service runs its pinned image and is healthy"
