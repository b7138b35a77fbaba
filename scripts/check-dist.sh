#!/usr/bin/env bash
# Fails when dist/ is not what `npm run build` makes from src/ (the check-dist habit), and names
# any package whose code is in dist/ but not in dist/licenses.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
node scripts/licenses.js check dist || status=1
bash scripts/build.sh "$tmp/dist" >/dev/null
if ! diff -r -q dist "$tmp/dist"; then
  echo "check-dist: dist/ is out of date: run 'npm run build' and commit dist/" >&2
  status=1
fi
if [ "$status" -ne 0 ]; then exit "$status"; fi
echo "check-dist: dist/ matches src/ and dist/licenses.txt lists every bundled package"
