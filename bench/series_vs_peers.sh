#!/usr/bin/env bash
# Benchmark `kundenwert series` against DuckDB and pandas doing the same aggregation.
#
# Environment (all optional):
#   BENCH_DIR   work dir for input/outputs/logs       (default /tmp/kundenwert-bench)
#   ROWS        invoice lines to generate              (default 10000000)
#   CUSTOMERS   customer id range                      (default 1000000)
#   SEED        generator seed                         (default 42)
#   INPUT       use this invoice CSV instead of generating one
#   KUNDENWERT  release binary                         (default <repo>/target/release/kundenwert)
#   RUNS        repetitions per tool, interleaved      (default 3)
#   TOOLS       subset/order of tools to run           (default "kundenwert duckdb pandas")
#   PYTHON      interpreter for generator/peers        (default python3)
#   KW_ARGS     extra arguments appended to the kundenwert command line
#
# Quick smoke check:  ROWS=200000 CUSTOMERS=20000 RUNS=1 bench/series_vs_peers.sh
# Nothing is built here: run `cargo build --release` first.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"

BENCH_DIR="${BENCH_DIR:-/tmp/kundenwert-bench}"
ROWS="${ROWS:-10000000}"
CUSTOMERS="${CUSTOMERS:-1000000}"
SEED="${SEED:-42}"
RUNS="${RUNS:-3}"
TOOLS="${TOOLS:-kundenwert duckdb pandas}"
PYTHON="${PYTHON:-python3}"
KW_ARGS="${KW_ARGS:-}"
KUNDENWERT="${KUNDENWERT:-$REPO_ROOT/target/release/kundenwert}"
TIME_BIN=/usr/bin/time

die() { echo "error: $*" >&2; exit 1; }

# 10000000 -> 10m, 200000 -> 200k, 12345 -> 12345
human() {
  local n=$1
  if (( n % 1000000 == 0 )); then echo "$((n / 1000000))m"
  elif (( n % 1000 == 0 )); then echo "$((n / 1000))k"
  else echo "$n"; fi
}

[[ "$ROWS" =~ ^[0-9]+$ && "$CUSTOMERS" =~ ^[0-9]+$ && "$SEED" =~ ^[0-9]+$ && "$RUNS" =~ ^[1-9][0-9]*$ ]] \
  || die "ROWS, CUSTOMERS, SEED and RUNS must be non-negative integers (RUNS >= 1)"
[[ -x "$TIME_BIN" ]] || die "$TIME_BIN not found (Debian/Ubuntu: apt-get install time)"

for t in $TOOLS; do
  case "$t" in
    kundenwert) [[ -x "$KUNDENWERT" ]] || die "kundenwert binary not found at $KUNDENWERT (cargo build --release, or set KUNDENWERT=...; TOOLS='duckdb pandas' to skip it)" ;;
    duckdb)     "$PYTHON" -c 'import duckdb' 2>/dev/null || die "python module duckdb missing (pip install duckdb)" ;;
    pandas)     "$PYTHON" -c 'import pandas' 2>/dev/null || die "python module pandas missing (pip install pandas)" ;;
    *) die "unknown tool '$t' in TOOLS (kundenwert, duckdb, pandas)" ;;
  esac
done

mkdir -p "$BENCH_DIR/logs"

# ---------------------------------------------------------------- input
INPUT_GIVEN="${INPUT:-}"
if [[ -z "$INPUT_GIVEN" ]]; then
  name="invoices_$(human "$ROWS")"
  [[ "$CUSTOMERS" == 1000000 ]] || name+="_c$(human "$CUSTOMERS")"
  [[ "$SEED" == 42 ]] || name+="_s$SEED"
  INPUT="$BENCH_DIR/$name.csv"
  if [[ ! -s "$INPUT" ]]; then
    echo "== generating $INPUT ($ROWS rows, $CUSTOMERS customers, seed $SEED)"
    "$PYTHON" "$SCRIPT_DIR/gen_invoices.py" --rows "$ROWS" --customers "$CUSTOMERS" --seed "$SEED" --out "$INPUT"
  fi
fi
[[ -s "$INPUT" ]] || die "input $INPUT missing or empty"
input_mb=$(awk -v b="$(stat -c %s "$INPUT")" 'BEGIN{printf "%.1f", b/1048576}')

# Warm the page cache so that no tool pays for the first cold read.
cat "$INPUT" > /dev/null

# Sets CMD (array) to the command line for tool $1.
set_cmd() {
  local out="$BENCH_DIR/out_$1.csv"
  case "$1" in
    kundenwert)
      CMD=("$KUNDENWERT" series "$INPUT" --period month -o "$out")
      # shellcheck disable=SC2206
      if [[ -n "$KW_ARGS" ]]; then CMD+=($KW_ARGS); fi  # word-split on purpose
      ;;
    duckdb|pandas) CMD=("$PYTHON" "$SCRIPT_DIR/peers.py" "$1" "$INPUT" "$out") ;;
  esac
}
cmd_for() { set_cmd "$1"; printf '%q ' "${CMD[@]}" | sed 's/ $//'; }

declare -A WALLS RSS
run_one() {  # tool run_no
  local tool=$1 i=$2 tf="$BENCH_DIR/logs/$1.time" log="$BENCH_DIR/logs/$1.run$2.log"
  rm -f "$BENCH_DIR/out_$tool.csv"
  local rc=0
  set_cmd "$tool"
  "$TIME_BIN" -f '%e %M' -o "$tf" "${CMD[@]}" > "$log" 2>&1 || rc=$?
  if (( rc != 0 )); then
    echo "!! $tool run $i failed (exit $rc); command: $(cmd_for "$tool")" >&2
    tail -n 20 "$log" >&2
    exit 1
  fi
  local wall rss
  read -r wall rss < <(tail -n 1 "$tf")
  WALLS[$tool]+="$wall "
  RSS[$tool]+="$rss "
  printf '   %-10s run %d/%d: %7.2f s  %8.1f MB\n' "$tool" "$i" "$RUNS" "$wall" "$(awk -v k="$rss" 'BEGIN{print k/1024}')"
}

echo "== input: $INPUT ($input_mb MiB, $(($(wc -l < "$INPUT") - 1)) data rows)"
echo "== $RUNS run(s) per tool, interleaved: $TOOLS"
for ((i = 1; i <= RUNS; i++)); do
  for t in $TOOLS; do run_one "$t" "$i"; done
done

# ---------------------------------------------------------------- verify
echo
echo "== verifying outputs agree"
cmp_args=()
for t in $TOOLS; do cmp_args+=("$t=$BENCH_DIR/out_$t.csv"); done
verify=OK
if (( ${#cmp_args[@]} >= 2 )); then
  "$PYTHON" "$SCRIPT_DIR/compare_outputs.py" "${cmp_args[@]}" || verify=MISMATCH
else
  verify="skipped (only one tool)"
fi

# ---------------------------------------------------------------- report
# median and best of a list of numbers
stat_of() {  # "numbers" median|best|max
  tr ' ' '\n' <<<"$1" | grep -v '^$' | sort -g | awk -v what="$2" '
    { v[NR] = $1 }
    END {
      if (what == "best") print v[1];
      else if (what == "max") print v[NR];
      else if (NR % 2) print v[(NR + 1) / 2];
      else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

declare -A MED
echo
echo "== results ($RUNS run(s); ratios use the median wall time; peak = max RSS over runs)"
printf '%-12s %10s %10s %10s %16s\n' tool "median s" "best s" "peak MB" "x kundenwert"
for t in $TOOLS; do
  MED[$t]=$(stat_of "${WALLS[$t]}" median)
done
for t in $TOOLS; do
  best=$(stat_of "${WALLS[$t]}" best)
  peak=$(awk -v k="$(stat_of "${RSS[$t]}" max)" 'BEGIN{printf "%.1f", k/1024}')
  ratio="-"
  if [[ -n "${MED[kundenwert]:-}" && "$t" != kundenwert ]]; then
    ratio=$(awk -v a="${MED[$t]}" -v b="${MED[kundenwert]}" 'BEGIN{ if (b > 0) printf "%.2f", a/b; else print "inf" }')
  fi
  printf '%-12s %10.2f %10.2f %10s %16s\n' "$t" "${MED[$t]}" "$best" "$peak" "$ratio"
done
if [[ -n "${MED[kundenwert]:-}" ]]; then
  for t in duckdb pandas; do
    [[ -n "${MED[$t]:-}" ]] || continue
    printf '%s_wall / kundenwert_wall = %s\n' "$t" \
      "$(awk -v a="${MED[$t]}" -v b="${MED[kundenwert]}" 'BEGIN{ if (b > 0) printf "%.2f", a/b; else print "inf" }')"
  done
fi
echo "verification: $verify"

echo
echo "== environment"
echo "versions: $("$PYTHON" "$SCRIPT_DIR/peers.py" versions)"
if [[ " $TOOLS " == *" kundenwert "* ]]; then
  echo "kundenwert: $("$KUNDENWERT" --version 2>/dev/null || echo '(no --version)') at $KUNDENWERT"
fi
echo "git: $(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo 'no commit')$(git -C "$REPO_ROOT" status --porcelain 2>/dev/null | grep -q . && echo ' (dirty)')"
echo "cpu: $(nproc) cores, $(awk -F': *' '/model name/{print $2; exit}' /proc/cpuinfo 2>/dev/null), $(awk '/MemTotal/{printf "%.1f GiB RAM", $2/1048576}' /proc/meminfo)"
echo "threads: defaults (DuckDB uses all cores, pandas is single-threaded)"
echo "commands:"
for t in $TOOLS; do echo "  $t: $(cmd_for "$t")"; done

echo
echo "== reproduce with"
repro="cd $(printf '%q' "$REPO_ROOT") && BENCH_DIR=$(printf '%q' "$BENCH_DIR")"
if [[ -n "$INPUT_GIVEN" ]]; then
  repro+=" INPUT=$(printf '%q' "$INPUT")"
else
  repro+=" ROWS=$ROWS CUSTOMERS=$CUSTOMERS SEED=$SEED"
fi
repro+=" RUNS=$RUNS"
[[ "$TOOLS" == "kundenwert duckdb pandas" ]] || repro+=" TOOLS='$TOOLS'"
[[ " $TOOLS " == *" kundenwert "* ]] && repro+=" KUNDENWERT=$(printf '%q' "$KUNDENWERT")"
[[ -n "$KW_ARGS" ]] && repro+=" KW_ARGS=$(printf '%q' "$KW_ARGS")"
[[ "$PYTHON" != python3 ]] && repro+=" PYTHON=$(printf '%q' "$PYTHON")"
repro+=" bench/series_vs_peers.sh"
echo "  $repro"

[[ "$verify" != MISMATCH ]]
