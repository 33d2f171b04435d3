//! Benchmark driver for the model fits (used by `bench/clv_vs_lifetimes.sh`).
//!
//! ```sh
//! cargo build --release -p kundenwert-clv --example fit_bench
//! target/release/examples/fit_bench summaries.csv [MODELS]
//! ```
//!
//! Reads a CSV of per-customer summaries with header `x,t_x,T,m` (any column order; `m` = mean
//! repeat spend, empty when the customer has no repeat purchase) and prints one JSON line per
//! step on stdout:
//!
//! * `{"step":"read",...}` – CSV parsing (not part of any fit time);
//! * `{"step":"compress",...}` – [`compress`] of the `(x, t_x, T)` rows, done once and shared by
//!   the transaction models;
//! * `{"model":"bg_nbd"|"pareto_nbd"|"mbg_nbd"|"gamma_gamma",...}` – wall time of the fit
//!   (`fit_seconds`, including standard errors), `seconds` = `fit_seconds` plus the compression
//!   time for the transaction models (what a caller starting from raw rows pays), parameters,
//!   total log-likelihood, iterations and method. Diagnostics: `passes` = the fit's `evaluations`
//!   (passes of log-likelihood + gradient over all rows, optimiser and standard errors together),
//!   `pass_seconds` = `fit_seconds / passes` (setup included, so an upper bound of one pass), and
//!   `row_pass_seconds` = one pass of the public per-customer `log_likelihood_with_gradient` over
//!   the fitted rows (best of 3, after the fit, not in any time): what a pass costs without the
//!   fits' table-driven, multi-threaded pass. `approx_passes` repeats `passes` for
//!   `bench/clv_vs_lifetimes.py`, which reads that name. `at_boundary`: the fit stopped on a flat
//!   ridge towards a degenerate limit (e.g. nobody leaves).
//!
//! `MODELS` is a comma-separated subset of `bg_nbd,pareto_nbd,mbg_nbd,gamma_gamma` (default all).
//! Gamma-Gamma gets one `SpendSummary` per customer with `x > 0` and a given `m`.

use std::fmt::Write as _;
use std::time::Instant;

use kundenwert_clv::gamma_gamma::SpendSummary;
use kundenwert_clv::{bg_nbd, compress, gamma_gamma, mbg_nbd, pareto_nbd, FitOptions};

fn main() {
    if let Err(e) = run() {
        eprintln!("fit_bench: {e}");
        std::process::exit(1);
    }
}

fn num(v: f64) -> String {
    if v.is_finite() {
        format!("{v:e}")
    } else {
        "null".into()
    }
}

fn params_json(pairs: &[(&str, f64)]) -> String {
    let mut s = String::from("{");
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        let _ = write!(s, "\"{k}\":{}", num(*v));
    }
    s.push('}');
    s
}

/// Wall time of one weighted pass of `f` (log-likelihood + gradient) over `data`, the unit of
/// work of every optimiser step; best of three to damp noise. Diagnostic only.
fn pass_seconds<T>(data: &[T], f: impl Fn(&T) -> f64) -> f64 {
    let mut best = f64::INFINITY;
    for _ in 0..3 {
        let t0 = Instant::now();
        let s: f64 = data.iter().map(&f).sum();
        std::hint::black_box(s);
        best = best.min(t0.elapsed().as_secs_f64());
    }
    best
}

#[expect(clippy::too_many_arguments)]
fn print_fit(
    model: &str,
    fit_seconds: f64,
    extra_seconds: f64,
    row_pass: f64,
    params: &[(&str, f64)],
    ll: f64,
    iterations: u64,
    passes: u64,
    at_boundary: bool,
    method: &str,
    customers: f64,
    rows: usize,
) {
    println!(
        "{{\"model\":\"{model}\",\"seconds\":{},\"fit_seconds\":{},\"passes\":{passes},\"approx_passes\":{passes},\"pass_seconds\":{},\"row_pass_seconds\":{},\"params\":{},\"log_likelihood\":{},\"iterations\":{iterations},\"at_boundary\":{at_boundary},\"method\":\"{method}\",\"customers\":{},\"rows\":{rows}}}",
        num(fit_seconds + extra_seconds),
        num(fit_seconds),
        num(fit_seconds / passes.max(1) as f64),
        num(row_pass),
        params_json(params),
        num(ll),
        num(customers),
    );
}

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: fit_bench SUMMARIES.csv [bg_nbd,pareto_nbd,mbg_nbd,gamma_gamma]")?;
    let models: Vec<String> = args
        .next()
        .unwrap_or_else(|| "bg_nbd,pareto_nbd,mbg_nbd,gamma_gamma".into())
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    for m in &models {
        if !matches!(
            m.as_str(),
            "bg_nbd" | "pareto_nbd" | "mbg_nbd" | "gamma_gamma"
        ) {
            return Err(format!("unknown model {m}"));
        }
    }

    // ------------------------------------------------------------------ read
    let t0 = Instant::now();
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines
        .next()
        .ok_or("empty file")?
        .split(',')
        .map(str::trim)
        .collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .ok_or(format!("column {name} missing in header {header:?}"))
    };
    let (ix, itx, it, im) = (col("x")?, col("t_x")?, col("T")?, col("m")?);
    let mut rows: Vec<(f64, f64, f64)> = Vec::new();
    let mut spend: Vec<SpendSummary> = Vec::new();
    for (n, line) in lines.enumerate() {
        if line.is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split(',').collect();
        let get = |i: usize| -> Result<&str, String> {
            f.get(i)
                .map(|s| s.trim())
                .ok_or(format!("line {}: too few fields", n + 2))
        };
        let parse = |i: usize| -> Result<f64, String> {
            let s = get(i)?;
            s.parse::<f64>()
                .map_err(|e| format!("line {}: {s:?}: {e}", n + 2))
        };
        let (x, t_x, t) = (parse(ix)?, parse(itx)?, parse(it)?);
        rows.push((x, t_x, t));
        if x > 0.0 && !get(im)?.is_empty() {
            spend.push(SpendSummary { x, m: parse(im)? });
        }
    }
    let read_s = t0.elapsed().as_secs_f64();
    println!(
        "{{\"step\":\"read\",\"seconds\":{},\"customers\":{},\"spend_rows\":{}}}",
        num(read_s),
        rows.len(),
        spend.len()
    );

    // ------------------------------------------------------------------ compress
    let t0 = Instant::now();
    let data = compress(rows.iter().copied());
    let compress_s = t0.elapsed().as_secs_f64();
    println!(
        "{{\"step\":\"compress\",\"seconds\":{},\"customers\":{},\"distinct_rows\":{}}}",
        num(compress_s),
        rows.len(),
        data.len()
    );

    let opts = FitOptions::default();
    for m in &models {
        let t0 = Instant::now();
        match m.as_str() {
            "bg_nbd" => {
                let f = bg_nbd::fit(&data, &opts).map_err(|e| format!("bg_nbd: {e:?}"))?;
                let s = t0.elapsed().as_secs_f64();
                let p = &f.params;
                let pass = pass_seconds(&data, |d| {
                    d.weight * bg_nbd::log_likelihood_with_gradient(p, d).0
                });
                print_fit(
                    m,
                    s,
                    compress_s,
                    pass,
                    &[("r", p.r), ("alpha", p.alpha), ("a", p.a), ("b", p.b)],
                    f.log_likelihood,
                    f.iterations,
                    f.evaluations,
                    f.at_boundary,
                    f.method,
                    f.customers,
                    data.len(),
                );
            }
            "pareto_nbd" => {
                let f = pareto_nbd::fit(&data, &opts).map_err(|e| format!("pareto_nbd: {e:?}"))?;
                let s = t0.elapsed().as_secs_f64();
                let p = &f.params;
                let pass = pass_seconds(&data, |d| {
                    d.weight * pareto_nbd::log_likelihood_with_gradient(p, d).0
                });
                print_fit(
                    m,
                    s,
                    compress_s,
                    pass,
                    &[("r", p.r), ("alpha", p.alpha), ("s", p.s), ("beta", p.beta)],
                    f.log_likelihood,
                    f.iterations,
                    f.evaluations,
                    f.at_boundary,
                    f.method,
                    f.customers,
                    data.len(),
                );
            }
            "mbg_nbd" => {
                let f = mbg_nbd::fit(&data, &opts).map_err(|e| format!("mbg_nbd: {e:?}"))?;
                let s = t0.elapsed().as_secs_f64();
                let p = &f.params;
                let pass = pass_seconds(&data, |d| {
                    d.weight * mbg_nbd::log_likelihood_with_gradient(p, d).0
                });
                print_fit(
                    m,
                    s,
                    compress_s,
                    pass,
                    &[("r", p.r), ("alpha", p.alpha), ("a", p.a), ("b", p.b)],
                    f.log_likelihood,
                    f.iterations,
                    f.evaluations,
                    f.at_boundary,
                    f.method,
                    f.customers,
                    data.len(),
                );
            }
            "gamma_gamma" => {
                let f =
                    gamma_gamma::fit(&spend, &opts).map_err(|e| format!("gamma_gamma: {e:?}"))?;
                let s = t0.elapsed().as_secs_f64();
                let p = &f.params;
                let pass = pass_seconds(&spend, |d| {
                    gamma_gamma::log_likelihood_with_gradient(p, d).0
                });
                print_fit(
                    m,
                    s,
                    0.0,
                    pass,
                    &[("p", p.p), ("q", p.q), ("gamma", p.gamma)],
                    f.log_likelihood,
                    f.iterations,
                    f.evaluations,
                    f.at_boundary,
                    f.method,
                    f.customers,
                    spend.len(),
                );
            }
            _ => unreachable!(),
        }
    }
    Ok(())
}
