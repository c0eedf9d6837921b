#!/usr/bin/env bash
# lantern netlog analyze vs. `LC_ALL=C grep -F -c -f hub-hosts.txt` on a generated 5 GB Squid native log
# (issue 6 performance target: analyze throughput >= grep's, peak RSS <= 100 MB). Results go in docs/benchmarks.md.
#   NETLOG_BENCH_DIR  where the log and needle file live (default /tmp; needs ~5 GB free)
#   NETLOG_SIZE_GB    log size in GB (default 5)
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
DATA="${NETLOG_BENCH_DIR:-/tmp}"
SIZE="${NETLOG_SIZE_GB:-5}"
LOG="$DATA/lantern-squid-${SIZE}g.log"
NEEDLES="$DATA/hub-hosts.txt"
mkdir -p "$DATA"
if [ ! -s "$LOG" ]; then
  gen gen-squid-log "$LOG" "$SIZE"
fi
# The hub host names of compliance.md §8, the same list SquidLogGenerator.HubHosts holds.
printf '%s\n' huggingface.co hf.co hf-mirror.com ollama.com ollama.ai r2.cloudflarestorage.com \
  lmstudio.ai modelscope.cn civitai.com kaggle.com github.com githubusercontent.com > "$NEEDLES"
ls -l "$LOG"
echo "grep candidate lines: $(LC_ALL=C grep -F -c -f "$NEEDLES" "$LOG")"
# One warm-up pulls the file into the page cache, so both sides read from memory.
hyperfine --warmup 1 --runs "${RUNS:-5}" \
  -n grep "LC_ALL=C grep -F -c -f '$NEEDLES' '$LOG'" \
  -n lantern "'$LANTERN' netlog analyze '$LOG' --format json --output /dev/null"
echo "peak RSS:"
rss() { /usr/bin/time -v "${@:2}" 2>&1 >/dev/null | awk -v c="$1" '/Maximum resident set size/ {printf "  %-8s %d MB\n", c, $6/1024}'; }
rss grep env LC_ALL=C grep -F -c -f "$NEEDLES" "$LOG"
rss lantern "$LANTERN" netlog analyze "$LOG" --format json --output /dev/null
