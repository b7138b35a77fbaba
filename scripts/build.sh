#!/usr/bin/env bash
# Builds the action into dist/ (or the directory given, for check-dist): the ncc bundle, then
# scripts/licenses.js, which names each bundled module's source in the output and writes
# licenses.txt from the build's webpack stats (ncc's own --license output loses packages).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-dist}
stats=$(mktemp)
trap 'rm -f "$stats"' EXIT
# ncc leaves stale files behind: start from an empty directory.
rm -rf "$out"
npx ncc build src/index.ts -o "$out" --stats-out "$stats"
node scripts/licenses.js write "$stats" "$out"
