//! BG/CNBD-k fits that save passes: the warm start [`bg_cnbd::fit_from`] reaches the optimum of
//! the cold fit, on data simulated from the model.

use crate::simulation::Rng;
use kundenwert_clv::bg_cnbd::{self, BgCnbdParams, CnbdSummary};
use kundenwert_clv::{compress, minimize, FitOptions};

/// A cohort of the BG/CNBD-k (Erlang-k gaps with phase rate `lambda ~ Gamma(r, alpha)`, dropout
/// `p ~ Beta(a, b)` after each repeat purchase), ages uniform on [20, 60] time units; purchase
/// times rounded up to a grid of 1/7 (days in weeks), so customers share histories as on real
/// data.
fn simulate(p: &BgCnbdParams, n: usize, seed: u64) -> Vec<CnbdSummary> {
    simulate_ages(p, n, 40.0, seed)
}

/// [`simulate`] with ages uniform on [20, 20 + `spread`].
fn simulate_ages(p: &BgCnbdParams, n: usize, spread: f64, seed: u64) -> Vec<CnbdSummary> {
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|_| {
            let lambda = rng.gamma(p.r, p.alpha);
            let drop = rng.beta(p.a, p.b);
            let t_cal = (20.0 + spread * rng.uniform()) * 7.0;
            let mut days = vec![0.0f64];
            let mut now = 0.0;
            loop {
                now += (0..p.k).map(|_| rng.exponential(lambda)).sum::<f64>() * 7.0;
                if now > t_cal {
                    break;
                }
                let day = now.ceil();
                if day > *days.last().expect("first day") && day <= t_cal {
                    days.push(day);
                }
                if rng.uniform() < drop {
                    break;
                }
            }
            let weeks: Vec<f64> = days.iter().map(|d| d / 7.0).collect();
            CnbdSummary::from_purchase_times(&weeks, t_cal.floor() / 7.0).expect("increasing days")
        })
        .collect()
}

/// Relative agreement of two optima: both fits stop at a mean-NLL gradient below 1e-8 in
/// log-parameters; with ~1e4 customers the curvature puts the parameters within ~1e-6
/// relative of the exact optimum, the log-likelihood within ~1e-12.
const PARAM_TOL: f64 = 1e-4;
const LL_TOL: f64 = 1e-9;

#[test]
fn warm_start_reaches_the_cold_optimum() {
    let opts = FitOptions::default();
    for (truth, seed) in [
        (
            BgCnbdParams {
                k: 3,
                r: 1.5,
                alpha: 3.0,
                a: 0.8,
                b: 4.0,
            },
            7,
        ),
        // B2B: almost nobody drops out.
        (
            BgCnbdParams {
                k: 2,
                r: 2.0,
                alpha: 2.0,
                a: 1.0,
                b: 200.0,
            },
            8,
        ),
    ] {
        let data = simulate(&truth, 10_000, seed);
        let cold = bg_cnbd::fit(&data, Some(truth.k), &opts).expect("cold fit");
        let c = cold.params;
        for f in [0.7, 1.3] {
            let start = BgCnbdParams {
                k: truth.k,
                r: c.r * f,
                alpha: c.alpha / f,
                a: c.a * f,
                b: c.b * f,
            };
            let warm = bg_cnbd::fit_from(&data, &start, &opts).expect("warm fit");
            let w = warm.params;
            assert_eq!(w.k, truth.k);
            for (name, u, v) in [
                ("r", w.r, c.r),
                ("alpha", w.alpha, c.alpha),
                ("a", w.a, c.a),
                ("b", w.b, c.b),
            ] {
                assert!(
                    (u - v).abs() <= PARAM_TOL * v,
                    "{name}: warm {u} vs cold {v} (start x{f})"
                );
            }
            assert!(
                (warm.log_likelihood - cold.log_likelihood).abs()
                    <= LL_TOL * cold.log_likelihood.abs(),
                "{} vs {}",
                warm.log_likelihood,
                cold.log_likelihood
            );
            assert_eq!(
                warm.log_likelihood_by_k,
                vec![(truth.k, warm.log_likelihood)]
            );
            eprintln!(
                "k={} start x{f}: warm {} passes / {} iterations, cold {} / {}",
                truth.k, warm.evaluations, warm.iterations, cold.evaluations, cold.iterations
            );
        }
    }
    let bad = BgCnbdParams {
        k: 0,
        r: 1.0,
        alpha: 1.0,
        a: 1.0,
        b: 1.0,
    };
    let data = simulate(&BgCnbdParams { k: 1, ..bad }, 100, 1);
    assert!(bg_cnbd::fit_from(&data, &bad, &opts).is_err());
    assert!(bg_cnbd::fit_from(
        &data,
        &BgCnbdParams {
            r: f64::NAN,
            k: 1,
            ..bad
        },
        &opts
    )
    .is_err());
}

/// On data large enough that the fit first runs on a sample (more than 60 000 distinct
/// histories), `fit` and `fit_from` reach the optimum of a plain minimisation of the sum of the
/// public per-customer log-likelihoods from the same start.
#[test]
fn sampled_fit_matches_plain_minimisation() {
    let truth = BgCnbdParams {
        k: 2,
        r: 1.5,
        alpha: 2.0,
        a: 0.8,
        b: 4.0,
    };
    let data = simulate_ages(&truth, 75_000, 150.0, 3);
    let distinct = compress(data.iter().map(|c| (c.x, c.t_x, c.t))).len();
    assert!(
        distinct > 60_000,
        "{distinct} distinct histories: not sampled"
    );
    let opts = FitOptions::default();
    let fast = bg_cnbd::fit(&data, Some(truth.k), &opts).expect("fit");
    let total: f64 = data.iter().map(|c| c.weight).sum();
    let plain = |x: &[f64], g: &mut [f64]| {
        let p = BgCnbdParams {
            k: truth.k,
            r: x[0].exp(),
            alpha: x[1].exp(),
            a: x[2].exp(),
            b: x[3].exp(),
        };
        g.iter_mut().for_each(|v| *v = 0.0);
        let mut v = 0.0;
        for c in &data {
            let (l, gi) = bg_cnbd::log_likelihood_with_gradient(&p, c);
            v -= c.weight * l / total;
            for (acc, d) in g.iter_mut().zip(gi) {
                *acc -= c.weight * d / total;
            }
        }
        v
    };
    // The default start of `fit` (r = 1, a = b = 1, alpha from the purchase rate) is where the
    // plain minimisation starts too; any start reaches the same optimum, so the start of the
    // plain run only has to be reasonable.
    let plain_opt = minimize(plain, &[0.0, 0.0, 0.0, 0.0], &opts).expect("plain minimisation");
    let want = [
        plain_opt.x[0].exp(),
        plain_opt.x[1].exp(),
        plain_opt.x[2].exp(),
        plain_opt.x[3].exp(),
    ];
    let start = BgCnbdParams {
        r: want[0] * 1.2,
        alpha: want[1] * 0.8,
        ..truth
    };
    let warm = bg_cnbd::fit_from(&data, &start, &opts).expect("fit_from");
    for f in [&fast, &warm] {
        let got = [f.params.r, f.params.alpha, f.params.a, f.params.b];
        for (u, v) in got.iter().zip(&want) {
            assert!((u - v).abs() <= PARAM_TOL * v, "{got:?} vs {want:?}");
        }
        let ll_plain = -plain_opt.value * total;
        assert!(
            (f.log_likelihood - ll_plain).abs() <= LL_TOL * ll_plain.abs(),
            "{} vs {ll_plain}",
            f.log_likelihood
        );
    }
    eprintln!(
        "sampled fit: {} passes, fit_from: {} passes, plain: {} iterations",
        fast.evaluations, warm.evaluations, plain_opt.iterations
    );
}
