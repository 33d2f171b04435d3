#!/usr/bin/env python3
"""Deterministic synthetic ERP invoice-line CSV generator for the Kundenwert benchmarks.

Shape of the data (all of it derived from --seed, so the same arguments always give
byte-identical output):

* Documents (invoices) of 1-5 lines; all lines of a document share invoice_no,
  customer_id and invoice_date. Documents are numbered chronologically
  (``INV00000001`` ...), like an ERP export sorted by document number.
* ~2% of documents are credit notes (``CRN`` prefix, same number range); all their
  lines have negative quantity, revenue and cost, so ~2% of lines are negative.
* Customers ``C0000001`` .. ``C{customers}`` with log-normally skewed activity: a few
  customers buy almost daily, most buy a handful of times, many never appear.
* Dates 2022-01-01 .. 2024-12-31 with weekday/weekend, seasonal and growth patterns.
* Products ``P00001`` .. from a catalogue with Zipf-like popularity, a list price and
  a unit cost; quantities are geometric-ish, some lines get a 5-15% discount.
* Money with exactly two decimals.

English (default): ``,`` delimiter, ``YYYY-MM-DD``, decimal point, UTF-8 (pure ASCII),
header ``invoice_no,customer_id,invoice_date,product,quantity,revenue,cost``.

``--german``: the very same records with ``;``, ``DD.MM.YYYY``, decimal comma, CRLF line
endings, cp1252, header
``Belegnummer;Kundennr.;Belegdatum;Artikel;Menge;Nettoumsatz;Wareneinsatz``.
(All values are ASCII, so the cp1252 file has no bytes >= 0x80.)

Rows are formatted fully vectorised: every field becomes a fixed-width uint8 matrix plus
a "keep" mask, and ``matrix[mask]`` yields the variable-width CSV bytes of a whole chunk.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time

import numpy as np

START = dt.date(2022, 1, 1)
END = dt.date(2024, 12, 31)

LINES_PER_DOC = np.array([1, 2, 3, 4, 5])
LINES_PER_DOC_P = np.array([0.34, 0.26, 0.18, 0.12, 0.10])  # mean 2.38 lines/document
CREDIT_NOTE_SHARE = 0.02
N_PRODUCTS = 20_000
CHUNK_DOCS = 50_000  # fixed: part of the deterministic RNG stream, do not make it depend on args

HEADER_EN = "invoice_no,customer_id,invoice_date,product,quantity,revenue,cost"
HEADER_DE = "Belegnummer;Kundennr.;Belegdatum;Artikel;Menge;Nettoumsatz;Wareneinsatz"


# ----------------------------------------------------------------------------- formatting


def _const(n: int, s: str) -> tuple[np.ndarray, np.ndarray]:
    b = np.frombuffer(s.encode("ascii"), dtype=np.uint8)
    return np.broadcast_to(b, (n, len(b))), np.ones((n, len(b)), dtype=bool)


def _table(strings: list[str]) -> np.ndarray:
    """List of equal-length ASCII strings -> (len, width) uint8 lookup table."""
    width = len(strings[0])
    assert all(len(s) == width for s in strings)
    return np.frombuffer("".join(strings).encode("ascii"), dtype=np.uint8).reshape(len(strings), width)


def _fixed(table: np.ndarray, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    m = table[idx]
    return m, np.ones(m.shape, dtype=bool)


def _zero_padded(prefix_idx: np.ndarray, prefixes: list[str], v: np.ndarray, width: int):
    """prefix (chosen per row) + zero-padded decimal of v, fixed width."""
    pre = _table(prefixes)[prefix_idx]
    pows = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    digits = ((v.astype(np.int64)[:, None] // pows) % 10 + 48).astype(np.uint8)
    m = np.concatenate([pre, digits], axis=1)
    return m, np.ones(m.shape, dtype=bool)


def _uint(v: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Non-negative integers without leading zeros (at least one digit)."""
    v = v.astype(np.int64)
    pows = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    digits = ((v[:, None] // pows) % 10 + 48).astype(np.uint8)
    keep = v[:, None] >= pows
    keep[:, -1] = True
    return digits, keep


def _signed_int(v: np.ndarray, width: int):
    sign = np.full((len(v), 1), ord("-"), dtype=np.uint8)
    d, k = _uint(np.abs(v), width)
    return np.concatenate([sign, d], axis=1), np.concatenate([(v < 0)[:, None], k], axis=1)


def _money(cents: np.ndarray, width: int, dec_sep: str):
    """Signed cents -> '-123.45' (variable width, always two decimals)."""
    a = np.abs(cents)
    sign = np.full((len(cents), 1), ord("-"), dtype=np.uint8)
    ip, ik = _uint(a // 100, width)
    sep = np.full((len(cents), 1), ord(dec_sep), dtype=np.uint8)
    frac = a % 100
    fd = np.stack([frac // 10 + 48, frac % 10 + 48], axis=1).astype(np.uint8)
    m = np.concatenate([sign, ip, sep, fd], axis=1)
    k = np.concatenate([(cents < 0)[:, None], ik, np.ones((len(cents), 3), dtype=bool)], axis=1)
    return m, k


def _assemble(fields, delim: str, eol: str) -> bytes:
    n = fields[0][0].shape[0]
    parts_m, parts_k = [], []
    for i, (m, k) in enumerate(fields):
        if i:
            dm, dk = _const(n, delim)
            parts_m.append(dm)
            parts_k.append(dk)
        parts_m.append(m)
        parts_k.append(k)
    em, ek = _const(n, eol)
    parts_m.append(em)
    parts_k.append(ek)
    m = np.concatenate(parts_m, axis=1)
    k = np.concatenate(parts_k, axis=1)
    return m[k].tobytes()


# ----------------------------------------------------------------------------- generation


def _day_weights(days: np.ndarray) -> np.ndarray:
    dates = [START + dt.timedelta(days=int(d)) for d in days]
    wd = np.array([d.weekday() for d in dates])
    month = np.array([d.month for d in dates])
    w = np.where(wd < 5, 1.0, np.where(wd == 5, 0.12, 0.03))  # Mon-Fri busy, Sat little, Sun ~none
    season = np.array([0, 0.90, 0.95, 1.05, 1.0, 1.0, 0.95, 0.80, 0.85, 1.05, 1.10, 1.20, 1.15])
    w *= season[month]
    w *= 1.0 + 0.25 * days / days[-1]  # the business grows ~25% over three years
    return w / w.sum()


def generate(rows: int, customers: int, out, seed: int, german: bool, progress: bool) -> dict:
    rng = np.random.default_rng(seed)
    n_days = (END - START).days + 1

    # --- documents (all of them at once: ~rows/2.4 docs, a few bytes each) -----------
    est = int(rows / float((LINES_PER_DOC * LINES_PER_DOC_P).sum()) * 1.05) + 16
    nlines = rng.choice(LINES_PER_DOC, size=est, p=LINES_PER_DOC_P).astype(np.int64)
    while nlines.sum() < rows:  # essentially never; keeps --rows exact for tiny inputs
        nlines = np.concatenate([nlines, rng.choice(LINES_PER_DOC, size=est, p=LINES_PER_DOC_P)])
    csum = np.cumsum(nlines)
    n_docs = int(np.searchsorted(csum, rows) + 1)
    nlines = nlines[:n_docs].copy()
    nlines[-1] -= int(csum[n_docs - 1] - rows)  # trim the last document so sum == rows exactly
    nlines = nlines.astype(np.int8)
    del csum

    day_p = _day_weights(np.arange(n_days))
    doc_day = np.sort(rng.choice(n_days, size=n_docs, p=day_p)).astype(np.int32)

    # Skewed customer activity: log-normal propensities, assigned to random customer ids.
    activity = rng.lognormal(mean=0.0, sigma=1.6, size=customers)
    cdf = np.cumsum(activity)
    cdf /= cdf[-1]
    doc_cust = np.searchsorted(cdf, rng.random(n_docs), side="right").astype(np.int64)
    np.minimum(doc_cust, customers - 1, out=doc_cust)
    doc_cust = (rng.permutation(customers)[doc_cust] + 1).astype(np.int32)  # decouple activity from id order
    doc_credit = rng.random(n_docs) < CREDIT_NOTE_SHARE
    # Loyal customers get a standing discount more often.
    cust_discount = np.where(rng.random(customers + 1) < 0.15, rng.choice([5, 10, 15], customers + 1), 0)

    # --- product catalogue -------------------------------------------------------------
    pop = 1.0 / np.arange(1, N_PRODUCTS + 1) ** 0.9
    pop = pop[rng.permutation(N_PRODUCTS)]
    prod_cdf = np.cumsum(pop)
    prod_cdf /= prod_cdf[-1]
    price_cents = np.maximum(np.round(rng.lognormal(np.log(2500), 1.1, N_PRODUCTS)), 19).astype(np.int64)
    cost_ratio = rng.uniform(0.45, 0.85, N_PRODUCTS)
    unit_cost_cents = np.maximum(np.round(price_cents * cost_ratio), 1).astype(np.int64)

    # --- lookup tables for fixed-width fields -----------------------------------------
    dates = [START + dt.timedelta(days=d) for d in range(n_days)]
    date_tab = _table([d.strftime("%d.%m.%Y" if german else "%Y-%m-%d") for d in dates])
    pw = max(5, len(str(N_PRODUCTS)))
    prod_tab = _table([f"P{i:0{pw}d}" for i in range(1, N_PRODUCTS + 1)])
    cw = max(7, len(str(customers)))
    iw = max(8, len(str(n_docs)))
    delim, dec, eol = (";", ",", "\r\n") if german else (",", ".", "\n")

    out.write(((HEADER_DE if german else HEADER_EN) + eol).encode("cp1252" if german else "ascii"))

    t0 = time.time()
    written = 0
    neg_lines = 0
    rev_total = 0
    for d0 in range(0, n_docs, CHUNK_DOCS):
        d1 = min(n_docs, d0 + CHUNK_DOCS)
        nl = nlines[d0:d1]
        doc_idx = np.repeat(np.arange(d0, d1), nl)
        n = len(doc_idx)
        credit = doc_credit[doc_idx]
        cust = doc_cust[doc_idx]

        prod = np.searchsorted(prod_cdf, rng.random(n), side="right")
        np.minimum(prod, N_PRODUCTS - 1, out=prod)
        qty = np.minimum(rng.geometric(0.30, n), 500).astype(np.int64)
        bulk = rng.random(n) < 0.01
        qty[bulk] *= rng.choice([10, 20, 50], int(bulk.sum()))
        disc = cust_discount[cust].astype(np.int64)
        promo = rng.random(n) < 0.05
        disc[promo] = np.maximum(disc[promo], 10)
        rev = (qty * price_cents[prod] * (100 - disc) + 50) // 100
        cost = qty * unit_cost_cents[prod]
        sgn = np.where(credit, -1, 1)
        qty, rev, cost = qty * sgn, rev * sgn, cost * sgn

        fields = [
            _zero_padded(credit[:].astype(np.int64), ["INV", "CRN"], doc_idx + 1, iw),
            _zero_padded(np.zeros(n, dtype=np.int64), ["C"], cust, cw),
            _fixed(date_tab, doc_day[doc_idx]),
            _fixed(prod_tab, prod),
            _signed_int(qty, 6),
            _money(rev, 10, dec),
            _money(cost, 10, dec),
        ]
        out.write(_assemble(fields, delim, eol))
        written += n
        neg_lines += int(credit.sum())
        rev_total += int(rev.sum())
        if progress:
            el = time.time() - t0
            print(f"\r  {written:,}/{rows:,} rows  {el:5.1f}s", end="", file=sys.stderr, flush=True)
    if progress:
        print(file=sys.stderr)
    assert written == rows, (written, rows)
    return {
        "rows": written,
        "documents": n_docs,
        "customers_active": int(len(np.unique(doc_cust))),
        "negative_lines": neg_lines,
        "revenue_total_cents": rev_total,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=10_000_000, help="invoice lines (default 10,000,000)")
    ap.add_argument("--customers", type=int, default=1_000_000, help="customer id range (default 1,000,000)")
    ap.add_argument("--out", required=True, help="output CSV path ('-' for stdout)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--german", action="store_true",
                    help="German conventions: ';', decimal comma, DD.MM.YYYY, CRLF, cp1252, German headers")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args()
    if a.rows < 1 or a.customers < 1:
        ap.error("--rows and --customers must be >= 1")

    t0 = time.time()
    if a.out == "-":
        stats = generate(a.rows, a.customers, sys.stdout.buffer, a.seed, a.german, False)
    else:
        tmp = f"{a.out}.tmp{os.getpid()}"
        try:
            with open(tmp, "wb", buffering=1 << 20) as f:
                stats = generate(a.rows, a.customers, f, a.seed, a.german, not a.quiet)
            os.replace(tmp, a.out)  # never leave a half-written file under the final name
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    if not a.quiet:
        size = f", {os.path.getsize(a.out) / 1e6:,.1f} MB" if a.out != "-" else ""
        print(
            f"wrote {a.out}: {stats['rows']:,} rows, {stats['documents']:,} documents, "
            f"{stats['customers_active']:,} active customers, {stats['negative_lines']:,} negative lines "
            f"({100 * stats['negative_lines'] / stats['rows']:.2f}%), revenue total "
            f"{stats['revenue_total_cents'] / 100:,.2f}{size} in {time.time() - t0:.1f}s",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
