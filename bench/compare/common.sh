# Shared setup for the whole-process comparisons: a Release build of the CLI and data folders.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="${LANTERN_BENCH_DIR:-/tmp/lantern-bench}"
mkdir -p "$WORK"
command -v hyperfine >/dev/null || { echo "hyperfine is required: apt-get install -y hyperfine" >&2; exit 2; }
if [ ! -x "$WORK/bin/lantern" ] || [ "${REBUILD:-0}" = 1 ]; then
  dotnet publish "$REPO/src/Lantern.Cli" -c Release -o "$WORK/bin" >/dev/null
fi
LANTERN="$WORK/bin/lantern"
gen() { dotnet run -c Release --project "$REPO/bench/Lantern.Benchmarks" -- "$@"; }
# A scan that touches only the benchmark data: no home sweep, no probes, no binaries run.
scan() { "$LANTERN" scan --no-home-sweep --no-probe --no-exec --format json -o /dev/null "$@" || true; }
