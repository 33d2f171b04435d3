#!/usr/bin/env bash
# The web workbench's customer list at 1 M customers over HTTP on loopback (issue "list":
# p95 < 50 ms for the first page, a type filter with a sort, a search and a page deep into the
# list). Builds `kundenwert` in release, writes the store bench's synthetic workspace (1 M
# customers, reused from target/kundenwert-bench/ when cached), adds a viewer and an API token,
# starts `kundenwert serve` and measures each shape with wrk: p50/p95/p99 and requests/s, each
# against the floor `/healthz` (no login, one trivial read through the same connection pool)
# measured just before it, and the ratio of the p95s.
#
#   bench/web_list.sh
#   DURATION=5s CONNECTIONS=2 bench/web_list.sh          # shorter, lighter
#   CUSTOMERS=100000 bench/web_list.sh                   # smaller workspace
#
# Variables: BENCH_DIR (/tmp/kundenwert-webbench), PORT (8391), DURATION (10s per shape),
# FLOOR_DURATION (3s per /healthz), CONNECTIONS (4), THREADS (2), CUSTOMERS (1000000),
# BUILD (1; 0 uses the binaries as they are), SHAPES (all; names separated by spaces).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
BENCH_DIR=${BENCH_DIR:-/tmp/kundenwert-webbench}
PORT=${PORT:-8391}
DURATION=${DURATION:-10s}
FLOOR_DURATION=${FLOOR_DURATION:-3s}
CONNECTIONS=${CONNECTIONS:-4}
THREADS=${THREADS:-2}
export CUSTOMERS=${CUSTOMERS:-1000000}
BUILD=${BUILD:-1}
KUNDENWERT=${KUNDENWERT:-$ROOT/target/release/kundenwert}
WORKSPACE=$BENCH_DIR/web_list_$CUSTOMERS.db
mkdir -p "$BENCH_DIR"

command -v wrk >/dev/null || { echo "wrk is missing (Debian: apt-get install -y wrk)" >&2; exit 1; }

if [ "$BUILD" = 1 ]; then
    cargo build --release -p kundenwert-cli
    cargo build --release -p kundenwert-store --example list_workspace
fi

# The workspace: the synthetic stored analysis of the store's criterion bench (no
# transactions, so `Workbench::freshness` says Empty and the server's background refresh
# finds nothing to compute), plus the row halfway down the default order for the deep page.
eval "$("$ROOT/target/release/examples/list_workspace" "$WORKSPACE")"
echo "workspace: $workspace ($CUSTOMERS customers), deep page after id $deep_after"

# A viewer and a token (the user is kept between runs; a fresh token each run).
kw() { "$KUNDENWERT" --workspace "$WORKSPACE" "$@"; }
if ! kw user list 2>/dev/null | grep -q '^bench\b'; then
    printf '%s\n' "bench-password-$RANDOM$RANDOM" | kw user add bench --role viewer >/dev/null
fi
TOKEN=$(kw token create "web-list-$(date +%s)" --user bench | tail -n 1)

LOG=$BENCH_DIR/serve.log
# The binary itself in the background (not through `kw`, whose subshell would get the pid).
"$KUNDENWERT" --workspace "$WORKSPACE" serve --bind "127.0.0.1:$PORT" >"$LOG" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true' EXIT
BASE=http://127.0.0.1:$PORT
for _ in $(seq 1 100); do
    kill -0 "$SERVER" 2>/dev/null || { cat "$LOG" >&2; exit 1; }   # e.g. the port is taken
    curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break
    sleep 0.2
done
curl -fsS "$BASE/healthz" >/dev/null

# No refresh may run while we measure: wait until the server has used (almost) no CPU for two
# seconds. (The synthetic workspace is Empty to the workbench, so none should start at all.)
ticks() { awk '{print $14 + $15}' "/proc/$SERVER/stat"; }
for _ in $(seq 1 300); do
    a=$(ticks); sleep 2; b=$(ticks)
    [ $((b - a)) -le 5 ] && break
    echo "server busy ($((b - a)) ticks in 2 s), waiting for its refresh to end" >&2
done

LUA=$BENCH_DIR/auth.lua
cat >"$LUA" <<EOF
wrk.headers["Authorization"] = "Bearer $TOKEN"
wrk.headers["Accept-Language"] = "de"
done = function(summary, latency, requests)
  io.write(string.format("RESULT %.3f %.3f %.3f %.1f %d %d %d\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, summary.requests / (summary.duration / 1e6),
    summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
EOF

# name, path. The search terms are those of the store's bench: `müller` matches 183 k names,
# `12345` 34 numbers, `özdemir ug 4` 98 names.
ALL_SHAPES=(
    "first_page /customers"
    "growth_by_future_value_desc /customers?type=growth&sort=future_value&dir=desc"
    "growth_by_current_value_desc /customers?type=growth&sort=current_value&dir=desc"
    "search_mueller /customers?q=m%C3%BCller"
    "search_number_12345 /customers?q=12345"
    "search_rare_name /customers?q=%C3%B6zdemir%20ug%204"
    "deep_page /customers?after=$deep_after"
    "api_first_100 /api/v1/customers?limit=100"
)

measure() { # duration url -> "p50 p95 p99 rps requests non2xx errors"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$1" --latency -s "$LUA" "$2" | awk '/^RESULT/ {$1=""; print substr($0, 2)}'
}

echo "machine: $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "kundenwert $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- crates || echo '+changes'); wrk -t$THREADS -c$CONNECTIONS, $DURATION per shape, $FLOOR_DURATION per /healthz before it"
printf '%-30s %8s %8s %8s %9s %8s | %8s %8s | %7s\n' shape p50_ms p95_ms p99_ms req/s non2xx \
    floor_p50 floor_p95 p95/floor
for entry in "${ALL_SHAPES[@]}"; do
    name=${entry%% *}
    path=${entry#* }
    if [ -n "${SHAPES:-}" ] && ! grep -qw "$name" <<<"$SHAPES"; then continue; fi
    # The shape must answer 200 with rows before it is timed.
    status=$(curl -s -o "$BENCH_DIR/$name.body" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$BASE$path")
    if [ "$status" != 200 ]; then
        echo "$name: HTTP $status for $path" >&2
        exit 1
    fi
    read -r f50 f95 _ _ _ _ _ < <(measure "$FLOOR_DURATION" "$BASE/healthz")
    read -r p50 p95 p99 rps _ non2xx errors < <(measure "$DURATION" "$BASE$path")
    ratio=$(awk -v a="$p95" -v b="$f95" 'BEGIN { printf "%.1f", a / b }')
    printf '%-30s %8s %8s %8s %9s %8s | %8s %8s | %6sx\n' "$name" "$p50" "$p95" "$p99" "$rps" \
        "$((non2xx + errors))" "$f50" "$f95" "$ratio"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
grep -v '^$' "$LOG" | grep -iv 'password\|token' | sed 's/^/serve: /' || true
