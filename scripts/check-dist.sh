#!/usr/bin/env bash
# Fails when dist/ is not what `npm run build` makes from src/ (the check-dist habit).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
npx ncc build src/index.ts -o "$tmp/dist" --license licenses.txt >/dev/null
if ! diff -r -q dist "$tmp/dist"; then
  echo "check-dist: dist/ is out of date: run 'npm run build' and commit dist/" >&2
  exit 1
fi
echo "check-dist: dist/ matches src/"
