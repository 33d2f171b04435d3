//! Property tests: likelihoods, gradients and predictions stay finite (and probabilities in
//! [0, 1]) over extreme but valid summaries and parameters.

use kundenwert_clv::gamma_gamma::{GammaGammaParams, SpendSummary};
use kundenwert_clv::{bg_bb, bg_nbd, gamma_gamma, mbg_nbd, Summary};
use proptest::prelude::*;

/// A positive parameter spanning 1e-3 .. 1e3 on a log scale.
fn param() -> impl Strategy<Value = f64> {
    (-3.0f64..3.0).prop_map(|e| 10f64.powf(e))
}

/// Continuous-time summary: integer x up to 1e5, T up to 1e5, t_x in [0, T] (0 when x = 0).
fn summary() -> impl Strategy<Value = Summary> {
    (0u32..100_000, 0.0f64..=1.0, -3.0f64..5.0, prop::bool::ANY).prop_map(
        |(x, frac, t_exp, zero)| {
            let x = if zero { 0.0 } else { f64::from(x) };
            let t = if t_exp < -2.5 { 0.0 } else { 10f64.powf(t_exp) };
            let t_x = if x == 0.0 { 0.0 } else { frac * t };
            Summary::new(x, t_x, t)
        },
    )
}

fn horizon() -> impl Strategy<Value = f64> {
    prop_oneof![Just(0.0), (-3.0f64..4.0).prop_map(|e| 10f64.powf(e))]
}

fn finite_grad(g: &[f64]) -> bool {
    g.iter().all(|v| v.is_finite())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn bg_nbd_is_finite(r in param(), alpha in param(), a in param(), b in param(), s in summary(), h in horizon()) {
        let p = bg_nbd::BgNbdParams { r, alpha, a, b };
        let (ll, g) = bg_nbd::log_likelihood_with_gradient(&p, &s);
        // A density in continuous time: the log-likelihood may be positive, only finiteness is required.
        prop_assert!(ll.is_finite() && finite_grad(&g), "ll {ll} g {g:?}");
        let pa = p.p_alive(&s);
        prop_assert!((0.0..=1.0).contains(&pa), "p_alive {pa}");
        let e = p.expected_transactions(&s, h);
        prop_assert!(e.is_finite() && e >= 0.0, "E {e}");
        let n = p.expected_transactions_new(h);
        prop_assert!(n.is_finite() && n >= 0.0, "E new {n}");
    }

    #[test]
    fn mbg_nbd_is_finite(r in param(), alpha in param(), a in param(), b in param(), s in summary(), h in horizon()) {
        let p = mbg_nbd::MbgNbdParams { r, alpha, a, b };
        let (ll, g) = mbg_nbd::log_likelihood_with_gradient(&p, &s);
        prop_assert!(ll.is_finite() && finite_grad(&g), "ll {ll} g {g:?}");
        let pa = p.p_alive(&s);
        prop_assert!((0.0..=1.0).contains(&pa), "p_alive {pa}");
        let e = p.expected_transactions(&s, h);
        prop_assert!(e.is_finite() && e >= 0.0, "E {e}");
        let n = p.expected_transactions_new(h);
        prop_assert!(n.is_finite() && n >= 0.0, "E new {n}");
    }

    #[test]
    fn bg_bb_is_finite(
        alpha in param(), beta in param(), gamma in param(), delta in param(),
        n in 0u32..2000, fx in 0.0f64..=1.0, ft in 0.0f64..=1.0, h in 0u32..10_000,
    ) {
        let p = bg_bb::BgBbParams { alpha, beta, gamma, delta };
        let t_x = (ft * f64::from(n)).floor();
        let x = (fx * t_x).floor();
        let s = Summary::new(x, t_x, f64::from(n));
        let (ll, g) = bg_bb::log_likelihood_with_gradient(&p, &s);
        prop_assert!(ll.is_finite() && ll <= 1e-9 && finite_grad(&g), "ll {ll} g {g:?}");
        let pa = p.p_alive(&s);
        prop_assert!((0.0..=1.0).contains(&pa), "p_alive {pa}");
        let e = p.expected_transactions(&s, f64::from(h));
        prop_assert!(e.is_finite() && e >= 0.0 && e <= f64::from(h) + 1e-9, "E {e}");
        let en = p.expected_transactions_new(f64::from(h));
        prop_assert!(en.is_finite() && en >= 0.0 && en <= f64::from(h) + 1e-9, "E new {en}");
    }

    #[test]
    fn gamma_gamma_is_finite(p in param(), q in param(), gamma in param(), x in 1u32..100_000, m_exp in -6.0f64..9.0) {
        let par = GammaGammaParams { p, q, gamma };
        let s = SpendSummary { x: f64::from(x), m: 10f64.powf(m_exp) };
        let (ll, g) = gamma_gamma::log_likelihood_with_gradient(&par, &s);
        prop_assert!(ll.is_finite() && finite_grad(&g), "ll {ll} g {g:?}");
        let c = par.conditional_expected_spend(s.x, s.m);
        if p * s.x + q > 1.0 {
            prop_assert!(c.is_finite() && c > 0.0, "spend {c}");
        } else {
            prop_assert!(c == f64::INFINITY);
        }
    }
}

/// Invalid inputs are errors, never panics.
#[test]
fn invalid_inputs_are_errors() {
    let o = kundenwert_clv::FitOptions::default();
    assert!(bg_nbd::fit(&[], &o).is_err());
    assert!(bg_nbd::fit(&[Summary::new(0.0, 0.0, 5.0)], &o).is_err());
    assert!(mbg_nbd::fit(&[Summary::new(f64::NAN, 0.0, 5.0)], &o).is_err());
    assert!(mbg_nbd::fit(&[Summary::new(2.0, 6.0, 5.0)], &o).is_err());
    assert!(bg_bb::fit(&[Summary::new(1.5, 2.0, 5.0)], &o).is_err());
    assert!(gamma_gamma::fit(&[SpendSummary { x: 0.0, m: 3.0 }], &o).is_err());
    assert!(gamma_gamma::fit(
        &[SpendSummary {
            x: 1.0,
            m: f64::INFINITY
        }],
        &o
    )
    .is_err());
}

/// Degenerate data (maximum on the boundary of the parameter space) ends with an estimate or an
/// error, never a panic, a hang or non-finite estimates.
#[test]
fn degenerate_data_terminate() {
    let o = kundenwert_clv::FitOptions::default();
    let sets: Vec<Vec<Summary>> = vec![
        vec![Summary::new(1.0, 1.0, 1.0)],
        vec![Summary::new(5.0, 10.0, 10.0), Summary::new(5.0, 10.0, 10.0)],
        vec![Summary::new(1.0, 1e-9, 1e5), Summary::new(0.0, 0.0, 1e-9)],
        vec![Summary::new(1e5, 1.0, 1.0), Summary::new(0.0, 0.0, 1e5)],
    ];
    for d in &sets {
        if let Ok(f) = bg_nbd::fit(d, &o) {
            let p = f.params;
            assert!([p.r, p.alpha, p.a, p.b, f.log_likelihood]
                .iter()
                .all(|v| v.is_finite()));
        }
        if let Ok(f) = mbg_nbd::fit(d, &o) {
            let p = f.params;
            assert!([p.r, p.alpha, p.a, p.b, f.log_likelihood]
                .iter()
                .all(|v| v.is_finite()));
        }
    }
    for d in [
        vec![Summary::new(6.0, 6.0, 6.0)],
        vec![Summary::new(1.0, 1.0, 1.0), Summary::new(0.0, 0.0, 1.0)],
    ] {
        if let Ok(f) = bg_bb::fit(&d, &o) {
            let p = f.params;
            assert!([p.alpha, p.beta, p.gamma, p.delta, f.log_likelihood]
                .iter()
                .all(|v| v.is_finite()));
        }
    }
    let one = [SpendSummary { x: 1.0, m: 10.0 }];
    if let Ok(f) = gamma_gamma::fit(&one, &o) {
        assert!(f.log_likelihood.is_finite());
    }
}
