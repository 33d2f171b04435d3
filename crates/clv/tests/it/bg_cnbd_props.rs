//! Robustness of the BG/CNBD-k likelihood and predictions at extreme inputs: finite values,
//! probabilities in [0, 1], non-negative expectations.

use kundenwert_clv::bg_cnbd::{log_likelihood_with_gradient, BgCnbdParams, CnbdSummary};
use proptest::prelude::*;

/// A parameter log-uniform on [1e-4, 1e4].
fn param() -> impl Strategy<Value = f64> {
    (-4.0f64..=4.0).prop_map(|e| 10f64.powf(e))
}

/// A customer with x in 0..=1_000, T in [0, 1e4], t_x in [0, T] and a litt consistent with x
/// gaps summing to t_x (equal gaps, the largest possible litt, and a spread below it).
fn summary() -> impl Strategy<Value = CnbdSummary> {
    (0u32..=1_000, 0.0f64..=1e4, 1e-6f64..=1.0, 0.0f64..=5.0).prop_map(|(x, t, frac, spread)| {
        if x == 0 {
            return CnbdSummary::new(0.0, 0.0, t, 0.0);
        }
        let xf = f64::from(x);
        let t_x = (frac * t).max(1e-9);
        let litt = xf * (t_x / xf).ln() - spread * xf;
        CnbdSummary::new(xf, t_x, t.max(t_x), litt)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn likelihood_and_predictions_stay_finite(
        k in 1u32..=8, r in param(), alpha in param(), a in param(), b in param(),
        c in summary(), horizon in 0.0f64..=200.0,
    ) {
        let p = BgCnbdParams { k, r, alpha, a, b };
        let (ll, g) = log_likelihood_with_gradient(&p, &c);
        prop_assert!(ll.is_finite(), "LL {ll} at {p:?} {c:?}");
        prop_assert!(g.iter().all(|v| v.is_finite()), "gradient {g:?} at {p:?} {c:?}");
        let pa = p.p_alive(&c);
        prop_assert!((0.0..=1.0).contains(&pa), "P(alive) {pa} at {p:?} {c:?}");
        let e = p.expected_transactions(&c, horizon);
        prop_assert!(e.is_finite() && e >= 0.0, "E[X] {e} at {p:?} {c:?}");
    }
}
