#!/usr/bin/env bash
# How time and memory grow with the number of invoice lines, for `series`, `import` and
# `analyze` (from the file and from the workspace): one row per size and command, wall seconds
# and peak RSS by GNU time. The files come from bench/gen_invoices.py (invoice numbers, a
# customer id range a tenth of the lines).
#
#   cargo build --release
#   SIZES="1000000 10000000 50000000" bench/scale.sh
#
# Needs python3 with numpy (the generator) and /usr/bin/time. Files go to $WORK (default a
# temporary directory, removed at the end); a 50 M-line file takes about 2.7 GB.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BIN="${BIN:-$SCRIPT_DIR/../target/release/kundenwert}"
SIZES="${SIZES:-1000000 10000000}"
PYTHON="${PYTHON:-python3}"
WORK="${WORK:-$(mktemp -d)}"
mkdir -p "$WORK"
KEEP="${KEEP:-}"
cleanup() { [ -n "$KEEP" ] || rm -rf "$WORK"; }
trap cleanup EXIT

measure() { # label, command...
    local label="$1"
    shift
    /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" > /dev/null 2>&1 || echo "($label failed)" >&2
    local line
    line=$(tail -n 1 "$WORK/time")
    printf '| %s | %s | %.1f s | %d MB |\n' "$ROWS_LABEL" "$label" "${line% *}" "$(( ${line#* } / 1024 ))"
}

echo "| lines | command | wall | peak RSS |"
echo "|---|---|---|---|"
for rows in $SIZES; do
    input="$WORK/invoices_$rows.csv"
    "$PYTHON" "$SCRIPT_DIR/gen_invoices.py" --rows "$rows" --customers $((rows / 10)) --seed 1 --out "$input" --quiet
    ROWS_LABEL=$(printf "%'d" "$rows")
    measure "series" "$BIN" series "$input" -o "$WORK/series.csv"
    rm -f "$WORK/ws.db" "$WORK/ws.db-wal" "$WORK/ws.db-shm"
    measure "import" "$BIN" --workspace "$WORK/ws.db" import "$input"
    measure "analyze --json (file)" "$BIN" analyze "$input" --json
    measure "analyze --json (workspace)" "$BIN" --workspace "$WORK/ws.db" analyze --json
    rm -f "$input" "$WORK/series.csv"
done
