//! BG/CNBD-k fits that save passes: the warm start [`bg_cnbd::fit_from`] reaches the optimum of
//! the cold fit, on data simulated from the model.

mod b_support;

use b_support::Rng;
use kundenwert_clv::bg_cnbd::{self, BgCnbdParams, CnbdSummary};
use kundenwert_clv::FitOptions;

/// A cohort of the BG/CNBD-k (Erlang-k gaps with phase rate `lambda ~ Gamma(r, alpha)`, dropout
/// `p ~ Beta(a, b)` after each repeat purchase), ages uniform on [20, 60] time units; purchase
/// times rounded up to a grid of 1/7 (days in weeks), so customers share histories as on real
/// data.
fn simulate(p: &BgCnbdParams, n: usize, seed: u64) -> Vec<CnbdSummary> {
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|_| {
            let lambda = rng.gamma(p.r, p.alpha);
            let drop = rng.beta(p.a, p.b);
            let t_cal = (20.0 + 40.0 * rng.uniform()) * 7.0;
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
