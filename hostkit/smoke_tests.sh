#!/usr/bin/env bash
# smoke_tests.sh: each SMOKE_URLS address answers 2xx/3xx (curl -f), within SMOKE_TRIES tries
# SMOKE_INTERVAL seconds apart (5 and 2 by default). Installed as deploy/smoke_tests.sh.
#
# Exit codes: 0 ok, 2 usage, 3 precondition (no SMOKE_URLS), 5 health.
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/rollback/lib.sh"

hk_init
[[ $# -eq 0 ]] || hk_die "$EX_USAGE" "usage: smoke_tests.sh (no arguments)"
[[ -n $HK_SMOKE_URLS ]] || hk_die "$EX_PRECONDITION" "SMOKE_URLS is empty in hostkit.conf: name at least one URL to check"
for url in $HK_SMOKE_URLS; do
  ok=0
  for ((try = 1; try <= HK_SMOKE_TRIES; try++)); do
    if curl -fsS -o /dev/null --max-time 10 -- "$url"; then
      ok=1
      break
    fi
    ((try == HK_SMOKE_TRIES)) || sleep "$HK_SMOKE_INTERVAL"
  done
  ((ok)) || hk_die "$EX_HEALTH" "$url failed $HK_SMOKE_TRIES times"
  echo "ok: $url"
done
