#!/usr/bin/env python3
"""Kundenwert lifetime-value fits vs. the Python package `lifetimes` 0.11.3 (issue 4).

Driven by bench/clv_vs_lifetimes.sh; every step can also be run by hand.

    clv_vs_lifetimes.py gen-summaries --customers N --seed S --out SUMMARIES.csv
    clv_vs_lifetimes.py fits SUMMARIES.csv --fit-bench target/release/examples/fit_bench
                             [--pareto-customers M] [--models bg_nbd,pareto_nbd,mbg_nbd,gamma_gamma]
    clv_vs_lifetimes.py path-lifetimes INVOICES.csv --as-of 2024-12-31 [--horizon-weeks 52]
    clv_vs_lifetimes.py versions

lifetimes 0.11.3 (2020) does not import with current numpy/pandas/scipy. Pins that work
(Python 3.11), installed in a venv so the rest of the machine is unaffected:

    python3 -m venv /tmp/lifetimes-venv
    /tmp/lifetimes-venv/bin/pip install lifetimes==0.11.3 "numpy<1.27" "pandas<2.1" "scipy<1.12"
    # resolved: numpy 1.26.4, pandas 2.0.3, scipy 1.11.4, autograd 1.9.1, dill 0.4.1

The summaries (``gen-summaries``) come from a known BG/NBD process with the CDNOW estimates
(r=0.243, alpha=4.414, a=0.793, b=2.426; Fader, Hardie & Lee 2005) and Gamma-Gamma spend
(p=6.25, q=3.74, gamma=15.44; Fader, Hardie & Lee 2005b), time unit = weeks, calibration
period 78 weeks (546 days), first purchases uniform over its days. Times are recorded at day
resolution (t_x and T are whole days / 7), as summaries built from dated transactions are,
so identical customers exist and compression matters. Deterministic for given --customers
and --seed (numpy PCG64).

``fits`` runs kundenwert's `fit_bench` example and lifetimes' fitters on the *same* CSV in one
run and prints times, ratios and parameter agreement. lifetimes is used the way its
documentation shows: one row per customer, ``penalizer_coef=0``, default tolerance; each
``.fit(...)`` call is timed (it includes lifetimes' own Hessian/standard errors, as ours does).
The log-likelihood of both parameter sets is evaluated with lifetimes' own likelihood
function on the unscaled data, so "who found the better optimum" is judged by one yardstick.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import time

import numpy as np

BG_TRUE = dict(r=0.243, alpha=4.414, a=0.793, b=2.426)
GG_TRUE = dict(p=6.25, q=3.74, gamma=15.44)
CAL_DAYS = 546  # 78 weeks

# our parameter name -> lifetimes parameter name
PARAM_NAMES = {
    "bg_nbd": [("r", "r"), ("alpha", "alpha"), ("a", "a"), ("b", "b")],
    "mbg_nbd": [("r", "r"), ("alpha", "alpha"), ("a", "a"), ("b", "b")],
    "pareto_nbd": [("r", "r"), ("alpha", "alpha"), ("s", "s"), ("beta", "beta")],
    "gamma_gamma": [("p", "p"), ("q", "q"), ("gamma", "v")],
}
LABEL = {
    "bg_nbd": "BG/NBD",
    "pareto_nbd": "Pareto/NBD",
    "mbg_nbd": "MBG/NBD",
    "gamma_gamma": "Gamma-Gamma",
}


# ----------------------------------------------------------------------------- data


def gen_summaries(n: int, seed: int, out: str) -> None:
    import pandas as pd

    t_start = time.perf_counter()
    rng = np.random.default_rng(seed)
    first_day = rng.integers(0, CAL_DAYS, size=n)  # first purchase on day 0..545
    T_days = CAL_DAYS - first_day  # 1..546
    T = T_days / 7.0
    lam = rng.gamma(BG_TRUE["r"], 1.0 / BG_TRUE["alpha"], size=n)  # purchases per week
    p = rng.beta(BG_TRUE["a"], BG_TRUE["b"], size=n)  # dropout after each purchase
    x = np.zeros(n, dtype=np.int64)
    t_x = np.zeros(n)
    t = np.zeros(n)
    active = np.arange(n)
    while active.size:
        t_new = t[active] + rng.exponential(1.0, size=active.size) / lam[active]
        inside = t_new <= T[active]
        idx = active[inside]
        x[idx] += 1
        t[idx] = t_new[inside]
        t_x[idx] = t_new[inside]
        alive = rng.random(idx.size) >= p[idx]
        active = idx[alive]
    # day resolution, as summaries from dated transactions have
    t_x_days = np.minimum(np.floor(t_x * 7.0), T_days)
    t_x_days[x == 0] = 0
    # Gamma-Gamma spend: nu ~ Gamma(q, 1/gamma); mean of x spends ~ Gamma(p x, 1/(nu x))
    nu = rng.gamma(GG_TRUE["q"], 1.0 / GG_TRUE["gamma"], size=n)
    xs = np.maximum(x, 1)
    m = rng.gamma(GG_TRUE["p"] * xs, 1.0 / (nu * xs))
    m = np.maximum(np.round(m, 2), 0.01)
    m_str = np.where(x > 0, np.char.mod("%.2f", m), "")
    df = pd.DataFrame(
        {
            "x": x,
            "t_x": np.char.mod("%.10g", t_x_days / 7.0),
            "T": np.char.mod("%.10g", T),
            "m": m_str,
        }
    )
    tmp = out + ".tmp"
    df.to_csv(tmp, index=False)
    os.replace(tmp, out)
    print(
        f"generated {out}: {n} customers, {(x > 0).sum()} repeat buyers, mean x {x.mean():.3f}, "
        f"max x {x.max()}, {time.perf_counter() - t_start:.1f} s",
        file=sys.stderr,
    )


def read_summaries(path: str):
    import pandas as pd

    df = pd.read_csv(path, dtype={"x": np.int64, "t_x": np.float64, "T": np.float64, "m": np.float64})
    return df


# ----------------------------------------------------------------------------- lifetimes side


def lt_fitter(model: str):
    from lifetimes import BetaGeoFitter, GammaGammaFitter, ModifiedBetaGeoFitter, ParetoNBDFitter

    return {
        "bg_nbd": BetaGeoFitter,
        "pareto_nbd": ParetoNBDFitter,
        "mbg_nbd": ModifiedBetaGeoFitter,
        "gamma_gamma": GammaGammaFitter,
    }[model](penalizer_coef=0.0)


def lt_total_ll(model: str, params: dict, df) -> float:
    """Total log-likelihood of `params` (lifetimes names) with lifetimes' own likelihood."""
    from lifetimes import BetaGeoFitter, GammaGammaFitter, ModifiedBetaGeoFitter, ParetoNBDFitter

    if model == "gamma_gamma":
        x = df["x"].to_numpy(dtype=float)
        m = df["m"].to_numpy(dtype=float)
        w = np.ones_like(x)
        lp = np.log([params["p"], params["q"], params["v"]])
        return -float(GammaGammaFitter._negative_log_likelihood(lp, x, m, w, 0.0)) * w.sum()
    x = df["x"].to_numpy()
    rec = df["t_x"].to_numpy(dtype=float)
    T = df["T"].to_numpy(dtype=float)
    w = np.ones(len(x), dtype=np.int64)
    if model == "pareto_nbd":
        v = [params["r"], params["alpha"], params["s"], params["beta"]]
        return -float(ParetoNBDFitter._negative_log_likelihood(v, x, rec, T, w, 0.0)) * w.mean()
    lp = np.log([params["r"], params["alpha"], params["a"], params["b"]])
    cls = BetaGeoFitter if model == "bg_nbd" else ModifiedBetaGeoFitter
    return -float(cls._negative_log_likelihood(lp, x, rec, T, w, 0.0)) * w.sum()


def lt_fit(model: str, df) -> dict:
    f = lt_fitter(model)
    t0 = time.perf_counter()
    try:
        if model == "gamma_gamma":
            f.fit(df["x"], df["m"])
        else:
            f.fit(df["x"], df["t_x"], df["T"])
    except Exception as e:  # ConvergenceError and friends: report, don't abort the table
        return {"seconds": time.perf_counter() - t0, "error": f"{type(e).__name__}: {e}".strip()}
    secs = time.perf_counter() - t0
    return {"seconds": secs, "params": {k: float(v) for k, v in f.params_.items()}}


def run_kw(fit_bench: str, csv: str, models: list[str]) -> dict:
    cmd = [fit_bench, csv, ",".join(models)]
    print("   $ " + " ".join(cmd), file=sys.stderr)
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        sys.exit(f"fit_bench failed (exit {res.returncode}):\n{res.stderr}")
    out = {}
    for line in res.stdout.splitlines():
        o = json.loads(line)
        out[o.get("model") or o.get("step")] = o
    return out


def fits(args) -> int:
    import pandas as pd

    models = [m for m in args.models.split(",") if m]
    t0 = time.perf_counter()
    df = read_summaries(args.summaries)
    n = len(df)
    print(f"== read {args.summaries}: {n} customers ({time.perf_counter() - t0:.1f} s, not timed below)",
          file=sys.stderr)
    gg = df[(df["x"] > 0) & df["m"].notna() & (df["m"] > 0)]
    n_pareto = min(args.pareto_customers or n, n)
    sub_csv = None
    if "pareto_nbd" in models and n_pareto < n:
        # lifetimes' Pareto/NBD on all customers would take too long: both tools get the same
        # first n_pareto rows (a random sample: rows are i.i.d. in the generator).
        sub_csv = args.summaries.replace(".csv", f"_first{n_pareto}.csv")
        df.iloc[:n_pareto].to_csv(sub_csv, index=False)

    # ---- kundenwert (same CSV, same run)
    print("== kundenwert fit_bench", file=sys.stderr)
    kw = run_kw(args.fit_bench, args.summaries, models)
    if sub_csv:
        kw_sub = run_kw(args.fit_bench, sub_csv, ["pareto_nbd"])
        kw["pareto_nbd_all"] = kw["pareto_nbd"]
        kw["pareto_nbd"] = kw_sub["pareto_nbd"]
        kw["compress_pareto"] = kw_sub["compress"]

    # ---- lifetimes
    results = {}
    for m in models:
        data = gg if m == "gamma_gamma" else (df.iloc[:n_pareto] if m == "pareto_nbd" else df)
        print(f"== lifetimes {m} on {len(data)} customers ...", file=sys.stderr, flush=True)
        lt = lt_fit(m, data)
        print(f"   {lt['seconds']:.1f} s {lt.get('params', lt.get('error'))}", file=sys.stderr, flush=True)
        ours = {lm: kw[m]["params"][om] for om, lm in PARAM_NAMES[m]}
        row = {"model": m, "n": len(data), "kw": kw[m], "lt": lt, "ours_lt_names": ours}
        if "params" in lt:
            row["rel_diff"] = {
                lm: abs(ours[lm] - lt["params"][lm]) / abs(lt["params"][lm]) for _, lm in PARAM_NAMES[m]
            }
            row["ll_ours"] = lt_total_ll(m, ours, data)
            row["ll_lt"] = lt_total_ll(m, lt["params"], data)
        results[m] = row

    # ---- report
    print()
    print(f"== fits: {n} customers from {args.summaries}"
          + (f"; Pareto/NBD on the first {n_pareto}" if n_pareto < n else ""))
    c = kw["compress"]
    print(f"kundenwert: read {kw['read']['seconds']:.3f} s (not counted), compress {c['seconds']:.3f} s "
          f"({c['customers']} -> {c['distinct_rows']} distinct (x, t_x, T) rows, counted in every "
          f"transaction model's time)")
    hdr = f"{'model':<12} {'customers':>10} {'kundenwert s':>13} {'lifetimes s':>12} {'ratio':>8}  {'max rel. param diff':>20}  {'LL(kw) - LL(lifetimes)':>23}"
    print(hdr)
    print("-" * len(hdr))
    for m in models:
        r = results[m]
        kws = r["kw"]["seconds"]
        if "error" in r["lt"]:
            print(f"{LABEL[m]:<12} {r['n']:>10} {kws:>13.3f} {r['lt']['seconds']:>12.2f} {'-':>8}  lifetimes failed: {r['lt']['error'][:60]}")
            continue
        lts = r["lt"]["seconds"]
        ratio = lts / kws if kws > 0 else float("inf")
        md = max(r["rel_diff"].values())
        print(f"{LABEL[m]:<12} {r['n']:>10} {kws:>13.3f} {lts:>12.2f} {ratio:>7.1f}x  {md:>20.2e}  {r['ll_ours'] - r['ll_lt']:>23.4f}")
    print()
    print("parameters (kundenwert / lifetimes / relative difference); true generating values: "
          f"BG/NBD {BG_TRUE}, Gamma-Gamma {GG_TRUE}")
    for m in models:
        r = results[m]
        parts = []
        for om, lm in PARAM_NAMES[m]:
            o = r["ours_lt_names"][lm]
            if "params" in r["lt"]:
                parts.append(f"{om}={o:.6g}/{r['lt']['params'][lm]:.6g}/{r['rel_diff'][lm]:.1e}")
            else:
                parts.append(f"{om}={o:.6g}/-")
        extra = ""
        if "ll_ours" in r:
            extra = f"  LL kw {r['ll_ours']:.4f}, lifetimes {r['ll_lt']:.4f} (lifetimes' likelihood)"
        print(f"  {LABEL[m]:<12} " + "  ".join(parts) + extra)
        k = r["kw"]
        passes = ""
        if k.get("pass_seconds"):
            passes = (f", one ll+grad pass {k['pass_seconds'] * 1e3:.1f} ms "
                      f"(fit = ~{k['approx_passes']:.0f} passes)")
        print(f"  {'':<12} kundenwert: fit {k['fit_seconds']:.3f} s, {k['iterations']} iterations "
              f"({k['method']}), {k['rows']} rows fitted, LL reported {k['log_likelihood']:.4f}{passes}")
    if "pareto_nbd_all" in kw:
        k = kw["pareto_nbd_all"]
        print(f"  kundenwert Pareto/NBD on all {n} customers: {k['seconds']:.3f} s "
              f"(fit {k['fit_seconds']:.3f} s), params {k['params']}")
    if args.json_out:
        with open(args.json_out, "w") as fh:
            json.dump({"customers": n, "pareto_customers": n_pareto, "kundenwert": kw, "results": results}, fh, indent=1)
    return 0


# ----------------------------------------------------------------------------- whole path


def path_lifetimes(args) -> int:
    """CSV -> per-customer summaries -> the models `kundenwert analyze` fits that lifetimes has
    (--models, default BG/NBD, MBG/NBD, Pareto/NBD and Gamma-Gamma) -> per customer, with every
    fitted model: expected purchases over the horizon and P(alive); with Gamma-Gamma and the
    model of lowest BIC: the discounted customer lifetime value over 12 months. That is the
    work `kundenwert analyze` does with the same models (it also fits BG/CNBD-k, which lifetimes
    lacks, and types every customer)."""
    import pandas as pd
    from lifetimes import BetaGeoFitter, GammaGammaFitter, ModifiedBetaGeoFitter, ParetoNBDFitter
    from lifetimes.utils import ConvergenceError, summary_data_from_transaction_data

    models = [m for m in args.models.split(",") if m]
    fitters = {"bg_nbd": BetaGeoFitter, "mbg_nbd": ModifiedBetaGeoFitter, "pareto_nbd": ParetoNBDFitter}
    t = {}
    t0 = time.perf_counter()
    # gen_invoices.py names the date `invoice_date`, gen_random_buyers.py `date`.
    with open(args.invoices) as f:
        header = f.readline().strip().split(",")
    date_col = "invoice_date" if "invoice_date" in header else "date"
    tx = pd.read_csv(
        args.invoices,
        usecols=["customer_id", date_col, "revenue"],
        dtype={"customer_id": str, "revenue": np.float64},
        parse_dates=[date_col],
        date_format="%Y-%m-%d",
    )
    t["read_csv"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    # Days, divided by 7 for exact weeks (lifetimes' documented way to get CDNOW-style weeks);
    # kept as days for --time-unit day, the horizon then in days too.
    per_unit = 7 if args.time_unit == "week" else 1
    horizon = args.horizon_weeks * 7 / per_unit
    summ = summary_data_from_transaction_data(
        tx, "customer_id", date_col, monetary_value_col="revenue",
        observation_period_end=args.as_of, freq="D", freq_multiplier=per_unit,
    )
    t["summary"] = time.perf_counter() - t1
    n = len(summ)
    out = {"rows": len(tx), "customers": n, "repeat_buyers": int((summ["frequency"] > 0).sum()), "models": {}}
    fitted = {}
    for name in models:
        if name not in fitters:
            continue
        # penalizer_coef=0 first; if scipy reports no convergence (lifetimes raises
        # ConvergenceError and keeps no parameters), retry with the penalizer its error message
        # and docs suggest, as a user would. The fit time counts both attempts.
        attempts = []
        t1 = time.perf_counter()
        model = None
        for pen in (0.0, 0.001):
            ta = time.perf_counter()
            m = fitters[name](penalizer_coef=pen)
            try:
                with contextlib.redirect_stdout(sys.stderr):  # lifetimes prints scipy's result on failure
                    m.fit(summ["frequency"], summ["recency"], summ["T"])
                attempts.append({"penalizer_coef": pen, "seconds": round(time.perf_counter() - ta, 3), "converged": True})
                model = m
                break
            except (ConvergenceError, ValueError, FloatingPointError) as e:
                attempts.append({"penalizer_coef": pen, "seconds": round(time.perf_counter() - ta, 3),
                                 "converged": False, "error": type(e).__name__})
        t[f"{name}_fit"] = time.perf_counter() - t1
        info = {"attempts": attempts, "converged": model is not None}
        if model is not None:
            t1 = time.perf_counter()
            with np.errstate(all="ignore"):
                pred = model.conditional_expected_number_of_purchases_up_to_time(
                    horizon, summ["frequency"], summ["recency"], summ["T"])
                alive = model.conditional_probability_alive(summ["frequency"], summ["recency"], summ["T"])
            t[f"{name}_predict"] = time.perf_counter() - t1
            info.update({
                "params": {p: float(v) for p, v in model.params_.items()},
                "sum_expected_purchases": float(np.nansum(pred)),
                "mean_p_alive": float(np.nanmean(alive)),
                "nan_predictions": int(np.isnan(np.asarray(pred, dtype=float)).sum()),
            })
            fitted[name] = model
        out["models"][name] = info
    if "gamma_gamma" in models:
        t1 = time.perf_counter()
        rep = summ[(summ["frequency"] > 0) & (summ["monetary_value"] > 0)]
        gg = GammaGammaFitter(penalizer_coef=0.0)
        try:
            gg.fit(rep["frequency"], rep["monetary_value"])
            gg_ok = True
        except (ConvergenceError, ValueError) as e:
            gg_ok = False
            out["gamma_gamma_error"] = type(e).__name__
        t["gamma_gamma_fit"] = time.perf_counter() - t1
        if gg_ok and fitted:
            # lifetimes' stored likelihoods are not comparable across its fitters (mean for
            # some, total for others), so no BIC choice here: BG/NBD when it converged (the
            # cheapest predictions, which favours lifetimes), else the first fitted model.
            best = "bg_nbd" if "bg_nbd" in fitted else next(iter(fitted))
            t1 = time.perf_counter()
            with np.errstate(all="ignore"):
                clv = gg.customer_lifetime_value(
                    fitted[best], summ["frequency"], summ["recency"], summ["T"],
                    summ["monetary_value"].where(summ["monetary_value"] > 0, 0.0),
                    time=12, discount_rate=0.10 / 12, freq="W" if per_unit == 7 else "D")
            t["clv"] = time.perf_counter() - t1
            out["clv_model"] = best
            out["sum_clv"] = float(np.nansum(clv))
    t["total_in_python"] = time.perf_counter() - t0
    out["seconds"] = {k: round(v, 3) for k, v in t.items()}
    print(json.dumps(out))
    return 0


def versions() -> int:
    import importlib.metadata as md

    out = [f"python {sys.version.split()[0]}"]
    for p in ["lifetimes", "numpy", "pandas", "scipy", "autograd"]:
        try:
            out.append(f"{p} {md.version(p)}")
        except md.PackageNotFoundError:
            out.append(f"{p} (missing)")
    print(", ".join(out))
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("gen-summaries")
    g.add_argument("--customers", type=int, default=1_000_000)
    g.add_argument("--seed", type=int, default=42)
    g.add_argument("--out", required=True)
    f = sub.add_parser("fits")
    f.add_argument("summaries")
    f.add_argument("--fit-bench", required=True)
    f.add_argument("--models", default="bg_nbd,pareto_nbd,mbg_nbd,gamma_gamma")
    f.add_argument("--pareto-customers", type=int, default=0, help="0 = all")
    f.add_argument("--json-out")
    p = sub.add_parser("path-lifetimes")
    p.add_argument("invoices")
    p.add_argument("--as-of", required=True)
    p.add_argument("--horizon-weeks", type=float, default=52.0)
    p.add_argument("--time-unit", choices=["week", "day"], default="week",
                   help="the models' clock, as kundenwert analyze --time-unit")
    p.add_argument("--models", default="bg_nbd,mbg_nbd,pareto_nbd,gamma_gamma")
    sub.add_parser("versions")
    a = ap.parse_args()
    if a.cmd == "gen-summaries":
        gen_summaries(a.customers, a.seed, a.out)
        return 0
    if a.cmd == "fits":
        return fits(a)
    if a.cmd == "path-lifetimes":
        return path_lifetimes(a)
    return versions()


if __name__ == "__main__":
    sys.exit(main())
