#!/usr/bin/env bash
# Sweep of >= 200 000 files with --no-hash vs `find | xargs head -c 16` (reads the same first bytes).
source "$(dirname "$0")/common.sh"
TREE="$WORK/tree"
[ -d "$TREE" ] || gen gen-tree "$TREE" "${FILES:-200000}"
hyperfine --warmup 1 --runs "${RUNS:-5}" --export-markdown "$WORK/sweep.md" \
  -n find+head "find '$TREE' -type f -print0 | xargs -0 head -qc 16 >/dev/null" \
  -n lantern "$LANTERN scan --no-home-sweep --no-probe --no-exec --no-hash --format json -o /dev/null --path '$TREE'; true"
cat "$WORK/sweep.md"
