//! Robustness of the Pareto/NBD likelihood and predictions at extreme inputs: where other
//! implementations return NaN or crash (lifetimes issue 302, 2F1 near z = 1), ours stays finite.

use kundenwert_clv::pareto_nbd::{log_likelihood_with_gradient, ParetoNbdParams};
use kundenwert_clv::Summary;
use proptest::prelude::*;

/// A parameter log-uniform on [1e-4, 1e4].
fn param() -> impl Strategy<Value = f64> {
    (-4.0f64..=4.0).prop_map(|e| 10f64.powf(e))
}

/// A customer with x in 0..=10_000, T in [0, 1e4] and t_x in [0, T] (0 when x = 0).
fn summary() -> impl Strategy<Value = Summary> {
    (0u32..=10_000, 0.0f64..=1e4, 0.0f64..=1.0).prop_map(|(x, t, frac)| {
        let t_x = if x == 0 { 0.0 } else { frac * t };
        Summary::new(f64::from(x), t_x, t)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn likelihood_and_predictions_stay_finite(
        r in param(), alpha in param(), s in param(), beta in param(),
        c in summary(), horizon in 0.0f64..=1e3,
    ) {
        let p = ParetoNbdParams { r, alpha, s, beta };
        let (ll, g) = log_likelihood_with_gradient(&p, &c);
        prop_assert!(ll.is_finite(), "LL {ll} at {p:?} {c:?}");
        prop_assert!(ll <= 1e-9 || c.t == 0.0 || c.x > 0.0, "x = 0 likelihood is a probability");
        prop_assert!(g.iter().all(|v| v.is_finite()), "gradient {g:?} at {p:?} {c:?}");
        let pa = p.p_alive(&c);
        prop_assert!((0.0..=1.0).contains(&pa), "P(alive) {pa} at {p:?} {c:?}");
        let e = p.expected_transactions(&c, horizon);
        prop_assert!(e.is_finite() && e >= 0.0, "E[X] {e} at {p:?} {c:?}");
        let e_new = p.expected_transactions_new(horizon);
        prop_assert!(e_new.is_finite() && e_new >= 0.0, "E[X new] {e_new} at {p:?}");
    }
}
