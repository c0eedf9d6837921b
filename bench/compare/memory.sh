#!/usr/bin/env bash
# Peak resident memory of a hashing scan, whatever the model file size (GNU time's max RSS).
source "$(dirname "$0")/common.sh"
MODELS="$WORK/models"
[ -d "$MODELS" ] || gen gen-models "$MODELS" "${MEGABYTES:-2048}"
export XDG_CACHE_HOME="$WORK/xdg-cache-mem"
rm -rf "$XDG_CACHE_HOME"
/usr/bin/time -f "max RSS %M KiB, %e s" "$LANTERN" scan --no-home-sweep --no-probe --no-exec --format json -o /dev/null --path "$MODELS" || true
