#!/usr/bin/env bash
# Audit gateway against nginx proxy_pass (issue 7 "Performance"; results in docs/benchmarks.md "Audit gateway").
#   apt-get install -y nginx wrk      # Debian's nginx and wrk
#   bash bench/compare/gateway.sh     # FSYNC="always interval none" WARM_SECONDS=15 WRK_SECONDS=15 LAT_SECONDS=20 CALLS=100000
# Everything runs on loopback on this machine: load generator, nginx and the gateway share its cores.
# Output: $WORK/gateway-results/ (summary.txt, the raw tool outputs, memory-*.csv).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="${LANTERN_BENCH_DIR:-/tmp/gw-bench}"
FSYNC="${FSYNC:-always interval none}"
WRK_SECONDS="${WRK_SECONDS:-15}"
LAT_SECONDS="${LAT_SECONDS:-20}"
RATE="${RATE:-1000}"
CALLS="${CALLS:-100000}"
for tool in nginx wrk python3; do
  command -v "$tool" >/dev/null || { echo "$tool is required: apt-get install -y nginx wrk" >&2; exit 2; }
done
mkdir -p "$WORK"
if [ ! -x "$WORK/bin/lantern" ] || [ "${REBUILD:-0}" = 1 ]; then
  dotnet publish "$REPO/src/Lantern.Cli" -c Release -o "$WORK/bin" >/dev/null
fi
LANTERN="$WORK/bin/lantern"
dotnet build -c Release "$REPO/bench/Lantern.Benchmarks" >/dev/null
load() { dotnet run -c Release --no-build --project "$REPO/bench/Lantern.Benchmarks" -- "$@"; }

RUN="$(mktemp -d /tmp/gw-bench-run.XXXXXX)"
OUTDIR="$WORK/gateway-results"
rm -rf "$OUTDIR" && mkdir -p "$OUTDIR"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  for role in upstream proxy; do
    [ -f "$RUN/nginx-$role.pid" ] && nginx -c "$RUN/nginx-$role.conf" -p "$RUN" -s quit 2>/dev/null || true
  done
  sleep 0.5
  rm -rf "$RUN"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
say() { echo "$*" | tee -a "$OUTDIR/summary.txt"; }

UP=$(free_port); PX=$(free_port)
mkdir -p "$RUN"/{client_body,proxy,fastcgi,uwsgi,scgi}
# Two nginx processes: the upstream (an Ollama look-alike) and the baseline proxy in front of it, so that the
# baseline crosses a process boundary to its upstream exactly as the gateway does.
for role in upstream proxy; do
  sed -e "s|@RUN@|$RUN|g" -e "s|@UPSTREAM_PORT@|$UP|g" -e "s|@PROXY_PORT@|$PX|g" \
    "$REPO/bench/compare/nginx/gateway-$role.conf.in" > "$RUN/nginx-$role.conf"
  nginx -c "$RUN/nginx-$role.conf" -p "$RUN"
done
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$UP/api/version" >/dev/null && curl -fs "http://127.0.0.1:$PX/api/version" >/dev/null && break; sleep 0.1; done

cat > "$RUN/chat.json" <<'EOF'
{"model":"llama3.2:1b","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Why is the sky blue? Answer in two sentences."}],"stream":false}
EOF
cat > "$RUN/chat-stream.json" <<'EOF'
{"model":"llama3.2:1b","messages":[{"role":"user","content":"Count to fifty."}],"stream":true}
EOF
# POST the chat body (no response() hook: it would make wrk itself the bottleneck; wrk reports non-2xx answers).
cat > "$RUN/post.lua" <<EOF
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [[$(cat "$RUN/chat.json")]]
EOF

# start_gateway NAME UPSTREAM_PORT FSYNC: sets GW_PORT and GW_PID.
start_gateway() {
  GW_PORT=$(free_port)
  "$LANTERN" gateway --listen "127.0.0.1:$GW_PORT" --upstream "http://127.0.0.1:$2" --audit-dir "$RUN/audit-$1" \
    --fsync "$3" 2>"$RUN/gateway-$1.log" &
  GW_PID=$!
  PIDS+=("$GW_PID")
  for _ in $(seq 100); do grep -q "listening on" "$RUN/gateway-$1.log" && break; sleep 0.1; done
  grep -q "listening on" "$RUN/gateway-$1.log" || { cat "$RUN/gateway-$1.log" >&2; exit 1; }
}
stop_gateway() {
  kill -TERM "$GW_PID"; wait "$GW_PID" || true
  local records
  records=$(cat "$RUN/audit-$1"/*.jsonl | wc -l)
  say "  gateway $1: $records audit records written; $(tail -1 "$RUN/gateway-$1.log")"
  cp "$RUN/gateway-$1.log" "$OUTDIR/"
}
wrk_rps() { awk '/^Requests\/sec/ {print $2}' "$1"; }
throughput() { # NAME URL
  wrk -t2 -c32 -d"${WARM_SECONDS:-15}s" -s "$RUN/post.lua" "$2/api/chat" >/dev/null  # warm-up (tiered JIT, pools, identity cache)
  wrk -t2 -c32 -d"${WRK_SECONDS}s" -s "$RUN/post.lua" "$2/api/chat" > "$OUTDIR/wrk-$1.txt" 2>&1
  say "  wrk $1: $(wrk_rps "$OUTDIR/wrk-$1.txt") requests/s ($(grep -E 'Non-2xx|Socket errors' "$OUTDIR/wrk-$1.txt" | tr '\n' ' ' || true))"
}
latency() { # NAME URL
  load gateway-latency "$2/api/chat" --rate "$RATE" --duration "${LAT_SECONDS}s" --body "$RUN/chat.json" > "$OUTDIR/latency-$1.txt" 2>&1 || true
  say "  latency $1 @ $RATE/s: $(grep -E '^service' "$OUTDIR/latency-$1.txt") | $(head -1 "$OUTDIR/latency-$1.txt" | grep -o 'errors [0-9]*')"
}
result_field() { awk -v f="$2" '/^RESULT/ {print $f}' "$OUTDIR/$1"; }

say "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB; $(nginx -v 2>&1); $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2); .NET $(dotnet --version)"
say "ports: upstream $UP, nginx proxy $PX; wrk -t2 -c32 -d${WRK_SECONDS}s; latency at $RATE/s for ${LAT_SECONDS}s"

say "== direct and nginx proxy_pass"
throughput nginx-proxy "http://127.0.0.1:$PX"
latency direct "http://127.0.0.1:$UP"
latency nginx-proxy "http://127.0.0.1:$PX"
NGINX_RPS=$(wrk_rps "$OUTDIR/wrk-nginx-proxy.txt")

say "== floor: Kestrel + the gateway's HTTP/1.1 forwarding path alone (no identity, parsing, classification, policy or audit)"
FL=$(free_port)
load gateway-floor --port "$FL" --upstream "http://127.0.0.1:$UP" > "$RUN/floor.log" 2>&1 &
FLOOR_PID=$!
PIDS+=("$FLOOR_PID")
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$FL/api/version" >/dev/null && break; sleep 0.2; done
throughput floor "http://127.0.0.1:$FL"
kill "$FLOOR_PID"; wait "$FLOOR_PID" 2>/dev/null || true
say "  -> floor/nginx = $(python3 -c "print(f'{$(wrk_rps "$OUTDIR/wrk-floor.txt")/$NGINX_RPS:.2f}')")"

for policy in $FSYNC; do
  say "== gateway, --fsync $policy"
  start_gateway "$policy" "$UP" "$policy"
  throughput "gateway-$policy" "http://127.0.0.1:$GW_PORT"
  latency "gateway-$policy" "http://127.0.0.1:$GW_PORT"
  stop_gateway "$policy"
  GW_RPS=$(wrk_rps "$OUTDIR/wrk-gateway-$policy.txt")
  say "  -> throughput ratio gateway/nginx = $(python3 -c "print(f'{$GW_RPS/$NGINX_RPS:.2f}')") (target >= 0.70)"
  say "  -> added latency vs direct: p50 $(python3 -c "print(f'{$(result_field "latency-gateway-$policy.txt" 2)-$(result_field latency-direct.txt 2):.3f}')") ms (target <= 0.3), p99 $(python3 -c "print(f'{$(result_field "latency-gateway-$policy.txt" 4)-$(result_field latency-direct.txt 4):.3f}')") ms (target <= 1)"
done
say "  nginx proxy_pass added latency vs direct: p50 $(python3 -c "print(f'{$(result_field latency-nginx-proxy.txt 2)-$(result_field latency-direct.txt 2):.3f}')") ms, p99 $(python3 -c "print(f'{$(result_field latency-nginx-proxy.txt 4)-$(result_field latency-direct.txt 4):.3f}')") ms"

say "== streaming: 50 NDJSON chunks 20 ms apart per call, 20 calls, 4 at a time (gateway --fsync always)"
SP=$(free_port)
load gateway-stream-upstream --port "$SP" --chunks 50 --interval-ms 20 > "$RUN/stream-upstream.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$SP/api/tags" >/dev/null && break; sleep 0.2; done
start_gateway stream "$SP" always
load gateway-stream-client "http://127.0.0.1:$SP/api/chat" --calls 20 --concurrency 4 --body "$RUN/chat-stream.json" > "$OUTDIR/stream-direct.txt" 2>&1 || true
load gateway-stream-client "http://127.0.0.1:$GW_PORT/api/chat" --calls 20 --concurrency 4 --body "$RUN/chat-stream.json" > "$OUTDIR/stream-gateway.txt" 2>&1 || true
say "  direct:  $(grep -E '^send->arrive' "$OUTDIR/stream-direct.txt") | $(head -1 "$OUTDIR/stream-direct.txt" | grep -o 'chunks later.*')"
say "  gateway: $(grep -E '^send->arrive' "$OUTDIR/stream-gateway.txt") | $(head -1 "$OUTDIR/stream-gateway.txt" | grep -o 'chunks later.*')"
stop_gateway stream

say "== memory: $CALLS non-streamed calls through the gateway (--fsync always), VmRSS every second"
start_gateway memory "$UP" always
CSV="$OUTDIR/memory-always.csv"
echo "seconds,calls,rss_kib" > "$CSV"
(
  t0=$(date +%s.%N)
  while kill -0 "$GW_PID" 2>/dev/null; do
    calls=$(curl -fs "http://127.0.0.1:$GW_PORT/_lantern/metrics" | awk '/^lantern_gateway_calls_total/ {s += $2} END {print s + 0}')
    rss=$(awk '/^VmRSS/ {print $2}' "/proc/$GW_PID/status" 2>/dev/null || echo 0)
    echo "$(python3 -c "print(f'{$(date +%s.%N)-$t0:.1f}')"),$calls,$rss" >> "$CSV"
    sleep 1
  done
) &
SAMPLER=$!
sleep 2
load gateway-calls "http://127.0.0.1:$GW_PORT/api/chat" --count "$CALLS" --concurrency 32 --body "$RUN/chat.json" > "$OUTDIR/calls-memory.txt" 2>&1
say "  $(cat "$OUTDIR/calls-memory.txt")"
sleep 2
stop_gateway memory
wait "$SAMPLER" 2>/dev/null || true
python3 - "$CSV" <<'EOF' | tee -a "$OUTDIR/summary.txt"
import csv, sys
rows = [(float(r["seconds"]), int(r["calls"]), int(r["rss_kib"])) for r in csv.DictReader(open(sys.argv[1])) if int(r["rss_kib"]) > 0]
def at(n):
    return next((r for r in rows if r[1] >= n), rows[-1])
start, k10, last = rows[0], at(10000), rows[-1]
print(f"  RSS at start {start[2]/1024:.1f} MiB; after {k10[1]} calls {k10[2]/1024:.1f} MiB; after {last[1]} calls {last[2]/1024:.1f} MiB")
after = [r for r in rows if r[1] >= 10000]
if len(after) >= 4:
    import statistics
    xs = [r[1] for r in after]; ys = [r[2] for r in after]
    mx, my = statistics.mean(xs), statistics.mean(ys)
    slope = sum((x-mx)*(y-my) for x, y in zip(xs, ys)) / max(1, sum((x-mx)**2 for x in xs))
    print(f"  after warm-up (>= 10k calls): min {min(ys)/1024:.1f} MiB, max {max(ys)/1024:.1f} MiB, trend {slope*10000/1024:+.2f} MiB per 10k calls")
EOF
say "results in $OUTDIR"
