#!/usr/bin/env bash
# Runs one fuzz target (or `all` of them, one after another) with AFL++ for SECONDS each:
#
#   fuzz/run.sh TARGET SECONDS     e.g. fuzz/run.sh csv_import 1800
#   fuzz/run.sh all SECONDS        every target, as CI does with a short time
#
# Installs cargo-afl if missing (from crates.io; it builds AFL++ from the sources in its crate,
# with cc and make: no download), builds the instrumented harness, seeds from the committed
# corpus `fuzz/corpus/TARGET`, and keeps its findings in `fuzz/out/TARGET` (not committed; a
# second run resumes from there). Prints one line per target: executions, time, corpus size,
# crashes, hangs. Exits 1 if a target crashed (or a seed did): `fuzz-replay TARGET FILE`
# reproduces a finding without AFL++ (see fuzz/README.md).
set -euo pipefail
cd "$(dirname "$0")"

AFL_VERSION=0.18.2
TARGETS=(split csv_import numbers dates header xlsx_import chain plan selection fixed_costs settings web_forms http_requests)

if [ $# -ne 2 ]; then
    echo "usage: fuzz/run.sh TARGET|all SECONDS (TARGET one of ${TARGETS[*]})" >&2
    exit 2
fi
target=$1
seconds=$2
if [ "$target" = all ]; then
    selected=("${TARGETS[@]}")
else
    selected=("$target")
fi

if ! cargo afl --version 2>/dev/null | grep -q "cargo-afl $AFL_VERSION"; then
    cargo install cargo-afl --locked --version "$AFL_VERSION" --quiet
fi
# `cargo install` builds AFL++ too; this only builds it where that failed (a no-op otherwise).
cargo afl config --build >/dev/null 2>&1 || true
# FUZZ_OPT_LEVEL (default 3) trades the harness's speed for a shorter build, as CI does.
AFL_OPT_LEVEL=${FUZZ_OPT_LEVEL:-3} cargo afl build --release --locked --features afl --bin fuzz-afl --quiet

# The machine is shared: no core binding, no CPU governor or core-dump checks, plain log lines.
export AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export AFL_NO_UI=1 AFL_AUTORESUME=1 AFL_FAST_CAL=1 AFL_QUIET=1
failed=0
for t in "${selected[@]}"; do
    out=out/$t
    mkdir -p "$out"
    # -t: an input that takes over 2 s is a hang (the import starts threads; the machine is
    # shared). Timeouts are reported, not fatal. `http_requests` sets up its workspace in the
    # first input of each process (over a second in an unoptimised build): 10 s there.
    timeout_ms=2000
    [ "$t" = http_requests ] && timeout_ms=10000
    nice -n 10 cargo afl fuzz -V "$seconds" -t "$timeout_ms" -i "corpus/$t" -o "$out" \
        -- target/release/fuzz-afl "$t" >"$out/log.txt" 2>&1 || {
        echo "$t: afl-fuzz failed (a seed may crash the target); last lines of $out/log.txt:"
        tail -n 20 "$out/log.txt"
        failed=1
        continue
    }
    # The scratch files the targets write their input to (one per harness process).
    rm -rf "${TMPDIR:-/tmp}/kundenwert-fuzz"
    stats=$out/default/fuzzer_stats
    get() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
    crashes=$(get saved_crashes)
    printf '%s: %s executions in %s s (%s/s), corpus %s, crashes %s, hangs %s\n' \
        "$t" "$(get execs_done)" "$(get run_time)" "$(get execs_per_sec)" \
        "$(get corpus_count)" "$crashes" "$(get saved_hangs)"
    if [ "${crashes:-0}" != 0 ]; then
        ls "$out"/default/crashes/id:* 2>/dev/null | sed 's/^/  crash: fuzz\//'
        failed=1
    fi
done
exit "$failed"
