#!/usr/bin/env python3
"""Invoice lines of customers who buy at random days with no pattern at all: every line's
customer is uniform over the customers and its day uniform over 2023-01-01 .. 2025-12-31
(the "flat random buyer" file of the typology and model issues). Columns
``customer_id,date,revenue,cost``; revenue log-normal, cost 60-80 % of it.

    python3 bench/gen_random_buyers.py --lines 10000000 --customers 1000000 --seed 1 -o random_buyers.csv
"""

import argparse
import datetime as dt

import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=10_000_000)
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", "--out", required=True)
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    start = dt.date(2023, 1, 1)
    days = (dt.date(2025, 12, 31) - start).days + 1
    with open(a.out, "w") as out:
        out.write("customer_id,date,revenue,cost\n")
        chunk = 1_000_000
        for begin in range(0, a.lines, chunk):
            n = min(chunk, a.lines - begin)
            customer = rng.integers(1, a.customers + 1, n)
            day = rng.integers(0, days, n)
            revenue = np.round(rng.lognormal(5.0, 0.8, n), 2)
            cost = np.round(revenue * rng.uniform(0.6, 0.8, n), 2)
            dates = np.datetime64(start.isoformat()) + day.astype("timedelta64[D]")
            rows = [
                f"C{c:07d},{d},{r:.2f},{k:.2f}\n"
                for c, d, r, k in zip(customer, dates.astype(str), revenue, cost)
            ]
            out.write("".join(rows))


if __name__ == "__main__":
    main()
