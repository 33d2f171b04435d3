#!/usr/bin/env bash
# Benchmark kundenwert's lifetime-value fits (and `kundenwert analyze`) against the Python
# package lifetimes 0.11.3 on the same data, in one run (issue 4).
#
# Steps (STEPS, default "fits path"):
#   fits  generate CUSTOMERS per-customer summaries (x,t_x,T,m) from a known BG/NBD +
#         Gamma-Gamma process, fit BG/NBD, Pareto/NBD, MBG/NBD, Gamma-Gamma with
#         target/release/examples/fit_bench and with lifetimes; times, ratios, parameter
#         agreement.
#   path  whole path on an invoice CSV (gen_invoices.py, ROWS lines): lifetimes
#         read_csv + summary_data_from_transaction_data + the PATH_MODELS fits + expected
#         purchases and P(alive) per customer with each + Gamma-Gamma CLV vs.
#         `kundenwert analyze FILE --json --as-of AS_OF > /dev/null`, both under /usr/bin/time -v.
#   edge  whole path on the random-buyer file of issue 16 (gen_random_buyers.py: EDGE_LINES
#         lines of EDGE_CUSTOMERS customers, customer and day uniform over 2023-2025, so nobody
#         leaves): `kundenwert analyze FILE --json --time-unit U` (types, all four purchase
#         models, per-customer values) against lifetimes' summary + BG/NBD + conditional
#         expectation, at U = week and U = day, interleaved, both under /usr/bin/time -v.
#         Not in the default STEPS (it takes minutes): STEPS=edge.
#
# Environment (all optional):
#   BENCH_DIR         work dir (default /tmp/kundenwert-bench, shared with series_vs_peers.sh)
#   CUSTOMERS         customers for the fits            (default 1000000)
#   PARETO_CUSTOMERS  customers for the Pareto/NBD comparison (default = CUSTOMERS; both tools
#                     get the same first rows of the summaries file)
#   MODELS            default bg_nbd,pareto_nbd,mbg_nbd,gamma_gamma
#   PATH_MODELS       models both tools fit on the whole path (default
#                     bg_nbd,mbg_nbd,pareto_nbd,gamma_gamma: what lifetimes has of analyze's
#                     set; analyze then runs with its defaults, which add BG/CNBD-k)
#   ROWS              invoice lines for the whole path  (default 10000000)
#   PATH_CUSTOMERS    customer id range of the invoices (default 1000000)
#   AS_OF             end of the observation period     (default 2024-12-31)
#   SEED              generator seed                    (default 42)
#   EDGE_LINES        lines of the random-buyer file    (default 10000000)
#   EDGE_CUSTOMERS    customers of the random-buyer file (default 1000000)
#   PYTHON            interpreter with lifetimes 0.11.3 (default /tmp/lifetimes-venv/bin/python
#                     if present, else python3)
#   FIT_BENCH         default <repo>/target/release/examples/fit_bench
#   KUNDENWERT        default <repo>/target/release/kundenwert
#
# Setup (see bench/README.md):
#   python3 -m venv /tmp/lifetimes-venv
#   /tmp/lifetimes-venv/bin/pip install lifetimes==0.11.3 "numpy<1.27" "pandas<2.1" "scipy<1.12"
#   cargo build --release -p kundenwert-clv --example fit_bench
#   cargo build --release -p kundenwert-cli
#
# Quick smoke check (~15 s):
#   CUSTOMERS=10000 ROWS=200000 PATH_CUSTOMERS=20000 bench/clv_vs_lifetimes.sh
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"

BENCH_DIR="${BENCH_DIR:-/tmp/kundenwert-bench}"
CUSTOMERS="${CUSTOMERS:-1000000}"
PARETO_CUSTOMERS="${PARETO_CUSTOMERS:-$CUSTOMERS}"
MODELS="${MODELS:-bg_nbd,pareto_nbd,mbg_nbd,gamma_gamma}"
DEFAULT_PATH_MODELS=bg_nbd,mbg_nbd,pareto_nbd,gamma_gamma
PATH_MODELS="${PATH_MODELS:-$DEFAULT_PATH_MODELS}"
ROWS="${ROWS:-10000000}"
PATH_CUSTOMERS="${PATH_CUSTOMERS:-1000000}"
AS_OF="${AS_OF:-2024-12-31}"
SEED="${SEED:-42}"
STEPS="${STEPS:-fits path}"
EDGE_LINES="${EDGE_LINES:-10000000}"
EDGE_CUSTOMERS="${EDGE_CUSTOMERS:-1000000}"
if [[ -z "${PYTHON:-}" ]]; then
  if [[ -x /tmp/lifetimes-venv/bin/python ]]; then PYTHON=/tmp/lifetimes-venv/bin/python; else PYTHON=python3; fi
fi
FIT_BENCH="${FIT_BENCH:-$REPO_ROOT/target/release/examples/fit_bench}"
KUNDENWERT="${KUNDENWERT:-$REPO_ROOT/target/release/kundenwert}"
TIME_BIN=/usr/bin/time
PY="$SCRIPT_DIR/clv_vs_lifetimes.py"

die() { echo "error: $*" >&2; exit 1; }
human() {
  local n=$1
  if (( n % 1000000 == 0 )); then echo "$((n / 1000000))m"
  elif (( n % 1000 == 0 )); then echo "$((n / 1000))k"
  else echo "$n"; fi
}

[[ "$CUSTOMERS" =~ ^[0-9]+$ && "$PARETO_CUSTOMERS" =~ ^[0-9]+$ && "$ROWS" =~ ^[0-9]+$ \
   && "$PATH_CUSTOMERS" =~ ^[0-9]+$ && "$SEED" =~ ^[0-9]+$ ]] || die "sizes and SEED must be integers"
"$PYTHON" -c 'import lifetimes' 2>/dev/null \
  || die "$PYTHON cannot import lifetimes (see the setup in the header / bench/README.md)"
mkdir -p "$BENCH_DIR/logs"

echo "== machine: $(nproc) cores, $(awk -F': *' '/model name/{print $2; exit}' /proc/cpuinfo 2>/dev/null), $(awk '/MemTotal/{printf "%.1f GiB RAM", $2/1048576}' /proc/meminfo); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== versions: $("$PYTHON" "$PY" versions)"
echo "== git: $(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$REPO_ROOT" status --porcelain 2>/dev/null | grep -q . && echo ' (dirty tree)')"

# ---------------------------------------------------------------- fits
if [[ " $STEPS " == *" fits "* ]]; then
  [[ -x "$FIT_BENCH" ]] || die "$FIT_BENCH missing (cargo build --release -p kundenwert-clv --example fit_bench)"
  SUMM="$BENCH_DIR/clv_summaries_$(human "$CUSTOMERS")$([[ "$SEED" == 42 ]] || echo "_s$SEED").csv"
  if [[ ! -s "$SUMM" ]]; then
    echo "== generating $SUMM"
    "$PYTHON" "$PY" gen-summaries --customers "$CUSTOMERS" --seed "$SEED" --out "$SUMM"
  fi
  cat "$SUMM" > /dev/null
  echo
  "$PYTHON" "$PY" fits "$SUMM" --fit-bench "$FIT_BENCH" --models "$MODELS" \
    --pareto-customers "$PARETO_CUSTOMERS" --json-out "$BENCH_DIR/logs/clv_fits.json"
fi

# ---------------------------------------------------------------- whole path
# "<wall s> <peak MB>" from a /usr/bin/time -v log
tv() {
  awk -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i] }
    /Maximum resident set size/ { kb = $2 }
    END { printf "%.2f %.1f\n", s, kb / 1024 }' "$1"
}

if [[ " $STEPS " == *" path "* ]]; then
  [[ -x "$KUNDENWERT" ]] || die "$KUNDENWERT missing (cargo build --release -p kundenwert-cli)"
  [[ -x "$TIME_BIN" ]] || die "$TIME_BIN not found (apt-get install time)"
  name="invoices_$(human "$ROWS")"
  [[ "$PATH_CUSTOMERS" == 1000000 ]] || name+="_c$(human "$PATH_CUSTOMERS")"
  [[ "$SEED" == 42 ]] || name+="_s$SEED"
  INV="$BENCH_DIR/$name.csv"
  if [[ ! -s "$INV" ]]; then
    echo "== generating $INV"
    "$PYTHON" "$SCRIPT_DIR/gen_invoices.py" --rows "$ROWS" --customers "$PATH_CUSTOMERS" --seed "$SEED" --out "$INV"
  fi
  cat "$INV" > /dev/null
  echo
  echo "== whole path on $INV ($(($(wc -l < "$INV") - 1)) rows), as of $AS_OF"
  KW_CMD=("$KUNDENWERT" analyze "$INV" --json --as-of "$AS_OF")
  # analyze's default set includes BG/CNBD-k, which lifetimes lacks; otherwise name them.
  # (Gamma-Gamma is always part of analyze; --models names the purchase models.)
  if [[ "$PATH_MODELS" != "$DEFAULT_PATH_MODELS" ]]; then
    kw_models=$(tr ',' '\n' <<< "$PATH_MODELS" | grep -v '^gamma_gamma$' | paste -sd, -)
    KW_CMD+=(--models "$kw_models")
  fi
  LT_CMD=("$PYTHON" "$PY" path-lifetimes "$INV" --as-of "$AS_OF" --models "$PATH_MODELS")
  echo "   \$ $(printf '%q ' "${KW_CMD[@]}")> /dev/null"
  KUNDENWERT_TIMINGS=1 "$TIME_BIN" -v -o "$BENCH_DIR/logs/path_kw.time" "${KW_CMD[@]}" \
    > /dev/null 2> "$BENCH_DIR/logs/path_kw.err" || { tail -20 "$BENCH_DIR/logs/path_kw.err"; die "kundenwert analyze failed"; }
  grep '^timing:' "$BENCH_DIR/logs/path_kw.err" | sed 's/^/     /' || true
  echo "   \$ $(printf '%q ' "${LT_CMD[@]}")"
  "$TIME_BIN" -v -o "$BENCH_DIR/logs/path_lt.time" "${LT_CMD[@]}" \
    > "$BENCH_DIR/logs/path_lt.json" 2> "$BENCH_DIR/logs/path_lt.err" || { tail -20 "$BENCH_DIR/logs/path_lt.err"; die "lifetimes path failed"; }
  echo "     $(cat "$BENCH_DIR/logs/path_lt.json")"
  read -r kw_s kw_mb < <(tv "$BENCH_DIR/logs/path_kw.time")
  read -r lt_s lt_mb < <(tv "$BENCH_DIR/logs/path_lt.time")
  echo
  printf '%-34s %10s %10s\n' "whole path (process, /usr/bin/time)" "wall s" "peak MB"
  printf '%-34s %10.2f %10.1f\n' "kundenwert analyze --json" "$kw_s" "$kw_mb"
  printf '%-34s %10.2f %10.1f\n' "lifetimes ($PATH_MODELS)" "$lt_s" "$lt_mb"
  echo "ratio lifetimes / kundenwert = $(awk -v a="$lt_s" -v b="$kw_s" 'BEGIN{ if (b > 0) printf "%.1f", a/b; else print "inf" }')"
  echo "note: both fit $PATH_MODELS and predict every customer with every fitted model;"
  echo "      kundenwert also types every customer, builds the value series and portfolio and"
  echo "      writes the JSON document; with the default PATH_MODELS it also fits BG/CNBD-k."
fi

# ---------------------------------------------------------------- random buyers (edge)
if [[ " $STEPS " == *" edge "* ]]; then
  [[ -x "$KUNDENWERT" ]] || die "$KUNDENWERT missing (cargo build --release -p kundenwert-cli)"
  [[ -x "$TIME_BIN" ]] || die "$TIME_BIN not found (apt-get install time)"
  RB="$BENCH_DIR/random_buyers_$(human "$EDGE_LINES")_c$(human "$EDGE_CUSTOMERS").csv"
  if [[ ! -s "$RB" ]]; then
    echo "== generating $RB"
    "$PYTHON" "$SCRIPT_DIR/gen_random_buyers.py" --lines "$EDGE_LINES" --customers "$EDGE_CUSTOMERS" --seed 1 -o "$RB"
  fi
  cat "$RB" > /dev/null
  echo
  echo "== whole path on $RB (nobody leaves), as of 2025-12-31"
  rows=()
  for unit in week day; do
    KW_CMD=("$KUNDENWERT" analyze "$RB" --json --time-unit "$unit")
    LT_CMD=("$PYTHON" "$PY" path-lifetimes "$RB" --as-of 2025-12-31 --models bg_nbd --time-unit "$unit")
    echo "   \$ $(printf '%q ' "${KW_CMD[@]}")> /dev/null"
    KUNDENWERT_TIMINGS=1 "$TIME_BIN" -v -o "$BENCH_DIR/logs/edge_kw_$unit.time" "${KW_CMD[@]}" \
      > /dev/null 2> "$BENCH_DIR/logs/edge_kw_$unit.err" || { tail -20 "$BENCH_DIR/logs/edge_kw_$unit.err"; die "kundenwert analyze failed"; }
    grep '^timing:' "$BENCH_DIR/logs/edge_kw_$unit.err" | sed 's/^/     /' || true
    echo "   \$ $(printf '%q ' "${LT_CMD[@]}")"
    "$TIME_BIN" -v -o "$BENCH_DIR/logs/edge_lt_$unit.time" "${LT_CMD[@]}" \
      > "$BENCH_DIR/logs/edge_lt_$unit.json" 2> "$BENCH_DIR/logs/edge_lt_$unit.err" || { tail -20 "$BENCH_DIR/logs/edge_lt_$unit.err"; die "lifetimes path failed"; }
    echo "     $(cat "$BENCH_DIR/logs/edge_lt_$unit.json")"
    read -r kw_s kw_mb < <(tv "$BENCH_DIR/logs/edge_kw_$unit.time")
    read -r lt_s lt_mb < <(tv "$BENCH_DIR/logs/edge_lt_$unit.time")
    rows+=("$(printf '%-6s %12.2f %12.1f %12.2f %12.1f %8s' "$unit" "$kw_s" "$kw_mb" "$lt_s" "$lt_mb" \
      "$(awk -v a="$lt_s" -v b="$kw_s" 'BEGIN{ if (b > 0) printf "%.1f", a/b; else print "inf" }')")")
  done
  echo
  printf '%-6s %12s %12s %12s %12s %8s\n' unit "kw wall s" "kw peak MB" "lt wall s" "lt peak MB" "lt/kw"
  printf '%s\n' "${rows[@]}"
fi

echo
echo "== reproduce with"
echo "  cd $REPO_ROOT && BENCH_DIR=$BENCH_DIR CUSTOMERS=$CUSTOMERS PARETO_CUSTOMERS=$PARETO_CUSTOMERS ROWS=$ROWS PATH_CUSTOMERS=$PATH_CUSTOMERS AS_OF=$AS_OF SEED=$SEED EDGE_LINES=$EDGE_LINES EDGE_CUSTOMERS=$EDGE_CUSTOMERS STEPS='$STEPS' PYTHON=$PYTHON FIT_BENCH=$FIT_BENCH KUNDENWERT=$KUNDENWERT bench/clv_vs_lifetimes.sh"
