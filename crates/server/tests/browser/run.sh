#!/usr/bin/env bash
# The web workbench's browser tests (README.md beside this file): builds the CLI, starts
# `kundenwert serve --demo` on a fresh temp workspace with one user per role, runs the tests
# one after another in Debian's headless Chromium, stops the server. Exits non-zero on any
# failure and then prints the server's log.
#
#   crates/server/tests/browser/run.sh               # from anywhere in the repository
#   KW_BROWSER_ONLY='customer' .../run.sh            # only tests whose name matches
#   KW_BROWSER_PORT=8103 .../run.sh                  # a fixed port instead of any free one
#   KW_BROWSER_BIN=target/debug/kundenwert .../run.sh  # a CLI already built (CI: by `cargo test`)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../../.." && pwd)"
cd "$root"

chromium="${KW_CHROMIUM:-/usr/bin/chromium}"
if [[ ! -x "$chromium" ]]; then
  echo "browser tests: no Chromium at $chromium (apt-get install -y chromium)" >&2
  exit 1
fi
if [[ ! -d "$here/node_modules/playwright-core" ]]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi

started=$SECONDS
target_dir="$(cargo metadata --format-version 1 --no-deps | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')"
if [[ -n "${KW_BROWSER_BIN:-}" ]]; then
  # `cargo build -p kundenwert-cli` after `cargo test --workspace` resolves other features
  # and rebuilds much of the tree; the binary the tests built is the same program.
  kundenwert="$(cd "$root" && realpath "$KW_BROWSER_BIN")"
else
  cargo build --quiet -p kundenwert-cli
  kundenwert="$target_dir/debug/kundenwert"
fi
shots="${KW_SCREENSHOTS:-$target_dir/browser-screenshots}"
mkdir -p "$shots"
rm -f "$shots"/*.png

work="$(mktemp -d "${TMPDIR:-/tmp}/kw-browser.XXXXXX")"
log="$work/server.log"
server=""
status=1
finish() {
  if [[ -n "$server" ]] && kill -0 "$server" 2>/dev/null; then
    kill "$server" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$server" 2>/dev/null || true
  fi
  if [[ $status -ne 0 ]]; then
    echo "---- server log ($log) ----" >&2
    tail -n 200 "$log" >&2 2>/dev/null || true
    echo "---- screenshots: $shots ----" >&2
  fi
  rm -rf "$work"
}
trap finish EXIT
trap 'exit 130' INT TERM

export KUNDENWERT_WORKSPACE="$work/kundenwert.db"
export KUNDENWERT_LANG=en
# One password for the three users (at least 10 characters), new every run.
password="kw-browser-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
for user in anna:admin emil:editor vera:viewer; do
  printf '%s\n' "$password" | "$kundenwert" user add "${user%%:*}" --role "${user##*:}" >/dev/null
done

# First start on an empty workspace: the demo company is stored (about a minute in a debug
# build), then the server says where it listens.
# The demo's files land in the current folder: the temp folder.
(cd "$work" && exec "$kundenwert" serve --demo --bind "127.0.0.1:${KW_BROWSER_PORT:-0}") >"$log" 2>&1 &
server=$!
url=""
deadline=$((SECONDS + ${KW_BROWSER_START_TIMEOUT:-600}))
while [[ -z "$url" ]]; do
  if ! kill -0 "$server" 2>/dev/null; then
    echo "browser tests: the server stopped before it listened" >&2
    exit 1
  fi
  if ((SECONDS > deadline)); then
    echo "browser tests: the server did not listen within ${KW_BROWSER_START_TIMEOUT:-600} s" >&2
    exit 1
  fi
  url="$(grep -oE 'http://127\.0\.0\.1:[0-9]+/' "$log" | head -n1 || true)"
  [[ -n "$url" ]] || sleep 0.5
done
echo "browser tests: server at $url (ready after $((SECONDS - started)) s, demo company included)"

tests_started=$SECONDS
set +e
KW_BASE_URL="$url" KW_PASSWORD="$password" KW_SCREENSHOTS="$shots" KW_CHROMIUM="$chromium" \
  timeout --kill-after=10 "${KW_BROWSER_TIMEOUT:-900}" \
  node --test-reporter=spec ${KW_BROWSER_ONLY:+--test-name-pattern="$KW_BROWSER_ONLY"} "$here/suite.mjs"
status=$?
set -e
echo "browser tests: $((SECONDS - tests_started)) s of tests, $((SECONDS - started)) s in all; screenshots in $shots"
if [[ $status -eq 124 ]]; then
  echo "browser tests: timed out after ${KW_BROWSER_TIMEOUT:-900} s" >&2
fi
exit $status
