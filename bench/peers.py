#!/usr/bin/env python3
"""Peer implementations of `kundenwert series FILE --period month -o OUT.csv`.

Both compute, per customer_id x calendar month (YYYY-MM) of invoice_date:
    revenue = sum(revenue), cost = sum(cost), margin = sum(revenue - cost),
    orders  = number of DISTINCT invoice_no
sorted by customer_id, period, written with header
    customer_id,period,revenue,cost,margin,orders

Usage:
    peers.py duckdb IN.csv OUT.csv
    peers.py pandas IN.csv OUT.csv
    peers.py versions

Input is the English-convention file written by gen_invoices.py (header
invoice_no,customer_id,invoice_date,product,quantity,revenue,cost).
Default thread settings everywhere (DuckDB: all cores; pandas: single-threaded).
Only the library work is inside the process, so wrap this script in /usr/bin/time
to measure it (Python start-up + import cost is included, ~0.1-0.5 s).
"""

from __future__ import annotations

import sys

HEADER = ["customer_id", "period", "revenue", "cost", "margin", "orders"]


def run_duckdb(inp: str, out: str) -> None:
    import duckdb

    con = duckdb.connect()  # in-memory, default threads / memory limit
    con.execute(
        f"""
        COPY (
            SELECT customer_id,
                   strftime(invoice_date, '%Y-%m')   AS period,
                   sum(revenue)                      AS revenue,
                   sum(cost)                         AS cost,
                   sum(revenue - cost)               AS margin,
                   count(DISTINCT invoice_no)        AS orders
            FROM read_csv({sql_str(inp)},
                          header = true,
                          delim = ',',
                          dateformat = '%Y-%m-%d',
                          columns = {{
                              'invoice_no': 'VARCHAR',
                              'customer_id': 'VARCHAR',
                              'invoice_date': 'DATE',
                              'product': 'VARCHAR',
                              'quantity': 'DOUBLE',
                              'revenue': 'DECIMAL(18,2)',
                              'cost': 'DECIMAL(18,2)'
                          }})
            GROUP BY customer_id, period
            ORDER BY customer_id, period
        ) TO {sql_str(out)} (FORMAT csv, HEADER true, DELIMITER ',')
        """
    )
    con.close()


def sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def run_pandas(inp: str, out: str) -> None:
    import pandas as pd

    df = pd.read_csv(
        inp,
        usecols=["invoice_no", "customer_id", "invoice_date", "revenue", "cost"],
        dtype={"invoice_no": str, "customer_id": str, "invoice_date": str,
               "revenue": "float64", "cost": "float64"},
    )
    d = pd.to_datetime(df["invoice_date"], format="%Y-%m-%d")
    df["period"] = d.dt.year * 100 + d.dt.month  # int key; formatted after aggregation
    df["margin"] = df["revenue"] - df["cost"]
    g = (
        df.groupby(["customer_id", "period"], sort=True)
        .agg(revenue=("revenue", "sum"), cost=("cost", "sum"), margin=("margin", "sum"),
             orders=("invoice_no", "nunique"))
        .reset_index()
    )
    p = g["period"]
    g["period"] = (p // 100).astype(str) + "-" + (p % 100).astype(str).str.zfill(2)
    g[HEADER].to_csv(out, index=False, float_format="%.2f")


def versions() -> None:
    import platform

    out = [f"python {platform.python_version()}"]
    for mod in ("duckdb", "pandas", "numpy", "pyarrow"):
        try:
            m = __import__(mod)
            out.append(f"{mod} {m.__version__}")
        except ImportError:
            out.append(f"{mod} (not installed)")
    print(", ".join(out))


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[1] == "versions":
        versions()
        return 0
    if len(argv) != 4 or argv[1] not in ("duckdb", "pandas"):
        print(__doc__, file=sys.stderr)
        return 2
    {"duckdb": run_duckdb, "pandas": run_pandas}[argv[1]](argv[2], argv[3])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
