//! The fits' fast paths (table-driven passes, warm start from a sample on large data) change the
//! way to the optimum, not the optimum: on simulated data large enough to be sampled, each fit
//! matches a plain minimisation of the sum of the public per-customer log-likelihoods.

use crate::simulation::Rng;
use kundenwert_clv::gamma_gamma::{self, GammaGammaParams, SpendSummary};
use kundenwert_clv::{bg_nbd, compress, mbg_nbd, minimize, pareto_nbd, FitOptions, Summary};

/// BG/NBD customers (FHL 2005's CDNOW estimates), ages and purchase times on a daily grid in
/// weeks as in real data, so that the compressed rows repeat their `x` and times.
fn simulate(n: usize, seed: u64) -> Vec<Summary> {
    let (r, alpha, a, b) = (0.243, 4.414, 0.793, 2.426);
    let mut rng = Rng::new(seed);
    let day = |t: f64| (t * 7.0).floor() / 7.0;
    let rows = (0..n).map(|_| {
        let lambda = rng.gamma(r, alpha);
        let p = rng.beta(a, b);
        let t = day(20.0 + 60.0 * rng.uniform());
        let (mut now, mut x, mut t_x) = (0.0, 0.0, 0.0);
        loop {
            now += rng.exponential(lambda);
            if now > t {
                break;
            }
            x += 1.0;
            t_x = day(now);
            if rng.uniform() < p {
                break;
            }
        }
        (x, t_x, t)
    });
    compress(rows.collect::<Vec<_>>())
}

/// Mean NLL over all rows from the public per-customer function `ll` (log-parameters in, value
/// and gradient w.r.t. the log-parameters out).
fn plain_objective<'a>(
    data: &'a [Summary],
    ll: impl Fn(&[f64], &Summary) -> (f64, [f64; 4]) + 'a,
) -> impl Fn(&[f64], &mut [f64]) -> f64 + 'a {
    let total: f64 = data.iter().map(|s| s.weight).sum();
    move |x: &[f64], g: &mut [f64]| {
        g.iter_mut().for_each(|v| *v = 0.0);
        let mut v = 0.0;
        for s in data {
            let (l, gi) = ll(x, s);
            v -= s.weight * l / total;
            for (a, b) in g.iter_mut().zip(gi) {
                *a -= s.weight * b / total;
            }
        }
        v
    }
}

/// Both fits stop at a gradient of 1e-8 of the mean NLL; with curvatures of order 1e-2 .. 1 in
/// log-parameters that leaves ~1e-6 relative in the estimates, so 1e-5 flags a different optimum.
const PARAM_TOL: f64 = 1e-5;

fn assert_same(got: [f64; 4], want_log: &[f64], model: &str) {
    for (g, w) in got.iter().zip(want_log) {
        let w = w.exp();
        assert!(
            (g / w - 1.0).abs() < PARAM_TOL,
            "{model}: {got:?} vs plain {:?}",
            want_log.iter().map(|v| v.exp()).collect::<Vec<_>>()
        );
    }
}

#[test]
fn fast_fits_match_plain_minimisation() {
    let data = simulate(400_000, 41);
    // The warm start applies from 60k distinct rows on.
    assert!(data.len() >= 60_000, "only {} distinct rows", data.len());
    let opts = FitOptions::default();
    let total: f64 = data.iter().map(|s| s.weight).sum();
    let mean_x = data.iter().map(|s| s.weight * s.x).sum::<f64>() / total;
    let mean_t = data.iter().map(|s| s.weight * s.t).sum::<f64>() / total;
    let start = [0.0, (mean_t / mean_x).ln(), 0.0, 0.0];

    let fit = bg_nbd::fit(&data, &opts).unwrap();
    let plain = minimize(
        plain_objective(&data, |x, s| {
            let p = bg_nbd::BgNbdParams {
                r: x[0].exp(),
                alpha: x[1].exp(),
                a: x[2].exp(),
                b: x[3].exp(),
            };
            bg_nbd::log_likelihood_with_gradient(&p, s)
        }),
        &start,
        &opts,
    )
    .unwrap();
    let p = fit.params;
    assert_same([p.r, p.alpha, p.a, p.b], &plain.x, "BG/NBD");
    // Simulated with dropout: an interior optimum, never flagged as the no-dropout edge.
    assert!(!fit.at_boundary && !plain.at_boundary);
    assert!(fit.std_errors.is_some());

    let fit = mbg_nbd::fit(&data, &opts).unwrap();
    let plain = minimize(
        plain_objective(&data, |x, s| {
            let p = mbg_nbd::MbgNbdParams {
                r: x[0].exp(),
                alpha: x[1].exp(),
                a: x[2].exp(),
                b: x[3].exp(),
            };
            mbg_nbd::log_likelihood_with_gradient(&p, s)
        }),
        &start,
        &opts,
    )
    .unwrap();
    let p = fit.params;
    assert_same([p.r, p.alpha, p.a, p.b], &plain.x, "MBG/NBD");

    let fit = pareto_nbd::fit(&data, &opts).unwrap();
    let pstart = [0.0, (mean_t / mean_x).ln(), 0.0, mean_t.ln()];
    let plain = minimize(
        plain_objective(&data, |x, s| {
            let p = pareto_nbd::ParetoNbdParams {
                r: x[0].exp(),
                alpha: x[1].exp(),
                s: x[2].exp(),
                beta: x[3].exp(),
            };
            pareto_nbd::log_likelihood_with_gradient(&p, s)
        }),
        &pstart,
        &opts,
    )
    .unwrap();
    let p = fit.params;
    assert_same([p.r, p.alpha, p.s, p.beta], &plain.x, "Pareto/NBD");
}

#[test]
fn fast_gamma_gamma_fit_matches_plain_minimisation() {
    // FHL's CDNOW spend estimates; nu ~ Gamma(q, gamma), each transaction ~ Gamma(p, nu).
    let (p, q, gamma) = (6.25, 3.74, 15.44);
    let mut rng = Rng::new(7);
    let data: Vec<SpendSummary> = (0..100_000)
        .map(|i| {
            let x = 1.0 + (i % 12) as f64;
            let nu = rng.gamma(q, gamma);
            let m = (0..x as usize).map(|_| rng.gamma(p, nu)).sum::<f64>() / x;
            SpendSummary { x, m }
        })
        .collect();
    let opts = FitOptions::default();
    let fit = gamma_gamma::fit(&data, &opts).unwrap();
    let n = data.len() as f64;
    let plain = minimize(
        |v: &[f64], g: &mut [f64]| {
            let par = GammaGammaParams {
                p: v[0].exp(),
                q: v[1].exp(),
                gamma: v[2].exp(),
            };
            g.iter_mut().for_each(|x| *x = 0.0);
            let mut total = 0.0;
            for s in &data {
                let (l, gi) = gamma_gamma::log_likelihood_with_gradient(&par, s);
                total -= l / n;
                for (a, b) in g.iter_mut().zip(gi) {
                    *a -= b / n;
                }
            }
            total
        },
        &[
            0.0,
            2f64.ln(),
            (data.iter().map(|s| s.m).sum::<f64>() / n).ln(),
        ],
        &opts,
    )
    .unwrap();
    let got = [fit.params.p, fit.params.q, fit.params.gamma];
    for (g, w) in got.iter().zip(&plain.x) {
        assert!(
            (g / w.exp() - 1.0).abs() < PARAM_TOL,
            "Gamma-Gamma: {got:?} vs plain {:?}",
            plain.x.iter().map(|v| v.exp()).collect::<Vec<_>>()
        );
    }
}

/// B2B "nobody leaves": purchases from a gamma-Poisson mixture without any dropout. BG/NBD's
/// likelihood then rises towards the no-dropout limit only as the mean dropout probability
/// a/(a+b) -> 0; the fit must stop there with the flag (and no standard errors) instead of
/// crawling, with the purchase-rate parameters still at the truth (r = 0.5, alpha = 10; with
/// 200k customers their sampling error is ~1 %, so 5 % flags a wrong fit).
#[test]
fn no_dropout_data_stop_at_the_flagged_boundary() {
    let (r, alpha) = (0.5, 10.0);
    let mut rng = Rng::new(99);
    let day = |t: f64| (t * 7.0).floor() / 7.0;
    let rows: Vec<(f64, f64, f64)> = (0..200_000)
        .map(|_| {
            let lambda = rng.gamma(r, alpha);
            let t = day(20.0 + 100.0 * rng.uniform());
            let (mut now, mut x, mut t_x) = (0.0, 0.0, 0.0);
            loop {
                now += rng.exponential(lambda);
                if now > t {
                    break;
                }
                x += 1.0;
                t_x = day(now);
            }
            (x, t_x, t)
        })
        .collect();
    let data = compress(rows);
    let fit = bg_nbd::fit(&data, &FitOptions::default()).unwrap();
    let p = fit.params;
    assert!(fit.at_boundary, "{fit:?}");
    assert!(fit.std_errors.is_none());
    assert!(p.a / (p.a + p.b) < 1e-3, "{p:?}");
    assert!(
        (p.r / r - 1.0).abs() < 0.05 && (p.alpha / alpha - 1.0).abs() < 0.05,
        "{p:?}"
    );
}
