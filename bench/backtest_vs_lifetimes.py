#!/usr/bin/env python3
"""Future-value backtest: Kundenwert vs. the Python package `lifetimes` 0.11.3, per customer type.

    backtest_vs_lifetimes.py EXPORT --as-of 2024-12-31 --horizon 12 --kundenwert-json K.json
                             [--json OUT] [--customer-col C] [--date-col C]
                             [--revenue-col C] [--cost-col C]

K.json is the output of `kundenwert analyze EXPORT --as-of DATE --horizon MONTHS --json`
(best with `--discount-rate 0`: lifetimes' side here is undiscounted).

On the history up to and including as-of, lifetimes' BG/NBD (`BetaGeoFitter`) and Gamma-Gamma
(`GammaGammaFitter`) are fitted; each customer's predicted value over the horizon is the
expected number of purchases over the horizon times the Gamma-Gamma conditional expected spend.
Both tools' predictions are compared with what happened in (as-of, as-of + horizon months]:
the sum of each customer's value there (margin = revenue - cost if the export has cost, else
revenue). Customers are grouped by the type Kundenwert gave them at as-of (from K.json).

Definitions, as in Kundenwert (crates/analysis/src/future/inputs.rs):
* a purchase (transaction) is a day with business; several invoices on one day are one purchase;
* time unit weeks; frequency x = distinct days - 1, recency t_x = (last day - first day) / 7,
  T = (as-of - first day) / 7, all over the rows dated <= as-of;
* spend per repeat purchase m = (value up to as-of - value of the first day) / x;
* Gamma-Gamma is fitted on the customers with x >= 1 and m > 0. A customer's spend is the
  Gamma-Gamma conditional expectation for those, the customer's own m where m <= 0 (a customer
  who costs money keeps costing it), the Gamma-Gamma population mean without repeat purchases;
* horizon in weeks = months * (365.25 / 12) / 7;
* customers without rows up to as-of (new in the window) are not compared.

lifetimes 0.11.3 needs old numpy/pandas/scipy; a venv that works (Python 3.11):

    python3 -m venv /tmp/lifetimes-venv
    /tmp/lifetimes-venv/bin/pip install lifetimes==0.11.3 "numpy<1.27" "pandas<2.1" "scipy<1.12"
"""

from __future__ import annotations

import argparse
import calendar
import codecs
import contextlib
import csv
import datetime as dt
import io
import json
import math
import os
import signal
import sys
import time
from typing import NoReturn

import numpy as np
import pandas as pd

# Header names recognised without --*-col (compared case-insensitively, trimmed).
COLUMNS = {
    "customer": ["Kundennr.", "customer_id"],
    "date": ["Belegdatum", "invoice_date", "date"],
    "revenue": ["Nettoumsatz", "revenue"],
    "cost": ["Wareneinsatz", "cost"],
}
DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]
WEEK = 7.0
# Coverage is checked against Kundenwert's range as written to its JSON, rounded to cents:
# half a cent of slack so that rounding never decides whether an actual is inside.
CENT_SLACK = 0.005


def fail(msg: str) -> NoReturn:
    print(f"error: {msg}", file=sys.stderr)
    sys.exit(1)


# --------------------------------------------------------------------------- reading the export


def detect_encoding(path: str) -> str:
    """utf-8 (with or without BOM) if the whole file decodes as such, else cp1252.

    Decoded incrementally so that a multi-byte character split across chunks is no error;
    the whole file is checked because one umlaut late in the file decides it."""
    with open(path, "rb") as f:
        head = f.read(3)
        f.seek(0)
        for enc in ("utf-8", "cp1252"):
            f.seek(0)
            dec = codecs.getincrementaldecoder(enc)()
            try:
                while chunk := f.read(1 << 24):
                    dec.decode(chunk)
                dec.decode(b"", final=True)
            except UnicodeDecodeError:
                continue
            if enc == "utf-8" and head == codecs.BOM_UTF8:
                return "utf-8-sig"
            return enc
    # cp1252 leaves five bytes undefined; latin-1 maps every byte, so the file can still be read.
    return "latin-1"


def find_column(header: list[str], role: str, override: str | None, required: bool) -> str | None:
    names = {h.strip().lower(): h for h in header}
    wanted = [override] if override else COLUMNS[role]
    for w in wanted:
        if w.strip().lower() in names:
            return names[w.strip().lower()]
    if override or required:
        fail(f"no {role} column {' / '.join(repr(w) for w in wanted)} in the header {header}"
             f" (use --{role}-col)")
    return None


def parse_dates(uniq: pd.Series) -> tuple[np.ndarray, str]:
    """Day numbers (proleptic ordinals) of the distinct date cells, -1 where one does not parse.

    A time after the date ("05.01.2024 00:00", ISO "...T...") is ignored. The format is the one
    that parses most of (the first 2,000) distinct values."""

    def token(s: str) -> str:
        s = s.strip()
        return s.split()[0].split("T")[0] if s else ""

    sample = [token(s) for s in uniq.iloc[:2000]]

    def parses(tok: str, fmt: str) -> bool:
        try:
            dt.datetime.strptime(tok, fmt)
            return True
        except ValueError:
            return False

    fmt = max(DATE_FORMATS, key=lambda f: sum(parses(t, f) for t in sample))
    days = np.full(len(uniq), -1, dtype=np.int64)
    for i, s in enumerate(uniq):
        try:
            days[i] = dt.datetime.strptime(token(s), fmt).date().toordinal()
        except ValueError:
            pass
    return days, fmt


def detect_decimal(columns: list[pd.Series], default: str) -> tuple[str, int, int]:
    """',' or '.': which decimal separator the amount columns use, decided from all their
    distinct values (a single `1.234` cannot tell). Evidence for a decimal comma: `,` followed by
    other than exactly three digits at the end (`12,5`, `1.234,56`, `250,00-`), or `.ddd,`; for a
    point the mirror image. Without evidence either way the delimiter decides (`;` -> comma)."""
    comma = point = 0
    for s in columns:
        comma += int(s.str.contains(r",(?:\d{1,2}|\d{4,})\D*$|\.\d{3},", regex=True).sum())
        point += int(s.str.contains(r"\.(?:\d{1,2}|\d{4,})\D*$|,\d{3}\.", regex=True).sum())
    if comma == point:
        return default, comma, point
    return ("," if comma > point else "."), comma, point


def parse_amount_slow(s: str, decimal: str) -> float:
    """The forms the fast path leaves: `250,00-` (SAP), `(12.50)`, `1 234,56 €`, `EUR 5,00`."""
    t = s.strip().replace("\xa0", "").replace(" ", "")
    for cur in ("EUR", "€", "$", "CHF"):
        t = t.replace(cur, "")
    neg = False
    if t.endswith("-"):
        neg, t = True, t[:-1]
    if t.startswith("(") and t.endswith(")"):
        neg, t = True, t[1:-1]
    thousands = "." if decimal == "," else ","
    t = t.replace(thousands, "").replace(decimal, ".")
    v = float(t)  # ValueError -> not an amount
    if not math.isfinite(v):
        raise ValueError(s)
    return -v if neg else v


def parse_amounts(uniq: pd.Series, decimal: str, empty_is_zero: bool) -> tuple[np.ndarray, np.ndarray]:
    """Values of the distinct cells `uniq` and a mask of those that are not amounts. Empty cells
    are bad unless `empty_is_zero` (cost: Kundenwert takes an empty cost cell as 0, service lines
    often carry none)."""
    t = uniq.str.strip()
    if decimal == ",":
        fast = t.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        fast = t.str.replace(",", "", regex=False)
    values = pd.to_numeric(fast, errors="coerce").to_numpy(dtype=np.float64)
    # to_numeric also reads "inf"; nothing in an export means that.
    values[~np.isfinite(values)] = np.nan
    empty = (t == "").to_numpy()
    for i in np.flatnonzero(np.isnan(values) & ~empty):
        try:
            values[i] = parse_amount_slow(uniq.iat[i], decimal)
        except ValueError:
            pass
    if empty_is_zero:
        values[empty] = 0.0
    return values, np.isnan(values)


def distinct(raw: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Codes and distinct values of a string column. Everything below parses the distinct values
    and maps back: an export repeats its dates, customers and many amounts, and pandas' string
    methods are Python loops, so this is several times faster than working on every cell."""
    codes, uniq = pd.factorize(raw, sort=False)
    return codes, pd.Series(uniq, dtype=object)


def read_export(path: str, args) -> dict:
    enc = detect_encoding(path)
    with open(path, encoding=enc, newline="") as f:
        first = f.readline()
    delim = ";" if ";" in first else ","
    header = next(csv.reader([first], delimiter=delim))
    cols = {
        "customer": find_column(header, "customer", args.customer_col, True),
        "date": find_column(header, "date", args.date_col, True),
        "revenue": find_column(header, "revenue", args.revenue_col, True),
        "cost": find_column(header, "cost", args.cost_col, False),
    }
    use = [c for c in cols.values() if c is not None]
    opts = dict(sep=delim, encoding=enc, dtype=str, usecols=use, keep_default_na=False,
                na_filter=False)
    malformed = 0
    try:
        df = pd.read_csv(path, engine="c", **opts)
    except pd.errors.ParserError:
        # Should the C parser give up on a line, the Python one can count and skip such lines
        # (slower, only on such files). Extra trailing fields are no error with `usecols`: the
        # columns used are still in their places. Missing fields read as empty (-> not parsed).
        def bad(_line):
            nonlocal malformed
            malformed += 1
            return None

        df = pd.read_csv(path, engine="python", on_bad_lines=bad, **opts)
    n = len(df)
    cust_codes, cust_uniq = distinct(df[cols["customer"]])
    date_codes, date_uniq = distinct(df[cols["date"]])
    rev_codes, rev_uniq = distinct(df[cols["revenue"]])
    amounts = [rev_uniq]
    if cols["cost"]:
        cost_codes, cost_uniq = distinct(df[cols["cost"]])
        amounts.append(cost_uniq)
    decimal, ev_comma, ev_point = detect_decimal(amounts, "," if delim == ";" else ".")

    # Customer numbers are trimmed (as Kundenwert does): " 10019" and "10019" are one customer.
    stripped = cust_uniq.str.strip()
    merged, ids = pd.factorize(stripped, sort=False)
    customer = merged[cust_codes]
    bad_cust = (stripped == "").to_numpy()[cust_codes]
    day_uniq, date_fmt = parse_dates(date_uniq)
    day = day_uniq[date_codes]
    vals, bad = parse_amounts(rev_uniq, decimal, empty_is_zero=False)
    revenue, bad_rev = vals[rev_codes], bad[rev_codes]
    if cols["cost"]:
        vals, bad = parse_amounts(cost_uniq, decimal, empty_is_zero=True)
        cost, bad_cost = vals[cost_codes], bad[cost_codes]
    else:
        cost, bad_cost = np.zeros(n), np.zeros(n, dtype=bool)
    bad_date = day < 0
    bad = bad_cust | bad_date | bad_rev | bad_cost
    reasons = {
        "no customer": int(bad_cust.sum()),
        "date not parsed": int(bad_date.sum()),
        "revenue not parsed": int(bad_rev.sum()),
        "cost not parsed": int(bad_cost.sum()),
    }
    examples = []
    for i in np.flatnonzero(bad)[:3]:
        examples.append(
            f"data row {i + 1}: " + ", ".join(f"{c}={df[c].iat[i]!r}" for c in use))
    ok = ~bad
    return {
        "encoding": enc, "delimiter": delim, "decimal": decimal, "decimal_evidence": (ev_comma, ev_point),
        "date_format": date_fmt, "columns": cols, "rows": n, "malformed_lines": malformed,
        "rejected": int(bad.sum()), "reasons": reasons, "examples": examples,
        "code": customer[ok].astype(np.int64), "ids": np.asarray(ids, dtype=object),
        "day": day[ok], "value": (revenue - cost)[ok], "has_cost": cols["cost"] is not None,
    }


# --------------------------------------------------------------------------- summaries


def add_months(d: dt.date, months: int) -> dt.date:
    """Calendar months, the day clamped to the month's end (2024-02-29 + 12 -> 2025-02-28)."""
    m = d.month - 1 + months
    y, m = d.year + m // 12, m % 12 + 1
    return dt.date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def summarize(ex: dict, as_of: dt.date, end: dt.date) -> pd.DataFrame:
    """Per customer with history up to as-of: x, t_x, T (weeks), m, actual value in the window."""
    a, e = as_of.toordinal(), end.toordinal()
    code, day, value = ex["code"], ex["day"], ex["value"]
    hist = day <= a
    daily = (pd.DataFrame({"c": code[hist], "d": day[hist], "v": value[hist]})
             .groupby(["c", "d"], sort=True)["v"].sum().reset_index())
    # sorted by (customer, day): first/last are the first and last day with business.
    g = daily.groupby("c", sort=True)
    s = pd.DataFrame({
        "first": g["d"].first(), "last": g["d"].last(), "days": g.size(),
        "total": g["v"].sum(), "first_value": g["v"].first(),
    })
    win = (day > a) & (day <= e)
    actual = np.bincount(code[win], weights=value[win], minlength=len(ex["ids"]))
    s["id"] = ex["ids"][s.index.to_numpy()]
    s["x"] = s["days"] - 1
    s["t_x"] = (s["last"] - s["first"]) / WEEK
    s["T"] = (a - s["first"]) / WEEK
    with np.errstate(divide="ignore", invalid="ignore"):
        s["m"] = np.where(s["x"] >= 1, (s["total"] - s["first_value"]) / s["x"].clip(lower=1), np.nan)
    s["actual"] = actual[s.index.to_numpy()]
    return s.set_index("id")


# --------------------------------------------------------------------------- lifetimes


def fit_with_retry(make, fit_args, label: str, notes: list[str]):
    """Fit with penalizer 0; on non-convergence retry once with 0.001 (what lifetimes' error
    message suggests). lifetimes prints scipy's result object on failure: kept out of the table,
    only its message is reported."""
    from lifetimes.utils import ConvergenceError

    errors = []
    for pen in (0.0, 0.001):
        model = make(pen)
        buf = io.StringIO()
        try:
            with contextlib.redirect_stdout(buf), np.errstate(all="ignore"):
                model.fit(*fit_args)
        except (ConvergenceError, np.linalg.LinAlgError, ValueError, FloatingPointError) as err:
            msg = first_message(buf).rstrip(".") or f"{type(err).__name__}: {err}".strip()
            errors.append(f"penalizer_coef {pen:g}: {msg}")
            continue
        if errors:
            notes.append(f"{label}: did not converge with {errors[0]}; refitted with "
                         f"penalizer_coef {pen:g}")
        return model, pen
    fail(f"lifetimes' {label} did not converge ({'; '.join(errors)})")


def first_message(buf: io.StringIO) -> str:
    for line in buf.getvalue().splitlines():
        if line.strip().startswith("message:"):
            return line.split(":", 1)[1].strip()
    return ""


def lifetimes_predict(s: pd.DataFrame, horizon_weeks: float) -> dict:
    from lifetimes import BetaGeoFitter, GammaGammaFitter

    notes: list[str] = []
    t0 = time.perf_counter()
    x = s["x"].to_numpy()
    bgf, bg_pen = fit_with_retry(lambda p: BetaGeoFitter(penalizer_coef=p),
                                 (x, s["t_x"].to_numpy(), s["T"].to_numpy()), "BG/NBD", notes)
    rep = (s["x"] >= 1) & (s["m"] > 0)
    if rep.sum() < 2:
        fail(f"only {int(rep.sum())} customers with repeat purchases of positive mean value: "
             f"too few for Gamma-Gamma")
    ggf, gg_pen = fit_with_retry(lambda p: GammaGammaFitter(penalizer_coef=p),
                                 (s.loc[rep, "x"].to_numpy(), s.loc[rep, "m"].to_numpy()),
                                 "Gamma-Gamma", notes)
    with np.errstate(all="ignore"):
        purchases = np.asarray(bgf.conditional_expected_number_of_purchases_up_to_time(
            horizon_weeks, x, s["t_x"].to_numpy(), s["T"].to_numpy()), dtype=float)
        p, q, v = (float(ggf.params_[k]) for k in ("p", "q", "v"))
        if q > 1:
            population = p * v / (q - 1)
        else:
            # The Gamma-Gamma mean does not exist for q <= 1. Instead the mean value of all
            # repeat purchases, what Kundenwert uses when it has no Gamma-Gamma fit.
            r = s.loc[s["x"] >= 1]
            population = float((r["x"] * r["m"]).sum() / r["x"].sum())
            notes.append(f"Gamma-Gamma q = {q:.3f} <= 1: no population mean; used the mean "
                         f"repeat spend {population:,.2f} for customers without repeat purchases")
        spend = np.full(len(s), population)
        spend[rep.to_numpy()] = np.asarray(ggf.conditional_expected_average_profit(
            s.loc[rep, "x"].to_numpy(), s.loc[rep, "m"].to_numpy()), dtype=float)
        own = ((s["x"] >= 1) & (s["m"] <= 0)).to_numpy()
        spend[own] = s["m"].to_numpy()[own]
        predicted = purchases * spend
    seconds = time.perf_counter() - t0
    bad = ~np.isfinite(predicted)
    if bad.any():
        notes.append(f"lifetimes: {int(bad.sum())} predictions not finite, counted as 0")
        predicted = np.where(bad, 0.0, predicted)
    return {
        "predicted": predicted, "seconds": seconds, "notes": notes, "population_spend": population,
        "bg_nbd": {"penalizer_coef": bg_pen, **{k: float(bgf.params_[k]) for k in ("r", "alpha", "a", "b")}},
        "gamma_gamma": {"penalizer_coef": gg_pen, "customers": int(rep.sum()), "p": p, "q": q, "v": v},
        "expected_purchases": float(np.nansum(purchases)),
    }


# --------------------------------------------------------------------------- Kundenwert JSON


def read_kundenwert(path: str, as_of: dt.date, horizon: int, notes: list[str]) -> tuple[dict, dict]:
    with open(path, encoding="utf-8") as f:
        d = json.load(f)
    if not isinstance(d, dict) or not isinstance(d.get("customers"), list):
        fail(f"{path}: not the JSON of `kundenwert analyze --json` (no `customers` array)")
    if d.get("as_of") != as_of.isoformat():
        fail(f"{path} is as of {d.get('as_of')}, not {as_of}: run `kundenwert analyze` with "
             f"--as-of {as_of}")
    models = d.get("models") or {}
    if models.get("horizon_months") not in (None, horizon):
        fail(f"{path} has a horizon of {models['horizon_months']} months, not {horizon}")
    rate = models.get("discount_rate")
    if rate:
        notes.append(f"Kundenwert's future values are discounted ({rate:.0%} a year), lifetimes' "
                     f"are not: run `kundenwert analyze` with --discount-rate 0 for a like comparison")
    if d.get("cost_to_serve"):
        notes.append("Kundenwert's values include cost to serve (margin II); the actuals here do not")
    out = {}
    for c in d["customers"]:
        cid = str(c["id"])
        if cid in out:
            fail(f"{path}: customer {cid!r} appears twice")
        out[cid] = c
    return out, d


# --------------------------------------------------------------------------- table


def ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


def build_table(s: pd.DataFrame, kw: dict) -> list[dict]:
    df = pd.DataFrame({
        "type": [kw[i].get("type") or "(none)" for i in s.index],
        "actual": s["actual"].to_numpy(),
        "lt": s["lt_pred"].to_numpy(),
        "kw": [kw[i].get("future_value") for i in s.index],
        "low": [kw[i].get("future_value_low") for i in s.index],
        "high": [kw[i].get("future_value_high") for i in s.index],
    })
    df["kw"] = pd.to_numeric(df["kw"], errors="coerce")
    df["low"] = pd.to_numeric(df["low"], errors="coerce")
    df["high"] = pd.to_numeric(df["high"], errors="coerce")
    has_kw = df["kw"].notna()
    has_range = df["low"].notna() & df["high"].notna()
    df["inside"] = (has_range & (df["low"] - CENT_SLACK <= df["actual"])
                    & (df["actual"] <= df["high"] + CENT_SLACK))
    total = float(df["actual"].sum())
    counts = df["type"].value_counts()
    order = sorted(counts.index, key=lambda t: (-counts[t], t))
    rows = []
    for t in order + ["all"]:
        g = df if t == "all" else df[df["type"] == t]
        k = g[has_kw.loc[g.index]]
        r = g[has_range.loc[g.index]]
        rows.append({
            "type": t,
            "customers": len(g),
            "actual": float(g["actual"].sum()),
            "lifetimes_predicted": float(g["lt"].sum()),
            "kundenwert_predicted": float(k["kw"].sum()),
            "lifetimes_ratio": ratio(float(g["lt"].sum()), float(g["actual"].sum())),
            # Over the customers Kundenwert gave a future value (normally all of them).
            "kundenwert_ratio": ratio(float(k["kw"].sum()), float(k["actual"].sum())),
            "kundenwert_customers": len(k),
            "kundenwert_in_range": ratio(float(r["inside"].sum()), len(r)),
            "actual_share": ratio(float(g["actual"].sum()), total),
        })
    return rows


def fmt(v: float, spec: str) -> str:
    return "n/a" if v is None or not math.isfinite(v) else format(v, spec)


def print_table(rows: list[dict]) -> None:
    head = ("type", "customers", "lifetimes pred/act", "Kundenwert pred/act",
            "Kundenwert in range", "share of actual")
    body = [(r["type"], f"{r['customers']:,}", fmt(r["lifetimes_ratio"], ".3f"),
             fmt(r["kundenwert_ratio"], ".3f"), fmt(r["kundenwert_in_range"], ".1%"),
             fmt(r["actual_share"], ".1%")) for r in rows]
    widths = [max(len(h), *(len(b[i]) for b in body)) for i, h in enumerate(head)]
    line = lambda cells: "  ".join(
        c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))
    print(line(head))
    print("  ".join("-" * w for w in widths))
    for i, b in enumerate(body):
        if i == len(body) - 1:
            print("  ".join("-" * w for w in widths))
        print(line(b))


def json_safe(v):
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, dict):
        return {k: json_safe(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [json_safe(x) for x in v]
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return json_safe(float(v))
    return v


# --------------------------------------------------------------------------- main


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("export", help="invoice export (CSV)")
    ap.add_argument("--as-of", required=True, type=dt.date.fromisoformat, help="YYYY-MM-DD")
    ap.add_argument("--horizon", required=True, type=int, help="months after as-of")
    ap.add_argument("--kundenwert-json", required=True,
                    help="output of `kundenwert analyze EXPORT --as-of DATE --json`")
    ap.add_argument("--json", metavar="OUT", help="also write the table (and fits) as JSON")
    ap.add_argument("--customer-col")
    ap.add_argument("--date-col")
    ap.add_argument("--revenue-col")
    ap.add_argument("--cost-col")
    args = ap.parse_args()
    if args.horizon < 1:
        fail("--horizon must be at least 1 month")
    try:
        import lifetimes  # noqa: F401
    except ImportError:
        fail("the Python package lifetimes is missing; see the set-up in this script's docstring")

    t_start = time.perf_counter()
    notes: list[str] = []
    as_of = args.as_of
    end = add_months(as_of, args.horizon)
    horizon_weeks = args.horizon * (365.25 / 12) / WEEK

    ex = read_export(args.export, args)
    t_read = time.perf_counter() - t_start
    if not len(ex["day"]):
        fail(f"{args.export}: no usable rows ({ex['rows']:,} read, {ex['rejected']:,} not parsed: "
             + ", ".join(f"{k} {v:,}" for k, v in ex["reasons"].items() if v) + ")")
    s = summarize(ex, as_of, end)
    if s.empty:
        fail(f"{args.export}: no rows dated on or before {as_of}")
    last_day = dt.date.fromordinal(int(ex["day"].max()))
    if last_day < end:
        notes.append(f"the export ends on {last_day}, before the end of the window {end}: "
                     f"the actuals cover only part of the horizon")
    ev_c, ev_p = ex["decimal_evidence"]
    if ev_c and ev_p:
        notes.append(f"amounts: {ev_c:,} distinct amounts look like decimal comma, {ev_p:,} like decimal "
                     f"point; read as decimal {'comma' if ex['decimal'] == ',' else 'point'}")

    kw, kw_doc = read_kundenwert(args.kundenwert_json, as_of, args.horizon, notes)
    basis = kw_doc.get("value_basis")
    if basis and basis != ("margin" if ex["has_cost"] else "revenue"):
        fail(f"Kundenwert's values are {basis}, but the export read here "
             f"{'has' if ex['has_cost'] else 'has no'} cost column (see --cost-col)")
    missing = [i for i in kw if i not in s.index]
    if missing:
        fail(f"{len(missing):,} customers of {args.kundenwert_json} have no rows up to {as_of} "
             f"in {args.export}, e.g. {missing[:5]}: JSON and export do not belong together")
    extra = [i for i in s.index if i not in kw]
    if extra:
        fail(f"{len(extra):,} customers with rows up to {as_of} in {args.export} are not in "
             f"{args.kundenwert_json}, e.g. {extra[:5]}: JSON and export do not belong together")

    lt = lifetimes_predict(s, horizon_weeks)
    s["lt_pred"] = lt["predicted"]
    notes = lt["notes"] + notes
    rows = build_table(s, kw)
    t_total = time.perf_counter() - t_start

    # ---- report
    cols = ex["columns"]
    print(f"export: {os.path.basename(args.export)}: {ex['encoding']}, delimiter {ex['delimiter']!r}, "
          f"decimal {'comma' if ex['decimal'] == ',' else 'point'}, dates {ex['date_format']}; "
          f"columns {', '.join(f'{k}={v!r}' for k, v in cols.items() if v)}")
    print(f"rows: {ex['rows']:,} read, {ex['rejected']:,} not parsed"
          + (f" ({', '.join(f'{k} {v:,}' for k, v in ex['reasons'].items() if v)})" if ex["rejected"] else "")
          + (f", {ex['malformed_lines']:,} lines the CSV parser could not split skipped" if ex["malformed_lines"] else "")
          + f"; value = {'revenue - cost (margin)' if ex['has_cost'] else 'revenue'}")
    for e in ex["examples"]:
        print(f"  not parsed: {e}")
    print(f"as-of {as_of}, horizon {args.horizon} months = {horizon_weeks:.2f} weeks; "
          f"actuals from {as_of + dt.timedelta(days=1)} to {end}")
    n_rep = lt["gamma_gamma"]["customers"]
    print(f"customers compared: {len(s):,} (with rows up to as-of); "
          f"{int((s['x'] >= 1).sum()):,} with repeat purchases, {n_rep:,} of them with positive "
          f"mean repeat spend (Gamma-Gamma)")
    bg, gg = lt["bg_nbd"], lt["gamma_gamma"]
    print(f"lifetimes BG/NBD (penalizer_coef {bg['penalizer_coef']:g}): r={bg['r']:.6g} "
          f"alpha={bg['alpha']:.6g} a={bg['a']:.6g} b={bg['b']:.6g}")
    print(f"lifetimes Gamma-Gamma (penalizer_coef {gg['penalizer_coef']:g}): p={gg['p']:.6g} "
          f"q={gg['q']:.6g} v={gg['v']:.6g}; population mean spend {lt['population_spend']:,.2f}")
    models = kw_doc.get("models") or {}
    kb, kg = models.get("bg_nbd"), models.get("gamma_gamma")
    if kb and kg:
        print(f"(Kundenwert's own fits: BG/NBD r={kb['r']:.6g} alpha={kb['alpha']:.6g} a={kb['a']:.6g} "
              f"b={kb['b']:.6g}; Gamma-Gamma p={kg['p']:.6g} q={kg['q']:.6g} gamma={kg['gamma']:.6g})")
    print(f"lifetimes fit + predict: {lt['seconds']:.2f} s (reading and summarizing the export "
          f"{t_read:.2f} s, whole run {t_total:.2f} s)")
    for n in notes:
        print(f"note: {n}")
    nkw = rows[-1]["kundenwert_customers"]
    if nkw != rows[-1]["customers"]:
        print(f"note: {rows[-1]['customers'] - nkw:,} customers have no future value in the "
              f"Kundenwert JSON; its ratio leaves them out")
    print()
    print_table(rows)
    print()
    print("pred/act: sum of predicted over sum of actual value in the window (1 = right on the total).\n"
          "in range: share of customers whose actual value lies in Kundenwert's [future_value_low,\n"
          "future_value_high] (lifetimes gives no ranges). share of actual: the type's part of the\n"
          "compared customers' actual value in the window.")

    if args.json:
        out = {
            "export": args.export, "kundenwert_json": args.kundenwert_json,
            "as_of": as_of.isoformat(), "horizon_months": args.horizon,
            "horizon_weeks": horizon_weeks,
            "window": {"from": (as_of + dt.timedelta(days=1)).isoformat(), "to": end.isoformat()},
            "input": {k: ex[k] for k in ("encoding", "delimiter", "decimal", "date_format", "columns",
                                         "rows", "rejected", "reasons", "malformed_lines", "has_cost")},
            "customers": len(s),
            "lifetimes": {"bg_nbd": bg, "gamma_gamma": gg, "population_spend": lt["population_spend"],
                          "expected_purchases": lt["expected_purchases"],
                          "seconds": lt["seconds"]},
            "seconds": {"read": t_read, "total": t_total},
            "notes": notes,
            "table": rows,
        }
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(json_safe(out), f, indent=1)
            f.write("\n")
    return 0


if __name__ == "__main__":
    # `... | head` ends quietly instead of with a BrokenPipeError traceback.
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main())
