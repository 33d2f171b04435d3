#!/usr/bin/env bash
# Reading commands answer from the workspace's stored analysis (issue 17): on a workspace of
# ROWS invoice lines, the time of
#   - `import --no-analysis` (storing the transactions only),
#   - the first `select show` (brings the analysis up to date: computes and stores it),
#   - a repeated `select show` of a selection (median of RUNS), and of every customer,
# against `analyze --json` on the same workspace, the recomputation every reading command did
# before results were stored. Then checks that both `select show` lists are exactly what
# `analyze --json` says (bench/select_vs_analyze.py).
#
#   cargo build --release
#   bench/stored_results.sh                      # 10 M lines, 1 M customer ids
#   ROWS=1000000 RUNS=3 bench/stored_results.sh  # quick
#
# Needs python3 with numpy (the generator, bench/gen_invoices.py) and GNU time as /usr/bin/time.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BIN="${BIN:-$SCRIPT_DIR/../target/release/kundenwert}"
ROWS="${ROWS:-10000000}"
CUSTOMERS="${CUSTOMERS:-$((ROWS / 10))}"
RUNS="${RUNS:-5}"
PYTHON="${PYTHON:-python3}"
WORK="${WORK:-$(mktemp -d)}"
mkdir -p "$WORK"
KEEP="${KEEP:-}"
cleanup() { [ -n "$KEEP" ] || rm -rf "$WORK"; }
trap cleanup EXIT

SELECTION="type = growth and future_value > 2000"
SELECTION_PY="c['type'] == 'growth' and (c['future_value'] or 0) > 2000"
EVERY="type in (steady, cyclical, bell, growth, shrinking, barnacle, new)"

ws=("$BIN" --workspace "$WORK/ws.db")
timed() { # output file, command... → prints "seconds MB"
    local out="$1"
    shift
    /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" > "$out" 2> "$WORK/stderr" \
        || { cat "$WORK/stderr" >&2; exit 1; }
    local line
    line=$(tail -n 1 "$WORK/time")
    echo "${line% *} $(( ${line#* } / 1024 ))"
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

input="${FILE:-$WORK/invoices.csv}"
if [ -z "${FILE:-}" ]; then
    "$PYTHON" "$SCRIPT_DIR/gen_invoices.py" --rows "$ROWS" --customers "$CUSTOMERS" --seed 1 \
        --out "$input" --quiet
fi

read -r import_s import_mb < <(timed /dev/null "${ws[@]}" import --no-analysis "$input")
read -r first_s first_mb < <(timed "$WORK/first.txt" "${ws[@]}" select show "$SELECTION")
grep -q "brought up to date" "$WORK/stderr" || { echo "the first read did not analyse" >&2; exit 1; }
sel_times=() all_times=()
for _ in $(seq "$RUNS"); do
    read -r s mb < <(timed "$WORK/select.txt" "${ws[@]}" select show "$SELECTION")
    [ -s "$WORK/stderr" ] && { echo "a repeated read recomputed: $(cat "$WORK/stderr")" >&2; exit 1; }
    sel_times+=("$s"); sel_mb="$mb"
    read -r s mb < <(timed "$WORK/all.txt" "${ws[@]}" select show "$EVERY")
    all_times+=("$s"); all_mb="$mb"
done
read -r analyze_s analyze_mb < <(timed "$WORK/analyze.json" "${ws[@]}" analyze --json)
sel_s=$(printf '%s\n' "${sel_times[@]}" | median)
all_s=$(printf '%s\n' "${all_times[@]}" | median)

printf '%s invoice lines, %s customer ids; medians of %s runs\n\n' "$ROWS" "$CUSTOMERS" "$RUNS"
echo "| step | wall | peak RSS | ratio to analyze --json |"
echo "|---|---|---|---|"
row() { printf '| %s | %.2f s | %d MB | %s |\n' "$1" "$2" "$3" "$4"; }
ratio() { awk -v a="$analyze_s" -v b="$1" 'BEGIN { printf "%.1f× faster", a / b }'; }
row "import --no-analysis" "$import_s" "$import_mb" "–"
row "first select show (analysis computed and stored)" "$first_s" "$first_mb" "–"
row "select show \`$SELECTION\` (stored, repeated)" "$sel_s" "$sel_mb" "$(ratio "$sel_s")"
row "select show, every customer (stored, repeated)" "$all_s" "$all_mb" "$(ratio "$all_s")"
row "analyze --json on the workspace (recomputes)" "$analyze_s" "$analyze_mb" "1.0×"
echo
"$PYTHON" "$SCRIPT_DIR/select_vs_analyze.py" "$WORK/analyze.json" "$WORK/select.txt" "$SELECTION_PY"
"$PYTHON" "$SCRIPT_DIR/select_vs_analyze.py" "$WORK/analyze.json" "$WORK/all.txt" "True"
