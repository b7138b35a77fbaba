#!/usr/bin/env bash
# The static checks of `npm run verify`, side by side: each is one process that mostly uses one
# core, so on a 2-core runner they take about as long as the slowest of them rather than their sum.
# Each check's output is kept and printed whole, one after the other; the script fails when any did.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
checks=(format:check lint typecheck check-dist test:hostkit)
pids=()
for c in "${checks[@]}"; do
  npm run --silent "$c" >"$out/$c.log" 2>&1 &
  pids+=($!)
done
status=0
for i in "${!checks[@]}"; do
  if wait "${pids[$i]}"; then
    echo "== ${checks[$i]}: ok"
  else
    echo "== ${checks[$i]}: FAILED"
    status=1
  fi
  cat "$out/${checks[$i]}.log"
done
exit "$status"
