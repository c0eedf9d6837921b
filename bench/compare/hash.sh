#!/usr/bin/env bash
# Hashing 2 GiB of model files vs sha256sum; re-scan with a warm digest cache vs the first scan.
source "$(dirname "$0")/common.sh"
MODELS="$WORK/models"
[ -d "$MODELS" ] || gen gen-models "$MODELS" "${MEGABYTES:-2048}"
export XDG_CACHE_HOME="$WORK/xdg-cache"
# One --prepare per command, in order: only the cold run loses its digest and verdict caches.
hyperfine --warmup 1 --runs "${RUNS:-5}" --export-markdown "$WORK/hash.md" \
  --prepare "true" --prepare "rm -rf '$XDG_CACHE_HOME'" --prepare "true" \
  -n sha256sum "sha256sum '$MODELS'/* >/dev/null" \
  -n lantern-cold "$LANTERN scan --no-home-sweep --no-probe --no-exec --format json -o /dev/null --path '$MODELS'; true" \
  -n lantern-warm "$LANTERN scan --no-home-sweep --no-probe --no-exec --format json -o /dev/null --path '$MODELS'; true"
cat "$WORK/hash.md"
