#!/usr/bin/env python3
"""Check that several `customer_id,period,revenue,cost,margin,orders` CSVs agree.

    compare_outputs.py [--totals-only] [--rel 1e-6] NAME=FILE NAME=FILE [...]
    (a bare FILE is named after itself)

The first file is the reference. Checks, each against the reference:
  * header is exactly customer_id,period,revenue,cost,margin,orders
  * same number of data rows
  * same total revenue, cost, margin and orders within --rel relative tolerance
  * unless --totals-only: row by row, same (customer_id, period) in the same order
    and values equal within half a cent (orders exactly) -- numbers are compared
    numerically, so "12.5" and "12.50" are equal
  * every file: rows sorted by (customer_id, period), keys unique, period is YYYY-MM,
    margin == revenue - cost (within a cent)
Streams all files in lockstep (constant memory). Exit status 0 = agree, 1 = differ.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import math
import re
import sys

HEADER = ["customer_id", "period", "revenue", "cost", "margin", "orders"]
PERIOD_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
MAX_REPORTED = 10


class Stats:
    def __init__(self, name: str, path: str):
        self.name, self.path = name, path
        self.rows = 0
        self.sums = {"revenue": [], "cost": [], "margin": []}  # flushed to fsum in blocks
        self.tot = {"revenue": 0.0, "cost": 0.0, "margin": 0.0}
        self.orders = 0
        self.prev_key: tuple[str, str] | None = None
        self.problems: list[str] = []

    def problem(self, msg: str) -> None:
        if len(self.problems) < MAX_REPORTED:
            self.problems.append(msg)
        elif len(self.problems) == MAX_REPORTED:
            self.problems.append("... (further problems suppressed)")

    def add(self, lineno: int, row: list[str]):
        if len(row) != 6:
            self.problem(f"line {lineno}: expected 6 fields, got {len(row)}: {row!r}")
            return None
        cid, period = row[0], row[1]
        try:
            rev, cost, margin = float(row[2]), float(row[3]), float(row[4])
            orders = int(row[5]) if row[5].isdigit() else int(float(row[5]))
        except ValueError:
            self.problem(f"line {lineno}: unparsable numbers: {row!r}")
            return None
        if not PERIOD_RE.match(period):
            self.problem(f"line {lineno}: period {period!r} is not YYYY-MM")
        key = (cid, period)
        if self.prev_key is not None and key <= self.prev_key:
            what = "duplicate key" if key == self.prev_key else "not sorted by customer_id, period"
            self.problem(f"line {lineno}: {what}: {self.prev_key} then {key}")
        self.prev_key = key
        if abs(margin - (rev - cost)) > 0.01 + 1e-9 * abs(rev):
            self.problem(f"line {lineno}: margin {margin} != revenue - cost {rev - cost:.2f}")
        for k, v in (("revenue", rev), ("cost", cost), ("margin", margin)):
            s = self.sums[k]
            s.append(v)
            if len(s) >= 65536:
                self.tot[k] += math.fsum(s)
                s.clear()
        self.orders += orders
        self.rows += 1
        return key, rev, cost, margin, orders

    def finish(self) -> None:
        for k, s in self.sums.items():
            self.tot[k] += math.fsum(s)
            s.clear()


def rel_diff(a: float, b: float) -> float:
    if a == b:
        return 0.0
    return abs(a - b) / max(abs(a), abs(b), 1e-300)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+", metavar="NAME=FILE")
    ap.add_argument("--rel", type=float, default=1e-6, help="relative tolerance for totals (default 1e-6)")
    ap.add_argument("--totals-only", action="store_true", help="skip the row-by-row comparison")
    a = ap.parse_args()
    if len(a.files) < 2:
        ap.error("need at least two files")

    stats, readers, handles = [], [], []
    ok = True
    for spec in a.files:
        name, _, path = spec.partition("=") if "=" in spec else (spec, "", spec)
        fh = open(path, newline="", encoding="utf-8")
        handles.append(fh)
        r = csv.reader(fh)
        header = next(r, None)
        st = Stats(name, path)
        if header is None:
            st.problem("empty file")
        elif [h.strip().lstrip("\ufeff") for h in header] != HEADER:
            st.problem(f"header {header!r} != {HEADER!r}")
        stats.append(st)
        readers.append(r)

    row_mismatches: list[list[str]] = [[] for _ in stats]
    for lineno, rows in enumerate(itertools.zip_longest(*readers), start=2):
        parsed = [st.add(lineno, row) if row is not None else None for st, row in zip(stats, rows)]
        if a.totals_only:
            continue
        ref = parsed[0]
        for i in range(1, len(stats)):
            p = parsed[i]
            mm = row_mismatches[i]
            if len(mm) > MAX_REPORTED or (ref is None and p is None):
                continue
            msg = None
            if ref is None or p is None:
                msg = f"line {lineno}: {stats[0].name}={rows[0]!r} vs {stats[i].name}={rows[i]!r}"
            elif ref[0] != p[0]:
                msg = f"line {lineno}: key {stats[0].name}={ref[0]} vs {stats[i].name}={p[0]}"
            else:
                bad = [
                    f"{col} {x}!={y}"
                    for col, x, y in zip(HEADER[2:5], ref[1:4], p[1:4])
                    if abs(x - y) > 0.005 + 1e-12 * abs(x)
                ]
                if ref[4] != p[4]:
                    bad.append(f"orders {ref[4]}!={p[4]}")
                if bad:
                    msg = f"line {lineno} {ref[0]}: " + ", ".join(bad)
            if msg:
                mm.append(msg if len(mm) < MAX_REPORTED else "... (further row differences suppressed)")

    for fh in handles:
        fh.close()
    for st in stats:
        st.finish()

    ref = stats[0]
    w = max(len(s.name) for s in stats)
    print(f"{'output':<{w}}  {'rows':>12}  {'revenue':>22}  {'cost':>22}  {'margin':>22}  {'orders':>14}")
    for st in stats:
        print(f"{st.name:<{w}}  {st.rows:>12,}  {st.tot['revenue']:>22,.2f}  {st.tot['cost']:>22,.2f}  "
              f"{st.tot['margin']:>22,.2f}  {st.orders:>14,}")

    for i, st in enumerate(stats):
        errs = list(st.problems)
        if i:
            if st.rows != ref.rows:
                errs.append(f"row count {st.rows:,} != {ref.name} {ref.rows:,}")
            for k in ("revenue", "cost", "margin"):
                d = rel_diff(st.tot[k], ref.tot[k])
                if d > a.rel:
                    errs.append(f"total {k} differs from {ref.name} by {d:.3g} relative (> {a.rel:g})")
            d = rel_diff(float(st.orders), float(ref.orders))
            if d > a.rel:
                errs.append(f"total orders {st.orders:,} != {ref.name} {ref.orders:,} ({d:.3g} relative)")
            if row_mismatches[i]:
                errs.append(f"row-by-row differences vs {ref.name}:")
                errs.extend("    " + m for m in row_mismatches[i])
        if errs:
            ok = False
            print(f"\n{st.name} ({st.path}): PROBLEMS")
            for e in errs:
                print("  " + e)

    mode = "totals" if a.totals_only else "totals and row-by-row"
    print(f"\n{'OK' if ok else 'MISMATCH'}: {len(stats)} outputs compared ({mode}, rel tol {a.rel:g})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
