//! Regression (issue 4): on the demo company (`kundenwert demo`, 5,000 B2B customers; the
//! fixture holds their (x, t_x, T) in weeks, made with lifetimes'
//! `summary_data_from_transaction_data` from `data/demo`-style output) the dropout parameters
//! of BG/NBD-type models run to 10⁴…10⁸ ("everyone leaves at the same rate"). There the
//! likelihood written with four `ln Γ` values carried rounding errors of order one per customer,
//! the optimiser followed them and MBG/NBD ended in a failed 12,000-iteration Nelder-Mead.

use kundenwert_clv::{bg_cnbd, bg_nbd, mbg_nbd, FitOptions, Summary};

fn demo() -> Vec<Summary> {
    let text = include_str!("../fixtures/demo_company_summaries.csv");
    text.lines()
        .skip(1)
        .map(|l| {
            let f: Vec<f64> = l.split(',').map(|v| v.parse().unwrap()).collect();
            Summary {
                x: f[0],
                t_x: f[1],
                t: f[2],
                weight: 1.0,
            }
        })
        .collect()
}

/// The three BG-family fits converge by L-BFGS at the flagged edge, with the same purchase
/// process and practically the same log-likelihood (the edge is flat: 0.01 units apart).
#[test]
fn bg_family_fits_converge_at_the_same_rate_edge() {
    let data = demo();
    let opts = FitOptions::default();
    let bg = bg_nbd::fit(&data, &opts).unwrap();
    let mbg = mbg_nbd::fit(&data, &opts).unwrap();
    for (name, method, at_boundary, r, ll, iterations) in [
        (
            "BG/NBD",
            bg.method,
            bg.at_boundary,
            bg.params.r,
            bg.log_likelihood,
            bg.iterations,
        ),
        (
            "MBG/NBD",
            mbg.method,
            mbg.at_boundary,
            mbg.params.r,
            mbg.log_likelihood,
            mbg.iterations,
        ),
    ] {
        assert_eq!(method, "L-BFGS", "{name}");
        assert!(at_boundary, "{name}");
        assert!(iterations < 200, "{name}: {iterations}");
        // r = 4.044 for both (the purchase process does not depend on the dropout edge).
        assert!((r - 4.0443).abs() < 1e-3, "{name}: r = {r}");
        assert!(ll > -392_477.0 && ll < -392_473.0, "{name}: {ll}");
    }
    // The dropout probability per purchase a/(a+b) is what is identified on that edge.
    let p = bg.params.a / (bg.params.a + bg.params.b);
    assert!((p - 6.0e-4).abs() < 0.3e-4, "{p}");
    let cnbd: Vec<bg_cnbd::CnbdSummary> = data
        .iter()
        .map(|s| bg_cnbd::CnbdSummary::new(s.x, s.t_x, s.t, 0.0))
        .collect();
    let c = bg_cnbd::fit(&cnbd, Some(1), &opts).unwrap();
    // BG/CNBD-1 is BG/NBD: it reaches the same edge and says so.
    assert!(c.at_boundary, "{c:?}");
    assert!(
        (c.log_likelihood - bg.log_likelihood).abs() < 0.1,
        "{} vs {}",
        c.log_likelihood,
        bg.log_likelihood
    );
}
