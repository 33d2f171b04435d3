//! Benchmark of the BG/CNBD-k fit on simulated customers.
//!
//! ```sh
//! cargo run --release -p kundenwert-clv --example cnbd_bench -- [CUSTOMERS] [SCENARIO] [K]
//! ```
//!
//! Simulates `CUSTOMERS` (default 500 000) customers of a BG/CNBD-k world: Erlang-`K` gaps
//! (default 3) between purchases with a gamma-distributed phase rate, dropout after each repeat purchase
//! with a beta-distributed probability, first purchases spread over two years before a
//! calibration end three years in. Purchase times are cut to whole days (same-day purchases
//! merged) and measured in weeks, as `kundenwert analyze` builds its model inputs, so customers
//! share `(x, t_x, T)` rows as on real data. `SCENARIO`:
//!
//! * `churn` (default): `p ~ Beta(0.8, 6)`, a retail-like population;
//! * `b2b`: `p ~ Beta(1, 400)`, almost nobody drops out (the case where the dropout shapes run
//!   off towards infinity);
//! * `nochurn`: `p ~ Beta(1, 1e12)`, nobody drops out (the maximum likelihood is at the edge,
//!   `b` infinite).
//!
//! Prints one JSON line per step: the fit of `k` on a 20 000-customer sample (`fit(.., None, ..)`,
//! as the caller does), the fit of all customers with that `k` (`fit(.., Some(k), ..)`) and the
//! same from the sample's estimates (`fit_from`); wall seconds, optimiser
//! iterations, likelihood passes (`evaluations`, standard errors included), `pass_seconds` =
//! seconds / passes (setup included, so an upper bound of one pass), the seconds of one pass of the public
//! per-customer `log_likelihood_with_gradient` over all customers (best of 3, outside any fit
//! time), parameters and log-likelihood.

use std::time::Instant;

use kundenwert_clv::bg_cnbd::{self, BgCnbdFit, CnbdSummary};
use kundenwert_clv::FitOptions;

/// xorshift64* uniform in (0, 1).
struct Rng(u64);

impl Rng {
    fn uniform(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let v = self.0.wrapping_mul(0x2545_f491_4f6c_dd1d);
        ((v >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }

    /// Gamma(shape, 1) by Marsaglia & Tsang (2000), boosted for shape < 1.
    fn gamma(&mut self, shape: f64) -> f64 {
        if shape < 1.0 {
            return self.gamma(shape + 1.0) * self.uniform().powf(1.0 / shape);
        }
        let d = shape - 1.0 / 3.0;
        let c = 1.0 / (9.0 * d).sqrt();
        loop {
            let z = self.normal();
            let v = (1.0 + c * z).powi(3);
            if v <= 0.0 {
                continue;
            }
            if self.uniform().ln() < 0.5 * z * z + d - d * v + d * v.ln() {
                return d * v;
            }
        }
    }

    fn beta(&mut self, a: f64, b: f64) -> f64 {
        let x = self.gamma(a);
        x / (x + self.gamma(b))
    }
}

/// One simulated population in weeks on a day grid.
fn simulate(n: usize, k: u32, r: f64, alpha: f64, a: f64, b: f64, seed: u64) -> Vec<CnbdSummary> {
    let mut rng = Rng(seed | 1);
    let end_day = 3.0 * 365.0;
    let mut out = Vec::with_capacity(n);
    let mut days: Vec<f64> = Vec::new();
    for _ in 0..n {
        let lambda = rng.gamma(r) / alpha; // phase rate per week
        let p = rng.beta(a, b);
        let first = (rng.uniform() * 2.0 * 365.0).floor();
        days.clear();
        days.push(first);
        let mut t = first / 7.0;
        loop {
            let gap: f64 = (0..k).map(|_| -rng.uniform().ln()).sum::<f64>() / lambda;
            t += gap;
            let day = (t * 7.0).floor();
            if day > end_day {
                break;
            }
            if day > *days.last().expect("first day pushed") {
                days.push(day);
            }
            if rng.uniform() < p {
                break;
            }
        }
        let weeks: Vec<f64> = days.iter().map(|d| d / 7.0).collect();
        out.push(
            CnbdSummary::from_purchase_times(&weeks, end_day / 7.0)
                .expect("simulated days strictly increase"),
        );
    }
    out
}

fn print(step: &str, seconds: f64, f: &BgCnbdFit, row_pass: f64, rows: usize) {
    let p = &f.params;
    println!(
        "{{\"step\":\"{step}\",\"seconds\":{seconds:.3},\"iterations\":{},\"passes\":{},\"pass_seconds\":{:.4},\"row_pass_seconds\":{row_pass:.4},\"k\":{},\"r\":{:.6},\"alpha\":{:.6},\"a\":{:.6},\"b\":{:.6},\"log_likelihood\":{:.6},\"method\":\"{}\",\"customers\":{rows},\"ll_by_k\":{:?}}}",
        f.iterations,
        f.evaluations,
        seconds / f.evaluations.max(1) as f64,
        p.k, p.r, p.alpha, p.a, p.b, f.log_likelihood, f.method, f.log_likelihood_by_k
    );
}

/// One pass of the public per-customer log-likelihood and gradient over `data`, best of 3.
fn row_pass(data: &[CnbdSummary], f: &BgCnbdFit) -> f64 {
    let mut best = f64::INFINITY;
    for _ in 0..3 {
        let t0 = Instant::now();
        let mut s = 0.0;
        for c in data {
            let (v, g) = bg_cnbd::log_likelihood_with_gradient(&f.params, c);
            s += c.weight * (v + g[0]);
        }
        std::hint::black_box(s);
        best = best.min(t0.elapsed().as_secs_f64());
    }
    best
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(500_000);
    let scenario = args.next().unwrap_or_else(|| "churn".into());
    let k: u32 = args.next().and_then(|s| s.parse().ok()).unwrap_or(3);
    let (a, b) = match scenario.as_str() {
        "b2b" => (1.0, 400.0),
        "nochurn" => (1.0, 1e12),
        _ => (0.8, 6.0),
    };
    let t0 = Instant::now();
    // Phase rate lambda ~ Gamma(2, 7.5 / k): the same mean purchase rate lambda / k (0.27 a
    // week) whatever k.
    let data = simulate(n, k, 2.0, 7.5 / f64::from(k), a, b, 42);
    let sim_s = t0.elapsed().as_secs_f64();
    let repeaters = data.iter().filter(|c| c.x > 0.0).count();
    let histories = kundenwert_clv::compress(data.iter().map(|c| (c.x, c.t_x, c.t))).len();
    println!(
        "{{\"step\":\"simulate\",\"scenario\":\"{scenario}\",\"seconds\":{sim_s:.3},\"customers\":{n},\"repeaters\":{repeaters},\"distinct_histories\":{histories}}}"
    );
    let opts = FitOptions::default();
    // The caller's sample: every (n / 20 000)-th customer (the simulation is in random order).
    let step = (n / 20_000).max(1);
    let sample: Vec<CnbdSummary> = data.iter().step_by(step).copied().collect();
    let t0 = Instant::now();
    let fk = bg_cnbd::fit(&sample, None, &opts).expect("sample fit");
    let s = t0.elapsed().as_secs_f64();
    print("k_on_sample", s, &fk, row_pass(&sample, &fk), sample.len());
    let t0 = Instant::now();
    let f = bg_cnbd::fit(&data, Some(fk.params.k), &opts).expect("full fit");
    let s = t0.elapsed().as_secs_f64();
    print("all_fixed_k", s, &f, row_pass(&data, &f), data.len());
    let t0 = Instant::now();
    let f = bg_cnbd::fit_from(&data, &fk.params, &opts).expect("warm fit");
    let s = t0.elapsed().as_secs_f64();
    print("all_from_sample", s, &f, row_pass(&data, &f), data.len());
}
