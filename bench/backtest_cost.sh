#!/usr/bin/env bash
# What the forecast's backtest costs: `analyze --json` on the same file with and without it
# (`--no-backtest`), interleaved RUNS times, wall seconds and peak RSS by GNU time, and the
# ratio of the medians. The target (issue 21): the backtest must not double `analyze` on
# 10 M lines.
#
#   cargo build --release
#   FILE=invoices.csv bench/backtest_cost.sh         # any export; without FILE one is generated
#
# Without FILE, bench/gen_invoices.py writes ROWS lines (default 10 M) of ROWS/10 customers
# over three years to $WORK (needs python3 with numpy).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BIN="${BIN:-$SCRIPT_DIR/../target/release/kundenwert}"
ROWS="${ROWS:-10000000}"
RUNS="${RUNS:-3}"
PYTHON="${PYTHON:-python3}"
WORK="${WORK:-$(mktemp -d)}"
mkdir -p "$WORK"
KEEP="${KEEP:-}"
cleanup() { [ -n "$KEEP" ] || rm -rf "$WORK"; }
trap cleanup EXIT

FILE="${FILE:-}"
if [ -z "$FILE" ]; then
    FILE="$WORK/invoices.csv"
    "$PYTHON" "$SCRIPT_DIR/gen_invoices.py" --rows "$ROWS" --customers $((ROWS / 10)) --seed 1 --out "$FILE" --quiet
fi

run() { # label, extra args...
    local label="$1"
    shift
    /usr/bin/time -f "%e %M" -o "$WORK/time" "$BIN" analyze "$FILE" --json "$@" > /dev/null 2> "$WORK/err" \
        || { echo "($label failed)" >&2; cat "$WORK/err" >&2; exit 1; }
    tail -n 1 "$WORK/time" >> "$WORK/$label"
}

: > "$WORK/with"
: > "$WORK/without"
for _ in $(seq "$RUNS"); do
    run with
    run without --no-backtest
done

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
with_s=$(cut -d' ' -f1 "$WORK/with" | median)
without_s=$(cut -d' ' -f1 "$WORK/without" | median)
with_mb=$(( $(cut -d' ' -f2 "$WORK/with" | median | cut -d. -f1) / 1024 ))
without_mb=$(( $(cut -d' ' -f2 "$WORK/without" | median | cut -d. -f1) / 1024 ))
echo "| analyze --json | wall (median of $RUNS) | peak RSS |"
echo "|---|---|---|"
echo "| with backtest | $with_s s | $with_mb MB |"
echo "| --no-backtest | $without_s s | $without_mb MB |"
awk -v a="$with_s" -v b="$without_s" 'BEGIN { printf "ratio with / without: %.2f (target: below 2)\n", a / b }'
